"""The ingestion manifest: one asset a line, NDJSON/JSONL or CSV, read as a stream.

Fields (NDJSON keys or CSV columns):

* ``row_data`` (required): the asset URL (``http``, ``https`` or ``gs``; s3 assets by https);
* ``global_key``: the row's identity (required unless missing keys are allowed);
* ``external_id``, ``media_type`` (a Labelbox media type, e.g. ``IMAGE``);
* ``metadata``: an object ``{name: value}`` or a list of ``{"name"|"schema_id", "value"}``
  (in CSV: JSON text, or one ``metadata.NAME`` column per field);
* ``attachments``: a list of ``{"type", "value", "name"?}`` (in CSV: JSON text);
* ``priority``: the row's labelling priority, an integer from 1 (highest) to 2**31-1;
* ``batch``: the name of the batch the row goes to.

A line that cannot be used becomes a :class:`LineError` naming its line and field; reading goes
on. Problems with the file as a whole (missing, unknown format, unknown CSV columns) raise
:class:`ManifestError` before anything is read.
"""

from __future__ import annotations

import csv
import gzip
import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal
from urllib.parse import urlsplit

from aiolabel.enums import AttachmentType, MediaType

__all__ = [
    "FIELDS",
    "MAX_PRIORITY",
    "Attachment",
    "LineError",
    "Manifest",
    "ManifestError",
    "ManifestFormat",
    "ManifestRow",
    "detect_format",
    "read_manifest",
]

ManifestFormat = Literal["ndjson", "csv"]

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
_METADATA_COLUMN = "metadata."
_SURROGATE = re.compile("[\udc80-\udcff]")


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


