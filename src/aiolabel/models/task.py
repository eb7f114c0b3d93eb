"""Task: a handle on long server-side work, polled with backoff, failing loudly.

Unlike other models a Task changes: :meth:`Task.refresh` and :meth:`Task.wait_till_done` update
it in place (it stays frozen against assignment). Waits share one loop per client
(:class:`TaskPoller`): however many tasks are awaited at once, one loop refreshes them, each
task on its own schedule growing exponentially with jitter from 0.1 s to ``task_poll_interval``
(0.3 s; longer when many tasks are awaited or the wait is long, see :func:`poll_cap`), and tasks
due together are refreshed in the same tick. A task a mutation has just started, known by its id
only, is first asked for at once (as the official SDK fetches it as soon as it has the id).

Results and errors come as async iterators of ``dict`` in one shape whatever the task type
(see :meth:`Task.result` and :meth:`Task.errors`), streamed, never materialised.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import logging
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Iterable,
)
from typing import TYPE_CHECKING, Any, ClassVar

import anyio
from pydantic import Field, PrivateAttr

from aiolabel.enums import StreamType, TaskStatus
from aiolabel.errors import (
    ExportTaskException,
    LabelboxError,
    PartialFailureError,
    TaskFailedError,
)
from aiolabel.models.base import DateTime, Model
from aiolabel.models.export_stream import ExportStream
from aiolabel.models.task_items import Items, MaybeItems, TaskItems

if TYPE_CHECKING:
    from aiolabel.client import AsyncClient
    from aiolabel.models.user import Organization, User

__all__ = ["DataUpsertTask", "DataUpsertTaskGroup", "ExportTask", "Task", "UpsertPartialFailure"]

logger = logging.getLogger("aiolabel.task")

UPSERT_TASK_TYPE = "adv-upsert-data-rows"
EXPORT_TASK_TYPE = "export-data-rows"
INLINE_ERROR_TASK_TYPES = frozenset(
    {"add-data-rows-to-batch", "send-to-task-queue", "send-to-annotate"}
)
LEGACY_IMPORT_NAME = "JSON Import"
RESULT_WAIT_SECONDS = 600.0
"""How long ``result()``/``errors()`` wait for a task still in progress (as the official SDK)."""


class Task(Model):
    """A server-side task (wire §7). ``status`` is the raw string; see :attr:`status_as_enum`."""

    uid: str = Field(alias="id")
    name: str | None = None
    type: str | None = None
    status: str | None = None
    completion_percentage: float | None = None
    result_url: str | None = Field(default=None, alias="result")
    errors_url: str | None = Field(default=None, alias="errors")
    metadata: Any = None
    created_at: DateTime | None = None
    updated_at: DateTime | None = None

    _OTHER_SPELLINGS: ClassVar[dict[str, str]] = {
        "deleted": "SDK 7.17's ExportTask.deleted reads a field its Task does not have; read"
        " `task.status` (a deleted task is not returned at all)",
    }

    _placeholder: bool = PrivateAttr(default=False)
    """Known by its id only (:meth:`_started`): not fetched yet, so the client's poller asks
    for it at once instead of after its first pause."""

    SDK_PREFIX: ClassVar[str] = "Task"
    ExportTaskException: ClassVar[builtins.type[ExportTaskException]] = ExportTaskException
    """The official ``ExportTask.ExportTaskException``: raised by the export conveniences
    (streams, totals) while the task is not ready yet or has failed."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Task) and (other.uid, other.type) == (self.uid, self.type)

    def __hash__(self) -> int:
        return hash(self.uid)

    @classmethod
    def _build(cls, client: AsyncClient, data: dict[str, Any]) -> Task:
        """The right class for the wire object (``DataUpsertTask`` for upserts)."""
        kind = data.get("type")
        klass = (
            DataUpsertTask if isinstance(kind, str) and kind.lower() == UPSERT_TASK_TYPE else cls
        )
        return klass.from_wire(client, data)

    @property
    def status_as_enum(self) -> TaskStatus:
        return TaskStatus(self.status or "UNKNOWN")

    @property
    def done(self) -> bool:
        """No longer in progress (COMPLETE, FAILED, CANCELED, or any status but IN_PROGRESS and
        CANCELING, which the official SDK's enum spells CANCELLING)."""
        return self.status not in ("IN_PROGRESS", "CANCELING", "CANCELLING")

    def is_creation_task(self) -> bool:
        return self.name == LEGACY_IMPORT_NAME or (self.type or "").lower() == UPSERT_TASK_TYPE

    @classmethod
    def _started(cls, client: AsyncClient, task_id: str, task_type: str | None = None) -> Task:
        """A task a mutation has just started, known by its id only: IN_PROGRESS until its
        first refresh, which a wait sends at once, as the official SDK fetches such a task
        (``Task.get_task``) as soon as it has its id."""
        task = cls.from_wire(client, {"id": task_id, "type": task_type, "status": "IN_PROGRESS"})
        task._placeholder = True
        return task

    def _apply(self, fresh: Task) -> None:
        for name in type(self).model_fields:
            self.__dict__[name] = getattr(fresh, name)
        self._placeholder = False

    def _sdk(self, method: str) -> str:
        return f"{type(self).__name__}:{method}"

    # -- polling -----------------------------------------------------------------------------

    async def refresh(self) -> Task:
        """Fetch the current state from the server (one request) and update this task."""
        return await self.client._tasks.refresh(self)

    @staticmethod
    async def get_task(client: AsyncClient, task_id: str) -> Task:
        """The task with this id (the official static ``Task.get_task`` / ``ExportTask.get_task``,
        sending its requests; :meth:`AsyncClient.get_task_by_id` also types upload tasks)."""
        return await client._tasks.lookup(task_id)

    async def created_by(self) -> User:
        """The user who started the task (``GetTaskCreatedByPyApi``)."""
        return await self.client._tasks.created_by(self)

    async def organization(self) -> Organization:
        """The organisation of the task (``GetTaskOrganizationPyApi``)."""
        return await self.client._tasks.organization(self)

    async def wait_till_done(
        self, timeout_seconds: float = 300.0, check_frequency: float | None = None
    ) -> Task:
        """Wait until the task leaves IN_PROGRESS; raise :class:`TaskTimeout` if it does not.

        Polling shares the client's loop with every other wait (see :class:`TaskPoller`).
        ``check_frequency`` (seconds, as in the official SDK): poll this task at most that often;
        by default it is polled sooner at first and less often as the wait grows.
        """
        await self.client._tasks.wait([self], timeout_seconds, check_frequency)
        return self

    async def has_errors(self) -> bool:
        """Whether :attr:`errors` would yield anything (may cost a request)."""
        async with contextlib.aclosing(self._error_stream()) as errors:
            async for _ in errors:
                return True
        return False

    # -- exports (the official ExportTask's conveniences) ------------------------------------

    async def get_total_lines(self, stream_type: StreamType = StreamType.RESULT) -> int | None:
        """Lines in an export stream (None when the stream does not exist)."""
        return await self.client._tasks.export_total(self, StreamType(stream_type), "totalLines")

    async def get_total_file_size(self, stream_type: StreamType = StreamType.RESULT) -> int | None:
        """Bytes in an export stream (None when the stream does not exist)."""
        return await self.client._tasks.export_total(self, StreamType(stream_type), "totalSize")

    async def has_result(self) -> bool:
        """Whether the export wrote any result (one request)."""
        return bool(await self.get_total_file_size(StreamType.RESULT))

    def get_buffered_stream(self, stream_type: StreamType = StreamType.RESULT) -> ExportStream:
        """An export stream: ``async for output in ...`` (``output.json``) or
        ``await ....start(stream_handler=fn)``; the task must be COMPLETE."""
        return self.client._tasks.buffered_stream(self, StreamType(stream_type))

    def get_stream(self, stream_type: StreamType = StreamType.RESULT) -> ExportStream:
        """The same stream as :meth:`get_buffered_stream`."""
        return self.get_buffered_stream(stream_type)

    async def cancel(self) -> bool:
        """Cancel this task (it must be IN_PROGRESS and of a cancelable type)."""
        ok = await self.client.cancel_task(self.uid)
        await self.refresh()
        return ok

    # -- results -----------------------------------------------------------------------------

    async def _settled(self) -> None:
        if not self.done:
            await self.wait_till_done(timeout_seconds=RESULT_WAIT_SECONDS)

    @property
    def result(self) -> TaskItems[Items]:
        """The result: ``await task.result`` (a list) or ``async for item in task.result``
        (streamed); see :meth:`_result_stream`."""
        return TaskItems(self._result_stream, "result", none_if_empty=False)

    @property
    def errors(self) -> TaskItems[MaybeItems]:
        """The errors: ``await task.errors`` (a list, None when there are none) or
        ``async for error in task.errors``; see :meth:`_error_stream`."""
        return TaskItems(self._error_stream, "errors", none_if_empty=True)

    @property
    def created_data_rows(self) -> TaskItems[MaybeItems]:
        """``await task.created_data_rows``: the result's rows, None when there are none."""
        return TaskItems(self._result_stream, "created_data_rows", none_if_empty=True)

    @property
    def failed_data_rows(self) -> TaskItems[MaybeItems]:
        """``await task.failed_data_rows``: the errors, None when there are none."""
        return TaskItems(self._error_stream, "failed_data_rows", none_if_empty=True)

    async def _result_stream(self) -> AsyncGenerator[dict[str, Any], None]:
        """Stream the task's result, one ``dict`` per item, whatever the task type.

        * upserts / imports: created data rows, ``{"id", "external_id", "row_data",
          "global_key"}``;
        * exports: one object per exported NDJSON line, as the server wrote it;
        * other tasks with a result file: its JSON items (a list's elements, an object as is).

        Waits first if the task is still running. A FAILED task raises
        :class:`TaskFailedError` (its details are in :meth:`errors`).
        """
        await self._settled()
        if self.status == "FAILED":
            raise TaskFailedError(f"task {self.uid} failed; see task.errors()", self)
        async for item in self._result_items():
            yield item

    async def _error_stream(self) -> AsyncGenerator[dict[str, Any], None]:
        """Stream the task's errors, one ``dict`` per error, each with a ``"message"`` key.

        * upserts: ``{"message", "failedDataRows": [{"externalId", "globalKey", "rowData",
          "metadata", "attachments"}]}`` (the official shape, one failed row per error);
        * exports: one object per line of the error stream;
        * batch/queue/annotate tasks: the items of the JSON held in ``result`` when FAILED;
        * legacy imports: the ``errors`` (or ``error``) of the result file;
        * any other FAILED task: one ``{"message": "Task failed", "status": "FAILED"}``.

        Waits first if the task is still running.
        """
        await self._settled()
        async for item in self._error_items():
            yield _with_message(item)

    async def _result_items(self) -> AsyncIterator[dict[str, Any]]:
        async for item in self.client._tasks.result_items(self):
            yield item

    async def _error_items(self) -> AsyncIterator[Any]:
        async for item in self.client._tasks.error_items(self):
            yield item


