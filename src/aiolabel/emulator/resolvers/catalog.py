"""Catalog tables shared by every domain: datasets, data rows, their metadata and attachments,
and the helpers that shape and filter them.

The columns below are a contract other domains (projects, batches, exports) read; add columns
freely, but do not rename or drop these.

- ``data_rows.seq`` grows with every insert: order of creation, and the key of cursors.
- ``data_rows.media_type`` is always set (explicit, or inferred from the asset: ``media_type_for``).
- ``deleted = 1`` rows are invisible everywhere; a deleted row's global key is free again.
- A global key is unique among an organisation's live rows, compared case-insensitively (the
  service documents keys as case-insensitive): look one up with
  ``lower(global_key) = ?`` and ``global_key IS NOT NULL AND deleted = 0`` (index
  ``data_rows_global_key_ci``), passing ``global_key_norm(key)``.
- ``data_row_metadata.value`` is JSON text; an enum field is stored once, under the enum's
  schema id, with the chosen option's id as its value.

Helpers for other domains: ``data_row_to_gql(row)`` turns a ``data_rows`` row into the object
the ``DataRow`` type resolves (metadata, attachments and relations are resolved on demand);
``dataset_to_gql(row)`` likewise for ``Dataset``; ``live_row``, ``rows_by_id`` and
``rows_by_global_key`` look live rows up; ``chunked`` / ``marks`` build ``IN`` lists;
``new_ids`` makes ids in bulk; ``compile_where`` renders the ORM's ``where`` as SQL.

The media helpers (media types, mime types, document rows, media attributes) live in
``_catalog_media.py`` and are re-exported here; import them from this module.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiolabel.emulator.errors import BadInput
from aiolabel.emulator.resolvers._catalog_media import (
    MEDIA_TYPES,
    ContentMismatch,
    check_content,
    content_mime,
    default_mime,
    document_url,
    export_media_attributes,
    is_document,
    media_attributes_json,
    media_type_for,
    media_type_of_mime,
    parse_media_type,
    upload_types,
)
from aiolabel.emulator.store import IdFactory, dumps

__all__ = [
    "BINDABLES",
    "DDL",
    "MEDIA_TYPES",
    "ContentMismatch",
    "check_content",
    "content_mime",
    "default_mime",
    "document_url",
    "export_media_attributes",
    "is_document",
    "media_attributes_json",
    "media_type_for",
    "media_type_of_mime",
    "parse_media_type",
    "seed",
    "upload_types",
]
"""What this module offers: its domain (``DDL``, ``BINDABLES``, ``seed``...) and the helpers
other code imports from here, some of them defined in the ``_``-prefixed modules beside it."""

DDL = """
CREATE TABLE IF NOT EXISTS datasets (
    id TEXT PRIMARY KEY, org_id TEXT NOT NULL, created_by TEXT NOT NULL,
    name TEXT NOT NULL, description TEXT, iam_integration_id TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS datasets_by_org ON datasets (org_id, deleted, created_at);

CREATE TABLE IF NOT EXISTS data_rows (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE, org_id TEXT NOT NULL, dataset_id TEXT NOT NULL,
    global_key TEXT, external_id TEXT, row_data TEXT NOT NULL, media_type TEXT NOT NULL,
    media_attributes TEXT, created_by TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS data_rows_by_dataset ON data_rows (dataset_id, deleted, seq);
CREATE UNIQUE INDEX IF NOT EXISTS data_rows_global_key
    ON data_rows (org_id, global_key) WHERE global_key IS NOT NULL AND deleted = 0;
CREATE UNIQUE INDEX IF NOT EXISTS data_rows_global_key_ci
    ON data_rows (org_id, lower(global_key)) WHERE global_key IS NOT NULL AND deleted = 0;
CREATE INDEX IF NOT EXISTS data_rows_external_id ON data_rows (org_id, external_id)
    WHERE external_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS metadata_schemas (
    id TEXT PRIMARY KEY, org_id TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,
    reserved INTEGER NOT NULL DEFAULT 0, parent_id TEXT, deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS metadata_schemas_by_org ON metadata_schemas (org_id, deleted);

CREATE TABLE IF NOT EXISTS data_row_metadata (
    data_row_id TEXT NOT NULL, schema_id TEXT NOT NULL, value TEXT,
    PRIMARY KEY (data_row_id, schema_id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS attachments (
    id TEXT PRIMARY KEY, data_row_id TEXT NOT NULL, type TEXT NOT NULL, value TEXT NOT NULL,
    name TEXT, created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS attachments_by_row ON attachments (data_row_id, created_at);
"""

BINDABLES: list[Any] = []

RowLike = sqlite3.Row | Mapping[str, Any]
"""A stored row: ``sqlite3.Row`` or a dict of columns."""

SQL_CHUNK = 500
"""Values per ``IN (...)`` list: well under SQLite's bound-parameter limit."""


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """Nothing: the reserved metadata schemas are seeded by the metadata domain."""


_BASE32 = bytes.maketrans(
    bytes(range(256)),
    bytes(b"abcdefghijklmnopqrstuvwxyz234567"[b & 31] for b in range(256)),
)
"""Each random byte to one base-32 character, uniformly (256 is a multiple of 32)."""


def new_ids(count: int) -> list[str]:
    """``count`` fresh ids at once, cuid-like like ``Store.new_id`` (25 lowercase characters
    starting with ``c``: a millisecond stamp and 80 random bits), for bulk inserts."""
    prefix = "c" + IdFactory._b36(time.time_ns() // 1_000_000, 8)
    noise = os.urandom(16 * count).translate(_BASE32).decode("ascii")
    return [prefix + noise[i : i + 16] for i in range(0, 16 * count, 16)]


def chunked(values: Sequence[Any], size: int = SQL_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def marks(n: int) -> str:
    """``?, ?, ?`` for an ``IN`` list of ``n`` values."""
    return ", ".join("?" * n)


# -- shapes -------------------------------------------------------------------------------------


def dataset_to_gql(row: RowLike) -> dict[str, Any]:
    """A ``datasets`` row as the ``Dataset`` type resolves it (``rowCount`` on demand)."""
    return {
        "id": row["id"],
        "name": row["name"],
        "description": "" if row["description"] is None else row["description"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "_org_id": row["org_id"],
        "_created_by": row["created_by"],
        "_signer": row["iam_integration_id"],
    }


def data_row_to_gql(row: RowLike) -> dict[str, Any]:
    """A ``data_rows`` row as the ``DataRow`` type resolves it."""
    attributes = row["media_attributes"]
    return {
        "id": row["id"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "externalId": row["external_id"],
        "globalKey": row["global_key"],
        "rowData": row["row_data"],
        "mediaType": row["media_type"],
        "mediaAttributes": {} if attributes is None else json.loads(attributes),
        "_dataset_id": row["dataset_id"],
        "_org_id": row["org_id"],
        "_created_by": row["created_by"],
    }


def live_row(conn: sqlite3.Connection, org_id: str, data_row_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM data_rows WHERE id = ? AND org_id = ? AND deleted = 0",
        (data_row_id, org_id),
    ).fetchone()
    return row


def json_strings(values: Sequence[str]) -> str | None:
    """``values`` as a JSON list for ``json_each``, or ``None`` if a value holds a NUL (SQLite's
    JSON functions cut strings there): then the caller binds the values one by one."""
    text = dumps(values)
    return None if "\\u0000" in text else text


def rows_by_global_key(
    conn: sqlite3.Connection, org_id: str, keys: Iterable[str]
) -> dict[str, sqlite3.Row]:
    """Live rows holding these keys, by normalised key (in key order)."""
    wanted = sorted({global_key_norm(k) for k in keys})
    listed = json_strings(wanted)
    if listed is not None:
        rows = conn.execute(
            "SELECT d.* FROM json_each(?) j JOIN data_rows d ON d.org_id = ?"
            " AND d.global_key IS NOT NULL AND d.deleted = 0 AND lower(d.global_key) = j.value"
            " ORDER BY j.key",
            (listed, org_id),
        )
        return {global_key_norm(row["global_key"]): row for row in rows}
    found: dict[str, sqlite3.Row] = {}
    for part in chunked(wanted):
        for row in conn.execute(
            "SELECT * FROM data_rows WHERE org_id = ? AND global_key IS NOT NULL AND deleted = 0"
            f" AND lower(global_key) IN ({marks(len(part))})",
            (org_id, *part),
        ):
            found[global_key_norm(row["global_key"])] = row
    return found


def rows_by_id(conn: sqlite3.Connection, org_id: str, ids: Iterable[str]) -> dict[str, sqlite3.Row]:
    """Live rows with these ids."""
    wanted = sorted(set(ids))
    found: dict[str, sqlite3.Row] = {}
    for part in chunked(wanted):
        for row in conn.execute(
            f"SELECT * FROM data_rows WHERE id IN ({marks(len(part))}) AND org_id = ?"
            " AND deleted = 0",
            (*part, org_id),
        ):
            found[row["id"]] = row
    return found


# -- global keys --------------------------------------------------------------------------------

GLOBAL_KEY_MAX_LENGTH = 200


class InvalidGlobalKey(ValueError):
    """A global key the service refuses."""


def sanitize_global_key(key: object) -> str:
    """The key as it is stored (verbatim), or ``InvalidGlobalKey``.

    The rule: a string of at most 200 characters that is not blank. Any other character is
    kept as given (quotes, backslashes, braces, newlines, unicode), so a key reads back
    exactly as it was written; ``sanitizedAssignments`` therefore stays empty.
    """
    if not isinstance(key, str):
        raise InvalidGlobalKey("Global key must be a string")
    if not key.strip():
        raise InvalidGlobalKey("Global key must not be blank")
    if len(key) > GLOBAL_KEY_MAX_LENGTH:
        raise InvalidGlobalKey(
            f"Global key is longer than {GLOBAL_KEY_MAX_LENGTH} characters: {key[:40]!r}…"
        )
    return key


def badly_spaced(key: str) -> bool:
    """A key with leading, trailing or doubled spaces: the service refuses to assign one."""
    return key != key.strip(" ") or "  " in key


def global_key_norm(key: str) -> str:
    """The form uniqueness is checked on (SQLite's ``lower``: ASCII only, like the keys)."""
    return key.lower() if key.isascii() else key.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


# -- where clauses ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """How one filterable GraphQL field maps to SQL."""

    sql: str
    kind: str = "text"
    """``text``, ``datetime``, ``bool`` or ``int``."""


_SUFFIXES = {
    "": "=",
    "_not": "!=",
    "_lt": "<",
    "_gt": ">",
    "_lte": "<=",
    "_gte": ">=",
}


def normalize_datetime(value: object) -> str:
    """Any ISO 8601 instant in the stored format (``2024-01-01T00:00:00.000Z``), for comparing."""
    if not isinstance(value, str):
        raise BadInput(f"Expected an ISO 8601 date-time, got {value!r}")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadInput(f"Expected an ISO 8601 date-time, got {value!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def compile_where(
    where: Mapping[str, Any] | None, columns: Mapping[str, Column]
) -> tuple[str, list[Any], set[str]]:
    """SQL for a Prisma-style ``where`` as the official SDK's ORM renders it.

    ``{field: v}``, ``{field_not | _lt | _gt | _lte | _gte: v}``, ``{field_in: [..]}`` and
    ``{AND: [...]}`` / ``{OR: [...]}`` nested at any depth. Returns the condition (``1`` when
    empty), its parameters and the fields it mentions.
    """
    if not where:
        return "1", [], set()
    parts: list[str] = []
    params: list[Any] = []
    mentioned: set[str] = set()
    for key, value in where.items():
        if key in ("AND", "OR"):
            subs = []
            for sub in value or []:
                sql, sub_params, sub_fields = compile_where(sub, columns)
                subs.append(f"({sql})")
                params.extend(sub_params)
                mentioned |= sub_fields
            if subs:
                parts.append("(" + f" {key} ".join(subs) + ")")
            continue
        field, op = _split(key, columns)
        column = columns[field]
        mentioned.add(field)
        if op == "IN":
            values = [_coerce(column, v) for v in value or []]
            if not values:
                parts.append("0")
                continue
            parts.append(f"{column.sql} IN ({marks(len(values))})")
            params.extend(values)
        elif value is None:
            parts.append(f"{column.sql} IS {'NOT ' if op == '!=' else ''}NULL")
        elif op == "!=":
            parts.append(f"({column.sql} IS NULL OR {column.sql} != ?)")
            params.append(_coerce(column, value))
        else:
            parts.append(f"{column.sql} {op} ?")
            params.append(_coerce(column, value))
    return (" AND ".join(parts) or "1"), params, mentioned


def _split(key: str, columns: Mapping[str, Column]) -> tuple[str, str]:
    if key in columns:
        return key, "="
    if key.endswith("_in") and key[:-3] in columns:
        return key[:-3], "IN"
    for suffix, op in _SUFFIXES.items():
        if suffix and key.endswith(suffix) and key[: -len(suffix)] in columns:
            return key[: -len(suffix)], op
    raise BadInput(f"Unsupported filter {key!r}")


def _coerce(column: Column, value: Any) -> Any:
    if column.kind == "datetime":
        return normalize_datetime(value)
    if column.kind == "bool":
        return 1 if value else 0
    return value
