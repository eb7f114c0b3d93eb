"""The one chunk runner: split any (async) iterable into chunks and run one operation per chunk.

Input is streamed: at most ``max_concurrency`` chunks (plus the one being filled) exist at a time,
whatever the input size. Results come back in input order. When chunks fail the job either
finishes the rest (``on_error="finish"``) or cancels what is running and starts nothing more
(``on_error="cancel"``); either way :class:`~aiolabel.errors.PartialFailureError` lists every
failed chunk with its items, what succeeded (index, input position, size, result), and the chunks
read but never started, so no item is silently dropped. An input iterable that raises midway stops
the job the same way, with the error in ``input_error``.

The runner bounds chunks; each HTTP request a chunk makes also goes through the client's limiter
(``max_concurrency`` of the client), which bounds requests across everything the client does.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Sized,
)
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

import anyio

from aiolabel._validation import check_positive_int
from aiolabel.errors import InputError, InputTypeError, LabelboxError, PartialFailureError

__all__ = [
    "ChunkFailure",
    "ChunkSuccess",
    "Chunker",
    "FailureLedger",
    "OnError",
    "Progress",
    "report_progress",
    "run_chunks",
]

logger = logging.getLogger("aiolabel.concurrency")

T = TypeVar("T")
R = TypeVar("R")

OnError = Literal["finish", "cancel"]
Progress = Callable[[int, int | None], Any]
"""``progress(done_items, total_items_or_None)``, sync or async; called after each chunk ends."""


@dataclass(frozen=True, slots=True)
class ChunkSuccess(Generic[T, R]):
    """A chunk that completed. ``start`` is the input position of its first item."""

    index: int
    start: int
    size: int
    result: R


@dataclass(frozen=True, slots=True)
class ChunkFailure(Generic[T]):
    """A chunk whose operation raised (or was cancelled while running), with its items."""

    index: int
    start: int
    items: list[T]
    error: BaseException


class ChunkCancelled(LabelboxError):
    """The chunk was running when the job was cancelled (its outcome on the server is unknown)."""


class Chunker(Generic[T]):
    """Splits a sync or async iterable into lists of at most ``size`` items, lazily.

    With ``weight`` and ``max_weight`` a chunk also closes before its total weight would pass
    ``max_weight`` (a single heavier item makes a chunk of its own). ``pending`` holds the items
    of the chunk being filled, so a caller that stops early can account for them.
    """

    def __init__(
        self,
        items: Iterable[T] | AsyncIterable[T],
        size: int,
        *,
        weight: Callable[[T], int] | None = None,
        max_weight: int | None = None,
    ) -> None:
        check_positive_int("chunk_size", size)
        if max_weight is not None:
            check_positive_int("max_weight", max_weight)
        if (weight is None) != (max_weight is None):
            raise InputError("weight and max_weight go together")
        if isinstance(items, str | bytes | bytearray):
            raise InputTypeError("items must be an iterable of items, not a string")
        if not isinstance(items, AsyncIterable | Iterable):
            raise InputTypeError(f"items must be an (async) iterable, got {type(items).__name__}")
        self._items = items
        self.size = size
        self._weight = weight
        self._max_weight = max_weight
        self.pending: list[T] = []
        self.consumed = 0
        """Items read from the input so far."""
        self.exhausted = False

    async def _source(self) -> AsyncIterator[T]:
        if isinstance(self._items, AsyncIterable):
            async for item in self._items:
                yield item
        else:
            for item in self._items:
                yield item

    async def __aiter__(self) -> AsyncGenerator[list[T], None]:
        if self._weight is None and type(self._items) is list:  # a list: sliced at C speed
            items: list[T] = self._items
            for start in range(0, len(items), self.size):
                chunk = items[start : start + self.size]
                self.consumed += len(chunk)
                yield chunk
            self.exhausted = True
            return
        pending_weight = 0
        async for item in self._source():
            self.consumed += 1
            w = 0
            if self._weight is not None:
                w = self._weight(item)
                assert self._max_weight is not None
                if self.pending and pending_weight + w > self._max_weight:
                    chunk, self.pending, pending_weight = self.pending, [], 0
                    yield chunk
            self.pending.append(item)
            pending_weight += w
            if len(self.pending) >= self.size:
                chunk, self.pending, pending_weight = self.pending, [], 0
                yield chunk
        self.exhausted = True
        if self.pending:
            chunk, self.pending = self.pending, []
            yield chunk


class FailureLedger(Generic[T, R]):
    """The one partial-failure report: what a bulk job did with each part of its input.

    The chunk runner, batch creation and the upsert pipeline each record failed parts
    (:class:`ChunkFailure`), completed parts (:class:`ChunkSuccess`), items read but never sent
    and an error the input raised; :meth:`error` turns the record into the
    :class:`PartialFailureError` (or a subclass) every bulk call raises, with one message shape:
    ``<headline>; the input raised <E>: <msg>; <n> <unit> read but not sent``.
    """

    def __init__(self) -> None:
        self.failures: list[ChunkFailure[T]] = []
        self.succeeded: list[ChunkSuccess[T, R]] = []
        self.not_started: list[list[T]] = []
        self.input_error: BaseException | None = None

    def __bool__(self) -> bool:
        """True when something failed, was left unsent, or the input raised."""
        return bool(self.failures or self.not_started or self.input_error is not None)

    @property
    def failed_items(self) -> int:
        return sum(len(f.items) for f in self.failures)

    def cause(self) -> BaseException | None:
        """The error to chain: the input's, else the first failure not caused by cancelling."""
        return self.input_error or next(
            (f.error for f in self.failures if not isinstance(f.error, ChunkCancelled)), None
        )

    def error(
        self,
        headline: str,
        *,
        input_exhausted: bool,
        unit: str = "items",
        count_format: str = "",
        kind: type[PartialFailureError[T, R]] = PartialFailureError,
    ) -> PartialFailureError[T, R]:
        """The report, failures and successes in input order."""
        self.failures.sort(key=lambda f: f.index)
        self.succeeded.sort(key=lambda s: s.index)
        parts = [headline]
        if self.input_error is not None:
            parts.append(f"the input raised {type(self.input_error).__name__}: {self.input_error}")
        if self.not_started:
            unsent = sum(map(len, self.not_started))
            parts.append(f"{unsent:{count_format}} {unit} read but not sent")
        return kind(
            "; ".join(parts),
            failures=self.failures,
            succeeded=self.succeeded,
            not_started=self.not_started,
            input_error=self.input_error,
            input_exhausted=input_exhausted,
        )


