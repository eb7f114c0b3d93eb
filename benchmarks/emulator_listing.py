"""The emulator at project scale: the paginated listings the official SDK reads, and the LPO
mutation's server cost, over real HTTP on 127.0.0.1 (the emulator in its own process).

1. Set-up (not timed): N data rows (default 100,000) in a dataset, one project, ``createBatches``
   with every id.
2. Overrides for the N rows as N / 1,000 ``SetLabelingParameterOverridesPyApi`` calls (the
   official SDK's document, one after the other): the emulator's CPU per 1,000 items.
3. The official SDK lists them: ``project.labeling_parameter_overrides()`` (offset pages of 100,
   so N / 100 requests); wall time, the emulator's CPU, and the first and last page times.
4. The official SDK lists the project's batches and (with ``--data-rows``) the dataset's rows.
5. Labels (set-up not timed: the MAL benchmark's ontology, one label a row, a radio answer,
   imported with the official SDK's ``LabelImport.create_from_objects`` in imports of at most
   100,000), then the official SDK lists them: ``project.labels()`` (offset pages of 100); wall
   time, the emulator's CPU, and the first and last page times. ``--no-labels`` skips it.

Run: ``.venv/bin/python -m benchmarks.emulator_listing [--rows 100000] [--data-rows]
[--no-labels] [--output FILE]`` (``make bench`` writes ``benchmarks/listing.json``);
``--lpo-only --rounds 3`` measures only step 2, three times, and reports the least CPU per 1,000
items (the server is shared with nothing else, but the machine may be).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.annotation_imports import ONTOLOGY
from benchmarks.scenarios import CREATE_BATCHES, _wait_task, bulk_rows, new_project
from benchmarks.server import EmulatorProcess

LPO = (
    "mutation SetLabelingParameterOverridesPyApi($projectId: ID!)"
    " {project(where: { id: $projectId }) {setLabelingParameterOverrides"
    " (dataWithDataRowIdentifiers: [%s]) {success}}}"
)


def lpo_document(ids: list[str], start: int) -> str:
    items = "".join(
        f'{{dataRowIdentifier: {{id: "{key}", idType: ID}}, priority: {1 + (start + i) % 1000}}},'
        for i, key in enumerate(ids)
    )
    return LPO % items


LABELS_PER_IMPORT = 100_000
"""The emulator's per-import limit."""


def _timed_listing(items: Any, server: EmulatorProcess, name: str) -> dict[str, Any]:
    """Iterate an official SDK collection of offset pages of 100: the count, wall time, the
    client's and the emulator's CPU, requests, and the first and last page times."""
    cpu = server.cpu_seconds()
    client_cpu = time.process_time()
    before = server.stats()["requests"]
    started = mark = time.perf_counter()
    pages: list[float] = []
    count = 0
    for count, _ in enumerate(items, 1):
        if count % 100 == 0:
            now = time.perf_counter()
            pages.append(now - mark)
            mark = now
    return {
        f"{name}_listed": count,
        f"{name}_wall_s": time.perf_counter() - started,
        f"{name}_client_cpu_s": time.process_time() - client_cpu,
        f"{name}_requests": server.stats()["requests"] - before,
        f"{name}_server_cpu_s": server.cpu_seconds() - cpu,
        f"{name}_first_pages_ms": [round(1000 * p, 1) for p in pages[:3]],
        f"{name}_last_pages_ms": [round(1000 * p, 1) for p in pages[-3:]],
    }


def _import_labels(client: Any, server: EmulatorProcess, project_id: str, ids: list[str]) -> None:
    """One label a row (a radio answer), imported as the official SDK documents it."""
    from labelbox.schema.annotation_import import LabelImport

    server.action("set_project_ontology", project_id=project_id, ontology=ONTOLOGY)
    for n, start in enumerate(range(0, len(ids), LABELS_PER_IMPORT)):
        labels = [
            {
                "uuid": f"00000000-0000-4000-8000-{start + i:012d}",
                "name": "weather",
                "dataRow": {"id": key},
                "answer": {"name": "sunny"},
            }
            for i, key in enumerate(ids[start : start + LABELS_PER_IMPORT])
        ]
        job = LabelImport.create_from_objects(client, project_id, f"labels-{n}", labels)
        job.wait_till_done(sleep_time_seconds=1)
        if job.errors:
            raise RuntimeError(f"label import refused lines: {job.errors[:3]}")


