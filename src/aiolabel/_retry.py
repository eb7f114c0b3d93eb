"""The one retry policy (tenacity), used by every request the SDK makes.

What is retried: HTTP 5xx and retryable INTERNAL_SERVER_ERRORs (:class:`InternalServerError`),
429 and "You have exceeded" (:class:`ApiLimitError`, honouring ``Retry-After``), timeouts and
connection errors. Anything else is raised at once.

When a request may have reached the server, repeating a mutation could apply it twice, so a
mutation is retried only when that is safe: the request provably never left
(``error.request_sent`` is False), the server refused it without processing it (429, 503,
"You have exceeded"), or the operation is declared idempotent (``Operation.retry_safe``). Any
other failure of a mutation is ambiguous (a timeout, a dropped connection, a 500/502/504 that a
gateway may send after the service applied the request): a caller may pass a ``reconcile`` step
that, before any resend, looks up whether the first attempt was applied (a batch by name, the task
a lost answer started) and returns that result instead of resending. Without one, the error is
raised at once with ``maybe_applied`` set and a message that says it was not resent.

Backoff is exponential with full jitter (``uniform(0, min(max_backoff, initial * 2**n))``), never
shorter than the server's ``Retry-After``. Attempts are bounded (``max_retries`` retries after the
first try) and so is the overall time (``deadline``, counted from the first try; a wait that would
end past it is not started). On give-up the caller gets the last :class:`LabelboxError` itself,
with ``attempts`` set, never a tenacity error. :class:`RetryStats` counts what the policy did.
"""

from __future__ import annotations

import logging
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception

from aiolabel._messages import gave_up
from aiolabel.errors import (
    ApiLimitError,
    InputError,
    InputTypeError,
    LabelboxError,
    is_transient,
)

__all__ = ["SERVER_SAID_RETRY", "Reconcile", "RetryPolicy", "RetryStats"]

logger = logging.getLogger("aiolabel.retry")

T = TypeVar("T")

Reconcile = Callable[[LabelboxError], Awaitable[Any]]
"""``async reconcile(last_error) -> result | None``: called before resending a mutation after an
ambiguous failure. A non-None value is returned to the caller as the operation's result (the first
attempt was applied); None means it was not applied and the request is sent again."""

SERVER_SAID_RETRY = frozenset({429, 503})
"""HTTP statuses after which even a non-idempotent mutation may be resent: the service refused
the request without processing it. A 502 is not among them: a gateway answers 502 when the
service behind it failed or hung up, possibly after it applied the request."""

NOT_RESENT = (
    "the request may have been applied, so it was not sent again; check before trying again"
)


def _server_said_retry(exc: LabelboxError) -> bool:
    return isinstance(exc, ApiLimitError) or exc.status_code in SERVER_SAID_RETRY


@dataclass
class RetryStats:
    """What the retry policy did so far (one instance per client: ``client.retry_stats``)."""

    requests: int = 0
    """Attempts sent (first tries and retries)."""
    retries: int = 0
    """Attempts that repeated an earlier one after a transient failure."""
    reconciled: int = 0
    """Ambiguous mutation failures resolved by a lookup that found the first attempt applied."""
    reconcile_resends: int = 0
    """Ambiguous mutation failures whose lookup found nothing, so the mutation was resent."""
    not_resent: int = 0
    """Ambiguous mutation failures raised without a resend (``maybe_applied``)."""
    gave_up: int = 0
    """Requests that failed after their last allowed attempt (or deadline)."""
    errors: Counter[str] = field(default_factory=Counter)
    """Transient failures seen, by error class name."""

    def as_dict(self) -> dict[str, object]:
        return {
            "requests": self.requests,
            "retries": self.retries,
            "reconciled": self.reconciled,
            "reconcile_resends": self.reconcile_resends,
            "not_resent": self.not_resent,
            "gave_up": self.gave_up,
            "errors": dict(self.errors),
        }


