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
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal

from aiolabel.ingest._rows import (
    FIELDS,
    MAX_LINE_BYTES,
    MAX_PRIORITY,
    Attachment,
    LineError,
    ManifestError,
    ManifestRow,
    _kind,
    _Options,
    _row,
    check_url,
    parse_media_type,
)

__all__ = [
    "FIELDS",
    "MAX_PRIORITY",
    "Attachment",
    "LineError",
    "Manifest",
    "ManifestError",
    "ManifestFormat",
    "ManifestRow",
    "check_url",
    "detect_format",
    "parse_media_type",
    "read_manifest",
]

ManifestFormat = Literal["ndjson", "csv"]

_METADATA_COLUMN = "metadata."
_SURROGATE = re.compile("[\udc80-\udcff]")
_SKIP_CHUNK = 1024 * 1024


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
        except (OSError, EOFError, zlib.error) as exc:  # EOFError: a truncated .gz
            raise ManifestError(f"{self.path}: read failed after line {self.line}: {exc}") from exc
        finally:
            self._file.close()

    # -- NDJSON ------------------------------------------------------------------------------

    def _lines(self) -> Iterator[bytes | None]:
        """The file's lines, each read at most ``MAX_LINE_BYTES`` at a time: a longer line
        gives ``None`` and is skipped to its end without being held (memory stays flat)."""
        while True:
            raw = self._file.readline(MAX_LINE_BYTES + 1)
            if not raw:
                return
            self.bytes_read += len(raw)
            if len(raw) <= MAX_LINE_BYTES or raw.endswith(b"\n"):
                yield raw
                continue
            while not raw.endswith(b"\n"):
                raw = self._file.readline(_SKIP_CHUNK)
                if not raw:
                    break
                self.bytes_read += len(raw)
            yield None

    def _ndjson_rows(self) -> Iterator[ManifestRow | LineError]:
        for number, raw in enumerate(self._lines(), start=1):
            self.line = number
            if raw is None:
                self.records += 1
                yield LineError(number, None, f"line is longer than {MAX_LINE_BYTES:,} bytes")
                continue
            if not raw.strip():
                continue
            self.records += 1
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
        for raw in self._lines():
            if raw is None:  # too long: a stand-in the CSV reader refuses as one bad record
                yield "\x00" * (csv.field_size_limit() + 1) + "\n"
                continue
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
                yield LineError(start, None, f"not valid CSV: {_csv_reason(exc, start, self.line)}")
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


def _csv_reason(exc: csv.Error, start: int, end: int) -> str:
    text = str(exc)
    if "unexpected end of data" in text:
        swallowed = f"lines {start}-{end} were" if end > start else f"line {start} was"
        return (
            f"a quote opened in the record on line {start} is never closed: {swallowed} read "
            "as one value up to the end of the file, so no record after it was read; close "
            'the quote (a quote inside a value is written twice: "") and run again'
        )
    return text


def _metadata_column(column: str) -> bool:
    return column.startswith(_METADATA_COLUMN) and len(column) > len(_METADATA_COLUMN)


def _csv_int(value: str) -> Any:
    text = value.strip()
    if re.fullmatch(r"[+-]?\d{1,19}", text):
        return int(text)
    return value  # refused by the row check with the text shown
