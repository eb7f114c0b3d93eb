"""Scale figure of the emulator's data-row upsert: N rows in, N rows paged back.

The emulator runs as a separate process (``aiolabel emulator serve``), so its peak memory is its
own. Two drivers:

- ``--client raw`` (default): the official SDK's wire protocol sent directly with httpx:
  descriptor chunks of at most 10 MB (as the SDK cuts them) and a manifest uploaded through
  ``uploadFile``, then ``UpsertDataRowsPyApi``, the task polled every 50 ms, every result paged
  back through ``SuccessesfulDataRowImportsPyApi`` and every row through
  ``DatasetDataRowsPyApi`` (500 per page, following ``startCursor``). This measures the server.
- ``--client sdk``: the official SDK itself: ``dataset.create_data_rows(items)``,
  ``task.wait_till_done()`` (2 s polls) and ``list(dataset.data_rows())``. Its client-side cost
  (threads, recursive JSON chunking) is part of the figure.

Run from the repository root:
``.venv/bin/python -m benchmarks.emulator_upsert --rows 200000 [--client sdk] [--db PATH]``.
Measured figures: ``benchmarks/README.md``, *The emulator's own scale*.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import psutil

CHUNK_BYTES = 10_000_000
UPLOAD = (
    "mutation UploadFile($file: Upload!, $contentLength: Int!, $sign: Boolean) "
    "{ uploadFile(file: $file, contentLength: $contentLength, sign: $sign) {url filename} }"
)
CREATE_DATASET = (
    "mutation CreateDatasetPyApi($name: String!){createDataset(data: {name: $name}) {id}}"
)
UPSERT = (
    "mutation UpsertDataRowsPyApi($manifestUri: String!) { upsertDataRows(data: { manifestUri:"
    " $manifestUri }) { id createdAt updatedAt name status completionPercentage result errors"
    " type metadata } }"
)
TASK = "query T($id: ID!){task(where: {id: $id}){id status completionPercentage}}"
SUCCESSES = (
    "query SuccessesfulDataRowImportsPyApi($taskId: ID!, $first: Int, $from: String) {"
    " successesfulDataRowImports(data: { taskId: $taskId, first: $first, from: $from})"
    " { nodes { id externalId globalKey rowData } after total } }"
)
FAILURES = (
    "query FailedDataRowImportsPyApi($taskId: ID!, $first: Int, $from: String) {"
    " failedDataRowImports(data: { taskId: $taskId, first: $first, from: $from}) { after total"
    " results { message } } }"
)
ROWS = (
    "query DatasetDataRowsPyApi($id: ID!, $from: ID, $first: Int, $where:"
    " DatasetDataRowWhereInput) { datasetDataRows(id: $id, from: $from, first: $first,"
    " where: $where) { nodes { createdAt externalId globalKey mediaAttributes customMetadata"
    " { schemaId value } metadataFields { schemaId name value kind } rowData id updatedAt }"
    " pageInfo { hasNextPage startCursor } } }"
)


class Server:
    """``aiolabel emulator serve`` in a child process, with its memory sampled."""

    def __init__(self, db: str) -> None:
        command = [sys.executable, "-m", "aiolabel.cli", "emulator", "serve", "--port", "0"]
        command += ["--db", db]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        lines = [self.process.stdout.readline().strip() for _ in range(3)]
        self.endpoint = lines[1].split("=", 1)[1]
        self.api_key = lines[2].split("=", 1)[1]
        self.ps = psutil.Process(self.process.pid)
        self.peak_rss = self.ps.memory_info().rss
        self.start_rss = self.peak_rss
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        for _ in range(200):
            try:
                httpx.get(self.endpoint.replace("/graphql", "/_emulator/health"))
                break
            except httpx.ConnectError:
                time.sleep(0.05)

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            try:
                self.peak_rss = max(self.peak_rss, self.ps.memory_info().rss)
            except psutil.Error:
                return

    def high_water_mark(self) -> int:
        """Peak RSS: the kernel's VmHWM where available, else the sampled maximum."""
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return max(self.peak_rss, int(line.split()[1]) * 1024)
        except OSError:
            pass
        return self.peak_rss

    def stop(self) -> None:
        self._stop.set()
        self.process.terminate()
        self.process.wait(timeout=30)


def gql(http: httpx.Client, query: str, variables: dict[str, Any] | None = None) -> Any:
    response = http.post("/graphql", json={"query": query, "variables": variables})
    response.raise_for_status()
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return body["data"]


def upload(http: httpx.Client, content: bytes, filename: str, content_type: str) -> str:
    operations = {
        "variables": {"file": None, "contentLength": len(content), "sign": False},
        "query": UPLOAD,
    }
    response = http.post(
        "/graphql",
        files={
            "operations": (None, json.dumps(operations)),
            "map": (None, json.dumps({"1": ["variables.file"]})),
            "1": (filename, content, content_type),
        },
    )
    response.raise_for_status()
    url: str = response.json()["data"]["uploadFile"]["url"]
    return url


def items(count: int) -> list[dict[str, Any]]:
    return [
        {
            "row_data": f"https://assets.example.com/images/{i:07d}.jpg",
            "global_key": f"bench-{i:07d}",
            "external_id": f"ext-{i:07d}",
        }
        for i in range(count)
    ]