async def report_progress(progress: Progress | None, done: int, total: int | None) -> None:
    if progress is None:
        return
    try:
        outcome = progress(done, total)
        if inspect.isawaitable(outcome):
            await outcome
    except Exception:
        logger.warning("the progress callback raised; the job goes on", exc_info=True)


async def run_chunks(
    items: Iterable[T] | AsyncIterable[T],
    operation: Callable[[list[T]], Awaitable[R]],
    *,
    chunk_size: int,
    max_concurrency: int,
    on_error: OnError = "finish",
    progress: Progress | None = None,
    total: int | None = None,
    weight: Callable[[T], int] | None = None,
    max_weight: int | None = None,
) -> list[R]:
    """Run ``operation(chunk)`` for each chunk of ``items``; return the results in input order.

    At most ``max_concurrency`` chunks run at once. ``total`` (items) is passed to ``progress``;
    it defaults to ``len(items)`` for sized inputs. Raises :class:`PartialFailureError` when any
    chunk failed or the input raised; the error lists everything (see its docstring).
    """
    if not callable(operation):
        raise InputTypeError("operation must be an async callable")
    check_positive_int("max_concurrency", max_concurrency)
    if on_error not in ("finish", "cancel"):
        raise InputError("on_error must be 'finish' or 'cancel'")
    if total is None and isinstance(items, Sized):
        total = len(items)
    chunker = Chunker(items, chunk_size, weight=weight, max_weight=max_weight)

    results: dict[int, ChunkSuccess[T, R]] = {}
    ledger: FailureLedger[T, R] = FailureLedger()
    done_items = 0
    stop = False
    slots = anyio.Semaphore(max_concurrency)

    async def run_one(index: int, start: int, chunk: list[T]) -> None:
        nonlocal done_items, stop
        try:
            result = await operation(chunk)
        except anyio.get_cancelled_exc_class():
            ledger.failures.append(
                ChunkFailure(index, start, chunk, ChunkCancelled(f"chunk {index} was cancelled"))
            )
            raise
        except Exception as exc:
            ledger.failures.append(ChunkFailure(index, start, chunk, exc))
            if on_error == "cancel" and not stop:
                stop = True
                group.cancel_scope.cancel()
        else:
            results[index] = ChunkSuccess(index, start, len(chunk), result)
        finally:
            slots.release()
        done_items += len(chunk)
        await report_progress(progress, done_items, total)

    position = 0
    index = 0
    chunks = chunker.__aiter__()
    async with anyio.create_task_group() as group:
        try:
            while True:
                await slots.acquire()
                try:
                    chunk = await anext(chunks)
                except StopAsyncIteration:
                    slots.release()
                    break
                if stop:
                    ledger.not_started.append(chunk)
                    slots.release()
                    break
                group.start_soon(run_one, index, position, chunk)
                index += 1
                position += len(chunk)
        except anyio.get_cancelled_exc_class():
            if chunker.pending:
                ledger.not_started.append(chunker.pending)
            raise
        except Exception as exc:
            ledger.input_error = exc
            if chunker.pending:
                ledger.not_started.append(list(chunker.pending))
        finally:
            with anyio.CancelScope(shield=True):
                await chunks.aclose()

    if ledger.failures or ledger.input_error is not None:
        ledger.succeeded = list(results.values())
        error = ledger.error(
            f"{len(ledger.failures)} of {index} chunks failed ({ledger.failed_items} items)",
            input_exhausted=chunker.exhausted and ledger.input_error is None,
        )
        raise error from ledger.cause()
    return [results[i].result for i in range(index)]
