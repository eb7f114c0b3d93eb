"""Inputs every client receives identically: data-row items, global keys, priorities."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROW_DATA = "https://storage.example.com/images/{i:07d}.jpg"


def global_key(prefix: str, i: int) -> str:
    return f"{prefix}-{i:07d}"


def data_row_items(
    count: int, *, prefix: str, tag_schema_id: str | None, start: int = 0
) -> Iterator[dict[str, Any]]:
    """``count`` create_data_rows items (row_data, global_key, external_id, one metadata field),
    generated on demand so that the input itself costs no memory."""
    for i in range(start, start + count):
        item: dict[str, Any] = {
            "row_data": ROW_DATA.format(i=i),
            "global_key": global_key(prefix, i),
            "external_id": f"ext-{i:07d}",
        }
        if tag_schema_id is not None:
            item["metadata_fields"] = [{"schema_id": tag_schema_id, "value": f"tag-{i % 100}"}]
        yield item


def global_keys(count: int, *, prefix: str) -> Iterator[str]:
    return (global_key(prefix, i) for i in range(count))


def priority(i: int) -> int:
    """The LPO priority of the i-th row (spread over a range, like a real ranking)."""
    return 1 + i % 1000


def write_ids(path: Path, ids: list[str]) -> None:
    path.write_text(json.dumps(ids))


def read_ids(path: str | Path) -> list[str]:
    ids: list[str] = json.loads(Path(path).read_text())
    return ids


def split(count: int, parts: int) -> list[tuple[int, int]]:
    """``(start, size)`` of ``parts`` nearly equal consecutive ranges of ``range(count)``."""
    parts = max(1, min(parts, count))
    base, extra = divmod(count, parts)
    out, start = [], 0
    for p in range(parts):
        size = base + (1 if p < extra else 0)
        out.append((start, size))
        start += size
    return out
