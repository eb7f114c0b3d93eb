"""SQLite storage: one connection, one lock, explicit transactions, per-domain DDL.

Every request runs in one transaction (a refused request changes nothing); background jobs write in
transactions of bounded size so requests interleave with them.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"

PLATFORM_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS organizations (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id),
    email TEXT NOT NULL, name TEXT NOT NULL, nickname TEXT NOT NULL, timezone TEXT,
    is_viewer INTEGER NOT NULL DEFAULT 0, is_external INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
    key TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tasks (
    id TEXT PRIMARY KEY, org_id TEXT NOT NULL, created_by TEXT NOT NULL,
    type TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL,
    completion REAL NOT NULL DEFAULT 0, result TEXT, errors TEXT, metadata TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    -- what the finished work produced, published as status/result/errors when the rule allows
    work_done INTEGER NOT NULL DEFAULT 0, outcome_status TEXT, outcome_result TEXT,
    outcome_errors TEXT, polls_left INTEGER NOT NULL DEFAULT 0, ready_at REAL NOT NULL DEFAULT 0,
    forced_errors TEXT, cancel_requested INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS tasks_by_user ON tasks (created_by, created_at);
CREATE INDEX IF NOT EXISTS tasks_pending ON tasks (work_done, status);
CREATE TABLE IF NOT EXISTS task_items (
    task_id TEXT NOT NULL, kind TEXT NOT NULL, seq INTEGER NOT NULL, payload TEXT NOT NULL,
    PRIMARY KEY (task_id, kind, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files (
    id TEXT PRIMARY KEY, filename TEXT, content_type TEXT, size INTEGER NOT NULL,
    data BLOB NOT NULL, created_at TEXT NOT NULL
);
"""


