"""The one place that speaks HTTP: one shared ``httpx.AsyncClient``, headers, GraphQL POST,
multipart ``uploadFile``, downloads of signed URLs, and the mapping of failures to typed errors.

Every request passes through the same three gates, in this order: the retry policy
(:mod:`aiolabel._retry`) around each attempt; then, per attempt, the optional rate limit
(:mod:`aiolabel._ratelimit`) and the client's concurrency limiter (``anyio.CapacityLimiter``).
Downloads of signed URLs take no limiter slot and no rate-limit token (they are not API calls, and
a caller may make API calls while consuming a download); the connection pool has headroom for them.

Any httpx transport can be plugged in (``transport=httpx.MockTransport(...)``, an ASGI transport,
respx). ``transport="aiohttp"`` uses httpx-aiohttp (the ``aiolabel[aiohttp]`` extra), ``"httpx"``
httpx's own. The default (``None``) is ``"aiohttp"`` when httpx-aiohttp is installed, else
``"httpx"`` (see :func:`default_transport`): on httpx's own pool every request costs several
times the CPU (encode/httpx#3215).

On the aiohttp transport, API requests (GraphQL, REST, ``uploadFile``) skip httpx's request and
response objects, which cost more CPU than the rest of a request: :meth:`Transport._send` hands
them to the aiohttp session behind httpx-aiohttp's transport, with the headers httpx would send,
the same timeouts, and aiohttp's failures mapped by httpx-aiohttp to httpx's errors, so both
routes meet the same gates, error mapping and redaction. Downloads go through httpx on the same
session (one connection pool).
"""

from __future__ import annotations

import asyncio
import builtins
import functools
import json
import logging
import math
import sys
import time
import urllib.parse
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeAlias

import anyio
import httpx

from aiolabel._content import (
    STREAM_CHUNK,
    Multipart,
    RawJSON,
    UploadContent,
    encode_json,
    encode_variables,
    encode_variables_parts,
    guess_content_type,
    parts_once,
    prepare_upload,
    split_lines,
)
from aiolabel._download import _transport_error, download_once
from aiolabel._loop import LoopGuard
from aiolabel._messages import wrong_endpoint
from aiolabel._retry import Reconcile, RetryPolicy
from aiolabel._secrets import redact
from aiolabel._timeouts import attempt_cap, http_timeout
from aiolabel._version import __version__
from aiolabel.errors import (
    InputError,
    InputTypeError,
    LabelboxError,
    ResourceNotFoundError,
    TimeoutError,
    error_from_response,
    rest_error,
)

if TYPE_CHECKING:
    import aiohttp
    from httpx_aiohttp import AiohttpTransport

__all__ = [
    "UPLOAD_FILE_DOCUMENT",
    "RawJSON",
    "Transport",
    "TransportOption",
    "UploadContent",
    "default_transport",
    "encode_variables",
    "experimental_endpoint",
    "guess_content_type",
    "python_version_info",
    "split_lines",
]

logger = logging.getLogger("aiolabel.transport")

USER_AGENT = f"aiolabel {__version__}"

UPLOAD_FILE_DOCUMENT = (
    "mutation UploadFile($file: Upload!, $contentLength: Int!, $sign: Boolean) "
    "{ uploadFile(file: $file, contentLength: $contentLength, sign: $sign) {url filename} }"
)
"""The official ``uploadFile`` document (whitespace collapsed)."""

TransportOption: TypeAlias = httpx.AsyncBaseTransport | Literal["httpx", "aiohttp"] | None


UPLOAD_BYTES_PER_SECOND = 256 * 1024
"""The slowest upload rate an attempt's time cap allows for (see ``Transport._total``)."""


@functools.cache
def default_transport() -> Literal["httpx", "aiohttp"]:
    """What ``transport=None`` means: ``"aiohttp"`` when httpx-aiohttp can be imported."""
    try:
        import httpx_aiohttp  # noqa: F401
    except ImportError:
        return "httpx"
    return "aiohttp"


