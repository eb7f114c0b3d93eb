"""The emulator behaves as the service does wherever the official SDK 7.17 relies on it: media
attributes and content checks, metadata, batches, global keys, pages and tasks, and masked
validation errors. Each refusal is checked to leave the state as it was."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import labelbox
import pytest
from labelbox import MediaType
from labelbox.schema.data_row_metadata import (
    DataRowMetadata,
    DataRowMetadataField,
    DataRowMetadataKind,
    DeleteDataRowMetadata,
)
from labelbox.schema.export_task import StreamType
from labelbox.schema.identifiable import UniqueId
from labelbox.schema.task import Task
from labelbox.schema.taskstatus import TaskStatus
from lbox import exceptions as lbx

from aiolabel.emulator import EmulatorServer
from tests.compat._support import bulk_ids, sdk_rows

pytestmark = pytest.mark.compat


def _dataset(client: labelbox.Client, name: str = "fidelity") -> labelbox.Dataset:
    return client.create_dataset(name=name)


def _upsert(dataset: labelbox.Dataset, items: list[dict[str, Any]]) -> Any:
    task = dataset.create_data_rows(items)
    task.wait_till_done()
    assert task.status == "COMPLETE"
    return task


def _export(target: Any) -> list[dict[str, Any]]:
    task = target.export()
    task.wait_till_done()
    lines: list[dict[str, Any]] = []
    task.get_buffered_stream(StreamType.RESULT).start(lambda output: lines.append(output.json))
    return lines


def _count(emulator: EmulatorServer, sql: str, *params: Any) -> int:
    with emulator.state.store.reading() as conn:
        return int(conn.execute(sql, params).fetchone()[0])


# -- 1. data-row processing ---------------------------------------------------------------------


def test_processed_rows_carry_media_attributes_and_exports_their_mime_type(
    lb_client: labelbox.Client, tmp_path: Path
) -> None:
    dataset = _dataset(lb_client)
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n")
    _upsert(
        dataset,
        [
            {"row_data": "https://x/a.jpg", "global_key": "jpg"},
            {"row_data": "https://x/clip.mp4", "global_key": "video"},
            {"row_data": str(photo), "global_key": "uploaded"},
            {"row_data": "https://x/no-extension", "global_key": "bare", "media_type": "AUDIO"},
        ],
    )
    deadline = time.monotonic() + 10  # the documented wait: poll until processing filled them
    rows: dict[str, Any] = {}
    while time.monotonic() < deadline:
        rows = {r.global_key: r for r in dataset.data_rows()}
        if all(r.media_attributes for r in rows.values()):
            break
        time.sleep(0.1)
    mimes = {key: row.media_attributes["mimeType"] for key, row in rows.items()}
    assert mimes == {
        "jpg": "image/jpeg",
        "video": "video/mp4",
        "uploaded": "image/png",
        "bare": "audio/mpeg",
    }
    jpg = rows["jpg"].media_attributes
    assert jpg["width"] > 0
    assert jpg["height"] > 0
    again = lb_client.get_data_row(rows["jpg"].uid).media_attributes
    assert again == jpg  # deterministic
    exported = {line["data_row"]["global_key"]: line for line in _export(dataset)}
    assert {k: v["media_attributes"]["mime_type"] for k, v in exported.items()} == mimes
    assert exported["jpg"]["media_attributes"]["width"] == jpg["width"]


def test_content_is_checked_against_the_declared_media_type(
    lb_client: labelbox.Client, emulator: EmulatorServer, tmp_path: Path
) -> None:
    dataset = _dataset(lb_client)
    chat = tmp_path / "chat.json"
    chat.write_text(json.dumps({"messages": []}))
    uploaded_json = lb_client.upload_data(
        b"{}", content_type="application/json", filename="blob.json"
    )
    conversational = {"type": "application/vnd.labelbox.conversational", "messages": []}
    task = dataset.create_data_rows(
        [
            {"row_data": str(chat), "global_key": "local-json", "media_type": "IMAGE"},
            {"row_data": uploaded_json, "global_key": "upload-json", "media_type": "IMAGE"},
            {"row_data": conversational, "global_key": "chat", "media_type": "IMAGE"},
            {
                "row_data": {"pdfUrl": "https://x/d.pdf", "textLayerUrl": "https://x/d.json"},
                "global_key": "doc-as-text",
                "media_type": "TEXT",
            },
            {"row_data": "https://x/ok.png", "global_key": "fine", "media_type": "IMAGE"},
        ]
    )
    task.wait_till_done()
    assert [r["global_key"] for r in task.result] == ["fine"]
    errors = {e["failedDataRows"][0]["globalKey"]: e["message"] for e in task.errors}
    assert errors == {
        "local-json": "Expected type image/*, detected: application/json",
        "upload-json": "Expected type image/*, detected: application/json",
        "chat": "Expected type image/*, detected: application/json",
        "doc-as-text": "Expected type text/plain, detected: application/pdf",
    }
    assert _count(emulator, "SELECT count(*) FROM data_rows") == 1


def test_document_row_data_stores_the_pdf_url(lb_client: labelbox.Client) -> None:
    dataset = _dataset(lb_client)
    task = _upsert(
        dataset,
        [
            {
                "row_data": {"pdf_url": "https://x/doc.pdf", "text_layer_url": "https://x/t.json"},
                "global_key": "doc",
                "media_type": "PDF",
            }
        ],
    )
    [created] = task.result
    assert created["row_data"] == "https://x/doc.pdf"
    row = lb_client.get_data_row(created["id"])
    assert row.row_data == "https://x/doc.pdf"
    assert row.media_attributes["mimeType"] == "application/pdf"
    row.update(row_data={"pdf_url": "https://x/v2.pdf", "text_layer_url": "https://x/v2.json"})
    assert lb_client.get_data_row(created["id"]).row_data == "https://x/v2.pdf"


# -- 2. metadata --------------------------------------------------------------------------------

SPLIT, TRAIN = "cko8sbczn0002h2dkdaxb5kal", "cko8sbscr0003h2dk04w86hof"


def test_metadata_schema_names_repeats_enums_and_deletes(
    lb_client: labelbox.Client, emulator: EmulatorServer
) -> None:
    mdo = lb_client.get_data_row_metadata_ontology()
    score = mdo.create_schema("score", DataRowMetadataKind.number)
    schemas = _count(emulator, "SELECT count(*) FROM metadata_schemas")
    with pytest.raises(lbx.MalformedQueryException, match="already exists"):
        mdo.create_schema("score", DataRowMetadataKind.string)
    assert _count(emulator, "SELECT count(*) FROM metadata_schemas") == schemas

    dataset = _dataset(lb_client)
    task = dataset.create_data_rows(
        [
            {
                "row_data": "https://x/twice.jpg",
                "global_key": "twice",
                "metadata_fields": [
                    {"schema_id": score.uid, "value": 1},
                    {"schema_id": score.uid, "value": 2},
                ],
            },
            {
                "row_data": "https://x/once.jpg",
                "global_key": "once",
                "metadata_fields": [{"name": "split", "value": "train"}],
            },
        ]
    )
    task.wait_till_done()
    [error] = task.errors
    assert error["message"] == f"A schemaId can only be specified once per DataRow : [{score.uid}]"
    [created] = task.result
    row = lb_client.get_data_row(created["id"])
    [split] = row.metadata_fields
    assert (split["name"], split["value"], split["kind"]) == (
        "split",
        "train",
        "CustomMetadataEnum",
    )

    field = DataRowMetadataField(schema_id=score.uid, value=3)
    [failure] = mdo.bulk_upsert([DataRowMetadata(data_row_id=row.uid, fields=[field, field])])
    assert failure.error == f"A schemaId can only be specified once per DataRow : [{score.uid}]"
    assert (
        _count(emulator, "SELECT count(*) FROM data_row_metadata WHERE schema_id = ?", score.uid)
        == 0
    )

    [missing] = mdo.bulk_delete(
        [DeleteDataRowMetadata(data_row_id=UniqueId(row.uid), fields=[score.uid, SPLIT])]
    )
    assert (missing.data_row_id, missing.error, missing.fields) == (
        row.uid,
        "Schema did not exist",
        [score.uid],
    )
    assert _count(emulator, "SELECT count(*) FROM data_row_metadata") == 1  # split kept
    assert (
        mdo.bulk_delete([DeleteDataRowMetadata(data_row_id=UniqueId(row.uid), fields=[TRAIN])])
        == []
    )
    assert _count(emulator, "SELECT count(*) FROM data_row_metadata") == 0


# -- 3. batches ---------------------------------------------------------------------------------


def test_batches_with_nothing_to_add_or_unknown_keys_or_null_priority_create_nothing(
    lb_client: labelbox.Client, emulator: EmulatorServer
) -> None:
    project = lb_client.create_project(name="p", media_type=MediaType.Image)
    rows = sdk_rows(lb_client, 2, "b-")
    project.create_batch("first", data_rows=rows.ids)
    batches = _count(emulator, "SELECT count(*) FROM batches")
    queued = _count(emulator, "SELECT count(*) FROM project_data_rows")
    no_rows = "No valid data rows to be added from the list provided!"
    with pytest.raises(lbx.MalformedQueryException, match=no_rows):
        project.create_batch("again", data_rows=rows.ids)  # all already in the project
    with pytest.raises(lbx.MalformedQueryException, match=no_rows):
        project.create_batch("unknown", data_rows=["cl-no-such-row-0000000000"])
    with pytest.raises(
        lbx.MalformedQueryException,
        match="Data rows with the following global keys do not exist: nope-1, nope-2",
    ):
        project.create_batch("keys", global_keys=["nope-1", "nope-2"])
    fresh = sdk_rows(lb_client, 1, "c-")
    with pytest.raises(lbx.InvalidQueryError, match="got null"):
        project.create_batch("null", data_rows=fresh.ids, priority=None)  # type: ignore[arg-type]
    assert _count(emulator, "SELECT count(*) FROM batches") == batches
    assert _count(emulator, "SELECT count(*) FROM project_data_rows") == queued
    assert [b.name for b in project.batches()] == ["first"]


# -- 4. global keys -----------------------------------------------------------------------------


def test_badly_spaced_keys_fail_per_key_and_duplicates_quote_the_key(
    lb_client: labelbox.Client, emulator: EmulatorServer
) -> None:
    rows = sdk_rows(lb_client, 4, "g-")
    bad = [" lead", "trail ", "dou  ble"]
    result = lb_client.assign_global_keys_to_data_rows(
        [
            *({"data_row_id": i, "global_key": k} for i, k in zip(rows.ids, bad, strict=False)),
            {"data_row_id": rows.ids[3], "global_key": "single spaced key"},
        ]
    )
    assert result["status"] == "PARTIAL SUCCESS"
    assert [(e["global_key"], e["error"]) for e in result["errors"]] == [
        (key, "Invalid assignment. Either DataRow does not exist, or globalKey is invalid")
        for key in bad
    ]
    assert [r["global_key"] for r in result["results"]] == ["single spaced key"]
    with emulator.state.store.reading() as conn:
        stored = {r[0]: r[1] for r in conn.execute("SELECT id, global_key FROM data_rows")}
    assert [stored[i] for i in rows.ids] == ["g-0", "g-1", "g-2", "single spaced key"]

    task = rows.dataset.create_data_rows([{"row_data": "https://x/d.jpg", "global_key": "G-0"}])
    task.wait_till_done()
    assert [e["message"] for e in task.errors] == ["Duplicate global key: 'G-0'"]


# -- 5. queries and tasks -----------------------------------------------------------------------

DATASET_ROWS = (
    "query DatasetDataRowsPyApi($id: ID!, $from: ID, $first: Int) {"
    " datasetDataRows(id: $id, from: $from, first: $first) {"
    " nodes { id } pageInfo { hasNextPage startCursor } } }"
)


def test_pages_start_after_the_cursor_row(
    lb_client: labelbox.Client, emulator: EmulatorServer
) -> None:
    dataset_id, ids = bulk_ids(emulator, 1_201)
    dataset = lb_client.get_dataset(dataset_id)
    listed = [row.uid for row in dataset.data_rows()]  # pages of 500, newest first
    assert listed == ids[::-1]
    page = lb_client.execute(DATASET_ROWS, {"id": dataset_id, "first": 2})["datasetDataRows"]
    assert [n["id"] for n in page["nodes"]] == ids[::-1][:2]
    assert page["pageInfo"]["startCursor"] == ids[-2]
    after = lb_client.execute(DATASET_ROWS, {"id": dataset_id, "from": ids[-2], "first": 2})
    assert [n["id"] for n in after["datasetDataRows"]["nodes"]] == ids[::-1][2:4]


def test_tasks_read_as_the_sdk_parses_them(
    lb_client: labelbox.Client, emulator: EmulatorServer
) -> None:
    dataset = _dataset(lb_client)
    assert dataset.description == ""
    assert lb_client.get_dataset(dataset.uid).description == ""
    upsert = dataset.create_data_rows(
        [
            {"row_data": "https://x/a.jpg", "global_key": "a"},
            {"row_data": "https://x/b.jpg", "global_key": "a"},
        ]
    )
    upsert.wait_till_done()
    task = Task.get_task(lb_client, upsert.uid)  # the plain Task: everything from result_url
    assert task.result_url is not None
    assert task.result_url.startswith(emulator.base_url)
    assert [r["global_key"] for r in task.result] == ["a"]
    assert task.has_errors()
    assert [e["message"] for e in task.errors] == ["Duplicate global key: 'a'"]
    for value in (task.created_at, task.updated_at):
        assert isinstance(value, dt.datetime)
    assert (task.name, task.type, task.completion_percentage) == (
        "Upsert data rows",
        "adv-upsert-data-rows",
        1.0,
    )
    assert task.metadata == {}

    user = lb_client.get_user()
    done = list(user.created_tasks(where=Task.status_as_enum == TaskStatus.Complete))
    assert [t.uid for t in done] == [upsert.uid]
    assert list(user.created_tasks(where=Task.status_as_enum == TaskStatus.Failed)) == []

    emulator.set_transition("adv-upsert-data-rows", {"mode": "polls", "n": 50})
    pending = dataset.create_data_rows([{"row_data": "https://x/c.jpg"}])
    assert lb_client.cancel_task(pending.uid) is True
    emulator.wait_for_jobs()
    canceling = list(user.created_tasks(where=Task.status_as_enum == TaskStatus.Canceling))
    assert [(t.uid, t.status) for t in canceling] == [(pending.uid, "CANCELING")]
    assert lb_client.get_task_by_id(pending.uid).status == "CANCELED"


def test_setup_complete_and_every_datetime_parse(lb_client: labelbox.Client) -> None:
    project = lb_client.create_project(name="p", media_type=MediaType.Image)
    when = dt.datetime(2024, 5, 1, 12, 30, 15, tzinfo=dt.UTC)
    project.update(setup_complete=when)
    again = lb_client.get_project(project.uid)
    assert again.setup_complete == when
    for value in (again.created_at, again.updated_at, again.last_activity_time):
        assert isinstance(value, dt.datetime)


# -- 6. validation errors -----------------------------------------------------------------------


def test_validation_failures_are_masked_with_the_same_code(
    lb_client: labelbox.Client, emulator: EmulatorServer
) -> None:
    project = lb_client.create_project(name="p", description="kept", media_type=MediaType.Image)
    with pytest.raises(lbx.InvalidQueryError) as unknown_field:
        lb_client.execute("query UnknownPyApi { user { id notAField } }")
    assert str(unknown_field.value) == "GraphQL validation error"
    with pytest.raises(lbx.InvalidQueryError, match=r"^GraphQL validation error$"):
        lb_client.execute(
            "query BadVariablePyApi($id: ID!) { task(where: {id: $id}) { id } }",
            {"id": {"not": "an id"}},
        )
    with pytest.raises(lbx.InvalidQueryError, match=r"^GraphQL validation error$"):
        project.update(description=None)  # the SDK declares String! and sends null
    assert lb_client.get_project(project.uid).description == "kept"
    with pytest.raises(lbx.InvalidQueryError) as syntax:
        lb_client.execute("query Broken { user { ")
    assert "Syntax Error" in str(syntax.value)  # parse failures keep their words
