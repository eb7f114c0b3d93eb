"""Webhook delivery: events POSTed to each subscribed webhook's URL, signed like the service.

Every event is one JSON body POSTed with

* ``X-Hub-Signature: sha1=<hex>``: HMAC-SHA1 of the exact body bytes with the webhook's secret;
* ``X-Labelbox-Event: <TOPIC>`` and ``X-Labelbox-Id: <webhook id>``;
* ``Content-Type: application/json``.

An event goes to every ACTIVE webhook of the organisation whose topics include it and whose
scope matches: a project's webhook hears that project's events, one without a project hears the
whole organisation's.

Delivery never blocks the emulator: resolvers call :func:`emit` (or :func:`emit_labels`,
:func:`emit_review`) inside their transaction; the matching webhooks are read there and the
events queued only after the commit (never on a rollback), for a small thread pool that builds,
signs and POSTs them. The queue is bounded (:attr:`WebhookDispatcher.max_queued` deliveries
waiting or in flight): past it, events are dropped, counted and logged, never waited for. A
failed POST (connection error, timeout, any non-2xx answer) is retried after a growing pause, at
most :attr:`RetryPolicy.attempts` times in all; then the event is given up and recorded with its
error. Every delivery is kept in :attr:`WebhookDispatcher.deliveries` (newest last, bounded) for
tests.

Events (the body is the payload plus ``event`` (the topic), ``webhookId`` and, unless the payload
has its own, ``createdAt``):

* ``LABEL_CREATED`` / ``LABEL_UPDATED`` / ``LABEL_DELETED``, one per label (:func:`label_payload`):
  ``id`` (the label's), ``createdAt``, ``updatedAt``, ``secondsToLabel``, ``deleted``,
  ``createdBy {id}``, ``project {id}``, ``dataRow {id, globalKey, externalId}``,
  ``organization {id}``.
* a review created, changed or removed: ``LABEL_UPDATED`` of its label with ``review {id, score,
  createdAt, updatedAt, deleted, createdBy {id}}`` added, and, for webhooks subscribed to them,
  the service's older review topics ``REVIEW_CREATED`` / ``REVIEW_UPDATED`` (a removal is a
  ``REVIEW_UPDATED`` with ``deleted: true``, as the Labelbox webhook guide says).
* ``WORKFLOW_ACTION`` when data rows are moved to a task queue (``resolvers.task_queues``).

Other domains produce events with one call::

    from aiolabel.emulator.webhooks import emit, emit_labels
    emit(ctx(info), "WORKFLOW_ACTION", {"project": {"id": project_id}, ...}, project_id=project_id)
    emit_labels(ctx(info), "LABEL_UPDATED", [label_id])
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import httpx

from aiolabel.emulator.store import now_iso

if TYPE_CHECKING:
    from aiolabel.emulator.context import Context

log = logging.getLogger("aiolabel.emulator.webhooks")

SIGNATURE_HEADER = "X-Hub-Signature"
EVENT_HEADER = "X-Labelbox-Event"
ID_HEADER = "X-Labelbox-Id"
REVIEW_TOPICS = {
    "created": "REVIEW_CREATED",
    "updated": "REVIEW_UPDATED",
    "deleted": "REVIEW_UPDATED",
}
"""The older review topic each review change goes out under (a removal is an update)."""


def sign(body: bytes, secret: str) -> str:
    """The ``X-Hub-Signature`` value of ``body``: ``sha1=`` and the hex HMAC-SHA1."""
    return "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


@dataclass(eq=False)
class Delivery:
    """One event for one webhook, and what became of it. The body is built (and signed) on the
    delivery thread, once, the first time it is needed."""

    webhook_id: str
    url: str
    topic: str
    document: dict[str, Any]
    """The event as JSON data (:func:`event_document`)."""
    secret: str = field(repr=False)
    attempts: int = 0
    status: str = "PENDING"
    """``PENDING``, ``DELIVERED``, ``FAILED`` (gave up after the last attempt) or ``DROPPED``
    (the queue was full)."""
    errors: list[str] = field(default_factory=list)
    """Why each failed attempt failed (status code or exception), in order."""

    @cached_property
    def body(self) -> bytes:
        return json.dumps(self.document, separators=(",", ":"), sort_keys=True).encode()

    @cached_property
    def signature(self) -> str:
        return sign(self.body, self.secret)


@dataclass
class RetryPolicy:
    attempts: int = 4
    """Attempts in all (the first POST and its retries)."""
    first_delay: float = 0.2
    max_delay: float = 2.0
    timeout: float = 5.0
    """Seconds per POST."""

    def delay(self, attempt: int) -> float:
        return float(min(self.first_delay * 2 ** (attempt - 1), self.max_delay))


class WebhookDispatcher:
    """POSTs events in the background; bounded threads, bounded queue, bounded retries, bounded
    history."""

    def __init__(
        self, policy: RetryPolicy | None = None, *, workers: int = 4, max_queued: int = 10_000
    ) -> None:
        self.policy = policy or RetryPolicy()
        self.max_queued = max_queued
        """Deliveries waiting or in flight at most; more are dropped (and counted)."""
        self.dropped = 0
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="emu-webhook")
        self._http = httpx.Client(timeout=self.policy.timeout, follow_redirects=False)
        self._lock = threading.Lock()
        self._pending: set[Future[None]] = set()
        self._closed = False
        self.deliveries: deque[Delivery] = deque(maxlen=1000)

    def room(self) -> int:
        """How many more deliveries the queue takes now."""
        with self._lock:
            return max(self.max_queued - len(self._pending), 0)

    def submit(self, delivery: Delivery) -> bool:
        """Queue one delivery; ``False`` when the queue is full (or closed) and it is dropped."""
        return self.submit_all([delivery]) == 1

    def submit_all(self, deliveries: Sequence[Delivery]) -> int:
        """Queue deliveries in order while the queue has room; drop the rest (recorded as
        ``DROPPED``, counted in :attr:`dropped`, logged). Returns how many were queued."""
        queued: list[Future[None]] = []
        with self._lock:
            if self._closed:
                return 0
            room = max(self.max_queued - len(self._pending), 0)
            for delivery in deliveries[:room]:
                self.deliveries.append(delivery)
                future = self._pool.submit(self._deliver, delivery)
                self._pending.add(future)
                queued.append(future)
            dropped = deliveries[room:]
            for delivery in dropped[: self.deliveries.maxlen]:
                delivery.status = "DROPPED"
                delivery.errors.append(f"delivery queue full ({self.max_queued} waiting)")
                self.deliveries.append(delivery)
            self.dropped += len(dropped)
        if dropped:
            log.warning(
                "webhook queue full: dropped %d %s event(s)", len(dropped), dropped[0].topic
            )
        for future in queued:
            future.add_done_callback(self._done)
        return len(queued)

    def _done(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)

    def _deliver(self, delivery: Delivery) -> None:
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: delivery.signature,
            EVENT_HEADER: delivery.topic,
            ID_HEADER: delivery.webhook_id,
            "User-Agent": "aiolabel-emulator-webhooks",
        }
        for attempt in range(1, self.policy.attempts + 1):
            if self._closed:
                delivery.status = "FAILED"
                delivery.errors.append("emulator closed")
                return
            delivery.attempts = attempt
            try:
                response = self._http.post(delivery.url, content=delivery.body, headers=headers)
                if 200 <= response.status_code < 300:
                    delivery.status = "DELIVERED"
                    return
                delivery.errors.append(f"HTTP {response.status_code}")
            except httpx.HTTPError as exc:
                delivery.errors.append(f"{type(exc).__name__}: {exc}")
            if attempt < self.policy.attempts:
                time.sleep(self.policy.delay(attempt))
        delivery.status = "FAILED"
        log.info(
            "webhook %s: gave up on %s after %d attempts (%s)",
            delivery.webhook_id,
            delivery.topic,
            delivery.attempts,
            delivery.errors[-1],
        )

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait until no delivery is in progress; False on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._pending:
                    return True
            time.sleep(0.01)
        return False

    def history(self) -> list[dict[str, Any]]:
        with self._lock:
            items = list(self.deliveries)
        return [
            {
                "webhook_id": d.webhook_id,
                "url": d.url,
                "topic": d.topic,
                "body": d.body.decode(),
                "status": d.status,
                "attempts": d.attempts,
                "errors": list(d.errors),
            }
            for d in items
        ]

    def clear(self) -> None:
        with self._lock:
            self.deliveries.clear()
            self.dropped = 0

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._http.close()


def event_document(topic: str, payload: dict[str, Any], webhook_id: str) -> dict[str, Any]:
    """One event as JSON data: the payload with the topic, webhook and (unless it has its own)
    time added."""
    return {
        **payload,
        "event": topic,
        "webhookId": webhook_id,
        "createdAt": payload.get("createdAt") or now_iso(),
    }


@dataclass(frozen=True)
class _Hook:
    id: str
    url: str
    secret: str
    project_id: str | None


def _subscribers(conn: sqlite3.Connection, org_id: str, topic: str) -> list[_Hook]:
    """The organisation's active webhooks subscribed to ``topic``, oldest first."""
    rows = conn.execute(
        "SELECT id, url, secret, topics, project_id FROM webhooks"
        " WHERE org_id = ? AND status = 'ACTIVE' ORDER BY created_at, id",
        (org_id,),
    ).fetchall()
    return [
        _Hook(row["id"], row["url"], row["secret"], row["project_id"])
        for row in rows
        if topic in json.loads(row["topics"])
    ]


