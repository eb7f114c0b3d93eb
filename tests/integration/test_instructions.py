"""upsert_instructions with aiolabel against the in-process emulator."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiolabel import AsyncClient, InputError, InputTypeError, InvalidQueryError
from aiolabel.emulator import Emulator
from aiolabel.models.project import Project
from tests.integration._support import requests, sql


async def test_upsert_instructions(
    client: AsyncClient, emu: Emulator, project: Project, tmp_path: Path
) -> None:
    ontology = await client.create_ontology("o", {"tools": [], "classifications": []})
    await project.connect_ontology(ontology)
    page = tmp_path / "instructions.html"
    page.write_text("<p>label the cats</p>")
    await project.upsert_instructions(str(page))
    [stored] = sql(emu, "SELECT * FROM ontology_instructions WHERE ontology_id = ?", ontology.uid)
    body = b"".join([c async for c in client._download(stored["instructions_url"])])
    assert body == page.read_bytes()
    before = sum(requests(emu).values())
    with pytest.raises(InputError, match="pdf or html"):
        await project.upsert_instructions(str(tmp_path / "x.docx"))
    with pytest.raises(InputError, match="not a file"):
        await project.upsert_instructions(str(tmp_path / "missing.pdf"))
    with pytest.raises(InputTypeError):
        await project.upsert_instructions(3)  # type: ignore[arg-type]
    assert sum(requests(emu).values()) == before


async def test_instructions_need_an_ontology(project: Project, tmp_path: Path) -> None:
    pdf = tmp_path / "i.pdf"
    pdf.write_bytes(b"%PDF")
    with pytest.raises(InvalidQueryError, match="ontology"):
        await project.upsert_instructions(str(pdf))
