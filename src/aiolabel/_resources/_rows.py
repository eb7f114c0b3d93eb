"""The rows a batch or task call names (data-row ids, ``DataRow`` objects or global keys).

Every error is an :class:`InputError` (a bad value) or :class:`InputTypeError` (a bad type) whose
message starts with the argument's name. Sequences (lists, tuples, ``UniqueIds``) are checked
whole before the first request; other iterables are checked item by item as they are read, so a
bad item midway stops the job like an input that raises (see :mod:`aiolabel._concurrency`), and
for duplicates within each chunk the server takes as a whole, so that memory stays flat.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping, Sequence
from typing import Any

from aiolabel._bulk.keys import RowKind, check_encodable
from aiolabel._validation import check_str, no_duplicates
from aiolabel.enums import IdType
from aiolabel.errors import InputError, InputTypeError
from aiolabel.identifiers import Identifiables
from aiolabel.models.batch import ConsensusSettings
from aiolabel.models.data_row import DataRow

__all__ = [
    "RowKind",
    "bounded_list",
    "check_sequence",
    "checked_keys",
    "consensus_wire",
    "pick_rows",
    "stream_items",
]


def _row_key(item: object, kind: RowKind, index: int) -> str:
    argument = f"{kind}[{index}]"
    if kind == "data_rows" and isinstance(item, DataRow):
        return item.uid
    if kind == "data_rows" and not isinstance(item, str):
        raise InputTypeError(
            f"{argument} must be a data-row id (str) or a DataRow, got {type(item).__name__}"
        )
    key = check_str(argument, item)
    check_encodable(argument, key)
    return key


def pick_rows(data_rows: object, global_keys: object) -> tuple[RowKind, Any]:
    """Which of ``data_rows`` / ``global_keys`` was given (exactly one must be)."""
    if data_rows is not None and global_keys is not None:
        raise InputError("give either data_rows or global_keys, not both")
    if data_rows is None and global_keys is None:
        raise InputError("give data_rows (ids or DataRow objects) or global_keys")
    kind: RowKind = "data_rows" if data_rows is not None else "global_keys"
    value = data_rows if data_rows is not None else global_keys
    if isinstance(value, str | bytes | bytearray | DataRow | Mapping) or not isinstance(
        value, Iterable | AsyncIterable
    ):
        raise InputTypeError(f"{kind} must be a list or an (async) iterable of ids")
    if isinstance(value, Identifiables):
        wanted = IdType.DataRowId if kind == "data_rows" else IdType.GlobalKey
        if value.id_type != wanted:
            raise InputTypeError(f"{kind} holds {type(value).__name__}: pass it as the other one")
    return kind, value


def checked_keys(
    values: Sequence[Any], kind: RowKind, *, max_rows: int | None = None
) -> Sequence[str]:
    """Every key of a sized input, checked whole: types, emptiness, duplicates, size. Returns
    ``values`` itself when every item is a key (no copy: for a caller that is done with it
    before it next awaits), else a new list of keys (``DataRow`` items as their ids)."""
    if max_rows is not None and len(values) > max_rows:
        raise InputError(
            f"{kind}: at most {max_rows:,} rows per batch, got {len(values):,}; "
            "use create_batches for more"
        )
    if not values:
        raise InputError(f"{kind} must not be empty")
    try:
        # one pass at C speed over keys that are all fine, as _row_key and no_duplicates would
        # check them: str.strip refuses anything but a str (TypeError) and returns the key
        # itself unless it has blanks around it; a blank key strips to "", and a repeated key
        # leaves fewer distinct keys than keys (as do keys differing only in blanks around
        # them, which are fine: any of these cases is checked key by key below)
        distinct = set(map(str.strip, values))
    except TypeError:
        distinct = set()
    if len(distinct) == len(values) and "" not in distinct:
        return values
    del distinct
    keys = [_row_key(item, kind, i) for i, item in enumerate(values)]
    no_duplicates(keys, kind)
    return keys


def check_sequence(
    values: Sequence[Any], kind: RowKind, *, max_rows: int | None = None
) -> list[str]:
    """:func:`checked_keys` as a list of the caller's own (a copy of ``values``)."""
    keys = checked_keys(values, kind, max_rows=max_rows)
    return list(keys) if keys is values or not isinstance(keys, list) else keys


async def stream_items(
    source: Iterable[Any] | AsyncIterable[Any], kind: RowKind
) -> AsyncIterator[str]:
    """The keys of any (async) iterable, checked one by one as they are read (types,
    emptiness). Repeats are the caller's to find, batch by batch, so that no key needs to be
    kept (see :class:`aiolabel._bulk.keys.KeyBatch`)."""
    index = 0
    if isinstance(source, AsyncIterable):
        async for item in source:
            yield _row_key(item, kind, index)
            index += 1
    else:
        for item in source:
            yield _row_key(item, kind, index)
            index += 1


def consensus_wire(value: object) -> dict[str, Any] | None:
    return None if value is None else ConsensusSettings.coerce(value).to_wire()


def bounded_list(source: Any, kind: str, limit: int) -> Any:
    """A list of an iterable's items, refusing more than ``limit`` (async iterables refused:
    ``create_batch`` takes a sized collection)."""
    if isinstance(source, AsyncIterable):
        raise InputTypeError(f"{kind}: create_batch takes a list; use create_batches for streams")
    out: list[Any] = []
    for item in source:
        out.append(item)
        if len(out) > limit:
            raise InputError(
                f"{kind}: at most {limit:,} rows per batch; use create_batches for more"
            )
    return out
