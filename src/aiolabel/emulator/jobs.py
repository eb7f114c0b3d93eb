"""Background tasks: created IN_PROGRESS inside a request, worked on by one worker thread, and
published as COMPLETE or FAILED when both the work and the task type's transition rule allow.

Transition rules (per task type, like moto's state manager):

- ``{"mode": "immediate"}``: visible as soon as the work is done;
- ``{"mode": "polls", "n": N}``: the first N reads of the task report IN_PROGRESS;
- ``{"mode": "delay", "ms": M}``: IN_PROGRESS until M ms after creation;
- ``{"mode": "fail", "errors": [...]}``: the work is skipped and the task FAILS with those errors.

Without a rule for its type a task follows the configured ``task_delay_ms``.
"""

from __future__ import annotations

import json
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from aiolabel.emulator.store import Store, dumps, now_iso

log = logging.getLogger("aiolabel.emulator.jobs")

TaskMode = Literal["immediate", "polls", "delay", "fail"]

CANCELING = "CANCELING"
"""A cancelled task's status until its work has stopped, as the service spells it (the official
SDK's ``TaskStatus.Canceling`` is ``CANCELLING``, which it never receives); then ``CANCELED``."""


@dataclass(frozen=True)
class TransitionRule:
    mode: TaskMode = "immediate"
    n: int = 0
    ms: int = 0
    errors: tuple[Any, ...] = ()

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> TransitionRule:
        if not isinstance(raw, dict):
            raise ValueError(
                f"a transition rule must be an object with mode, n, ms, errors; got {raw!r}"
            )
        unknown = sorted(set(raw) - {"mode", "n", "ms", "errors"})
        if unknown:
            raise ValueError(f"unknown transition rule keys {unknown}; known: mode, n, ms, errors")
        mode = raw.get("mode", "immediate")
        if mode not in ("immediate", "polls", "delay", "fail"):
            raise ValueError(f"unknown transition mode {mode!r}")
        values = raw.get("n", 0), raw.get("ms", 0)
        if any(isinstance(v, bool) or not isinstance(v, int) for v in values):
            raise ValueError(f"n and ms must be whole numbers, got {values[0]!r} and {values[1]!r}")
        n, ms = values
        if n < 0 or ms < 0:
            raise ValueError("n and ms must be >= 0")
        errors = raw.get("errors", ["Task failed (emulator transition rule)"])
        if not isinstance(errors, list):
            raise ValueError("errors must be a list")
        return cls(mode=mode, n=n, ms=ms, errors=tuple(errors))

    def as_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "n": self.n, "ms": self.ms, "errors": list(self.errors)}


@dataclass
class Outcome:
    """What finished work reports."""

    status: Literal["COMPLETE", "FAILED"] = "COMPLETE"
    result: str | None = None
    errors: str | None = None


class Cancelled(Exception):
    """Raised inside work when the task was cancelled."""


@dataclass
class Job:
    """Handle given to work functions running on the worker thread."""

    store: Store
    task_id: str
    _seq: dict[str, int] = field(default_factory=dict)

    def add_items(self, conn: sqlite3.Connection, kind: str, payloads: list[Any]) -> None:
        """Append result items (``kind`` e.g. 'ok' / 'error') in order, for cursor pagination.

        Objects go in as one JSON list that SQLite splits (it keeps each element's compact
        text as written); anything else, or text SQLite's parser refuses (NaN), one by one.
        """
        start = self._seq.get(kind, 0)
        if not self._insert_objects(conn, kind, start, payloads):
            conn.executemany(
                "INSERT INTO task_items (task_id, kind, seq, payload) VALUES (?, ?, ?, ?)",
                [(self.task_id, kind, start + i, dumps(p)) for i, p in enumerate(payloads)],
            )
        self._seq[kind] = start + len(payloads)  # only once stored: a failed insert leaves no gap

    def _insert_objects(
        self, conn: sqlite3.Connection, kind: str, start: int, payloads: list[Any]
    ) -> bool:
        """Store a list of objects in one statement; ``False`` if it is not one SQLite reads."""
        if not payloads or not all(type(p) is dict for p in payloads):
            return False
        try:
            conn.execute(
                "INSERT INTO task_items (task_id, kind, seq, payload)"
                " SELECT ?, ?, ? + key, value FROM json_each(?)",
                (self.task_id, kind, start, dumps(payloads)),
            )
        except sqlite3.OperationalError:  # e.g. NaN, which JSON text may not hold
            return False
        return True

    def progress(self, conn: sqlite3.Connection, fraction: float) -> None:
        conn.execute(
            "UPDATE tasks SET completion = ? WHERE id = ? AND work_done = 0",
            (max(0.0, min(fraction, 1.0)), self.task_id),
        )

    def check_cancelled(self, conn: sqlite3.Connection) -> None:
        row = conn.execute(
            "SELECT cancel_requested FROM tasks WHERE id = ?", (self.task_id,)
        ).fetchone()
        if row is not None and row[0]:
            raise Cancelled(self.task_id)


