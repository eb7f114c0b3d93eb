"""The client's concurrency limit as API requests take it: at most ``max_concurrency`` in flight,
first come first served, shown by ``client.limiter``, shared with anything else that borrows
the limiter, and no slot lost to a request cancelled while it waits."""

from __future__ import annotations

import asyncio
import math
from typing import Any

import httpx

from aiolabel import AsyncClient

from .conftest import API_KEY, ENDPOINT, gql_body


class Server:
    """An httpx transport answering each request after the test lets it (or at once)."""

    def __init__(self, *, hold: bool = True) -> None:
        self.hold = hold
        self.running = 0
        self.peak = 0
        self.started: list[Any] = []
        self.gate = asyncio.Event()

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.running += 1
        self.peak = max(self.peak, self.running)
        self.started.append(gql_body(request)["variables"]["n"])
        try:
            if self.hold:
                await self.gate.wait()
            else:
                await asyncio.sleep(0.001)
        finally:
            self.running -= 1
        return httpx.Response(200, json={"data": {"n": 1}})

    def reset(self) -> None:
        self.peak = self.running
        self.started.clear()


def client_for(server: Server, max_concurrency: int) -> AsyncClient:
    return AsyncClient(
        api_key=API_KEY,
        endpoint=ENDPOINT,
        transport=httpx.MockTransport(server.handle),
        max_concurrency=max_concurrency,
        max_retries=0,
    )


async def call(client: AsyncClient, n: int) -> Any:
    return await client.execute("query Q($n: Int) { n }", {"n": n})


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_in_flight_requests_are_capped_served_in_order_and_shown_by_the_limiter() -> None:
    server = Server()
    async with client_for(server, 3) as client:
        calls = [asyncio.create_task(call(client, n)) for n in range(20)]
        await settle()
        assert server.running == 3
        assert client.limiter.borrowed_tokens == 3
        server.gate.set()
        async with asyncio.timeout(10):
            await asyncio.gather(*calls)
        assert server.peak == 3
        assert server.started == list(range(20))  # first come, first served
        assert client.limiter.borrowed_tokens == 0


async def test_a_request_cancelled_while_waiting_takes_no_slot_with_it() -> None:
    server = Server()
    async with client_for(server, 2) as client:
        first = [asyncio.create_task(call(client, n)) for n in range(2)]
        waiting = [asyncio.create_task(call(client, n)) for n in range(2, 6)]
        await settle()
        assert server.running == 2
        waiting[0].cancel()
        waiting[2].cancel()
        await settle()
        server.gate.set()
        async with asyncio.timeout(10):
            await asyncio.gather(*first, waiting[1], waiting[3])
        assert waiting[0].cancelled()
        assert waiting[2].cancelled()
        assert server.started == [0, 1, 3, 5]
        # every slot came back: the next round runs two at a time again, to the end
        server.gate.clear()
        server.reset()
        calls = [asyncio.create_task(call(client, n)) for n in range(10)]
        await settle()
        assert server.running == 2
        server.gate.set()
        async with asyncio.timeout(10):
            await asyncio.gather(*calls)
        assert server.peak == 2
        assert client.limiter.borrowed_tokens == 0


async def test_a_request_cancelled_as_its_slot_comes_passes_the_slot_on() -> None:
    server = Server(hold=False)
    async with client_for(server, 1) as client:
        tasks = [asyncio.create_task(call(client, n)) for n in range(6)]
        await asyncio.sleep(0)
        for _ in range(3):  # cancel waiters at the moments slots are handed over
            await asyncio.sleep(0.0005)
            for task in tasks:
                if not task.done():
                    task.cancel()
                    break
        async with asyncio.timeout(10):
            await asyncio.gather(*tasks, return_exceptions=True)
        assert server.peak == 1
        server.reset()
        async with asyncio.timeout(10):
            await asyncio.gather(*(call(client, n) for n in range(5)))
        assert server.started == list(range(5))
        assert client.limiter.borrowed_tokens == 0


async def test_tokens_borrowed_elsewhere_leave_fewer_slots_for_requests() -> None:
    server = Server(hold=False)
    async with client_for(server, 3) as client:
        await call(client, 0)  # the limiter belongs to this loop now
        await client.limiter.acquire_on_behalf_of("someone else")
        await client.limiter.acquire_on_behalf_of("another one")
        server.reset()
        async with asyncio.timeout(10):
            await asyncio.gather(*(call(client, n) for n in range(8)))
        assert server.peak == 1
        client.limiter.release_on_behalf_of("someone else")
        client.limiter.release_on_behalf_of("another one")
        server.reset()
        async with asyncio.timeout(10):
            await asyncio.gather(*(call(client, n) for n in range(8)))
        assert server.peak == 3


async def test_a_larger_limiter_lets_waiting_requests_in_first() -> None:
    server = Server()
    async with client_for(server, 2) as client:
        calls = [asyncio.create_task(call(client, n)) for n in range(10)]
        await settle()
        assert server.running == 2
        client.limiter.total_tokens = 5
        calls.append(asyncio.create_task(call(client, 10)))  # the next request sees it
        await settle()
        assert server.running == 5
        assert server.started == list(range(5))  # those waiting first, in order
        server.gate.set()
        async with asyncio.timeout(10):
            await asyncio.gather(*calls)
        assert server.peak == 5
        assert client.limiter.borrowed_tokens == 0


async def test_a_smaller_limiter_caps_the_requests_after_it() -> None:
    server = Server()
    async with client_for(server, 3) as client:
        calls = [asyncio.create_task(call(client, n)) for n in range(10)]
        await settle()
        client.limiter.total_tokens = 1
        server.gate.set()
        async with asyncio.timeout(10):
            await asyncio.gather(*calls)
        server.gate.clear()
        server.reset()
        calls = [asyncio.create_task(call(client, n)) for n in range(10)]
        await settle()
        assert server.running == 1
        server.gate.set()
        async with asyncio.timeout(10):
            await asyncio.gather(*calls)
        assert server.peak == 1
        assert server.started == list(range(10))


async def test_an_unbounded_limiter_lets_every_request_in() -> None:
    server = Server()
    async with client_for(server, 2) as client:
        calls = [asyncio.create_task(call(client, n)) for n in range(10)]
        await settle()
        client.limiter.total_tokens = math.inf
        calls.append(asyncio.create_task(call(client, 10)))
        await settle()
        assert server.running == 11
        server.gate.set()
        async with asyncio.timeout(10):
            await asyncio.gather(*calls)
        assert client.limiter.borrowed_tokens == 0


async def test_a_request_cancelled_waiting_for_a_borrowed_token_gives_its_place_back() -> None:
    server = Server()
    async with client_for(server, 2) as client:
        server.gate.set()
        await call(client, 0)  # the limiter belongs to this loop now
        server.gate.clear()
        await client.limiter.acquire_on_behalf_of("someone else")
        first = asyncio.create_task(call(client, 1))
        waiting = asyncio.create_task(call(client, 2))  # waits for the token borrowed elsewhere
        await settle()
        assert server.running == 1
        waiting.cancel()
        await settle()
        assert waiting.cancelled()
        client.limiter.release_on_behalf_of("someone else")
        server.gate.set()
        await asyncio.wait_for(first, 10)
        server.gate.clear()
        server.reset()
        calls = [asyncio.create_task(call(client, n)) for n in range(6)]
        await settle()
        assert server.running == 2
        server.gate.set()
        async with asyncio.timeout(10):
            await asyncio.gather(*calls)
        assert client.limiter.borrowed_tokens == 0
