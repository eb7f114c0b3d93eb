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
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiolabel.emulator.context import file_id_from_url
from aiolabel.emulator.errors import BadInput
from aiolabel.emulator.store import IdFactory, dumps

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
    bytes(range(256)), bytes(b"abcdefghijklmnopqrstuvwxyz234567"[b & 31] for b in range(256))
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


# -- media types --------------------------------------------------------------------------------

MEDIA_TYPES = (
    "AUDIO",
    "CONVERSATIONAL",
    "PDF",
    "TMS_GEO",
    "HTML",
    "IMAGE",
    "TMS_SIMPLE",
    "TEXT",
    "VIDEO",
    "POINT_CLOUD",
    "LLM",
)

_EXTENSIONS = {
    **dict.fromkeys(
        ("jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "webp", "svg", "heic", "jfif"),
        "IMAGE",
    ),
    **dict.fromkeys(("mp4", "mov", "avi", "mkv", "webm", "m4v", "mpeg", "mpg", "ogv"), "VIDEO"),
    **dict.fromkeys(("mp3", "wav", "m4a", "flac", "ogg", "oga", "aac", "opus"), "AUDIO"),
    "txt": "TEXT",
    "pdf": "PDF",
    "html": "HTML",
    "htm": "HTML",
    "json": "CONVERSATIONAL",
    "pcd": "POINT_CLOUD",
}


def parse_media_type(value: object) -> str:
    """An explicit media type, tolerant like the official SDK (``image``, ``Image``)."""
    from aiolabel.enums import MediaType

    if isinstance(value, str):
        member = MediaType(value)
        if MediaType.is_supported(member):
            return member.value
    raise ValueError(f"Invalid media type: {value!r}")


def media_type_for(row_data: object) -> str:
    """The media type of an asset without an explicit one.

    A dict (or JSON text of one) with ``tileLayerUrl`` is TMS_GEO, one with ``messages`` or a
    conversational ``type`` is CONVERSATIONAL; a URL or path is classified by its extension
    (images, video, audio, ``txt`` TEXT, ``pdf`` PDF, ``html`` HTML, ``json`` CONVERSATIONAL);
    anything else is IMAGE.
    """
    value = row_data
    if isinstance(value, str) and value[:1] == "{":
        try:
            value = json.loads(value)
        except ValueError:
            return "IMAGE"
    if isinstance(value, dict):
        if "tileLayerUrl" in value:
            return "TMS_GEO"
        if is_document(value):
            return "PDF"
        kind = str(value.get("type", ""))
        if "messages" in value or "conversational" in kind:
            return "CONVERSATIONAL"
        return "IMAGE"
    if not isinstance(value, str):
        return "IMAGE"
    name = value.partition("?")[0].partition("#")[0].rpartition("/")[2]
    extension = name.rpartition(".")[2] if "." in name else ""
    return _EXTENSIONS.get(extension.lower(), "IMAGE")


def media_type_of_mime(mime: str) -> str | None:
    """The media type of content of this mime type, when it names one."""
    if mime.startswith(("image/", "video/", "audio/")):
        return mime.partition("/")[0].upper()
    return {
        "text/plain": "TEXT",
        "text/html": "HTML",
        "application/pdf": "PDF",
        "application/json": "CONVERSATIONAL",
    }.get(mime)


# -- media content: mime types, attributes, document rows ----------------------------------------

_MIME_BY_EXTENSION = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "jfif": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "bmp": "image/bmp",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "webp": "image/webp",
    "svg": "image/svg+xml",
    "heic": "image/heic",
    "mp4": "video/mp4",
    "m4v": "video/mp4",
    "mov": "video/quicktime",
    "avi": "video/x-msvideo",
    "mkv": "video/x-matroska",
    "webm": "video/webm",
    "mpeg": "video/mpeg",
    "mpg": "video/mpeg",
    "ogv": "video/ogg",
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "m4a": "audio/mp4",
    "flac": "audio/flac",
    "ogg": "audio/ogg",
    "oga": "audio/ogg",
    "aac": "audio/aac",
    "opus": "audio/opus",
    "txt": "text/plain",
    "pdf": "application/pdf",
    "html": "text/html",
    "htm": "text/html",
    "json": "application/json",
    "pcd": "application/octet-stream",
}

_DEFAULT_MIME = {
    "IMAGE": "image/jpeg",
    "VIDEO": "video/mp4",
    "AUDIO": "audio/mpeg",
    "TEXT": "text/plain",
    "PDF": "application/pdf",
    "HTML": "text/html",
    "CONVERSATIONAL": "application/json",
    "LLM": "application/json",
    "TMS_GEO": "application/json",
    "TMS_SIMPLE": "application/json",
    "POINT_CLOUD": "application/octet-stream",
}
"""The mime type of an asset whose content says nothing more (no extension, no upload type)."""

_EXPECTED_MIME = {
    "IMAGE": "image/*",
    "VIDEO": "video/*",
    "AUDIO": "audio/*",
    "TEXT": "text/plain",
    "PDF": "application/pdf",
    "HTML": "text/html",
    "CONVERSATIONAL": "application/json",
}
"""What a declared media type accepts (``type/*`` is any subtype); others are not checked."""

_DOCUMENT_KEYS = ("pdf_url", "pdfUrl")
_TEXT_LAYER_KEYS = ("text_layer_url", "textLayerUrl")


