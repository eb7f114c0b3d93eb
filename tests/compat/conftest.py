"""The official labelbox SDK, over real HTTP, against an emulator on 127.0.0.1.

One server per test session (the shipped ``labelbox_emulator_server`` fixture of
``aiolabel.testing``); every test starts from a reset state with no faults and no task rules.
"""

from __future__ import annotations

import labelbox
import pytest

from aiolabel.emulator import EmulatorServer


@pytest.fixture
def emulator(labelbox_emulator_server: EmulatorServer) -> EmulatorServer:
    """The shipped ``labelbox_emulator_server`` fixture under a short name."""
    return labelbox_emulator_server


@pytest.fixture
def lb_client(emulator: EmulatorServer) -> labelbox.Client:
    """An official SDK client bound to a freshly reset emulator."""
    return labelbox.Client(api_key=emulator.api_key, endpoint=emulator.endpoint)
