"""Fixtures and server-state helpers shared by the project integration tests (no tests here).

Import the fixtures into a test module: ``from tests.integration.test_project_support import
project_fixture, rows_fixture`` (they are named ``project`` and ``rows``).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from typing import Any

import pytest

from aiolabel import AsyncClient, MediaType
from aiolabel.emulator import Emulator
from aiolabel.models.project import Project

ROWS = 3_000
"""Data rows the ``rows`` fixture makes (global keys ``gk-0`` ...)."""


def sql(emu: Emulator, query: str, *params: Any) -> list[sqlite3.Row]:
    """Read the emulator's store directly (the server state, not what the client was told)."""
    with emu.state.store.reading() as conn:
        return list(conn.execute(query, params).fetchall())


def one(emu: Emulator, query: str, *params: Any) -> Any:
    """The single value of a one-row, one-column query."""
    found = sql(emu, query, *params)
    assert len(found) == 1, found
    return found[0][0]


def requests(emu: Emulator) -> Counter[str]:
    """Requests the emulator served, by operation name (endpoint prefix dropped)."""
    counts: Counter[str] = Counter()
    for key, value in emu.stats()["by_operation"].items():
        counts[key.split(":", 1)[-1]] += value
    return counts


def batch_rows(emu: Emulator, batch_id: str) -> list[str]:
    """Data-row ids the server holds in a batch."""
    return [
        r[0]
        for r in sql(
            emu,
            "SELECT data_row_id FROM project_data_rows WHERE batch_id = ? ORDER BY seq",
            batch_id,
        )
    ]


@pytest.fixture(name="project")
async def project_fixture(client: AsyncClient) -> Project:
    return await client.create_project("integration project", MediaType.Image)


@pytest.fixture(name="rows")
def rows_fixture(emu: Emulator) -> list[str]:
    """Ids of ``ROWS`` image data rows with global keys ``gk-<i>``."""
    made = emu.control(
        "bulk_create_data_rows", count=ROWS, media_type="IMAGE", global_key_prefix="gk-"
    )
    ids: list[str] = made["ids"]
    return ids
