"""``aiolabel demo``: a realistic manifest, and the check that an ingest landed it exactly.

The manifest is a pure function of the row count: row ``i`` has the global key
``demo-{i:07d}``, an image URL, metadata (``tag``, ``split``, ``captureDateTime``), an attachment
for every fifth row, a priority for most rows, and either a named batch group (``demo-review``
for every tenth row, ``demo-night`` for every seventh of the rest) or none (then the batches
``demo-0000``, ``demo-0001``...). :func:`expected` recomputes a row's batch and priority, so
:func:`verify` checks an export against the manifest without holding it in memory.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiolabel.ingest._types import MAX_BATCH_ROWS, batch_name

__all__ = [
    "BATCH_PREFIX",
    "DEFAULT_BATCH_PRIORITY",
    "Expected",
    "Verification",
    "row",
    "verify",
    "write_manifest",
]

BATCH_PREFIX = "demo-"
DEFAULT_BATCH_PRIORITY = 5
KEY_FORMAT = "demo-{:07d}"
_KEY = re.compile(r"demo-(\d{7})")
_TAGS = ("street", "highway", "parking", "intersection", "rural", "tunnel")
_SPLITS = ("train", "train", "train", "valid", "test")
_EPOCH = datetime(2024, 3, 1, 6, 0, tzinfo=UTC)


def _group(i: int) -> str | None:
    if i % 10 == 3:
        return "demo-review"
    if i % 7 == 5:
        return "demo-night"
    return None


def _priority(i: int) -> int | None:
    if i % 6 == 0:
        return None  # the batch's priority applies
    return 1 + (i * 7919) % 10


def row(i: int) -> dict[str, Any]:
    """Manifest line ``i`` (0-based)."""
    item: dict[str, Any] = {
        "row_data": f"https://storage.googleapis.com/aiolabel-demo/images/{i // 1000:04d}/"
        f"frame-{i:07d}.jpg",
        "global_key": KEY_FORMAT.format(i),
        "external_id": f"frame-{i:07d}.jpg",
        "media_type": "IMAGE",
        "metadata": {
            "tag": _TAGS[i % len(_TAGS)],
            "split": _SPLITS[i % len(_SPLITS)],
            "captureDateTime": (_EPOCH + timedelta(seconds=17 * i)).strftime(
                "%Y-%m-%dT%H:%M:%S.000Z"
            ),
        },
    }
    if i % 5 == 0:
        item["attachments"] = [
            {"type": "RAW_TEXT", "value": f"camera 2, frame {i}", "name": "caption"},
        ]
    priority = _priority(i)
    if priority is not None:
        item["priority"] = priority
    group = _group(i)
    if group is not None:
        item["batch"] = group
    return item


def write_manifest(path: Path, rows: int) -> None:
    """Write the demo manifest of ``rows`` lines (NDJSON)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        for i in range(rows):
            out.write(json.dumps(row(i), separators=(",", ":")) + "\n")


class Expected:
    """Batch and priority of every row (``of(i)``), computed as the pipeline groups rows."""

    def __init__(self, rows: int, prefix: str, batch_priority: int) -> None:
        self.rows = rows
        names: dict[str, int] = {}
        counts: dict[str | None, int] = {}
        self.names: list[str] = []
        self.index = bytearray()
        for i in range(rows):
            group = _group(i)
            seen = counts.get(group, 0)
            counts[group] = seen + 1
            name = batch_name(group, seen // MAX_BATCH_ROWS, prefix)
            if name not in names:
                names[name] = len(self.names)
                self.names.append(name)
            self.index.append(names[name])
        self.batch_priority = batch_priority

    def of(self, i: int) -> tuple[str, int]:
        priority = _priority(i)
        return self.names[self.index[i]], self.batch_priority if priority is None else priority


@dataclass
class Verification:
    """What the export showed, against the manifest."""

    rows: int
    exported: int = 0
    missing: int = 0
    duplicated: int = 0
    unexpected: int = 0
    wrong_batch: int = 0
    wrong_priority: int = 0
    examples: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (
            self.missing
            or self.duplicated
            or self.unexpected
            or self.wrong_batch
            or self.wrong_priority
        )

    def note(self, text: str) -> None:
        if len(self.examples) < 10:
            self.examples.append(text)


async def verify(
    exported: AsyncIterator[dict[str, Any]],
    project_id: str,
    rows: int,
    *,
    batch_priority: int = DEFAULT_BATCH_PRIORITY,
) -> Verification:
    """Check an export of the project: every demo row exactly once, right batch and priority."""
    want = Expected(rows, BATCH_PREFIX, batch_priority)
    seen = bytearray(rows)
    result = Verification(rows)
    async with contextlib.aclosing(exported) as lines:  # type: ignore[type-var]
        async for line in lines:
            result.exported += 1
            data_row = line.get("data_row") or {}
            key = data_row.get("global_key")
            found = _KEY.fullmatch(key) if isinstance(key, str) else None
            if found is None or int(found.group(1)) >= rows:
                result.unexpected += 1
                result.note(f"unexpected row {data_row.get('id')} (global key {key!r})")
                continue
            i = int(found.group(1))
            if seen[i]:
                result.duplicated += 1
                result.note(f"{key} exported more than once")
                continue
            seen[i] = 1
            details = ((line.get("projects") or {}).get(project_id) or {}).get(
                "project_details"
            ) or {}
            batch, priority = want.of(i)
            if details.get("batch_name") != batch:
                result.wrong_batch += 1
                result.note(f"{key} is in batch {details.get('batch_name')!r}, not {batch!r}")
            if details.get("priority") != priority:
                result.wrong_priority += 1
                result.note(f"{key} has priority {details.get('priority')!r}, not {priority}")
    result.missing = rows - sum(seen)
    if result.missing:
        first = seen.find(0)
        result.note(
            f"{result.missing:,} rows missing from the export, e.g. {KEY_FORMAT.format(first)}"
        )
    return result
