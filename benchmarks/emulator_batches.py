"""Scale figures of the emulator's batch and priority paths, over real HTTP on 127.0.0.1.

1. ``createBatches`` with N data-row ids (default 300,000) in one request: the request time, the
   number of batches and tasks, and the time until every task is COMPLETE.
2. Labelling-parameter overrides for M rows (default 100,000) as M / 1,000 calls of the official
   SDK's ``SetLabelingParameterOverridesPyApi`` document (a pasted list of 1,000 items each).
3. ``createQueuePriorityUpdateTask`` for the same M rows in one request, as a task.
4. A project export of the N rows, streamed back through its offset chunks.
5. With ``--sdk``: 1 and 2 again through the official SDK (``create_batches``, which also runs
   its processing check and polls every 2 s, and ``set_labeling_parameter_overrides``).

Run: ``.venv/bin/python benchmarks/emulator_batches.py [--rows 300000] [--lpo-rows 100000]
[--sdk]``.
The documents are the official SDK's; tasks are polled every 50 ms (the SDK polls every 2 s).

Measured figures: ``benchmarks/README.md``, *The emulator's own scale*.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from typing import Any

import httpx

from aiolabel.emulator import EmulatorServer

CREATE_PROJECT = (
    "mutation CreateProjectPyApi($name: String!, $allowedMediaType: MediaType!)"
    "{createProject(data: {name: $name allowedMediaType: $allowedMediaType}) {id}}"
)
CREATE_BATCHES = (
    "mutation createBatchesPyApi($projectId: ID!, $input: CreateBatchesInput!) {"
    " project(where: {id: $projectId}) { createBatches(input: $input) {"
    " tasks { batchUuid taskId } } } }"
)
TASK = "query T($id: ID!){task(where: {id: $id}){status completionPercentage}}"
BATCHES = (
    "query GetProjectBatchesPyApi($from: String, $first: PageSize, $projectId: ID!) {"
    " project(where: {id: $projectId}) {id batches(after: $from, first: $first) {"
    " nodes { name size } pageInfo { endCursor }}}}"
)
PRIORITY_TASK = (
    "mutation createQueuePriorityUpdateTaskPyApi($priority: Int! $projectId: ID!"
    " $dataRowIdentifiers: QueuePriorityUpdateDataRowIdentifiersInput) {"
    " project(where: { id: $projectId }) { createQueuePriorityUpdateTask("
    " data: { priority: $priority, dataRowIdentifiers: $dataRowIdentifiers }) { taskId } } }"
)
EXPORT = (
    "mutation exportDataRowsInProjectPyApi($input: ExportDataRowsInProjectInput!)"
    "{exportDataRowsInProject(input: $input){taskId isStreamable}}"
)
HEADER = (
    "query GetExportMetadataHeaderPyApi($where: WhereUniqueIdInput, $streamType: TaskStreamType!)"
    "{task(where: $where){exportMetadataHeader(streamType: $streamType){totalSize totalLines}}}"
)
CHUNK = (
    "query GetExportFileFromOffsetPyApi($where: WhereUniqueIdInput, $streamType: TaskStreamType!,"
    " $offset: UInt64!){task(where: $where){exportFileFromOffset(streamType: $streamType,"
    " offset: $offset){offsets {start end} lines {start end} file}}}"
)


def lpo_document(items: list[tuple[str, int]]) -> str:
    """The official SDK's text for set_labeling_parameter_overrides (trailing comma included)."""
    body = "".join(
        f'{{dataRowIdentifier: {{id: "{key}", idType: ID}}, priority: {priority}}},'
        for key, priority in items
    )
    return (
        "mutation SetLabelingParameterOverridesPyApi($projectId: ID!)"
        " {project(where: { id: $projectId }) {setLabelingParameterOverrides"
        f" (dataWithDataRowIdentifiers: [{body}]) {{success}}}}}}"
    )


