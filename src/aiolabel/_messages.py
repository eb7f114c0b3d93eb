"""Messages for the common mistakes, saying what to do: an endpoint that is not a GraphQL
endpoint (HTTP 404), a server that cannot be reached (which host, how many attempts, for how
long)."""

from __future__ import annotations

from aiolabel.errors import LabelboxError, NetworkError, TimeoutError

ENDPOINT_SHAPE = (
    "a Labelbox endpoint looks like https://api.labelbox.com/graphql, an emulator's like "
    "http://127.0.0.1:PORT/graphql"
)


def wrong_endpoint(err: LabelboxError, url: str) -> LabelboxError:
    """A 404 that is not a GraphQL answer: the URL is not an endpoint."""
    message = (
        f"HTTP 404 Not Found from {url}: this is not a GraphQL endpoint; check the endpoint "
        f"({ENDPOINT_SHAPE})"
    )
    better = LabelboxError(message, err.cause)
    better.status_code = err.status_code
    better.retry_after = err.retry_after
    better.request_sent = err.request_sent
    return better


def gave_up(err: LabelboxError, attempts: int, elapsed: float) -> None:
    """Add to a network failure's message how many attempts were made, over how long."""
    if not isinstance(err, NetworkError | TimeoutError) or "gave up after" in err.message:
        return
    tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
    err.message = f"{err.message} (gave up after {tries} in {elapsed:.1f}s)"
    err.args = (err.message, *err.args[1:])
