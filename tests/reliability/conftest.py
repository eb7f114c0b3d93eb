"""Fixtures for the reliability tests: an in-process emulator whose faults can be aimed at one
operation for one request, and clients with short backoffs."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from aiolabel import AsyncClient
from aiolabel.emulator import Emulator

RATE_OF = {
    "applied_then_failed": "applied_then_failed_rate",
    "drop": "drop_rate",
    "error_502": "error_rate",
    "rate_limited": "rate_limited_rate",
}


class OneShot(httpx.AsyncBaseTransport):
    """The emulator's transport; :meth:`arm` makes the next request of one operation meet one
    fault of the emulator's fault injection, then switches faults off again."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.inner = emu.transport
        self.armed: str | None = None
        self.requests = 0

    def arm(self, operation: str, fault: str, times: int = 1) -> None:
        self.emu.set_faults(**{RATE_OF[fault]: 1.0}, operations={operation}, seed=0)
        self.armed = fault
        self.left = times

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        try:
            return await self.inner.handle_async_request(request)
        finally:
            if self.armed is not None:
                injected = self.emu.stats()["faults"].get(self.armed, 0)
                if injected >= self.left:
                    self.emu.set_faults(**{RATE_OF[self.armed]: 0.0}, operations=None)
                    self.armed = None

    async def aclose(self) -> None:
        await self.inner.aclose()


def fast(client: AsyncClient) -> AsyncClient:
    """Short backoffs: the tests are about what is resent, not how long it waits."""
    client.retry_policy.initial_backoff = 0.01
    client.retry_policy.max_backoff = 0.05
    return client


@pytest.fixture
def labelbox_emulator_settings() -> dict[str, Any]:
    return {"seed": 0}


@pytest.fixture
def emu(labelbox_emulator: Emulator) -> Emulator:
    """The shipped ``labelbox_emulator`` fixture (seeded) under a short name."""
    return labelbox_emulator


@pytest.fixture
def shot(emu: Emulator) -> OneShot:
    return OneShot(emu)


@pytest.fixture
def labelbox_client_settings(shot: OneShot) -> dict[str, Any]:
    return {"transport": shot, "max_retries": 4}


@pytest.fixture
def client(labelbox_client: AsyncClient) -> AsyncClient:
    """The shipped ``labelbox_client`` through :class:`OneShot`, with short backoffs."""
    return fast(labelbox_client)


def sent(emu: Emulator, operation: str) -> int:
    """Requests of one operation the emulator received (either endpoint)."""
    by_op = emu.stats()["by_operation"]
    return sum(n for key, n in by_op.items() if key.split(":", 1)[1] == operation)


def rows_of(emu: Emulator, sql: str, *params: Any) -> list[sqlite3.Row]:
    with emu.state.store.reading() as conn:
        return list(conn.execute(sql, params).fetchall())


Items = Callable[[int], list[dict[str, Any]]]
