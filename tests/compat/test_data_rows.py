"""The official SDK's data-row workflows against the emulator over HTTP."""

from __future__ import annotations

import datetime as dt
from typing import Any

import labelbox
import pytest
from labelbox import DataRow
from labelbox.schema.data_row_metadata import DataRowMetadataKind
from labelbox.schema.identifiable import GlobalKey, UniqueId
from lbox import exceptions as lbx

from aiolabel.emulator import EmulatorServer
from tests.compat._support import created_rows, new_dataset

pytestmark = pytest.mark.compat


def test_create_data_rows_with_keys_metadata_attachments_and_failures(
    lb_client: labelbox.Client,
) -> None:
    dataset = new_dataset(lb_client)
    created_rows(dataset, 1, prefix="taken")
    mdo = lb_client.get_data_row_metadata_ontology()
    score = mdo.create_schema("score", DataRowMetadataKind.number)
    captured = dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.UTC)
    items = [
        {
            "row_data": "https://x/full.jpg",
            "global_key": "full",
            "external_id": "ext-full",
            "metadata_fields": [
                {"name": "tag", "value": "reviewed"},
                {"name": "split", "value": "valid"},
                {"name": "captureDateTime", "value": captured},
                {"schema_id": score.uid, "value": 0.75},
            ],
            "attachments": [
                {"type": "RAW_TEXT", "value": "a note", "name": "note"},
                {"type": "IMAGE", "value": "https://x/ctx.png"},
                {"type": "TEXT_URL", "value": "https://x/t.txt"},
                {"type": "PDF_URL", "value": "https://x/d.pdf"},
                {"type": "HTML", "value": "https://x/p.html"},
            ],
        },
        {"row_data": "https://x/video.mp4", "global_key": "video", "media_type": "VIDEO"},
        {"row_data": "https://x/dup.jpg", "global_key": "taken0"},
        {"row_data": "https://x/ws.jpg", "global_key": "   "},
    ]
    task = dataset.create_data_rows(items)
    task.wait_till_done()
    assert task.status == "COMPLETE"
    assert task.has_errors()
    assert sorted(r["global_key"] for r in task.result) == ["full", "video"]
    errors = {e["failedDataRows"][0]["globalKey"]: e["message"] for e in task.errors}
    assert set(errors) == {"taken0", "   "}
    assert "Duplicate global key" in errors["taken0"]
    assert "blank" in errors["   "]
    full_id = next(r["id"] for r in task.result if r["global_key"] == "full")
    row = lb_client.get_data_row(full_id)
    assert (row.external_id, row.global_key, row.row_data) == (
        "ext-full",
        "full",
        "https://x/full.jpg",
    )
    values = {f.name: f.value for f in row.metadata}
    assert values["tag"] == "reviewed"
    assert values["valid"] == mdo.reserved_by_name["split"]["valid"].uid
    assert values["captureDateTime"] == captured
    assert values["score"] == 0.75
    kinds = sorted(a.attachment_type for a in row.attachments())
    assert kinds == ["HTML", "IMAGE", "PDF_URL", "RAW_TEXT", "TEXT_URL"]
    assert dataset.row_count == 0
    assert lb_client.get_dataset(dataset.uid).row_count == 3


def test_create_data_row_and_its_failure(lb_client: labelbox.Client) -> None:
    dataset = new_dataset(lb_client)
    row = dataset.create_data_row(row_data="https://x/one.png", global_key="one")
    assert isinstance(row, DataRow)
    assert row.global_key == "one"
    assert row.dataset().uid == dataset.uid
    with pytest.raises(lbx.ResourceCreationError, match="Duplicate global key"):
        dataset.create_data_row({"row_data": "https://x/two.png", "global_key": "ONE"})


def test_iterate_data_rows_and_external_id_lookups(
    emulator: EmulatorServer, lb_client: labelbox.Client
) -> None:
    dataset = new_dataset(lb_client)
    created = created_rows(dataset, 620)
    before = emulator.stats()["by_operation"].get("graphql:DatasetDataRowsPyApi", 0)
    rows = list(dataset.data_rows())
    pages = emulator.stats()["by_operation"]["graphql:DatasetDataRowsPyApi"] - before
    assert pages == 2
    assert len(rows) == 620
    assert len({r.uid for r in rows}) == 620
    assert {r.uid for r in rows} == {c["id"] for c in created}
    seq = [r.created_at for r in rows]
    assert seq == sorted(seq, reverse=True)
    found = dataset.data_row_for_external_id("r-ext-7")
    assert found.global_key == "r7"
    filtered = list(dataset.data_rows(where=DataRow.external_id == "r-ext-8"))
    assert [r.global_key for r in filtered] == ["r8"]
    with pytest.raises(lbx.ResourceNotFoundError):
        dataset.data_row_for_external_id("missing")
    ids = lb_client.get_data_row_ids_for_external_ids(["r-ext-1", "r-ext-2", "missing"])
    assert dict(ids) == {
        "r-ext-1": [found_id(created, "r1")],
        "r-ext-2": [found_id(created, "r2")],
    }


def found_id(created: list[dict[str, Any]], global_key: str) -> str:
    return next(c["id"] for c in created if c["global_key"] == global_key)


