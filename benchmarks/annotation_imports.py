"""MAL import at ingestion scale: aiolabel against the official SDK, the emulator's own time beside.

``python -m benchmarks.annotation_imports [--annotations N] [--rows R] [--quick]`` (also run by
``make bench``). N annotations (half bounding boxes, half radio answers) over R data rows, one
in every 1,000 answering an option the ontology lacks, imported as model-assisted-labelling
pre-labels into one project:

* ``official``: the official SDK as its documentation shows it, one
  ``MALPredictionImport.create_from_objects`` of a list per import (at most the emulator's
  100,000 annotations an import), each followed by ``wait_till_done()`` (its default 10 s polls)
  and a read of ``errors``;
* ``aiolabel``: ``project.import_annotations(name, generator)``, then every refused line
  streamed from ``report.failures()``.

Each client runs in a fresh process (its peak RSS is its own) against a freshly set up
emulator; set-up is not measured. The emulator's own processing time (the sum of its imports'
work: wall time, and the CPU time of the worker thread doing it) is reported beside each
client's wall time, with ``bound_by`` naming the side the wall time is spent on. CPU times
(the client process's, the emulator process's during the run) stay meaningful on a shared
machine where wall times do not. Checks read the server afterwards: the pre-labels stored and
every refused line reported.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PREFIX = "@@bench "
OFFICIAL_PER_IMPORT = 100_000
"""The emulator's per-import limit: the largest import the official client can send."""
INVALID_EVERY = 1_000
ONTOLOGY: dict[str, Any] = {
    "tools": [{"tool": "rectangle", "name": "box", "featureSchemaId": "fs-box"}],
    "classifications": [
        {
            "type": "radio",
            "name": "weather",
            "featureSchemaId": "fs-weather",
            "options": [
                {"value": "sunny", "label": "sunny", "featureSchemaId": "fs-sunny"},
                {"value": "rainy", "label": "rainy", "featureSchemaId": "fs-rainy"},
            ],
        }
    ],
}
CREATE_PROJECT = (
    "mutation CreateProjectPyApi($name: String!, $allowedMediaType: MediaType!)"
    "{createProject(data: {name: $name allowedMediaType: $allowedMediaType}) {id}}"
)
CREATE_BATCHES = (
    "mutation createBatchesPyApi($projectId: ID!, $input: CreateBatchesInput!) {"
    " project(where: {id: $projectId}) { createBatches(input: $input) {"
    " tasks { batchUuid taskId } } } }"
)
TASK = "query BenchTask($id: ID!){task(where: {id: $id}){id status}}"


def annotations(count: int, rows: int, start: int = 0) -> Iterator[dict[str, Any]]:
    """Annotation ``i`` (``start <= i < start + count``): a box (odd) or an answer (even) on row
    ``i % rows`` by global key; every ``INVALID_EVERY``-th answers an unknown option."""
    for i in range(start, start + count):
        row = {"globalKey": f"ann-{i % rows}"}
        uid = str(uuid.UUID(int=i + 1))
        if i % 2:
            yield {
                "uuid": uid,
                "name": "box",
                "dataRow": row,
                "bbox": {"top": i % 97, "left": i % 89, "height": 10, "width": 20},
            }
        else:
            answer = "snowy" if i % INVALID_EVERY == INVALID_EVERY - 2 else "sunny"
            yield {"uuid": uid, "name": "weather", "dataRow": row, "answer": {"name": answer}}


def invalid_positions(count: int) -> list[int]:
    """1-based positions of the annotations the emulator must refuse."""
    return [i + 1 for i in range(count) if i % INVALID_EVERY == INVALID_EVERY - 2]


def _peak_rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError("no VmHWM")


# -- the clients, each in its own process ---------------------------------------------------------


def run_official(spec: dict[str, Any]) -> dict[str, Any]:
    import labelbox
    from labelbox.schema.annotation_import import MALPredictionImport

    client = labelbox.Client(api_key=spec["api_key"], endpoint=spec["endpoint"])
    total, rows = spec["annotations"], spec["rows"]
    failed = 0
    started = time.perf_counter()
    for n, start in enumerate(range(0, total, OFFICIAL_PER_IMPORT)):
        batch = list(annotations(min(OFFICIAL_PER_IMPORT, total - start), rows, start))
        job = MALPredictionImport.create_from_objects(
            client, spec["project_id"], f"official-{n}", batch
        )
        job.wait_till_done()
        failed += len(job.errors)
    return {"seconds": time.perf_counter() - started, "failed": failed, "positions": None}


def run_aiolabel(spec: dict[str, Any]) -> dict[str, Any]:
    from aiolabel import AsyncClient

    async def main() -> dict[str, Any]:
        async with AsyncClient(api_key=spec["api_key"], endpoint=spec["endpoint"]) as client:
            project = await client.get_project(spec["project_id"])
            started = time.perf_counter()
            report = await project.import_annotations(
                "aiolabel", annotations(spec["annotations"], spec["rows"])
            )
            imported = time.perf_counter() - started
            positions = [f.line async for f in report.failures()]
            return {
                "seconds": imported,
                "failures_listing_seconds": time.perf_counter() - started - imported,
                "failed": report.failed,
                "positions": positions,
                "imports": len(report.imports),
            }

    return asyncio.run(main())


