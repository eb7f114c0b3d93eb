"""Data-row upsert through chunks + manifest: per-row rules, keys, results paging, transitions."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from aiolabel.emulator import Emulator
from tests.emulator._support import (
    SPLIT,
    TAG,
    TRAIN,
    UPSERT,
    all_rows,
    code,
    create_dataset,
    failures,
    spec,
    successes,
    task_by_id,
    upload,
    upsert,
)

from .conftest import Gql


async def test_small_upsert_is_complete_at_once_and_pages_results(gql: Gql) -> None:
    ds = await create_dataset(gql)
    specs = [spec(ds, row_data=f"https://x/{i}.jpg", global_key=f"k{i}") for i in range(20)]
    task = await upsert(gql, specs, chunk_size=6)
    assert task["type"] == "adv-upsert-data-rows"
    assert task["status"] == "COMPLETE"
    assert task["completionPercentage"] == 1.0
    done = await successes(gql, task["id"])
    assert [d["globalKey"] for d in done] == [f"k{i}" for i in range(20)]
    assert await failures(gql, task["id"]) == []
    assert (await task_by_id(gql, task["id"]))["status"] == "COMPLETE"


async def test_rows_failing_validation_are_reported_and_others_stored(gql: Gql) -> None:
    ds = await create_dataset(gql)
    specs = [
        spec(ds, row_data="https://x/ok.jpg", global_key="ok", external_id="e-ok"),
        spec(ds, global_key="no-row-data"),
        spec(ds, row_data="https://x/a.jpg", global_key="   "),
        spec(ds, row_data="https://x/b.jpg", global_key="x" * 201),
        spec(ds, row_data="https://x/d.jpg", global_key="OK"),
        spec(ds, row_data="https://x/e.jpg", metadata_fields=[{"schemaId": TAG, "value": 3}]),
        spec(ds, row_data="https://x/f.jpg", metadata_fields=[{"schemaId": "nope", "value": 1}]),
        spec(ds, row_data="https://x/g.jpg", attachments=[{"type": "MOVIE", "value": "v"}]),
        spec(ds, row_data="https://x/h.jpg", attachments=[{"type": "IMAGE", "value": ""}]),
        spec(ds, row_data="https://x/i.jpg", media_type="HOLOGRAM"),
        spec("no-such-dataset", row_data="https://x/j.jpg"),
        spec(ds, row_data="https://x/k.jpg", colour="red"),
        spec(ds, key=("ID", "no-such-row"), external_id="z"),
    ]
    task = await upsert(gql, specs)
    assert task["status"] == "COMPLETE"
    assert [d["globalKey"] for d in await successes(gql, task["id"])] == ["ok"]
    failed = await failures(gql, task["id"])
    messages = [f["message"] for f in failed]
    assert len(failed) == len(specs) - 1
    expected = [
        "row_data is required",
        "must not be blank",
        "longer than 200",
        "Duplicate global key",
        "expects a string",
        "Unknown metadata schema id",
        "Invalid attachment type",
        "non-empty string",
        "Invalid media type",
        "Dataset no-such-dataset not found",
        "Unknown data row fields: colour",
        "Data row no-such-row not found",
    ]
    for message, fragment in zip(messages, expected, strict=True):
        assert fragment in message
    assert failed[0]["spec"]["globalKey"] == "no-row-data"
    assert failed[4]["spec"]["metadata"] == [{"schemaId": TAG, "value": 3, "name": None}]
    assert failed[6]["spec"]["attachments"] == [{"type": "MOVIE", "value": "v", "name": None}]
    rows = await all_rows(gql, ds)
    assert [r["globalKey"] for r in rows] == ["ok"]


async def test_global_keys_are_unique_across_datasets_and_kept_verbatim(gql: Gql) -> None:
    first, second = await create_dataset(gql, "a"), await create_dataset(gql, "b")
    await upsert(gql, [spec(first, row_data="https://x/1.jpg", global_key="shared")])
    task = await upsert(
        gql,
        [
            spec(second, row_data="https://x/2.jpg", global_key="SHARED"),
            spec(second, row_data="https://x/3.jpg", global_key=' odd"key#1\\{}\n é '),
        ],
    )
    assert "Duplicate global key" in (await failures(gql, task["id"]))[0]["message"]
    [stored] = await successes(gql, task["id"])
    assert stored["globalKey"] == ' odd"key#1\\{}\n é '


async def test_keys_update_by_id_and_global_key_and_create_by_new_global_key(gql: Gql) -> None:
    ds = await create_dataset(gql)
    created = await upsert(gql, [spec(ds, row_data="https://x/a.jpg", global_key="a")])
    [row] = await successes(gql, created["id"])
    task = await upsert(
        gql,
        [
            spec(ds, key=("ID", row["id"]), external_id="by-id"),
            spec(ds, key=("GKEY", "a"), global_key="a2"),
            spec(ds, key=("GKEY", "fresh"), row_data="https://x/f.mp4"),
            spec(ds, key=("GKEY", "missing-row-data"), external_id="x"),
        ],
    )
    done = await successes(gql, task["id"])
    assert [(d["id"] == row["id"], d["globalKey"], d["externalId"]) for d in done] == [
        (True, "a", "by-id"),
        (True, "a2", "by-id"),
        (False, "fresh", None),
    ]
    assert "row_data is required" in (await failures(gql, task["id"]))[0]["message"]
    rows = {r["globalKey"]: r for r in await all_rows(gql, ds)}
    assert set(rows) == {"a2", "fresh"}
    assert rows["a2"]["externalId"] == "by-id"
    assert rows["a2"]["rowData"] == "https://x/a.jpg"


async def test_swapping_keys_within_one_batch(gql: Gql) -> None:
    ds = await create_dataset(gql)
    made = await upsert(
        gql,
        [
            spec(ds, row_data="https://x/1.jpg", global_key="one"),
            spec(ds, row_data="https://x/2.jpg", global_key="two"),
        ],
    )
    one, two = await successes(gql, made["id"])
    task = await upsert(
        gql,
        [
            spec(ds, key=("ID", one["id"]), global_key="tmp"),
            spec(ds, key=("ID", two["id"]), global_key="one"),
            spec(ds, key=("ID", one["id"]), global_key="two"),
        ],
    )
    assert await failures(gql, task["id"]) == []
    rows = {r["id"]: r["globalKey"] for r in await all_rows(gql, ds)}
    assert rows == {one["id"]: "two", two["id"]: "one"}


async def test_metadata_and_attachments_are_stored_and_replaced_on_update(gql: Gql) -> None:
    ds = await create_dataset(gql)
    task = await upsert(
        gql,
        [
            spec(
                ds,
                row_data="https://x/a.jpg",
                global_key="m",
                metadata_fields=[
                    {"schemaId": TAG, "value": "hello"},
                    {"schemaId": SPLIT, "value": {}},
                    {"schemaId": TRAIN, "value": {}},
                ],
                attachments=[
                    {"type": "RAW_TEXT", "value": "note", "name": "n"},
                    {"type": "IMAGE_OVERLAY", "value": "https://x/o.png"},
                ],
            )
        ],
    )
    [row] = await successes(gql, task["id"])
    query = "query($id: ID!){dataRow(where: {id: $id}){" + "customMetadata { schemaId value } "
    query += "metadataFields { schemaId name value kind } attachments { type value name }}}"
    got = (await gql.data(query, {"id": row["id"]}))["dataRow"]
    assert got["customMetadata"] == [
        {"schemaId": TAG, "value": "hello"},
        {"schemaId": SPLIT, "value": {}},
        {"schemaId": TRAIN, "value": {}},
    ]
    assert got["metadataFields"][1] == {
        "schemaId": SPLIT,
        "name": "split",
        "value": "train",
        "kind": "CustomMetadataEnum",
    }
    assert [a["type"] for a in got["attachments"]] == ["RAW_TEXT", "IMAGE_OVERLAY"]
    await upsert(
        gql,
        [
            spec(
                ds,
                key=("GKEY", "m"),
                metadata_fields=[{"name": "tag", "value": "bye"}],
                attachments=[{"type": "TEXT_URL", "value": "https://x/t.txt"}],
            )
        ],
    )
    got = (await gql.data(query, {"id": row["id"]}))["dataRow"]
    assert got["customMetadata"] == [{"schemaId": TAG, "value": "bye"}]
    assert got["attachments"] == [{"type": "TEXT_URL", "value": "https://x/t.txt", "name": None}]


@pytest.mark.parametrize(
    ("payload", "media_type"),
    [
        ({"row_data": "https://x/p.PNG?sig=1"}, "IMAGE"),
        ({"row_data": "https://x/v.mp4"}, "VIDEO"),
        ({"row_data": "https://x/t.txt"}, "TEXT"),
        ({"row_data": "https://x/d.pdf"}, "PDF"),
        ({"row_data": "https://x/page.html"}, "HTML"),
        ({"row_data": "https://x/s.wav"}, "AUDIO"),
        ({"row_data": "https://x/chat.json"}, "CONVERSATIONAL"),
        (
            {"row_data": {"type": "application/vnd.labelbox.conversational", "messages": []}},
            "CONVERSATIONAL",
        ),
        ({"row_data": {"tileLayerUrl": "https://t/{z}/{x}/{y}.png", "bounds": []}}, "TMS_GEO"),
        ({"tileLayerUrl": "https://t/{z}/{x}/{y}.png", "minZoom": 1}, "TMS_GEO"),
        ({"row_data": "https://x/no-extension"}, "IMAGE"),
        ({"row_data": "https://x/notes", "media_type": "text"}, "TEXT"),
    ],
)
async def test_media_type_is_explicit_or_inferred(
    gql: Gql, emu: Emulator, payload: dict[str, Any], media_type: str
) -> None:
    ds = await create_dataset(gql)
    task = await upsert(gql, [spec(ds, **payload)])
    [row] = await successes(gql, task["id"])
    with emu.state.store.reading() as conn:
        stored = conn.execute("SELECT media_type FROM data_rows WHERE id = ?", (row["id"],))
        assert stored.fetchone()[0] == media_type


async def test_unreadable_chunk_is_an_error_item(gql: Gql) -> None:
    ds = await create_dataset(gql)
    good = await upload(gql, json.dumps([spec(ds, row_data="https://x/1.jpg")]).encode(), "a", "b")
    bad = await upload(gql, b"{not json", "application/json", "json_import.json")
    manifest = {"source": "SDK", "item_count": 2, "chunk_uris": [bad, good]}
    uri = await upload(gql, json.dumps(manifest).encode(), "manifest.json", "application/json")
    task = (await gql.data(UPSERT, {"manifestUri": uri}))["upsertDataRows"]
    assert len(await successes(gql, task["id"])) == 1
    [failure] = await failures(gql, task["id"])
    assert "not a JSON list" in failure["message"]


@pytest.mark.parametrize(
    "manifest",
    [
        b"not json",
        b'{"item_count": 1}',
        b'{"item_count": -1, "chunk_uris": []}',
        b'{"item_count": 1, "chunk_uris": ["https://elsewhere/f.json"]}',
        b'{"item_count": 1, "chunk_uris": ["http://emulator.localhost/files/missing"]}',
    ],
)
async def test_bad_manifest_is_refused_and_creates_no_task(
    gql: Gql, emu: Emulator, manifest: bytes
) -> None:
    uri = await upload(gql, manifest, "manifest.json", "application/json")
    body = await gql(UPSERT, {"manifestUri": uri})
    assert code(body) == "INTERNAL_SERVER_ERROR"
    assert body["errors"][0]["extensions"]["exception"]["status"] == 400
    with emu.state.store.reading() as conn:
        assert conn.execute("SELECT count(*) FROM tasks").fetchone()[0] == 0


async def test_manifest_uri_that_is_no_upload_is_refused(gql: Gql) -> None:
    body = await gql(UPSERT, {"manifestUri": "https://example.com/manifest.json"})
    assert "not a file uploaded" in body["errors"][0]["message"]


# -- transitions --------------------------------------------------------------------------------


async def test_polls_rule_keeps_the_task_in_progress_for_n_reads(gql: Gql, emu: Emulator) -> None:
    emu.set_transition("adv-upsert-data-rows", {"mode": "polls", "n": 2})
    ds = await create_dataset(gql)
    task = await upsert(gql, [spec(ds, row_data="https://x/1.jpg")])
    assert task["status"] == "IN_PROGRESS"
    assert emu.wait_for_jobs()
    seen = [(await task_by_id(gql, task["id"]))["status"] for _ in range(3)]
    assert seen == ["IN_PROGRESS", "IN_PROGRESS", "COMPLETE"]


async def test_delay_rule(gql: Gql, emu: Emulator) -> None:
    emu.set_transition("adv-upsert-data-rows", {"mode": "delay", "ms": 60_000})
    ds = await create_dataset(gql)
    task = await upsert(gql, [spec(ds, row_data="https://x/1.jpg")])
    assert emu.wait_for_jobs()
    assert (await task_by_id(gql, task["id"]))["status"] == "IN_PROGRESS"
    assert len(await successes(gql, task["id"])) == 1  # the work is done, not yet published
    emu.set_transition("adv-upsert-data-rows", None)


async def test_fail_rule_stores_nothing_and_reports_the_errors(gql: Gql, emu: Emulator) -> None:
    emu.set_transition(
        "adv-upsert-data-rows", {"mode": "fail", "errors": ["Storage quota exceeded"]}
    )
    ds = await create_dataset(gql)
    task = await upsert(gql, [spec(ds, row_data="https://x/1.jpg", global_key="g")])
    assert emu.wait_for_jobs()
    final = await task_by_id(gql, task["id"])
    assert final["status"] == "FAILED"
    assert json.loads(final["errors"]) == ["Storage quota exceeded"]
    assert [f["message"] for f in await failures(gql, task["id"])] == ["Storage quota exceeded"]
    assert await all_rows(gql, ds) == []


async def test_large_upsert_runs_in_background_in_bounded_batches() -> None:
    async with (
        Emulator(inline_task_max_items=10) as emu,
        httpx.AsyncClient(transport=emu.transport, base_url="http://e") as http,
    ):
        gql = Gql(http, emu.api_key)
        ds = await create_dataset(gql)
        specs = [spec(ds, row_data=f"https://x/{i}.jpg", global_key=f"g{i}") for i in range(50)]
        task = await upsert(gql, specs, chunk_size=20)
        assert task["status"] == "IN_PROGRESS"
        assert emu.wait_for_jobs()
        assert (await task_by_id(gql, task["id"]))["status"] == "COMPLETE"
        rows = await all_rows(gql, ds, first=7)
    assert [r["globalKey"] for r in rows] == [f"g{i}" for i in reversed(range(50))]


async def test_cancelling_a_background_upsert(gql: Gql, emu: Emulator) -> None:
    emu.set_transition("adv-upsert-data-rows", {"mode": "polls", "n": 100})
    ds = await create_dataset(gql)
    task = await upsert(gql, [spec(ds, row_data="https://x/1.jpg")])
    cancel = "mutation CancelTaskPyApi($id: ID!) { cancelBulkOperationJob(id: $id) { success } }"
    assert (await gql.data(cancel, {"id": task["id"]}))["cancelBulkOperationJob"]["success"]
    assert emu.wait_for_jobs()
    assert (await task_by_id(gql, task["id"]))["status"] == "CANCELING"
    assert (await task_by_id(gql, task["id"]))["status"] == "CANCELED"


async def test_five_thousand_rows_upsert_and_page_back() -> None:
    """The scale path, small: a background upsert in several chunks, paged back in full."""
    count = 5000
    async with (
        Emulator() as emu,
        httpx.AsyncClient(transport=emu.transport, base_url="http://e") as http,
    ):
        gql = Gql(http, emu.api_key)
        ds = await create_dataset(gql)
        specs = [
            spec(ds, row_data=f"https://x/{i}.jpg", global_key=f"k{i}", external_id=str(i))
            for i in range(count)
        ]
        task = await upsert(gql, specs, chunk_size=1700)
        assert emu.wait_for_jobs(60)
        assert (await task_by_id(gql, task["id"]))["status"] == "COMPLETE"
        rows = await all_rows(gql, ds)
        count_query = "query($id: ID!){dataset(where: {id: $id}){rowCount}}"
        row_count = (await gql.data(count_query, {"id": ds}))["dataset"]["rowCount"]
    assert row_count == count
    assert len(rows) == count
    assert [r["externalId"] for r in rows] == [str(i) for i in reversed(range(count))]
    assert len({r["id"] for r in rows}) == count
