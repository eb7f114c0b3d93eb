"""Client CPU per LPO pair: ``project.set_labeling_parameter_overrides`` against a local server
that answers at once.

A canned server (:mod:`benchmarks.canned`, a child process) answers every POST with
``{"project": {"setLabelingParameterOverrides": {"success": true}}}`` after ``--latency-ms``
(default 50); this process runs aiolabel's call with ``--pairs``
pairs (default 100,000: 100 requests of 1,000, ``--concurrency`` 20 at once) and measures its own
CPU (``resource.getrusage``, user + system) per pair, the best of ``--repeat`` rounds after a
warm-up, with the wall time of that round. With ``--profile`` one more round runs under cProfile
timed by CPU time and the top functions are printed.

The ``*-bare`` clients (not run by default) post the very bodies aiolabel sends (built once, before
the rounds) with no aiolabel code at all, 20 at once: ``httpx-bare`` with an ``httpx.AsyncClient``
(aiolabel's pool limits), ``httpcore-bare`` with httpcore's pool directly, ``aiohttp-bare`` with an
``aiohttp.ClientSession``: the floor each HTTP stack sets under the client's CPU per pair.

Run: ``python -m benchmarks.lpo_cpu [--clients aiolabel-aiohttp,aiolabel-httpx] [--pairs 100000]
[--latency-ms 50] [--repeat 5] [--profile]``; ``--clients httpx-bare,httpcore-bare,aiohttp-bare``
for the floors.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from benchmarks.canned import measured_rounds, run_clients

CLIENTS = ("aiolabel-aiohttp", "aiolabel-httpx")
BARE = ("httpx-bare", "httpcore-bare", "aiohttp-bare")
API_KEY = "bench-key-not-secret"
ANSWER = b'{"data":{"project":{"setLabelingParameterOverrides":{"success":true}}}}'


def answer(body: bytes) -> bytes:
    """The canned server's answer to every request."""
    return ANSWER


def _pairs(count: int) -> list[Any]:
    """``count`` pairs of distinct 25-character ids in no particular order (as the full run's
    ids, made by the emulator with random bits, come), each made in turn (as read from JSON),
    and priorities 1 to 1,000."""
    from aiolabel import UniqueId

    numbers = list(range(count))
    random.Random(count).shuffle(numbers)
    return [(UniqueId(f"c{n:024d}"), 1 + i % 1000) for i, n in enumerate(numbers)]


async def _measure(client_name: str, endpoint: str, args: argparse.Namespace) -> dict[str, Any]:
    from aiolabel import AsyncClient
    from aiolabel.models.project import Project

    pairs = _pairs(args.pairs)
    transport: Literal["httpx", "aiohttp"] = "httpx" if client_name.endswith("httpx") else "aiohttp"
    async with AsyncClient(
        api_key=API_KEY,
        endpoint=endpoint,
        transport=transport,
        max_concurrency=args.concurrency,
    ) as client:
        project = Project.model_construct(uid="bench-project")
        project._client = client
        return await measured_rounds(
            client_name,
            len(pairs),
            "pair",
            lambda: project.set_labeling_parameter_overrides(pairs),
            repeat=args.repeat,
            profile=args.profile,
        )


def _bodies(count: int) -> list[bytes]:
    """The bodies aiolabel sends for ``count`` pairs, 1,000 a request."""
    from aiolabel._content import encode_variables
    from aiolabel._operations import labeling_parameter_overrides as lpo_ops

    pairs = _pairs(count)
    bodies = []
    for start in range(0, count, 1000):
        built = lpo_ops.set_labeling_parameter_overrides(
            "bench-project", pairs[start : start + 1000]
        )
        bodies.append(encode_variables(built.operation.document, built.variables))
    return bodies


async def _measure_bare(
    client_name: str, endpoint: str, args: argparse.Namespace
) -> dict[str, Any]:
    import aiohttp
    import httpcore
    import httpx

    bodies = _bodies(args.pairs)
    headers = {
        "Authorization": f"Bearer {API_KEY}",
        "X-SDK-Method": "Project.set_labeling_parameter_overrides",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }
    slots = asyncio.Semaphore(args.concurrency)
    async with contextlib.AsyncExitStack() as stack:
        post: Callable[[bytes], Awaitable[Any]]
        if client_name == "aiohttp-bare":
            session = await stack.enter_async_context(aiohttp.ClientSession())

            async def post(body: bytes) -> Any:
                async with session.post(endpoint, data=body, headers=headers) as response:
                    return await response.read()

        elif client_name == "httpx-bare":
            limits = httpx.Limits(
                max_connections=2 * args.concurrency, max_keepalive_connections=args.concurrency
            )
            http = await stack.enter_async_context(httpx.AsyncClient(limits=limits, timeout=60))

            async def post(body: bytes) -> Any:
                return (await http.post(endpoint, content=body, headers=headers)).content

        else:
            pool = await stack.enter_async_context(
                httpcore.AsyncConnectionPool(
                    max_connections=2 * args.concurrency,
                    max_keepalive_connections=args.concurrency,
                )
            )
            raw = [(k.encode(), v.encode()) for k, v in headers.items()]

            async def post(body: bytes) -> Any:
                return (await pool.request("POST", endpoint, headers=raw, content=body)).content

        async def one(body: bytes) -> None:
            async with slots:
                await post(body)

        async def call() -> None:
            await asyncio.gather(*(one(body) for body in bodies))

        return await measured_rounds(
            client_name, args.pairs, "pair", call, repeat=args.repeat, profile=args.profile
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.lpo_cpu")
    parser.add_argument("--clients", default=",".join(CLIENTS))
    parser.add_argument("--pairs", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    for name in args.clients.split(","):
        if name not in CLIENTS + BARE:
            parser.error(f"unknown client {name!r}")

    def measure(name: str, endpoint: str) -> Awaitable[dict[str, Any]]:
        return (_measure_bare if name in BARE else _measure)(name, endpoint, args)

    run_clients("benchmarks.lpo_cpu:answer", args.latency_ms, args.clients.split(","), measure)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
