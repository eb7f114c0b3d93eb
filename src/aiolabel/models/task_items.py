"""``task.result`` and ``task.errors``: the documented spellings, with ``await`` added.

The official SDK's ``task.result`` and ``task.errors`` are properties that download and return a
list (``errors``: ``None`` when there are none), so the documents write ``if task.errors:`` and
``print(task.result)``. Here they are :class:`TaskItems`:

* ``await task.errors`` / ``await task.result``: the list, as the documents mean it (``errors``
  and the ``created_data_rows`` / ``failed_data_rows`` views give ``None`` when empty);
* ``async for item in task.result`` (or ``task.result()``): streamed, one item at a time;
* ``if task.errors:`` without ``await`` raises ``TypeError`` naming the spelling, instead of
  being always true.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Generator
from typing import Any, Generic, TypeVar, cast

__all__ = ["Items", "MaybeItems", "TaskItems", "TaskItemsRun"]

Factory = Callable[[], AsyncIterator[dict[str, Any]]]
Items = list[dict[str, Any]]
MaybeItems = list[dict[str, Any]] | None
R = TypeVar("R", Items, MaybeItems)


def _refuse(name: str) -> TypeError:
    return TypeError(
        f"task.{name} must be awaited: write `await task.{name}` (a list"
        + (", or None when empty" if name != "result" else "")
        + f") or `async for item in task.{name}`"
    )


async def _collect(factory: Factory, none_if_empty: bool) -> Any:
    items = [item async for item in factory()]
    return None if none_if_empty and not items else items


class TaskItemsRun(Generic[R]):
    """One pass over the items (what ``task.result()`` returns): an async iterator that can be
    closed (``contextlib.aclosing``), or awaited whole."""

    __slots__ = ("_factory", "_iterator", "_name", "_none_if_empty")

    def __init__(self, factory: Factory, name: str, none_if_empty: bool) -> None:
        self._factory = factory
        self._name = name
        self._none_if_empty = none_if_empty
        self._iterator: AsyncIterator[dict[str, Any]] | None = None

    def __aiter__(self) -> TaskItemsRun[R]:
        return self

    async def __anext__(self) -> dict[str, Any]:
        if self._iterator is None:
            self._iterator = self._factory()
        return await self._iterator.__anext__()

    async def aclose(self) -> None:
        close = getattr(self._iterator, "aclose", None)
        if close is not None:
            await close()

    def __await__(self) -> Generator[Any, None, R]:
        return cast(
            "Generator[Any, None, R]", _collect(self._factory, self._none_if_empty).__await__()
        )

    def __bool__(self) -> bool:
        raise _refuse(self._name)


class TaskItems(Generic[R]):
    """The items of a task: awaitable (a list), async-iterable (streamed), never truthy."""

    __slots__ = ("_factory", "_name", "_none_if_empty")

    def __init__(self, factory: Factory, name: str, *, none_if_empty: bool) -> None:
        self._factory = factory
        self._name = name
        self._none_if_empty = none_if_empty

    def __call__(self) -> TaskItemsRun[R]:
        return TaskItemsRun(self._factory, self._name, self._none_if_empty)

    def __aiter__(self) -> TaskItemsRun[R]:
        return self()

    def __await__(self) -> Generator[Any, None, R]:
        return cast(
            "Generator[Any, None, R]", _collect(self._factory, self._none_if_empty).__await__()
        )

    def __bool__(self) -> bool:
        raise _refuse(self._name)

    def __repr__(self) -> str:
        return f"<task.{self._name}: await it for the list, or async for over it>"
