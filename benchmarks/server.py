"""The emulator as a separate process (``aiolabel emulator serve``) and its control API."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import psutil

READY_TIMEOUT = 60.0


def _cli_command() -> list[str]:
    """``aiolabel emulator serve`` from this interpreter's environment (the CLI module)."""
    return [sys.executable, "-m", "aiolabel.cli", "emulator", "serve"]


def _fallback_command() -> list[str]:
    """The same server started directly, for trees where the CLI is missing."""
    code = (
        "import sys; from aiolabel.emulator import EmulatorServer, EmulatorConfig, FaultConfig;"
        "a = dict(zip(sys.argv[1::2], sys.argv[2::2]));"
        "c = EmulatorConfig(db=a['--db'], api_key=a['--api-key'],"
        " faults=FaultConfig(latency_ms=float(a['--latency-ms'])));"
        "EmulatorServer(c, host='127.0.0.1', port=int(a['--port']))"
        ".serve_forever(announce=lambda s: print(s, flush=True))"
    )
    return [sys.executable, "-c", code]


def cli_available() -> bool:
    try:
        import aiolabel.cli  # noqa: F401
    except ImportError:
        return False
    return True


class EmulatorProcess:
    """An emulator server in a child process, on 127.0.0.1, with a SQLite file of its own.

    The control API (``/_emulator/...``) sets data up, switches latency on for measured phases
    only, sets task transition rules and reads the per-operation request counts.
    """

    def __init__(self, db: str, *, latency_ms: float = 0.0, api_key: str | None = None) -> None:
        self.db = db
        args = ["--port", "0", "--latency-ms", str(latency_ms), "--db", db]
        if api_key is None:
            api_key = "lbemu_bench_" + os.urandom(12).hex()
        args += ["--api-key", api_key]
        command = (_cli_command() if cli_available() else _fallback_command()) + args
        self.launcher = "cli" if cli_available() else "python -c EmulatorServer"
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            self.base_url, self.endpoint, self.api_key = self._read_banner()
        except BaseException:
            self.stop()
            raise
        self.http = httpx.Client(base_url=self.base_url, timeout=600.0)
        self._wait_healthy()
        self.ps = psutil.Process(self.process.pid)
        self._stderr_tail: list[str] = []
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _read_banner(self) -> tuple[str, str, str]:
        assert self.process.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + READY_TIMEOUT
        while len(lines) < 3 and time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                err = self.process.stderr.read() if self.process.stderr else ""
                raise RuntimeError(f"emulator exited before announcing itself: {err[-2000:]}")
            lines.append(line.strip())
        first = "aiolabel emulator listening on "
        if not lines[0].startswith(first):
            raise RuntimeError(f"unexpected emulator banner: {lines!r}")
        base = lines[0][len(first) :].rstrip("/")
        endpoint = lines[1].split("=", 1)[1]
        key = lines[2].split("=", 1)[1]
        return base, endpoint, key

    def _drain_stderr(self) -> None:
        stream = self.process.stderr
        if stream is None:
            return
        for line in stream:
            self._stderr_tail.append(line)
            del self._stderr_tail[:-50]

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            try:
                if self.http.get("/_emulator/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("the emulator did not become healthy")
            time.sleep(0.05)

    # -- control API --------------------------------------------------------------------------

    def _post(self, path: str, body: Any = None) -> Any:
        response = self.http.post(path, json=body)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code} {response.text[:500]}")
        return response.json()

    def reset(self) -> None:
        self._post("/_emulator/reset")

    def faults(self, **changes: Any) -> dict[str, Any]:
        result: dict[str, Any] = self._post("/_emulator/faults", changes)
        return result

    def latency(self, ms: float) -> None:
        self.faults(latency_ms=float(ms))

    def transitions(self, rules: dict[str, Any]) -> None:
        self._post("/_emulator/transitions", rules)

    def stats(self) -> dict[str, Any]:
        response = self.http.get("/_emulator/stats")
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def action(self, name: str, **kwargs: Any) -> Any:
        return self._post(f"/_emulator/actions/{name}", kwargs)["result"]

    def gql(
        self, query: str, variables: dict[str, Any] | None = None, path: str = "/graphql"
    ) -> Any:
        """One GraphQL request for set-up or checks (made while latency is off)."""
        response = self.http.post(
            path,
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {self.api_key}"},
        )
        body = response.json()
        if body.get("errors"):
            raise RuntimeError(json.dumps(body["errors"])[:1000])
        return body["data"]

    def cpu_seconds(self) -> float:
        """User + system CPU the server process has used so far (all its threads)."""
        times = self.ps.cpu_times()
        return float(times.user + times.system)

    def rss(self) -> int:
        return int(self.ps.memory_info().rss)

    def stderr_tail(self) -> str:
        return "".join(self._stderr_tail)

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.http.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)

    def __enter__(self) -> EmulatorProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def remove_db(db: str) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(db + suffix).unlink()