def check_transport_option(option: object) -> TransportOption:
    """``option`` if it names a usable transport: ``None`` (the default), ``"httpx"``,
    ``"aiohttp"`` (needs the ``aiolabel[aiohttp]`` extra) or an ``httpx.AsyncBaseTransport``."""
    if isinstance(option, httpx.AsyncBaseTransport) or option is None or option == "httpx":
        return option
    if option == "aiohttp":
        if default_transport() != "aiohttp":
            raise InputError('transport="aiohttp" needs the extra: pip install "aiolabel[aiohttp]"')
        return "aiohttp"
    raise InputTypeError("transport must be an httpx.AsyncBaseTransport, 'httpx' or 'aiohttp'")


def python_version_info() -> str:
    """``3.11.7-final``, the official ``X-Python-Version`` value."""
    v = sys.version_info
    return f"{v.major}.{v.minor}.{v.micro}-{v.releaselevel}"


def experimental_endpoint(endpoint: str) -> str:
    """The experimental endpoint: every ``/graphql`` replaced by ``/_gql``, as the SDK does."""
    return endpoint.replace("/graphql", "/_gql")


class Answer(NamedTuple):
    """What the error mapping needs of one HTTP answer, whichever library received it."""

    status: int
    reason: str
    retry_after: str | None
    body: bytes
    url: str


def _header_value(name: str, value: str) -> str:
    if not isinstance(value, str):
        raise InputTypeError(f"{name} must be a str")
    if any(c in value for c in "\r\n\x00") or not value.isascii():
        raise InputError(f"{name} must be printable ASCII")
    return value


