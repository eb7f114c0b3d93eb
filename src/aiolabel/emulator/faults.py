"""Fault decisions per request: latency, 5xx, rate limits, dropped connections, applied-then-failed.

Decisions come from one seeded generator: the same requests in the same order meet the same faults.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any, Literal

from aiolabel.emulator.config import FaultConfig

Decision = Literal["ok", "error_502", "error_503", "rate_limited", "drop", "applied_then_failed"]


@dataclass(frozen=True)
class RateLimited:
    retry_after: int


class Faults:
    """Holds the fault configuration and draws decisions for incoming requests."""

    def __init__(self, config: FaultConfig, seed: int | None = None) -> None:
        config.validate()
        self.config = config
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._bucket_tokens = float(config.rate_limit or 0)
        self._bucket_at = time.monotonic()
        self.injected: Counter[str] = Counter()

    def update(self, **changes: Any) -> FaultConfig:
        """Change some knobs; unknown names raise ``TypeError``, bad values ``ValueError``."""
        ops = changes.get("operations")
        if ops is not None:
            changes["operations"] = frozenset(ops)
        lat_ops = changes.get("latency_operations")
        if lat_ops is not None:
            changes["latency_operations"] = frozenset(lat_ops)
        new = replace(self.config, **changes)
        new.validate()
        with self._lock:
            if new.rate_limit != self.config.rate_limit:
                self._bucket_tokens = float(new.rate_limit or 0)
                self._bucket_at = time.monotonic()
            self.config = new
        return new

    def reseed(self, seed: int | None) -> None:
        with self._lock:
            self._rng = random.Random(seed)

    def applies_to(self, operation: str | None) -> bool:
        ops = self.config.operations
        return ops is None or (operation is not None and operation in ops)

    def latency_for(self, operation: str | None) -> float:
        ops = self.config.latency_operations
        if ops is not None and (operation is None or operation not in ops):
            return 0.0
        return self.config.latency_ms / 1000.0

    def rate_limit(self, operation: str | None) -> RateLimited | None:
        """Take one token from the per-minute bucket, or say how long to wait."""
        limit = self.config.rate_limit
        if limit is None or not self.applies_to(operation):
            return None
        with self._lock:
            now = time.monotonic()
            self._bucket_tokens = min(
                float(limit), self._bucket_tokens + (now - self._bucket_at) * limit / 60.0
            )
            self._bucket_at = now
            if self._bucket_tokens >= 1.0:
                self._bucket_tokens -= 1.0
                return None
            wait = (1.0 - self._bucket_tokens) * 60.0 / limit
            self.injected["rate_limited"] += 1
        return RateLimited(retry_after=max(1, math.ceil(wait)))

    def decide(self, operation: str | None) -> Decision:
        """Draw the fate of one request."""
        cfg = self.config
        if not self.applies_to(operation):
            return "ok"
        with self._lock:
            roll = self._rng.random()
            edge = cfg.error_rate
            if roll < edge:
                decision: Decision = "error_502" if self._rng.random() < 0.5 else "error_503"
            elif roll < (edge := edge + cfg.rate_limited_rate):
                decision = "rate_limited"
            elif roll < (edge := edge + cfg.drop_rate):
                decision = "drop"
            elif roll < edge + cfg.applied_then_failed_rate:
                decision = "applied_then_failed"
            else:
                decision = "ok"
            if decision != "ok":
                self.injected[decision] += 1
        return decision
