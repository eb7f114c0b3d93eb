"""The emulator's import work as aiolabel sees it: what an import checks is read fresh for each
import (data rows deleted or re-keyed, ontology changed between imports), a data row's lookup
holds across the chunks of one import, lines the fast JSON parser refuses are still read as
``json.loads`` reads them, and the work's own time is counted."""

from __future__ import annotations

import json
from typing import Any

import pytest

from aiolabel import AnnotationImportState, AsyncClient, MALPredictionImport, MediaType, Project
from aiolabel.emulator import Emulator
from aiolabel.emulator.resolvers import _annotation_work
from tests.annotation_data import ONTOLOGY, bbox, radio


@pytest.fixture
async def setup(emu: Emulator, client: AsyncClient) -> tuple[Project, list[str]]:
    made = emu.control("bulk_create_data_rows", count=4, global_key_prefix="work-")
    ids: list[str] = made["ids"]
    project = await client.create_project(name="work", media_type=MediaType.Image)
    await project.create_batch("b", data_rows=ids)
    emu.control("set_project_ontology", project_id=project.uid, ontology=ONTOLOGY)
    return project, ids


async def statuses(
    client: AsyncClient, project: Project, name: str, annotations: list[Any]
) -> list[dict[str, Any]]:
    job = await MALPredictionImport.create_from_objects(client, project.uid, name, annotations)
    await job.wait_till_done()
    assert job.state == AnnotationImportState.FINISHED
    return list(await job.statuses())


def reasons(status: dict[str, Any]) -> list[str]:
    return [e["message"] for e in status.get("errors") or []]


async def test_each_import_sees_the_data_rows_and_ontology_as_they_are_then(
    client: AsyncClient, emu: Emulator, setup: tuple[Project, list[str]]
) -> None:
    project, ids = setup
    first = await statuses(
        client, project, "1", [bbox({"globalKey": "work-0"}), radio({"id": ids[1]})]
    )
    assert [s["status"] for s in first] == ["SUCCESS", "SUCCESS"]
    assert first[0]["dataRow"] == {"id": ids[0], "globalKey": "work-0"}

    await (await client.get_data_row(ids[0])).delete()
    await client.assign_global_keys_to_data_rows([{"data_row_id": ids[2], "global_key": "moved"}])
    boxless = {**ONTOLOGY, "tools": [t for t in ONTOLOGY["tools"] if t["name"] != "box"]}
    emu.control("set_project_ontology", project_id=project.uid, ontology=boxless)

    second = await statuses(
        client,
        project,
        "2",
        [
            radio({"globalKey": "work-0"}),  # its row is deleted
            radio({"id": ids[0]}),
            radio({"globalKey": "work-2"}),  # the key now names nothing
            radio({"globalKey": "MOVED"}),  # keys match case-insensitively
            bbox({"id": ids[1]}),  # "box" left the ontology
            radio({"id": ids[1]}),
        ],
    )
    failure, success = "FAILURE", "SUCCESS"
    assert [s["status"] for s in second] == [failure] * 3 + [success, failure, success]
    assert reasons(second[0]) == ["Data row work-0 not found"]
    assert reasons(second[1]) == [f"Data row {ids[0]} not found"]
    assert reasons(second[2]) == ["Data row work-2 not found"]
    assert second[3]["dataRow"] == {"id": ids[2], "globalKey": "MOVED"}
    assert reasons(second[4]) == ["Feature 'box' is not in the project's ontology"]


async def test_one_import_across_chunks(
    client: AsyncClient,
    emu: Emulator,
    setup: tuple[Project, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project, ids = setup
    monkeypatch.setattr(_annotation_work, "WORK_CHUNK_LINES", 2)
    monkeypatch.setattr(_annotation_work, "MAX_ANNOTATIONS_PER_DATA_ROW", 3)
    same = [bbox({"globalKey": "work-3"}) for _ in range(4)]
    repeated = bbox({"id": ids[1]})
    lines = [*same, repeated, radio({"id": ids[1]}), dict(repeated)]
    found = await statuses(client, project, "chunks", lines)
    assert [s["status"] for s in found] == ["SUCCESS"] * 3 + ["FAILURE", "SUCCESS"] + [
        "SUCCESS",
        "FAILURE",
    ]
    assert reasons(found[3]) == [f"More than 3 annotations for data row {ids[3]} in one import"]
    assert reasons(found[6]) == [f"uuid {repeated['uuid']} appears more than once in the import"]
    assert [s["dataRow"]["id"] for s in found] == [ids[3]] * 4 + [ids[1]] * 3
    assert len(emu.control("prelabels", project_id=project.uid)) == 5


async def test_lines_are_read_as_json_loads_reads_them(
    client: AsyncClient, emu: Emulator, setup: tuple[Project, list[str]]
) -> None:
    project, ids = setup
    text = json.dumps(bbox({"id": ids[0]})) + "\n"
    # a lone surrogate escape: JSON that the Rust parser refuses and json.loads reads
    text += json.dumps(bbox({"id": ids[0]}))[:-1] + ', "note": "\\ud800"}\n'
    text += "{not json\n"
    text += "[1, 2]\n"
    text += json.dumps(radio({"id": ids[0]})) + "\n"
    url = await client.upload_data(text.encode(), "lines.ndjson", "application/x-ndjson")
    job = await MALPredictionImport.create_from_url(client, project.uid, "parse", url)
    await job.wait_till_done()
    found = await job.statuses()
    assert [s["status"] for s in found] == ["SUCCESS", "SUCCESS", "FAILURE", "FAILURE", "SUCCESS"]
    assert reasons(found[2]) == ["Invalid JSON"]
    assert reasons(found[3]) == ["Each line must be a JSON object"]
    stored = emu.control("prelabels", project_id=project.uid)
    assert stored[1]["note"] == "\ud800"
    stats = emu.control("import_stats", project_id=project.uid)
    assert (stats["lines"], stats["failedLines"], stats["prelabels"]) == (5, 2, 3)
    assert stats["processingCpuSeconds"] > 0


async def test_a_key_holding_a_nul_is_looked_up_one_by_one(
    client: AsyncClient, setup: tuple[Project, list[str]]
) -> None:
    project, ids = setup
    found = await statuses(
        client, project, "nul", [radio({"globalKey": "work-1\x00"}), radio({"globalKey": "work-1"})]
    )
    assert [s["status"] for s in found] == ["FAILURE", "SUCCESS"]
    assert reasons(found[0]) == ["Data row work-1\x00 not found"]
    assert found[1]["dataRow"] == {"id": ids[1], "globalKey": "work-1"}
