"""Server-state helpers shared by the integration tests: what the emulator stored and served,
read directly rather than taken from what the client was told (no tests here)."""

from __future__ import annotations

import sqlite3
from collections import Counter
from typing import Any, overload

from aiolabel.emulator import Emulator

ROWS = 3_000
"""Data rows the ``rows`` fixture makes (global keys ``gk-0`` ...)."""


def sql(emu: Emulator, query: str, *params: Any) -> list[sqlite3.Row]:
    """Read the emulator's store directly (the server state, not what the client was told)."""
    with emu.state.store.reading() as conn:
        return list(conn.execute(query, params).fetchall())


def query(emu: Emulator, sql: str, *args: Any) -> list[dict[str, Any]]:
    """Rows of a read-only SQL query against the emulator's store, as dicts."""
    with emu.state.store.reading() as conn:
        return [dict(r) for r in conn.execute(sql, args).fetchall()]


def one(emu: Emulator, query: str, *params: Any) -> Any:
    """The single value of a one-row, one-column query."""
    found = sql(emu, query, *params)
    assert len(found) == 1, found
    return found[0][0]


@overload
def requests(emu: Emulator) -> Counter[str]: ...
@overload
def requests(emu: Emulator, operation: str) -> int: ...
def requests(emu: Emulator, operation: str | None = None) -> Counter[str] | int:
    """Requests the emulator served: by operation name over every endpoint (endpoint prefix
    dropped), or, given one operation, how many of it the GraphQL endpoint answered."""
    by_operation = emu.stats()["by_operation"]
    if operation is not None:
        return int(by_operation.get(f"graphql:{operation}", 0))
    counts: Counter[str] = Counter()
    for key, value in by_operation.items():
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


def live_rows(emu: Emulator, dataset_id: str) -> list[dict[str, Any]]:
    """The dataset's live data rows, in creation order."""
    return query(
        emu,
        "SELECT * FROM data_rows WHERE dataset_id = ? AND deleted = 0 ORDER BY seq",
        dataset_id,
    )


def metadata_of(emu: Emulator, data_row_id: str) -> dict[str, Any]:
    """``{schema id: stored JSON value}`` of one data row."""
    rows = query(
        emu, "SELECT schema_id, value FROM data_row_metadata WHERE data_row_id = ?", data_row_id
    )
    return {r["schema_id"]: r["value"] for r in rows}
