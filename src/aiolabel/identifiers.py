"""Data-row identifiers: a Labelbox data-row id (`UniqueId`) or a user-chosen `GlobalKey`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Generic, TypeAlias, TypeVar, overload

from aiolabel.enums import IdType

__all__ = [
    "DataRowIdentifier",
    "DataRowIdentifiers",
    "DataRowIds",
    "GlobalKey",
    "GlobalKeys",
    "Identifiable",
    "Identifiables",
    "UniqueId",
    "UniqueIds",
]


class Identifiable:
    """One identifier of a data row; equal and hashable by (kind, key)."""

    __slots__ = ("_key",)
    id_type: IdType

    def __init__(self, key: str) -> None:
        if not isinstance(key, str):
            raise TypeError(f"{type(self).__name__} takes a str, got {type(key).__name__}")
        if not key:
            raise ValueError(f"{type(self).__name__} cannot be empty")
        self._key = key

    @property
    def key(self) -> str:
        return self._key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Identifiable) and (other.id_type, other.key) == (
            self.id_type,
            self.key,
        )

    def __hash__(self) -> int:
        return hash((self.id_type, self._key))

    def __str__(self) -> str:
        return f"{self.id_type.value}:{self._key}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._key!r})"


class UniqueId(Identifiable):
    """A data-row id assigned by Labelbox."""

    __slots__ = ()
    id_type = IdType.DataRowId


class GlobalKey(Identifiable):
    """A global key chosen by the user, unique across the organisation."""

    __slots__ = ()
    id_type = IdType.GlobalKey


_I = TypeVar("_I", bound=Identifiable)


class Identifiables(Sequence[str], Generic[_I]):
    """A list of keys of one kind (all data-row ids, or all global keys)."""

    id_type: IdType
    item_type: type[_I]

    def __init__(self, keys: Iterable[str]) -> None:
        items = list(keys)
        for key in items:
            if not isinstance(key, str):
                raise TypeError(f"{type(self).__name__} holds str keys, got {type(key).__name__}")
            if not key:
                raise ValueError(f"{type(self).__name__} cannot hold an empty key")
        self._keys = items

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Identifiables[_I]: ...
    def __getitem__(self, index: int | slice) -> str | Identifiables[_I]:
        if isinstance(index, slice):
            return type(self)(self._keys[index])
        return self._keys[index]

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def identifiers(self) -> Iterator[_I]:
        """The keys as single identifiers."""
        return (self.item_type(k) for k in self._keys)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Identifiables)
            and other.id_type == self.id_type
            and other._keys == self._keys
        )

    def __hash__(self) -> int:
        return hash((self.id_type, tuple(self._keys)))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._keys!r})"


class UniqueIds(Identifiables[UniqueId]):
    """Data-row ids assigned by Labelbox."""

    id_type = IdType.DataRowId
    item_type = UniqueId


class GlobalKeys(Identifiables[GlobalKey]):
    """Global keys chosen by the user."""

    id_type = IdType.GlobalKey
    item_type = GlobalKey


DataRowIds = UniqueIds
"""The official SDK's other name for :class:`UniqueIds` (``labelbox.DataRowIds``)."""

DataRowIdentifier: TypeAlias = UniqueId | GlobalKey
DataRowIdentifiers: TypeAlias = UniqueIds | GlobalKeys
