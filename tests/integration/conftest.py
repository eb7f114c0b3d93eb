"""aiolabel's AsyncClient against an in-process emulator (no socket)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from aiolabel import AsyncClient
from aiolabel.emulator import Emulator


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator() as emulator:
        yield emulator


@pytest.fixture
async def client(emu: Emulator) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(
        api_key=emu.api_key, endpoint=emu.endpoint, transport=emu.transport
    ) as aio:
        yield aio
