"""Every wait of the SDK, on the client's clock: task waits, processing waits, job polls.

:class:`TaskPoller` is one loop per client shared by every task wait (see its docstring);
:func:`poll_until` asks one question again and again, with growing pauses, until it has an
answer or a deadline passes (the data-row processing wait before a batch, the global-key jobs).
Both take ``sleep`` and ``clock`` from the client (``client._poller.sleep`` / ``.clock``), so a
test that binds fake time binds every wait.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeVar

import anyio

from aiolabel._loop import MESSAGE as LOOP_MESSAGE
from aiolabel._loop import WrongEventLoop
from aiolabel._validation import check_timeout
from aiolabel.errors import LabelboxError, TaskTimeout

if TYPE_CHECKING:
    from aiolabel.models.task import Task

__all__ = [
    "POLL_FIRST",
    "POLL_FULL_PACE_TASKS",
    "POLL_INTERVAL",
    "POLL_MAX_INTERVAL",
    "POLL_SLOWDOWN",
    "TaskPoller",
    "poll_cap",
    "poll_delay",
    "poll_delays",
    "poll_until",
]

T = TypeVar("T")

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
    """When a task is next due, how many polls it had (-1 before the immediate first poll of a
    task known by id only), and when its first wait began."""

    due: float
    attempt: int
    started: float
    floor: float = 0.0
    """The shortest pause between two polls: the largest ``min_interval`` (the official
    ``check_frequency``) of the waits on the task now; 0 for the adaptive schedule alone."""
    last: float = 0.0
    """When the task was last polled (or its first wait began)."""


@dataclass(eq=False)
class _Waiter:
    tasks: list[Task]
    deadline: float
    timeout: float
    floor: float = 0.0
    event: anyio.Event = field(default_factory=anyio.Event)
    error: BaseException | None = None


class TaskPoller:
    """One polling loop per client, shared by every wait.

    Every task being waited on has its own schedule (:func:`poll_delay`): from the moment its first
    wait began, pauses of 0.1 s doubling to ``interval`` (0.3 s), so a task finishing early is
    noticed within a few tenths of a second, then growing with the number of tasks awaited and with
    the time waited (:func:`poll_cap`), so a large job or a long wait keeps a bounded request rate.
    A task a mutation has just started, known by its id only (``Task._started``: a batch's filling
    task, a queue move), is asked for once at the start of its wait, then on that schedule: the
    official SDK fetches such a task as soon as it has its id too (``Task.get_task``), so this is
    one request per task that it also sends, and a task the server finishes at once is noticed one
    round trip after it was started. The loop sleeps until the earliest task is due (or a waiter's
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
        return max(entry.floor, self._adaptive(entry, now))

    def _adaptive(self, entry: _Schedule, now: float) -> float:
        return poll_delay(
            entry.attempt,
            interval=self.interval,
            tasks=len(self._schedule),
            elapsed=now - entry.started,
            jitter=self.random(),
        )

    async def wait(
        self, tasks: Sequence[Task], timeout_seconds: float, min_interval: float | None = None
    ) -> None:
        """Wait until every task is done. ``min_interval``: these tasks are polled at most once
        per that many seconds (the official ``wait_till_done(check_frequency=)``)."""
        timeout = check_timeout(timeout_seconds)
        floor = min_interval or 0.0
        pending = [t for t in tasks if not t.done]
        if not pending:
            return
        polling = self._loop
        elsewhere = polling is not None and polling.get_loop() is not asyncio.get_running_loop()
        if elsewhere and polling is not None and not polling.done():
            raise WrongEventLoop(LOOP_MESSAGE)
        now = self.clock()
        waiter = _Waiter(pending, now + timeout, timeout, floor)
        for task in pending:
            if task.uid not in self._schedule:
                if getattr(task, "_placeholder", False):  # known by id only: asked at once
                    self._schedule[task.uid] = _Schedule(now, -1, now, floor, now)
                else:
                    entry = self._schedule[task.uid] = _Schedule(now, 0, now, floor, now)
                    entry.due = now + self._delay(entry, now)
            elif floor > self._schedule[task.uid].floor:
                self._schedule[task.uid].floor = floor
        self._waiters.add(waiter)
        if self._wake is not None:
            self._wake.set()
        if self._loop is None or self._loop.done():
            self._loop = asyncio.get_running_loop().create_task(self._run())
        try:
            await waiter.event.wait()
        finally:
            self._leave(waiter)
        if waiter.error is not None:
            raise waiter.error

    def _leave(self, waiter: _Waiter) -> None:
        """A wait ends: its ``min_interval`` no longer spaces the polls of the tasks that others
        still wait on (each is next due as the remaining waits' floor says)."""
        self._waiters.discard(waiter)
        if not waiter.floor:
            return
        now = self.clock()
        for task in waiter.tasks:
            entry = self._schedule.get(task.uid)
            if entry is None or entry.floor > waiter.floor:
                continue
            floors = [w.floor for w in self._waiters if any(t.uid == task.uid for t in w.tasks)]
            entry.floor = max(floors, default=0.0)
            entry.due = min(entry.due, entry.last + self._delay(entry, now))
        if self._wake is not None:
            self._wake.set()

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
                    entry.last = now
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
            self._leave(w)
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


Deadline = Literal["last_poll", "give_up"]
"""What :func:`poll_until` does when the next pause would pass the deadline: ``"last_poll"``
sleeps until the deadline and asks once more; ``"give_up"`` raises at once."""


async def poll_until(
    check: Callable[[], Awaitable[T | None]],
    *,
    timeout: float,  # noqa: ASYNC109 - a deadline over many requests and pauses
    delays: Callable[[int, float], float],
    timeout_error: Callable[[], BaseException],
    sleep: Callable[[float], Awaitable[None]],
    clock: Callable[[], float],
    started: float | None = None,
    at_deadline: Deadline = "last_poll",
) -> T:
    """Call ``check()`` until it returns something other than ``None``; return that.

    After each ``None`` the pause is ``delays(attempt, elapsed)``; ``started`` (default: now) is
    when the deadline's clock began. Past ``timeout`` seconds raises ``timeout_error()``.
    """
    if started is None:
        started = clock()
    deadline = started + timeout
    attempt = 0
    while True:
        answer = await check()
        if answer is not None:
            return answer
        now = clock()
        delay = delays(attempt, now - started)
        attempt += 1
        left = deadline - now
        if at_deadline == "give_up" and now - started + delay > timeout:
            raise timeout_error()
        if left <= 0:
            raise timeout_error()
        await sleep(min(delay, left))
