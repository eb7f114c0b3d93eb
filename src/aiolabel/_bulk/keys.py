"""Row keys of a batch held as one JSON array, and the shape they are sent in."""

from __future__ import annotations

import json
from array import array
from collections import deque
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal, TypeVar

from pydantic_core import PydanticSerializationError, to_json

from aiolabel._concurrency import ChunkFailure, ChunkSuccess, FailureLedger
from aiolabel._content import RawJSON
from aiolabel.errors import InputError, PartialFailureError

__all__ = [
    "FilledBatch",
    "KeyBatch",
    "KeyBatches",
    "Keys",
    "ListBatches",
    "RowKind",
    "check_encodable",
    "encode_keys",
    "key_variables",
    "per_batch",
]

R = TypeVar("R")

RowKind = Literal["data_rows", "global_keys"]
"""Which identifiers a batch or task call names its rows by."""

Keys = list[str] | RawJSON
"""A batch's keys as sent: a list, or one JSON array (see :class:`KeyBatch`)."""


def key_variables(kind: RowKind, keys: Keys) -> tuple[Keys, Keys | None]:
    """``(dataRowIds, globalKeys)`` as the official SDK sends them: ``[]`` and ``None`` for the
    kind not given."""
    return (keys, None) if kind == "data_rows" else ([], keys)


_JSON_STRING = json.JSONEncoder(ensure_ascii=False).encode


_HASH_BUCKETS = 16
_HASH_MASK = _HASH_BUCKETS - 1


class KeyBatch:
    """The keys of one batch, held as the text of a JSON array.

    About 15 bytes a key instead of ~70 for a list of ``str`` (whose objects would also scatter
    over the heap), so batches being filled or sent cost little memory, and the keys are encoded
    once for both requests that carry them. Repeats are looked for when the batch is complete
    (:meth:`close`), before it is sent, by the keys' hashes (8 bytes a key while filling, kept
    in ``_HASH_BUCKETS`` arrays by their low bits, so that sorting one bucket to compare its
    hashes briefly costs ~40 bytes for a 16th of the keys, not for all of them); only when two
    hashes match are the keys decoded to say which key repeats. ``check=False`` (keys of a list
    already checked whole) keeps no hashes.
    """

    __slots__ = ("_hashes", "_text", "count", "start")

    def __init__(self, start: int, *, check: bool = True) -> None:
        self._text: bytearray | bytes = bytearray(b"[")
        self._hashes: list[array[int]] | None = (
            [array("q") for _ in range(_HASH_BUCKETS)] if check else None
        )
        self.count = 0
        self.start = start
        """The input position of the first key."""

    def add(self, key: str) -> None:
        assert isinstance(self._text, bytearray), "a closed batch takes no more keys"
        if self.count:
            self._text += b","
        self._text += _JSON_STRING(key).encode()
        if self._hashes is not None:
            value = hash(key)
            self._hashes[value & _HASH_MASK].append(value)
        self.count += 1

    def keys(self) -> list[str]:
        text = self._text if self._text.endswith(b"]") else self._text + b"]"
        keys: list[str] = json.loads(text)
        return keys

    def close(self, kind: RowKind) -> RawJSON:
        """End the batch; if it checks, :class:`InputError` names the first key repeated in it
        (the keys are decoded only if two of their hashes are equal)."""
        hashes, self._hashes = self._hashes, None
        if hashes is not None and any(_has_equal(bucket) for bucket in hashes):
            del hashes
            keys = self.keys()
            seen: set[str] = set()
            for i, key in enumerate(keys):
                if key in seen:
                    where = f"{kind}[{self.start + i}]"
                    raise InputError(f"{where}: {key!r} appears more than once")
                seen.add(key)
            del keys, seen  # equal hashes of different keys: no repeat
        if not self._text.endswith(b"]"):
            self._text += b"]"
        text = self._text = bytes(self._text)  # one copy, not two
        return RawJSON(text)


def _has_equal(values: array[int]) -> bool:
    """Whether two of ``values`` are equal (sorted: ~40 bytes a value, no hash table)."""
    ordered = sorted(values)
    return any(a == b for a, b in pairwise(ordered))


@dataclass(frozen=True, slots=True)
class FilledBatch:
    """A complete batch: its number, the input position of its first key, its size, its keys."""

    index: int
    start: int
    count: int
    keys: RawJSON

    def key_list(self) -> list[str]:
        keys: list[str] = json.loads(self.keys.text)
        return keys


# -- many batches -------------------------------------------------------------------------------


