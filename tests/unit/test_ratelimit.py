"""The optional client-side rate limit: a token bucket shared by every request of a client."""

from __future__ import annotations

from typing import Any

import anyio
import httpx
import pytest
import respx

from aiolabel._ratelimit import RateLimiter
from aiolabel.errors import InputError, InputTypeError

from .conftest import ENDPOINT, FakeTime, data


async def test_burst_then_steady_rate(fake_time: FakeTime) -> None:
    bucket = RateLimiter(120, burst=2, clock=fake_time.clock, sleep=fake_time.sleep)
    for _ in range(6):
        await bucket.acquire()
    # two free tokens, then one every 0.5 s (120 a minute)
    assert fake_time.sleeps == [pytest.approx(0.5)] * 4
    assert fake_time.now - 1000.0 == pytest.approx(2.0)


async def test_concurrent_waiters_are_spaced() -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    bucket = RateLimiter(60, burst=1, clock=lambda: 0.0, sleep=record)
    async with anyio.create_task_group() as group:
        for _ in range(4):
            group.start_soon(bucket.acquire)
    # all arrive at once: one free token, then reservations 1, 2 and 3 seconds out
    assert sorted(waits) == [pytest.approx(1.0), pytest.approx(2.0), pytest.approx(3.0)]


async def test_pause_holds_everybody(fake_time: FakeTime) -> None:
    bucket = RateLimiter(6000, clock=fake_time.clock, sleep=fake_time.sleep)
    bucket.pause(5.0)
    await bucket.acquire()
    assert fake_time.sleeps == [pytest.approx(5.0)]


async def test_a_cancelled_waiter_gives_its_token_back(fake_time: FakeTime) -> None:
    bucket = RateLimiter(60, burst=1, clock=fake_time.clock, sleep=fake_time.sleep)
    await bucket.acquire()

    async def never(_: float) -> None:
        await anyio.sleep_forever()

    bucket._sleep = never
    with anyio.move_on_after(0.01):
        await bucket.acquire()
    assert bucket._tokens == pytest.approx(0.0)


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((0,), InputError),
        ((-5,), InputError),
        (("10",), InputTypeError),
        ((float("inf"),), InputError),
    ],
)
def test_bad_rates_are_refused(args: tuple[Any, ...], error: type[Exception]) -> None:
    with pytest.raises(error):
        RateLimiter(*args)


def use_fake_bucket(client: Any, fake_time: FakeTime, rpm: float) -> RateLimiter:
    bucket = RateLimiter(rpm, clock=fake_time.clock, sleep=fake_time.sleep)
    client._rate_limiter = client._transport.rate_limiter = bucket
    return bucket


@respx.mock
async def test_the_client_spends_one_token_per_request(
    make_client: Any, fake_time: FakeTime
) -> None:
    respx.post(ENDPOINT).mock(return_value=data({"a": 1}))
    client = make_client(requests_per_minute=60)
    assert isinstance(client._rate_limiter, RateLimiter)
    use_fake_bucket(client, fake_time, 60)
    for _ in range(3):
        await client.execute("query Q { a }")
    assert fake_time.sleeps == [pytest.approx(1.0), pytest.approx(1.0)]


@respx.mock
async def test_a_429_pauses_the_bucket(make_client: Any, fake_time: FakeTime) -> None:
    limited = httpx.Response(429, json={}, headers={"Retry-After": "4"})
    respx.post(ENDPOINT).mock(side_effect=[limited, data({"a": 1})])
    client = make_client(requests_per_minute=6000)
    bucket = use_fake_bucket(client, fake_time, 6000)
    await client.execute("query Q { a }")
    # the retry waits 4 s (Retry-After); the bucket was paused until then, so no extra wait
    assert sum(fake_time.sleeps) == pytest.approx(4.0)
    assert bucket._paused_until == pytest.approx(1004.0)
