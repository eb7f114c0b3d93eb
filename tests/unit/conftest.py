"""Unit-test helpers: a fake clock and sleep, a GraphQL responder for respx, client factories."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from aiolabel import AsyncClient
from tests._support.wire import TS, user

API_KEY = "lb-test-key-DO-NOT-LEAK-7f3a9c"
ENDPOINT = "https://api.labelbox.test/graphql"


class FakeTime:
    """A clock that only moves when something sleeps; records every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def gql_body(request: httpx.Request) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(request.content)
    return body


def op_name(request: httpx.Request) -> str:
    query = gql_body(request)["query"]
    head = query.split("{", 1)[0].split("(", 1)[0].split()
    return head[1] if len(head) > 1 else ""


def data(payload: Any, status: int = 200, **kw: Any) -> httpx.Response:
    return httpx.Response(status, json={"data": payload}, **kw)


def gql_error(
    code: str | None, message: str = "boom", status: int = 200, **ext: Any
) -> httpx.Response:
    error: dict[str, Any] = {"message": message}
    if code is not None:
        error["extensions"] = {"code": code, **ext}
    return httpx.Response(status, json={"data": None, "errors": [error]})


USER = user("user-1")


def task_wire(task_id: str = "task-1", status: str = "IN_PROGRESS", **kw: Any) -> dict[str, Any]:
    wire = {
        "completionPercentage": 0.0,
        "createdAt": TS,
        "errors": None,
        "metadata": None,
        "name": "t",
        "result": None,
        "status": status,
        "type": "add-data-rows-to-batch",
        "id": task_id,
        "updatedAt": TS,
    }
    wire.update(kw)
    return wire


def bind_time(client: AsyncClient, fake: FakeTime) -> AsyncClient:
    client._retry.sleep = fake.sleep
    client._retry.clock = fake.clock
    client._poller.sleep = fake.sleep
    client._poller.clock = fake.clock
    return client


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
async def make_client(fake_time: FakeTime) -> AsyncIterator[Callable[..., AsyncClient]]:
    """Build clients on the test endpoint with fake time; they are closed after the test.

    The transport is httpx's own unless a test says otherwise: respx mocks that one (the
    default is the aiohttp-backed transport when httpx-aiohttp is installed).
    """
    made: list[AsyncClient] = []

    def make(**kw: Any) -> AsyncClient:
        kw.setdefault("transport", "httpx")
        kw.setdefault("api_key", API_KEY)
        kw.setdefault("endpoint", ENDPOINT)
        client = bind_time(AsyncClient(**kw), fake_time)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()