def chunks(specs: list[dict[str, Any]]) -> list[bytes]:
    """Specs cut into JSON arrays of at most CHUNK_BYTES, in one pass."""
    out: list[bytes] = []
    current: list[bytes] = []
    size = 2
    for spec in specs:
        encoded = json.dumps(spec).encode()
        if current and size + len(encoded) + 2 > CHUNK_BYTES:
            out.append(b"[" + b", ".join(current) + b"]")
            current, size = [], 2
        current.append(encoded)
        size += len(encoded) + 2
    if current:
        out.append(b"[" + b", ".join(current) + b"]")
    return out


def run_raw(server: Server, count: int) -> dict[str, float]:
    figures: dict[str, float] = {}
    headers = {"Authorization": f"Bearer {server.api_key}"}
    base = server.endpoint.removesuffix("/graphql")
    with httpx.Client(base_url=base, headers=headers, timeout=600) as http:
        dataset = gql(http, CREATE_DATASET, {"name": "bench"})["createDataset"]["id"]
        specs = [
            {"id": {"type": "AUTO", "value": ""}, "payload": {**item, "dataset_id": dataset}}
            for item in items(count)
        ]
        started = time.perf_counter()
        uris = [upload(http, c, "application/json", "json_import.json") for c in chunks(specs)]
        manifest = {"source": "SDK", "item_count": count, "chunk_uris": uris}
        manifest_uri = upload(
            http, json.dumps(manifest).encode(), "manifest.json", "application/json"
        )
        figures["upload_s"] = time.perf_counter() - started
        figures["chunks"] = len(uris)
        started = time.perf_counter()
        task = gql(http, UPSERT, {"manifestUri": manifest_uri})["upsertDataRows"]
        while task["status"] == "IN_PROGRESS":
            time.sleep(0.05)
            task = gql(http, TASK, {"id": task["id"]})["task"]
        figures["upsert_s"] = time.perf_counter() - started
        assert task["status"] == "COMPLETE", task
        failed = gql(http, FAILURES, {"taskId": task["id"], "first": 10, "from": None})
        assert failed["failedDataRowImports"]["total"] == 0, failed
        started = time.perf_counter()
        results, cursor = 0, None
        while True:
            page = gql(http, SUCCESSES, {"taskId": task["id"], "first": 5000, "from": cursor})
            results += len(page["successesfulDataRowImports"]["nodes"])
            cursor = page["successesfulDataRowImports"]["after"]
            if not cursor:
                break
        figures["results_s"] = time.perf_counter() - started
        assert results == count, (results, count)
        started = time.perf_counter()
        seen: set[str] = set()
        expected = count - 1
        cursor, pages = None, 0
        while True:
            variables = {"id": dataset, "from": cursor, "first": 500, "where": None}
            page = gql(http, ROWS, variables)["datasetDataRows"]
            pages += 1
            for node in page["nodes"]:
                assert node["globalKey"] == f"bench-{expected:07d}", node  # newest first
                expected -= 1
                seen.add(node["id"])
            cursor = page["pageInfo"]["startCursor"]
            if not cursor:
                break
        figures["page_back_s"] = time.perf_counter() - started
        figures["pages"] = pages
        assert len(seen) == count
        assert expected == -1
    return figures


def run_sdk(server: Server, count: int) -> dict[str, float]:
    import labelbox

    figures: dict[str, float] = {}
    client = labelbox.Client(api_key=server.api_key, endpoint=server.endpoint)
    dataset = client.create_dataset(name="bench", iam_integration=None)
    started = time.perf_counter()
    task = dataset.create_data_rows(items(count))
    figures["upload_s"] = time.perf_counter() - started
    started = time.perf_counter()
    task.wait_till_done(timeout_seconds=3600)
    figures["upsert_s"] = time.perf_counter() - started
    assert task.status == "COMPLETE", task.status
    started = time.perf_counter()
    assert task.errors is None
    assert len(task.result) == count
    figures["results_s"] = time.perf_counter() - started
    started = time.perf_counter()
    rows = list(dataset.data_rows())
    figures["page_back_s"] = time.perf_counter() - started
    assert len({r.uid for r in rows}) == count
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--client", choices=("raw", "sdk"), default="raw")
    parser.add_argument("--db", default=None, help="SQLite file (default: a temporary file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = args.db or str(Path(folder) / "bench.sqlite")
        server = Server(db)
        try:
            run = run_raw if args.client == "raw" else run_sdk
            figures = run(server, args.rows)
        finally:
            peak = server.high_water_mark()
            start = server.start_rss
            server.stop()
    rows = args.rows
    print(f"rows: {rows:,}   client: {args.client}   db: {'file' if not args.db else args.db}")
    print(f"upload chunks + manifest: {figures['upload_s']:8.2f} s")
    print(
        f"upsert (mutation -> COMPLETE): {figures['upsert_s']:8.2f} s"
        f"   {rows / figures['upsert_s']:>10,.0f} rows/s"
    )
    print(
        f"results paged back:       {figures['results_s']:8.2f} s"
        f"   {rows / figures['results_s']:>10,.0f} rows/s"
    )
    print(
        f"dataset rows paged back:  {figures['page_back_s']:8.2f} s"
        f"   {rows / figures['page_back_s']:>10,.0f} rows/s"
    )
    total = figures["upload_s"] + figures["upsert_s"]
    print(f"end to end (upload + upsert): {total:8.2f} s   {rows / total:>10,.0f} rows/s")
    print(f"server RSS: start {start / 2**20:,.0f} MiB, peak {peak / 2**20:,.0f} MiB")


if __name__ == "__main__":
    main()
