"""Optional client-side rate limit (``requests_per_minute=``): a token bucket shared by a client.

Labelbox documents 1,500 / 5,000 / 20,000 requests per minute by plan and answers 429 past it.
Keeping under the limit on the client avoids bouncing off 429s. Each HTTP request (each retry
included) takes one token. Tokens refill continuously at ``requests_per_minute / 60`` per second
up to ``burst``. A 429 with ``Retry-After`` pauses the whole bucket (:meth:`pause`).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import anyio

from aiolabel.errors import InputError, InputTypeError

__all__ = ["RateLimiter"]


class RateLimiter:
    """Token bucket. ``acquire()`` waits until a token is free; waiters are served in order."""

    def __init__(
        self,
        requests_per_minute: float,
        *,
        burst: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        if isinstance(requests_per_minute, bool) or not isinstance(
            requests_per_minute, int | float
        ):
            raise InputTypeError("requests_per_minute must be a number")
        if not requests_per_minute > 0 or requests_per_minute == float("inf"):
            raise InputError("requests_per_minute must be a positive, finite number")
        if burst is None:
            burst = max(1, int(requests_per_minute // 60))
        elif isinstance(burst, bool) or not isinstance(burst, int):
            raise InputTypeError("burst must be an int")
        elif burst < 1:
            raise InputError("burst must be at least 1")
        self.requests_per_minute = float(requests_per_minute)
        self.burst = burst
        self._rate = self.requests_per_minute / 60.0
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._last = clock()
        self._paused_until = 0.0

    def __repr__(self) -> str:
        return f"RateLimiter(requests_per_minute={self.requests_per_minute:g}, burst={self.burst})"

    def _refill(self, now: float) -> None:
        self._tokens = min(float(self.burst), self._tokens + (now - self._last) * self._rate)
        self._last = now

    async def acquire(self) -> None:
        """Take one token, waiting as long as needed (reservation: no lock held while waiting)."""
        now = self._clock()
        self._refill(now)
        self._tokens -= 1.0
        wait = max(0.0, -self._tokens / self._rate, self._paused_until - now)
        if wait <= 0:
            return
        try:
            await self._sleep(wait)
        except BaseException:
            self._tokens += 1.0  # give the reservation back if the caller was cancelled
            raise

    def pause(self, seconds: float) -> None:
        """Hold every request for ``seconds`` (the server said ``Retry-After``)."""
        if seconds > 0:
            self._paused_until = max(self._paused_until, self._clock() + seconds)
