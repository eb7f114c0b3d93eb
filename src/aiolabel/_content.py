"""Bodies: GraphQL variables as JSON, upload bodies (bytes, text, files, streams, spooled so a
retry can resend them, multipart), and lines of a downloaded body. No I/O over the network."""

from __future__ import annotations

import json
import mimetypes
import os
import secrets
import tempfile
import threading
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import IO, Any, TypeAlias

import anyio
from pydantic_core import from_json

from aiolabel.errors import InputError, InputTypeError, LabelboxError

__all__ = [
    "STREAM_CHUNK",
    "EncodedDocument",
    "Multipart",
    "RawJSON",
    "Upload",
    "UploadContent",
    "bytes_once",
    "encode_json",
    "encode_variables",
    "encode_variables_parts",
    "guess_content_type",
    "json_default",
    "parse_json",
    "prepare_upload",
    "split_lines",
]

UploadContent: TypeAlias = (
    bytes | bytearray | memoryview | str | os.PathLike[str] | Iterable[bytes] | AsyncIterable[bytes]
)
"""What :meth:`Transport.upload` accepts: bytes, text (sent as UTF-8), a path to a local file
(``os.PathLike``; a plain ``str`` is content, not a path), or an (async) iterable of bytes."""

STREAM_CHUNK = 64 * 1024
_SPOOL_IN_MEMORY = 8 * 1024 * 1024


class RawJSON:
    """A value already encoded as JSON text, sent as is inside the variables.

    For large lists built once and held compactly (a batch's 100,000 keys as one ``bytes`` of
    ~15 bytes a key, not 100,000 ``str`` objects). The text must be valid JSON: it is not parsed.
    """

    __slots__ = ("text",)

    def __init__(self, text: bytes) -> None:
        if not isinstance(text, bytes):
            raise InputTypeError("RawJSON holds bytes")
        self.text = text

    def __repr__(self) -> str:
        return f"RawJSON({len(self.text)} bytes)"


class EncodedDocument(str):
    """A GraphQL document (the ``str`` itself) with its JSON string made alongside it.

    ``json`` is ``json.dumps(document, ensure_ascii=False)`` as UTF-8 bytes, quotes included,
    made by the renderer that made the text (the LPO list's, which renders both in one pass);
    :func:`encode_variables` puts it into the body as it is instead of escaping the ~80 KB
    document a second time. Any other use sees an ordinary ``str``.
    """

    json: bytes

    def __new__(cls, document: str, encoded: bytes) -> EncodedDocument:
        if not isinstance(encoded, bytes):
            raise InputTypeError("an encoded document holds bytes")
        made = super().__new__(cls, document)
        made.json = encoded
        return made


_EMPTY_QUERY = b'{"query":""'
"""How the body starts when the query is encoded apart (its JSON string goes after ``:``)."""

_RAW_MARK = f"\x00aiolabel-raw-json-{secrets.token_hex(8)}\x00"
"""Stands in for a :class:`RawJSON` while the rest is encoded (no caller can guess it)."""
_RAW_TOKEN = json.dumps(_RAW_MARK).encode()


def json_default(value: object) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise InputTypeError(f"cannot send a {type(value).__name__} as a GraphQL variable")


def encode_json(value: Any) -> bytes:
    """A JSON request body (a REST call's), datetimes, enums and sets converted as for variables."""
    return json.dumps(value, default=json_default).encode("utf-8")


_encoding = threading.local()
"""``raws``: the :class:`RawJSON` texts met by the encoding under way in this thread."""


def _variables_default(value: object) -> Any:
    if isinstance(value, RawJSON):
        _encoding.raws.append(value.text)
        return _RAW_MARK
    return json_default(value)


_VARIABLES_ENCODER = json.JSONEncoder(
    default=_variables_default, ensure_ascii=False, allow_nan=False, separators=(",", ":")
)
"""What ``json.dumps`` would build with these options on every call, built once."""