def measure(
    rows: int, *, data_rows: bool, lpo_only: bool = False, rounds: int = 1, labels: bool = True
) -> dict[str, Any]:
    import labelbox

    out: dict[str, Any] = {"rows": rows}
    with tempfile.TemporaryDirectory(prefix="aiolabel-listing-") as folder:
        server = EmulatorProcess(str(Path(folder) / "emulator.sqlite"))
        try:
            started = time.perf_counter()
            dataset_id, ids = bulk_rows(server, rows)
            project_id = new_project(server)
            tasks = server.gql(
                CREATE_BATCHES,
                {
                    "projectId": project_id,
                    "input": {"batchNamePrefix": "list-", "dataRowIds": ids, "priority": 5},
                },
            )["project"]["createBatches"]["tasks"]
            for task in tasks:
                _wait_task(server, task["taskId"])
            out["setup_s"] = time.perf_counter() - started

            documents = [lpo_document(ids[k : k + 1000], k) for k in range(0, rows, 1000)]
            per_round: list[float] = []
            for _ in range(rounds):  # the same overrides again: the same work each round
                cpu = server.cpu_seconds()
                started = time.perf_counter()
                for document in documents:
                    server.gql(document, {"projectId": project_id})
                out["lpo_calls"] = len(documents)
                out["lpo_wall_s"] = time.perf_counter() - started
                out["lpo_server_cpu_s"] = server.cpu_seconds() - cpu
                per_round.append(1000 * out["lpo_server_cpu_s"] / (rows / 1000))
            out["lpo_server_cpu_ms_per_1000"] = min(per_round)
            if rounds > 1:
                out["lpo_server_cpu_ms_per_1000_rounds"] = [round(r, 2) for r in per_round]
            if lpo_only:
                return out

            client = labelbox.Client(api_key=server.api_key, endpoint=server.endpoint)
            project = client.get_project(project_id)
            out.update(_timed_listing(project.labeling_parameter_overrides(), server, "overrides"))

            cpu = server.cpu_seconds()
            started = time.perf_counter()
            out["batches_listed"] = sum(1 for _ in project.batches())
            out["batches_wall_s"] = time.perf_counter() - started
            out["batches_server_cpu_s"] = server.cpu_seconds() - cpu

            if data_rows:
                dataset = client.get_dataset(dataset_id)
                cpu = server.cpu_seconds()
                started = time.perf_counter()
                out["data_rows_listed"] = sum(1 for _ in dataset.data_rows())
                out["data_rows_wall_s"] = time.perf_counter() - started
                out["data_rows_server_cpu_s"] = server.cpu_seconds() - cpu

            if labels:
                started = time.perf_counter()
                _import_labels(client, server, project_id, ids)
                out["labels_setup_s"] = time.perf_counter() - started
                out.update(_timed_listing(project.labels(), server, "labels"))
        finally:
            server.stop()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.emulator_listing")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--data-rows", action="store_true", help="also list the dataset's rows")
    parser.add_argument(
        "--no-labels", action="store_true", help="skip importing and listing labels"
    )
    parser.add_argument("--output", type=Path, default=None, help="also write the JSON here")
    parser.add_argument(
        "--lpo-only", action="store_true", help="stop after the LPO calls (no listings)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="send the LPO calls this many times (keep the least CPU)",
    )
    args = parser.parse_args(argv)
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    result = {"started_at": started, "loadavg_before": os.getloadavg()}
    result.update(
        measure(
            args.rows,
            data_rows=args.data_rows,
            lpo_only=args.lpo_only,
            rounds=args.rounds,
            labels=not args.no_labels,
        )
    )
    result["loadavg_after"] = os.getloadavg()
    text = json.dumps(result, indent=2) + "\n"
    sys.stdout.write(text)
    if args.output is not None:
        args.output.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
