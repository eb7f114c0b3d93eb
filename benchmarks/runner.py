"""``python -m benchmarks``: aiolabel side by side with the official SDK against the emulator.

The emulator runs as a separate process on 127.0.0.1; latency is added only while a client is
measured. Each client runs in its own fresh process (:mod:`benchmarks.child`).
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import json
import os
import platform
import queue
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks import report
from benchmarks.answering import AnsweringProcess
from benchmarks.child import PREFIX
from benchmarks.scenarios import ALL_CLIENTS, SCENARIOS, SERVERS, CheckFailed, Scenario
from benchmarks.server import EmulatorProcess

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ROUND_TIMEOUT = 3 * 3600.0
READY_TIMEOUT = 900.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Child:
    """A client process speaking the JSON-lines protocol of :mod:`benchmarks.child`."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.child", json.dumps(spec)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.stderr: list[str] = []
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith(PREFIX):
                self.messages.put(json.loads(line[len(PREFIX) :]))
        self.messages.put(None)

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line)
            del self.stderr[:-200]

    def expect(self, events: tuple[str, ...], timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill()
                return {"event": "error", "message": f"no answer within {timeout:.0f} s"}
            try:
                message = self.messages.get(timeout=remaining)
            except queue.Empty:
                continue
            if message is None:
                tail = "".join(self.stderr[-20:])
                return {"event": "error", "message": f"client process ended: {tail[-2000:]}"}
            if message["event"] in events or message["event"] == "error":
                return message

    def send(self, command: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()

    def finish(self) -> dict[str, Any]:
        with contextlib.suppress(OSError):
            self.send({"cmd": "exit"})
        message = self.expect(("final",), timeout=120)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.kill()
        return message

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


def aiolabel_default_concurrency() -> int | None:
    """AsyncClient's default max_concurrency, or None if aiolabel cannot be imported."""
    try:
        from aiolabel import AsyncClient
    except Exception as exc:  # a broken tree: the aiolabel clients will report the error
        log(f"cannot import aiolabel: {type(exc).__name__}: {exc}")
        return None
    default = inspect.signature(AsyncClient.__init__).parameters["max_concurrency"].default
    return int(default)


def concurrency_of(scenario: Scenario, client: str, aiolabel_concurrency: int) -> int:
    if scenario.sequential:
        return 1
    if client == "official":
        return 1
    if client == "official-16t":
        return 16
    return aiolabel_concurrency


def _diff(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    keys = set(after) | set(before)
    out = {k: after.get(k, 0) - before.get(k, 0) for k in keys}
    return {k: v for k, v in sorted(out.items()) if v}


def run_client(
    server: EmulatorProcess,
    scenario: Scenario,
    client: str,
    size: int,
    *,
    latency_ms: float,
    aiolabel_concurrency: int,
    max_concurrency: int | None,
    workdir: Path,
    profile: Path | None = None,
    front: AnsweringProcess | None = None,
) -> dict[str, Any]:
    """One client on one scenario: set-up, measured rounds, checks; one record.

    With ``front`` (the answering server), the client talks to it: it answers the scenario's
    hot operations itself and forwards the rest to the emulator; requests are counted there.
    """
    latency = 0.0 if scenario.zero_latency else latency_ms
    record: dict[str, Any] = {
        "server": "emulator" if front is None else "answering",
        "scenario": scenario.name,
        "title": scenario.title.replace("N ", f"{size:,} ", 1),
        "client": client,
        "size": size,
        "unit": scenario.unit,
        "latency_ms": latency,
        "concurrency": concurrency_of(scenario, client, aiolabel_concurrency),
        "ideal_applies": scenario.name not in ("task_notice", "overhead"),
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }
    server.reset()
    server.latency(0)
    if front is not None:
        front.reset()
        front.latency(0)
    started = time.perf_counter()
    params = scenario.setup(server, size, workdir)
    record["setup_s"] = round(time.perf_counter() - started, 2)
    spec = {
        "scenario": scenario.name,
        "client": client,
        "endpoint": server.endpoint if front is None else front.endpoint,
        "api_key": server.api_key,
        "params": params,
        "max_concurrency": max_concurrency,
        "profile": None if profile is None else str(profile.resolve()),
    }
    child = Child(spec)
    try:
        first = child.expect(("ready", "unavailable"), READY_TIMEOUT)
        if first["event"] != "ready":
            child.kill()
            record["status"] = "not available" if first["event"] == "unavailable" else "error"
            record["reason"] = first.get("reason") or first.get("message")
            return record
        record["rss_ready_mib"] = first["rss_mib"]
        wall = cpu_user = cpu_sys = server_cpu = front_cpu = 0.0
        requests = 0
        items: dict[str, int] = {}
        by_operation: dict[str, int] = {}
        rounds: list[dict[str, Any]] = []
        extras: list[dict[str, Any]] = []
        for index in range(scenario.rounds(size, quick=False)):
            args = scenario.before_round(server, params, index)
            server.latency(latency)
            counter: Any = server if front is None else front
            if front is not None:
                front.latency(latency)
                front_before = front.cpu_seconds()
            stats_before = counter.stats()
            cpu_before = server.cpu_seconds()
            child.send({"cmd": "go", "args": args})
            result = child.expect(("result",), ROUND_TIMEOUT)
            cpu_after = server.cpu_seconds()
            stats_after = counter.stats()
            server.latency(0)
            if front is not None:
                front.latency(0)
                front_cpu += front.cpu_seconds() - front_before
                for key, value in stats_after["items"].items():
                    items[key] = items.get(key, 0) + value - stats_before["items"].get(key, 0)
            if result["event"] != "result":
                child.kill()
                record["status"] = "error"
                record["reason"] = result.get("message")
                return record
            wall += result["wall_s"]
            cpu_user += result["cpu_user_s"]
            cpu_sys += result["cpu_sys_s"]
            server_cpu += cpu_after - cpu_before
            requests += stats_after["requests"] - stats_before["requests"]
            sent = (
                _diff(stats_after["by_operation"], stats_before["by_operation"])
                if front is None
                else _answered_diff(stats_after, stats_before)
            )
            for key, value in sent.items():
                by_operation[key] = by_operation.get(key, 0) + value
            extras.append(result["extra"])
            after = scenario.after_round(server, params, args, result["extra"])
            rounds.append({"wall_s": result["wall_s"], **result["extra"], **after})
    except BaseException:
        child.kill()
        raise
    final = child.finish()
    if final["event"] != "final":
        record["status"] = "error"
        record["reason"] = final.get("message")
        return record
    record.update(
        status="ok",
        wall_s=wall,
        cpu_s=cpu_user + cpu_sys,
        cpu_user_s=cpu_user,
        cpu_sys_s=cpu_sys,
        peak_rss_mib=final["peak_rss_mib"],
        requests=requests,
        requests_by_operation=by_operation,
        server_cpu_s=server_cpu,
        server_busy=server_cpu / wall if wall else None,
        extra=extras[0] if len(extras) == 1 else {},
    )
    if front is not None:
        record["answering_cpu_s"] = front_cpu
        record["answered_items"] = items
    if scenario.multi_round:
        record["rounds"] = rounds
    scenario.summarize(record)
    try:
        record["check"] = (
            scenario.check(server, params, rounds)
            if front is None
            else scenario.check_answered(items, params, rounds)
        )
    except CheckFailed as exc:
        record["status"] = "check failed"
        record["reason"] = str(exc)
    return record


def _answered_diff(after: dict[str, Any], before: dict[str, Any]) -> dict[str, int]:
    """Requests by operation, ``answered:`` or ``forwarded:``, between two answering stats."""
    out: dict[str, int] = {}
    for kind in ("answered", "forwarded"):
        for key, value in _diff(after[kind], before[kind]).items():
            out[f"{kind}:{key}"] = value
    return out


# -- machine and git --------------------------------------------------------------------------


def _git(*args: str) -> str:
    try:
        out = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return ""
    return out.stdout.strip()


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def use_snapshot(folder: Path) -> None:
    """Export HEAD's ``src/`` into ``folder`` and put it first on this process's and every
    child's import path (the editable install's path entry comes after PYTHONPATH)."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", "HEAD", "src"], cwd=ROOT, capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    src = str(folder / "src")
    os.environ["PYTHONPATH"] = os.pathsep.join([src, *filter(None, [os.environ.get("PYTHONPATH")])])
    sys.path.insert(0, src)
    log(f"benchmarking HEAD {_git('rev-parse', '--short=12', 'HEAD')} from {src}")


def machine_info() -> dict[str, Any]:
    import psutil

    cpu_model = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu_model": cpu_model,
        "ram_gib": psutil.virtual_memory().total / 2**30,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "git_commit": _git("rev-parse", "--short=12", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--", "src", "benchmarks")),
        "source": "HEAD snapshot" if any("aiolabel-src-" in p for p in sys.path) else "work tree",
        "loadavg_before": [round(x, 2) for x in os.getloadavg()],
        "labelbox": _version("labelbox"),
        "aiolabel": _version("aiolabel"),
        "httpx": _version("httpx"),
        "aiohttp": _version("aiohttp"),
    }


# -- command line ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="aiolabel vs the official labelbox SDK, against the emulator in its own"
        " process on 127.0.0.1.",
    )
    parser.add_argument("--quick", action="store_true", help="reduced sizes (under two minutes)")
    parser.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help=f"comma-separated subset of: {', '.join(SCENARIOS)}",
    )
    parser.add_argument(
        "--clients", default=",".join(ALL_CLIENTS), help=f"subset of: {', '.join(ALL_CLIENTS)}"
    )
    parser.add_argument("--latency-ms", type=float, default=50.0, help="added per request")
    parser.add_argument(
        "--servers",
        default=",".join(SERVERS),
        help="comma-separated subset of: emulator (every request to the emulator), answering"
        " (the scenario's hot operations answered at next to no CPU by benchmarks.answering,"
        " the rest forwarded to the emulator; only for the scenarios that have such operations)",
    )
    parser.add_argument(
        "--size",
        action="append",
        default=[],
        metavar="SCENARIO=N",
        help="override one scenario's size (repeatable), e.g. --size lpo=20000",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=None,
        help="aiolabel's max_concurrency (default: the AsyncClient default)",
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=None,
        help="where results.json, results.png and RESULTS.md go"
        " (default: benchmarks/, or benchmarks/quick/ with --quick)",
    )
    parser.add_argument(
        "--snapshot",
        action="store_true",
        help="benchmark the committed HEAD (git archive of src/ into a temporary directory,"
        " first on PYTHONPATH of every process) instead of the working tree",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="run each client N times and keep the run with the median wall time (all wall"
        " times are kept in the record); helps on a shared machine",
    )
    parser.add_argument(
        "--quiet-cpu",
        type=float,
        default=None,
        metavar="PCT",
        help="before each client, wait (up to 10 minutes) until the machine's CPU use over 2 s"
        " is below PCT percent (the machine may be shared); the figure is recorded",
    )
    parser.add_argument("--no-chart", action="store_true", help="skip the PNG chart")
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        metavar="DIR",
        help="run each measured round under cProfile and write DIR/<scenario>-<client>-*.prof"
        " (figures of such a run are inflated; use it to find where time goes)",
    )
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    args = parser.parse_args(argv)
    args.scenario_names = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    args.client_names = [c.strip() for c in args.clients.split(",") if c.strip()]
    args.server_names = [c.strip() for c in args.servers.split(",") if c.strip()]
    for name in args.server_names:
        if name not in SERVERS:
            parser.error(f"unknown server {name!r}")
    for name in args.scenario_names:
        if name not in SCENARIOS:
            parser.error(f"unknown scenario {name!r}")
    for name in args.client_names:
        if name not in ALL_CLIENTS:
            parser.error(f"unknown client {name!r}")
    sizes: dict[str, int] = {}
    for item in args.size:
        name, _, value = item.partition("=")
        if name not in SCENARIOS or not value.isdigit() or int(value) < 1:
            parser.error(f"--size expects SCENARIO=N with N >= 1, got {item!r}")
        sizes[name] = int(value)
    args.sizes = sizes
    if args.latency_ms < 0:
        parser.error("--latency-ms must be >= 0")
    if args.repeat < 1:
        parser.error("--repeat must be >= 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list:
        for scenario in SCENARIOS.values():
            print(
                f"{scenario.name:18} {scenario.title} (N = {scenario.full_size:,};"
                f" quick {scenario.quick_size:,}); clients: {', '.join(scenario.clients)}"
            )
        return 0
    out_dir: Path = args.output_dir or (HERE / "quick" if args.quick else HERE)
    out_dir.mkdir(parents=True, exist_ok=True)
    snapshot = tempfile.TemporaryDirectory(prefix="aiolabel-src-") if args.snapshot else None
    if snapshot is not None:
        use_snapshot(Path(snapshot.name))
    default_concurrency = aiolabel_default_concurrency()
    aiolabel_concurrency = args.concurrency or default_concurrency or 20
    python = Path(sys.executable)
    shown = python.relative_to(ROOT).as_posix() if python.is_relative_to(ROOT) else str(python)
    command = shlex.join([shown, "-m", "benchmarks", *(sys.argv[1:] if argv is None else argv)])
    document: dict[str, Any] = {
        "command": command,
        "started_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "machine": machine_info(),
        "settings": {
            "quick": args.quick,
            "latency_ms": args.latency_ms,
            "scenarios": args.scenario_names,
            "servers": args.server_names,
            "clients": args.client_names,
            "aiolabel_concurrency": aiolabel_concurrency,
            "aiolabel_default_concurrency": default_concurrency,
            "official_threads": 16,
            "profiled": args.profile is not None,
            "quiet_cpu_threshold_pct": args.quiet_cpu,
            "repeat": args.repeat,
        },
        "results": [],
    }
    started = time.perf_counter()
    records: list[dict[str, Any]] = document["results"]
    for name in args.scenario_names:
        scenario = SCENARIOS[name]
        clients = [c for c in scenario.clients if c in args.client_names]
        if not clients:
            continue
        modes = [m for m in args.server_names if m == "emulator" or scenario.answerable]
        for mode in modes:
            for size in scenario.sizes(args.quick, args.sizes.get(name)):
                records.extend(run_scenario(args, scenario, clients, size, mode, document))
    if snapshot is not None:
        snapshot.cleanup()
    report.add_ratios(records)
    document["targets"] = report.evaluate_targets(records)
    document["finished_at"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    document["duration_s"] = time.perf_counter() - started
    document["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    report.write_json(out_dir / "results.json", document)
    if not args.no_chart:
        report.write_chart(out_dir / "results.png", document)
    markdown = out_dir / "RESULTS.md"
    markdown.write_text(report.render_markdown(document, report.kept_analysis(markdown)))
    log(f"wrote {out_dir / 'results.json'}, {out_dir / 'RESULTS.md'}")
    for target in document["targets"]:
        log(
            f"  {target['status']:12} {target['client']:17} {target['description']}:"
            f" {target['measured']} (required {target['required']}) {target['shortfall']}"
        )
    return 0


def run_scenario(
    args: argparse.Namespace,
    scenario: Scenario,
    clients: list[str],
    size: int,
    mode: str,
    document: dict[str, Any],
) -> list[dict[str, Any]]:
    """Every client on one scenario and size, against the emulator or the answering server."""
    name = scenario.name
    records = []
    with tempfile.TemporaryDirectory(prefix="aiolabel-bench-") as folder:
        workdir = Path(folder)
        server = EmulatorProcess(str(workdir / "emulator.sqlite"))
        document["settings"]["launcher"] = server.launcher
        front = AnsweringProcess(server.base_url) if mode == "answering" else None
        try:
            for client in clients:
                log(f"[{name} {size:,} {mode}] {client} ...")
                runs = []
                for _ in range(args.repeat):
                    busy = wait_for_quiet(args.quiet_cpu)
                    try:
                        runs.append(
                            run_client(
                                server,
                                scenario,
                                client,
                                size,
                                latency_ms=args.latency_ms,
                                aiolabel_concurrency=document["settings"]["aiolabel_concurrency"],
                                max_concurrency=args.concurrency,
                                workdir=workdir,
                                profile=args.profile,
                                front=front,
                            )
                        )
                    except Exception as exc:  # set-up or server failure: say so
                        runs.append(
                            {
                                "server": mode,
                                "scenario": name,
                                "client": client,
                                "size": size,
                                "status": "error",
                                "reason": f"{type(exc).__name__}: {exc}"[:2000],
                            }
                        )
                    runs[-1]["machine_cpu_busy_pct"] = busy
                    if runs[-1]["status"] == "not available":
                        break
                record = median_run(runs)
                records.append(record)
                log("    " + summary_line(record))
        finally:
            if front is not None:
                front.stop()
            server.stop()
    return records


def wait_for_quiet(threshold: float | None, limit: float = 600.0) -> float:
    """The machine's CPU use (percent of all cores, over 2 s) once below ``threshold``, or after
    ``limit`` seconds of waiting; without a threshold, just the current figure."""
    import psutil

    if threshold is None:
        return float(psutil.cpu_percent(interval=0.25))
    deadline = time.monotonic() + limit
    while True:
        busy = float(psutil.cpu_percent(interval=2.0))
        if busy < threshold or time.monotonic() > deadline:
            return busy
        log(f"    machine busy ({busy:.0f}% CPU), waiting for it to drop under {threshold:g}%")
        time.sleep(8.0)


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The successful run with the median wall time (all wall times kept), else the last."""
    good = sorted((r for r in runs if r.get("status") == "ok"), key=lambda r: r["wall_s"])
    if not good:
        return runs[-1]
    record = good[(len(good) - 1) // 2]
    if len(runs) > 1:
        record["repeat_walls_s"] = [round(r["wall_s"], 3) for r in good]
        record["repeat_failures"] = [r.get("reason") for r in runs if r.get("status") != "ok"]
    return record


def summary_line(record: dict[str, Any]) -> str:
    if record.get("status") != "ok":
        reason = str(record.get("reason") or "").strip().splitlines()
        return f"{record.get('status')}: {reason[-1] if reason else ''}"[:300]
    parts = [
        f"wall {record['wall_s']:.2f} s",
        f"cpu {record['cpu_s']:.2f} s",
        f"peak {record['peak_rss_mib']:.0f} MiB",
        f"{record['requests']:,} requests",
        f"server cpu {record['server_cpu_s']:.2f} s",
    ]
    if "notice_median_s" in record:
        parts.append(f"notice median {record['notice_median_s']:.3f} s")
    if "cpu_per_request_ms" in record:
        parts.append(f"{record['cpu_per_request_ms']:.3f} ms CPU/request")
    return ", ".join(parts)