def child(client: str, spec_json: str) -> None:
    spec = json.loads(spec_json)
    cpu = time.process_time()
    result = run_official(spec) if client == "official" else run_aiolabel(spec)
    result["client_cpu_seconds"] = round(time.process_time() - cpu, 2)
    result["peak_rss_mib"] = _peak_rss_mib()
    sys.stdout.write(PREFIX + json.dumps(result) + "\n")


# -- the runner -----------------------------------------------------------------------------------


def _setup(server: Any, rows: int) -> str:
    server.reset()
    server.action("bulk_create_data_rows", count=rows, global_key_prefix="ann-", return_ids=False)
    project_id: str = server.gql(CREATE_PROJECT, {"name": "mal", "allowedMediaType": "IMAGE"})[
        "createProject"
    ]["id"]
    keys = [f"ann-{i}" for i in range(rows)]
    for start in range(0, rows, 100_000):
        tasks = server.gql(
            CREATE_BATCHES,
            {
                "projectId": project_id,
                "input": {
                    "batchNamePrefix": f"b{start}-",
                    "globalKeys": keys[start : start + 100_000],
                    "priority": 5,
                },
            },
        )["project"]["createBatches"]["tasks"]
        for task in tasks:
            while server.gql(TASK, {"id": task["taskId"]})["task"]["status"] == "IN_PROGRESS":
                time.sleep(0.05)
    server.action("set_project_ontology", project_id=project_id, ontology=ONTOLOGY)
    return project_id


def measure(client: str, server: Any, count: int, rows: int) -> dict[str, Any]:
    project_id = _setup(server, rows)
    spec = {
        "api_key": server.api_key,
        "endpoint": server.endpoint,
        "project_id": project_id,
        "annotations": count,
        "rows": rows,
    }
    server_cpu = server.cpu_seconds()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.annotation_imports",
            "--child",
            client,
            json.dumps(spec),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith(PREFIX)]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{client} failed: {done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(lines[-1][len(PREFIX) :])
    result["emulator_cpu_seconds"] = round(server.cpu_seconds() - server_cpu, 2)
    stats = server.action("import_stats", project_id=project_id)
    expected = invalid_positions(count)
    if stats["prelabels"] != count - len(expected):
        raise RuntimeError(
            f"{client}: {stats['prelabels']} pre-labels, expected {count - len(expected)}"
        )
    if result["failed"] != len(expected):
        raise RuntimeError(f"{client}: {result['failed']} refused lines, expected {len(expected)}")
    if result["positions"] is not None and result.pop("positions") != expected:
        raise RuntimeError(f"{client}: the refused lines reported are not the invalid ones")
    result.pop("positions", None)
    result["emulator_processing_seconds"] = round(stats["processingSeconds"], 2)
    result["emulator_processing_cpu_seconds"] = round(stats["processingCpuSeconds"], 2)
    result["seconds"] = round(result["seconds"], 2)
    result["bound_by"] = bound_by(result)
    result["check"] = (
        f"{stats['prelabels']:,} pre-labels stored; {len(expected):,} refused lines reported"
        + (" with their positions" if client == "aiolabel" else "")
    )
    return result


def bound_by(result: dict[str, Any]) -> str:
    """Which side the wall time is spent on: the emulator's import work, or the client (its
    own work, uploads and waits between polls)."""
    share = result["emulator_processing_seconds"] / max(result["seconds"], 1e-9)
    side = "emulator" if share >= 0.5 else "client"
    return f"{side} (emulator processing {share:.0%} of the wall time)"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--annotations", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="100,000 annotations, 10,000 rows")
    parser.add_argument("--clients", default="aiolabel,official")
    parser.add_argument(
        "--out", default=str(Path(__file__).with_name("results_annotation_imports.json"))
    )
    parser.add_argument("--child", nargs=2, metavar=("CLIENT", "SPEC"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return
    from benchmarks.server import EmulatorProcess, remove_db

    count, rows = (100_000, 10_000) if args.quick else (args.annotations, args.rows)
    results: dict[str, Any] = {"annotations": count, "rows": rows, "clients": {}}
    db = os.path.join(tempfile.mkdtemp(prefix="bench-mal-"), "emu.db")
    with EmulatorProcess(db) as server:
        for client in args.clients.split(","):
            result = measure(client, server, count, rows)
            results["clients"][client] = result
            print(f"{client:9s} {json.dumps(result)}", flush=True)
    remove_db(db)
    clients = results["clients"]
    if "aiolabel" in clients and "official" in clients:
        # the official run's time includes reading its errors: count aiolabel's listing too
        ours = clients["aiolabel"]["seconds"] + clients["aiolabel"]["failures_listing_seconds"]
        results["speedup"] = round(clients["official"]["seconds"] / ours, 2)
        print(f"aiolabel is {results['speedup']}x the official SDK", flush=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