def detect_format(path: Path) -> ManifestFormat:
    """``csv`` for ``.csv``, ``ndjson`` for ``.ndjson``, ``.jsonl`` or ``.json``; ``.gz`` too."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    last = suffixes[-1] if suffixes else ""
    if last == ".csv":
        return "csv"
    if last in (".ndjson", ".jsonl", ".json", ".ldjson"):
        return "ndjson"
    raise ManifestError(
        f"{path}: cannot tell the manifest format from the name; use a .ndjson, .jsonl or .csv "
        "file (optionally .gz), or pass --format"
    )


def _open_binary(path: Path) -> IO[bytes]:
    try:
        raw: IO[bytes] = open(path, "rb")  # noqa: SIM115 - the caller closes it
    except FileNotFoundError:
        raise ManifestError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ManifestError(f"{path}: is a directory, not a manifest file") from None
    except OSError as exc:
        raise ManifestError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if path.suffix.lower() == ".gz":
        return gzip.open(raw, "rb")  # type: ignore[return-value]
    return raw


def read_manifest(
    path: str | Path,
    *,
    format: ManifestFormat | None = None,
    allow_missing_global_keys: bool = False,
) -> Iterator[ManifestRow | LineError]:
    """Stream the manifest's lines as rows or line errors (blank lines are skipped).

    The file is opened and its header checked at the first ``next()``; call
    :class:`Manifest` for that check to happen at once.
    """
    return iter(Manifest(path, format=format, allow_missing_global_keys=allow_missing_global_keys))


class Manifest:
    """An opened manifest: ``ManifestError`` is raised here, lines are read when iterated.

    ``records`` counts non-blank records read so far; ``line`` is the last line number read.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        format: ManifestFormat | None = None,
        allow_missing_global_keys: bool = False,
    ) -> None:
        self.path = Path(path)
        self.format: ManifestFormat = format or detect_format(self.path)
        self._options = _Options(allow_missing_global_keys=allow_missing_global_keys)
        self._file = _open_binary(self.path)
        self.records = 0
        self.line = 0
        self.bytes_read = 0
        try:
            self._columns = self._csv_header() if self.format == "csv" else None
        except BaseException:
            self._file.close()
            raise

    def size(self) -> int | None:
        """Size of the file in bytes (compressed size for .gz), or None."""
        try:
            return self.path.stat().st_size
        except OSError:
            return None

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Manifest:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[ManifestRow | LineError]:
        try:
            if self.format == "csv":
                yield from self._csv_rows()
            else:
                yield from self._ndjson_rows()
        except OSError as exc:
            raise ManifestError(f"{self.path}: read failed after line {self.line}: {exc}") from exc
        finally:
            self._file.close()

    # -- NDJSON ------------------------------------------------------------------------------

    def _ndjson_rows(self) -> Iterator[ManifestRow | LineError]:
        for number, raw in enumerate(self._file, start=1):
            self.line = number
            self.bytes_read += len(raw)
            if not raw.strip():
                continue
            self.records += 1
            if len(raw) > MAX_LINE_BYTES:
                yield LineError(number, None, f"line is longer than {MAX_LINE_BYTES:,} bytes")
                continue
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield LineError(number, None, f"not UTF-8 text (byte {exc.start + 1})")
                continue
            try:
                obj = json.loads(text)
            except ValueError as exc:
                yield LineError(number, None, f"not valid JSON: {exc}")
                continue
            if not isinstance(obj, dict):
                yield LineError(number, None, f"expected a JSON object, got {_kind(obj)}")
                continue
            yield _row(number, obj, self._options)

    # -- CSV ---------------------------------------------------------------------------------

    def _text(self) -> Iterator[str]:
        for raw in self._file:
            self.bytes_read += len(raw)
            yield raw.decode("utf-8", errors="surrogateescape")

    def _csv_header(self) -> list[str]:
        self._text_lines = self._text()
        self._reader = csv.reader(self._text_lines, strict=True)
        try:
            header = next(self._reader)
        except StopIteration:
            raise ManifestError(
                f"{self.path}: the file is empty (a CSV manifest needs a header)"
            ) from None
        except csv.Error as exc:
            raise ManifestError(f"{self.path}: the CSV header cannot be read: {exc}") from None
        self.line = self._reader.line_num
        columns = [c.strip() for c in header]
        if columns and columns[0].startswith("\ufeff"):
            columns[0] = columns[0][1:]
        if any(_SURROGATE.search(c) for c in columns):
            raise ManifestError(f"{self.path}: the CSV header is not UTF-8 text")
        unknown = [c for c in columns if c not in FIELDS and not _metadata_column(c) and c != ""]
        if unknown:
            raise ManifestError(
                f"{self.path}: unknown column{'s' if len(unknown) > 1 else ''} "
                + ", ".join(repr(c) for c in unknown)
                + "; known columns: "
                + ", ".join(FIELDS)
                + " and metadata.NAME"
            )
        seen: set[str] = set()
        for c in columns:
            if c and c in seen:
                raise ManifestError(f"{self.path}: column {c!r} appears twice in the header")
            seen.add(c)
        if "row_data" not in columns:
            raise ManifestError(f"{self.path}: the CSV header has no 'row_data' column")
        if "global_key" not in columns and not self._options.allow_missing_global_keys:
            raise ManifestError(
                f"{self.path}: the CSV header has no 'global_key' column; global keys make "
                "ingestion resumable (pass --allow-missing-global-keys to ingest without them)"
            )
        if "metadata" in columns and any(_metadata_column(c) for c in columns):
            raise ManifestError(
                f"{self.path}: use either a 'metadata' column or metadata.NAME columns, not both"
            )
        return columns

    def _csv_rows(self) -> Iterator[ManifestRow | LineError]:
        columns = self._columns
        assert columns is not None
        while True:
            start = self._reader.line_num + 1
            try:
                record = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                self.line = self._reader.line_num
                self.records += 1
                yield LineError(start, None, f"not valid CSV: {exc}")
                continue
            self.line = self._reader.line_num
            if not record or all(not v.strip() for v in record):
                continue
            self.records += 1
            if len(record) != len(columns):
                yield LineError(
                    start,
                    None,
                    f"has {len(record)} values, the header has {len(columns)} columns",
                )
                continue
            obj: dict[str, Any] = {}
            metadata: dict[str, Any] = {}
            bad: LineError | None = None
            for column, value in zip(columns, record, strict=True):
                if not column:
                    continue
                if _SURROGATE.search(value):
                    bad = LineError(start, column, "not UTF-8 text")
                    break
                if value == "":
                    continue
                if _metadata_column(column):
                    metadata[column[len(_METADATA_COLUMN) :]] = value
                elif column in ("metadata", "attachments"):
                    try:
                        obj[column] = json.loads(value)
                    except ValueError as exc:
                        bad = LineError(start, column, f"not valid JSON: {exc}")
                        break
                elif column == "priority":
                    obj[column] = _csv_int(value)
                else:
                    obj[column] = value
            if bad is not None:
                yield bad
                continue
            if metadata:
                obj["metadata"] = metadata
            yield _row(start, obj, self._options)


def _metadata_column(column: str) -> bool:
    return column.startswith(_METADATA_COLUMN) and len(column) > len(_METADATA_COLUMN)


def _csv_int(value: str) -> Any:
    text = value.strip()
    if re.fullmatch(r"[+-]?\d{1,19}", text):
        return int(text)
    return value  # refused by the row check with the text shown


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


def _row(line: int, obj: Mapping[str, Any], options: _Options) -> ManifestRow | LineError:
    key = obj.get("global_key")
    shown_key = key if isinstance(key, str) else None
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
