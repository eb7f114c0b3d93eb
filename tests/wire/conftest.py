"""Fixtures of the wire tests; import ``official_sdk`` into another conftest to reuse it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.wire.recorder import Recorder, recording_client


@dataclass
class OfficialSDK:
    """An official ``labelbox.Client`` wired to a recorder."""

    client: Any
    recorder: Recorder


@pytest.fixture
def official_sdk() -> Iterator[OfficialSDK]:
    """The official SDK, offline: ``official_sdk.client`` and what it sent, ``.recorder``."""
    with recording_client() as (client, recorder):
        yield OfficialSDK(client, recorder)
