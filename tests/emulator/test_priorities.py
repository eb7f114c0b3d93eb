"""Labelling-parameter overrides, queue priority tasks, queue order and task-queue moves over the
emulator's GraphQL API."""

from __future__ import annotations

import json

import pytest

from aiolabel.emulator import Emulator
from aiolabel.emulator.resolvers import labeling as labeling_module
from tests.emulator._support import (
    MOVE_TO_QUEUE,
    PRIORITY_TASK,
    TASK_QUEUES,
    create_batch,
    error_of,
    lpo_document,
    lpos,
    new_project,
    rows,
    status_of,
    task,
)
from tests.emulator.conftest import Gql

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
SET_BY_VARIABLE = (
    "mutation SetLpo($projectId: ID!, $data: [LabelingParameterOverrideInput!]) {"
    " project(where: {id: $projectId}) { setLabelingParameterOverrides("
    "dataWithDataRowIdentifiers: $data) { success } } }"
)


async def priorities(gql: Gql, project_id: str) -> dict[str, int]:
    return {o["dataRow"]["id"]: o["priority"] for o in await lpos(gql, project_id)}


async def test_sdk_literal_list_with_ids_global_keys_and_int32_bounds(
    emu: Emulator, gql: Gql
) -> None:
    project_id = await new_project(gql)
    ids = rows(emu, 4, global_key_prefix="k-")
    await create_batch(gql, project_id, "b", ids)
    document = lpo_document(
        [(ids[0], "ID", INT32_MAX), ("k-1", "GKEY", INT32_MIN), (ids[2], "ID", 0)]
    )
    body = await gql.data(document, {"projectId": project_id})
    assert body["project"]["setLabelingParameterOverrides"]["success"] is True
    assert await priorities(gql, project_id) == {
        ids[0]: INT32_MAX,
        ids[1]: INT32_MIN,
        ids[2]: 0,
        ids[3]: 5,
    }
    overrides = await lpos(gql, project_id)
    assert [o["dataRow"]["id"] for o in overrides] == [ids[1], ids[2], ids[3], ids[0]]
    assert all(o["numberOfLabels"] == 1 and o["id"] for o in overrides)


async def test_the_same_list_as_a_variable(emu: Emulator, gql: Gql) -> None:
    project_id = await new_project(gql)
    ids = rows(emu, 2, global_key_prefix="v-")
    await create_batch(gql, project_id, "b", ids)
    data = [
        {"dataRowIdentifier": {"id": "v-0", "idType": "GKEY"}, "priority": 3},
        {"dataRowIdentifier": {"id": ids[1], "idType": "ID"}, "priority": 1, "numberOfLabels": 2},
    ]
    await gql.data(SET_BY_VARIABLE, {"projectId": project_id, "data": data})
    overrides = await lpos(gql, project_id)
    assert [(o["dataRow"]["id"], o["priority"], o["numberOfLabels"]) for o in overrides] == [
        (ids[1], 1, 2),
        (ids[0], 3, 1),
    ]


async def test_refused_overrides_change_nothing(emu: Emulator, gql: Gql) -> None:
    project_id = await new_project(gql)
    ids = rows(emu, 3)
    outside = rows(emu, 1)
    await create_batch(gql, project_id, "b", ids)
    before = await priorities(gql, project_id)
    out_of_range = lpo_document([(ids[0], "ID", 1), (ids[1], "ID", INT32_MAX + 1)])
    error = error_of(await gql(out_of_range, {"projectId": project_id}))
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    too_many = lpo_document([(ids[i % 3], "ID", 1) for i in range(1001)])
    error = error_of(await gql(too_many, {"projectId": project_id}))
    assert status_of(error) == 400
    assert "more than 1,000" in error["message"]
    unknown = lpo_document([(ids[0], "ID", 1), ("cl-nope", "ID", 2)])
    error = error_of(await gql(unknown, {"projectId": project_id}))
    assert status_of(error) == 400
    assert "cl-nope" in error["message"]
    not_in_project = lpo_document([(ids[0], "ID", 1), (outside[0], "ID", 2)])
    error = error_of(await gql(not_in_project, {"projectId": project_id}))
    assert "not in this project" in error["message"]
    assert await priorities(gql, project_id) == before
    exactly_1000 = lpo_document([(ids[i % 3], "ID", 7) for i in range(1000)])
    await gql.data(exactly_1000, {"projectId": project_id})
    assert set((await priorities(gql, project_id)).values()) == {7}


async def test_listing_pages_by_offset(emu: Emulator, gql: Gql) -> None:
    project_id = await new_project(gql)
    ids = rows(emu, 150)
    await create_batch(gql, project_id, "b", ids)
    overrides = await lpos(gql, project_id)
    assert [o["dataRow"]["id"] for o in overrides] == ids
    assert len({o["id"] for o in overrides}) == 150


