"""Descriptor files of a data-row upsert: specs appended to JSON lists of bounded size.

Each spec is serialised once and appended to the current list, and the list is closed when the
next spec would pass the byte bound: one pass, input order kept, deterministic. With a spool
directory each list is written to a file as it grows, so memory stays flat.
"""

from __future__ import annotations

import contextlib
import json
import os
import pathlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from aiolabel.errors import InputError

__all__ = [
    "FILE_UPLOAD_CONCURRENCY",
    "ITEMS_PER_TASK",
    "UPLOAD_CONCURRENCY",
    "UPSERT_CHUNK_SIZE_BYTES",
    "DescriptorChunk",
    "DescriptorChunker",
    "spec_texts",
]

UPSERT_CHUNK_SIZE_BYTES = 10_000_000
"""Bytes per descriptor file at most (the official ``UPSERT_CHUNK_SIZE_BYTES``)."""
ITEMS_PER_TASK = 100_000
"""Items per upsert task at most. The official SDK sends any number in one task; aiolabel
splits larger inputs so each server task (and its manifest) stays bounded, the same bound as
rows per batch."""
UPLOAD_CONCURRENCY = 4
"""Descriptor files uploaded at once by default."""
FILE_UPLOAD_CONCURRENCY = 20
"""Local files uploaded at once by default (the official ``FILE_UPLOAD_THREAD_COUNT``)."""
_SEP = b", "
"""Between specs, as ``json.dumps`` writes a list: a one-file descriptor is byte-identical to
the official SDK's."""


_DECODER = json.JSONDecoder()


def spec_texts(text: str) -> list[bytes]:
    """The text of each element of a JSON list written by ``json.dumps``, as it is there."""
    out: list[bytes] = []
    position, end = 1, len(text) - 1
    while position < end:
        _, stop = _DECODER.raw_decode(text, position)
        out.append(text[position:stop].encode("ascii"))
        position = stop + len(_SEP)
    return out


@dataclass(frozen=True, slots=True)
class DescriptorChunk:
    """One descriptor file: items ``start .. start+count-1`` of task ``task``; its bytes are
    ``body``, or the file at ``path`` when the chunker spools (``body`` is then empty)."""

    index: int
    task: int
    start: int
    count: int
    body: bytes
    last_in_task: bool
    path: str | None = None

    def content(self) -> bytes | pathlib.Path:
        """What to upload: the bytes, or the spooled file."""
        return self.body if self.path is None else pathlib.Path(self.path)

    def read(self) -> bytes:
        if self.path is None:
            return self.body
        with open(self.path, "rb") as f:
            return f.read()

    def discard(self) -> None:
        """Delete the spooled file (once uploaded or given up)."""
        if self.path is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)


class DescriptorChunker:
    """Appends serialised specs to a JSON list until the next would pass ``max_bytes``.

    ``add`` returns the chunks it closed; ``close`` returns the last one (or None). A spec larger
    than ``max_bytes`` makes a chunk of its own. A chunk never spans two tasks of
    ``items_per_task`` items. With ``spool_dir`` each list is written to a file there as it
    grows, so neither the chunk being filled nor those in flight are held in memory.
    """

    def __init__(
        self,
        max_bytes: int = UPSERT_CHUNK_SIZE_BYTES,
        items_per_task: int = ITEMS_PER_TASK,
        *,
        spool_dir: str | None = None,
    ) -> None:
        if max_bytes < 2 or items_per_task < 1:
            raise InputError("max_bytes must be at least 2 and items_per_task at least 1")
        self.max_bytes = max_bytes
        self.items_per_task = items_per_task
        self.spool_dir = spool_dir
        self._buf = bytearray(b"[")
        self._file: BinaryIO | None = None
        self._size = 1
        """Bytes of the list being filled, its opening bracket included."""
        self._count = 0
        self._start = 0
        self._task = 0
        self._in_task = 0
        self._index = 0

    @property
    def pending(self) -> tuple[int, int]:
        """(start, count) of the items held but not yet in a chunk."""
        return self._start, self._count

    def _path(self) -> str:
        assert self.spool_dir is not None
        return os.path.join(self.spool_dir, f"descriptor-{self._index:06d}.json")

    def _write(self, data: bytes) -> None:
        self._size += len(data)
        if self.spool_dir is None:
            self._buf += data
            return
        if self._file is None:
            self._file = open(self._path(), "wb")  # noqa: SIM115 - closed by _close/discard
            self._file.write(b"[")
        self._file.write(data)

    def _close(self, last: bool) -> DescriptorChunk:
        path = None
        if self._file is not None:
            self._file.write(b"]")
            self._file.close()
            self._file, path, body = None, self._path(), b""
        else:
            self._buf += b"]"
            body = bytes(self._buf)
        chunk = DescriptorChunk(self._index, self._task, self._start, self._count, body, last, path)
        self._index += 1
        self._start += self._count
        self._count = 0
        self._buf = bytearray(b"[")
        self._size = 1
        if last:
            self._task += 1
            self._in_task = 0
        return chunk

    def add(self, spec: bytes) -> tuple[DescriptorChunk, ...]:
        """Append one spec; return the chunks this closed (none, one, or two when the spec
        both overflowed the buffer and ended a task)."""
        closed: tuple[DescriptorChunk, ...] = ()
        if self._count and self._size + len(_SEP) + len(spec) + 1 > self.max_bytes:
            closed = (self._close(last=False),)
        if self._count:
            self._write(_SEP)
        self._write(spec)
        self._count += 1
        self._in_task += 1
        if self._in_task >= self.items_per_task:
            closed += (self._close(last=True),)
        return closed

    def add_list(self, text: str, count: int) -> Iterator[DescriptorChunk]:
        """Append ``count`` specs given as one JSON list written by ``json.dumps`` (ASCII, ``", "``
        between specs), yielding the chunks this closes as they close: the same chunks as
        :meth:`add` of each spec in turn. (A generator: nothing is added until it is iterated.)

        The list goes in whole when it fits in the file being filled and in the task; otherwise
        it is split into its specs' own text (each found where the JSON decoder ends it), added
        one by one.
        """
        if count < 1:
            return
        size = len(text) - 2  # the specs and the separators between them
        grown = self._size + (len(_SEP) if self._count else 0) + size + 1
        if grown > self.max_bytes or self._in_task + count > self.items_per_task:
            for spec in spec_texts(text):
                yield from self.add(spec)
            return
        if self._count:
            self._write(_SEP)
        self._write(text[1:-1].encode("ascii"))
        self._count += count
        self._in_task += count
        if self._in_task >= self.items_per_task:
            yield self._close(last=True)

    def close(self) -> DescriptorChunk | None:
        return self._close(last=True) if self._count else None

    def discard(self) -> None:
        """Close the file of a list left unfinished (a job stopped midway)."""
        if self._file is not None:
            self._file.close()
            self._file = None
