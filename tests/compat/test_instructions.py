"""The official SDK's upsert_instructions against the emulator over HTTP: the file is uploaded and
its URL kept with the project's ontology."""

from __future__ import annotations

from pathlib import Path

import labelbox
import pytest
import requests

from aiolabel.emulator import EmulatorServer


def test_upsert_instructions(
    lb_client: labelbox.Client, emulator: EmulatorServer, tmp_path: Path
) -> None:
    project = lb_client.create_project(name="p", media_type=labelbox.MediaType.Image)
    other = lb_client.create_project(name="q", media_type=labelbox.MediaType.Image)
    ontology = lb_client.create_ontology("o", {"tools": [], "classifications": []})
    project.connect_ontology(ontology)
    other.connect_ontology(ontology)
    pdf = tmp_path / "instructions.pdf"
    pdf.write_bytes(b"%PDF-1.4 instructions")
    project.upsert_instructions(str(pdf))
    query = "query Q($id: ID!) { project(where: {id: $id}) { ontology { options } } }"
    options = lb_client.execute(query, {"id": other.uid})["project"]["ontology"]["options"]
    assert requests.get(options["instructionsUrl"], timeout=10).content == pdf.read_bytes()
    with pytest.raises(ValueError, match="pdf or html"):
        project.upsert_instructions(str(tmp_path / "notes.txt"))