class KeyBatches:
    """The batches of ``size`` keys: ``first`` (read and checked before any request), then
    batches of ``extra`` (the key read after it) and the rest of the input. ``pending`` is the
    batch being filled, or the one found to repeat a key, so a job stopped by its input can
    report its keys as read but not sent (:meth:`unread`).
    """

    def __init__(
        self,
        first: FilledBatch,
        extra: str,
        rest: AsyncIterator[str],
        size: int,
        kind: RowKind,
        *,
        check: bool,
    ) -> None:
        self._first: FilledBatch | None = first
        self.pending: KeyBatch | None = KeyBatch(first.count, check=check)
        self.pending.add(extra)
        self._rest, self._size, self._kind, self._check = rest, size, kind, check

    def unread(self) -> list[str]:
        return self.pending.keys() if self.pending is not None and self.pending.count else []

    async def __aiter__(self) -> AsyncIterator[FilledBatch]:
        first, self._first = self._first, None
        assert first is not None
        yield first
        index = 1
        while (batch := self.pending) is not None:
            if batch.count < self._size:
                async for key in self._rest:  # the same iterator, resumed batch after batch
                    batch.add(key)
                    if batch.count == self._size:
                        break
            if not batch.count:
                break
            keys = batch.close(self._kind)
            full = batch.count == self._size
            self.pending = KeyBatch(batch.start + batch.count, check=self._check) if full else None
            yield FilledBatch(index, batch.start, batch.count, keys)
            index += 1
        self.pending = None


def encode_keys(keys: Sequence[str], kind: RowKind, start: int = 0) -> RawJSON:
    """Keys as one JSON array, encoded in one call: the same text as
    ``json.dumps(keys, ensure_ascii=False, separators=(",", ":"))`` (and :class:`KeyBatch`),
    written by pydantic-core's serializer, about five times faster (~3 ms per 100,000 ids). A
    key no UTF-8 can hold (a lone surrogate) raises :class:`InputError` naming its position
    (``start`` is the input position of ``keys[0]``)."""
    try:
        return RawJSON(to_json(keys))
    except PydanticSerializationError:
        for i, key in enumerate(keys):
            check_encodable(f"{kind}[{start + i}]", key)
        return RawJSON(json.dumps(keys, ensure_ascii=False, separators=(",", ":")).encode())


def check_encodable(argument: str, key: str) -> None:
    """Refuse a key that holds a lone surrogate: it has no UTF-8 form, so no request can carry
    it."""
    if not key.isascii():
        try:
            key.encode()
        except UnicodeEncodeError:
            raise InputError(
                f"{argument}: {key!r} is not valid Unicode text (it holds a lone surrogate)"
            ) from None


class ListBatches:
    """The batches of ``size`` keys of a list already checked whole (types, emptiness, repeats
    across batches), encoded from slices of it.

    ``at_once``: the job starts every batch at once, so each is encoded now, before the caller
    awaits anything (the keys are not kept: no copy of a large list lives through the job, for
    the garbage collector to walk). Otherwise each batch is encoded as it is started, from a
    copy of the keys taken now (the caller's list may change meanwhile).
    """

    def __init__(self, keys: Sequence[str], size: int, kind: RowKind, *, at_once: bool) -> None:
        self._size, self._kind = size, kind
        self.count = -(-len(keys) // size)
        """How many batches."""
        self._keys: list[str] | None = None
        self._ready: deque[FilledBatch] | None = None
        if at_once:
            self._ready = deque()
            for index, start in enumerate(range(0, len(keys), size)):
                part = keys[start : start + size]
                self._ready.append(
                    FilledBatch(index, start, len(part), encode_keys(part, kind, start))
                )
        else:
            self._keys = list(keys)
            if not all(map(str.isascii, self._keys)):  # refused now, not when its batch starts
                for i, key in enumerate(self._keys):
                    check_encodable(f"{kind}[{i}]", key)

    def unread(self) -> list[str]:
        return []  # every key of a list is read before anything is sent

    async def __aiter__(self) -> AsyncIterator[FilledBatch]:
        ready, keys, size = self._ready, self._keys, self._size
        self._ready = self._keys = None
        if ready is not None:
            while ready:  # handed over one by one: a batch's keys go with it when it is done
                yield ready.popleft()
            return
        assert keys is not None, "the batches of a list are read once"
        for index, start in enumerate(range(0, len(keys), size)):
            part = keys[start : start + size]
            yield FilledBatch(index, start, len(part), encode_keys(part, self._kind, start))


def per_batch(
    error: PartialFailureError[FilledBatch, R],
    unread: list[str],
    sizes: dict[int, int],
    batch_rows: int,
) -> PartialFailureError[str, R]:
    """The runner's report over batches, restated per batch over row keys."""
    ledger: FailureLedger[str, R] = FailureLedger()
    ledger.input_error = error.input_error
    ledger.failures = [
        ChunkFailure(batch.index, batch.start, batch.key_list(), f.error)
        for f in error.failures
        for batch in f.items
    ]
    ledger.succeeded = [
        ChunkSuccess(s.index, s.index * batch_rows, sizes.get(s.index, 0), s.result)
        for s in error.succeeded
    ]
    ledger.not_started = [batch.key_list() for chunk in error.not_started for batch in chunk]
    if unread:  # keys of a batch still being filled (or refused) when the input stopped
        ledger.not_started.append(unread)
    failed, done = len(ledger.failures), len(ledger.succeeded)
    return ledger.error(
        f"{failed} of {failed + done} batches failed ({ledger.failed_items:,} rows)",
        input_exhausted=error.input_exhausted,
        unit="rows",
        count_format=",",
    )
