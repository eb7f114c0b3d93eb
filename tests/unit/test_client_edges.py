"""The client at the edges: use from a second event loop is a clear error; the common mistakes
(no key, an endpoint that is not one, a server that cannot be reached) say what to do;
``timeout=`` takes seconds, an ``httpx.Timeout`` or None; ``AIOLABEL_LOG`` turns logging on."""

from __future__ import annotations

import asyncio
import math
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from aiolabel import AsyncClient
from aiolabel._loop import WrongEventLoop
from aiolabel.emulator import EmulatorServer
from aiolabel.errors import AuthenticationError, InputTypeError, LabelboxError, NetworkError


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer() as emulator:
        yield emulator


def test_a_second_asyncio_run_is_a_clear_error(server: EmulatorServer) -> None:
    client = AsyncClient(api_key=server.api_key, endpoint=server.endpoint)
    assert asyncio.run(client.get_user()).uid
    with pytest.raises(WrongEventLoop, match="one client per event loop"):
        asyncio.run(client.get_user())


def test_another_threads_loop_is_a_clear_error(server: EmulatorServer) -> None:
    client = AsyncClient(api_key=server.api_key, endpoint=server.endpoint)
    errors: list[BaseException] = []

    async def many() -> None:
        results = await asyncio.gather(
            *[asyncio.wait_for(client.get_user(), 15) for _ in range(10)],
            return_exceptions=True,
        )
        errors.extend(r for r in results if isinstance(r, BaseException))

    async def first() -> None:
        async with client:
            await client.get_user()
            thread = threading.Thread(target=lambda: asyncio.run(many()))
            thread.start()
            await asyncio.to_thread(thread.join, 30)
            assert (await client.get_user()).uid  # its own loop still works

    asyncio.run(first())
    assert len(errors) == 10
    assert all(isinstance(e, WrongEventLoop) for e in errors), errors


async def test_a_task_wait_from_another_loop_is_refused(server: EmulatorServer) -> None:
    from aiolabel._polling import TaskPoller

    async def refresh(_: Any) -> None:
        await asyncio.sleep(0)

    poller = TaskPoller(refresh)

    class Pending:
        uid, done = "t1", False

    waiting = asyncio.ensure_future(poller.wait([Pending()], 30))  # type: ignore[list-item]
    await asyncio.sleep(0.01)
    failure: list[BaseException] = []

    def elsewhere() -> None:
        try:
            asyncio.run(poller.wait([Pending()], 1))  # type: ignore[list-item]
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=elsewhere)
    thread.start()
    await asyncio.to_thread(thread.join, 10)
    waiting.cancel()
    assert len(failure) == 1
    assert isinstance(failure[0], WrongEventLoop)


def test_no_key_names_the_variable_and_the_argument(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LABELBOX_API_KEY", raising=False)
    with pytest.raises(AuthenticationError) as caught:
        AsyncClient()
    assert "LABELBOX_API_KEY" in str(caught.value)
    assert "api_key=" in str(caught.value)


@pytest.mark.parametrize("path", ["/grapql", "/", "/api/graphq"])
async def test_a_wrong_endpoint_path_says_which_url_and_what_an_endpoint_is(
    server: EmulatorServer, path: str
) -> None:
    endpoint = server.base_url + path
    async with AsyncClient(api_key=server.api_key, endpoint=endpoint, max_retries=0) as client:
        with pytest.raises(LabelboxError) as caught:
            await client.get_user()
    text = str(caught.value)
    assert endpoint in text
    assert "404" in text
    assert "/graphql" in text
    assert caught.value.status_code == 404


async def test_network_down_names_the_host_the_attempts_and_the_time() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once the block ends: nothing listens
    endpoint = f"http://127.0.0.1:{port}/graphql"
    async with AsyncClient(api_key="lb-key", endpoint=endpoint, max_retries=2) as client:
        client._retry.initial_backoff = 0.01
        with pytest.raises(NetworkError) as caught:
            await client.get_user()
    text = str(caught.value)
    assert f"127.0.0.1:{port}" in text
    assert "gave up after 3 attempts" in text
    assert caught.value.attempts == 3


@pytest.mark.parametrize(
    ("given", "read"),
    [(5, 5.0), (2.5, 2.5), (httpx.Timeout(7, connect=1), 7.0), (None, None)],
)
async def test_timeout_takes_seconds_an_httpx_timeout_or_none(given: Any, read: Any) -> None:
    seen: list[dict[str, Any]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(401, json={"message": "no"})

    client = AsyncClient(
        api_key="lb-key",
        endpoint="https://example.test/graphql",
        transport=httpx.MockTransport(answer),
        timeout=given,
    )
    async with client:
        with pytest.raises(LabelboxError):
            await client.get_user()
    assert seen[0]["read"] == read
    cap = client._transport._total(client._transport._timeout(None))
    assert cap == (math.inf if read is None else read)


@pytest.mark.parametrize("bad", ["5", True, [5]])
def test_timeout_of_another_type_is_refused(bad: Any) -> None:
    with pytest.raises(InputTypeError, match=r"httpx\.Timeout or None"):
        AsyncClient(api_key="lb-key", timeout=bad)


@pytest.mark.parametrize(("value", "shown"), [("debug", True), ("info", True), ("", False)])
def test_aiolabel_log_turns_on_logging(value: str, shown: bool) -> None:
    code = (
        "import logging, aiolabel\n"
        "logging.getLogger('aiolabel.retry').info('a retry line')\n"
        "logging.getLogger('aiolabel.transport').debug('a request line')\n"
    )
    env = {**os.environ, "AIOLABEL_LOG": value}
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert ran.returncode == 0, ran.stderr
    assert ("a retry line" in ran.stderr) == shown
    assert ("a request line" in ran.stderr) == (value == "debug")
