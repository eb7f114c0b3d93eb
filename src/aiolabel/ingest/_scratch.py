"""The ingest run's scratch table: what each manifest line became, on disk, so memory stays flat.

One SQLite file in a temporary directory per run, deleted when the run ends. It is not a
journal: a rerun starts from the server's state (global keys, batch names), never from here.
It holds, per valid line, its global key (unique, compared case-insensitively like the
service), its batch name and priority, and how far it got; and the failures, per line.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

__all__ = ["Batched", "FailedRow", "Scratch", "State", "norm_key"]

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_VARIABLES = 900
"""Parameters per ``IN (...)`` list (well under SQLite's limit)."""


def norm_key(key: str) -> str:
    """The form global keys are compared in (ASCII case folded, as the service and NOCASE)."""
    return key.translate(_ASCII_LOWER)


class State(IntEnum):
    """Where a valid line's data row stands."""

    PENDING = 0
    """Read; not looked up yet."""
    PRESENT = 1
    """Its global key existed before this run."""
    SENT = 2
    """Sent to be created (or, in a dry run, would be)."""
    CREATED = 3
    FAILED = 9


class Batched(IntEnum):
    """Where a landed row stands with its batch."""

    UNKNOWN = 0
    ADDED = 1
    ALREADY = 2
    """It was already in a batch of the project."""
    FAILED = 9


@dataclass(frozen=True, slots=True)
class FailedRow:
    """A manifest line that did not fully land: ``stage`` is where it stopped (``read``,
    ``upload``, ``batch`` or ``priority``), ``field`` the field at fault if one is."""

    line: int
    global_key: str | None
    stage: str
    field: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class BatchRow:
    line: int
    global_key: str | None
    data_row_id: str | None


_DDL = """
CREATE TABLE rows (
    line INTEGER PRIMARY KEY,
    key TEXT COLLATE NOCASE,
    batch TEXT NOT NULL,
    priority INTEGER,
    state INTEGER NOT NULL,
    batched INTEGER NOT NULL DEFAULT 0,
    row_data TEXT,
    external_id TEXT,
    data_row_id TEXT
);
CREATE UNIQUE INDEX rows_by_key ON rows (key) WHERE key IS NOT NULL;
CREATE INDEX rows_by_batch ON rows (batch, line);
CREATE TABLE failures (
    line INTEGER NOT NULL,
    key TEXT,
    stage TEXT NOT NULL,
    field TEXT,
    reason TEXT NOT NULL
);
CREATE TABLE upload_errors (key TEXT PRIMARY KEY COLLATE NOCASE, reason TEXT NOT NULL);
"""


def _chunks(items: Sequence[str], size: int = _VARIABLES) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Scratch:
    """The scratch table of one run (``directory`` is the run's temporary directory)."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "ingest.sqlite3"
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        for pragma in (
            "journal_mode = OFF",
            "synchronous = OFF",
            "temp_store = FILE",
            "cache_size = -16000",
        ):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.executescript(_DDL)
        self.db.execute("BEGIN")

    def close(self) -> None:
        try:
            self.db.commit()
        finally:
            self.db.close()

    def commit(self) -> None:
        """Make what was written durable in the file and start the next write batch."""
        self.db.commit()
        self.db.execute("BEGIN")

    # -- reading the manifest ----------------------------------------------------------------

    def first_lines(self, keys: Sequence[str]) -> dict[str, int]:
        """Normalised key → line, for the keys already recorded."""
        found: dict[str, int] = {}
        for part in _chunks(keys):
            marks = ",".join("?" * len(part))
            for key, line in self.db.execute(
                f"SELECT key, line FROM rows WHERE key IN ({marks})", list(part)
            ):
                found[norm_key(key)] = line
        return found

    def add_rows(
        self,
        rows: Iterable[tuple[int, str | None, str, int | None, str | None, str | None]],
    ) -> None:
        """``(line, key, batch, priority, row_data, external_id)`` of valid lines; row data and
        external id are kept only for rows without a key (they are matched by them)."""
        self.db.executemany(
            "INSERT INTO rows (line, key, batch, priority, state, row_data, external_id)"
            " VALUES (?, ?, ?, ?, 0, ?, ?)",
            rows,
        )

    def set_state(self, lines: Iterable[int], state: State) -> None:
        self.db.executemany(
            "UPDATE rows SET state = ? WHERE line = ?", [(int(state), line) for line in lines]
        )

    def fail(self, failures: Iterable[FailedRow]) -> int:
        """Record failures (the caller moves the rows' state); returns how many."""
        items = [(f.line, f.global_key, f.stage, f.field, f.reason) for f in failures]
        self.db.executemany(
            "INSERT INTO failures (line, key, stage, field, reason) VALUES (?, ?, ?, ?, ?)", items
        )
        return len(items)

    # -- the upload --------------------------------------------------------------------------

    def mark_created(
        self, rows: Iterable[tuple[str | None, str | None, str | None, str | None]]
    ) -> None:
        """Rows the upsert task reports created: ``(id, global_key, row_data, external_id)``."""
        keyed: list[tuple[str | None, str]] = []
        for data_row_id, key, row_data, external_id in rows:
            if key is not None:
                keyed.append((data_row_id, key))
                continue
            found = self.db.execute(
                "SELECT line FROM rows WHERE key IS NULL AND state = ? AND row_data = ?"
                " AND external_id IS ? ORDER BY line LIMIT 1",
                (int(State.SENT), row_data, external_id),
            ).fetchone()
            if found is not None:
                self.db.execute(
                    "UPDATE rows SET state = ?, data_row_id = ? WHERE line = ?",
                    (int(State.CREATED), data_row_id, found[0]),
                )
        self.db.executemany(
            "UPDATE rows SET state = ?, data_row_id = ? WHERE key = ? AND state = ?",
            [(int(State.CREATED), i, k, int(State.SENT)) for i, k in keyed],
        )

    def upload_error(self, errors: Iterable[tuple[str, str]]) -> None:
        """``(global_key, reason)`` the upsert task reported (the first reason per key kept)."""
        self.db.executemany(
            "INSERT OR IGNORE INTO upload_errors (key, reason) VALUES (?, ?)", errors
        )

    def unconfirmed(self, limit: int) -> list[tuple[int, str | None, str | None]]:
        """Up to ``limit`` rows still SENT: ``(line, key, upload error)``."""
        return self.db.execute(
            "SELECT r.line, r.key, e.reason FROM rows r LEFT JOIN upload_errors e ON e.key = r.key"
            " WHERE r.state = ? ORDER BY r.line LIMIT ?",
            (int(State.SENT), limit),
        ).fetchall()

    # -- batches and priorities --------------------------------------------------------------

    def batch_names(self) -> list[str]:
        """Names of the batches rows that landed go to, in order of their first line."""
        return [
            name
            for (name,) in self.db.execute(
                "SELECT batch FROM rows WHERE state IN (?, ?) GROUP BY batch ORDER BY MIN(line)",
                (int(State.PRESENT), int(State.CREATED)),
            )
        ]

    def batch_rows(self, name: str) -> list[BatchRow]:
        return [
            BatchRow(line, key, data_row_id)
            for line, key, data_row_id in self.db.execute(
                "SELECT line, key, data_row_id FROM rows WHERE batch = ? AND state IN (?, ?)"
                " ORDER BY line",
                (name, int(State.PRESENT), int(State.CREATED)),
            )
        ]

    def set_batched(self, lines: Iterable[int], batched: Batched) -> None:
        self.db.executemany(
            "UPDATE rows SET batched = ? WHERE line = ?", [(int(batched), line) for line in lines]
        )

    def landed_count(self) -> int:
        return int(
            self.db.execute(
                "SELECT COUNT(*) FROM rows WHERE state IN (?, ?)",
                (int(State.PRESENT), int(State.CREATED)),
            ).fetchone()[0]
        )

    def priority_count(self) -> int:
        return int(
            self.db.execute(
                "SELECT COUNT(*) FROM rows WHERE state IN (?, ?) AND batched IN (?, ?)"
                " AND priority IS NOT NULL",
                (int(State.PRESENT), int(State.CREATED), int(Batched.ADDED), int(Batched.ALREADY)),
            ).fetchone()[0]
        )

    def priorities(
        self, after_line: int, limit: int
    ) -> list[tuple[int, str | None, str | None, int]]:
        """``(line, key, data_row_id, priority)`` of batched rows with a priority, by line."""
        return self.db.execute(
            "SELECT line, key, data_row_id, priority FROM rows WHERE line > ? AND state IN (?, ?)"
            " AND batched IN (?, ?) AND priority IS NOT NULL ORDER BY line LIMIT ?",
            (
                after_line,
                int(State.PRESENT),
                int(State.CREATED),
                int(Batched.ADDED),
                int(Batched.ALREADY),
                limit,
            ),
        ).fetchall()

    # -- the summary -------------------------------------------------------------------------

    def count(self, state: State) -> int:
        return int(
            self.db.execute("SELECT COUNT(*) FROM rows WHERE state = ?", (int(state),)).fetchone()[
                0
            ]
        )

    def count_batched(self, batched: Batched) -> int:
        return int(
            self.db.execute(
                "SELECT COUNT(*) FROM rows WHERE batched = ?", (int(batched),)
            ).fetchone()[0]
        )

    def count_invalid(self) -> int:
        """Lines refused while reading."""
        return int(
            self.db.execute(
                "SELECT COUNT(DISTINCT line) FROM failures WHERE stage = 'read'"
            ).fetchone()[0]
        )

    def failed_lines(self) -> int:
        """Distinct lines with at least one failure."""
        return int(self.db.execute("SELECT COUNT(DISTINCT line) FROM failures").fetchone()[0])

    def failures(self, limit: int | None = None) -> Iterator[FailedRow]:
        """Every failure, by line (then in the order recorded)."""
        sql = "SELECT line, key, stage, field, reason FROM failures ORDER BY line, rowid"
        cursor = self.db.execute(sql + ("" if limit is None else f" LIMIT {int(limit)}"))
        while True:
            page = cursor.fetchmany(1000)
            if not page:
                return
            for line, key, stage, field, reason in page:
                yield FailedRow(line, key, stage, field, reason)