async def test_queue_order_follows_override_then_batch_priority(emu: Emulator, gql: Gql) -> None:
    project_id = await new_project(gql)
    ids = rows(emu, 6)
    await create_batch(gql, project_id, "low", ids[:3], priority=5)
    await create_batch(gql, project_id, "high", ids[3:], priority=1)
    queue = [r["data_row_id"] for r in emu.control("labeling_queue", project_id=project_id)]
    assert queue == [*ids[3:], *ids[:3]]
    await gql.data(lpo_document([(ids[2], "ID", 1), (ids[5], "ID", 3)]), {"projectId": project_id})
    queue = [r["data_row_id"] for r in emu.control("labeling_queue", project_id=project_id)]
    assert queue == [ids[3], ids[4], ids[2], ids[5], ids[0], ids[1]]


async def test_priority_update_task(emu: Emulator, gql: Gql) -> None:
    project_id = await new_project(gql)
    ids = rows(emu, 4, global_key_prefix="q-")
    await create_batch(gql, project_id, "b", ids)

    async def update(keys: list[str], id_type: str, priority: int) -> dict[str, object]:
        body = await gql.data(
            PRIORITY_TASK,
            {
                "priority": priority,
                "projectId": project_id,
                "dataRowIdentifiers": {"ids": keys, "idType": id_type},
            },
        )
        return await task(gql, body["project"]["createQueuePriorityUpdateTask"]["taskId"])

    done = await update(ids[:2], "ID", 1)
    assert done["status"] == "COMPLETE"
    done = await update(["q-2", "q-3", "q-missing"], "GKEY", -7)
    assert done["status"] == "COMPLETE"
    assert [f["dataRowId"] for f in json.loads(str(done["result"]))] == ["q-missing"]
    assert await priorities(gql, project_id) == {ids[0]: 1, ids[1]: 1, ids[2]: -7, ids[3]: -7}
    failed = await update(["q-none"], "GKEY", 2)
    assert failed["status"] == "FAILED"
    assert "q-none" in str(failed["errors"])


async def test_priority_update_in_the_background_and_its_limit(
    emu: Emulator, gql: Gql, monkeypatch: pytest.MonkeyPatch
) -> None:
    project_id = await new_project(gql)
    ids = rows(emu, 3)
    await create_batch(gql, project_id, "b", ids)
    emu.set_transition("update-queue-priority", {"mode": "polls", "n": 1})
    variables = {
        "priority": 2,
        "projectId": project_id,
        "dataRowIdentifiers": {"ids": ids, "idType": "ID"},
    }
    body = await gql.data(PRIORITY_TASK, variables)
    task_id = body["project"]["createQueuePriorityUpdateTask"]["taskId"]
    emu.wait_for_jobs()
    assert (await task(gql, task_id))["status"] == "IN_PROGRESS"
    assert (await task(gql, task_id))["status"] == "COMPLETE"
    assert set((await priorities(gql, project_id)).values()) == {2}
    monkeypatch.setattr(labeling_module, "MAX_PRIORITY_UPDATE_ROWS", 2)
    error = error_of(await gql(PRIORITY_TASK, variables))
    assert status_of(error) == 400


async def test_move_rows_to_a_queue_and_to_done(emu: Emulator, gql: Gql) -> None:
    project_id = await new_project(gql)
    ids = rows(emu, 5, global_key_prefix="m-")
    await create_batch(gql, project_id, "b", ids)
    queues = (await gql.data(TASK_QUEUES, {"projectId": project_id}, experimental=True))["project"][
        "taskQueues"
    ]
    review = next(q["id"] for q in queues if q["queueType"] == "MANUAL_REVIEW_QUEUE")

    async def move(queue_id: str | None, keys: list[str], id_type: str) -> dict[str, object]:
        body = await gql(
            MOVE_TO_QUEUE,
            {
                "projectId": project_id,
                "queueId": queue_id,
                "dataRowIdentifiers": {"ids": keys, "idType": id_type},
            },
            experimental=True,
        )
        if "errors" in body:
            return body
        return await task(gql, body["data"]["project"]["createBulkAddRowsToQueueTask"]["taskId"])

    moved = await move(review, ids[:2], "ID")
    assert (moved["type"], moved["status"]) == ("send-to-task-queue", "COMPLETE")
    assert (await move(None, ["m-2"], "GKEY"))["status"] == "COMPLETE"
    queues = (await gql.data(TASK_QUEUES, {"projectId": project_id}, experimental=True))["project"][
        "taskQueues"
    ]
    assert [q["dataRowCount"] for q in queues] == [2, 2, 0]
    outside = rows(emu, 1)
    failed = await move(review, outside, "ID")
    assert failed["status"] == "FAILED"
    assert json.loads(str(failed["result"]))[0]["dataRowId"] == outside[0]
    error = error_of(await move("cl-no-queue", ids[3:], "ID"))
    assert error["extensions"]["code"] == "RESOURCE_NOT_FOUND"
    queue = [r["data_row_id"] for r in emu.control("labeling_queue", project_id=project_id)]
    assert queue == ids[3:]


