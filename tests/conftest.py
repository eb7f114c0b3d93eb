"""Shared test configuration: fixtures every tier may use."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from aiolabel import AsyncClient
from aiolabel.emulator import Emulator

# Speed is measured in benchmarks/, never in tests: no per-example deadline, and no health check
# that fails a property test because a loaded machine made generation slow.
settings.register_profile("aiolabel", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("aiolabel")


@pytest.fixture
def all_logs() -> Iterator[io.StringIO]:
    """Every record of every logger, at DEBUG, with its arguments and exception text."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s %(args)r"))
    root = logging.getLogger()
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(old)


@pytest.fixture
def emu(labelbox_emulator: Emulator) -> Emulator:
    """The shipped ``labelbox_emulator`` fixture (``aiolabel.testing``) under a short name."""
    return labelbox_emulator


@pytest.fixture
def client(labelbox_client: AsyncClient) -> AsyncClient:
    """The shipped ``labelbox_client`` fixture (an AsyncClient on ``emu``) under a short name."""
    return labelbox_client
