"""Client CPU per row of ``dataset.create_data_rows`` against a local server that answers at
once, and of its check-and-encode path alone.

A canned server (:mod:`benchmarks.canned`, a child process) answers after ``--latency-ms``
(default 50): ``uploadFile`` with a URL, the metadata ontology (one reserved string schema),
``upsertDataRows`` and every task poll with a COMPLETE task. This process runs
``create_data_rows`` of ``--rows`` generated items (default 200,000, the benchmark's
:func:`benchmarks.data.data_row_items`: row data, global key, external id, one metadata field)
until its task is done, and measures its own CPU (``resource.getrusage``, user + system) per row,
the best of ``--repeat`` rounds after a warm-up, with the wall time of that round. ``input``
is the CPU per row of generating the items alone (part of the figure, as in the full benchmark);
``check_encode`` that of the items' checks, spec building and JSON encoding alone (no I/O, the
input's own CPU taken off). With
``--profile`` one more round runs under cProfile timed by CPU time and the top functions are
printed.

Run: ``python -m benchmarks.data_rows_cpu [--clients aiolabel-aiohttp,aiolabel-httpx]
[--rows 200000] [--latency-ms 50] [--repeat 3] [--profile]``.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import deque
from collections.abc import Callable
from itertools import islice
from typing import Any

from benchmarks import data
from benchmarks.canned import cpu_seconds, measured_rounds, run_clients

CLIENTS = ("aiolabel-aiohttp", "aiolabel-httpx")
API_KEY = "bench-key-not-secret"
TAG_SCHEMA = "cbenchtag0000000000000000"
_NAME = re.compile(rb"(?:query|mutation)\s+([_A-Za-z][_0-9A-Za-z]*)")
_TASK = {
    "id": "cbenchtask000000000000000",
    "name": "upsert",
    "type": "ADV-UPSERT-DATA-ROWS",
    "status": "COMPLETE",
    "completionPercentage": 1.0,
    "createdAt": "2026-01-01T00:00:00.000Z",
    "updatedAt": "2026-01-01T00:00:00.000Z",
    "result": None,
    "errors": None,
    "metadata": {},
}
_ANSWERS = {
    "UploadFile": {"uploadFile": {"url": "https://storage.example.com/bench/f.json"}},
    "GetMetadataOntologyBetaPyApi": {
        "customMetadataOntology": [
            {
                "id": TAG_SCHEMA,
                "name": "tag",
                "kind": "CustomMetadataString",
                "reserved": True,
                "options": [],
            }
        ]
    },
    "UpsertDataRowsPyApi": {"upsertDataRows": _TASK},
    "GetTaskPyApi": {"task": _TASK},
    "GetUserCreatedTasksPyApi": {"user": {"createdTasks": [_TASK]}},
    "FailedDataRowImportsPyApi": {
        "failedDataRowImports": {"after": None, "total": 0, "results": []}
    },
}
_ENCODED = {name: json.dumps({"data": value}).encode() for name, value in _ANSWERS.items()}


def answer(body: bytes) -> bytes:
    """The canned server's answer to a request, by its operation name."""
    found = _NAME.search(body, 0, 4000)
    name = found.group(1).decode() if found else ""
    return _ENCODED.get(name) or b'{"errors": [{"message": "not canned: ' + name.encode() + b'"}]}'


def _items(rows: int) -> Any:
    return data.data_row_items(rows, prefix="bench", tag_schema_id=TAG_SCHEMA)


def _best_cpu(run: Callable[[], Any], rows: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        cpu = cpu_seconds()
        run()
        best = min(best, cpu_seconds() - cpu)
    return round(best * 1e6 / rows, 3)


def _offline(args: argparse.Namespace) -> dict[str, float]:
    """CPU per row of the input alone and of the checks and encoding (no I/O)."""
    from aiolabel._bulk.specs import Prepared, encode_specs, prepare_rows
    from aiolabel.models.metadata import DataRowMetadataOntology

    ontology = DataRowMetadataOntology(
        None,  # type: ignore[arg-type]
        _ANSWERS["GetMetadataOntologyBetaPyApi"]["customMetadataOntology"],
    )

    def check_encode() -> None:
        source, start = _items(args.rows), 0
        while rows := list(islice(source, 256)):
            out: list[Prepared] = []
            prepare_rows(rows, start, out, dataset_id="ds", upsert=False, ontology=ontology)
            encode_specs(out)
            start += len(rows)

    made = _best_cpu(lambda: deque(_items(args.rows), maxlen=0), args.rows, args.repeat)
    both = _best_cpu(check_encode, args.rows, args.repeat)
    return {"input_us_per_row": made, "check_encode_us_per_row": round(both - made, 3)}


async def _measure(client_name: str, endpoint: str, args: argparse.Namespace) -> dict[str, Any]:
    from aiolabel import AsyncClient
    from aiolabel.models.dataset import Dataset

    transport = client_name.split("-", 1)[1]
    async with AsyncClient(api_key=API_KEY, endpoint=endpoint, transport=transport) as client:
        dataset = Dataset.model_construct(uid="cbenchdataset000000000000")
        dataset._client = client

        async def once() -> None:
            task = await dataset.create_data_rows(_items(args.rows))
            await task.wait_till_done(timeout_seconds=600)

        return await measured_rounds(
            client_name, args.rows, "row", once, repeat=args.repeat, profile=args.profile
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.data_rows_cpu")
    parser.add_argument("--clients", default=",".join(CLIENTS))
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    for name in args.clients.split(","):
        if name not in CLIENTS:
            parser.error(f"unknown client {name!r}")
    print(_offline(args), flush=True)
    run_clients(
        "benchmarks.data_rows_cpu:answer",
        args.latency_ms,
        args.clients.split(","),
        lambda name, endpoint: _measure(name, endpoint, args),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
