"""Helpers of the catalog integration tests: the emulator's stored state, read directly."""

from __future__ import annotations

from typing import Any

from aiolabel.emulator import Emulator


def query(emu: Emulator, sql: str, *args: Any) -> list[dict[str, Any]]:
    """Rows of a read-only SQL query against the emulator's store."""
    with emu.state.store.reading() as conn:
        return [dict(r) for r in conn.execute(sql, args).fetchall()]


def live_rows(emu: Emulator, dataset_id: str) -> list[dict[str, Any]]:
    """The dataset's live data rows, in creation order."""
    return query(
        emu,
        "SELECT * FROM data_rows WHERE dataset_id = ? AND deleted = 0 ORDER BY seq",
        dataset_id,
    )


def requests(emu: Emulator, operation: str) -> int:
    """How many requests of one GraphQL operation the emulator answered."""
    return int(emu.stats()["by_operation"].get(f"graphql:{operation}", 0))


def metadata_of(emu: Emulator, data_row_id: str) -> dict[str, Any]:
    """``{schema id: stored JSON value}`` of one data row."""
    rows = query(
        emu, "SELECT schema_id, value FROM data_row_metadata WHERE data_row_id = ?", data_row_id
    )
    return {r["schema_id"]: r["value"] for r in rows}