def encode_variables(query: str, variables: Mapping[str, Any] | None) -> bytes:
    """The JSON envelope ``{"query", "variables"}`` as UTF-8 bytes.

    Datetimes anywhere in ``variables`` become UTC ``%Y-%m-%dT%H:%M:%SZ`` strings (naive ones are
    taken as UTC), enums their value, sets and tuples lists, :class:`RawJSON` its text. Other
    non-JSON values, NaN and infinities raise :class:`InputTypeError` / :class:`InputError` before
    anything is sent. An :class:`EncodedDocument` query goes in as its ``json``.
    """
    return b"".join(encode_variables_parts(query, variables))


def encode_variables_parts(query: str, variables: Mapping[str, Any] | None) -> list[bytes]:
    """:func:`encode_variables` as consecutive parts, each :class:`RawJSON` its own part (its
    own ``bytes``, not copied), so a large body can be sent part by part (:func:`parts_once`)."""
    if variables is not None and not isinstance(variables, Mapping):
        raise InputTypeError(f"variables must be a mapping, got {type(variables).__name__}")
    raws: list[bytes] = []
    encoded = query.json if type(query) is EncodedDocument else None
    outer, _encoding.raws = getattr(_encoding, "raws", None), raws
    try:
        body = _VARIABLES_ENCODER.encode(
            {
                "query": "" if encoded is not None else query,
                "variables": None if variables is None else dict(variables),
            }
        ).encode("utf-8")
    except ValueError as exc:
        if isinstance(exc, LabelboxError):
            raise
        raise InputError(f"variables cannot be sent as JSON: {exc}") from None
    finally:
        _encoding.raws = outer
    if encoded is not None:
        body = b"".join((b'{"query":', encoded, body[len(_EMPTY_QUERY) :]))  # one copy
    if not raws:
        return [body]
    parts = body.split(_RAW_TOKEN)
    if len(parts) != len(raws) + 1:  # pragma: no cover - the mark is unguessable
        raise InputError("variables cannot be sent as JSON: a value holds a reserved marker")
    out = [parts[0]]
    for raw, part in zip(raws, parts[1:], strict=True):
        out += (raw, part)
    return out


def parse_json(text: str | bytes) -> Any:
    """``json.loads(text)``, through pydantic-core's Rust parser: the same values for the same
    text (duplicate keys, NaN, big integers alike), a few times faster for the many small lines
    of NDJSON files. What it refuses (a lone surrogate escape, or invalid JSON) goes to
    :func:`json.loads`, which decides, so the errors are ``json.loads``'s too."""
    try:
        return from_json(text)
    except ValueError:
        return json.loads(text)


@dataclass(frozen=True, slots=True)
class Upload:
    """A replayable upload body: its exact byte length and a factory of fresh byte streams."""

    length: int
    open: Callable[[], AsyncIterator[bytes]]
    cleanup: Callable[[], None] | None = None


async def bytes_once(data: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(data), STREAM_CHUNK):
        yield data[start : start + STREAM_CHUNK]


async def parts_once(parts: list[bytes]) -> AsyncIterator[bytes]:
    """The parts of a body (:func:`encode_variables_parts`), in chunks of ``STREAM_CHUNK``."""
    for part in parts:
        for start in range(0, len(part), STREAM_CHUNK):
            yield part[start : start + STREAM_CHUNK]


async def _read_path(path: str) -> AsyncIterator[bytes]:
    async with await anyio.open_file(path, "rb") as f:
        while chunk := await f.read(STREAM_CHUNK):
            yield chunk


async def _read_spool(spool: IO[bytes]) -> AsyncIterator[bytes]:
    spool.seek(0)
    while chunk := await anyio.to_thread.run_sync(spool.read, STREAM_CHUNK):
        yield chunk