def _queue(
    c: Context,
    topic: str,
    hooks: list[_Hook],
    events: Iterable[tuple[str | None, dict[str, Any]]],
) -> int:
    """Queue ``(project id, payload)`` events for the hooks whose scope matches, after commit."""
    stamp = now_iso()
    deliveries = [
        Delivery(
            hook.id,
            hook.url,
            topic,
            event_document(topic, {"createdAt": stamp, **payload}, hook.id),
            hook.secret,
        )
        for project_id, payload in events
        for hook in hooks
        if hook.project_id is None or hook.project_id == project_id
    ]
    if deliveries:
        dispatcher = c.state.webhooks

        def send() -> None:
            dispatcher.submit_all(deliveries)

        c.after_commit(send)
    return len(deliveries)


def emit(c: Context, topic: str, payload: dict[str, Any], *, project_id: str | None = None) -> int:
    """Queue ``topic`` for every active webhook of the organisation subscribed to it (project
    webhooks only for their project); sent after the request commits. Returns how many."""
    hooks = _subscribers(c.conn, c.org_id, topic)
    return _queue(c, topic, hooks, [(project_id, payload)]) if hooks else 0


_LABEL_SELECT = (
    "SELECT l.id, l.project_id, l.data_row_id, l.created_by, l.created_at, l.updated_at,"
    " l.seconds_to_create, l.deleted, d.global_key, d.external_id"
    " FROM labels l LEFT JOIN data_rows d ON d.id = l.data_row_id"
)
_CHUNK = 500


