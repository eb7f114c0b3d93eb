"""Client CPU per LPO pair: ``project.set_labeling_parameter_overrides`` against a local server
that answers at once.

A canned server (:mod:`benchmarks.canned`, a child process) answers every POST with
``{"project": {"setLabelingParameterOverrides": {"success": true}}}`` after ``--latency-ms``
(default 50); this process runs aiolabel's call with ``--pairs``
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
import pstats
import resource
import time
from typing import Any

from benchmarks.canned import canned_server

CLIENTS = ("aiolabel-aiohttp", "aiolabel-httpx")
API_KEY = "bench-key-not-secret"
ANSWER = b'{"data":{"project":{"setLabelingParameterOverrides":{"success":true}}}}'


def answer(body: bytes) -> bytes:
    """The canned server's answer to every request."""
    return ANSWER


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _measure(client_name: str, endpoint: str, args: argparse.Namespace) -> dict[str, Any]:
    from aiolabel import AsyncClient, UniqueId
    from aiolabel.models.project import Project

    pairs = [(UniqueId(f"c{i:024d}"), 1 + i % 1000) for i in range(args.pairs)]
    transport = client_name.split("-", 1)[1]
    async with AsyncClient(
        api_key=API_KEY,
        endpoint=endpoint,
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
    for name in args.clients.split(","):
        if name not in CLIENTS:
            parser.error(f"unknown client {name!r}")
    with canned_server("benchmarks.lpo_cpu:answer", args.latency_ms) as endpoint:
        for name in args.clients.split(","):
            result = asyncio.run(_measure(name, endpoint, args))
            profile = result.pop("profile", None)
            print(result, flush=True)
            if profile:
                print(profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
