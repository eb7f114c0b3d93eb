"""One emulator's state: storage, jobs, faults and counters, behind both entry points."""

from __future__ import annotations

import hmac
import logging
import threading
from collections import Counter
from typing import Any

from aiolabel.emulator.config import EmulatorConfig
from aiolabel.emulator.executor import Executor
from aiolabel.emulator.faults import Faults
from aiolabel.emulator.jobs import Jobs, TransitionRule
from aiolabel.emulator.resolvers import controls, domains
from aiolabel.emulator.store import Store, now_iso
from aiolabel.emulator.webhooks import WebhookDispatcher

log = logging.getLogger("aiolabel.emulator")


class EmulatorState:
    """Everything an emulator holds; the ASGI app and the Python controls share one instance."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.store = Store(config.db, ddl=[d.DDL for d in domains() if d.DDL])
        self.jobs = Jobs(
            self.store,
            default_delay_ms=config.task_delay_ms,
            inline_max_items=config.inline_task_max_items,
        )
        self.faults = Faults(config.faults, config.seed)
        self.executor = Executor()
        self.webhooks = WebhookDispatcher()
        self.requests: Counter[str] = Counter()
        self._stats_lock = threading.Lock()
        self.org_id = ""
        self.user_id = ""
        self._seed()
        self._fail_interrupted_tasks()

    # -- identity -------------------------------------------------------------------------------

    def _seed(self) -> None:
        with self.store.transaction() as conn:
            org_id = Store.get_meta(conn, "org_id")
            user_id = Store.get_meta(conn, "user_id")
            if org_id is None or user_id is None:
                stamp = now_iso()
                org_id, user_id = self.store.new_id(), self.store.new_id()
                conn.execute(
                    "INSERT INTO organizations (id, name, created_at, updated_at) VALUES (?,?,?,?)",
                    (org_id, self.config.org_name, stamp, stamp),
                )
                conn.execute(
                    "INSERT INTO users (id, org_id, email, name, nickname, timezone, created_at,"
                    " updated_at) VALUES (?,?,?,?,?,?,?,?)",
                    (
                        user_id,
                        org_id,
                        self.config.user_email,
                        "Emulator User",
                        "emulator",
                        None,
                        stamp,
                        stamp,
                    ),
                )
                for domain in domains():
                    domain.seed(conn, org_id, user_id)
                Store.set_meta(conn, "org_id", org_id)
                Store.set_meta(conn, "user_id", user_id)
            self.org_id, self.user_id = org_id, user_id

    def _fail_interrupted_tasks(self) -> None:
        """Work cannot survive a restart: tasks it left unfinished end FAILED, saying why."""
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE tasks SET status = 'FAILED', work_done = 1, outcome_status = 'FAILED',"
                " errors = '[\"Interrupted by an emulator restart\"]', updated_at = ?"
                " WHERE work_done = 0",
                (now_iso(),),
            )

    def authenticate(self, authorization: str | None) -> bool:
        """True when the header carries this emulator's key (compared in constant time)."""
        if not authorization or not authorization.startswith("Bearer "):
            return False
        given = authorization.removeprefix("Bearer ").strip().encode()
        return hmac.compare_digest(given, self.config.api_key.encode())

    # -- controls -------------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget everything: a fresh organisation, user and seeded data (the API key stays)."""
        self.jobs.wait_idle(timeout=30)
        self.store.wipe()
        self.jobs.rules.clear()
        with self._stats_lock:
            self.requests.clear()
        self.faults.injected.clear()
        self.webhooks.clear()
        self._seed()

    def set_transition(self, task_type: str, rule: dict[str, Any] | None) -> None:
        """Set (or with ``None`` clear) the transition rule of one task type."""
        if rule is None:
            self.jobs.rules.pop(task_type, None)
        else:
            self.jobs.rules[task_type] = TransitionRule.parse(rule)

    def transitions(self) -> dict[str, dict[str, Any]]:
        return {name: rule.as_dict() for name, rule in self.jobs.rules.items()}

    def control(self, name: str, **kwargs: Any) -> Any:
        """Run a domain's test control (``KeyError`` if there is none of that name)."""
        return controls()[name](self, **kwargs)

    def count(self, key: str) -> None:
        with self._stats_lock:
            self.requests[key] += 1

    def stats(self) -> dict[str, Any]:
        with self._stats_lock:
            by_operation = dict(self.requests)
        return {
            "requests": sum(by_operation.values()),
            "by_operation": by_operation,
            "faults": dict(self.faults.injected),
            "document_cache": {
                "hits": self.executor.cache_hits,
                "misses": self.executor.cache_misses,
            },
        }

    def close(self) -> None:
        self.webhooks.close()
        self.jobs.close()
        self.store.close()
