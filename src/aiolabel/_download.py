"""httpx failures as typed errors (every request), and one attempt at downloading a signed
URL (the retried, resuming loop is :meth:`aiolabel._transport.Transport.download`)."""

from __future__ import annotations

import builtins
import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import anyio
import httpx

from aiolabel.errors import (
    ApiLimitError,
    InternalServerError,
    LabelboxError,
    NetworkError,
    TimeoutError,
    parse_retry_after,
)

if TYPE_CHECKING:
    from aiolabel._transport import Transport

__all__ = ["download_error", "download_errors", "download_once"]


def _never_sent(exc: httpx.TransportError) -> bool:
    """True when the request provably did not reach the server."""
    if not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return False
    cause = exc.__cause__
    if cause is not None and type(cause).__module__.startswith("aiohttp"):
        # httpx-aiohttp maps every aiohttp ClientConnectionError (a server disconnect after the
        # request was written included) to ConnectTimeout; only a connector error is "not sent".
        return any(c.__name__ == "ClientConnectorError" for c in type(cause).__mro__)
    return True


def _refused(exc: httpx.HTTPError) -> bool:
    """A connection that failed at once (refused, no route, DNS) which the aiohttp transport
    reports as a connect timeout."""
    cause = exc.__cause__
    if not isinstance(exc, httpx.ConnectTimeout) or cause is None:
        return False
    if not type(cause).__module__.startswith("aiohttp"):
        return False
    connector = any(c.__name__ == "ClientConnectorError" for c in type(cause).__mro__)
    return connector and not isinstance(cause, builtins.TimeoutError)


def _transport_error(
    exc: httpx.HTTPError, what: str, url: httpx.URL | None = None
) -> LabelboxError:
    """``exc`` as a typed error; ``url`` names the server when no request is attached to it
    (an aiohttp failure of a request sent without httpx)."""
    if isinstance(exc, httpx.TimeoutException) and not _refused(exc):
        err: LabelboxError = TimeoutError(f"{what} timed out ({type(exc).__name__})", exc)
        err.request_sent = not _never_sent(exc)
        return err
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return LabelboxError(f"{what}: {exc}")
    if isinstance(exc, httpx.TransportError):
        err = NetworkError(exc, request_sent=not _never_sent(exc))
        where = _where(exc, url)
        err.message = f"{what}: cannot reach {where}: {err.message}"
        err.args = (err.message, *err.args[1:])
        return err
    return LabelboxError(f"{what} failed: {exc}", exc)


def _where(exc: httpx.HTTPError, fallback: httpx.URL | None = None) -> str:
    """The scheme, host and port a failed request was for (never its path or query)."""
    try:
        url = exc.request.url
    except RuntimeError:  # no request attached
        if fallback is None:
            return "the server"
        url = fallback
    port = f":{url.port}" if url.port else ""
    return f"{url.scheme}://{url.host}{port}"


async def download_once(
    transport: Transport,
    url: str,
    offset: int,
    http_timeout: httpx.Timeout,
    what: str,
    expected_length: int | None,
) -> AsyncIterator[bytes]:
    """One GET from ``offset``. Waiting for the answer, and then for each chunk of the body,
    is capped by the timeout whatever the transport (httpx's own timeouts apply only to
    its network transports)."""
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    wait = transport._total(http_timeout)
    request = transport.http.build_request("GET", url, headers=headers, timeout=http_timeout)
    with download_errors(transport, what, wait):
        response = await transport.http.send(request, stream=True, follow_redirects=True)
    chunks = response.aiter_bytes()
    try:
        if not 200 <= response.status_code < 300:
            with download_errors(transport, what, wait):
                await response.aread()
            raise download_error(response)
        skip = offset if response.status_code != 206 else 0
        length = response.headers.get("content-length")
        if (
            expected_length is not None
            and offset == 0
            and length is not None
            and length.isdigit()
            and "content-encoding" not in response.headers
            and int(length) != expected_length
        ):
            raise LabelboxError(
                f"{what}: expected {expected_length} bytes, the server announces {length}"
            )
        while True:
            with download_errors(transport, what, wait):
                try:
                    chunk = await anext(chunks)
                except StopAsyncIteration:
                    break
            if skip:
                if len(chunk) <= skip:
                    skip -= len(chunk)
                    continue
                chunk, skip = chunk[skip:], 0
            yield chunk
    finally:
        with anyio.CancelScope(shield=True):
            close = getattr(chunks, "aclose", None)
            if close is not None:
                await close()
            await response.aclose()


@contextlib.contextmanager
def download_errors(transport: Transport, what: str, wait: float) -> Iterator[None]:
    """Time-box a step of a download and map its failures to typed errors."""
    try:
        with anyio.fail_after(wait):
            yield
    except httpx.HTTPError as exc:
        raise transport._redact_error(_transport_error(exc, what)) from None
    except builtins.TimeoutError:
        raise TimeoutError(f"{what} timed out (nothing received for {wait:g}s)") from None


def download_error(response: httpx.Response) -> LabelboxError:
    status = response.status_code
    err: LabelboxError
    if status == 429:
        err = ApiLimitError(f"download: 429 {response.reason_phrase}")
    elif status >= 500:
        err = InternalServerError(f"download: {status} {response.reason_phrase}")
    else:
        err = LabelboxError(f"download: {status} {response.reason_phrase}")
    err.status_code = status
    err.retry_after = parse_retry_after(response.headers.get("retry-after"))
    return err
