"""One manifest line: its fields checked into a :class:`ManifestRow`, or a :class:`LineError`
naming the line and the field (see :mod:`aiolabel.ingest._manifest` for the fields)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiolabel.enums import AttachmentType, MediaType

FIELDS = (
    "row_data",
    "global_key",
    "external_id",
    "media_type",
    "metadata",
    "attachments",
    "priority",
    "batch",
)
"""Every field a manifest line may have."""

MAX_PRIORITY = 2**31 - 1
"""Highest priority number a labelling-parameter override takes (signed 32-bit)."""
MAX_GLOBAL_KEY_LENGTH = 200
MAX_BATCH_NAME_LENGTH = 200
MAX_LINE_BYTES = 16 * 1024 * 1024
URL_SCHEMES = ("http", "https", "gs")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class ManifestError(Exception):
    """The manifest cannot be read at all (a usage error: nothing was ingested)."""


@dataclass(frozen=True, slots=True)
class LineError:
    """A manifest line that was not ingested, and why."""

    line: int
    field: str | None
    message: str
    global_key: str | None = None

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", field {self.field!r}" if self.field else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Attachment:
    type: AttachmentType
    value: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class ManifestRow:
    """One valid manifest line."""

    line: int
    row_data: str
    global_key: str | None
    external_id: str | None = None
    media_type: MediaType | None = None
    metadata: tuple[tuple[str, str, Any], ...] = ()
    """``(kind, key, value)`` with kind ``"name"`` or ``"schema_id"``."""
    attachments: tuple[Attachment, ...] = ()
    priority: int | None = None
    batch: str | None = None

    def data_row(self) -> dict[str, Any]:
        """The item ``Dataset.create_data_rows`` takes."""
        item: dict[str, Any] = {"row_data": self.row_data}
        if self.global_key is not None:
            item["global_key"] = self.global_key
        if self.external_id is not None:
            item["external_id"] = self.external_id
        if self.media_type is not None:
            item["media_type"] = self.media_type.value
        if self.metadata:
            item["metadata_fields"] = [{kind: key, "value": v} for kind, key, v in self.metadata]
        if self.attachments:
            item["attachments"] = [
                {"type": a.type.value, "value": a.value}
                | ({} if a.name is None else {"name": a.name})
                for a in self.attachments
            ]
        return item


class _Bad(Exception):
    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class _Options:
    allow_missing_global_keys: bool = False
    extra_columns: tuple[str, ...] = field(default_factory=tuple)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _lone_surrogate(value: Any) -> bool:
    """Whether ``value`` holds a string with a lone surrogate (JSON's ``\\ud800`` escapes can
    carry one; it is not Unicode text, and cannot be sent or stored)."""
    if isinstance(value, str):
        return not value.isascii() and _LONE_SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_lone_surrogate(k) or _lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_lone_surrogate(v) for v in value)
    return False


def _row(line: int, obj: Mapping[str, Any], options: _Options) -> ManifestRow | LineError:
    key = obj.get("global_key")
    shown_key = key if isinstance(key, str) and not _lone_surrogate(key) else None
    for name, value in obj.items():
        if _lone_surrogate(name) or _lone_surrogate(value):
            shown = name if not _lone_surrogate(name) else None
            return LineError(
                line,
                shown,
                "holds a lone surrogate (an unpaired \\ud800-\\udfff escape), which is not "
                "Unicode text",
                shown_key,
            )
    try:
        return _parse(line, obj, options)
    except _Bad as bad:
        return LineError(line, bad.field, bad.message, shown_key)


def _text_field(obj: Mapping[str, Any], name: str, *, max_length: int | None = None) -> str | None:
    value = obj.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Bad(name, f"must be a string, got {_kind(value)}")
    if not value.strip():
        raise _Bad(name, "must not be blank")
    if max_length is not None and len(value) > max_length:
        raise _Bad(name, f"is longer than {max_length} characters")
    return value


def check_url(value: str) -> str | None:
    """Why ``value`` is not an asset URL, or None."""
    if any(c.isspace() for c in value):
        return "is not a URL (contains white space)"
    try:
        parts = urlsplit(value)
    except ValueError as exc:
        return f"is not a valid URL ({exc})"
    if parts.scheme.lower() not in URL_SCHEMES:
        schemes = ", ".join(URL_SCHEMES)
        if not parts.scheme:
            return f"is not a URL: {value[:80]!r} (expected a {schemes} URL)"
        return f"has an unsupported URL scheme {parts.scheme!r} (expected {schemes})"
    if not parts.netloc:
        return f"is not a valid URL: {value[:80]!r} has no host"
    if parts.scheme.lower() in ("http", "https"):
        try:
            host = parts.hostname
            parts.port  # noqa: B018 - raises on a bad port
        except ValueError as exc:
            return f"is not a valid URL ({exc})"
        if not host:
            return f"is not a valid URL: {value[:80]!r} has no host"
    return None


def _parse(line: int, obj: Mapping[str, Any], options: _Options) -> ManifestRow:
    unknown = [k for k in obj if k not in FIELDS]
    if unknown:
        raise _Bad(
            unknown[0],
            f"unknown field {unknown[0]!r}; known fields: " + ", ".join(FIELDS),
        )
    row_data = _text_field(obj, "row_data")
    if row_data is None:
        raise _Bad("row_data", "is required")
    problem = check_url(row_data)
    if problem is not None:
        raise _Bad("row_data", problem)
    global_key = _text_field(obj, "global_key", max_length=MAX_GLOBAL_KEY_LENGTH)
    if global_key is None and not options.allow_missing_global_keys:
        raise _Bad(
            "global_key",
            "is missing; global keys make ingestion resumable "
            "(pass --allow-missing-global-keys to ingest rows without one)",
        )
    external_id = _text_field(obj, "external_id")
    media_type = _media_type(obj.get("media_type"))
    batch = _text_field(obj, "batch", max_length=MAX_BATCH_NAME_LENGTH)
    return ManifestRow(
        line=line,
        row_data=row_data,
        global_key=global_key,
        external_id=external_id,
        media_type=media_type,
        metadata=_metadata(obj.get("metadata")),
        attachments=_attachments(obj.get("attachments")),
        priority=_priority(obj.get("priority")),
        batch=batch.strip() if batch is not None else None,
    )


def parse_media_type(value: str) -> MediaType | None:
    """The supported media type ``value`` names (``IMAGE``, ``image``, ``Image``...), or None."""
    media = MediaType(value)
    return media if MediaType.is_supported(media) else None


def _media_type(value: object) -> MediaType | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _Bad("media_type", f"must be a media type name, got {_kind(value)}")
    media = parse_media_type(value.strip())
    if media is None:
        names = ", ".join(sorted({m.value for m in MediaType.supported()}))
        raise _Bad("media_type", f"unknown media type {value!r}; one of {names}")
    return media


def _priority(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        shown = repr(value) if isinstance(value, str) else _kind(value)
        raise _Bad("priority", f"must be a whole number from 1 to {MAX_PRIORITY}, got {shown}")
    if not 1 <= value <= MAX_PRIORITY:
        raise _Bad("priority", f"must be from 1 (highest) to {MAX_PRIORITY}, got {value}")
    return value


def _metadata_value(name: str, value: object) -> Any:
    if value is None:
        raise _Bad("metadata", f"{name!r} has no value")
    if isinstance(value, bool):
        raise _Bad("metadata", f"{name!r}: booleans are not a metadata kind; use a string")
    if isinstance(value, float) and not math.isfinite(value):
        raise _Bad("metadata", f"{name!r} must be a finite number")
    if isinstance(value, str | int | float):
        return value
    if isinstance(value, list) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in value
    ):
        return value  # an embedding
    raise _Bad("metadata", f"{name!r} must be a string, a number or a list of numbers")


def _metadata(value: object) -> tuple[tuple[str, str, Any], ...]:
    if value is None:
        return ()
    out: list[tuple[str, str, Any]] = []
    if isinstance(value, dict):
        for name, v in value.items():
            if not name.strip():
                raise _Bad("metadata", "a field name must not be blank")
            out.append(("name", name, _metadata_value(name, v)))
        return tuple(out)
    if not isinstance(value, list):
        raise _Bad("metadata", f"must be an object of name: value, got {_kind(value)}")
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise _Bad("metadata", f"item {i} must be an object with name and value")
        extra = set(item) - {"name", "schema_id", "schemaId", "value"}
        if extra:
            raise _Bad("metadata", f"item {i} has unknown key {sorted(extra)[0]!r}")
        schema_id = item.get("schema_id", item.get("schemaId"))
        name = item.get("name")
        if (schema_id is None) == (name is None):
            raise _Bad("metadata", f"item {i} needs either a name or a schema_id")
        kind, key = ("name", name) if name is not None else ("schema_id", schema_id)
        if not isinstance(key, str) or not key.strip():
            raise _Bad("metadata", f"item {i}: {kind} must be a non-blank string")
        out.append((kind, key, _metadata_value(key, item.get("value"))))
    return tuple(out)


def _attachments(value: object) -> tuple[Attachment, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _Bad("attachments", f"must be a list of objects, got {_kind(value)}")
    out: list[Attachment] = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise _Bad("attachments", f"item {i} must be an object with type and value")
        extra = set(item) - {"type", "value", "name"}
        if extra:
            raise _Bad("attachments", f"item {i} has unknown key {sorted(extra)[0]!r}")
        kind = item.get("type")
        if not isinstance(kind, str) or kind not in AttachmentType._value2member_map_:
            names = ", ".join(t.value for t in AttachmentType)
            raise _Bad("attachments", f"item {i}: type must be one of {names}, got {kind!r}")
        content = item.get("value")
        if not isinstance(content, str) or not content.strip():
            raise _Bad("attachments", f"item {i}: value must be a non-blank string")
        name = item.get("name")
        if name is not None and not isinstance(name, str):
            raise _Bad("attachments", f"item {i}: name must be a string")
        out.append(Attachment(AttachmentType(kind), content, name))
    return tuple(out)