def now_iso(ts: float | None = None) -> str:
    """A timestamp in the wire format the official SDK parses: ``%Y-%m-%dT%H:%M:%S.%fZ``."""
    moment = datetime.fromtimestamp(time.time() if ts is None else ts, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class IdFactory:
    """cuid-like ids: 25 lowercase characters starting with 'c', unique across restarts."""

    def __init__(self) -> None:
        self._counter = itertools.count(int.from_bytes(os.urandom(3), "big"))
        self._lock = threading.Lock()

    @staticmethod
    def _b36(value: int, width: int) -> str:
        out = []
        for _ in range(width):
            value, digit = divmod(value, 36)
            out.append(_ALPHABET[digit])
        return "".join(reversed(out))

    def __call__(self) -> str:
        with self._lock:
            count = next(self._counter)
        stamp = self._b36(time.time_ns() // 1_000_000, 8)
        rand = self._b36(int.from_bytes(os.urandom(8), "big"), 12)
        return "c" + stamp + self._b36(count, 4) + rand


PAGE_SIZE = 16_384
JOURNAL_SIZE_LIMIT = 64 << 20
"""Bytes of journal kept between transactions (a larger one, left by a big transaction, is cut)."""


class PageEnds:
    """Where the offset pages of a listing ended, so that the next page continues there.

    An offset page costs O(offset) in SQLite; the official SDK reads its offset listings
    (overrides, labels) in pages of 100 with growing ``skip``, so a page that starts where an
    earlier one ended continues from that page's last listing key, as a keyset page does, in
    O(page). An entry ``(listing, position) -> (database version, key of the row before that
    position)`` holds while the database is unchanged (``total_changes`` counts every write on
    the store's one connection; a rollback, which undoes writes without counting, clears every
    entry: :meth:`Store.transaction`); any other offset is read by OFFSET. The oldest entries
    go first past ``size``. Each :class:`Store` has its own.
    """

    def __init__(self, size: int = 256) -> None:
        self._ends: OrderedDict[tuple[Hashable, int], tuple[int, Any]] = OrderedDict()
        self._size = size

    def after(self, conn: sqlite3.Connection, listing: Hashable, offset: int) -> Any | None:
        """The key of the row before ``offset`` in ``listing``, if a page ended there and the
        database has not changed since; else None (and always None at offset 0)."""
        if not offset:
            return None
        known = self._ends.get((listing, offset))
        return known[1] if known is not None and known[0] == conn.total_changes else None

    def ended(self, conn: sqlite3.Connection, listing: Hashable, offset: int, key: Any) -> None:
        """A page of ``listing`` ended at ``offset`` (exclusive) with the row of ``key``."""
        self._ends[(listing, offset)] = (conn.total_changes, key)
        while len(self._ends) > self._size:
            self._ends.popitem(last=False)

    def clear(self) -> None:
        self._ends.clear()


class Store:
    """The emulator's state: a SQLite database (a file, or in memory)."""

    def __init__(self, path: str = ":memory:", ddl: list[str] | None = None) -> None:
        self.path = path
        self.lock = threading.RLock()
        self.new_id = IdFactory()
        self._savepoints = 0
        self.page_ends = PageEnds()
        """Where listings' offset pages ended (see :class:`PageEnds`)."""
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        # before anything is written (a no-op for an existing file): bulk writes and the
        # queue-order index touch far fewer pages than with the default 4 KiB
        self._conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
        if path != ":memory:":
            # A rollback journal, kept between transactions (zeroed, not deleted), without
            # fsync: a commit writes its pages to the file once, where a write-ahead log also
            # checksums every page and copies it again at each checkpoint (an override call
            # rewrites most pages of the queue-order index). A commit is in the file once the
            # operating system has it: a stopped or killed emulator loses nothing it answered
            # (a transaction it did not finish is rolled back from the journal on the next
            # open); a crash of the machine itself may lose the last transactions or damage
            # the file. Other processes may read the file while the emulator runs, but unlike
            # with a write-ahead log a reader holds writes back: a write waits for an open read
            # transaction up to the connection's 5 s busy timeout, then fails ("database is
            # locked").
            self._conn.execute("PRAGMA journal_mode=PERSIST")
            self._conn.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT}")
        self._conn.execute("PRAGMA synchronous=OFF")
        self._conn.execute("PRAGMA temp_store=MEMORY")
        self._conn.execute("PRAGMA cache_size=-65536")
        self._conn.execute("PRAGMA foreign_keys=OFF")
        self._ddl = [PLATFORM_DDL, *(ddl or [])]
        self.create_schema()

    def create_schema(self) -> None:
        with self.lock:
            self._add_missing_columns()
            for script in self._ddl:
                self._conn.executescript(script)

    def _add_missing_columns(self) -> None:
        """A file written by an older emulator keeps its rows: a column the DDL declares and an
        existing table lacks is added (with the declared default), before the DDL's indexes,
        which may name it, are created."""
        if self.path == ":memory:":
            return
        reference = sqlite3.connect(":memory:")
        try:
            for script in self._ddl:
                reference.executescript(script)
            existing = {
                name
                for (name,) in self._conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
            }
            tables = reference.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            for (table,) in tables.fetchall():
                if table not in existing:
                    continue
                have = {row[1] for row in self._conn.execute(f'PRAGMA table_info("{table}")')}
                for _, column, kind, notnull, default, _ in reference.execute(
                    f'PRAGMA table_info("{table}")'
                ):
                    if column in have:
                        continue
                    clause = f'ALTER TABLE "{table}" ADD COLUMN "{column}" {kind}'
                    if default is not None:
                        clause += f" DEFAULT {default}" + (" NOT NULL" if notnull else "")
                    self._conn.execute(clause)
        finally:
            reference.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Hold the lock and run one write transaction; roll back on any exception.

        Nested use (work run inline inside a request) becomes a savepoint of the outer one.
        """
        with self.lock:
            if self._conn.in_transaction:
                self._savepoints += 1
                name = f"sp{self._savepoints}"
                self._conn.execute(f"SAVEPOINT {name}")
                try:
                    yield self._conn
                except BaseException:
                    self.page_ends.clear()
                    self._conn.execute(f"ROLLBACK TO {name}")
                    self._conn.execute(f"RELEASE {name}")
                    raise
                finally:
                    self._savepoints -= 1
                self._conn.execute(f"RELEASE {name}")
                return
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self.page_ends.clear()
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """Hold the lock for reads outside a transaction."""
        with self.lock:
            yield self._conn

    def wipe(self) -> None:
        """Drop every table and create the schema again (the control API's reset)."""
        with self.lock:
            tables = [
                r[0]
                for r in self._conn.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            for table in tables:
                self._conn.execute(f'DROP TABLE IF EXISTS "{table}"')
            self.create_schema()

    def close(self) -> None:
        with self.lock:
            self._conn.close()

    # -- small helpers shared by resolvers ------------------------------------------------------

    @staticmethod
    def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @staticmethod
    def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def dumps(value: Any) -> str:
    """Compact JSON for stored payloads (``json.dumps`` with these settings, without building
    an encoder per call)."""
    return _ENCODER.encode(value)
