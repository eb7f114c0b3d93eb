"""Webhook delivery: events POSTed to each subscribed webhook's URL, signed like the service.

Every event is one JSON body POSTed with

* ``X-Hub-Signature: sha1=<hex>``: HMAC-SHA1 of the exact body bytes with the webhook's secret;
* ``X-Labelbox-Event: <TOPIC>`` and ``X-Labelbox-Id: <webhook id>``;
* ``Content-Type: application/json``.

Delivery never blocks the emulator: resolvers call :func:`emit` inside their transaction, the
matching webhooks are read there, and the POSTs start only after the commit, on a small thread
pool. A failed POST (connection error, timeout, any non-2xx answer) is retried after a growing
pause, at most :attr:`Delivery.attempts` times in all; then the event is given up and recorded
with its error. Every attempt is kept in :attr:`WebhookDispatcher.deliveries` (newest last,
bounded) for tests.

Other domains produce events with one call::

    from aiolabel.emulator.webhooks import emit
    emit(ctx(info), "LABEL_CREATED", {"id": label_id, ...}, project_id=project_id)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from aiolabel.emulator.store import now_iso

if TYPE_CHECKING:
    from aiolabel.emulator.context import Context

log = logging.getLogger("aiolabel.emulator.webhooks")

SIGNATURE_HEADER = "X-Hub-Signature"
EVENT_HEADER = "X-Labelbox-Event"
ID_HEADER = "X-Labelbox-Id"


def sign(body: bytes, secret: str) -> str:
    """The ``X-Hub-Signature`` value of ``body``: ``sha1=`` and the hex HMAC-SHA1."""
    return "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


@dataclass
class Delivery:
    """One event for one webhook, and what became of it."""

    webhook_id: str
    url: str
    topic: str
    body: bytes
    signature: str
    attempts: int = 0
    status: str = "PENDING"
    """``PENDING``, ``DELIVERED`` or ``FAILED`` (gave up after the last attempt)."""
    errors: list[str] = field(default_factory=list)
    """Why each failed attempt failed (status code or exception), in order."""


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
    """POSTs events in the background; bounded threads, bounded retries, bounded history."""

    def __init__(self, policy: RetryPolicy | None = None, *, workers: int = 4) -> None:
        self.policy = policy or RetryPolicy()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="emu-webhook")
        self._http = httpx.Client(timeout=self.policy.timeout, follow_redirects=False)
        self._lock = threading.Lock()
        self._pending: set[Future[None]] = set()
        self._closed = False
        self.deliveries: deque[Delivery] = deque(maxlen=1000)

    def submit(self, delivery: Delivery) -> None:
        with self._lock:
            if self._closed:
                return
            self.deliveries.append(delivery)
            future = self._pool.submit(self._deliver, delivery)
            self._pending.add(future)
        future.add_done_callback(self._done)

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

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._http.close()


def event_body(topic: str, payload: dict[str, Any], webhook_id: str) -> bytes:
    """The JSON body of one event: the payload with the topic, webhook and time added."""
    document = {
        **payload,
        "event": topic,
        "webhookId": webhook_id,
        "createdAt": payload.get("createdAt", now_iso()),
    }
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()


def emit(c: Context, topic: str, payload: dict[str, Any], *, project_id: str | None = None) -> int:
    """Queue ``topic`` for every active webhook of the organisation subscribed to it (project
    webhooks only for their project); sent after the request commits. Returns how many."""
    rows = c.conn.execute(
        "SELECT id, url, secret, topics FROM webhooks WHERE org_id = ? AND status = 'ACTIVE'"
        " AND (project_id IS NULL OR project_id = ?) ORDER BY created_at, id",
        (c.org_id, project_id),
    ).fetchall()
    dispatcher = c.state.webhooks
    queued = 0
    for row in rows:
        if topic not in json.loads(row["topics"]):
            continue
        body = event_body(topic, payload, row["id"])
        delivery = Delivery(row["id"], row["url"], topic, body, sign(body, row["secret"]))
        c.after_commit(lambda d=delivery: dispatcher.submit(d))  # type: ignore[misc]
        queued += 1
    return queued