DELETE_ROWS = (
    "mutation deleteDataRowsPyApi($dataRowIds: [ID!]!){deleteDataRows("
    "where: {dataRowIds: $dataRowIds}){id}}"
)


def _override(key: str, priority: int, kind: str = "ID", **extra: int) -> dict[str, object]:
    return {"dataRowIdentifier": {"id": key, "idType": kind}, "priority": priority, **extra}


async def test_a_row_named_twice_takes_the_later_values(emu: Emulator, gql: Gql) -> None:
    project_id = await new_project(gql)
    ids = rows(emu, 3, global_key_prefix="t-")
    await create_batch(gql, project_id, "b", ids)
    data = [
        _override(ids[0], 1, numberOfLabels=3),
        _override("T-0", 2, "GKEY"),  # the same row by its key (keys match case-insensitively)
        _override(ids[1], 4),
        _override(ids[1], 3, numberOfLabels=2),
        _override(ids[1], 6),
    ]
    await gql.data(SET_BY_VARIABLE, {"projectId": project_id, "data": data})
    overrides = await lpos(gql, project_id)
    assert {o["dataRow"]["id"]: (o["priority"], o["numberOfLabels"]) for o in overrides} == {
        ids[0]: (2, 3),
        ids[1]: (6, 2),
        ids[2]: (5, 1),
    }


async def test_a_deleted_row_refuses_the_whole_list(emu: Emulator, gql: Gql) -> None:
    project_id = await new_project(gql)
    ids = rows(emu, 3)
    await create_batch(gql, project_id, "b", ids)
    await gql.data(DELETE_ROWS, {"dataRowIds": [ids[2]]})
    before = await priorities(gql, project_id)
    document = lpo_document([(ids[0], "ID", 1), (ids[2], "ID", 3), (ids[1], "ID", 2)])
    error = error_of(await gql(document, {"projectId": project_id}))
    assert status_of(error) == 400
    assert error["message"] == f"Data rows not found: {ids[2]}"
    assert await priorities(gql, project_id) == before


async def test_the_first_reason_of_a_refusal_is_reported(emu: Emulator, gql: Gql) -> None:
    project_id = await new_project(gql)
    ids = rows(emu, 2)
    outside = rows(emu, 1)
    await create_batch(gql, project_id, "b", ids)
    cases = [
        ([_override(ids[0], 1, numberOfLabels=-2), _override("nope", 1)], "not found: nope"),
        ([_override(outside[0], 1), _override("nope", 1)], "not found: nope"),
        ([_override(ids[0], 1, numberOfLabels=-2), _override(outside[0], 1)], "not in this"),
        ([_override(ids[0], 1), _override(ids[1], 1, numberOfLabels=-2)], ">= 1"),
        ([_override(ids[0], 1), _override(ids[0], 2, numberOfLabels=-2)], ">= 1"),
    ]
    for data, reason in cases:
        body = await gql(SET_BY_VARIABLE, {"projectId": project_id, "data": data})
        assert reason in error_of(body)["message"], (data, body)
    assert set((await priorities(gql, project_id)).values()) == {5}


async def test_keys_holding_a_nul_are_matched_exactly(emu: Emulator, gql: Gql) -> None:
    project_id = await new_project(gql)
    ids = rows(emu, 2, global_key_prefix="n\x00")
    await create_batch(gql, project_id, "b", ids)
    data = [_override("N\x000", 3, "GKEY"), _override(ids[1], 4)]
    await gql.data(SET_BY_VARIABLE, {"projectId": project_id, "data": data})
    assert await priorities(gql, project_id) == {ids[0]: 3, ids[1]: 4}
    cut = [_override(ids[0] + "\x00x", 1), _override("n\x000\x00", 1, "GKEY")]
    body = await gql(SET_BY_VARIABLE, {"projectId": project_id, "data": cut})
    assert error_of(body)["message"] == f"Data rows not found: {ids[0]}\x00x, n\x000\x00"
    assert await priorities(gql, project_id) == {ids[0]: 3, ids[1]: 4}