Work = Callable[[Job], Outcome]
FailureShape = Callable[[Job, list[Any]], Outcome]


def inline_failure(job: Job, errors: list[Any]) -> Outcome:
    """FAILED with the errors as JSON text in ``result`` (batch and queue task types)."""
    return Outcome(status="FAILED", result=dumps(errors))


def errors_failure(job: Job, errors: list[Any]) -> Outcome:
    """FAILED with the errors as JSON text in ``errors``."""
    return Outcome(status="FAILED", errors=dumps(errors))


class Jobs:
    """Creates tasks, runs their work in order on one worker thread, and publishes outcomes."""

    def __init__(
        self, store: Store, default_delay_ms: int = 0, inline_max_items: int = 1000
    ) -> None:
        self.store = store
        self.default_delay_ms = default_delay_ms
        self.inline_max_items = inline_max_items
        self.rules: dict[str, TransitionRule] = {}
        self._queue: queue.Queue[tuple[str, str, Work, FailureShape] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._thread_lock = threading.Lock()
        self._idle = threading.Condition()
        self._pending = 0
        self._closed = False

    # -- creation (inside a request transaction) ------------------------------------------------

    def create(
        self,
        conn: sqlite3.Connection,
        *,
        org_id: str,
        user_id: str,
        type: str,
        name: str,
        work: Work,
        on_forced_failure: FailureShape = errors_failure,
        metadata: Any = None,
        size: int | None = None,
        after_commit: Callable[[Callable[[], None]], None],
    ) -> dict[str, Any]:
        """Insert an IN_PROGRESS task and schedule its work once the transaction commits.

        ``size`` (the number of items the work touches) lets a small task whose rule allows it
        finish inside this request: it is then returned COMPLETE (or FAILED) at once.
        """
        task_id = self.store.new_id()
        rule = self.rules.get(type)
        created = time.time()
        polls = rule.n if rule is not None and rule.mode == "polls" else 0
        delay_ms = (
            rule.ms
            if rule is not None and rule.mode == "delay"
            else (self.default_delay_ms if rule is None else 0)
        )
        forced = dumps(list(rule.errors)) if rule is not None and rule.mode == "fail" else None
        stamp = now_iso(created)
        conn.execute(
            "INSERT INTO tasks (id, org_id, created_by, type, name, status, completion, metadata,"
            " created_at, updated_at, polls_left, ready_at, forced_errors)"
            " VALUES (?, ?, ?, ?, ?, 'IN_PROGRESS', 0, ?, ?, ?, ?, ?, ?)",
            (
                task_id,
                org_id,
                user_id,
                type,
                name,
                None if metadata is None else dumps(metadata),
                stamp,
                stamp,
                polls,
                created + delay_ms / 1000.0,
                forced,
            ),
        )
        immediate = (rule is None and self.default_delay_ms == 0) or (
            rule is not None and rule.mode in ("immediate", "fail")
        )
        if immediate and size is not None and size <= self.inline_max_items:
            self._run_one(task_id, work, on_forced_failure)
        else:
            after_commit(lambda: self._submit(task_id, type, work, on_forced_failure))
        row = conn.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone()
        return dict(row)

    # -- observation (inside a request transaction) ---------------------------------------------

    def observe(
        self, conn: sqlite3.Connection, row: sqlite3.Row | dict[str, Any]
    ) -> dict[str, Any]:
        """The task as a reader sees it now; counts this read against a 'polls' rule."""
        task = dict(row)
        if task["status"] == CANCELING:
            if task["work_done"]:  # this read sees CANCELING, the next ones CANCELED
                conn.execute(
                    "UPDATE tasks SET status = 'CANCELED', updated_at = ? WHERE id = ?",
                    (now_iso(), task["id"]),
                )
            return task
        if task["status"] != "IN_PROGRESS":
            return task
        if task["polls_left"] > 0:
            conn.execute("UPDATE tasks SET polls_left = polls_left - 1 WHERE id = ?", (task["id"],))
            task["polls_left"] -= 1
            return task
        if task["work_done"] and time.time() >= task["ready_at"]:
            return self._publish(conn, task)
        return task

    @staticmethod
    def _publish(conn: sqlite3.Connection, task: dict[str, Any]) -> dict[str, Any]:
        stamp = now_iso(max(time.time(), task["ready_at"]))
        conn.execute(
            "UPDATE tasks SET status = ?, result = ?, errors = ?, completion = 1.0, updated_at = ?"
            " WHERE id = ?",
            (
                task["outcome_status"],
                task["outcome_result"],
                task["outcome_errors"],
                stamp,
                task["id"],
            ),
        )
        task.update(
            status=task["outcome_status"],
            result=task["outcome_result"],
            errors=task["outcome_errors"],
            completion=1.0,
            updated_at=stamp,
        )
        return task

    def request_cancel(self, conn: sqlite3.Connection, task_id: str) -> None:
        conn.execute(
            "UPDATE tasks SET cancel_requested = 1, status = 'CANCELING' WHERE id = ?"
            " AND status = 'IN_PROGRESS'",
            (task_id,),
        )

    # -- the worker -----------------------------------------------------------------------------

    def _submit(self, task_id: str, type: str, work: Work, fail: FailureShape) -> None:
        with self._idle:
            self._pending += 1
        self._ensure_worker()
        self._queue.put((task_id, type, work, fail))

    def _ensure_worker(self) -> None:
        with self._thread_lock:
            if self._closed:
                raise RuntimeError("the emulator is closed")
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="aiolabel-emulator-jobs", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            task_id, _type, work, fail = item
            try:
                self._run_one(task_id, work, fail)
            except Exception:  # the worker must survive any one job
                log.exception("task %s crashed", task_id)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def _run_one(self, task_id: str, work: Work, fail: FailureShape) -> None:
        job = Job(self.store, task_id)
        with self.store.reading() as conn:
            row = conn.execute(
                "SELECT forced_errors FROM tasks WHERE id = ?", (task_id,)
            ).fetchone()
        if row is None:  # reset while queued
            return
        try:
            if row["forced_errors"] is not None:
                outcome = fail(job, list(json.loads(row["forced_errors"])))
            else:
                outcome = work(job)
        except Cancelled:
            with self.store.transaction() as conn:
                conn.execute(  # published as CANCELED once a reader has seen CANCELING
                    "UPDATE tasks SET work_done = 1, outcome_status = 'CANCELED' WHERE id = ?",
                    (task_id,),
                )
            return
        except Exception as exc:
            log.exception("task %s failed", task_id)
            outcome = fail(job, [f"Internal error: {type(exc).__name__}"])
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE tasks SET work_done = 1, outcome_status = ?, outcome_result = ?,"
                " outcome_errors = ? WHERE id = ?",
                (outcome.status, outcome.result, outcome.errors, task_id),
            )
            task = conn.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone()
            if task is not None and task["status"] == CANCELING:
                pass  # published as CANCELED by the next read (see ``observe``)
            elif task is not None and task["polls_left"] <= 0 and time.time() >= task["ready_at"]:
                self._publish(conn, dict(task))

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until every submitted job has finished its work (tests and shutdown)."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._idle.wait(remaining)
        return True

    def close(self) -> None:
        with self._thread_lock:
            self._closed = True
            thread = self._thread
        if thread is not None and thread.is_alive():
            self._queue.put(None)
            thread.join(timeout=30)