def peak_rss_mib() -> int:
    """Peak resident memory of this process (client and in-process server together)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


class Api:
    def __init__(self, server: EmulatorServer) -> None:
        self.http = httpx.Client(
            base_url=server.base_url,
            headers={"Authorization": f"Bearer {server.api_key}"},
            timeout=600,
        )

    def data(self, query: str, variables: dict[str, Any], path: str = "/graphql") -> Any:
        body = self.http.post(path, json={"query": query, "variables": variables}).json()
        if body.get("errors"):
            raise RuntimeError(json.dumps(body["errors"])[:500])
        return body["data"]

    def wait(self, task_id: str) -> str:
        while True:
            status = self.data(TASK, {"id": task_id})["task"]["status"]
            if status != "IN_PROGRESS":
                return str(status)
            time.sleep(0.05)


def official_sdk(server: EmulatorServer, ids: list[str], lpo_rows: int) -> dict[str, Any]:
    """The same batch and override workload through the official SDK, on a fresh project."""
    import labelbox
    from labelbox.schema.identifiable import UniqueId

    client = labelbox.Client(api_key=server.api_key, endpoint=server.endpoint)
    project = client.create_project(name="sdk", media_type=labelbox.MediaType.Image)
    started = time.perf_counter()
    task = project.create_batches("sdk-", data_rows=ids)
    task.wait_till_done()
    assert task.errors() is None
    figures: dict[str, Any] = {
        "sdk_create_batches_s": round(time.perf_counter() - started, 2),
        "sdk_batches": [(b.name, b.size) for b in task.result()],
    }
    started = time.perf_counter()
    for start in range(0, lpo_rows, 1000):
        part = ids[start : min(start + 1000, lpo_rows)]
        assert project.set_labeling_parameter_overrides([(UniqueId(i), 1) for i in part])
    elapsed = time.perf_counter() - started
    figures["sdk_lpo_total_s"] = round(elapsed, 2)
    figures["sdk_lpo_ms_per_call"] = round(1000 * elapsed / max(-(-lpo_rows // 1000), 1), 1)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--lpo-rows", type=int, default=100_000)
    parser.add_argument("--db", default=":memory:", help="SQLite file (default in memory)")
    parser.add_argument("--sdk", action="store_true", help="also time the official SDK")
    args = parser.parse_args()
    print(f"command: {' '.join([sys.executable, *sys.argv])}")
    figures: dict[str, Any] = {"rows": args.rows, "lpo_rows": args.lpo_rows}
    with EmulatorServer(db=args.db) as server:
        api = Api(server)
        started = time.perf_counter()
        made = server.control("bulk_create_data_rows", count=args.rows)
        ids: list[str] = made["ids"]
        figures["bulk_create_s"] = round(time.perf_counter() - started, 2)
        figures["rss_after_bulk_mib"] = peak_rss_mib()
        project = api.data(CREATE_PROJECT, {"name": "bench", "allowedMediaType": "IMAGE"})[
            "createProject"
        ]["id"]

        started = time.perf_counter()
        tasks = api.data(
            CREATE_BATCHES,
            {
                "projectId": project,
                "input": {"batchNamePrefix": "bench-", "dataRowIds": ids, "priority": 3},
            },
        )["project"]["createBatches"]["tasks"]
        figures["create_batches_request_s"] = round(time.perf_counter() - started, 2)
        statuses = [api.wait(t["taskId"]) for t in tasks]
        elapsed = time.perf_counter() - started
        figures["create_batches_complete_s"] = round(elapsed, 2)
        figures["create_batches_rows_per_s"] = round(args.rows / elapsed)
        figures["task_statuses"] = statuses
        nodes = api.data(BATCHES, {"projectId": project, "from": None, "first": 100}, "/_gql")[
            "project"
        ]["batches"]["nodes"]
        figures["batches"] = [(n["name"], n["size"]) for n in nodes]
        figures["rss_after_batches_mib"] = peak_rss_mib()

        lpo_ids = ids[: args.lpo_rows]
        started = time.perf_counter()
        for start in range(0, len(lpo_ids), 1000):
            part = lpo_ids[start : start + 1000]
            document = lpo_document([(key, -(start + i)) for i, key in enumerate(part)])
            ok = api.data(document, {"projectId": project})["project"]
            assert ok["setLabelingParameterOverrides"]["success"] is True
        elapsed = time.perf_counter() - started
        figures["lpo_calls"] = -(-len(lpo_ids) // 1000)
        figures["lpo_total_s"] = round(elapsed, 2)
        figures["lpo_ms_per_call"] = round(1000 * elapsed / max(figures["lpo_calls"], 1), 1)

        started = time.perf_counter()
        task_id = api.data(
            PRIORITY_TASK,
            {
                "priority": 2,
                "projectId": project,
                "dataRowIdentifiers": {"ids": lpo_ids, "idType": "ID"},
            },
        )["project"]["createQueuePriorityUpdateTask"]["taskId"]
        figures["priority_task_status"] = api.wait(task_id)
        figures["priority_task_s"] = round(time.perf_counter() - started, 2)
        figures["rss_after_priorities_mib"] = peak_rss_mib()

        started = time.perf_counter()
        task_id = api.data(
            EXPORT,
            {"input": {"filters": {"projectId": project}, "params": {}, "streamable": True}},
        )["exportDataRowsInProject"]["taskId"]
        api.wait(task_id)
        where = {"where": {"id": task_id}, "streamType": "RESULT"}
        header = api.data(HEADER, where)["task"]["exportMetadataHeader"]
        offset, lines = 0, 0
        while offset < header["totalSize"]:
            chunk = api.data(CHUNK, {**where, "offset": str(offset)})["task"][
                "exportFileFromOffset"
            ]
            content = api.http.get(chunk["file"]).content
            assert len(content) == chunk["offsets"]["end"] - chunk["offsets"]["start"] + 1
            lines += content.count(b"\n")
            offset = chunk["offsets"]["end"] + 1
        figures["export_lines"] = lines
        figures["export_bytes"] = header["totalSize"]
        figures["export_s"] = round(time.perf_counter() - started, 2)
        if args.sdk:
            figures.update(official_sdk(server, ids, args.lpo_rows))
    figures["peak_rss_mib"] = peak_rss_mib()
    for key, value in figures.items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
