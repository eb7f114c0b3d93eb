"""BaseClient: the request contract every resource and model uses.

The concrete :class:`~aiolabel.client.AsyncClient` subclasses it with options, lifecycle and the
official top-level methods. Everything below the client goes through these entry points:

* :meth:`BaseClient._execute_operation` — one GraphQL operation: validation of variables,
  retry policy (``Operation.retry_safe``), rate limit, concurrency limiter, error mapping.
* :meth:`BaseClient._rest` — one REST call under ``rest_endpoint`` (ontology maintenance), same
  policy, limiter and error mapping.
* :meth:`BaseClient._get_one` — one object at a path, :class:`ResourceNotFoundError` if null.
* :meth:`BaseClient._paginate_offset` / :meth:`BaseClient._paginate_cursor` — the paginator.
* :meth:`BaseClient._run_chunks` — the chunk runner, bounded by the client's ``max_concurrency``.
* :meth:`BaseClient._poll_until` — ask until answered, on the client's clock (see
  :mod:`aiolabel._polling`); task waits share :attr:`BaseClient._poller`.
* :meth:`BaseClient._download` / :meth:`BaseClient._download_lines` — signed-URL downloads.
* :meth:`BaseClient.upload_data` / :meth:`BaseClient.upload_file` — ``uploadFile``.
* :meth:`BaseClient._current_user_id` / :meth:`BaseClient._organization_id` — cached ids.
* :meth:`BaseClient._fetch_task` — one task of the key's user.

Models are built above this layer, so the few answers that are models (the user, the
organization, a task) come from three methods the concrete client provides: ``get_user``,
``get_organization`` and ``_task_from_wire``.
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Mapping,
    Sequence,
)
from typing import TYPE_CHECKING, Any, TypeVar

import anyio

from aiolabel import _concurrency
from aiolabel._bulk.reconcile import TaskLedger
from aiolabel._operations import Operation
from aiolabel._operations import tasks as task_ops
from aiolabel._polling import Deadline, TaskPoller, poll_until
from aiolabel._ratelimit import RateLimiter
from aiolabel._retry import Reconcile, RetryPolicy
from aiolabel._transport import Transport, UploadContent, guess_content_type
from aiolabel._validation import check_id, check_integer, check_progress
from aiolabel.errors import InputError, InputTypeError, ResourceNotFoundError
from aiolabel.pagination import CursorPaginator, OffsetPaginator, dig

if TYPE_CHECKING:
    from aiolabel.models.task import Task
    from aiolabel.models.user import Organization, User

__all__ = ["BaseClient"]

T = TypeVar("T")
R = TypeVar("R")


class BaseClient:
    """The request contract: one transport, one retry policy, one limiter, one task poller."""

    rest_endpoint: str
    """The REST base (``https://api.labelbox.com/api/v1``), set by the concrete client."""

    def __init__(
        self,
        *,
        transport: Transport,
        retry: RetryPolicy,
        limiter: anyio.CapacityLimiter,
        rate_limiter: RateLimiter | None,
        max_concurrency: int,
        task_poll_interval: float,
    ) -> None:
        self.max_concurrency = max_concurrency
        self.task_poll_interval = task_poll_interval
        self._transport = transport
        self._retry = retry
        self._limiter = limiter
        self._rate_limiter = rate_limiter
        self._user_id: str | None = None
        self._org_id: str | None = None
        self._id_lock: anyio.Lock | None = None
        self._poller = TaskPoller(self._refresh_same_tasks, interval=task_poll_interval)
        self._task_ledger = TaskLedger()
        """Ids of tasks this client learnt from answers (reconcile steps skip them)."""

    # -- provided by the concrete client (they build models) --------------------------------

    async def get_user(self) -> User:
        raise NotImplementedError

    async def get_organization(self) -> Organization:
        raise NotImplementedError

    def _task_from_wire(self, data: dict[str, Any]) -> Task:
        raise NotImplementedError

    # -- GraphQL -----------------------------------------------------------------------------

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

    async def _rest(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        expected: int,
        sdk_method: str,
        retry_safe: bool,
    ) -> Any:
        """One REST call under ``rest_endpoint`` (``path`` starts with ``/``): the parsed JSON
        answer when the status is ``expected``, else a typed error. Same limiter, retry policy,
        auth header and redaction as GraphQL; ``retry_safe`` as for an operation."""
        return await self._transport.rest(
            method,
            self.rest_endpoint + path,
            json_body=json_body,
            expected=expected,
            sdk_method=sdk_method,
            retry_safe=retry_safe,
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
        check_progress(progress)
        if max_concurrency is None:
            limit = self.max_concurrency
        else:
            limit = min(
                check_integer("max_concurrency", max_concurrency, low=1, high=10_000),
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

    async def _poll_until(
        self,
        check: Callable[[], Awaitable[T | None]],
        *,
        timeout: float,  # noqa: ASYNC109 - a deadline over many requests and pauses
        delays: Callable[[int, float], float],
        timeout_error: Callable[[], BaseException],
        started: float | None = None,
        at_deadline: Deadline = "last_poll",
    ) -> T:
        """Ask ``check()`` until it answers (not ``None``), on the client's clock and sleep
        (those of its task poller); see :func:`aiolabel._polling.poll_until`."""
        return await poll_until(
            check,
            timeout=timeout,
            delays=delays,
            timeout_error=timeout_error,
            sleep=self._poller.sleep,
            clock=self._poller.clock,
            started=started,
            at_deadline=at_deadline,
        )

    def _clock(self) -> float:
        """The client's clock (monotonic seconds; fake in tests that bind time)."""
        return self._poller.clock()

    def _random(self) -> float:
        """The client's jitter source."""
        return self._poller.random()

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

    # -- user, organization, tasks -----------------------------------------------------------

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

    async def _fetch_task(self, task_id: str, *, sdk_method: str) -> Task:
        """One task of the current user, by id (the official route through ``createdTasks``)."""
        task_id = check_id("task_id", task_id)
        user_id = await self._current_user_id()
        data = await self._execute_operation(
            task_ops.GET_USER_CREATED_TASKS,
            {"userId": user_id, "taskId": task_id},
            sdk_method=sdk_method,
        )
        found = dig(data, ("user", "createdTasks"))
        if not isinstance(found, list) or not found or not isinstance(found[0], dict):
            raise ResourceNotFoundError(message=f"The task {task_id} does not exist.")
        return self._task_from_wire(found[0])

    async def _refresh_same_tasks(self, same: Sequence[Task]) -> None:
        """Refresh tasks sharing one id with a single request (anything else the poller waits
        on, such as an annotation import, refreshes itself through its ``_poll_refresh``)."""
        if not same:
            return
        own = getattr(type(same[0]), "_poll_refresh", None)
        if own is not None:
            await own(same)
            return
        fresh = await self._fetch_task(
            same[0].uid, sdk_method=f"{type(same[0]).__name__}:wait_till_done"
        )
        for task in same:
            task._apply(fresh)
