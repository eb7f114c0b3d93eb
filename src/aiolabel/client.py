"""AsyncClient: configuration, lifecycle, and the request entry points every operation uses.

Resource code (Project, Dataset, DataRow methods) is a thin composition of these internal entry
points; they are the contract between the foundation and the resources:

* :meth:`AsyncClient._execute_operation` — one GraphQL operation: validation of variables,
  retry policy (``Operation.retry_safe``), rate limit, concurrency limiter, error mapping.
* :meth:`AsyncClient._get_one` — one object at a path, :class:`ResourceNotFoundError` if null.
* :meth:`AsyncClient._paginate_offset` / :meth:`AsyncClient._paginate_cursor` — the paginator.
* :meth:`AsyncClient._run_chunks` — the chunk runner, bounded by the client's ``max_concurrency``.
* :meth:`AsyncClient._download` / :meth:`AsyncClient._download_lines` — signed-URL downloads.
* :meth:`AsyncClient.upload_data` / :meth:`AsyncClient.upload_file` — ``uploadFile``.
* :meth:`AsyncClient._current_user_id` / :meth:`AsyncClient._organization_id` — cached ids.
* :meth:`AsyncClient._fetch_task`, :meth:`AsyncClient.get_task_by_id`,
  :meth:`AsyncClient.wait_for_tasks` — tasks, with one shared polling loop.
"""

from __future__ import annotations

import ipaddress
import os
import pathlib
import re
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Mapping,
    Sequence,
)
from functools import cached_property
from types import TracebackType
from typing import Any, TypeVar

import anyio

from aiolabel import _concurrency
from aiolabel._client_catalog import CatalogMethods
from aiolabel._client_projects import ProjectMethods
from aiolabel._operations import Operation
from aiolabel._operations import tasks as task_ops
from aiolabel._operations import users as user_ops
from aiolabel._ratelimit import RateLimiter
from aiolabel._reconcile import TaskLedger
from aiolabel._resources.annotation_imports import AnnotationImports
from aiolabel._resources.labels import Labels
from aiolabel._retry import Reconcile, RetryPolicy, RetryStats
from aiolabel._secrets import is_labelbox_host
from aiolabel._transport import (
    Transport,
    TransportOption,
    UploadContent,
    check_transport_option,
    guess_content_type,
)
from aiolabel.errors import (
    AuthenticationError,
    InputError,
    InputTypeError,
    LabelboxError,
    ResourceNotFoundError,
)
from aiolabel.models.task import POLL_INTERVAL, Task, TaskPoller, refresh_tasks
from aiolabel.models.user import Organization, User
from aiolabel.pagination import CursorPaginator, OffsetPaginator, dig

__all__ = ["DEFAULT_APP_URL", "DEFAULT_ENDPOINT", "DEFAULT_REST_ENDPOINT", "AsyncClient"]

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_ENDPOINT = "https://api.labelbox.com/graphql"
DEFAULT_REST_ENDPOINT = "https://api.labelbox.com/api/v1"
DEFAULT_APP_URL = "https://app.labelbox.com"
API_KEY_ENV = "LABELBOX_API_KEY"
ENDPOINT_ENV = "LABELBOX_ENDPOINT"

EMULATOR_KEY_PREFIX = "lbemu_"
"""The aiolabel emulator's keys start with this; they are never sent to Labelbox itself."""

_OPERATION_NAME = re.compile(r"\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)")


