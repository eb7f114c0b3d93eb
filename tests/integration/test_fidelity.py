"""aiolabel against the emulator where the emulator imitates the service closely: media
attributes and content checks, metadata, batches, global keys, pages and tasks. Each refusal is
checked to leave the stored state as it was."""

from __future__ import annotations

from typing import Any

import pytest

from aiolabel import AsyncClient, MediaType
from aiolabel.emulator import Emulator
from aiolabel.enums import DataRowMetadataKind
from aiolabel.errors import InputTypeError, MalformedQueryException
from aiolabel.identifiers import UniqueId
from aiolabel.models.dataset import Dataset
from aiolabel.models.metadata import DeleteDataRowMetadata
from tests.integration._support import metadata_of, query


@pytest.fixture
async def dataset(client: AsyncClient) -> Dataset:
    return await client.create_dataset("fidelity", iam_integration=None)


def _count(emu: Emulator, sql: str, *params: Any) -> int:
    return int(next(iter(query(emu, sql, *params)[0].values())))


# -- 1. data-row processing ---------------------------------------------------------------------


async def test_media_attributes_content_checks_and_document_rows(
    client: AsyncClient, emu: Emulator, dataset: Dataset
) -> None:
    task = await dataset.create_data_rows(
        [
            {"row_data": "https://x/a.png", "global_key": "png"},
            {"row_data": {"pdf_url": "https://x/d.pdf", "text_layer_url": "https://x/t.json"}},
            {"row_data": {"messages": []}, "global_key": "chat-image", "media_type": "IMAGE"},
            {"row_data": "https://x/s.wav", "global_key": "wav-video", "media_type": "VIDEO"},
        ]
    )
    await task.wait_till_done()
    errors = {e["failedDataRows"][0]["globalKey"]: e["message"] async for e in task.errors()}
    assert errors == {
        "chat-image": "Expected type image/*, detected: application/json",
        "wav-video": "Expected type video/*, detected: audio/wav",
    }
    rows = {r.row_data: r async for r in dataset.data_rows()}
    assert set(rows) == {"https://x/a.png", "https://x/d.pdf"}
    assert rows["https://x/a.png"].media_attributes["mimeType"] == "image/png"
    assert rows["https://x/d.pdf"].media_attributes["mimeType"] == "application/pdf"
    export = await dataset.export()
    await export.wait_till_done()
    lines = [line async for line in export.result()]
    assert sorted(line["media_attributes"]["mime_type"] for line in lines) == [
        "application/pdf",
        "image/png",
    ]
    assert _count(emu, "SELECT count(*) AS n FROM data_rows") == 2


# -- 2. metadata --------------------------------------------------------------------------------

SPLIT, TRAIN = "cko8sbczn0002h2dkdaxb5kal", "cko8sbscr0003h2dk04w86hof"


async def test_metadata_names_enums_and_deletes_as_the_service(
    client: AsyncClient, emu: Emulator, dataset: Dataset
) -> None:
    ontology = await client.get_data_row_metadata_ontology()
    score = await ontology.create_schema("score", DataRowMetadataKind.number)
    schemas = _count(emu, "SELECT count(*) AS n FROM metadata_schemas")
    with pytest.raises(MalformedQueryException, match="already exists"):
        await ontology.create_schema("score", DataRowMetadataKind.string)
    assert _count(emu, "SELECT count(*) AS n FROM metadata_schemas") == schemas

    task = await dataset.create_data_rows(
        [{"row_data": "https://x/1.jpg", "metadata_fields": [{"name": "split", "value": "train"}]}]
    )
    await task.wait_till_done()
    [row] = [r async for r in dataset.data_rows()]
    assert [(f["name"], f["value"]) for f in row.metadata_fields] == [("split", "train")]

    [failure] = await ontology.bulk_delete(
        [DeleteDataRowMetadata(data_row_id=UniqueId(row.uid), fields=[score.uid, SPLIT])]
    )
    assert (failure.data_row_id, failure.error, failure.fields) == (
        row.uid,
        "Schema did not exist",
        [score.uid],
    )
    assert metadata_of(emu, row.uid) == {SPLIT: f'"{TRAIN}"'}  # the row was left whole
    deleted = [DeleteDataRowMetadata(data_row_id=UniqueId(row.uid), fields=[TRAIN])]
    assert await ontology.bulk_delete(deleted) == []
    assert metadata_of(emu, row.uid) == {}


# -- 3. batches ---------------------------------------------------------------------------------


async def test_batches_with_nothing_to_add_unknown_keys_or_no_priority_create_nothing(
    client: AsyncClient, emu: Emulator
) -> None:
    project = await client.create_project("p", MediaType.Image)
    made = emu.control("bulk_create_data_rows", count=2, global_key_prefix="b-")
    await project.create_batch("first", made["ids"])
    no_rows = "No valid data rows to be added from the list provided!"
    with pytest.raises(MalformedQueryException, match=no_rows):
        await project.create_batch("again", made["ids"])
    with pytest.raises(MalformedQueryException, match=no_rows):
        await project.create_batch("unknown", ["cl-no-such-row-0000000000"])
    with pytest.raises(MalformedQueryException, match="global keys do not exist: nope"):
        await project.create_batch("keys", global_keys=["nope"])
    with pytest.raises(InputTypeError, match="priority"):
        await project.create_batch("null", made["ids"], priority=None)  # type: ignore[arg-type]
    assert [r["name"] for r in query(emu, "SELECT name FROM batches")] == ["first"]
    assert _count(emu, "SELECT count(*) AS n FROM project_data_rows") == 2
