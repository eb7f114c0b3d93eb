"""The ``timeout=`` option: seconds (a float), an ``httpx.Timeout`` (per phase), or ``None`` for
no timeout, as openai and anthropic clients take it."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, TypeAlias

from aiolabel._validation import check_number
from aiolabel.errors import InputTypeError

if TYPE_CHECKING:
    import httpx

TimeoutOption: TypeAlias = "float | httpx.Timeout | None"


def check_timeout_option(value: object) -> float | httpx.Timeout | None:
    """A valid ``timeout=``: a number of seconds in (0, 3600], an ``httpx.Timeout`` or None."""
    import httpx

    if value is None or isinstance(value, httpx.Timeout):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputTypeError(
            "timeout must be a number of seconds, an httpx.Timeout or None, "
            f"got {type(value).__name__}"
        )
    return check_number("timeout", value, low=0, high=3600)


def http_timeout(value: float | httpx.Timeout | None) -> httpx.Timeout:
    import httpx

    return value if isinstance(value, httpx.Timeout) else httpx.Timeout(value)


def attempt_cap(timeout: httpx.Timeout, extra: float = 0.0) -> float:
    """The cap on one attempt, from sending to the last byte of the answer: the read timeout
    plus ``extra`` (no read timeout: no cap)."""
    return math.inf if timeout.read is None else float(timeout.read) + extra
