"""Export tasks over the emulator's GraphQL API: the export v2 line format, every filter and param,
streaming through the metadata header and offset chunks, and refused filters."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from aiolabel.emulator import Emulator
from tests.emulator._support import (
    EXPORT_CATALOG,
    EXPORT_CHUNK,
    EXPORT_HEADER,
    EXPORT_PROJECT,
    TASK_QUEUES,
    create_batch,
    error_of,
    new_project,
    rows,
    task,
)
from tests.emulator.conftest import Gql

ALL_PARAMS = {
    "mediaTypeOverride": None,
    "includeAttachments": True,
    "includeEmbeddings": False,
    "includeMetadata": True,
    "includeDataRowDetails": True,
    "includeProjectDetails": True,
    "includePerformanceDetails": True,
    "includeLabelDetails": True,
    "includeInterpolatedFrames": False,
}


async def export_project(
    gql: Gql, project_id: str, query: list[dict[str, Any]], params: dict[str, Any] | None = None
) -> dict[str, Any]:
    return await gql(
        EXPORT_PROJECT,
        {
            "input": {
                "taskName": None,
                "isStreamableReady": True,
                "filters": {
                    "projectId": project_id,
                    "searchQuery": {"scope": None, "query": query},
                },
                "params": params or ALL_PARAMS,
                "streamable": True,
            }
        },
    )


async def read_stream(http: httpx.AsyncClient, gql: Gql, task_id: str) -> list[dict[str, Any]]:
    """Read the RESULT stream as the SDK does: header, then chunks from offset 0, sizes checked."""
    where = {"where": {"id": task_id}, "streamType": "RESULT"}
    header = (await gql.data(EXPORT_HEADER, where))["task"]["exportMetadataHeader"]
    if header is None:
        return []
    offset, content = 0, b""
    while offset < header["totalSize"]:
        chunk = (await gql.data(EXPORT_CHUNK, {**where, "offset": str(offset)}))["task"][
            "exportFileFromOffset"
        ]
        body = (await http.get(chunk["file"])).content
        assert len(body) == chunk["offsets"]["end"] - chunk["offsets"]["start"] + 1
        content += body
        offset = chunk["offsets"]["end"] + 1
    lines = content.decode().splitlines()
    assert len(lines) == header["totalLines"]
    return [json.loads(line) for line in lines]


async def exported(
    http: httpx.AsyncClient, gql: Gql, project_id: str, query: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    body = await export_project(gql, project_id, query)
    assert "errors" not in body, body
    result = body["data"]["exportDataRowsInProject"]
    assert result["isStreamable"] is True
    found = await task(gql, result["taskId"])
    assert (found["type"], found["status"]) == ("export-data-rows", "COMPLETE")
    return await read_stream(http, gql, result["taskId"])


@pytest.fixture
async def labelled(emu: Emulator, gql: Gql) -> dict[str, Any]:
    """A project with two batches: row 0 labelled (in review), row 1 in rework, row 2 done."""
    with emu.state.store.transaction() as conn:
        conn.execute(
            "INSERT INTO metadata_schemas (id, org_id, name, kind) VALUES (?, ?, ?, ?)",
            ("schema-tag", emu.state.org_id, "test_tag", "CustomMetadataString"),
        )
    project_id = await new_project(gql, name="export me")
    made = emu.control(
        "bulk_create_data_rows",
        count=5,
        global_key_prefix="e-",
        media_attributes={"width": 10},
        attachments=[{"type": "RAW_TEXT", "value": "note", "name": "n"}],
        metadata={"test_tag": "hello"},
    )
    ids = made["ids"]
    first = (await create_batch(gql, project_id, "first", ids[:3]))["batch"]
    second = (await create_batch(gql, project_id, "second", ids[3:], priority=1))["batch"]
    label = emu.control(
        "add_label",
        project_id=project_id,
        data_row_id=ids[0],
        created_at="2021-06-01T12:00:00.000Z",
        seconds_to_create=4.5,
    )
    queues = (await gql.data(TASK_QUEUES, {"projectId": project_id}, experimental=True))["project"][
        "taskQueues"
    ]
    rework = next(q["id"] for q in queues if q["queueType"] == "MANUAL_REWORK_QUEUE")
    with emu.state.store.transaction() as conn:
        conn.execute(
            "UPDATE project_data_rows SET queue_id = ? WHERE data_row_id = ?", (rework, ids[1])
        )
        conn.execute(
            "UPDATE project_data_rows SET queue_id = NULL WHERE data_row_id = ?", (ids[2],)
        )
    return {
        "project_id": project_id,
        "dataset_id": made["dataset_id"],
        "ids": ids,
        "batches": (first["id"], second["id"]),
        "label": label["id"],
    }


async def test_project_export_line_format(
    http: httpx.AsyncClient, gql: Gql, labelled: dict[str, Any]
) -> None:
    lines = await exported(http, gql, labelled["project_id"], [])
    ids, project_id = labelled["ids"], labelled["project_id"]
    assert [line["data_row"]["id"] for line in lines] == [*ids[3:], *ids[:3]], "queue order"
    line = next(line for line in lines if line["data_row"]["id"] == ids[0])
    assert line["data_row"]["global_key"] == "e-0"
    assert line["data_row"]["row_data"].endswith("/0")
    details = line["data_row"]["details"]
    assert details["dataset_id"] == labelled["dataset_id"]
    assert details["created_by"] == "emulator@aiolabel.localhost"
    assert details["created_at"].endswith("+00:00")
    assert line["media_attributes"] == {"width": 10}
    assert [(a["type"], a["value"], a["name"]) for a in line["attachments"]] == [
        ("RAW_TEXT", "note", "n")
    ]
    assert line["metadata_fields"] == [
        {"schema_id": "schema-tag", "schema_name": "test_tag", "value": "hello"}
    ]
    project = line["projects"][project_id]
    assert project["name"] == "export me"
    [label] = project["labels"]
    assert label["id"] == labelled["label"]
    assert label["label_details"]["created_at"] == "2021-06-01T12:00:00.000+00:00"
    assert label["performance_details"]["seconds_to_create"] == 4.5
    assert project["project_details"]["workflow_status"] == "IN_REVIEW"
    assert project["project_details"]["batch_name"] == "first"
    assert project["project_details"]["selected_label_id"] == labelled["label"]
    statuses = {
        line["data_row"]["id"]: line["projects"][project_id]["project_details"]["workflow_status"]
        for line in lines
    }
    assert statuses == {
        ids[0]: "IN_REVIEW",
        ids[1]: "IN_REWORK",
        ids[2]: "DONE",
        ids[3]: "TO_LABEL",
        ids[4]: "TO_LABEL",
    }


async def test_params_leave_out_what_is_not_asked_for(
    http: httpx.AsyncClient, gql: Gql, labelled: dict[str, Any]
) -> None:
    body = await export_project(gql, labelled["project_id"], [], {"includeAttachments": False})
    task_id = body["data"]["exportDataRowsInProject"]["taskId"]
    line = (await read_stream(http, gql, task_id))[0]
    assert set(line) == {"data_row", "media_attributes", "projects"}
    assert "details" not in line["data_row"]
    project = line["projects"][labelled["project_id"]]
    assert set(project) == {"name", "labels"}


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ({"type": "task_queue_not_exist"}, [3, 4]),
        ({"type": "task_queue_status", "status": "InReview"}, [0]),
        ({"type": "task_queue_status", "status": "InRework"}, [1]),
        ({"type": "task_queue_status", "status": "Done"}, [2]),
        ({"ids": ["e-1", "E-4"], "operator": "is", "type": "global_key"}, [4, 1]),
        (
            {
                "type": "labeled_at",
                "value": {
                    "operator": "BETWEEN",
                    "timezone": "UTC",
                    "value": {"min": "2021-06-01", "max": "2021-06-01"},
                },
            },
            [0],
        ),
        (
            {
                "type": "labeled_at",
                "value": {
                    "operator": "LESS_THAN_OR_EQUAL",
                    "timezone": "UTC",
                    "value": "2021-05-31",
                },
            },
            [],
        ),
        (
            {
                "type": "data_row_last_activity_at",
                "value": {
                    "operator": "GREATER_THAN_OR_EQUAL",
                    "timezone": "UTC",
                    "value": "2000-01-01 00:00:00",
                },
            },
            [3, 4, 0, 1, 2],
        ),
        (
            {
                "type": "data_row_last_activity_at",
                "value": {
                    "operator": "LESS_THAN_OR_EQUAL",
                    "timezone": "America/New_York",
                    "value": "2000-01-01T00:00:00+0000",
                },
            },
            [],
        ),
    ],
)
async def test_project_filters(
    http: httpx.AsyncClient,
    gql: Gql,
    labelled: dict[str, Any],
    term: dict[str, Any],
    expected: list[int],
) -> None:
    lines = await exported(http, gql, labelled["project_id"], [term])
    assert [line["data_row"]["id"] for line in lines] == [labelled["ids"][i] for i in expected]


async def test_batch_and_data_row_filters_combine(
    http: httpx.AsyncClient, gql: Gql, labelled: dict[str, Any]
) -> None:
    ids = labelled["ids"]
    query = [
        {"ids": [ids[0], ids[1], ids[3]], "operator": "is", "type": "data_row_id"},
        {"ids": [labelled["batches"][0]], "operator": "is", "type": "batch"},
    ]
    lines = await exported(http, gql, labelled["project_id"], query)
    assert [line["data_row"]["id"] for line in lines] == [ids[0], ids[1]]


async def test_catalog_export_by_dataset_ids_and_keys(
    emu: Emulator, http: httpx.AsyncClient, gql: Gql, labelled: dict[str, Any]
) -> None:
    other = rows(emu, 2)

    async def catalog(query: list[dict[str, Any]], **params: Any) -> list[dict[str, Any]]:
        body = await gql.data(
            EXPORT_CATALOG,
            {
                "input": {
                    "taskName": "cat",
                    "filters": {"searchQuery": {"scope": None, "query": query}},
                    "isStreamableReady": True,
                    "params": {"includeAttachments": False, **params},
                    "streamable": True,
                }
            },
        )
        return await read_stream(http, gql, body["exportDataRowsInCatalog"]["taskId"])

    lines = await catalog([{"ids": [labelled["dataset_id"]], "operator": "is", "type": "dataset"}])
    assert [line["data_row"]["id"] for line in lines] == labelled["ids"]
    assert "projects" not in lines[0]
    lines = await catalog(
        [{"ids": [other[1], labelled["ids"][0]], "operator": "is", "type": "data_row_id"}],
        projectIds=[labelled["project_id"]],
        includeProjectDetails=True,
    )
    assert [line["data_row"]["id"] for line in lines] == [labelled["ids"][0], other[1]]
    assert lines[1]["projects"] == {}
    details = lines[0]["projects"][labelled["project_id"]]["project_details"]
    assert details["workflow_status"] == "IN_REVIEW"
    lines = await catalog([{"ids": ["e-2"], "operator": "is", "type": "global_key"}])
    assert [line["data_row"]["global_key"] for line in lines] == ["e-2"]


async def test_chunks_match_their_offsets(emu: Emulator, http: httpx.AsyncClient, gql: Gql) -> None:
    project_id = await new_project(gql)
    await create_batch(gql, project_id, "b", rows(emu, 40, global_key_prefix="chunk-"))
    emu.control("set_export_chunk_bytes", size=1000)
    body = await export_project(gql, project_id, [])
    task_id = body["data"]["exportDataRowsInProject"]["taskId"]
    lines = await read_stream(http, gql, task_id)
    assert len(lines) == 40
    where = {"where": {"id": task_id}, "streamType": "RESULT"}
    header = (await gql.data(EXPORT_HEADER, where))["task"]["exportMetadataHeader"]
    starts, offset = [], 0
    while offset < header["totalSize"]:
        chunk = (await gql.data(EXPORT_CHUNK, {**where, "offset": str(offset)}))["task"][
            "exportFileFromOffset"
        ]
        starts.append(chunk["lines"]["start"])
        offset = chunk["offsets"]["end"] + 1
    assert len(starts) > 3, "the stream is cut into several chunks"
    middle = (await gql.data(EXPORT_CHUNK, {**where, "offset": "5"}))["task"][
        "exportFileFromOffset"
    ]
    body_bytes = (await http.get(middle["file"])).content
    assert len(body_bytes) == middle["offsets"]["end"] - 5 + 1
    beyond = await gql(EXPORT_CHUNK, {**where, "offset": str(header["totalSize"])})
    assert error_of(beyond)["extensions"]["code"] == "MALFORMED_REQUEST"


async def test_absent_streams_have_no_header(emu: Emulator, gql: Gql) -> None:
    project_id = await new_project(gql)
    body = await export_project(gql, project_id, [])
    task_id = body["data"]["exportDataRowsInProject"]["taskId"]
    for stream in ("RESULT", "ERRORS"):
        header = await gql.data(EXPORT_HEADER, {"where": {"id": task_id}, "streamType": stream})
        assert header["task"]["exportMetadataHeader"] is None
    emu.set_transition("export-data-rows", {"mode": "polls", "n": 2})
    await create_batch(gql, project_id, "b", rows(emu, 1))
    body = await export_project(gql, project_id, [])
    task_id = body["data"]["exportDataRowsInProject"]["taskId"]
    emu.wait_for_jobs()
    where = {"where": {"id": task_id}, "streamType": "RESULT"}
    assert (await gql.data(EXPORT_HEADER, where))["task"]["exportMetadataHeader"] is None
    assert (await task(gql, task_id))["status"] == "IN_PROGRESS"
    assert (await task(gql, task_id))["status"] == "COMPLETE"
    header = (await gql.data(EXPORT_HEADER, where))["task"]["exportMetadataHeader"]
    assert header["totalLines"] == 1


@pytest.mark.parametrize(
    "term",
    [
        {"type": "nonsense"},
        {"ids": [], "operator": "is", "type": "data_row_id"},
        {"ids": [f"id{i}" for i in range(2001)], "operator": "is", "type": "global_key"},
        {"type": "task_queue_status", "status": "Sleeping"},
        {"type": "dataset", "ids": ["d"], "operator": "is"},
        {"type": "labeled_at", "value": {"operator": "BETWEEN", "timezone": "UTC", "value": "x"}},
        {"type": "labeled_at", "value": {"operator": "LESS_THAN_OR_EQUAL", "value": "01/02/2020"}},
        {
            "type": "labeled_at",
            "value": {"operator": "AFTER", "timezone": "UTC", "value": "2020-01-01"},
        },
        {
            "type": "labeled_at",
            "value": {
                "operator": "LESS_THAN_OR_EQUAL",
                "timezone": "Mars/Base",
                "value": "2020-01-01",
            },
        },
    ],
)
async def test_malformed_filters_carry_errors_key(
    gql: Gql, labelled: dict[str, Any], term: dict[str, Any]
) -> None:
    tasks = "query { user { createdTasks(first: 1000) { id } } }"
    before = (await gql.data(tasks))["user"]["createdTasks"]
    error = error_of(await export_project(gql, labelled["project_id"], [term]))
    assert error["extensions"]["code"] == "MALFORMED_REQUEST"
    assert error["errors"] == error["message"]
    assert (await gql.data(tasks))["user"]["createdTasks"] == before, "no task was created"


async def test_catalog_refuses_project_terms(gql: Gql) -> None:
    body = await gql(
        EXPORT_CATALOG,
        {
            "input": {
                "filters": {
                    "searchQuery": {"query": [{"type": "batch", "ids": ["b"], "operator": "is"}]}
                },
                "params": {"projectIds": [f"p{i}" for i in range(3)]},
            }
        },
    )
    assert error_of(body)["extensions"]["code"] == "MALFORMED_REQUEST"
    body = await gql(
        EXPORT_CATALOG,
        {
            "input": {
                "filters": {"searchQuery": {"query": []}},
                "params": {"projectIds": [f"p{i}" for i in range(31)]},
            }
        },
    )
    assert "30" in error_of(body)["message"]
