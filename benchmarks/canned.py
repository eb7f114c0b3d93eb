"""A GraphQL endpoint in a child process that answers every POST with canned bytes after a
latency, at next to no CPU: what the client-CPU micro-benchmarks (``request_cpu``, ``lpo_cpu``,
``data_rows_cpu``) measure a client against, and the rounds they measure a client's CPU in.

``canned_server("module:function", latency_ms)`` yields the endpoint; ``function(body) ->
bytes`` (a module-level function, imported in the child, which is started with ``spawn``) makes
the answer to each request from its raw body. The full benchmark's answering server, which
forwards what it does not answer to the emulator, is ``benchmarks/answering.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import cProfile
import importlib
import io
import multiprocessing
import pstats
import resource
import socket
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any


def _serve(port_out: Any, latency: float, answer_path: str) -> None:
    from aiohttp import web

    module, name = answer_path.split(":")
    answer = getattr(importlib.import_module(module), name)

    async def graphql(request: web.Request) -> web.Response:
        reply = answer(await request.read())
        if latency:
            await asyncio.sleep(latency)
        return web.Response(body=reply, content_type="application/json")

    async def main() -> None:
        app = web.Application(client_max_size=64 * 2**20)
        app.router.add_post("/graphql", graphql)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        await web.SockSite(runner, sock).start()
        port_out.send(sock.getsockname()[1])
        await asyncio.Event().wait()

    asyncio.run(main())


@contextlib.contextmanager
def canned_server(answer: str, latency_ms: float = 0.0) -> Iterator[str]:
    """The endpoint of a server answering each POST with ``answer`` (``"module:function"``)
    after ``latency_ms``, running in a child process for the duration of the block."""
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_serve, args=(send, latency_ms / 1000, answer), daemon=True)
    process.start()
    try:
        if not receive.poll(30):
            raise RuntimeError("the canned server did not start")
        yield f"http://127.0.0.1:{receive.recv()}/graphql"
    finally:
        process.terminate()
        process.join(10)


def cpu_seconds() -> float:
    """User + system CPU of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def measured_rounds(
    client_name: str,
    count: int,
    unit: str,
    call: Callable[[], Awaitable[Any]],
    *,
    repeat: int,
    profile: bool,
) -> dict[str, Any]:
    """A warm-up, then ``repeat`` measured rounds of ``call`` (``count`` ``unit``s each): the
    least CPU per unit (``cpu_us_per_<unit>``), that round's wall time, every round's CPU per
    unit, and with ``profile`` the top of a cProfile of one more round."""
    await call()  # warm-up
    rounds = []
    for _ in range(repeat):
        cpu, wall = cpu_seconds(), time.perf_counter()
        await call()
        rounds.append((cpu_seconds() - cpu, time.perf_counter() - wall))
    out: dict[str, Any] = {"client": client_name}
    cpu, wall = min(rounds)
    out[f"cpu_us_per_{unit}"] = round(cpu * 1e6 / count, 3)
    out["wall_s"] = round(wall, 3)
    out[f"rounds_us_per_{unit}"] = [round(c * 1e6 / count, 3) for c, _ in rounds]
    if profile:
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        await call()
        profiler.disable()
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(25)
        out["profile"] = text.getvalue()
    return out


def run_clients(
    answer: str,
    latency_ms: float,
    names: list[str],
    measure: Callable[[str, str], Awaitable[dict[str, Any]]],
) -> None:
    """Each client's ``measure(name, endpoint)`` against one canned server, its result printed
    (a dict per line, then its profile if any)."""
    with canned_server(answer, latency_ms) as endpoint:
        for name in names:
            result = asyncio.run(measure(name, endpoint))
            profile = result.pop("profile", None)
            print(result, flush=True)
            if profile:
                print(profile)