class ContentMismatch(ValueError):
    """Row content that does not fit its declared media type."""


def _as_object(row_data: object) -> dict[str, Any] | None:
    if isinstance(row_data, str) and row_data[:1] == "{":
        try:
            row_data = json.loads(row_data)
        except ValueError:
            return None
    return row_data if isinstance(row_data, dict) else None


def document_url(row_data: object) -> str | None:
    """The PDF URL of document row data (``{pdf_url, text_layer_url}``, either spelling, as an
    object or its JSON text), which is what the service stores as the row's ``row_data``."""
    value = _as_object(row_data)
    if value is None:
        return None
    for key in _DOCUMENT_KEYS:
        url = value.get(key)
        if isinstance(url, str) and url.strip():
            return url
    return None


def is_document(row_data: object) -> bool:
    value = _as_object(row_data)
    return value is not None and any(k in value for k in (*_DOCUMENT_KEYS, *_TEXT_LAYER_KEYS))


def content_mime(
    row_data: object, upload_type: Callable[[str], str | None] | None = None
) -> str | None:
    """The mime type the content itself shows, or ``None`` when it shows none: JSON objects
    (document row data is a PDF), an uploaded file's declared type, a URL's extension."""
    value = _as_object(row_data)
    if value is not None:
        if is_document(value):
            return "application/pdf"
        return None if "tileLayerUrl" in value else "application/json"
    if not isinstance(row_data, str):
        return None
    if upload_type is not None:
        declared = upload_type(row_data)
        if declared:
            return declared
    name = row_data.partition("?")[0].partition("#")[0].rpartition("/")[2]
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    return _MIME_BY_EXTENSION.get(extension)


def upload_types(conn: sqlite3.Connection) -> Callable[[str], str | None]:
    """A lookup of the content type an emulator file URL was uploaded with (``None`` for other
    URLs, or when the upload declared none, or something that is no mime type: the official
    SDK swaps name and type of descriptor chunks)."""
    cache: dict[str, str | None] = {}

    def lookup(url: str) -> str | None:
        if "/files/" not in url:
            return None
        file_id = file_id_from_url(url)
        if file_id is None:
            return None
        if file_id not in cache:
            row = conn.execute("SELECT content_type FROM files WHERE id = ?", (file_id,)).fetchone()
            declared = row[0] if row is not None else None
            cache[file_id] = (
                declared.partition(";")[0].strip().lower()
                if isinstance(declared, str) and "/" in declared
                else None
            )
        return cache[file_id]

    return lookup


def check_content(media_type: str, mime: str | None) -> None:
    """``ContentMismatch`` when content of ``mime`` cannot be a ``media_type`` asset, worded as
    the service words it (``Expected type image/*, detected: application/json``)."""
    expected = _EXPECTED_MIME.get(media_type)
    if expected is None or mime is None:
        return
    fits = mime.startswith(expected[:-1]) if expected.endswith("/*") else mime == expected
    if not fits:
        raise ContentMismatch(f"Expected type {expected}, detected: {mime}")


_SIZES = ((640, 480), (800, 600), (1024, 768), (1280, 720), (1920, 1080), (3840, 2160))


def default_mime(media_type: str) -> str:
    return _DEFAULT_MIME.get(media_type, "image/jpeg")


_PICKS = 6216
"""Distinct stand-ins per media and mime type (a multiple of the 6 sizes, 56 and 296 durations)."""


def media_attributes_json(media_type: str, row_data: str, mime: str | None) -> str:
    """What processing a row records, as stored JSON text: ``mimeType`` always; for images and
    videos a width and height, for videos and audio a duration, picked deterministically from
    the asset's address (the emulator never fetches assets, so it cannot measure them)."""
    key = (media_type, mime, zlib.crc32(row_data.encode("utf-8", "surrogatepass")) % _PICKS)
    text = _ATTRIBUTES_JSON.get(key)
    if text is None:
        if len(_ATTRIBUTES_JSON) >= 65_536:
            _ATTRIBUTES_JSON.clear()
        text = dumps(_attributes(media_type, mime or default_mime(media_type), key[2]))
        _ATTRIBUTES_JSON[key] = text
    return text


_ATTRIBUTES_JSON: dict[tuple[str, str | None, int], str] = {}
"""``media_attributes_json`` by media type, mime type and pick (an upsert asks once per row)."""


def _attributes(media_type: str, mime: str, pick: int) -> dict[str, Any]:
    attributes: dict[str, Any] = {"mimeType": mime}
    if media_type in ("IMAGE", "VIDEO"):
        width, height = _SIZES[pick % len(_SIZES)]
        attributes["width"], attributes["height"] = width, height
    if media_type == "VIDEO":
        attributes["frameRate"] = 30
        attributes["frameCount"] = 30 * (5 + pick % 56)
        attributes["duration"] = float(5 + pick % 56)
    elif media_type == "AUDIO":
        attributes["duration"] = float(5 + pick % 296)
    return attributes


def export_media_attributes(stored: str | None) -> dict[str, Any]:
    """Stored (camelCase) attributes as exports carry them: snake_case keys (``mime_type``)."""
    if stored is None:
        return {}
    return {_snake(k): v for k, v in json.loads(stored).items()}


def _snake(name: str) -> str:
    return "".join("_" + ch.lower() if ch.isupper() else ch for ch in name).lstrip("_")


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
