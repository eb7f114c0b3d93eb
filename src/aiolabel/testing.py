"""pytest fixtures: a local Labelbox emulator, and clients bound to it.

Installed as the pytest plugin ``aiolabel`` (entry point ``pytest11``), so with
``aiolabel[emulator]`` installed every test can ask for:

- ``labelbox_emulator``: a fresh in-process :class:`~aiolabel.emulator.Emulator` per test (no
  socket; ``emu.endpoint``, ``emu.api_key``, ``emu.transport``, ``emu.control(...)``);
- ``labelbox_client``: an :class:`aiolabel.AsyncClient` bound to ``labelbox_emulator``;
- ``labelbox_emulator_server``: one :class:`~aiolabel.emulator.EmulatorServer` on 127.0.0.1 for
  the whole session, reset (data, task rules and faults) before each test, for code that needs
  real HTTP, such as the official ``labelbox`` SDK.

Override ``labelbox_emulator_settings`` (a dict of ``Emulator`` keyword settings, e.g.
``{"task_delay_ms": 50}`` or ``{"db": str(tmp_path / "emulator.sqlite3")}``) to configure the
in-process emulator, and ``labelbox_client_settings`` (a dict of ``AsyncClient`` keyword arguments,
e.g. ``{"max_retries": 1}``) to configure ``labelbox_client``; a ``transport`` given there
replaces the emulator's own (wrap ``labelbox_emulator.transport`` to observe or alter requests).
The async fixtures need an asyncio test runner (pytest-asyncio).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from aiolabel.client import AsyncClient
    from aiolabel.emulator import Emulator, EmulatorServer

try:
    from pytest_asyncio import fixture as _async_fixture
except ImportError:  # pragma: no cover - an async runner other than pytest-asyncio
    _async_fixture = pytest.fixture  # type: ignore[assignment]

_NO_FAULTS: dict[str, Any] = {
    "latency_ms": 0.0,
    "error_rate": 0.0,
    "rate_limited_rate": 0.0,
    "retry_after_s": 1,
    "rate_limit": None,
    "drop_rate": 0.0,
    "applied_then_failed_rate": 0.0,
    "operations": None,
    "latency_operations": None,
}


@pytest.fixture
def labelbox_emulator_settings() -> dict[str, Any]:
    """Keyword settings for ``labelbox_emulator`` (override to change them)."""
    return {}


@_async_fixture
async def labelbox_emulator(
    labelbox_emulator_settings: dict[str, Any],
) -> AsyncIterator[Emulator]:
    """A fresh emulator in this process, stopped after the test."""
    from aiolabel.emulator import Emulator

    async with Emulator(**labelbox_emulator_settings) as emulator:
        yield emulator


@pytest.fixture
def labelbox_client_settings() -> dict[str, Any]:
    """Keyword arguments for ``labelbox_client``'s ``AsyncClient`` (override to change them)."""
    return {}


@_async_fixture
async def labelbox_client(
    labelbox_emulator: Emulator, labelbox_client_settings: dict[str, Any]
) -> AsyncIterator[AsyncClient]:
    """An ``aiolabel.AsyncClient`` talking to ``labelbox_emulator`` without a socket, built with
    ``labelbox_client_settings``."""
    from aiolabel.client import AsyncClient

    settings: dict[str, Any] = {"transport": labelbox_emulator.transport}
    settings.update(labelbox_client_settings)
    async with AsyncClient(
        api_key=labelbox_emulator.api_key, endpoint=labelbox_emulator.endpoint, **settings
    ) as client:
        yield client


@pytest.fixture(scope="session")
def _labelbox_emulator_server_session() -> Iterator[EmulatorServer]:
    from aiolabel.emulator import EmulatorServer

    with EmulatorServer() as server:
        yield server


@pytest.fixture
def labelbox_emulator_server(
    _labelbox_emulator_server_session: EmulatorServer,
) -> EmulatorServer:
    """The session's HTTP emulator, reset: no data, no task rules, no faults."""
    server = _labelbox_emulator_server_session
    server.wait_for_jobs()
    server.reset()
    server.set_faults(**_NO_FAULTS)
    return server
