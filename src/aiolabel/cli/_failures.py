"""Why a command stopped, in one or two lines: every expected failure (bad input, a refused
key, a server that stays down, Ctrl-C or SIGTERM) gets its message and exit code, whatever task
group it was raised in. Only an unexpected error shows a traceback, and only when
``AIOLABEL_DEBUG=1`` asks for it.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import anyio

from aiolabel._secrets import redact
from aiolabel.cli._options import EXIT_FAILED_ROWS, EXIT_INTERRUPTED, EXIT_USAGE

DEBUG_ENV = "AIOLABEL_DEBUG"
EXIT_TERMINATED = 143
"""Exit code after SIGTERM (128 + 15); the run stops as after Ctrl-C."""
RESUME = "Nothing already ingested is lost; run the same command again to finish."

_T = TypeVar("_T")


@dataclass(frozen=True)
class Stop:
    """How a command ends on a failure."""

    code: int
    kind: str
    message: str


def leaves(error: BaseException) -> Iterator[BaseException]:
    """The exceptions an exception group holds, depth first (or the exception itself)."""
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            yield from leaves(inner)
    else:
        yield error


def root_cause(error: BaseException) -> BaseException:
    """The one exception a failure stands for: of a task group's exceptions, an interruption
    first, then the one that says most about the run (a usage error, a refused key, a service
    error), never a cancellation that followed it."""
    from aiolabel.errors import AuthenticationError, AuthorizationError, LabelboxError
    from aiolabel.ingest import IngestError
    from aiolabel.ingest._manifest import ManifestError

    found = list(leaves(error))
    if len(found) == 1:
        return found[0]
    cancelled = anyio.get_cancelled_exc_class()
    ranked: tuple[type[BaseException], ...] = (
        KeyboardInterrupt,
        IngestError,
        ManifestError,
        AuthenticationError,
        AuthorizationError,
        LabelboxError,
        Exception,
    )
    for kind in ranked:
        for leaf in found:
            if isinstance(leaf, kind) and not isinstance(leaf, cancelled):
                return leaf
    return found[0]


def stop_for(error: BaseException, *, endpoint: str, terminated: bool = False) -> Stop | None:
    """The message and exit code of an expected failure; None for an unexpected one."""
    from aiolabel.errors import (
        ApiLimitError,
        AuthenticationError,
        AuthorizationError,
        InputError,
        InternalServerError,
        LabelboxError,
        NetworkError,
        TimeoutError,
    )
    from aiolabel.ingest import IngestError
    from aiolabel.ingest._manifest import ManifestError

    if isinstance(error, KeyboardInterrupt):
        what = "stopped by SIGTERM" if terminated else "interrupted"
        return Stop(
            EXIT_TERMINATED if terminated else EXIT_INTERRUPTED, "interrupted", f"{what}. {RESUME}"
        )
    if isinstance(error, IngestError | ManifestError):
        return Stop(EXIT_USAGE, "usage", str(error))
    if isinstance(error, AuthenticationError | AuthorizationError):
        return Stop(
            EXIT_USAGE,
            "auth",
            f"{error} (the API key was refused by {endpoint}: check --api-key / "
            "LABELBOX_API_KEY and --endpoint; nothing more was sent)",
        )
    if isinstance(error, InputError):
        text = str(error).replace("pass allow_insecure_http=True", "pass --allow-insecure-http")
        return Stop(EXIT_USAGE, "usage", text)
    if isinstance(error, NetworkError | TimeoutError | InternalServerError | ApiLimitError):
        return Stop(
            EXIT_FAILED_ROWS,
            "network",
            f"stopped: {endpoint} did not answer in time ({error}). Check --endpoint and the "
            f"network; once it answers, run the same command again: nothing already ingested "
            "is lost.",
        )
    if isinstance(error, LabelboxError):
        return Stop(EXIT_FAILED_ROWS, "stopped", f"stopped: {error}. {RESUME}")
    if isinstance(error, OSError):
        return Stop(EXIT_FAILED_ROWS, "stopped", f"stopped: {error}. {RESUME}")
    return None


def unexpected(error: BaseException) -> Stop:
    return Stop(
        EXIT_FAILED_ROWS,
        "internal",
        f"unexpected error: {type(error).__name__}: {error} (this is a bug in aiolabel; set "
        f"{DEBUG_ENV}=1 to see the traceback)",
    )


def run_command(
    run: Callable[[], _T],
    *,
    endpoint: str,
    api_key: str | None,
    on_stop: Callable[[Stop], BaseException],
) -> _T:
    """Run ``run`` (an ``anyio.run``), with SIGTERM handled as SIGINT; turn any failure into
    ``on_stop(Stop(...))`` (raised), the key masked out of its message."""
    terminated = False

    def on_sigterm(_signum: int, _frame: object) -> None:
        nonlocal terminated
        terminated = True
        os.kill(os.getpid(), signal.SIGINT)  # the event loop's Ctrl-C: a clean stop

    with _signal(signal.SIGTERM, on_sigterm):
        try:
            return run()
        except (SystemExit, GeneratorExit):
            raise
        except BaseException as raised:
            error = root_cause(raised)
            stop = stop_for(error, endpoint=endpoint, terminated=terminated)
            if stop is None:
                if os.environ.get(DEBUG_ENV):
                    raise
                stop = unexpected(error)
            masked = Stop(stop.code, stop.kind, redact(stop.message, api_key))
            raise on_stop(masked) from None


@contextlib.contextmanager
def _signal(signum: int, handler: Callable[[int, object], None]) -> Iterator[None]:
    try:
        previous = signal.signal(signum, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signum, previous)
