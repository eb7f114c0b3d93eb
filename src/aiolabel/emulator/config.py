"""Emulator settings: storage, identity and the fault knobs."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass, field

MAX_LATENCY_MS = 600_000
"""Ten minutes: the most latency a request can be given (NaN and infinity are refused)."""
API_KEY_PREFIX = "lbemu_"
"""Every emulator key starts with this, so a client can refuse to send it to the real service."""


def new_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(24)


@dataclass
class FaultConfig:
    """Faults injected into GraphQL requests and file downloads. Rates are shares in [0, 1]."""

    latency_ms: float = 0.0
    """Added to every request before it is handled."""
    error_rate: float = 0.0
    """Share of requests answered 502 or 503 without being applied."""
    rate_limit: int | None = None
    """Requests per minute; beyond it, HTTP 429 with Retry-After and a 'You have exceeded' body."""
    rate_limited_rate: float = 0.0
    """Share of requests answered 429 with ``Retry-After`` and a 'You have exceeded' body (not
    applied), whatever ``rate_limit`` says."""
    retry_after_s: int = 1
    """The ``Retry-After`` of the answers of ``rate_limited_rate``."""
    drop_rate: float = 0.0
    """Share of requests whose connection is dropped before a response (nothing applied)."""
    applied_then_failed_rate: float = 0.0
    """Share of requests that are applied and committed, then answered 502."""
    operations: frozenset[str] | None = None
    """Restrict faults (not latency) to these operation names; ``None`` means every operation."""
    latency_operations: frozenset[str] | None = None
    """Restrict added latency to these operation names; ``None`` means every request."""

    def validate(self) -> None:
        rates = ("error_rate", "rate_limited_rate", "drop_rate", "applied_then_failed_rate")
        for name in rates:
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {value}")
        if sum(getattr(self, name) for name in rates) > 1.0:
            raise ValueError("the fault rates must add up to at most 1")
        if isinstance(self.retry_after_s, bool) or not 0 <= self.retry_after_s <= 3600:
            raise ValueError(f"retry_after_s must be 0..3600 seconds, got {self.retry_after_s}")
        if (
            isinstance(self.latency_ms, bool)
            or not isinstance(self.latency_ms, int | float)
            or not math.isfinite(self.latency_ms)
            or not 0 <= self.latency_ms <= MAX_LATENCY_MS
        ):
            raise ValueError(
                f"latency_ms must be a number of milliseconds from 0 to {MAX_LATENCY_MS:,}, "
                f"got {self.latency_ms!r}"
            )
        if self.rate_limit is not None and self.rate_limit < 1:
            raise ValueError(f"rate_limit must be >= 1 request per minute, got {self.rate_limit}")


@dataclass
class EmulatorConfig:
    """Everything needed to start an emulator."""

    db: str = ":memory:"
    """SQLite file path, or ``:memory:``. A restart on the same file keeps all state."""
    api_key: str = field(default_factory=new_api_key)
    task_delay_ms: int = 0
    """Default time a task stays IN_PROGRESS after it is created (work still has to finish)."""
    inline_task_max_items: int = 1000
    """Tasks over at most this many items, whose rule lets them finish at once, are worked on
    inside the request that creates them and are born COMPLETE (0: always in the background)."""
    seed: int | None = None
    """Seeds the fault decisions, so a run with the same requests in the same order repeats."""
    faults: FaultConfig = field(default_factory=FaultConfig)
    max_body_bytes: int = 64 * 1024 * 1024
    """Larger request bodies are refused with MALFORMED_REQUEST (HTTP 413)."""
    org_name: str = "Emulator Organization"
    user_email: str = "emulator@aiolabel.localhost"

    def __post_init__(self) -> None:
        if not self.api_key.startswith(API_KEY_PREFIX):
            raise ValueError(f"emulator API keys must start with {API_KEY_PREFIX!r}")
        if self.task_delay_ms < 0:
            raise ValueError("task_delay_ms must be >= 0")
        self.faults.validate()

    def __repr__(self) -> str:
        return f"EmulatorConfig(db={self.db!r}, api_key='{API_KEY_PREFIX}…', seed={self.seed!r})"
