"""Checks of the arguments of the project methods, run before any request is sent.

Every error is an :class:`InputError` (a bad value) or :class:`InputTypeError` (a bad type) whose
message starts with the argument's name. Sequences (lists, tuples, ``UniqueIds``) are checked
whole before the first request; other iterables are checked item by item as they are read, so a
bad item midway stops the job like an input that raises (see :mod:`aiolabel._concurrency`), and
for duplicates within each chunk the server takes as a whole, so that memory stays flat.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping, Sequence
from typing import Any, Literal

from aiolabel.enums import IdType
from aiolabel.errors import InputError, InputTypeError
from aiolabel.identifiers import GlobalKeys, Identifiable, Identifiables, UniqueIds
from aiolabel.models.data_row import DataRow

__all__ = [
    "BATCH_PRIORITIES",
    "INT32_MAX",
    "INT32_MIN",
    "RowKind",
    "check_batch_priority",
    "check_identifiers",
    "check_int32_priority",
    "check_optional_str",
    "check_row_key",
    "pick_rows",
    "stream_items",
]

BATCH_PRIORITIES = range(1, 6)
"""A batch's priority: 1 (highest) to 5 (lowest)."""
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
"""Labelling-parameter-override priorities are any signed 32-bit integer."""

RowKind = Literal["data_rows", "global_keys"]


def check_batch_priority(priority: object, argument: str = "priority") -> int:
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise InputTypeError(f"{argument} must be an int, got {type(priority).__name__}")
    if priority not in BATCH_PRIORITIES:
        raise InputError(f"{argument} must be between 1 (highest) and 5 (lowest), got {priority}")
    return priority


def check_int32_priority(priority: object, argument: str = "priority") -> int:
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise InputTypeError(f"{argument} must be an int, got {type(priority).__name__}")
    if not INT32_MIN <= priority <= INT32_MAX:
        raise InputError(
            f"{argument} must be a signed 32-bit integer ({INT32_MIN}..{INT32_MAX}), got {priority}"
        )
    return priority


def check_optional_str(value: object, argument: str) -> str | None:
    if value is None:
        return None
    return check_row_key(value, argument)


def check_row_key(value: object, argument: str) -> str:
    """A non-empty id or global key."""
    if not isinstance(value, str):
        raise InputTypeError(f"{argument} must be a str, got {type(value).__name__}")
    if not value.strip():
        raise InputError(f"{argument} must not be empty")
    return value


def _row_key(item: object, kind: RowKind, index: int) -> str:
    argument = f"{kind}[{index}]"
    if kind == "data_rows" and isinstance(item, DataRow):
        return item.uid
    if kind == "data_rows" and not isinstance(item, str):
        raise InputTypeError(
            f"{argument} must be a data-row id (str) or a DataRow, got {type(item).__name__}"
        )
    return check_row_key(item, argument)


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


def check_sequence(
    values: Sequence[Any], kind: RowKind, *, max_rows: int | None = None
) -> list[str]:
    """Every key of a sized input, checked whole: types, emptiness, duplicates, size."""
    if max_rows is not None and len(values) > max_rows:
        raise InputError(
            f"{kind}: at most {max_rows:,} rows per batch, got {len(values):,}; "
            "use create_batches for more"
        )
    keys = [_row_key(item, kind, i) for i, item in enumerate(values)]
    if not keys:
        raise InputError(f"{kind} must not be empty")
    _no_duplicates(keys, kind)
    return keys


def _no_duplicates(keys: Sequence[str], kind: str) -> None:
    if len(set(keys)) != len(keys):
        seen: set[str] = set()
        for i, key in enumerate(keys):
            if key in seen:
                raise InputError(f"{kind}[{i}]: {key!r} appears more than once")
            seen.add(key)


async def stream_items(
    source: Iterable[Any] | AsyncIterable[Any], kind: RowKind
) -> AsyncIterator[str]:
    """The keys of any (async) iterable, checked one by one as they are read (types,
    emptiness). Repeats are the caller's to find, batch by batch, so that no key needs to be
    kept (see :class:`aiolabel._batch_create.KeyBatch`)."""
    index = 0
    if isinstance(source, AsyncIterable):
        async for item in source:
            yield _row_key(item, kind, index)
            index += 1
    else:
        for item in source:
            yield _row_key(item, kind, index)
            index += 1


def check_identifiers(values: object, argument: str) -> tuple[IdType, list[str]]:
    """``UniqueIds`` or ``GlobalKeys``, non-empty, without duplicates."""
    if not isinstance(values, UniqueIds | GlobalKeys):
        raise InputTypeError(
            f"{argument} must be UniqueIds or GlobalKeys, got {type(values).__name__}"
        )
    keys = list(values)
    if not keys:
        raise InputError(f"{argument} must not be empty")
    _no_duplicates(keys, argument)
    return values.id_type, keys


def check_override(pair: object, index: int, argument: str = "data") -> tuple[Identifiable, int]:
    """One ``(UniqueId | GlobalKey, priority)`` pair (extra tuple elements are ignored, as in the
    official SDK)."""
    if type(pair) is tuple and len(pair) == 2:  # the usual case, checked without a call
        identifier, priority = pair
        if (
            isinstance(identifier, Identifiable)
            and type(priority) is int
            and INT32_MIN <= priority <= INT32_MAX
        ):
            return pair
    where = f"{argument}[{index}]"
    if not isinstance(pair, tuple | list) or len(pair) < 2:
        raise InputTypeError(f"{where} must be an (identifier, priority) tuple")
    identifier, priority = pair[0], pair[1]
    if not isinstance(identifier, Identifiable):
        raise InputTypeError(
            f"{where}: the identifier must be a UniqueId or a GlobalKey, "
            f"got {type(identifier).__name__}"
        )
    return identifier, check_int32_priority(priority, f"{where} priority")
