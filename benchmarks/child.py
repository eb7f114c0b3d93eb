"""One client in a fresh process: ``python -m benchmarks.child SPEC_JSON``.

The child's CPU time is its own (``resource.getrusage(RUSAGE_SELF)`` covers all its threads),
its peak RSS the kernel's high-water mark of its own memory. It talks to the runner in JSON
lines prefixed ``@@bench`` on the original stdout (anything a library prints goes to stderr):
``ready`` once prepared (not measured), then, for every ``{"cmd": "go", "args": ...}`` line on
stdin, a ``result`` with the round's wall time and CPU time, and at the end
(``{"cmd": "exit"}``) a ``final`` line with the peak RSS.
"""

from __future__ import annotations

import cProfile
import json
import os
import resource
import sys
import time
import traceback
from typing import Any, TextIO

PREFIX = "@@bench "


def _send(out: TextIO, message: dict[str, Any]) -> None:
    out.write(PREFIX + json.dumps(message) + "\n")
    out.flush()


def _rss_mib() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def _peak_rss_mib() -> float:
    """The kernel's high-water mark of this process's RSS (VmHWM).

    Not ``ru_maxrss``: Linux carries that across ``execve`` from the forked parent, so a child
    of a big runner would report the runner's size.
    """
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)  # kB
    raise RuntimeError("no VmHWM in /proc/self/status")


def make_workload(spec: dict[str, Any]) -> Any:
    """The workload object for ``spec["client"]`` and ``spec["scenario"]``."""
    client, scenario = spec["client"], spec["scenario"]
    if client == "official":
        from benchmarks.official import OfficialWorkload

        return OfficialWorkload(scenario, spec, threads=1)
    if client == "official-16t":
        from benchmarks.official import THREADS, OfficialWorkload

        return OfficialWorkload(scenario, spec, threads=THREADS)
    if client in ("aiolabel-httpx", "aiolabel-aiohttp"):
        from benchmarks.aio import AioWorkload

        return AioWorkload(scenario, spec, transport=client.split("-", 1)[1])
    raise ValueError(f"unknown client {client!r}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    spec = json.loads(argv[0])
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    sys.stdout = sys.stderr  # library output must not mix with the protocol
    try:
        workload = make_workload(spec)
        reason = workload.available()
        if reason is not None:
            _send(out, {"event": "unavailable", "reason": reason})
            return 0
        workload.prepare()
    except Exception as exc:
        _send(out, {"event": "error", "message": _describe(exc)})
        return 1
    _send(out, {"event": "ready", "rss_mib": _rss_mib()})
    code = 0
    rounds = 0
    for line in sys.stdin:
        command = json.loads(line)
        if command.get("cmd") != "go":
            break
        profiler = _profiler(spec)
        before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        try:
            if profiler is not None:
                profiler.enable()
            extra = workload.run(command.get("args") or {})
        except Exception as exc:
            _send(out, {"event": "error", "message": _describe(exc)})
            code = 1
            break
        finally:
            if profiler is not None:
                profiler.disable()
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
        if profiler is not None:
            rounds += 1
            name = f"{spec['scenario']}-{spec['client']}-{spec['params'].get('rows', '')}"
            profiler.dump_stats(os.path.join(spec["profile"], f"{name}-{rounds}.prof"))
        _send(
            out,
            {
                "event": "result",
                "wall_s": wall,
                "cpu_user_s": after.ru_utime - before.ru_utime,
                "cpu_sys_s": after.ru_stime - before.ru_stime,
                "rss_mib": _rss_mib(),
                "extra": extra,
            },
        )
    try:
        workload.close()
    except Exception as exc:  # a failed close is reported, the figures stand
        _send(out, {"event": "warning", "message": _describe(exc)})
    _send(out, {"event": "final", "peak_rss_mib": _peak_rss_mib()})
    return code


def _profiler(spec: dict[str, Any]) -> cProfile.Profile | None:
    """A cProfile profiler when the runner asked for profiles (``--profile DIR``).

    Profiled rounds are slower and their CPU figures inflated: use them to find where time
    goes, not as results.
    """
    if not spec.get("profile"):
        return None
    os.makedirs(spec["profile"], exist_ok=True)
    return cProfile.Profile()


def _describe(exc: BaseException) -> str:
    text = "".join(traceback.format_exception(exc))
    return text[-4000:]


if __name__ == "__main__":
    raise SystemExit(main())
