"""The base of every resource: a class bound to the client that owns the request contract."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

if TYPE_CHECKING:
    from aiolabel.client import AsyncClient

__all__ = ["BoundResource", "Resource"]


class Resource:
    """Behaviour of one Labelbox resource, bound to one client.

    A resource validates its arguments, then composes the client's request contract
    (``_execute_operation``, ``_get_one``, ``_paginate_offset`` / ``_paginate_cursor``,
    ``_run_chunks``, polling, upload and download); it never opens HTTP itself, never sleeps or
    retries on its own, and never imports another resource's module.
    """

    __slots__ = ("_client",)

    def __init__(self, client: AsyncClient) -> None:
        self._client = client


R = TypeVar("R", bound=Resource)


class BoundResource(Generic[R]):
    """A client attribute holding one resource, built on first use and kept on the instance
    (``functools.cached_property`` in one line): ``_datasets = BoundResource(Datasets)``."""

    __slots__ = ("_cls", "_name")

    def __init__(self, cls: type[R]) -> None:
        self._cls = cls
        self._name = ""

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self._name = name

    @overload
    def __get__(self, client: None, owner: type[Any] | None = None) -> BoundResource[R]: ...

    @overload
    def __get__(self, client: Any, owner: type[Any] | None = None) -> R: ...

    def __get__(self, client: Any, owner: type[Any] | None = None) -> R | BoundResource[R]:
        if client is None:
            return self
        made: R = self._cls(client)
        client.__dict__[self._name] = made  # later reads find it there, as cached_property's do
        return made