def label_payload(row: sqlite3.Row, org_id: str) -> dict[str, Any]:
    """A label event's payload, from a row of :data:`_LABEL_SELECT`."""
    return {
        "id": row["id"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "secondsToLabel": row["seconds_to_create"],
        "deleted": bool(row["deleted"]),
        "createdBy": {"id": row["created_by"]},
        "project": {"id": row["project_id"]},
        "dataRow": {
            "id": row["data_row_id"],
            "globalKey": row["global_key"],
            "externalId": row["external_id"],
        },
        "organization": {"id": org_id},
    }


def emit_labels(c: Context, topic: str, label_ids: Sequence[str]) -> int:
    """Queue one ``topic`` event per label of ``label_ids`` (as the labels are now, in this
    transaction) for the subscribed webhooks of each label's project or organisation. Reads the
    labels only when some webhook listens. Returns how many deliveries were queued."""
    hooks = _subscribers(c.conn, c.org_id, topic)
    if not hooks or not label_ids:
        return 0
    events: list[tuple[str | None, dict[str, Any]]] = []
    ids = list(dict.fromkeys(label_ids))
    for start in range(0, len(ids), _CHUNK):
        part = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(part))
        rows = c.conn.execute(f"{_LABEL_SELECT} WHERE l.id IN ({marks})", part).fetchall()
        found = {row["id"]: row for row in rows}
        events.extend(
            (found[i]["project_id"], label_payload(found[i], c.org_id)) for i in part if i in found
        )
    return _queue(c, topic, hooks, events)


def emit_review(c: Context, review: sqlite3.Row, change: str) -> int:
    """Queue the events of a review ``change`` (``created``, ``updated`` or ``deleted``):
    ``LABEL_UPDATED`` of its label with the review added, and the older review topic for the
    webhooks subscribed to it. ``review`` is a ``reviews`` row (as it is after the change)."""
    summary = {
        "id": review["id"],
        "score": review["score"],
        "createdAt": review["created_at"],
        "updatedAt": review["updated_at"],
        "deleted": change == "deleted",
        "createdBy": {"id": review["created_by"]},
    }
    queued = 0
    hooks = _subscribers(c.conn, c.org_id, "LABEL_UPDATED")
    label = c.conn.execute(f"{_LABEL_SELECT} WHERE l.id = ?", (review["label_id"],)).fetchone()
    if hooks and label is not None:
        payload = {**label_payload(label, c.org_id), "review": summary}
        queued += _queue(c, "LABEL_UPDATED", hooks, [(review["project_id"], payload)])
    topic = REVIEW_TOPICS[change]
    hooks = _subscribers(c.conn, c.org_id, topic)
    if hooks:
        payload = {
            **summary,
            "label": {"id": review["label_id"]},
            "project": {"id": review["project_id"]},
            "dataRow": {"id": None if label is None else label["data_row_id"]},
            "organization": {"id": c.org_id},
        }
        queued += _queue(c, topic, hooks, [(review["project_id"], payload)])
    return queued