ExportTask = Task
"""The official ``ExportTask``: aiolabel's :class:`Task` already carries the export
conveniences (``get_buffered_stream``, ``get_total_lines``, ``has_result``, ...), so exports return
a Task and ``ExportTask.get_task`` / ``ExportTask.ExportTaskException`` are Task's."""


class DataUpsertTask(Task):
    """The task of ``create_data_rows`` / ``upsert_data_rows`` (type ``adv-upsert-data-rows``).

    Results and errors come from cursor-paginated GraphQL (5,000 a page), not files.
    """

    async def _result_items(self) -> AsyncIterator[dict[str, Any]]:
        async for item in self.client._tasks.upsert_result_items(self):
            yield item

    async def _error_items(self) -> AsyncIterator[Any]:
        async for item in self.client._tasks.upsert_error_items(self):
            yield item


def _created_row(row: Any) -> dict[str, Any]:
    row = row if isinstance(row, dict) else {}
    return {
        "id": row.get("id"),
        "external_id": row.get("externalId"),
        "row_data": row.get("rowData"),
        "global_key": row.get("globalKey"),
    }


def _failed_row(item: Any) -> dict[str, Any]:
    item = item if isinstance(item, dict) else {}
    spec = item.get("spec") or {}
    return {
        "message": item.get("message"),
        "failedDataRows": [
            {
                "externalId": spec.get("externalId"),
                "rowData": spec.get("rowData"),
                "globalKey": spec.get("globalKey"),
                "metadata": spec.get("metadata") or [],
                "attachments": spec.get("attachments") or [],
            }
        ],
    }


