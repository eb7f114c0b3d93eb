"""Fixtures for the CLI tests: manifests, the CLI run in process, and the emulator's stored state.

Most tests run ``aiolabel ingest`` exactly as a user does with no endpoint configured: the
command starts the embedded emulator on ``<data dir>/emulator.sqlite3`` and stops it at the end,
so consecutive runs meet the same server state. :class:`ServerState` then reads that SQLite
file directly: what the emulator stored, not what the CLI says it did.

Tests that drive the pipeline in process take ``emu`` and ``client``: the shipped
``labelbox_emulator`` (on ``<tmp>/emulator.sqlite3``) and ``labelbox_client`` (one retry).
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from aiolabel.cli import app


def rows(
    n: int,
    *,
    start: int = 0,
    prefix: str = "gk",
    batch: Callable[[int], str | None] | None = None,
    priority: Callable[[int], int | None] | None = None,
    metadata: bool = True,
) -> list[dict[str, Any]]:
    """``n`` manifest lines ``prefix-00000``..., with optional batch and priority per index."""
    out: list[dict[str, Any]] = []
    for i in range(start, start + n):
        item: dict[str, Any] = {
            "row_data": f"https://cdn.example.com/images/{prefix}-{i:05d}.jpg",
            "global_key": f"{prefix}-{i:05d}",
            "external_id": f"{prefix}-{i:05d}.jpg",
        }
        if metadata:
            item["metadata"] = {"tag": f"t{i % 3}", "split": ("train", "valid", "test")[i % 3]}
        if i % 4 == 0:
            item["attachments"] = [{"type": "RAW_TEXT", "value": f"note {i}"}]
        p = priority(i) if priority is not None else 1 + i % 5
        if p is not None:
            item["priority"] = p
        b = batch(i) if batch is not None else None
        if b is not None:
            item["batch"] = b
        out.append(item)
    return out


def write_ndjson(path: Path, items: Sequence[dict[str, Any] | str]) -> Path:
    with open(path, "w", encoding="utf-8") as out:
        for item in items:
            out.write((item if isinstance(item, str) else json.dumps(item)) + "\n")
    return path


def write_csv(path: Path, items: Sequence[dict[str, Any]], columns: Sequence[str]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for item in items:
            values = []
            for column in columns:
                value = item.get(column)
                if column.startswith("metadata."):
                    value = (item.get("metadata") or {}).get(column[len("metadata.") :])
                if isinstance(value, dict | list):
                    value = json.dumps(value)
                values.append("" if value is None else str(value))
            writer.writerow(values)
    return path


@dataclass(frozen=True)
class Placement:
    batch: str
    priority: int
    """The row's queue priority: its override if set, else its batch's priority."""


class ServerState:
    """Read-only view of the emulator's SQLite file."""

    def __init__(self, db: Path) -> None:
        self.db = db

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def keys(self) -> Counter[str]:
        """Global keys of live data rows, with how many rows hold each."""
        return Counter(
            key
            for (key,) in self._query(
                "SELECT global_key FROM data_rows WHERE deleted = 0 AND global_key IS NOT NULL"
            )
        )

    def data_row_count(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM data_rows WHERE deleted = 0")[0][0])

    def datasets(self) -> list[str]:
        return [n for (n,) in self._query("SELECT name FROM datasets WHERE deleted = 0")]

    def projects(self) -> dict[str, str]:
        return dict(self._query("SELECT name, media_type FROM projects WHERE deleted = 0"))

    def batches(self, project: str) -> dict[str, int]:
        """Batch name → rows in it."""
        return dict(
            self._query(
                "SELECT b.name, COUNT(p.data_row_id) FROM batches b"
                " JOIN projects pr ON pr.id = b.project_id"
                " LEFT JOIN project_data_rows p ON p.batch_id = b.id"
                " WHERE pr.name = ? AND b.deleted = 0 AND pr.deleted = 0 GROUP BY b.id",
                (project,),
            )
        )

    def placements(self, project: str) -> dict[str, Placement]:
        """Global key (or data-row id for rows without one) → its batch and priority."""
        found: dict[str, Placement] = {}
        for key, row_id, batch, lpo, batch_priority in self._query(
            "SELECT d.global_key, d.id, b.name, p.lpo_priority, p.batch_priority"
            " FROM project_data_rows p JOIN projects pr ON pr.id = p.project_id"
            " JOIN batches b ON b.id = p.batch_id JOIN data_rows d ON d.id = p.data_row_id"
            " WHERE pr.name = ? AND pr.deleted = 0 AND d.deleted = 0",
            (project,),
        ):
            name = key if key is not None else row_id
            assert name not in found, f"{name} is in the project twice"
            found[name] = Placement(batch, batch_priority if lpo is None else lpo)
        return found

    def snapshot(self, project: str) -> tuple[Any, ...]:
        """Everything a rerun must leave as it was."""
        return (
            sorted(self.keys().items()),
            self.data_row_count(),
            sorted(self.datasets()),
            sorted(self.projects().items()),
            sorted(self.batches(project).items()),
            sorted(self.placements(project).items()),
        )


class Cli:
    """``aiolabel ...`` run in process, with no endpoint or key configured: ``ingest`` is given
    ``--emulator`` (embedded emulator under ``data_dir``) unless ``emulator=False``."""

    def __init__(self, data_dir: Path, *, emulator: bool = True) -> None:
        self.data_dir = data_dir
        self.emulator = emulator
        self.runner = CliRunner(
            env={
                "LABELBOX_API_KEY": None,
                "LABELBOX_ENDPOINT": None,
                "AIOLABEL_DATA_DIR": str(data_dir),
                "COLUMNS": "200",
            }
        )

    def __call__(self, *args: str | Path, env: dict[str, str | None] | None = None) -> Result:
        words = [str(a) for a in args]
        explicit = {"--help", "--endpoint", "--api-key"}.intersection(words)
        if self.emulator and words[:1] == ["ingest"] and not explicit:
            words.insert(1, "--emulator")
        return self.runner.invoke(app, words, env=env, catch_exceptions=False)

    @property
    def state(self) -> ServerState:
        return ServerState(self.data_dir / "emulator.sqlite3")


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "data")


def expected_placements(
    items: Sequence[dict[str, Any]], *, prefix: str, batch_priority: int = 5
) -> dict[str, Placement]:
    """What the pipeline promises for valid lines of at most 100,000 rows a group."""
    out: dict[str, Placement] = {}
    for item in items:
        batch = item.get("batch") or f"{prefix}0000"
        priority = item.get("priority", batch_priority)
        out[item["global_key"]] = Placement(batch, priority)
    return out


@pytest.fixture
def labelbox_emulator_settings(tmp_path: Path) -> dict[str, Any]:
    return {"db": str(tmp_path / "emulator.sqlite3")}


@pytest.fixture
def labelbox_client_settings() -> dict[str, Any]:
    return {"max_retries": 1}