def _url(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise InputTypeError(f"{name} must be a str, got {type(value).__name__}")
    if not value.startswith(("http://", "https://")) or len(value) < 9:
        raise InputError(f"{name} must be an http(s) URL")
    return value.rstrip("/") if name != "endpoint" else value


def is_loopback(host: str) -> bool:
    """True for hosts that resolve to this machine: 127.0.0.0/8, ::1, localhost, *.localhost."""
    host = host.lower().rstrip(".").strip("[]")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _in_memory(transport: object) -> bool:
    """Transports that never open a connection (a mock, an ASGI app in this process)."""
    import httpx

    return isinstance(transport, httpx.MockTransport | httpx.ASGITransport)


def _check_key_destination(
    api_key: str, endpoint: str, transport: object, allow_insecure_http: bool
) -> None:
    """Refuse to send the key where it could be read or where it does not belong."""
    import httpx

    try:
        host = httpx.URL(endpoint).host
    except httpx.InvalidURL as exc:
        raise InputError(f"endpoint {endpoint!r} is not a valid URL: {exc}") from None
    plain = endpoint.startswith("http://") and not allow_insecure_http
    if plain and not is_loopback(host) and not _in_memory(transport):
        raise InputError(
            f"refusing to send the API key over plain http to {host!r}: use an https "
            "endpoint, or pass allow_insecure_http=True if this network is trusted"
        )
    if is_labelbox_host(host) and api_key.startswith(EMULATOR_KEY_PREFIX):
        raise AuthenticationError(
            f"this API key is an aiolabel emulator key ({EMULATOR_KEY_PREFIX}...); it is not "
            f"sent to {host}: set the emulator's endpoint, or use a Labelbox API key"
        )


def _number(name: str, value: object, *, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputTypeError(f"{name} must be a number, got {type(value).__name__}")
    if not low < value <= high:
        raise InputError(f"{name} must be more than {low:g} and at most {high:g}")
    return float(value)


def _integer(name: str, value: object, *, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputTypeError(f"{name} must be an int, got {type(value).__name__}")
    if not low <= value <= high:
        raise InputError(f"{name} must be between {low} and {high}")
    return value


def _id(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise InputTypeError(f"{name} must be a str, got {type(value).__name__}")
    if not value.strip():
        raise InputError(f"{name} must not be empty")
    if len(value) > 1000:
        raise InputError(f"{name} is too long")
    return value


class AsyncClient(CatalogMethods, ProjectMethods):
    """An asyncio client for the Labelbox API.

    ``async with AsyncClient() as client:`` opens one shared ``httpx.AsyncClient`` and closes it
    at the end (``await client.aclose()`` does the same). The API key comes from ``api_key`` or
    ``LABELBOX_API_KEY`` (missing: :class:`AuthenticationError`), the endpoint from ``endpoint``
    or ``LABELBOX_ENDPOINT``.

    * ``timeout``: seconds per HTTP request (operations with an official timeout use theirs);
    * ``max_retries``, ``retry_deadline``: the retry policy's bounds (see :mod:`aiolabel._retry`);
    * ``max_concurrency``: requests in flight at once, across everything this client does; the
      connection pool is sized from it;
    * ``requests_per_minute``: optional client-side rate limit (token bucket);
    * ``task_poll_interval``: the longest pause between two polls of a task while few tasks are
      awaited (0.3 s; a wait starts at 0.1 s, and many tasks or a long wait lengthen the pause,
      see :func:`aiolabel.models.task.poll_cap`);
    * ``transport``: an ``httpx.AsyncBaseTransport`` (tests, ASGI apps; it brings its own pool),
      ``"aiohttp"`` (httpx-aiohttp, the ``aiolabel[aiohttp]`` extra) or ``"httpx"`` (httpx's own
      pool). ``None`` (default) picks ``"aiohttp"`` when httpx-aiohttp is installed, else
      ``"httpx"`` (``client.transport_kind`` says which);
    * ``allow_insecure_http``: the key is refused over plain ``http://`` to any host but this
      machine (127.0.0.0/8, ::1, localhost, ``*.localhost``) unless this is True. TLS
      certificates are always verified. An emulator key (``lbemu_...``) is never sent to
      ``*.labelbox.com``.
    """

    def __init__(
        self,
        api_key: str | None = None,
        endpoint: str | None = None,
        *,
        rest_endpoint: str = DEFAULT_REST_ENDPOINT,
        app_url: str = DEFAULT_APP_URL,
        timeout: float = 60.0,
        max_retries: int = 5,
        max_concurrency: int = 20,
        requests_per_minute: float | None = None,
        transport: TransportOption = None,
        retry_deadline: float = 120.0,
        allow_insecure_http: bool = False,
        task_poll_interval: float = POLL_INTERVAL,
    ) -> None:
        if api_key is None:
            api_key = os.environ.get(API_KEY_ENV)
        if api_key is None or (isinstance(api_key, str) and not api_key.strip()):
            raise AuthenticationError("Labelbox API key not provided")
        if not isinstance(api_key, str):
            raise InputTypeError(f"api_key must be a str, got {type(api_key).__name__}")
        if any(c in api_key for c in "\r\n\x00") or not api_key.isascii():
            raise InputError("api_key must be printable ASCII")
        if endpoint is None:
            endpoint = os.environ.get(ENDPOINT_ENV) or DEFAULT_ENDPOINT
        self.endpoint = _url("endpoint", endpoint)
        if not isinstance(allow_insecure_http, bool):
            raise InputTypeError("allow_insecure_http must be a bool")
        self.rest_endpoint = _url("rest_endpoint", rest_endpoint)
        self.app_url = _url("app_url", app_url)
        self.timeout = _number("timeout", timeout, low=0, high=3600)
        self.max_concurrency = _integer("max_concurrency", max_concurrency, low=1, high=10_000)
        self.task_poll_interval = _number(
            "task_poll_interval", task_poll_interval, low=0, high=3600
        )
        transport = check_transport_option(transport)
        _check_key_destination(api_key, self.endpoint, transport, allow_insecure_http)
        self._retry = RetryPolicy(max_retries=max_retries, deadline=retry_deadline)
        self._rate_limiter = (
            None if requests_per_minute is None else RateLimiter(requests_per_minute)
        )
        self._limiter = anyio.CapacityLimiter(self.max_concurrency)
        self._transport = Transport(
            api_key=api_key,
            endpoint=self.endpoint,
            timeout=self.timeout,
            retry=self._retry,
            limiter=self._limiter,
            rate_limiter=self._rate_limiter,
            transport=transport,
            max_connections=self.max_concurrency,
        )
        self._user_id: str | None = None
        self._org_id: str | None = None
        self._id_lock: anyio.Lock | None = None
        self._cancelable_types: list[str] | None = None
        self._poller = TaskPoller(self._refresh_same_tasks, interval=self.task_poll_interval)
        self._task_ledger = TaskLedger()

    def __repr__(self) -> str:
        return (
            f"AsyncClient(endpoint={self.endpoint!r}, max_concurrency={self.max_concurrency}, "
            f"max_retries={self._retry.max_retries})"
        )

    # -- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> AsyncClient:
        self._transport.http  # noqa: B018 - opens the shared httpx client now
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool and fail any pending task waits. Idempotent."""
        await self._poller.aclose()
        if "_annotation_imports" in self.__dict__:
            await self._annotation_imports._poller.aclose()
        await self._transport.aclose()

    @property
    def closed(self) -> bool:
        return self._transport.closed

    @cached_property
    def _labels(self) -> Labels:
        return Labels(self)

    @cached_property
    def _annotation_imports(self) -> AnnotationImports:
        return AnnotationImports(self)

    @property
    def transport_kind(self) -> str:
        """``"aiohttp"``, ``"httpx"``, or the class name of the transport object given."""
        return self._transport.kind

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        """The client's concurrency limiter (``max_concurrency`` requests in flight)."""
        return self._limiter

    @property
    def retry_policy(self) -> RetryPolicy:
        return self._retry

    @property
    def retry_stats(self) -> RetryStats:
        """What the retry policy did for this client: requests sent, retries, reconciliations
        (``client.retry_stats.as_dict()`` for a report)."""
        return self._retry.stats

    # -- GraphQL -----------------------------------------------------------------------------

    async def execute(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        experimental: bool = False,
        timeout: float | None = None,  # noqa: ASYNC109 - an HTTP timeout, per request
        expect_one: bool = False,
    ) -> dict[str, Any]:
        """Send any GraphQL document and return the response's ``data``.

        A mutation is retried only when safe (see :mod:`aiolabel._retry`); queries always are.
        ``expect_one``: a RESOURCE_NOT_FOUND answer raises :class:`ResourceNotFoundError`;
        otherwise the ``data`` is returned with the missing object as ``None``.
        """
        if not isinstance(query, str):
            raise InputTypeError(f"query must be a str, got {type(query).__name__}")
        for flag, value in (("experimental", experimental), ("expect_one", expect_one)):
            if not isinstance(value, bool):
                raise InputTypeError(f"{flag} must be a bool, got {type(value).__name__}")
        match = _OPERATION_NAME.search(query)
        op = Operation(name=match.group(1) if match else "", document=query)
        return await self._execute_operation(
            op,
            variables,
            sdk_method="Client:execute",
            expect_one=expect_one,
            timeout=timeout,
            experimental=experimental,
        )

    async def _execute_operation(
        self,
        op: Operation,
        variables: Mapping[str, Any] | None = None,
        *,
        sdk_method: str,
        expect_one: bool = False,
        timeout: float | None = None,  # noqa: ASYNC109 - an HTTP timeout, per request
        experimental: bool | None = None,
        reconcile: Reconcile | None = None,
        error_log_key: str = "message",
    ) -> dict[str, Any]:
        """Run one operation and return the response's ``data`` (a dict, possibly with nulls).

        The single entry point for every GraphQL call of the SDK:

        * ``op``: the :class:`Operation` constant; its ``experimental``, ``timeout`` and
          ``retry_safe`` are honoured (``timeout``/``experimental`` here override them);
        * ``variables``: sent as GraphQL variables (``None`` sends ``null``); datetimes, enums,
          sets and tuples are converted, anything else not JSON raises :class:`InputTypeError`
          before sending;
        * ``sdk_method``: the static ``X-SDK-Method`` header, ``"<Class>:<method>"`` of the
          public method (``"Project:create_batch"``);
        * ``expect_one``: RESOURCE_NOT_FOUND raises :class:`ResourceNotFoundError` (use it when
          the caller asked for one thing); without it the data comes back with nulls;
        * ``reconcile``: for a non-idempotent mutation, ``async reconcile(error) -> result|None``
          is called before resending after an ambiguous failure (see :mod:`aiolabel._retry`);
        * ``error_log_key``: the error key read for MALFORMED_REQUEST (``"errors"`` for exports).

        Raises the typed :mod:`aiolabel.errors` exceptions, after retries where allowed.
        """
        if not isinstance(op, Operation):
            raise InputTypeError(f"op must be an Operation, got {type(op).__name__}")
        return await self._transport.graphql(
            op.document,
            variables,
            sdk_method=sdk_method,
            experimental=op.experimental if experimental is None else experimental,
            timeout=timeout if timeout is not None else op.timeout,
            retry_safe=op.retry_safe,
            expect_one=expect_one,
            reconcile=reconcile,
            error_log_key=error_log_key,
            name=op.name,
        )

    async def _get_one(
        self,
        op: Operation,
        variables: Mapping[str, Any] | None,
        path: Sequence[str],
        parse: Callable[[Any], T],
        *,
        sdk_method: str,
        what: str | type | None = None,
    ) -> T:
        """Fetch one object at ``path`` of the data and parse it; a null or RESOURCE_NOT_FOUND
        raises :class:`ResourceNotFoundError(what, variables)`."""
        data = await self._execute_operation(op, variables, sdk_method=sdk_method, expect_one=True)
        value = dig(data, path)
        if value is None:
            raise ResourceNotFoundError(what or op.name, dict(variables or {}))
        return parse(value)

    def _paginate_offset(
        self,
        op: Operation,
        variables: Mapping[str, Any] | None,
        path: Sequence[str],
        parse: Callable[[Any], T],
        *,
        sdk_method: str,
        page_size: int = 100,
        skip_var: str = "skip",
        first_var: str = "first",
    ) -> OffsetPaginator[T]:
        """An async paginator over an offset collection at ``path``.

        ``op`` must declare ``$skip: Int`` and ``$first: Int`` (or the names given); each page
        is sent with ``{**variables, skip, first}``. A page shorter than ``page_size`` ends it.
        """
        return OffsetPaginator(
            self._fetcher(op, sdk_method),
            variables,
            path,
            parse,
            page_size=page_size,
            skip_var=skip_var,
            first_var=first_var,
        )

    def _paginate_cursor(
        self,
        op: Operation,
        variables: Mapping[str, Any] | None,
        *,
        nodes_path: Sequence[str],
        cursor_path: Sequence[str],
        parse: Callable[[Any], T],
        sdk_method: str,
        page_size: int = 100,
        has_next_path: Sequence[str] | None = None,
        start_cursor: str | None = None,
        from_var: str = "from",
        first_var: str = "first",
    ) -> CursorPaginator[T]:
        """An async paginator over a cursor collection.

        Each page is sent with ``{**variables, from: cursor, first: page_size}``; items are read
        at ``nodes_path`` and the next cursor at ``cursor_path`` (e.g.
        ``("datasetDataRows", "pageInfo", "startCursor")``). ``has_next_path`` (e.g.
        ``(..., "pageInfo", "hasNextPage")``) is honoured when the server sends a bool.
        """
        return CursorPaginator(
            self._fetcher(op, sdk_method),
            variables,
            nodes_path,
            cursor_path,
            parse,
            page_size=page_size,
            has_next_path=has_next_path,
            start_cursor=start_cursor,
            from_var=from_var,
            first_var=first_var,
        )

    def _fetcher(
        self, op: Operation, sdk_method: str
    ) -> Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]:
        if not isinstance(op, Operation):
            raise InputTypeError(f"op must be an Operation, got {type(op).__name__}")

        async def fetch(variables: dict[str, Any]) -> dict[str, Any]:
            return await self._execute_operation(op, variables, sdk_method=sdk_method)

        return fetch

    async def _run_chunks(
        self,
        items: Iterable[T] | AsyncIterable[T],
        operation: Callable[[list[T]], Awaitable[R]],
        *,
        chunk_size: int,
        max_concurrency: int | None = None,
        on_error: _concurrency.OnError = "finish",
        progress: _concurrency.Progress | None = None,
        total: int | None = None,
        weight: Callable[[T], int] | None = None,
        max_weight: int | None = None,
    ) -> list[R]:
        """Run ``operation(chunk)`` over chunks of ``items``; results in input order.

        At most ``max_concurrency`` chunks run at once (default and ceiling: the client's
        ``max_concurrency``); their requests still share the client's limiter. On failure raises
        :class:`PartialFailureError` listing the failed items (see
        :func:`aiolabel._concurrency.run_chunks`).
        """
        if progress is not None and not callable(progress):
            raise InputTypeError("progress must be a callable (done, total)")
        if max_concurrency is None:
            limit = self.max_concurrency
        else:
            limit = min(
                _integer("max_concurrency", max_concurrency, low=1, high=10_000),
                self.max_concurrency,
            )
        return await _concurrency.run_chunks(
            items,
            operation,
            chunk_size=chunk_size,
            max_concurrency=limit,
            on_error=on_error,
            progress=progress,
            total=total,
            weight=weight,
            max_weight=max_weight,
        )

    # -- files -------------------------------------------------------------------------------

    async def upload_data(
        self,
        content: UploadContent,
        filename: str | None = None,
        content_type: str | None = None,
        sign: bool = False,
    ) -> str:
        """Upload bytes, text, a local path (``os.PathLike``) or an (async) iterable of bytes;
        return the URL Labelbox stores it at."""
        return await self._transport.upload(
            content,
            filename=filename,
            content_type=content_type,
            sign=sign,
            sdk_method="Client:upload_data",
        )

    async def upload_file(self, path: str | os.PathLike[str]) -> str:
        """Upload a local file, named by its base name and typed from its extension."""
        if not isinstance(path, str | os.PathLike):
            raise InputTypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
        text = os.fspath(path)
        if not isinstance(text, str) or not text:
            raise InputError("path must be a non-empty str path")
        return await self._transport.upload(
            pathlib.Path(text),
            filename=os.path.basename(text),
            content_type=guess_content_type(text),
            sdk_method="Client:upload_file",
        )

    def _download(
        self, url: str, *, timeout: float = 30.0, expected_length: int | None = None
    ) -> AsyncIterator[bytes]:
        """Stream a signed URL's bytes (no Authorization header; retried, resumed)."""
        return self._transport.download(url, timeout=timeout, expected_length=expected_length)

    def _download_lines(self, url: str, *, timeout: float = 30.0) -> AsyncIterator[str]:
        """Stream a signed URL's lines (NDJSON and the like)."""
        return self._transport.download_lines(url, timeout=timeout)

    # -- user and organization ---------------------------------------------------------------

    async def get_user(self) -> User:
        """The API key's user (and cache its id for task lookups)."""
        data = await self._execute_operation(
            user_ops.GET_USER, {}, sdk_method="Client:get_user", expect_one=True
        )
        if not isinstance(data.get("user"), dict):
            raise ResourceNotFoundError(User, {})
        user = User.from_wire(self, data["user"])
        self._user_id = user.uid
        return user

    async def get_organization(self) -> Organization:
        """The user's organization (and cache its id)."""
        data = await self._execute_operation(
            user_ops.GET_ORGANIZATION, {}, sdk_method="Client:get_organization", expect_one=True
        )
        if not isinstance(data.get("organization"), dict):
            raise ResourceNotFoundError(Organization, {})
        org = Organization.from_wire(self, data["organization"])
        self._org_id = org.uid
        return org

    def _lock(self) -> anyio.Lock:
        if self._id_lock is None:
            self._id_lock = anyio.Lock()
        return self._id_lock

    async def _current_user_id(self) -> str:
        """The API key's user id, fetched once per client."""
        if self._user_id is None:
            async with self._lock():
                if self._user_id is None:
                    await self.get_user()
        assert self._user_id is not None
        return self._user_id

    async def _organization_id(self) -> str:
        """The organization id, fetched once per client."""
        if self._org_id is None:
            async with self._lock():
                if self._org_id is None:
                    await self.get_organization()
        assert self._org_id is not None
        return self._org_id

    # -- tasks -------------------------------------------------------------------------------

    async def _fetch_task(self, task_id: str, *, sdk_method: str) -> Task:
        """One task of the current user, by id (the official route through ``createdTasks``)."""
        task_id = _id("task_id", task_id)
        user_id = await self._current_user_id()
        data = await self._execute_operation(
            task_ops.GET_USER_CREATED_TASKS,
            {"userId": user_id, "taskId": task_id},
            sdk_method=sdk_method,
        )
        found = dig(data, ("user", "createdTasks"))
        if not isinstance(found, list) or not found or not isinstance(found[0], dict):
            raise ResourceNotFoundError(message=f"The task {task_id} does not exist.")
        return Task._build(self, found[0])

    async def get_task_by_id(self, task_id: str) -> Task:
        """A task by id (``DataUpsertTask`` for upserts). Only tasks created by the key's user
        are visible, as in the official SDK."""
        return await self._fetch_task(task_id, sdk_method="Client:get_task_by_id")

    async def _refresh_same_tasks(self, same: Sequence[Task]) -> None:
        await refresh_tasks(self, same)

    async def wait_for_tasks(
        self, tasks: Iterable[Task], *, timeout_seconds: float = 300.0
    ) -> list[Task]:
        """Wait until every task is done; raise :class:`TaskTimeout` naming those that are not.

        All waits of a client share one polling loop; each task is refreshed on its own
        exponential, jittered schedule (0.1 s growing to ``task_poll_interval``, longer with many
        tasks or a long wait: see :class:`TaskPoller`), one request per task id per tick.
        """
        if isinstance(tasks, Task) or not isinstance(tasks, Iterable):
            raise InputTypeError("tasks must be an iterable of Task")
        listed = list(tasks)
        for task in listed:
            if not isinstance(task, Task):
                raise InputTypeError(f"tasks must hold Task objects, got {type(task).__name__}")
            if task._client is not self:
                task._client = self
        await self._poller.wait(listed, timeout_seconds)
        return listed

    async def _cancelable_task_types(self) -> list[str]:
        if self._cancelable_types is None:
            data = await self._execute_operation(
                task_ops.GET_CANCELABLE_TASK_TYPES, None, sdk_method="Client:cancel_task"
            )
            raw = data.get("cancelableTaskTypes") or []
            self._cancelable_types = [_kebab(t) for t in raw if isinstance(t, str)]
        return self._cancelable_types

    async def cancel_task(self, task_id: str) -> bool:
        """Cancel an in-progress task of a cancelable type; True when the server agreed."""
        task = await self._fetch_task(task_id, sdk_method="Client:cancel_task")
        cancelable = await self._cancelable_task_types()
        if task.type not in cancelable:
            raise LabelboxError(
                f"Task type '{task.type}' cannot be cancelled. Cancelable types are: {cancelable}"
            )
        if task.status != "IN_PROGRESS":
            raise LabelboxError(
                "Task cannot be cancelled because it is not in progress. "
                f"Current status: {task.status}"
            )
        data = await self._execute_operation(
            task_ops.CANCEL_TASK, {"id": task.uid}, sdk_method="Client:cancel_task"
        )
        return bool(dig(data, ("cancelBulkOperationJob", "success")))


def _kebab(value: str) -> str:
    parts = re.findall(r"[A-Z][a-z0-9]*|[a-z][a-z0-9]*", value)
    return "-".join(p.lower() for p in parts)
