"""The one async paginator, for offset (``skip``/``first``) and cursor (``from``/``first``) lists.

A paginator is an async iterator of items that also offers ``get_one()``, ``get_many(n)`` and
``to_list()``. While the caller consumes one page it fetches the next (one page of prefetch), so at
most two pages are held; pages already consumed are dropped (no history is kept, unlike the
official SDK's ``PaginatedCollection``). Paging values travel as GraphQL variables.

The prefetch runs as an asyncio task: paginators need the asyncio event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, NoReturn, TypeVar

from aiolabel.errors import InputError, InputTypeError, LabelboxError

__all__ = ["CursorPaginator", "Fetch", "OffsetPaginator", "Page", "Paginator"]

T = TypeVar("T")

Fetch = Callable[[dict[str, Any]], Awaitable[Mapping[str, Any]]]
"""``await fetch(variables) -> data``: runs the page query (the client's retried request)."""

_END = object()


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One fetched page and the state to fetch the next one (``None`` when this was the last)."""

    items: list[T]
    next_state: object | None


def dig(data: Any, path: Sequence[str]) -> Any:
    """``data[path[0]][path[1]]...``, or None when a step is missing or null."""
    for key in path:
        if type(data) is not dict and not isinstance(data, Mapping):  # (dict: no ABC check)
            return None
        data = data.get(key)
    return data


def _check_path(name: str, path: object) -> tuple[str, ...]:
    if isinstance(path, str) or not isinstance(path, Sequence):
        raise InputTypeError(f"{name} must be a sequence of keys")
    if not path or not all(isinstance(k, str) and k for k in path):
        raise InputError(f"{name} must be a non-empty sequence of non-empty str keys")
    return tuple(path)


def _check_page_size(page_size: object) -> int:
    if isinstance(page_size, bool) or not isinstance(page_size, int):
        raise InputTypeError("page_size must be an int")
    if not 1 <= page_size <= 100_000:
        raise InputError("page_size must be between 1 and 100000")
    return page_size


def _retrieve(task: asyncio.Task[Any]) -> None:
    # Mark a failed prefetch as seen so an abandoned paginator logs nothing; awaiting the task
    # still raises the error to a caller who reaches that page.
    if not task.cancelled():
        task.exception()


class Paginator(Generic[T]):
    """Async iterator over a paged collection, with one page of prefetch.

    Subclasses implement :meth:`_fetch_page`. ``get_one``, ``get_many`` and ``to_list`` consume
    from the current position.
    """

    def __init__(self, first_state: object, *, prefetch: bool = True) -> None:
        self._state: object = first_state
        self._items: list[T] = []
        self._pos = 0
        self._prefetch = prefetch
        self._task: asyncio.Task[Page[T]] | None = None
        self._closed = False
        self.pages_fetched = 0
        """How many pages were requested so far (prefetch included)."""

    async def _fetch_page(self, state: Any) -> Page[T]:
        raise NotImplementedError

    async def _counted(self, state: object) -> Page[T]:
        self.pages_fetched += 1
        return await self._fetch_page(state)

    def __aiter__(self) -> Paginator[T]:
        return self

    def __iter__(self) -> NoReturn:
        """``list(paginator)`` / ``for x in paginator`` (the documents' synchronous spelling)
        fail naming the asynchronous one."""
        raise TypeError(
            "a paginator is asynchronous: write `async for item in ...` or"
            " `await ....to_list()` (and `await anext(...)` for next(...))"
        )

    def __next__(self) -> NoReturn:
        raise TypeError("a paginator is asynchronous: write `await anext(...)` for next(...)")

    async def __anext__(self) -> T:
        while self._pos >= len(self._items):
            if not await self._advance():
                raise StopAsyncIteration
        item = self._items[self._pos]
        self._pos += 1
        return item

    async def _advance(self) -> bool:
        if self._closed:
            return False
        if self._task is not None:
            task, self._task = self._task, None
            page = await task
        elif self._state is _END:
            return False
        else:
            page = await self._counted(self._state)
        self._items, self._pos = [], 0  # drop the consumed page before holding a new one
        self._items = page.items
        self._state = _END if page.next_state is None else page.next_state
        if self._prefetch and self._state is not _END:
            self._task = asyncio.get_running_loop().create_task(self._counted(self._state))
            self._task.add_done_callback(_retrieve)
        return True

    async def get_one(self) -> T | None:
        """The next item, or None when there is none."""
        try:
            return await self.__anext__()
        except StopAsyncIteration:
            return None

    async def get_many(self, n: int) -> list[T]:
        """Up to ``n`` next items."""
        if isinstance(n, bool) or not isinstance(n, int):
            raise InputTypeError("n must be an int")
        if n < 0:
            raise InputError("n must not be negative")
        out: list[T] = []
        try:
            while len(out) < n:
                out.append(await self.__anext__())
        except StopAsyncIteration:
            pass
        return out

    async def to_list(self) -> list[T]:
        """Every remaining item."""
        return [item async for item in self]

    async def aclose(self) -> None:
        """Stop: cancel a prefetch in flight and drop the held page."""
        self._closed = True
        self._items, self._pos = [], 0
        if self._task is not None:
            task, self._task = self._task, None
            task.cancel()
            with contextlib.suppress(BaseException):
                await task

    async def __aenter__(self) -> Paginator[T]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __del__(self) -> None:
        task = getattr(self, "_task", None)
        if task is not None and not task.done():
            with contextlib.suppress(RuntimeError):  # the loop may be closed already
                task.cancel()


class OffsetPaginator(Paginator[T]):
    """``skip``/``first`` pages (variables). A page shorter than ``page_size`` is the last."""

    def __init__(
        self,
        fetch: Fetch,
        variables: Mapping[str, Any] | None,
        path: Sequence[str],
        parse: Callable[[Any], T],
        *,
        page_size: int = 100,
        skip_var: str = "skip",
        first_var: str = "first",
        prefetch: bool = True,
    ) -> None:
        if variables is not None and not isinstance(variables, Mapping):
            raise InputTypeError("variables must be a mapping")
        self._fetch = fetch
        self._variables = dict(variables or {})
        self._path = _check_path("path", path)
        self._parse = parse
        self.page_size = _check_page_size(page_size)
        self._skip_var = skip_var
        self._first_var = first_var
        super().__init__(0, prefetch=prefetch)

    async def _fetch_page(self, state: Any) -> Page[T]:
        skip = int(state)
        data = await self._fetch(
            {**self._variables, self._skip_var: skip, self._first_var: self.page_size}
        )
        nodes = dig(data, self._path)
        if nodes is None:
            nodes = []
        if not isinstance(nodes, list):
            raise LabelboxError(f"expected a list at {'.'.join(self._path)}")
        items = [self._parse(node) for node in nodes]
        last = len(nodes) < self.page_size
        return Page(items, None if last else skip + len(nodes))


class CursorPaginator(Paginator[T]):
    """``from``/``first`` pages (variables), the next cursor read at ``cursor_path``.

    The end: ``hasNextPage`` false where ``has_next_path`` is given and the value is a bool;
    otherwise a null or empty cursor, or an empty page. A cursor that repeats the one just sent
    raises rather than loop forever.
    """

    def __init__(
        self,
        fetch: Fetch,
        variables: Mapping[str, Any] | None,
        nodes_path: Sequence[str],
        cursor_path: Sequence[str],
        parse: Callable[[Any], T],
        *,
        page_size: int = 100,
        has_next_path: Sequence[str] | None = None,
        start_cursor: str | None = None,
        from_var: str = "from",
        first_var: str = "first",
        prefetch: bool = True,
    ) -> None:
        if variables is not None and not isinstance(variables, Mapping):
            raise InputTypeError("variables must be a mapping")
        if start_cursor is not None and not isinstance(start_cursor, str):
            raise InputTypeError("start_cursor must be a str")
        self._fetch = fetch
        self._variables = dict(variables or {})
        self._nodes_path = _check_path("nodes_path", nodes_path)
        self._cursor_path = _check_path("cursor_path", cursor_path)
        self._has_next_path = (
            None if has_next_path is None else _check_path("has_next_path", has_next_path)
        )
        self._parse = parse
        self.page_size = _check_page_size(page_size)
        self._from_var = from_var
        self._first_var = first_var
        super().__init__(_Cursor(start_cursor), prefetch=prefetch)

    async def _fetch_page(self, state: Any) -> Page[T]:
        cursor = state.value
        data = await self._fetch(
            {**self._variables, self._from_var: cursor, self._first_var: self.page_size}
        )
        nodes = dig(data, self._nodes_path)
        if nodes is None:
            nodes = []
        if not isinstance(nodes, list):
            raise LabelboxError(f"expected a list at {'.'.join(self._nodes_path)}")
        items = [self._parse(node) for node in nodes]
        next_cursor = dig(data, self._cursor_path)
        more = bool(nodes) and bool(next_cursor)
        if more and self._has_next_path is not None:
            has_next = dig(data, self._has_next_path)
            if isinstance(has_next, bool):
                more = has_next
        if more and next_cursor == cursor:
            raise LabelboxError(f"the server returned the same cursor twice ({cursor!r})")
        return Page(items, _Cursor(str(next_cursor)) if more else None)


@dataclass(frozen=True, slots=True)
class _Cursor:
    value: str | None
