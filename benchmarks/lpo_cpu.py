"""Client CPU per LPO pair: ``project.set_labeling_parameter_overrides`` against a local server
that answers at once.

A small aiohttp server in a child process answers every POST with
``{"project": {"setLabelingParameterOverrides": {"success": true}}}`` after ``--latency-ms``
(default 50) and counts the items it received; this process runs aiolabel's call with ``--pairs``
pairs (default 100,000: 100 requests of 1,000, ``--concurrency`` 20 at once) and measures its own
CPU (``resource.getrusage``, user + system) per pair, the best of ``--repeat`` rounds after a
warm-up, with the wall time of that round. With ``--profile`` one more round runs under cProfile
timed by CPU time and the top functions are printed.

Run: ``python -m benchmarks.lpo_cpu [--clients aiolabel-aiohttp,aiolabel-httpx] [--pairs 100000]
[--latency-ms 50] [--repeat 5] [--profile]``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import multiprocessing
import pstats
import resource
import socket
import time
from typing import Any

CLIENTS = ("aiolabel-aiohttp", "aiolabel-httpx")
API_KEY = "bench-key-not-secret"
ANSWER = b'{"data":{"project":{"setLabelingParameterOverrides":{"success":true}}}}'


def _serve(port_out: Any, latency: float) -> None:
    from aiohttp import web

    async def graphql(request: web.Request) -> web.Response:
        await request.read()
        if latency:
            await asyncio.sleep(latency)
        return web.Response(body=ANSWER, content_type="application/json")

    async def main() -> None:
        app = web.Application(client_max_size=64 * 2**20)
        app.router.add_post("/graphql", graphql)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        site = web.SockSite(runner, sock)
        await site.start()
        port_out.send(sock.getsockname()[1])
        await asyncio.Event().wait()

    asyncio.run(main())


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _measure(client_name: str, port: int, args: argparse.Namespace) -> dict[str, Any]:
    from aiolabel import AsyncClient, UniqueId
    from aiolabel.models.project import Project

    pairs = [(UniqueId(f"c{i:024d}"), 1 + i % 1000) for i in range(args.pairs)]
    transport = client_name.split("-", 1)[1]
    async with AsyncClient(
        api_key=API_KEY,
        endpoint=f"http://127.0.0.1:{port}/graphql",
        transport=transport,
        max_concurrency=args.concurrency,
    ) as client:
        project = Project.model_construct(uid="bench-project")
        project._client = client
        await project.set_labeling_parameter_overrides(pairs)  # warm-up
        rounds = []
        for _ in range(args.repeat):
            cpu, wall = _cpu(), time.perf_counter()
            await project.set_labeling_parameter_overrides(pairs)
            rounds.append((_cpu() - cpu, time.perf_counter() - wall))
        out: dict[str, Any] = {"client": client_name}
        cpu, wall = min(rounds)
        out["cpu_us_per_pair"] = round(cpu * 1e6 / len(pairs), 3)
        out["wall_s"] = round(wall, 3)
        out["rounds_us_per_pair"] = [round(c * 1e6 / len(pairs), 3) for c, _ in rounds]
        if args.profile:
            profile = cProfile.Profile(time.process_time)
            profile.enable()
            await project.set_labeling_parameter_overrides(pairs)
            profile.disable()
            text = io.StringIO()
            pstats.Stats(profile, stream=text).sort_stats("tottime").print_stats(25)
            out["profile"] = text.getvalue()
        return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.lpo_cpu")
    parser.add_argument("--clients", default=",".join(CLIENTS))
    parser.add_argument("--pairs", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    receive, send = multiprocessing.Pipe(duplex=False)
    server = multiprocessing.Process(
        target=_serve, args=(send, args.latency_ms / 1000), daemon=True
    )
    server.start()
    try:
        port = receive.recv()
        for name in args.clients.split(","):
            if name not in CLIENTS:
                parser.error(f"unknown client {name!r}")
            result = asyncio.run(_measure(name, port, args))
            profile = result.pop("profile", None)
            print(result, flush=True)
            if profile:
                print(profile)
    finally:
        server.terminate()
        server.join()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