@dataclass
class RetryPolicy:
    """Configuration and loop of the retry policy. ``sleep``, ``clock`` and ``random`` are seams
    for tests (the defaults are ``anyio.sleep``, ``time.monotonic`` and ``random.random``)."""

    max_retries: int = 5
    deadline: float = 120.0
    initial_backoff: float = 0.5
    max_backoff: float = 30.0
    sleep: Callable[[float], Awaitable[None]] = field(default=anyio.sleep, repr=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    random: Callable[[], float] = field(default=random.random, repr=False)
    stats: RetryStats = field(default_factory=RetryStats, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.max_retries, bool) or not isinstance(self.max_retries, int):
            raise InputTypeError("max_retries must be an int")
        if not 0 <= self.max_retries <= 100:
            raise InputError("max_retries must be between 0 and 100")
        for name in ("deadline", "initial_backoff", "max_backoff"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InputTypeError(f"{name} must be a number of seconds")
            if not value > 0 or value != value:
                raise InputError(f"{name} must be positive")

    def retryable(
        self, exc: BaseException, *, retry_safe: bool, can_reconcile: bool = False
    ) -> bool:
        """Whether ``exc`` may be followed by another attempt of the same request."""
        if not is_transient(exc):
            return False
        assert isinstance(exc, LabelboxError)
        return retry_safe or not exc.request_sent or _server_said_retry(exc) or can_reconcile

    def backoff(self, retry_number: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``retry_number`` (1 for the first retry)."""
        cap = min(self.max_backoff, self.initial_backoff * 2.0 ** (retry_number - 1))
        delay = self.random() * cap
        if retry_after is not None:
            delay = max(delay, retry_after)
        return delay

    def next_delay(
        self, exc: BaseException, attempt: int, started: float, *, retry_safe: bool
    ) -> float | None:
        """Seconds to wait before another try after ``attempt`` tries failed, or None to give up.

        For loops tenacity cannot drive (streamed downloads); :meth:`call` applies the same rules.
        """
        if not self.retryable(exc, retry_safe=retry_safe):
            return None
        self.stats.errors[type(exc).__name__] += 1
        retry_after = exc.retry_after if isinstance(exc, LabelboxError) else None
        delay = self.backoff(attempt, retry_after)
        if attempt > self.max_retries or self.clock() - started + delay > self.deadline:
            self.stats.gave_up += 1
            return None
        self.stats.retries += 1
        return delay

    async def call(
        self,
        attempt: Callable[[], Awaitable[T]],
        *,
        retry_safe: bool,
        reconcile: Reconcile | None = None,
        what: str = "request",
    ) -> T:
        """Run ``attempt`` until it succeeds or the policy gives up (then raise its last error)."""
        # The first try runs here, before any closure of the retry loop is made: most requests
        # succeed at once, and the loop's closures and tenacity's state cost more than the try
        # (and would be held by every request waiting for a limiter slot).
        start = self.clock()
        self.stats.requests += 1
        try:
            return await attempt()
        except LabelboxError as exc:
            ambiguous = self._failed(exc, 1, retry_safe, reconcile, what)
            failed = exc
        return await self._retry(attempt, failed, ambiguous, start, retry_safe, reconcile, what)

    def _failed(
        self,
        exc: LabelboxError,
        attempts: int,
        retry_safe: bool,
        reconcile: Reconcile | None,
        what: str,
    ) -> bool:
        """Record a failed try; whether it was an ambiguous failure of a mutation (then every
        later resend reconciles first)."""
        exc.attempts = attempts
        if is_transient(exc):
            self.stats.errors[type(exc).__name__] += 1
        if not retry_safe and exc.request_sent and not _server_said_retry(exc):
            if reconcile is None and is_transient(exc):
                self.stats.not_resent += 1
                exc.maybe_applied = True
                exc.message = f"{exc.message} ({what}: {NOT_RESENT})"
                exc.args = (exc.message, *exc.args[1:])
            return True
        return False

    async def _retry(
        self,
        attempt: Callable[[], Awaitable[T]],
        failed: LabelboxError,
        ambiguous_first: bool,
        start: float,
        retry_safe: bool,
        reconcile: Reconcile | None,
        what: str,
    ) -> T:
        """The retries after a failed first try (:meth:`call`), driven by tenacity."""
        attempts = 1
        ambiguous: LabelboxError | None = failed if ambiguous_first else None
        stats = self.stats

        async def one() -> T:
            nonlocal attempts, ambiguous
            if ambiguous is not None and reconcile is not None:
                found = await reconcile(ambiguous)
                if found is not None:
                    stats.reconciled += 1
                    logger.info("%s: reconciled after an ambiguous failure", what)
                    return found  # type: ignore[no-any-return]
                stats.reconcile_resends += 1
            attempts += 1
            stats.requests += 1
            stats.retries += 1
            try:
                return await attempt()
            except LabelboxError as exc:
                if self._failed(exc, attempts, retry_safe, reconcile, what):
                    ambiguous = exc  # sticky: every later resend reconciles first
                raise

        def retryable(exc: BaseException) -> bool:
            return self.retryable(exc, retry_safe=retry_safe, can_reconcile=bool(reconcile))

        def delay_for(exc: BaseException | None) -> float:
            retry_after = exc.retry_after if isinstance(exc, LabelboxError) else None
            return self.backoff(attempts, retry_after)

        def give_up(delay: float) -> bool:
            return attempts > self.max_retries or self.clock() - start + delay > self.deadline

        def wait(state: RetryCallState) -> float:
            return delay_for(state.outcome.exception() if state.outcome else None)

        def stop(state: RetryCallState) -> bool:
            return give_up(state.upcoming_sleep)

        def log(exc: BaseException, delay: float) -> None:
            logger.info(
                "%s failed (%s: %s); retry %d in %.2fs",
                what,
                type(exc).__name__,
                exc,
                attempts,
                delay,
            )

        if not retryable(failed):
            raise failed
        delay = delay_for(failed)
        if give_up(delay):
            stats.gave_up += 1
            gave_up(failed, attempts, self.clock() - start)
            raise failed
        log(failed, delay)
        await self.sleep(delay)

        def before_sleep(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            log(exc or LabelboxError("?"), state.upcoming_sleep)

        retrying = AsyncRetrying(
            retry=retry_if_exception(retryable),
            wait=wait,
            stop=stop,
            sleep=self.sleep,
            before_sleep=before_sleep,
            reraise=True,
        )
        try:
            return await retrying(one)
        except LabelboxError as exc:
            if retryable(exc):
                stats.gave_up += 1
                gave_up(exc, attempts, self.clock() - start)
            raise