class Transport:
    """HTTP for one client. Create through :class:`aiolabel.AsyncClient`, not directly."""

    def __init__(
        self,
        *,
        api_key: str,
        endpoint: str,
        timeout: float | httpx.Timeout | None,
        retry: RetryPolicy,
        limiter: anyio.CapacityLimiter,
        rate_limiter: Any = None,
        transport: TransportOption = None,
        max_connections: int = 20,
    ) -> None:
        self._api_key = api_key
        self._authorization = f"Bearer {api_key}"
        self._sdk_methods: set[str] = set()
        """``X-SDK-Method`` values already checked (the SDK's are a fixed set)."""
        self.endpoint = endpoint
        self.timeout = timeout
        self.retry = retry
        self.limiter = limiter
        self.rate_limiter = rate_limiter
        self._transport_option = check_transport_option(transport)
        self._max_connections = max_connections
        self._http: httpx.AsyncClient | None = None
        self._closed = False
        self.loop_guard = LoopGuard()
        self._urls: dict[bool, httpx.URL] = {}
        """The endpoint and the experimental endpoint, parsed once (not per request)."""
        self._timeouts: dict[float, httpx.Timeout] = {}
        self._aiohttp: AiohttpTransport | None = None
        """The aiohttp transport (``transport="aiohttp"``): API requests use its session
        directly (see :meth:`_send`); downloads go through httpx over the same session."""
        self._aiohttp_session: aiohttp.ClientSession | None = None
        self._aiohttp_errors: Callable[[], AbstractContextManager[None]] | None = None
        self._aiohttp_headers: dict[str, str] = {}
        self._aiohttp_timeouts: dict[tuple[float | None, ...], aiohttp.ClientTimeout] = {}

    def __repr__(self) -> str:
        return f"Transport(endpoint={self.endpoint!r}, transport={self.kind!r})"

    @property
    def kind(self) -> str:
        """``"httpx"``, ``"aiohttp"``, or the class name of a transport given as an object."""
        option = self._transport_option
        if option is None:
            return default_transport()
        return option if isinstance(option, str) else type(option).__name__

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def http(self) -> httpx.AsyncClient:
        """The shared ``httpx.AsyncClient``, created on first use."""
        if self._closed:
            raise LabelboxError("this client is closed")
        self.loop_guard.check()
        if self._http is None:
            self._http = self._build_http()
        return self._http

    def _build_http(self) -> httpx.AsyncClient:
        # Room for downloads (which take no limiter slot) on top of the API requests.
        limits = httpx.Limits(
            max_connections=self._max_connections * 2,
            max_keepalive_connections=self._max_connections,
        )
        option = self._transport_option or default_transport()
        transport: httpx.AsyncBaseTransport | None
        if option == "httpx":
            transport = None
        elif option == "aiohttp":
            from httpx_aiohttp import AiohttpTransport  # checked by check_transport_option
            from httpx_aiohttp.transport import map_aiohttp_exceptions

            transport = self._aiohttp = AiohttpTransport(limits=limits)
            self._aiohttp_errors = map_aiohttp_exceptions
        else:
            transport = option
        http = httpx.AsyncClient(
            transport=transport,
            limits=limits,
            timeout=http_timeout(self.timeout),
            headers={"X-User-Agent": USER_AGENT, "X-Python-Version": python_version_info()},
            follow_redirects=False,
        )
        # The headers httpx would send on every request, for the requests sent with aiohttp
        # directly; aiohttp decompresses what it receives, so it says which encodings it takes.
        self._aiohttp_headers = {
            name.decode("latin-1"): value.decode("latin-1")
            for name, value in http.headers.raw
            if name.lower() != b"accept-encoding"
        }
        return http

    async def aclose(self) -> None:
        self._closed = True
        if self._http is not None:
            http, self._http = self._http, None
            await http.aclose()
        if self._aiohttp is not None:
            aio, self._aiohttp, self._aiohttp_session = self._aiohttp, None, None
            await aio.aclose()  # its session, also when only direct requests used it

    @property
    def closed(self) -> bool:
        return self._closed

    # -- helpers -----------------------------------------------------------------------------

    def redact(self, text: str) -> str:
        """``text`` with the API key masked (server messages could echo it)."""
        return redact(text, self._api_key)

    def _redact_error(self, err: LabelboxError) -> LabelboxError:
        key = self._api_key
        if not key:
            return err
        err.message = self.redact(err.message)
        if err.cause is not None:
            cause = str(err.cause)
            if self.redact(repr(err.cause)) != repr(err.cause) or self.redact(cause) != cause:
                err.cause = self.redact(cause)
        err.args = tuple(
            self.redact(str(a)) if a is not None and self.redact(str(a)) != str(a) else a
            for a in err.args
        )
        return err

    def _auth_headers(self, sdk_method: str) -> dict[str, str]:
        if type(sdk_method) is not str or sdk_method not in self._sdk_methods:
            _header_value("sdk_method", sdk_method)
            if len(self._sdk_methods) < 4096:
                self._sdk_methods.add(sdk_method)
        return {"Authorization": self._authorization, "X-SDK-Method": sdk_method}

    def _timeout(self, timeout: float | None) -> httpx.Timeout:
        if timeout is None:  # the client's: seconds, an httpx.Timeout, or None (no timeout)
            if self.timeout is None or isinstance(self.timeout, httpx.Timeout):
                return http_timeout(self.timeout)
            timeout = self.timeout
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
            raise InputError("timeout must be a positive number of seconds")
        made = self._timeouts.get(timeout)
        if made is None:
            made = self._timeouts[timeout] = httpx.Timeout(timeout)
        return made

    def _graphql_url(self, experimental: bool) -> httpx.URL:
        url = self._urls.get(experimental)
        if url is None:
            text = experimental_endpoint(self.endpoint) if experimental else self.endpoint
            url = self._urls[experimental] = httpx.URL(text)
        return url

    @staticmethod
    def _total(http_timeout: httpx.Timeout, body_bytes: int = 0) -> float:
        """The cap on one attempt, from sending to the last byte of the answer: the timeout,
        plus a second per 256 KiB of body for uploads. httpx times each phase (connect, each
        read and write) on its own, and in-process transports apply none of them."""
        return attempt_cap(http_timeout, body_bytes / UPLOAD_BYTES_PER_SECOND)

    def _map(self, answer: Answer, error_log_key: str) -> tuple[LabelboxError | None, Any]:
        err, parsed = error_from_response(
            answer.status,
            answer.reason,
            answer.body,
            retry_after=answer.retry_after,
            error_log_key=error_log_key,
            redact=self.redact,
        )
        if err is None:
            return None, parsed
        if err.retry_after is not None and err.status_code == 429 and self.rate_limiter:
            self.rate_limiter.pause(err.retry_after)
        if err.status_code == 404 and parsed is None:
            err = wrong_endpoint(err, answer.url)
        return self._redact_error(err), parsed

    async def _send(
        self,
        method: str,
        url: httpx.URL,
        *,
        content: Any,
        headers: dict[str, str],
        http_timeout: httpx.Timeout,
        what: str,
        total: float,
    ) -> Answer:
        """One attempt of an API request (GraphQL, REST, upload) under the rate limit and the
        limiter, capped at ``total`` seconds; transport failures become typed errors.

        On the aiohttp transport the request goes to its aiohttp session directly: httpx's
        request and response objects would cost more CPU than the request itself. The session,
        headers, timeouts and error mapping are the ones the httpx route uses.
        """
        started = time.perf_counter()
        self.loop_guard.check()  # before the limiter, which belongs to the client's loop too
        if self.rate_limiter is not None:
            await self.rate_limiter.acquire()
        limiter = self.limiter
        try:
            limiter.acquire_nowait()  # a free slot: no checkpoint (the request awaits anyway)
        except anyio.WouldBlock:
            await limiter.acquire()
        try:
            if self.loop_guard.on_asyncio:
                # asyncio's own timer: an anyio cancel scope costs about as much CPU as the
                # rest of the attempt on the aiohttp transport.
                async with asyncio.timeout(None if total == math.inf else total):
                    answer = await self._request(method, url, content, headers, http_timeout)
            else:
                with anyio.fail_after(total):
                    answer = await self._request(method, url, content, headers, http_timeout)
        except httpx.HTTPError as exc:
            logger.debug("%s: %s", what, type(exc).__name__)
            raise self._redact_error(_transport_error(exc, what, url)) from None
        except builtins.TimeoutError:
            logger.debug("%s: no complete answer in %.1fs", what, total)
            raise TimeoutError(f"{what} timed out (no complete answer in {total:g}s)") from None
        finally:
            limiter.release()
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s -> %d in %.3fs", what, answer.status, time.perf_counter() - started)
        return answer

    async def _request(
        self,
        method: str,
        url: httpx.URL,
        content: Any,
        headers: dict[str, str],
        http_timeout: httpx.Timeout,
    ) -> Answer:
        http = self._http or self.http  # (aclose() clears _http as it closes)
        if self._aiohttp is not None:
            return await self._send_aiohttp(method, url, content, headers, http_timeout)
        response = await http.request(
            method, url, content=content, headers=headers, timeout=http_timeout
        )
        return Answer(
            response.status_code,
            response.reason_phrase,
            response.headers.get("retry-after"),
            response.content,
            str(response.url),
        )

    def _open_aiohttp_session(self) -> aiohttp.ClientSession:
        """The aiohttp transport's session, created as it creates it (on first use, in the
        running loop) and shared with it."""
        from aiohttp import ClientSession

        aio = self._aiohttp
        assert aio is not None
        session = aio.client if isinstance(aio.client, ClientSession) else aio.get_client()
        aio.client = self._aiohttp_session = session
        return session

    async def _send_aiohttp(
        self,
        method: str,
        url: httpx.URL,
        content: Any,
        headers: dict[str, str],
        http_timeout: httpx.Timeout,
    ) -> Answer:
        """:meth:`_send`'s request on the aiohttp session, as httpx-aiohttp would send it
        (same headers, timeouts, no redirects); aiohttp failures as httpx's errors."""
        errors = self._aiohttp_errors
        assert errors is not None
        session = self._aiohttp_session or self._open_aiohttp_session()
        merged = {**self._aiohttp_headers, **headers}  # one spelling of each name (tested)
        key = (http_timeout.connect, http_timeout.read, http_timeout.pool)
        timeout = self._aiohttp_timeouts.get(key)
        if timeout is None:
            import aiohttp

            timeout = self._aiohttp_timeouts[key] = aiohttp.ClientTimeout(
                sock_connect=http_timeout.connect,
                sock_read=http_timeout.read,
                connect=http_timeout.pool,
            )
        text = str(url)
        try:
            async with session.request(
                method, text, data=content, headers=merged, allow_redirects=False, timeout=timeout
            ) as response:
                body = await response.read()
        except Exception:
            with errors():  # entered only on failure: the mapping re-raises it as httpx's
                raise
        return Answer(
            response.status, response.reason or "", response.headers.get("Retry-After"), body, text
        )

    # -- GraphQL -----------------------------------------------------------------------------

    async def graphql(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        sdk_method: str,
        experimental: bool = False,
        timeout: float | None = None,  # noqa: ASYNC109 - an HTTP timeout, per request
        retry_safe: bool = True,
        expect_one: bool = False,
        reconcile: Reconcile | None = None,
        error_log_key: str = "message",
        name: str = "",
    ) -> dict[str, Any]:
        """POST a GraphQL document and return its ``data`` (retried per the policy).

        RESOURCE_NOT_FOUND raises :class:`ResourceNotFoundError` when ``expect_one``; otherwise
        the response's ``data`` is returned as is (the missing object is ``null`` in it, or the
        result is ``{}`` when the server sent no data at all).
        """
        if not isinstance(query, str) or not query or query.isspace():  # (strip() copies)
            raise InputError("query must be a non-empty str")
        parts = encode_variables_parts(query, variables)
        size = sum(map(len, parts))
        body = b"".join(parts) if size <= STREAM_CHUNK else b""
        url = self._graphql_url(experimental)
        headers = self._auth_headers(sdk_method)
        headers["Content-Type"] = "application/json"
        headers["Accept"] = "application/json"
        http_timeout = self._timeout(timeout)
        what = f"GraphQL {name or 'request'}"

        total = self._total(http_timeout)

        if size > STREAM_CHUNK:
            # httpx keeps each request in a reference cycle with its response, so a body given
            # as bytes lives until the garbage collector runs; a stream is released as sent.
            # Sent part by part: a large RawJSON value is never copied into one body.
            headers["Content-Length"] = str(size)

        async def attempt() -> dict[str, Any]:
            answer = await self._send(
                "POST",
                url,
                content=parts_once(parts) if size > STREAM_CHUNK else body,
                headers=headers,
                http_timeout=http_timeout,
                what=what,
                total=total,
            )
            err, parsed = self._map(answer, error_log_key)
            if err is not None:
                if not isinstance(err, ResourceNotFoundError) or expect_one:
                    raise err
                logger.debug("%s: RESOURCE_NOT_FOUND, returning the data with nulls", what)
            data = parsed.get("data") if isinstance(parsed, Mapping) else None
            return data if isinstance(data, dict) else {}

        return await self.retry.call(attempt, retry_safe=retry_safe, reconcile=reconcile, what=what)

    # -- REST --------------------------------------------------------------------------------

    async def rest(
        self,
        method: str,
        url: str,
        *,
        json_body: Any = None,
        sdk_method: str,
        expected: int,
        retry_safe: bool,
        timeout: float | None = None,  # noqa: ASYNC109 - an HTTP timeout, per request
    ) -> Any:
        """Send one REST request (JSON body when ``json_body`` is not None) under the same
        limiter, retry policy, auth header and redaction as GraphQL; the parsed JSON answer
        (``None`` when empty) when the status is ``expected``, else a typed error."""
        headers = self._auth_headers(sdk_method)
        headers["Accept"] = "application/json"
        content = None
        if json_body is not None:
            content = encode_json(json_body)
            headers["Content-Type"] = "application/json"
        http_timeout = self._timeout(timeout)
        total = self._total(http_timeout)
        what = f"REST {method} {urllib.parse.urlsplit(url).path}"
        target = httpx.URL(url)

        async def attempt() -> Any:
            answer = await self._send(
                method,
                target,
                content=content,
                headers=headers,
                http_timeout=http_timeout,
                what=what,
                total=total,
            )
            raw = answer.body
            if answer.status != expected:
                err = rest_error(
                    answer.status,
                    answer.reason,
                    raw,
                    retry_after=answer.retry_after,
                    redact=self.redact,
                )
                if err.status_code == 429 and err.retry_after is not None and self.rate_limiter:
                    self.rate_limiter.pause(err.retry_after)
                raise self._redact_error(err)
            if not raw.strip():
                return None
            try:
                return json.loads(raw)
            except ValueError:
                raise LabelboxError(f"{what}: the answer is not JSON") from None

        return await self.retry.call(attempt, retry_safe=retry_safe, what=what)

    # -- uploads -----------------------------------------------------------------------------

    async def upload(
        self,
        content: UploadContent,
        *,
        filename: str | None = None,
        content_type: str | None = None,
        sign: bool = False,
        sdk_method: str = "Client:upload_data",
        timeout: float | None = None,  # noqa: ASYNC109 - an HTTP timeout, per request
    ) -> str:
        """Upload ``content`` with ``uploadFile`` (GraphQL multipart spec) and return its URL.

        The body is streamed with an exact ``Content-Length`` and ``contentLength`` is the byte
        length (the official SDK sends the character count of a str). The file part is named
        ``filename`` with ``Content-Type: content_type`` when both are given, else ``"1"`` with no
        type, as the official SDK does. Retried like an idempotent request (a repeat only leaves
        an unused file behind).
        """
        if filename is not None and not isinstance(filename, str):
            raise InputTypeError("filename must be a str")
        if content_type is not None and not isinstance(content_type, str):
            raise InputTypeError("content_type must be a str")
        if not isinstance(sign, bool):
            raise InputTypeError("sign must be a bool")
        upload = await prepare_upload(content)
        try:
            operations = json.dumps(
                {
                    "variables": {"file": None, "contentLength": upload.length, "sign": sign},
                    "query": UPLOAD_FILE_DOCUMENT,
                }
            ).encode("utf-8")
            if filename and content_type:
                part_name, part_type = filename, content_type
            else:
                part_name, part_type = "1", None
            headers = self._auth_headers(sdk_method)
            http_timeout = self._timeout(timeout)

            async def attempt() -> str:
                body = Multipart(operations, upload, part_name, part_type)
                headers["Content-Type"] = body.content_type
                headers["Content-Length"] = str(body.length)
                answer = await self._send(
                    "POST",
                    self._graphql_url(False),
                    content=body.stream(),
                    headers=headers,
                    http_timeout=http_timeout,
                    what="uploadFile",
                    total=self._total(http_timeout, body.length),
                )
                err, parsed = self._map(answer, "message")
                if err is not None:
                    raise err
                try:
                    url = parsed["data"]["uploadFile"]["url"]
                except (KeyError, TypeError):
                    url = None
                if not isinstance(url, str):
                    raise LabelboxError("uploadFile returned no url")
                return url

            return await self.retry.call(attempt, retry_safe=True, what="uploadFile")
        finally:
            if upload.cleanup is not None:
                upload.cleanup()

    # -- downloads ---------------------------------------------------------------------------

    async def download(
        self,
        url: str,
        *,
        timeout: float | None = 30.0,  # noqa: ASYNC109 - an HTTP timeout, per request
        expected_length: int | None = None,
    ) -> AsyncIterator[bytes]:
        """Stream the body of a signed URL (GET, no Authorization header), retried.

        A failure midway resumes where it stopped (``Range`` when the server honours it, else
        by skipping what was already yielded), so no byte is yielded twice. With
        ``expected_length`` a body of any other length raises :class:`LabelboxError`.
        """
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise InputError("a download URL must be an http(s) URL")
        if expected_length is not None and (
            isinstance(expected_length, bool)
            or not isinstance(expected_length, int)
            or expected_length < 0
        ):
            raise InputError("expected_length must be a non-negative int")
        http_timeout = self._timeout(timeout)
        what = "download"
        received = 0
        attempt = 0
        started = self.retry.clock()
        while True:
            attempt += 1
            try:
                async for chunk in download_once(
                    self, url, received, http_timeout, what, expected_length
                ):
                    received += len(chunk)
                    yield chunk
                break
            except LabelboxError as exc:
                exc.attempts = attempt
                delay = self.retry.next_delay(exc, attempt, started, retry_safe=True)
                if delay is None:
                    raise
                logger.info(
                    "%s failed (%s); retry %d in %.2fs", what, type(exc).__name__, attempt, delay
                )
                await self.retry.sleep(delay)
        if expected_length is not None and received != expected_length:
            raise LabelboxError(f"download: expected {expected_length} bytes, got {received}")

    def download_lines(
        self,
        url: str,
        *,
        timeout: float | None = 30.0,
        expected_length: int | None = None,
    ) -> AsyncIterator[str]:
        """:meth:`download` split into lines (see :func:`split_lines`)."""
        return split_lines(self.download(url, timeout=timeout, expected_length=expected_length))
