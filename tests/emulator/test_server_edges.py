"""The emulator as a server facing bad clients: the key checked before a document is read,
NaN/infinite latency and malformed transition rules refused, the port bound before
``listening`` is printed, a loopback endpoint for ``--host 0.0.0.0``, header and body read
deadlines, uploaded forms closed."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from aiolabel import AsyncClient
from aiolabel.emulator import EmulatorServer
from aiolabel.emulator._guard import GuardedH11Protocol

CLI = [sys.executable, "-m", "aiolabel.cli", "emulator", "serve"]


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer() as emulator:
        yield emulator


def test_the_key_is_checked_before_the_document_is_parsed(
    server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []
    executor = server.state.executor
    original = executor.prepare

    def spy(query: str) -> Any:
        parsed.append(query)
        return original(query)

    monkeypatch.setattr(executor, "prepare", spy)
    document = "query Q { " + " ".join(f"a{i}: user {{ id }}" for i in range(2_000)) + " }"
    with httpx.Client(timeout=30) as http:
        for headers in ({}, {"Authorization": "Bearer lbemu_wrong"}):
            answer = http.post(server.endpoint, json={"query": document}, headers=headers)
            assert answer.status_code == 401
        assert parsed == []
        ok = http.post(
            server.endpoint,
            json={"query": "query Me { user { id } }"},
            headers={"Authorization": f"Bearer {server.api_key}"},
        )
    assert ok.status_code == 200
    assert parsed == ["query Me { user { id } }"]


@pytest.mark.parametrize(
    "body",
    [
        '{"latency_ms": NaN}',
        '{"latency_ms": Infinity}',
        '{"latency_ms": -1}',
        '{"latency_ms": 1e12}',
    ],
)
def test_nan_or_infinite_latency_is_refused(server: EmulatorServer, body: str) -> None:
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        refused = http.post("/_emulator/faults", content=body)
        answered = http.post(
            "/graphql",
            json={"query": "query Me { user { id } }"},
            headers={"Authorization": f"Bearer {server.api_key}"},
        )
    assert refused.status_code == 400
    assert "latency_ms" in refused.json()["error"]
    assert answered.status_code == 200


@pytest.mark.parametrize(
    "rules",
    [
        {"adv-upsert-data-rows": [1]},
        {"adv-upsert-data-rows": "delay"},
        {"adv-upsert-data-rows": {"mode": "delay", "seconds": 4}},
        {"adv-upsert-data-rows": {"mode": "delay", "ms": "soon"}},
        {"adv-upsert-data-rows": {"mode": "polls", "n": 1.5}},
    ],
)
def test_a_malformed_transition_rule_is_a_400(server: EmulatorServer, rules: Any) -> None:
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        answer = http.post("/_emulator/transitions", json=rules)
        assert answer.status_code == 400
        assert "error" in answer.json()
        assert http.get("/_emulator/transitions").json() == {}


@pytest.mark.parametrize("value", ["nan", "inf", "-5"])
def test_serve_refuses_a_latency_that_is_not_a_number_of_ms(value: str) -> None:
    ran = subprocess.run([*CLI, "--latency-ms", value], capture_output=True, text=True, timeout=60)
    assert ran.returncode == 2
    assert "latency_ms" in ran.stderr
    assert "listening" not in ran.stdout


def test_a_port_in_use_is_one_line_and_nothing_is_announced() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        ran = subprocess.run(
            [*CLI, "--port", str(port)], capture_output=True, text=True, timeout=60
        )
    assert ran.returncode == 2
    assert ran.stdout == ""
    assert "cannot listen" in ran.stderr
    assert len(ran.stderr.strip().splitlines()) == 1
    assert "Traceback" not in ran.stderr


def test_a_database_that_cannot_be_opened_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "not-sqlite.db"
    bad.write_bytes(b"this is not a database" * 100)
    ran = subprocess.run([*CLI, "--db", str(bad)], capture_output=True, text=True, timeout=60)
    assert ran.returncode == 2
    assert "cannot open the database" in ran.stderr
    assert "Traceback" not in ran.stderr


def test_host_0_0_0_0_prints_a_loopback_endpoint_the_client_accepts() -> None:
    proc = subprocess.Popen(
        [*CLI, "--host", "0.0.0.0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        lines = dict(
            line.strip().split("=", 1) for line in [proc.stdout.readline() for _ in range(3)][1:]
        )
        endpoint = lines["LABELBOX_ENDPOINT"]
        assert endpoint.startswith("http://127.0.0.1:")

        async def who() -> str:
            async with AsyncClient(api_key=lines["LABELBOX_API_KEY"], endpoint=endpoint) as c:
                return (await c.get_user()).uid

        assert anyio.run(who)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    sock.settimeout(seconds)
    try:
        return sock.recv(1024) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


@pytest.mark.parametrize("phase", ["headers", "body", "nothing"])
def test_slow_requests_are_dropped(monkeypatch: pytest.MonkeyPatch, phase: str) -> None:
    monkeypatch.setattr(GuardedH11Protocol, "header_timeout", 0.5)
    monkeypatch.setattr(GuardedH11Protocol, "body_timeout", 0.5)
    with EmulatorServer() as server, socket.create_connection(("127.0.0.1", server.port)) as sock:
        if phase == "headers":
            sock.sendall(b"POST /graphql HTTP/1.1\r\nHost: x\r\n")  # never ends its headers
        elif phase == "body":
            sock.sendall(
                b"POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + server.api_key.encode()
                + b'\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"q'
            )
        assert _closed_within(sock, 10)
        with httpx.Client(timeout=10) as http:  # the server still answers others
            assert http.get(f"{server.base_url}/_emulator/health").status_code == 200


def test_a_kept_alive_connection_still_works_after_the_deadlines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(GuardedH11Protocol, "header_timeout", 0.5)
    with EmulatorServer() as server, httpx.Client(timeout=10) as http:
        for _ in range(3):
            assert http.get(f"{server.base_url}/_emulator/health").status_code == 200
            time.sleep(0.7)


def test_uploaded_forms_are_closed(tmp_path: Path) -> None:
    image = tmp_path / "a.jpg"
    image.write_bytes(b"\xff\xd8\xff" + b"0" * 2048)
    script = f"""
import asyncio, gc, warnings
warnings.simplefilter("error", ResourceWarning)
from aiolabel import AsyncClient
from aiolabel.emulator import Emulator

async def main():
    async with Emulator() as emu, AsyncClient(
        api_key=emu.api_key, endpoint=emu.endpoint, transport=emu.transport
    ) as client:
        ds = await client.create_dataset("d", iam_integration=None)
        item = {{"row_data": {json.dumps(str(image))}, "global_key": "g"}}
        task = await ds.create_data_rows([item])
        await task.wait_till_done()
        for _ in range(3):
            await client.upload_data(b"abc", filename="x.txt")
    gc.collect()

asyncio.run(main())
gc.collect()
print("done")
"""
    ran = subprocess.run(
        [sys.executable, "-X", "dev", "-c", script], capture_output=True, text=True, timeout=120
    )
    assert ran.returncode == 0, ran.stderr
    assert "done" in ran.stdout
    assert "ResourceWarning" not in ran.stderr, ran.stderr