def test_get_data_row_by_id_and_by_global_key(lb_client: labelbox.Client) -> None:
    dataset = new_dataset(lb_client)
    created = created_rows(dataset, 3)
    row = lb_client.get_data_row(found_id(created, "r1"))
    assert row.global_key == "r1"
    by_key = lb_client.get_data_row_by_global_key("r2")
    assert by_key.uid == found_id(created, "r2")
    with pytest.raises(lbx.ResourceNotFoundError):
        lb_client.get_data_row_by_global_key("nope")
    with pytest.raises(lbx.ResourceNotFoundError):
        lb_client.get_data_row("not-a-data-row")
    result = lb_client.get_data_row_ids_for_global_keys(["r0", "nope", "r2"])
    assert result["status"] == "PARTIAL SUCCESS"
    assert result["results"] == [found_id(created, "r0"), "", found_id(created, "r2")]
    assert result["errors"] == [{"global_key": "nope", "error": "Data Row not found"}]
    assert lb_client.get_data_row_ids_for_global_keys(["r1"])["status"] == "SUCCESS"
    assert lb_client.get_data_row_ids_for_global_keys(["x"])["status"] == "FAILURE"


def test_assign_and_clear_global_keys_with_partial_success(lb_client: labelbox.Client) -> None:
    dataset = new_dataset(lb_client)
    created = created_rows(dataset, 3)
    first, second = found_id(created, "r0"), found_id(created, "r1")
    result = lb_client.assign_global_keys_to_data_rows(
        [
            {"data_row_id": first, "global_key": "renamed"},
            {"data_row_id": second, "global_key": "has#hash"},
            {"data_row_id": "no-such-row", "global_key": "k"},
            {"data_row_id": second, "global_key": "r2"},
        ]
    )
    assert result["status"] == "PARTIAL SUCCESS"
    assert result["results"] == [
        {"data_row_id": first, "global_key": "renamed", "sanitized": False},
        {"data_row_id": second, "global_key": "has#hash", "sanitized": False},
    ]
    assert [(e["data_row_id"], e["global_key"]) for e in result["errors"]] == [
        ("no-such-row", "k"),
        (second, "r2"),
    ]
    assert lb_client.get_data_row(first).global_key == "renamed"
    cleared = lb_client.clear_global_keys(["renamed", "not-assigned"])
    assert cleared["status"] == "PARTIAL SUCCESS"
    assert cleared["results"] == ["renamed"]
    assert cleared["errors"] == [
        {
            "global_key": "not-assigned",
            "error": "Failed to find data row matching provided global key",
        }
    ]
    assert lb_client.get_data_row(first).global_key is None
    assert lb_client.clear_global_keys(["has#hash"])["status"] == "SUCCESS"


def test_data_row_update_attachments_delete_and_bulk_delete(lb_client: labelbox.Client) -> None:
    dataset = new_dataset(lb_client)
    created = created_rows(dataset, 4)
    row = lb_client.get_data_row(found_id(created, "r0"))
    row.update(external_id="new-ext", global_key="new-key")
    assert (row.external_id, row.global_key) == ("new-ext", "new-key")
    assert lb_client.get_data_row(row.uid).external_id == "new-ext"
    other = lb_client.get_data_row(found_id(created, "r1"))
    with pytest.raises(lbx.ResourceConflict):
        other.update(global_key="NEW-KEY")
    attachment = row.create_attachment("RAW_TEXT", "hello", "greeting")
    assert (attachment.attachment_type, attachment.attachment_value) == ("RAW_TEXT", "hello")
    attachment.update(value="bye")
    row.create_attachment("IMAGE_OVERLAY", "https://x/overlay.png")
    assert sorted(a.attachment_value for a in row.attachments()) == [
        "bye",
        "https://x/overlay.png",
    ]
    attachment.delete()
    assert [a.attachment_type for a in row.attachments()] == ["IMAGE_OVERLAY"]
    row.delete()
    DataRow.bulk_delete([other, lb_client.get_data_row(found_id(created, "r2"))])
    remaining = [r.global_key for r in dataset.data_rows()]
    assert remaining == ["r3"]
    with pytest.raises(lbx.ResourceNotFoundError):
        lb_client.get_data_row(row.uid)
    again = dataset.create_data_row(row_data="https://x/again.jpg", global_key="new-key")
    assert again.global_key == "new-key"


def test_upsert_data_rows_by_unique_id_and_global_key(lb_client: labelbox.Client) -> None:
    dataset = new_dataset(lb_client)
    created = created_rows(dataset, 2)
    task = dataset.upsert_data_rows(
        [
            {"key": UniqueId(found_id(created, "r0")), "external_id": "by-id"},
            {"key": GlobalKey("r1"), "row_data": "https://x/replaced.png"},
            {"key": GlobalKey("brand-new"), "row_data": "https://x/new.png"},
        ]
    )
    task.wait_till_done()
    assert task.errors is None
    by_key = {r.global_key: r for r in dataset.data_rows()}
    assert set(by_key) == {"r0", "r1", "brand-new"}
    assert by_key["r0"].external_id == "by-id"
    assert by_key["r1"].row_data == "https://x/replaced.png"
