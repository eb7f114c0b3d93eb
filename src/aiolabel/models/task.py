"""Task: a handle on long server-side work, polled with backoff, failing loudly.

Unlike other models a Task changes: :meth:`Task.refresh` and :meth:`Task.wait_till_done` update
it in place (it stays frozen against assignment). Waits share one loop per client
(:class:`TaskPoller`): however many tasks are awaited at once, one loop refreshes them, each
task on its own schedule growing exponentially with jitter from 0.1 s to ``task_poll_interval``
(0.3 s; longer when many tasks are awaited or the wait is long, see :func:`poll_cap`), and tasks
due together are refreshed in the same tick.

Results and errors come as async iterators of ``dict`` in one shape whatever the task type
(see :meth:`Task.result` and :meth:`Task.errors`), streamed, never materialised.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Sequence,
)
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import anyio
from pydantic import Field

from aiolabel._operations import tasks as ops
from aiolabel._transport import split_lines
from aiolabel.enums import StreamType, TaskStatus
from aiolabel.errors import (
    InputError,
    InputTypeError,
    LabelboxError,
    TaskFailedError,
    TaskTimeout,
)
from aiolabel.models.base import DateTime, Model
from aiolabel.pagination import dig

if TYPE_CHECKING:
    from aiolabel.client import AsyncClient

__all__ = ["DataUpsertTask", "Task", "TaskPoller", "poll_cap", "poll_delay", "poll_delays"]

logger = logging.getLogger("aiolabel.task")

UPSERT_TASK_TYPE = "adv-upsert-data-rows"
EXPORT_TASK_TYPE = "export-data-rows"
INLINE_ERROR_TASK_TYPES = frozenset(
    {"add-data-rows-to-batch", "send-to-task-queue", "send-to-annotate"}
)
LEGACY_IMPORT_NAME = "JSON Import"
RESULT_WAIT_SECONDS = 600.0
"""How long ``result()``/``errors()`` wait for a task still in progress (as the official SDK)."""


def _check_timeout(timeout_seconds: object) -> float:
    if isinstance(timeout_seconds, bool) or not isinstance(timeout_seconds, int | float):
        raise InputTypeError("timeout_seconds must be a number")
    if not timeout_seconds > 0 or timeout_seconds != timeout_seconds:
        raise InputError("timeout_seconds must be positive")
    return float(timeout_seconds)


class Task(Model):
    """A server-side task (wire §7). ``status`` is the raw string; see :attr:`status_as_enum`."""

    uid: str = Field(alias="id")
    name: str | None = None
    type: str | None = None
    status: str | None = None
    completion_percentage: float | None = None
    result_url: str | None = Field(default=None, alias="result")
    errors_url: str | None = Field(default=None, alias="errors")
    metadata: Any = None
    created_at: DateTime | None = None
    updated_at: DateTime | None = None

    SDK_PREFIX: ClassVar[str] = "Task"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Task) and (other.uid, other.type) == (self.uid, self.type)

    def __hash__(self) -> int:
        return hash(self.uid)

    @classmethod
    def _build(cls, client: AsyncClient, data: dict[str, Any]) -> Task:
        """The right class for the wire object (``DataUpsertTask`` for upserts)."""
        kind = data.get("type")
        klass = (
            DataUpsertTask if isinstance(kind, str) and kind.lower() == UPSERT_TASK_TYPE else cls
        )
        return klass.from_wire(client, data)

    @property
    def status_as_enum(self) -> TaskStatus:
        return TaskStatus(self.status or "UNKNOWN")

    @property
    def done(self) -> bool:
        """No longer in progress (COMPLETE, FAILED, CANCELED, or any status but IN_PROGRESS and
        CANCELING, which the official SDK's enum spells CANCELLING)."""
        return self.status not in ("IN_PROGRESS", "CANCELING", "CANCELLING")

    def is_creation_task(self) -> bool:
        return self.name == LEGACY_IMPORT_NAME or (self.type or "").lower() == UPSERT_TASK_TYPE

    def _apply(self, fresh: Task) -> None:
        for name in type(self).model_fields:
            self.__dict__[name] = getattr(fresh, name)

    def _sdk(self, method: str) -> str:
        return f"{type(self).__name__}:{method}"

    # -- polling -----------------------------------------------------------------------------

    async def refresh(self) -> Task:
        """Fetch the current state from the server (one request) and update this task."""
        fresh = await self.client._fetch_task(self.uid, sdk_method=self._sdk("refresh"))
        self._apply(fresh)
        return self

    async def wait_till_done(self, timeout_seconds: float = 300.0) -> Task:
        """Wait until the task leaves IN_PROGRESS; raise :class:`TaskTimeout` if it does not.

        Polling shares the client's loop with every other wait (see :class:`TaskPoller`).
        """
        await self.client.wait_for_tasks([self], timeout_seconds=timeout_seconds)
        return self

    async def has_errors(self) -> bool:
        """Whether :meth:`errors` would yield anything (may cost a request)."""
        async with contextlib.aclosing(self.errors()) as errors:
            async for _ in errors:
                return True
        return False

    async def cancel(self) -> bool:
        """Cancel this task (it must be IN_PROGRESS and of a cancelable type)."""
        ok = await self.client.cancel_task(self.uid)
        await self.refresh()
        return ok

    # -- results -----------------------------------------------------------------------------

    async def _settled(self) -> None:
        if not self.done:
            await self.wait_till_done(timeout_seconds=RESULT_WAIT_SECONDS)

    async def result(self) -> AsyncGenerator[dict[str, Any], None]:
        """Stream the task's result, one ``dict`` per item, whatever the task type.

        * upserts / imports: created data rows, ``{"id", "external_id", "row_data",
          "global_key"}``;
        * exports: one object per exported NDJSON line, as the server wrote it;
        * other tasks with a result file: its JSON items (a list's elements, an object as is).

        Waits first if the task is still running. A FAILED task raises
        :class:`TaskFailedError` (its details are in :meth:`errors`).
        """
        await self._settled()
        if self.status == "FAILED":
            raise TaskFailedError(f"task {self.uid} failed; see task.errors()", self)
        async for item in self._result_items():
            yield item

    async def errors(self) -> AsyncGenerator[dict[str, Any], None]:
        """Stream the task's errors, one ``dict`` per error, each with a ``"message"`` key.

        * upserts: ``{"message", "failedDataRows": [{"externalId", "globalKey", "rowData",
          "metadata", "attachments"}]}`` (the official shape, one failed row per error);
        * exports: one object per line of the error stream;
        * batch/queue/annotate tasks: the items of the JSON held in ``result`` when FAILED;
        * legacy imports: the ``errors`` (or ``error``) of the result file;
        * any other FAILED task: one ``{"message": "Task failed", "status": "FAILED"}``.

        Waits first if the task is still running.
        """
        await self._settled()
        async for item in self._error_items():
            yield _with_message(item)

    async def _result_items(self) -> AsyncIterator[dict[str, Any]]:
        kind = (self.type or "").lower()
        if kind == EXPORT_TASK_TYPE:
            if self.result_url:
                async for obj in self._ndjson_url(self.result_url):
                    yield obj
            else:
                async for obj in self._export_stream(StreamType.RESULT):
                    yield obj
        elif self.name == LEGACY_IMPORT_NAME and self.result_url:
            doc = await self._json_url(self.result_url)
            for row in doc.get("createdDataRows") or [] if isinstance(doc, dict) else []:
                yield _created_row(row)
        elif self.result_url and self.result_url.startswith(("http://", "https://")):
            doc = await self._json_url(self.result_url)
            for obj in _json_items(doc):
                yield obj

    async def _error_items(self) -> AsyncIterator[Any]:
        kind = (self.type or "").lower()
        if kind == EXPORT_TASK_TYPE:
            if self.errors_url:
                async for obj in self._ndjson_url(self.errors_url):
                    yield obj
            elif self.status == "COMPLETE":
                async for obj in self._export_stream(StreamType.ERRORS):
                    yield obj
            elif self.status == "FAILED":
                yield {"message": "Task failed", "status": self.status}
        elif self.name == LEGACY_IMPORT_NAME and self.result_url:
            doc = await self._json_url(self.result_url)
            if isinstance(doc, dict):
                if self.status == "FAILED" and doc.get("error") is not None:
                    yield doc["error"]
                for err in doc.get("errors") or []:
                    yield err
        elif kind in INLINE_ERROR_TASK_TYPES and self.status == "FAILED" and self.result_url:
            try:
                doc = json.loads(self.result_url)
            except ValueError:
                doc = self.result_url
            for obj in _json_items(doc):
                yield obj
        elif self.status == "FAILED":
            yield {"message": "Task failed", "status": self.status}

    async def _json_url(self, url: str) -> Any:
        chunks = [chunk async for chunk in self.client._transport.download(url, timeout=60.0)]
        try:
            return json.loads(b"".join(chunks))
        except ValueError as exc:
            raise LabelboxError(f"task {self.uid}: the result file is not JSON") from exc

    async def _ndjson_url(self, url: str) -> AsyncIterator[dict[str, Any]]:
        lines = split_lines(self.client._transport.download(url, timeout=60.0))
        async for line in lines:
            yield _json_line(line)

    async def _export_stream(self, stream: StreamType) -> AsyncIterator[dict[str, Any]]:
        """An export stream: header, then every chunk file, checked against its offsets."""
        if self.status == "FAILED":
            raise TaskFailedError(f"export task {self.uid} failed", self)
        where = {"where": {"id": self.uid}, "streamType": stream.value}
        sdk = self._sdk("result" if stream is StreamType.RESULT else "errors")
        data = await self.client._execute_operation(
            ops.GET_EXPORT_METADATA_HEADER, where, sdk_method=sdk, error_log_key="errors"
        )
        header = dig(data, ("task", "exportMetadataHeader"))
        if not header:
            return
        total = int(header.get("totalSize") or 0)

        async def chunk_bytes() -> AsyncIterator[bytes]:
            offset = 0
            while offset < total:
                data = await self.client._execute_operation(
                    ops.GET_EXPORT_FILE_FROM_OFFSET,
                    {**where, "offset": str(offset)},
                    sdk_method=sdk,
                    error_log_key="errors",
                )
                info = dig(data, ("task", "exportFileFromOffset"))
                try:
                    start = int(info["offsets"]["start"])
                    end = int(info["offsets"]["end"])
                    url = str(info["file"])
                except (KeyError, TypeError, ValueError):
                    raise LabelboxError(
                        f"task {self.uid} has no {stream.value} export file at offset {offset}"
                    ) from None
                if end < offset or end < start:
                    raise LabelboxError(
                        f"export offsets do not advance ({start}-{end} at {offset})"
                    )
                async for piece in self.client._transport.download(
                    url, timeout=30.0, expected_length=end - start + 1
                ):
                    yield piece
                offset = end + 1

        async for line in split_lines(chunk_bytes()):
            yield _json_line(line)


class DataUpsertTask(Task):
    """The task of ``create_data_rows`` / ``upsert_data_rows`` (type ``adv-upsert-data-rows``).

    Results and errors come from cursor-paginated GraphQL (5,000 a page), not files.
    """

    async def _result_items(self) -> AsyncIterator[dict[str, Any]]:
        pages = self.client._paginate_cursor(
            ops.SUCCESSFUL_DATA_ROW_IMPORTS,
            {"taskId": self.uid},
            nodes_path=("successesfulDataRowImports", "nodes"),
            cursor_path=("successesfulDataRowImports", "after"),
            parse=_created_row,
            sdk_method=self._sdk("result"),
            page_size=ops.DOWNLOAD_RESULT_PAGE_SIZE,
        )
        async with pages:
            async for row in pages:
                yield row

    async def _error_items(self) -> AsyncIterator[Any]:
        pages = self.client._paginate_cursor(
            ops.FAILED_DATA_ROW_IMPORTS,
            {"taskId": self.uid},
            nodes_path=("failedDataRowImports", "results"),
            cursor_path=("failedDataRowImports", "after"),
            parse=_failed_row,
            sdk_method=self._sdk("errors"),
            page_size=ops.DOWNLOAD_RESULT_PAGE_SIZE,
        )
        async with pages:
            async for err in pages:
                yield err
        if self.status == "FAILED" and self.result_url and not self.result_url.startswith("http"):
            for obj in _json_items(_loads_or_text(self.result_url)):
                yield obj


def _created_row(row: Any) -> dict[str, Any]:
    row = row if isinstance(row, dict) else {}
    return {
        "id": row.get("id"),
        "external_id": row.get("externalId"),
        "row_data": row.get("rowData"),
        "global_key": row.get("globalKey"),
    }


def _failed_row(item: Any) -> dict[str, Any]:
    item = item if isinstance(item, dict) else {}
    spec = item.get("spec") or {}
    return {
        "message": item.get("message"),
        "failedDataRows": [
            {
                "externalId": spec.get("externalId"),
                "rowData": spec.get("rowData"),
                "globalKey": spec.get("globalKey"),
                "metadata": spec.get("metadata") or [],
                "attachments": spec.get("attachments") or [],
            }
        ],
    }


def _loads_or_text(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _json_items(doc: Any) -> Iterable[dict[str, Any]]:
    items = doc if isinstance(doc, list) else [] if doc is None else [doc]
    for item in items:
        yield item if isinstance(item, dict) else {"message": item}


def _json_line(line: str) -> dict[str, Any]:
    try:
        obj = json.loads(line)
    except ValueError as exc:
        raise LabelboxError("an export line is not JSON") from exc
    return obj if isinstance(obj, dict) else {"value": obj}


def _with_message(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        return {"message": item if isinstance(item, str) else json.dumps(item)}
    if "message" in item:
        return item
    detail = item.get("error", item.get("errorMessage"))
    message = detail if isinstance(detail, str) else json.dumps(item, default=str)
    return {"message": message, **item}


# -- the shared poller ---------------------------------------------------------------------

POLL_INTERVAL = 0.3
"""The default longest pause between two polls of a task (``AsyncClient(task_poll_interval=)``)
while few tasks are awaited and the wait is young."""
POLL_FIRST = 0.1
"""The first pause of a new wait (or ``task_poll_interval`` if that is shorter)."""
POLL_FULL_PACE_TASKS = 3
"""The request budget of many waits: up to this many tasks are polled at ``task_poll_interval``;
with more, each pause grows in proportion, so the client polls as often as for this many."""
POLL_SLOWDOWN = 60.0
"""A long wait slows down: each pause may grow to ``elapsed / POLL_SLOWDOWN`` seconds."""
POLL_MAX_INTERVAL = 5.0
"""The budget and slowdown terms stop growing here (``task_poll_interval`` may be longer)."""


def poll_delays(
    *,
    initial: float = 0.1,
    factor: float = 2.0,
    cap: float = 3.0,
    random: Callable[[], float] = random.random,
) -> Iterator[float]:
    """Fixed-cap intervals: ``min(cap, initial * factor**n)`` with jitter in [50 %, 100 %]."""
    n = 0
    while True:
        yield min(cap, initial * factor ** min(n, 64)) * (0.5 + 0.5 * random())
        n += 1


def poll_cap(interval: float, tasks: int = 1, elapsed: float = 0.0) -> float:
    """The longest pause between two polls of one task.

    ``interval`` (0.3 s by default) while at most :data:`POLL_FULL_PACE_TASKS` (3) tasks are
    awaited and the wait is younger than ``interval * POLL_SLOWDOWN`` seconds (18 s). With more
    tasks it grows to ``interval * tasks / 3``, so however many tasks are awaited the client
    polls as often as for three (about 13 polls a second at 0.3 s: jitter averages 75 % of the
    cap); a long wait grows it to ``elapsed / POLL_SLOWDOWN``, so completion is noticed within
    ~2 % of the time already waited. Both terms stop at :data:`POLL_MAX_INTERVAL` (5 s; past 50
    tasks at 0.3 s the rate grows again, at about half of what the official SDK's fixed 2 s per
    task costs).
    """
    shared = interval * tasks / POLL_FULL_PACE_TASKS
    return max(interval, min(POLL_MAX_INTERVAL, max(shared, elapsed / POLL_SLOWDOWN)))


def poll_delay(
    attempt: int,
    *,
    interval: float = POLL_INTERVAL,
    tasks: int = 1,
    elapsed: float = 0.0,
    jitter: float = 1.0,
) -> float:
    """The pause before poll ``attempt + 1`` of a task: ``min(POLL_FIRST, interval)`` doubling
    up to :func:`poll_cap`, times ``0.5 + 0.5 * jitter`` (``jitter`` in [0, 1])."""
    first = min(POLL_FIRST, interval)
    grown = first * 2.0 ** min(attempt, 64)
    return min(poll_cap(interval, tasks, elapsed), grown) * (0.5 + 0.5 * jitter)


@dataclass(slots=True)
class _Schedule:
    """When a task is next due, how many polls it had, and when its first wait began."""

    due: float
    attempt: int
    started: float


@dataclass(eq=False)
class _Waiter:
    tasks: list[Task]
    deadline: float
    timeout: float
    event: anyio.Event = field(default_factory=anyio.Event)
    error: BaseException | None = None


class TaskPoller:
    """One polling loop per client, shared by every wait.

    Every task being waited on has its own schedule (:func:`poll_delay`): from the moment its
    first wait began, pauses of 0.1 s doubling to ``interval`` (0.3 s), so a task finishing
    early is noticed within a few tenths of a second, then growing with the number of tasks
    awaited and with the time waited (:func:`poll_cap`), so a large job or a long wait keeps a
    bounded request rate. The loop sleeps until the earliest task is due (or a waiter's
    deadline), then refreshes, concurrently under the client's limiter, every task due within a
    small window, one request per distinct task id however many waiters share it. It wakes the
    waiters whose tasks are all done and fails those past their deadline with
    :class:`TaskTimeout`. A new wait interrupts the sleep so its tasks are first checked
    ``initial`` seconds later. The loop ends when nobody waits.
    """

    COALESCE = 0.05
    """Tasks due this soon after the earliest one are refreshed in the same tick."""

    def __init__(
        self,
        refresh: Callable[[Sequence[Task]], Awaitable[None]],
        *,
        interval: float = POLL_INTERVAL,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
        clock: Callable[[], float] = time.monotonic,
        random: Callable[[], float] = random.random,
    ) -> None:
        self._refresh = refresh
        self.interval = interval
        self.sleep, self.clock, self.random = sleep, clock, random
        self._waiters: set[_Waiter] = set()
        self._schedule: dict[str, _Schedule] = {}
        self._loop: asyncio.Task[None] | None = None
        self._wake: anyio.Event | None = None
        self.ticks = 0
        """Ticks run so far (a tick refreshes every due task once)."""

    @property
    def initial(self) -> float:
        """The first pause of a new wait (before jitter)."""
        return min(POLL_FIRST, self.interval)

    def _delay(self, entry: _Schedule, now: float) -> float:
        return poll_delay(
            entry.attempt,
            interval=self.interval,
            tasks=len(self._schedule),
            elapsed=now - entry.started,
            jitter=self.random(),
        )

    async def wait(self, tasks: Sequence[Task], timeout_seconds: float) -> None:
        timeout = _check_timeout(timeout_seconds)
        pending = [t for t in tasks if not t.done]
        if not pending:
            return
        now = self.clock()
        waiter = _Waiter(pending, now + timeout, timeout)
        for task in pending:
            if task.uid not in self._schedule:
                entry = self._schedule[task.uid] = _Schedule(now, 0, now)
                entry.due = now + self._delay(entry, now)
        self._waiters.add(waiter)
        if self._wake is not None:
            self._wake.set()
        if self._loop is None or self._loop.done():
            self._loop = asyncio.get_running_loop().create_task(self._run())
        try:
            await waiter.event.wait()
        finally:
            self._waiters.discard(waiter)
        if waiter.error is not None:
            raise waiter.error

    async def _nap(self, seconds: float) -> None:
        """Sleep, unless a new wait comes in first."""
        wake = self._wake = anyio.Event()
        async with anyio.create_task_group() as group:

            async def nap() -> None:
                await self.sleep(seconds)
                group.cancel_scope.cancel()

            async def woken() -> None:
                await wake.wait()
                group.cancel_scope.cancel()

            group.start_soon(nap)
            group.start_soon(woken)
        self._wake = None

    async def _run(self) -> None:
        try:
            while self._waiters:
                now = self.clock()
                wanted = {t.uid for w in self._waiters for t in w.tasks if not t.done}
                for uid in list(self._schedule):
                    if uid not in wanted:
                        del self._schedule[uid]
                next_due = min((e.due for e in self._schedule.values()), default=now)
                nearest = min([next_due, *(w.deadline for w in self._waiters)])
                if nearest > now:
                    await self._nap(nearest - now)
                    if self.clock() < nearest:
                        continue  # woken by a new wait: recompute
                await self._tick()
        except BaseException as exc:  # wake everybody rather than leave them waiting forever
            error = exc if isinstance(exc, Exception) else LabelboxError("task polling stopped")
            self.fail_all(error)
            if not isinstance(exc, Exception):
                raise

    async def _tick(self) -> None:
        now = self.clock()
        waiters = list(self._waiters)
        due: dict[str, list[Task]] = {}
        for w in waiters:
            for t in w.tasks:
                entry = self._schedule.get(t.uid)
                if not t.done and entry is not None and entry.due <= now + self.COALESCE:
                    due.setdefault(t.uid, []).append(t)
        failed: dict[str, BaseException] = {}
        if due:
            self.ticks += 1

            async def one(uid: str, same: list[Task]) -> None:
                try:
                    await self._refresh(same)
                except Exception as exc:
                    failed[uid] = exc

            async with anyio.create_task_group() as group:
                for uid, same in due.items():
                    group.start_soon(one, uid, same)
            now = self.clock()
            for uid in due:
                entry = self._schedule.get(uid)
                if entry is not None:
                    entry.attempt += 1
                    entry.due = now + self._delay(entry, now)
        for w in waiters:
            errors = [failed[t.uid] for t in w.tasks if t.uid in failed]
            if errors:
                w.error = errors[0]
            elif all(t.done for t in w.tasks):
                pass
            elif now >= w.deadline:
                left = [t for t in w.tasks if not t.done]
                ids = ", ".join(t.uid for t in left[:5]) + (" ..." if len(left) > 5 else "")
                w.error = TaskTimeout(
                    f"{len(left)} task(s) still in progress after {w.timeout:g}s: {ids}", left
                )
            else:
                continue
            self._waiters.discard(w)
            w.event.set()

    def fail_all(self, error: BaseException) -> None:
        for w in list(self._waiters):
            w.error = error
            w.event.set()
        self._waiters.clear()

    async def aclose(self) -> None:
        self.fail_all(LabelboxError("the client was closed while waiting for tasks"))
        loop, self._loop = self._loop, None
        if loop is not None and not loop.done():
            loop.cancel()
            await asyncio.wait([loop])


async def refresh_tasks(client: AsyncClient, same: Sequence[Task]) -> None:
    """Refresh tasks sharing one id with a single request."""
    if not same:
        return
    fresh = await client._fetch_task(
        same[0].uid, sdk_method=f"{type(same[0]).__name__}:wait_till_done"
    )
    for task in same:
        task._apply(fresh)
