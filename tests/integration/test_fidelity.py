"""aiolabel against the emulator where the emulator imitates the service closely: media
attributes and content checks, metadata, batches, global keys, pages and tasks. Each refusal is
checked to leave the stored state as it was."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from aiolabel import AsyncClient, MediaType
from aiolabel.emulator import Emulator
from aiolabel.enums import DataRowMetadataKind
from aiolabel.errors import InputError, InputTypeError, MalformedQueryException
from aiolabel.identifiers import UniqueId
from aiolabel.models.dataset import Dataset
from aiolabel.models.metadata import (
    DataRowMetadata,
    DataRowMetadataField,
    DeleteDataRowMetadata,
)
from tests.integration._support import metadata_of, query, requests


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


# -- 5. queries and tasks -----------------------------------------------------------------------


async def test_pages_tasks_datetimes_and_defaults(client: AsyncClient, emu: Emulator) -> None:
    made = emu.control("bulk_create_data_rows", count=1_201)
    listed = await client.get_dataset(made["dataset_id"])
    assert [r.uid async for r in listed.data_rows()] == made["ids"][::-1]  # each row once

    dataset = await client.create_dataset("described", iam_integration=None)
    assert dataset.description == ""
    task = await dataset.create_data_rows([{"row_data": "https://x/a.jpg", "global_key": "a"}])
    await task.wait_till_done()
    [upsert] = query(emu, "SELECT id FROM tasks WHERE type = 'adv-upsert-data-rows'")
    fetched = await client.get_task_by_id(upsert["id"])
    assert fetched.result_url is not None
    assert fetched.metadata == {}
    assert fetched.created_at is not None

    emu.set_transition("adv-upsert-data-rows", {"mode": "polls", "n": 50})
    pending = await dataset.create_data_rows([{"row_data": "https://x/b.jpg"}])
    [held] = query(emu, "SELECT id FROM tasks WHERE status = 'IN_PROGRESS'")
    assert await client.cancel_task(held["id"]) is True
    emu.wait_for_jobs()
    first = await client.get_task_by_id(held["id"])
    assert (first.status, first.done) == ("CANCELING", False)
    await pending.wait_till_done()  # waits through CANCELING
    assert (await client.get_task_by_id(held["id"])).status == "CANCELED"

    project = await client.create_project("p", MediaType.Image)
    when = datetime(2024, 5, 1, 12, 30, 15, tzinfo=UTC)
    await project.update(setup_complete=when)
    assert (await client.get_project(project.uid)).setup_complete == when
    [stored] = query(emu, "SELECT setup_complete FROM projects WHERE id = ?", project.uid)
    assert stored["setup_complete"] == "2024-05-01T12:30:15.000Z"


# -- 4 and 7. global keys, and what aiolabel refuses before sending -----------------------------


async def test_refused_client_side_before_any_request(
    client: AsyncClient, emu: Emulator, dataset: Dataset
) -> None:
    made = emu.control("bulk_create_data_rows", count=2, global_key_prefix="k-")
    for key in (" lead", "trail ", "dou  ble"):
        with pytest.raises(InputError, match="leading, trailing or doubled spaces"):
            await client.assign_global_keys_to_data_rows(
                [
                    {"data_row_id": made["ids"][0], "global_key": "fine key"},
                    {"data_row_id": made["ids"][1], "global_key": key},
                ]
            )
    assert requests(emu, "assignGlobalKeysToDataRowsPyApi") == 0
    assert [r["global_key"] for r in query(emu, "SELECT global_key FROM data_rows")] == [
        "k-0",
        "k-1",
    ]
    result = await client.assign_global_keys_to_data_rows(
        [{"data_row_id": made["ids"][0], "global_key": "single spaced"}]
    )
    assert result["status"] == "SUCCESS"

    ontology = await client.get_data_row_metadata_ontology()
    score = await ontology.create_schema("score", DataRowMetadataKind.number)
    twice = [{"schema_id": score.uid, "value": 1}, {"schema_id": score.uid, "value": 2}]
    message = f"A schemaId can only be specified once per DataRow : \\[{score.uid}\\]"
    with pytest.raises(InputError, match=message):
        await dataset.create_data_rows([{"row_data": "https://x/a.jpg", "metadata_fields": twice}])
    fields = [DataRowMetadataField(schema_id=score.uid, value=v) for v in (1, 2)]
    with pytest.raises(InputError, match=message):
        await ontology.bulk_upsert([DataRowMetadata(data_row_id=made["ids"][0], fields=fields)])
    assert requests(emu, "UpsertDataRowsPyApi") == 0
    assert requests(emu, "UpsertDataRowMetadataBetaPyApi") == 0
    assert _count(emu, "SELECT count(*) AS n FROM data_row_metadata") == 0

    task = await dataset.create_data_rows([{"row_data": "https://x/b.jpg", "global_key": "K-1"}])
    await task.wait_till_done()
    assert [e["message"] async for e in task.errors()] == ["Duplicate global key: 'K-1'"]