async def prepare_upload(content: UploadContent) -> Upload:
    if isinstance(content, str):
        content = content.encode("utf-8")
    if isinstance(content, bytes | bytearray | memoryview):
        data: bytes = bytes(content)
        return Upload(len(data), lambda: bytes_once(data))
    if isinstance(content, os.PathLike):
        path = os.fspath(content)
        if not isinstance(path, str):
            raise InputTypeError("a path to upload must be a str path")
        try:
            size = (await anyio.Path(path).stat()).st_size
        except OSError as exc:
            raise InputError(f"cannot read {path!r}: {exc.strerror}") from None
        return Upload(size, lambda: _read_path(path))
    if isinstance(content, AsyncIterable | Iterable):
        # Not replayable and of unknown length: spool it (on disk past 8 MiB) so the exact byte
        # length is known up front and a retry can resend it.
        spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115
        size = 0
        try:
            if isinstance(content, AsyncIterable):
                async for piece in content:
                    size += _spool_write(spool, piece)
            else:
                for item in content:
                    size += _spool_write(spool, item)
        except BaseException:
            spool.close()
            raise
        return Upload(size, lambda: _read_spool(spool), spool.close)
    raise InputTypeError(
        f"cannot upload a {type(content).__name__}: give bytes, str, an os.PathLike "
        "or an (async) iterable of bytes"
    )


def _spool_write(spool: IO[bytes], chunk: object) -> int:
    if not isinstance(chunk, bytes | bytearray | memoryview):
        raise InputTypeError(f"an upload iterable must yield bytes, got {type(chunk).__name__}")
    return spool.write(chunk)


def _quote_param(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "").replace("\n", "")


class Multipart:
    """A GraphQL multipart request (operations, map, file "1") as a byte stream of known size."""

    def __init__(
        self, operations: bytes, upload: Upload, filename: str, content_type: str | None
    ) -> None:
        self.boundary = secrets.token_hex(16)
        b = self.boundary.encode()
        mapping = b'{"1": ["variables.file"]}'
        file_head = f'Content-Disposition: form-data; name="1"; filename="{_quote_param(filename)}"'
        if content_type:
            file_head += f"\r\nContent-Type: {_quote_param(content_type)}"
        self._head = (
            b"--" + b + b'\r\nContent-Disposition: form-data; name="operations"\r\n\r\n'
            + operations
            + b"\r\n--" + b + b'\r\nContent-Disposition: form-data; name="map"\r\n\r\n'
            + mapping
            + b"\r\n--" + b + b"\r\n" + file_head.encode("utf-8") + b"\r\n\r\n"
        )  # fmt: skip
        self._tail = b"\r\n--" + b + b"--\r\n"
        self._upload = upload
        self.length = len(self._head) + upload.length + len(self._tail)

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    async def stream(self) -> AsyncIterator[bytes]:
        yield self._head
        sent = 0
        async for chunk in self._upload.open():
            sent += len(chunk)
            yield bytes(chunk)
        if sent != self._upload.length:
            raise InputError(
                f"upload content changed while sending ({sent} bytes, expected "
                f"{self._upload.length})"
            )
        yield self._tail


async def split_lines(chunks: AsyncIterable[bytes]) -> AsyncIterator[str]:
    """UTF-8 lines of a byte stream, without line ends; blank lines skipped.

    Lines may span chunks; only the unfinished line is held, so memory stays flat.
    """
    partial: list[bytes] = []
    async for chunk in chunks:
        parts = chunk.split(b"\n")
        if len(parts) == 1:
            partial.append(chunk)
            continue
        partial.append(parts[0])
        lines = [b"".join(partial), *parts[1:-1]]
        partial = [parts[-1]]
        for line in lines:
            if line.strip():
                yield line.rstrip(b"\r").decode("utf-8")
    last = b"".join(partial)
    if last.strip():
        yield last.rstrip(b"\r").decode("utf-8")


def guess_content_type(path: str) -> str | None:
    """The MIME type of a local file from its name, as the official ``upload_file`` does."""
    return mimetypes.guess_type(path)[0]
