"""Row keys of a batch held as one JSON array, and the shape they are sent in."""

from __future__ import annotations

import json
from array import array
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from aiolabel._transport import RawJSON
from aiolabel.errors import InputError

__all__ = ["FilledBatch", "KeyBatch", "Keys", "RowKind", "key_variables"]

RowKind = Literal["data_rows", "global_keys"]
"""Which identifiers a batch or task call names its rows by."""

Keys = list[str] | RawJSON
"""A batch's keys as sent: a list, or one JSON array (see :class:`KeyBatch`)."""


def key_variables(kind: RowKind, keys: Keys) -> tuple[Keys, Keys | None]:
    """``(dataRowIds, globalKeys)`` as the official SDK sends them: ``[]`` and ``None`` for the
    kind not given."""
    return (keys, None) if kind == "data_rows" else ([], keys)


_JSON_STRING = json.JSONEncoder(ensure_ascii=False).encode


class KeyBatch:
    """The keys of one batch, held as the text of a JSON array.

    About 15 bytes a key instead of ~70 for a list of ``str`` (whose objects would also scatter
    over the heap), so batches being filled or sent cost little memory, and the keys are encoded
    once for both requests that carry them. Repeats are looked for when the batch is complete
    (:meth:`close`), before it is sent, by the keys' hashes (8 bytes a key while filling); only
    when two hashes match are the keys decoded to say which key repeats. ``check=False`` (keys
    of a list already checked whole) keeps no hashes.
    """

    __slots__ = ("_hashes", "_text", "count", "start")

    def __init__(self, start: int, *, check: bool = True) -> None:
        self._text: bytearray | bytes = bytearray(b"[")
        self._hashes: array[int] | None = array("q") if check else None
        self.count = 0
        self.start = start
        """The input position of the first key."""

    def add(self, key: str) -> None:
        assert isinstance(self._text, bytearray), "a closed batch takes no more keys"
        if self.count:
            self._text += b","
        self._text += _JSON_STRING(key).encode()
        if self._hashes is not None:
            self._hashes.append(hash(key))
        self.count += 1

    def keys(self) -> list[str]:
        text = self._text if self._text.endswith(b"]") else self._text + b"]"
        keys: list[str] = json.loads(text)
        return keys

    def close(self, kind: RowKind) -> RawJSON:
        """End the batch; if it checks, :class:`InputError` names the first key repeated in it
        (the keys are decoded only if two of their hashes are equal)."""
        hashes, self._hashes = self._hashes, None
        if hashes is not None and _has_equal(hashes):
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
