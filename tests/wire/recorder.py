"""Offline recorders of what the official SDK, or aiolabel, sends; answers come from a script.

The official SDK::

    from tests.wire.recorder import recording_client

    with recording_client() as (client, rec):
        client.get_project("proj1")
    [request] = rec.graphql()
    request.operation_name   # "GetProjectPyApi"
    request.variables        # {"param_0": "proj1"}

or, in pytest, the ``official_sdk`` fixture (import it into your conftest:
``from tests.wire.recorder import official_sdk  # noqa: F401``). The client's
``requests.Session.send`` is replaced, and ``requests.get`` (signed-URL downloads) and
``time.sleep`` (its fixed polling) are replaced for the duration; nothing leaves the process.

aiolabel (or any httpx client): ``rec.httpx_transport()`` is an ``httpx.MockTransport`` that
records into the same kind of :class:`Recorder` and answers from the same script, so both SDKs
can run one call against identical answers and ``tests.wire.compare.assert_same_calls`` can
compare the two request lists.

Every request is kept as a :class:`RecordedRequest`, in order, with headers minus
``Authorization``. Answers come from a :class:`Responder`: per operation name, a queue of scripted
bodies (``rec.respond("GetProjectPyApi", {"project": None})``) in front of the canned defaults of
``tests/wire/canned.py`` (shapes of wire doc §10.4). An operation with neither is answered with a
GraphQL error naming it and is listed in ``rec.unscripted``.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import urllib.parse
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

import graphql
import httpx
import pytest
import requests

from tests.wire import canned

API_KEY = "test-key"
REST_BASE = "/api/v1"
"""The path of the REST base (the official default is ``https://api.labelbox.com/api/v1``)."""
ENDPOINT = "http://recorder.invalid/graphql"

Json = Any
Answer = Json | Callable[["RecordedRequest"], Json]


@dataclass(frozen=True)
class MultipartPart:
    """One part of a multipart/form-data body."""

    name: str
    filename: str | None
    content_type: str | None
    content: bytes

    def text(self) -> str:
        return self.content.decode("utf-8")

    def json(self) -> Json:
        return json.loads(self.content)


@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request the official SDK made."""

    method: str
    url: str
    endpoint: str
    """``graphql`` (``/graphql``), ``_gql`` (``/_gql``), ``download`` (a plain GET of a URL) or
    ``rest`` (a call under ``/api/v1``: ``variables`` holds its JSON body, ``rest_path`` its path
    after ``/api/v1``)."""
    headers: Mapping[str, str]
    """Request headers, ``Authorization`` removed."""
    query: str | None
    """The GraphQL document (also for multipart uploads, taken from the ``operations`` part)."""
    variables: Json
    multipart: tuple[MultipartPart, ...] | None = None
    timeout: float | None = None

    @property
    def operation_name(self) -> str | None:
        return operation_name(self.query) if self.query is not None else None

    @property
    def rest_path(self) -> str:
        return urllib.parse.urlsplit(self.url).path.partition(REST_BASE)[2]

    @property
    def is_multipart(self) -> bool:
        return self.multipart is not None

    def part(self, name: str) -> MultipartPart:
        for p in self.multipart or ():
            if p.name == name:
                return p
        raise KeyError(name)


def operation_name(query: str) -> str | None:
    """The name of the single operation in a GraphQL document."""
    doc = graphql.parse(query, no_location=True)
    ops = [d for d in doc.definitions if isinstance(d, graphql.OperationDefinitionNode)]
    if len(ops) != 1 or ops[0].name is None:
        return None
    return ops[0].name.value


def _endpoint_kind(url: str) -> str:
    path = urllib.parse.urlsplit(url).path
    if path.endswith("/_gql"):
        return "_gql"
    if path.endswith("/graphql"):
        return "graphql"
    return "other"


def _parse_multipart(body: bytes, content_type: str) -> tuple[MultipartPart, ...]:
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("ascii") + b"\r\n\r\n" + body
    )
    parts = []
    for sub in message.iter_parts():
        disposition = sub.get("Content-Disposition", "")
        params = dict(sub.get_params(header="content-disposition") or [])
        payload = sub.get_payload(decode=True)
        parts.append(
            MultipartPart(
                name=str(params.get("name", "")),
                filename=params.get("filename") if "filename=" in disposition else None,
                content_type=sub.get("Content-Type"),
                content=payload if isinstance(payload, bytes) else b"",
            )
        )
    return tuple(parts)


def _response(status: int, body: bytes, url: str, content_type: str) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body
    response.url = url
    response.reason = {200: "OK", 404: "Not Found", 429: "Too Many Requests"}.get(status, "")
    response.headers["Content-Type"] = content_type
    response.encoding = "utf-8"
    return response


@dataclass
class Reply:
    """A scripted HTTP answer: a body that is JSON-encoded, with a status."""

    body: Json
    status: int = 200


class Responder:
    """Answers GraphQL requests per operation name: scripted queue first, then canned defaults."""

    def __init__(self) -> None:
        self._queues: dict[str, deque[Answer | Reply]] = defaultdict(deque)
        self._always: dict[str, Answer | Reply] = {}
        self.state = canned.CannedState()
        self.files: dict[str, bytes] = {}
        """Bodies served to plain GETs (downloads of signed URLs), by URL."""
        self.rest: dict[tuple[str, str], Reply] = {}
        """REST answers by ``(method, path after /api/v1)``; unscripted calls get a 404."""

    def respond(self, operation: str, data: Answer, *, times: int = 1) -> None:
        """Answer the next ``times`` requests of ``operation`` with ``{"data": data}``.

        ``data`` may be a callable taking the :class:`RecordedRequest`.
        """
        for _ in range(times):
            self._queues[operation].append(data)

    def respond_always(self, operation: str, data: Answer) -> None:
        """Answer every request of ``operation`` (after the queue is empty) with ``data``."""
        self._always[operation] = data

    def reply(self, operation: str, body: Json, status: int = 200) -> None:
        """Answer the next request of ``operation`` with a whole body (errors, limits, statuses)."""
        self._queues[operation].append(Reply(body, status))

    def answer(self, request: RecordedRequest) -> Reply | None:
        name = request.operation_name or ""
        if self._queues[name]:
            chosen: Answer | Reply = self._queues[name].popleft()
        elif name in self._always:
            chosen = self._always[name]
        else:
            default = canned.default_data(name, request.variables or {}, self.state)
            if default is canned.NO_DEFAULT:
                return None
            chosen = default
        if isinstance(chosen, Reply):
            return chosen
        data = chosen(request) if callable(chosen) else chosen
        return Reply({"data": data})


class Recorder(Responder):
    """Records every request of one official client and answers it."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self.requests: list[RecordedRequest] = []
        self.unscripted: list[str] = []
        self.sleeps: list[float] = []

    # -- views -----------------------------------------------------------------------------

    def graphql(self, name: str | None = None) -> list[RecordedRequest]:
        """GraphQL requests (JSON and multipart), optionally only those of operation ``name``."""
        with self._lock:
            out = [r for r in self.requests if r.query is not None]
        return [r for r in out if name is None or r.operation_name == name]

    def names(self) -> list[str | None]:
        """Operation names in the order sent."""
        return [r.operation_name for r in self.graphql()]

    def last(self, name: str) -> RecordedRequest:
        found = self.graphql(name)
        if not found:
            raise AssertionError(f"{name} was not sent; sent: {self.names()}")
        return found[-1]

    def downloads(self) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.endpoint == "download"]

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()
            self.unscripted.clear()
            self.sleeps.clear()

    # -- transport replacements --------------------------------------------------------------

    def _graphql(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes,
        timeout: Any,
    ) -> tuple[int, bytes]:
        """Record one GraphQL POST (JSON or multipart) and return the answer's status and body."""
        headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        parts: tuple[MultipartPart, ...] | None = None
        if content_type.startswith("multipart/"):
            parts = _parse_multipart(body, content_type)
            operations = next(p for p in parts if p.name == "operations").json()
            query, variables = operations.get("query"), operations.get("variables")
        else:
            envelope = json.loads(body)
            query, variables = envelope.get("query"), envelope.get("variables")
        request = RecordedRequest(
            method=method,
            url=url,
            endpoint=_endpoint_kind(url),
            headers=headers,
            query=query,
            variables=variables,
            multipart=parts,
            timeout=timeout,
        )
        with self._lock:
            self.requests.append(request)
        reply = self.answer(request)
        if reply is None:
            name = request.operation_name or "<unnamed>"
            with self._lock:
                self.unscripted.append(name)
            reply = Reply(
                {
                    "data": None,
                    "errors": [
                        {
                            "message": f"recorder: no answer scripted for {name}",
                            "extensions": {"code": "RECORDER_UNSCRIPTED"},
                        }
                    ],
                }
            )
        return reply.status, json.dumps(reply.body).encode()

    def _download(self, url: str, headers: Mapping[str, str], timeout: Any) -> tuple[int, bytes]:
        request = RecordedRequest(
            method="GET",
            url=url,
            endpoint="download",
            headers={k: v for k, v in headers.items() if k.lower() != "authorization"},
            query=None,
            variables=None,
            timeout=timeout,
        )
        with self._lock:
            self.requests.append(request)
        body = self.files.get(url, self.state.files.get(url))
        return (404, b"not found") if body is None else (200, body)

    # -- the official SDK's transport (requests) ------------------------------------------------

    def _rest(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, bytes]:
        """Record one REST call and answer it from :attr:`rest`."""
        request = RecordedRequest(
            method=method,
            url=url,
            endpoint="rest",
            headers={k: v for k, v in headers.items() if k.lower() != "authorization"},
            query=None,
            variables=json.loads(body) if body.strip() else None,
        )
        with self._lock:
            self.requests.append(request)
        reply = self.rest.get((method, request.rest_path))
        if reply is None:
            with self._lock:
                self.unscripted.append(f"{method} {request.rest_path}")
            reply = Reply({"message": "recorder: no answer scripted"}, 404)
        return reply.status, b"" if reply.body is None else json.dumps(reply.body).encode()

    def send(self, prepared: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        """Replacement for ``requests.Session.send`` of the official client."""
        url = str(prepared.url)
        body = prepared.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        if REST_BASE + "/" in urllib.parse.urlsplit(url).path:
            status, answer = self._rest(str(prepared.method), url, prepared.headers, body)
            return _response(status, answer, url, "application/json")
        status, answer = self._graphql(
            str(prepared.method), url, prepared.headers, body, kwargs.get("timeout")
        )
        return _response(status, answer, url, "application/json")

    def get(self, url: str, *args: Any, **kwargs: Any) -> requests.Response:
        """Replacement for ``requests.get`` (downloads of signed URLs, without auth)."""
        status, body = self._download(url, dict(kwargs.get("headers") or {}), kwargs.get("timeout"))
        content_type = "application/octet-stream" if status == 200 else "text/plain"
        return _response(status, body, url, content_type)

    def sleep(self, seconds: float) -> None:
        """Replacement for ``time.sleep``: remembered, not slept."""
        with self._lock:
            self.sleeps.append(seconds)

    # -- aiolabel's transport (httpx) ------------------------------------------------------------

    def httpx_transport(self) -> httpx.MockTransport:
        """An httpx transport (sync and async) that records into this recorder and answers.

        POSTs to a GraphQL endpoint are recorded as GraphQL requests; GETs as downloads.
        """

        def handle(request: httpx.Request) -> httpx.Response:
            url = str(request.url)
            timeout = request.extensions.get("timeout")
            if REST_BASE + "/" in request.url.path:
                status, body = self._rest(request.method, url, request.headers, request.content)
            elif request.method == "GET":
                status, body = self._download(url, request.headers, timeout)
            else:
                status, body = self._graphql(
                    request.method, url, request.headers, request.content, timeout
                )
            return httpx.Response(
                status, content=body, headers={"Content-Type": "application/json"}
            )

        return httpx.MockTransport(handle)


@contextlib.contextmanager
def recording_client(
    recorder: Recorder | None = None, *, endpoint: str = ENDPOINT
) -> Iterator[tuple[Any, Recorder]]:
    """A ``labelbox.Client`` whose HTTP goes to a :class:`Recorder`, for the ``with`` block."""
    import labelbox

    rec = recorder if recorder is not None else Recorder()
    client = labelbox.Client(api_key=API_KEY, endpoint=endpoint)
    session = client._request_client._connection
    saved_get, saved_sleep = requests.get, time.sleep
    session.send = rec.send  # type: ignore[method-assign]
    requests.get = rec.get  # type: ignore[assignment]
    time.sleep = rec.sleep
    try:
        yield client, rec
    finally:
        requests.get = saved_get
        time.sleep = saved_sleep
        session.close()


@dataclass
class OfficialSDK:
    """An official ``labelbox.Client`` wired to a recorder."""

    client: Any
    recorder: Recorder


@pytest.fixture
def official_sdk() -> Iterator[OfficialSDK]:
    """The official SDK, offline: ``official_sdk.client`` and what it sent, ``.recorder``."""
    with recording_client() as (client, recorder):
        yield OfficialSDK(client, recorder)
