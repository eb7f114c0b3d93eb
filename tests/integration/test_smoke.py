"""The client and the emulator meet: identity calls go through the whole stack."""

from __future__ import annotations

from aiolabel import AsyncClient
from aiolabel.emulator import Emulator


async def test_user_and_organization(client: AsyncClient, emu: Emulator) -> None:
    user = await client.get_user()
    org = await client.get_organization()
    assert user.uid == emu.state.user_id
    assert org.uid == emu.state.org_id
    assert emu.stats()["by_operation"]["graphql:GetUserPyApi"] == 1