def _loads_or_text(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _json_items(doc: Any) -> Iterable[dict[str, Any]]:
    items = doc if isinstance(doc, list) else [] if doc is None else [doc]
    for item in items:
        yield item if isinstance(item, dict) else {"message": item}


def _json_line(line: str) -> dict[str, Any]:
    try:
        obj = json.loads(line)
    except ValueError as exc:
        raise LabelboxError("an export line is not JSON") from exc
    return obj if isinstance(obj, dict) else {"value": obj}


def _with_message(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        return {"message": item if isinstance(item, str) else json.dumps(item)}
    if "message" in item:
        return item
    detail = item.get("error", item.get("errorMessage"))
    message = detail if isinstance(detail, str) else json.dumps(item, default=str)
    return {"message": message, **item}


# -- the upsert task group -----------------------------------------------------------------------


class DataUpsertTaskGroup:
    """The upsert task(s) of one ``create_data_rows`` / ``upsert_data_rows`` call.

    Behaves like one task: ``wait_till_done`` waits for all of them in the client's shared
    polling loop; ``result()`` and ``errors()`` stream every task's rows, task after task, in
    input order of the tasks. ``tasks`` lists the server tasks (one per
    :data:`aiolabel._bulk.descriptors.ITEMS_PER_TASK` items); ``uid`` is the first task's id.
    """

    def __init__(self, client: AsyncClient, tasks: list[Task], item_counts: list[int]) -> None:
        if not tasks:
            raise LabelboxError("an upsert task group needs at least one task")
        self._client = client
        self.tasks = tasks
        self.item_counts = item_counts

    def __repr__(self) -> str:
        return (
            f"DataUpsertTaskGroup({len(self.tasks)} task(s), {self.item_count} items, "
            f"{self.status})"
        )

    @property
    def client(self) -> AsyncClient:
        return self._client

    @property
    def uid(self) -> str:
        return self.tasks[0].uid

    @property
    def item_count(self) -> int:
        """Items submitted (across tasks)."""
        return sum(self.item_counts)

    @property
    def status(self) -> str:
        """``IN_PROGRESS`` while any task runs, then ``FAILED`` if any failed, ``COMPLETE`` when
        all completed, else the first other status."""
        statuses = [t.status or "UNKNOWN" for t in self.tasks]
        if any(not t.done for t in self.tasks):
            return "IN_PROGRESS"
        if "FAILED" in statuses:
            return "FAILED"
        return next((s for s in statuses if s != "COMPLETE"), "COMPLETE")

    @property
    def done(self) -> bool:
        return all(t.done for t in self.tasks)

    @property
    def completion_percentage(self) -> float:
        total = self.item_count or 1
        return (
            sum(
                (t.completion_percentage or (100.0 if t.done else 0.0)) * n
                for t, n in zip(self.tasks, self.item_counts, strict=True)
            )
            / total
        )

    async def refresh(self) -> DataUpsertTaskGroup:
        """Refresh every task (concurrently)."""
        async with anyio.create_task_group() as group:
            for task in self.tasks:
                group.start_soon(task.refresh)
        return self

    async def wait_till_done(self, timeout_seconds: float = 300.0) -> DataUpsertTaskGroup:
        """Wait until every task is done (raises :class:`TaskTimeout` naming those that are
        not); a FAILED task is a status, check :attr:`status`."""
        await self._client.wait_for_tasks(self.tasks, timeout_seconds=timeout_seconds)
        return self

    @property
    def result(self) -> TaskItems[Items]:
        """``await group.result`` (a list) or ``async for row in group.result``."""
        return TaskItems(self._result_stream, "result", none_if_empty=False)

    @property
    def errors(self) -> TaskItems[MaybeItems]:
        """``await group.errors`` (a list, None when there are none) or ``async for``."""
        return TaskItems(self._error_stream, "errors", none_if_empty=True)

    @property
    def created_data_rows(self) -> TaskItems[MaybeItems]:
        return TaskItems(self._result_stream, "created_data_rows", none_if_empty=True)

    @property
    def failed_data_rows(self) -> TaskItems[MaybeItems]:
        return TaskItems(self._error_stream, "failed_data_rows", none_if_empty=True)

    async def _result_stream(self) -> AsyncGenerator[dict[str, Any], None]:
        """Created or updated rows ``{"id", "external_id", "row_data", "global_key"}``, task by
        task; a FAILED task raises :class:`TaskFailedError` when reached."""
        for task in self.tasks:
            async with contextlib.aclosing(task._result_stream()) as rows:
                async for row in rows:
                    yield row

    async def _error_stream(self) -> AsyncGenerator[dict[str, Any], None]:
        """Refused rows, ``{"message", "failedDataRows": [{"externalId", "globalKey",
        "rowData", "metadata", "attachments"}]}``, task by task."""
        for task in self.tasks:
            async with contextlib.aclosing(task._error_stream()) as errors:
                async for error in errors:
                    yield error

    async def has_errors(self) -> bool:
        async with contextlib.aclosing(self._error_stream()) as errors:
            async for _ in errors:
                return True
        return False


class UpsertPartialFailure(PartialFailureError[int, str]):
    """Some items of a ``create_data_rows`` call were not submitted.

    Items are input positions (0-based). ``failures`` holds the descriptor files (or whole
    tasks) that failed, ``not_started`` the items read but never uploaded; ``task`` is the
    :class:`DataUpsertTaskGroup` of the tasks that were started (``None`` if none was), whose
    rows the server is applying.
    """

    task: DataUpsertTaskGroup | None = None
