"""The official labelbox SDK, over real HTTP, against an emulator on 127.0.0.1.

One server per test session; every test starts from a reset state with no faults and no task rules.
"""

from __future__ import annotations

from collections.abc import Iterator

import labelbox
import pytest

from aiolabel.emulator import EmulatorServer


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[EmulatorServer]:
    with EmulatorServer() as server:
        yield server


@pytest.fixture
def emulator(emulator_server: EmulatorServer) -> EmulatorServer:
    emulator_server.wait_for_jobs()
    emulator_server.reset()
    emulator_server.set_faults(
        latency_ms=0.0,
        error_rate=0.0,
        rate_limit=None,
        drop_rate=0.0,
        applied_then_failed_rate=0.0,
        operations=None,
        latency_operations=None,
    )
    return emulator_server


@pytest.fixture
def lb_client(emulator: EmulatorServer) -> labelbox.Client:
    """An official SDK client bound to a freshly reset emulator."""
    return labelbox.Client(api_key=emulator.api_key, endpoint=emulator.endpoint)
