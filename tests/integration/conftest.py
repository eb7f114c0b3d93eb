"""aiolabel's AsyncClient against an in-process emulator (no socket).

``emu`` and ``client`` are the shipped ``labelbox_emulator`` and ``labelbox_client`` fixtures of
``aiolabel.testing`` under short names; ``project`` and ``rows`` give a test a project and
``ROWS`` data rows on the server.
"""

from __future__ import annotations

import pytest

from aiolabel import AsyncClient, MediaType
from aiolabel.emulator import Emulator
from aiolabel.models.project import Project
from tests.integration._support import ROWS


@pytest.fixture
async def project(client: AsyncClient) -> Project:
    return await client.create_project("integration project", MediaType.Image)


@pytest.fixture
def rows(emu: Emulator) -> list[str]:
    """Ids of ``ROWS`` image data rows with global keys ``gk-<i>``."""
    made = emu.control(
        "bulk_create_data_rows", count=ROWS, media_type="IMAGE", global_key_prefix="gk-"
    )
    ids: list[str] = made["ids"]
    return ids
