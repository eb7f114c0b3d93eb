"""Batches over the emulator's GraphQL API: both create paths, server-side chunking, the processing
check, listing, and the batch mutations, with every documented rule and its refusal."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from aiolabel.emulator import Emulator
from aiolabel.emulator.resolvers import batches as batches_module
from tests.emulator._support import (
    ADD_ROWS_ASYNC,
    CREATE_BATCH_V2,
    CREATE_BATCHES,
    CREATE_BATCHES_FROM_DATASET,
    CREATE_EMPTY_BATCH,
    DELETE_BATCH,
    DELETE_BATCH_LABELS,
    GET_BATCH,
    LABEL_COUNT,
    PROCESSED,
    PROJECT_BATCHES,
    REMOVE_QUEUED,
    batches,
    create_batch,
    error_of,
    lpos,
    new_project,
    rows,
    status_of,
    task,
)
from tests.emulator.conftest import Gql


async def batch_input(gql: Gql, project_id: str, **fields: Any) -> dict[str, Any]:
    return await gql(
        CREATE_BATCH_V2,
        {
            "projectId": project_id,
            "batchInput": {
                "name": "b",
                "dataRowIds": [],
                "globalKeys": None,
                "priority": 5,
                "consensusSettings": None,
                **fields,
            },
        },
        experimental=True,
    )


async def empty_batch(gql: Gql, project_id: str, name: str) -> str:
    data = await gql.data(
        CREATE_EMPTY_BATCH,
        {"projectId": project_id, "input": {"name": name, "consensusSettings": None}},
        experimental=True,
    )
    batch_id: str = data["project"]["createEmptyBatch"]["id"]
    return batch_id


async def add_async(gql: Gql, project_id: str, batch_id: str, **fields: Any) -> dict[str, Any]:
    return await gql(
        ADD_ROWS_ASYNC,
        {
            "projectId": project_id,
            "input": {
                "batchId": batch_id,
                "dataRowIds": [],
                "globalKeys": None,
                "priority": 5,
                **fields,
            },
        },
        experimental=True,
    )


async def test_sync_path_by_ids_and_global_keys(emu: Emulator, gql: Gql) -> None:
    project_id = await new_project(gql)
    ids = rows(emu, 6, global_key_prefix="Key-")
    by_ids = await create_batch(
        gql,
        project_id,
        "by ids",
        ids[:3],
        priority=2,
        consensusSettings={"numberOfLabels": 3, "coveragePercentage": 0.5},
    )
    assert by_ids["failedDataRowIds"] == []
    assert by_ids["batch"]["size"] == 3
    assert by_ids["batch"]["consensusSettingsJson"] == {
        "numberOfLabels": 3,
        "coveragePercentage": 0.5,
    }
    by_keys = await create_batch(
        gql, project_id, "by keys", [], globalKeys=["Key-3", "key-4", "KEY-5"]
    )
    assert by_keys["batch"]["size"] == 3, "global keys match case-insensitively"
    overrides = {o["dataRow"]["id"]: o for o in await lpos(gql, project_id)}
    assert {overrides[i]["priority"] for i in ids[:3]} == {2}
    assert {overrides[i]["numberOfLabels"] for i in ids[:3]} == {3}
    assert {overrides[i]["priority"] for i in ids[3:]} == {5}


async def test_failed_rows_are_reported_not_refused(emu: Emulator, gql: Gql) -> None:
    project_id = await new_project(gql)
    images = rows(emu, 4)
    videos = rows(emu, 2, media_type="VIDEO")
    await create_batch(gql, project_id, "first", images[:2])
    result = await create_batch(
        gql, project_id, "second", [*images, *videos, "cl-no-such-row-000000000"]
    )
    assert result["batch"]["size"] == 2
    assert set(result["failedDataRowIds"]) == {*images[:2], *videos, "cl-no-such-row-000000000"}
    sizes = {b["name"]: b["size"] for b in await batches(gql, project_id)}
    assert sizes == {"first": 2, "second": 2}


@pytest.mark.parametrize(
    ("fields", "status", "fragment"),
    [
        ({"priority": 0}, 400, "between 1 (highest) and 5"),
        ({"priority": 6}, 400, "between 1 (highest) and 5"),
        ({"dataRowIds": []}, 400, "at least one data row"),
        ({"globalKeys": ["k"]}, 400, "not both"),
        ({"name": " "}, 400, "non-empty name"),
        ({"dataRowIds": ["x"], "globalKeys": None, "name": "taken"}, None, "already exists"),
        ({"dataRowIds": [], "globalKeys": ["nope-1", "nope-2"]}, None, "do not exist: nope-1"),
        ({"priority": None}, 400, "got null"),
        ({"dataRowIds": ["cl-no-such-row"]}, None, "No valid data rows"),
        (
            {"consensusSettings": {"numberOfLabels": 2, "coveragePercentage": 1.5}},
            400,
            "coveragePercentage",
        ),
    ],
)
async def test_refused_batches_change_nothing(
    emu: Emulator, gql: Gql, fields: dict[str, Any], status: int | None, fragment: str
) -> None:
    project_id = await new_project(gql)
    ids = rows(emu, 2)
    await create_batch(gql, project_id, "taken", ids[:1])
    defaults: dict[str, Any] = {"dataRowIds": ids[1:]}
    error = error_of(await batch_input(gql, project_id, **{**defaults, **fields}))
    assert fragment in error["message"]
    assert status_of(error) == status
    if status is None:
        expected = "RESOURCE_CONFLICT" if fragment == "already exists" else "MALFORMED_REQUEST"
        assert error["extensions"]["code"] == expected
    assert [(b["name"], b["size"]) for b in await batches(gql, project_id)] == [("taken", 1)]


async def test_over_100000_rows_refused(emu: Emulator, gql: Gql) -> None:
    project_id = await new_project(gql)
    too_many = [f"cl{i:023d}" for i in range(100_001)]
    error = error_of(await batch_input(gql, project_id, dataRowIds=too_many))
    assert status_of(error) == 400
    assert "max size" in error["message"]
    batch_id = await empty_batch(gql, project_id, "big")
    error = error_of(await add_async(gql, project_id, batch_id, dataRowIds=too_many))
    assert status_of(error) == 400
    assert [b["size"] for b in await batches(gql, project_id)] == [0]


async def test_async_path_adds_rows_in_a_task(emu: Emulator, gql: Gql) -> None:
    project_id = await new_project(gql)
    ids = rows(emu, 5, global_key_prefix="a-")
    batch_id = await empty_batch(gql, project_id, "async")
    body = await add_async(gql, project_id, batch_id, globalKeys=["a-0", "a-1", "a-2"], priority=1)
    found = await task(gql, body["data"]["project"]["addDataRowsToBatchAsync"]["taskId"])
    assert (found["type"], found["status"], found["result"]) == (
        "add-data-rows-to-batch",
        "COMPLETE",
        None,
    )
    node = (await gql.data(GET_BATCH, {"projectId": project_id, "batchId": batch_id}))["project"][
        "batches"
    ]["nodes"][0]
    assert (node["name"], node["size"]) == ("async", 3)
    assert {o["priority"] for o in await lpos(gql, project_id)} == {1}
    partial = await add_async(gql, project_id, batch_id, dataRowIds=ids[2:])
    found = await task(gql, partial["data"]["project"]["addDataRowsToBatchAsync"]["taskId"])
    assert found["status"] == "COMPLETE"
    assert [f["dataRowId"] for f in json.loads(found["result"])] == [ids[2]]


async def test_async_task_fails_with_inline_errors_when_nothing_is_added(
    emu: Emulator, gql: Gql
) -> None:
    project_id = await new_project(gql)
    videos = rows(emu, 2, media_type="VIDEO")
    batch_id = await empty_batch(gql, project_id, "videos")
    body = await add_async(gql, project_id, batch_id, dataRowIds=videos)
    found = await task(gql, body["data"]["project"]["addDataRowsToBatchAsync"]["taskId"])
    assert found["status"] == "FAILED"
    assert found["errors"] is None
    errors = json.loads(found["result"])
    assert {e["dataRowId"] for e in errors} == set(videos)
    assert all("media type" in e["error"] for e in errors)


async def test_forced_failure_and_background_transitions(emu: Emulator, gql: Gql) -> None:
    project_id = await new_project(gql)
    ids = rows(emu, 4)
    emu.set_transition("add-data-rows-to-batch", {"mode": "fail", "errors": ["boom"]})
    batch_id = await empty_batch(gql, project_id, "forced")
    body = await add_async(gql, project_id, batch_id, dataRowIds=ids[:2])
    task_id = body["data"]["project"]["addDataRowsToBatchAsync"]["taskId"]
    emu.wait_for_jobs()
    found = await task(gql, task_id)
    assert found["status"] == "FAILED"
    assert json.loads(found["result"]) == ["boom"]
    emu.set_transition("add-data-rows-to-batch", {"mode": "polls", "n": 1})
    body = await add_async(gql, project_id, batch_id, dataRowIds=ids[2:])
    task_id = body["data"]["project"]["addDataRowsToBatchAsync"]["taskId"]
    emu.wait_for_jobs()
    assert (await task(gql, task_id))["status"] == "IN_PROGRESS"
    assert (await task(gql, task_id))["status"] == "COMPLETE"
    assert [b["size"] for b in await batches(gql, project_id)] == [2]


async def test_create_batches_chunks_names_and_tasks(
    emu: Emulator, gql: Gql, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batches_module, "MAX_BATCH_ROWS", 4)
    project_id = await new_project(gql)
    ids = rows(emu, 10, global_key_prefix="c-")
    variables = {
        "projectId": project_id,
        "input": {
            "batchNamePrefix": "pre",
            "dataRowIds": ids,
            "globalKeys": None,
            "priority": 2,
            "consensusSettings": None,
        },
    }
    tasks = (await gql.data(CREATE_BATCHES, variables))["project"]["createBatches"]["tasks"]
    assert len(tasks) == 3
    for item in tasks:
        assert (await task(gql, item["taskId"]))["status"] == "COMPLETE"
    found = await batches(gql, project_id)
    assert [(b["name"], b["size"]) for b in found] == [
        ("pre0000", 4),
        ("pre0001", 4),
        ("pre0002", 2),
    ]
    assert [b["id"] for b in found] == [t["batchUuid"] for t in tasks]
    error = error_of(await gql(CREATE_BATCHES, variables))
    assert error["extensions"]["code"] == "RESOURCE_CONFLICT"
    assert "pre0000" in error["message"]
    assert len(await batches(gql, project_id)) == 3


async def test_create_batches_by_global_keys_refuses_unknown_keys(emu: Emulator, gql: Gql) -> None:
    project_id = await new_project(gql)
    rows(emu, 2, global_key_prefix="g-")
    variables = {
        "projectId": project_id,
        "input": {"batchNamePrefix": "g", "dataRowIds": [], "globalKeys": ["g-0", "g-9"]},
    }
    error = error_of(await gql(CREATE_BATCHES, variables))
    assert error["extensions"]["code"] == "MALFORMED_REQUEST"
    assert "g-9" in error["message"]
    assert await batches(gql, project_id) == []
    variables["input"]["globalKeys"] = ["g-0", "g-1"]
    tasks = (await gql.data(CREATE_BATCHES, variables))["project"]["createBatches"]["tasks"]
    assert [b["size"] for b in await batches(gql, project_id)] == [2]
    assert len(tasks) == 1


async def test_create_batches_from_dataset_takes_only_new_rows(
    emu: Emulator, gql: Gql, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batches_module, "MAX_BATCH_ROWS", 3)
    project_id = await new_project(gql)
    made = emu.control("bulk_create_data_rows", count=7)
    await create_batch(gql, project_id, "already", made["ids"][:2])
    variables = {
        "projectId": project_id,
        "input": {"batchNamePrefix": "ds", "datasetId": made["dataset_id"], "priority": 5},
    }
    tasks = (await gql.data(CREATE_BATCHES_FROM_DATASET, variables))["project"][
        "createBatchesFromDataset"
    ]["tasks"]
    assert len(tasks) == 2
    sizes = {b["name"]: b["size"] for b in await batches(gql, project_id)}
    assert sizes == {"already": 2, "ds0000": 3, "ds0001": 2}
    error = error_of(
        await gql(
            CREATE_BATCHES_FROM_DATASET,
            {**variables, "input": {**variables["input"], "datasetId": "cl-missing"}},
        )
    )
    assert error["extensions"]["code"] == "RESOURCE_NOT_FOUND"


async def test_processing_check(emu: Emulator, gql: Gql) -> None:
    ids = rows(emu, 2, global_key_prefix="p-")
    by_ids = await gql.data(PROCESSED % (("dataRowIds",) * 3), {"dataRowIds": ids})
    assert by_ids["queryAllDataRowsHaveBeenProcessed"]["allDataRowsHaveBeenProcessed"] is True
    by_keys = await gql.data(PROCESSED % (("globalKeys",) * 3), {"globalKeys": ["p-0", "p-1"]})
    assert by_keys["queryAllDataRowsHaveBeenProcessed"]["allDataRowsHaveBeenProcessed"] is True
    error = error_of(await gql(PROCESSED % (("globalKeys",) * 3), {"globalKeys": ["key1"]}))
    assert error["message"] == "Data rows with the following global keys do not exist: key1."
    assert error["extensions"]["code"] == "MALFORMED_REQUEST"


async def test_batches_cursor_pages_and_get_batch(emu: Emulator, gql: Gql) -> None:
    project_id = await new_project(gql)
    ids = rows(emu, 5)
    made = [(await create_batch(gql, project_id, f"b{i}", [ids[i]]))["batch"] for i in range(5)]
    pages, cursor = [], None
    while True:
        page = (
            await gql.data(
                PROJECT_BATCHES,
                {"projectId": project_id, "from": cursor, "first": 2},
                experimental=True,
            )
        )["project"]["batches"]
        pages.append([n["name"] for n in page["nodes"]])
        cursor = page["pageInfo"]["endCursor"]
        if not cursor:
            break
    assert pages == [["b0", "b1"], ["b2", "b3"], ["b4"]]
    node = (await gql.data(GET_BATCH, {"projectId": project_id, "batchId": made[3]["id"]}))[
        "project"
    ]["batches"]["nodes"]
    assert node == [made[3]]
    missing = await gql.data(GET_BATCH, {"projectId": project_id, "batchId": "cl-missing"})
    assert missing["project"]["batches"]["nodes"] == []


async def test_remove_queued_rows_keeps_labelled_ones(emu: Emulator, gql: Gql) -> None:
    project_id = await new_project(gql)
    ids = rows(emu, 4)
    batch = (await create_batch(gql, project_id, "b", ids))["batch"]
    emu.control("add_label", project_id=project_id, data_row_id=ids[0])
    body = await gql.data(
        REMOVE_QUEUED, {"projectId": project_id, "batchId": batch["id"]}, experimental=True
    )
    assert body["project"]["removeQueuedDataRowsFromBatch"]["id"] == batch["id"]
    assert [b["size"] for b in await batches(gql, project_id)] == [1]
    again = await create_batch(gql, project_id, "again", ids)
    assert again["batch"]["size"] == 3
    assert again["failedDataRowIds"] == [ids[0]]


@pytest.mark.parametrize("kind", ["RequeueData", "RequeueDataWithLabelAsTemplate"])
async def test_delete_labels_then_delete_batch(emu: Emulator, gql: Gql, kind: str) -> None:
    project_id = await new_project(gql)
    ids = rows(emu, 3)
    batch = (await create_batch(gql, project_id, "b", ids))["batch"]
    labels = [emu.control("add_label", project_id=project_id, data_row_id=i)["id"] for i in ids[:2]]
    variables = {"projectId": project_id, "batchId": batch["id"]}
    error = error_of(await gql(DELETE_BATCH, variables, experimental=True))
    assert error["extensions"]["code"] == "OPERATION_NOT_ALLOWED"
    assert [b["size"] for b in await batches(gql, project_id)] == [3]
    deleted = await gql.data(DELETE_BATCH_LABELS, {**variables, "type": kind}, experimental=True)
    assert deleted["project"]["deleteBatchLabels"]["deletedLabelIds"] == labels
    count = await gql.data(LABEL_COUNT, {"projectId": project_id})
    assert count["project"]["labelCount"] == 0
    queue = emu.control("labeling_queue", project_id=project_id)
    assert sorted(r["data_row_id"] for r in queue) == sorted(ids), "labelled rows are requeued"
    with emu.state.store.reading() as conn:
        templates = conn.execute("SELECT SUM(is_template) FROM labels").fetchone()[0]
    assert templates == (2 if kind == "RequeueDataWithLabelAsTemplate" else 0)
    body = await gql.data(DELETE_BATCH, variables, experimental=True)
    assert body["project"]["deleteBatch"]["deletedBatchId"] == batch["id"]
    assert await batches(gql, project_id) == []
    reused = await create_batch(gql, project_id, "b", ids)
    assert reused["batch"]["size"] == 3
    assert reused["failedDataRowIds"] == []


async def test_faults_and_applied_then_failed(emu: Emulator, gql: Gql) -> None:
    project_id = await new_project(gql)
    ids = rows(emu, 2)
    emu.set_faults(drop_rate=1.0, operations={"createBatchV2PyApi"})
    with pytest.raises(httpx.RemoteProtocolError):
        await batch_input(gql, project_id, dataRowIds=ids[:1])
    emu.set_faults(drop_rate=0.0, applied_then_failed_rate=1.0)
    response = await gql.raw(
        CREATE_BATCH_V2,
        {"projectId": project_id, "batchInput": {"name": "b", "dataRowIds": ids[1:]}},
        experimental=True,
    )
    assert response.status_code == 502
    emu.set_faults(applied_then_failed_rate=0.0, operations=None)
    assert [(b["name"], b["size"]) for b in await batches(gql, project_id)] == [("b", 1)]
    assert [o["dataRow"]["id"] for o in await lpos(gql, project_id)] == ids[1:]


async def test_deleted_data_rows_leave_counts_and_listings(emu: Emulator, gql: Gql) -> None:
    project_id = await new_project(gql)
    ids = rows(emu, 3)
    await create_batch(gql, project_id, "b", ids)
    deleted = await gql.data(
        f'mutation deleteDataRowsPyApi{{deleteDataRows(where: {{dataRowIds: ["{ids[0]}"]}}){{id}}}}'
    )
    assert deleted["deleteDataRows"] == [{"id": ids[0]}]
    assert [b["size"] for b in await batches(gql, project_id)] == [2]
    assert [o["dataRow"]["id"] for o in await lpos(gql, project_id)] == ids[1:]


async def test_each_failed_row_says_why_in_the_order_given(emu: Emulator, gql: Gql) -> None:
    project_id = await new_project(gql)
    images = rows(emu, 4)
    videos = rows(emu, 1, media_type="VIDEO")
    await create_batch(gql, project_id, "first", images[:1])
    batch_id = await empty_batch(gql, project_id, "second")
    given = [videos[0], images[2], images[3] + "\x00", "nope", images[0], images[1], images[2]]
    body = await add_async(gql, project_id, batch_id, dataRowIds=given)
    found = await task(gql, body["data"]["project"]["addDataRowsToBatchAsync"]["taskId"])
    assert found["status"] == "COMPLETE"
    assert json.loads(found["result"]) == [
        {
            "dataRowId": videos[0],
            "error": "Data row media type VIDEO does not match the project media type IMAGE",
        },
        {"dataRowId": images[3] + "\x00", "error": "Data row not found"},
        {"dataRowId": "nope", "error": "Data row not found"},
        {"dataRowId": images[0], "error": "Data row is already in batch 'first' of this project"},
    ]
    queue = emu.control("labeling_queue", project_id=project_id)
    assert [(r["data_row_id"], r["batch_name"]) for r in queue] == [
        (images[0], "first"),
        (images[2], "second"),
        (images[1], "second"),
    ]
