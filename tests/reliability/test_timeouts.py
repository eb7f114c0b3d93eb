"""Timeouts: every network call is time-boxed whatever the transport, a wait that runs out
raises a typed error, and the overall retry deadline is the caller's to set."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import anyio
import httpx
import pytest

from aiolabel import AsyncClient
from aiolabel.emulator import Emulator
from aiolabel.errors import ApiLimitError, InputError, LabelboxError, TaskTimeout, TimeoutError

from .conftest import sent

ENDPOINT = "https://api.hang.test/graphql"
GUARD = 30.0
"""Seconds after which a test counts as hung (far above any timeout used here)."""


class Hang(httpx.AsyncBaseTransport):
    """Never answers (an in-process transport: httpx applies none of its timeouts to it)."""

    def __init__(self) -> None:
        self.calls = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        await anyio.sleep_forever()
        raise AssertionError("unreachable")


class Trickle(httpx.AsyncBaseTransport):
    """Answers a GET with headers and a first chunk, then never sends the rest."""

    def __init__(self) -> None:
        self.calls = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1

        async def body() -> AsyncIterator[bytes]:
            yield b"first line\n"
            await anyio.sleep_forever()

        return httpx.Response(200, stream=_Stream(body()), headers={"content-length": "99"})


class _Stream(httpx.AsyncByteStream):
    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self.chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self.chunks:
            yield chunk


def client_on(transport: httpx.AsyncBaseTransport, **kw: Any) -> AsyncClient:
    client = AsyncClient(api_key="k", endpoint=ENDPOINT, transport=transport, **kw)
    client.retry_policy.initial_backoff = 0.01
    return client


async def test_a_request_that_never_answers_times_out_and_is_retried_boundedly() -> None:
    hang = Hang()
    async with client_on(hang, timeout=0.2, max_retries=2) as client:
        with anyio.fail_after(GUARD), pytest.raises(TimeoutError) as info:
            await client.execute("query Q { a }")
    assert info.value.attempts == 3
    assert hang.calls == 3
    assert client.retry_stats.errors["TimeoutError"] == 3
    assert client.retry_stats.gave_up == 1


async def test_an_upload_that_never_answers_times_out() -> None:
    async with client_on(Hang(), timeout=0.2, max_retries=0) as client:
        with anyio.fail_after(GUARD), pytest.raises(TimeoutError):
            await client.upload_data(b"x" * 1000, "a.txt", "text/plain")


@pytest.mark.parametrize("transport", [Hang, Trickle], ids=["no answer", "body stalls"])
async def test_a_download_that_stalls_times_out(transport: type[httpx.AsyncBaseTransport]) -> None:
    stalled = transport()
    async with client_on(stalled, timeout=0.2, max_retries=1) as client:
        with anyio.fail_after(GUARD), pytest.raises(TimeoutError):
            async for _ in client._download("https://files.hang.test/f", timeout=0.2):
                pass
    assert stalled.calls == 2  # type: ignore[attr-defined]


async def test_the_in_process_emulator_is_time_boxed_too() -> None:
    async with (
        Emulator(latency_ms=5_000, latency_operations={"GetUserPyApi"}) as emu,
        AsyncClient(
            api_key=emu.api_key,
            endpoint=emu.endpoint,
            transport=emu.transport,
            timeout=0.2,
            max_retries=0,
        ) as client,
    ):
        with anyio.fail_after(GUARD), pytest.raises(TimeoutError) as info:
            await client.get_user()
        assert "no complete answer" in str(info.value)
        assert (await client.get_organization()).uid  # other operations are not slowed


async def test_wait_till_done_raises_a_typed_timeout_and_leaves_no_poller() -> None:
    async with (
        Emulator() as emu,
        AsyncClient(api_key=emu.api_key, endpoint=emu.endpoint, transport=emu.transport) as client,
    ):
        emu.set_transition("adv-upsert-data-rows", {"mode": "polls", "n": 1_000_000})
        dataset = await client.create_dataset("d", iam_integration=None)
        task = await dataset.create_data_rows([{"row_data": "https://x.test/1.jpg"}])
        [upsert] = task.tasks
        with anyio.fail_after(GUARD), pytest.raises(TaskTimeout) as info:
            await upsert.wait_till_done(timeout_seconds=0.3)
        assert isinstance(info.value, TimeoutError)
        assert isinstance(info.value, LabelboxError)
        assert info.value.tasks == [upsert]
        assert upsert.uid in str(info.value)
        assert upsert.status == "IN_PROGRESS"
        loop = client._poller._loop  # nobody waits any more: the shared polling loop ends
        if loop is not None:
            await asyncio.wait([loop], timeout=GUARD)
            assert loop.done()


async def test_the_retry_deadline_is_the_callers() -> None:
    async with (
        Emulator(rate_limited_rate=1.0, retry_after_s=1) as emu,
        AsyncClient(
            api_key=emu.api_key,
            endpoint=emu.endpoint,
            transport=emu.transport,
            max_retries=50,
            retry_deadline=2.5,
        ) as client,
    ):
        now = 0.0
        slept: list[float] = []

        async def sleep(seconds: float) -> None:
            nonlocal now
            slept.append(seconds)
            now += seconds

        policy = client.retry_policy
        policy.sleep, policy.clock, policy.random = sleep, lambda: now, lambda: 0.0
        with pytest.raises(ApiLimitError) as info:
            await client.get_user()
        # waits of Retry-After (1 s) each: a third would end past the 2.5 s deadline
        assert slept == [1.0, 1.0]
        assert info.value.attempts == 3
        assert sent(emu, "GetUserPyApi") == 3
    assert AsyncClient(api_key="k", endpoint=ENDPOINT).retry_policy.deadline == 120.0
    with pytest.raises(InputError):
        AsyncClient(api_key="k", endpoint=ENDPOINT, retry_deadline=0)
