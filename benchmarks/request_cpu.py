"""Client CPU per request: ``get_data_row`` against a local server that answers at once.

A canned server (:mod:`benchmarks.canned`, a child process) answers every POST with one correctly
shaped ``GetDataRowPyApi`` answer (the asked id in place; the official SDK's one metadata-ontology
query gets an empty ontology) after ``--latency-ms`` (default 0); this process runs the client and
measures its own CPU (``time.process_time``) over ``--calls`` calls after a warm-up, the best of
``--repeat`` rounds. With ``--profile`` one more round runs under cProfile, timed by CPU time (not
wall time, which would count the waits), and the top functions are printed.

Run: ``python -m benchmarks.request_cpu [--clients aiolabel-aiohttp,aiolabel-httpx,official]
[--calls 2000] [--concurrency 20] [--latency-ms 0] [--profile]``. Prints CPU ms per request for
each client. aiolabel clients run ``asyncio.gather`` over the calls (``max_concurrency``
``--concurrency``); the official SDK runs its documented loop, one call after another.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import pstats
import re
import time
from typing import Any

from benchmarks.canned import canned_server

CLIENTS = ("aiolabel-aiohttp", "aiolabel-httpx", "official")
API_KEY = "bench-key-not-secret"
_ID = re.compile(rb'"param_0"\s*:\s*"([^"]*)"')


def _template(row_id: str) -> dict[str, Any]:
    return {
        "data": {
            "dataRow": {
                "createdAt": "2026-12-04T10:00:00.000Z",
                "externalId": f"ext-{row_id}",
                "globalKey": None,
                "mediaAttributes": {"mimeType": "image/jpeg", "width": 640, "height": 480},
                "customMetadata": [],
                "metadataFields": [],
                "rowData": f"https://storage.example.com/bench/{row_id}.jpg",
                "id": row_id,
                "updatedAt": "2026-12-04T10:00:00.000Z",
            }
        }
    }


def answer(body: bytes) -> bytes:
    """The canned server's answer: the asked row (the official SDK's one metadata-ontology
    query gets an empty ontology)."""
    if b"customMetadataOntology" in body:
        return b'{"data": {"customMetadataOntology": []}}'
    found = _ID.search(body)
    row_id = found.group(1).decode() if found else "ckbench0000000000000000000"
    return json.dumps(_template(row_id)).encode()


def _ids(n: int) -> list[str]:
    return [f"ckbench{i:018d}" for i in range(n)]


def run_aiolabel(
    endpoint: str, transport: str, calls: int, concurrency: int, profile: cProfile.Profile | None
) -> float:
    from aiolabel import AsyncClient

    async def main() -> float:
        async with AsyncClient(
            api_key=API_KEY, endpoint=endpoint, transport=transport, max_concurrency=concurrency
        ) as client:
            assert client.transport_kind == transport
            await asyncio.gather(*(client.get_data_row(i) for i in _ids(200)))  # warm-up
            ids = _ids(calls)
            started = time.process_time()
            if profile is not None:
                profile.enable()
            rows = await asyncio.gather(*(client.get_data_row(i) for i in ids))
            if profile is not None:
                profile.disable()
            spent = time.process_time() - started
            assert [r.uid for r in rows] == ids
            return spent

    return asyncio.run(main())


def run_official(
    endpoint: str, calls: int, concurrency: int, profile: cProfile.Profile | None
) -> float:
    import labelbox

    client = labelbox.Client(api_key=API_KEY, endpoint=endpoint)
    for key in _ids(50):  # warm-up
        client.get_data_row(key)
    ids = _ids(calls)
    started = time.process_time()
    if profile is not None:
        profile.enable()
    rows = [client.get_data_row(key) for key in ids]  # the documented loop
    if profile is not None:
        profile.disable()
    spent = time.process_time() - started
    assert [r.uid for r in rows] == ids
    return spent


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default=",".join(CLIENTS[:2]))
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--repeat", type=int, default=3, help="rounds per client; the best counts")
    parser.add_argument("--profile", action="store_true", help="cProfile one more round")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args(argv)
    clients = [c for c in args.clients.split(",") if c]
    for name in clients:
        if name not in CLIENTS:
            parser.error(f"unknown client {name!r} (choose from {', '.join(CLIENTS)})")

    def one(name: str, endpoint: str, profile: cProfile.Profile | None) -> float:
        if name == "official":
            return run_official(endpoint, args.calls, args.concurrency, profile)
        return run_aiolabel(
            endpoint, name.removeprefix("aiolabel-"), args.calls, args.concurrency, profile
        )

    with canned_server("benchmarks.request_cpu:answer", args.latency_ms) as endpoint:
        for name in clients:
            spent = min(one(name, endpoint, None) for _ in range(args.repeat))
            print(f"{name:18} {spent / args.calls * 1000:.3f} ms CPU per request", flush=True)
            if args.profile:
                profile = cProfile.Profile(time.process_time)
                one(name, endpoint, profile)
                out = io.StringIO()
                stats = pstats.Stats(profile, stream=out).strip_dirs()
                stats.sort_stats("tottime").print_stats(args.top)
                stats.sort_stats("cumulative").print_stats(args.top)
                print(out.getvalue())


if __name__ == "__main__":
    main()
