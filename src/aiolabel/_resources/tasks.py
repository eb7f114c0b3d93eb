"""Tasks: get by id, wait (the client's shared poller), cancel; results and errors streamed
in one shape whatever the task type (files, export streams, or paginated GraphQL for upserts)."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterable
from typing import Any

from aiolabel._content import split_lines
from aiolabel._operations import tasks as ops
from aiolabel._operations._builder import FieldRef, relationship
from aiolabel._operations._entities import TASK
from aiolabel._resources._base import Resource
from aiolabel._validation import check_id, check_number
from aiolabel.enums import StreamType
from aiolabel.errors import (
    ExportTaskException,
    ExportTaskFailedError,
    InputTypeError,
    LabelboxError,
    ResourceNotFoundError,
)
from aiolabel.models.export_stream import ExportStream
from aiolabel.models.task import (
    EXPORT_TASK_TYPE,
    INLINE_ERROR_TASK_TYPES,
    LEGACY_IMPORT_NAME,
    DataUpsertTask,
    Task,
    _created_row,
    _failed_row,
    _json_items,
    _json_line,
    _loads_or_text,
)
from aiolabel.models.user import Organization, User
from aiolabel.pagination import dig

__all__ = ["Tasks"]


def _kebab(value: str) -> str:
    parts = re.findall(r"[A-Z][a-z0-9]*|[a-z][a-z0-9]*", value)
    return "-".join(p.lower() for p in parts)


def _check_export_ready(task: Task) -> None:
    """The official ExportTask's rule for streams and totals: the task must be COMPLETE."""
    if task.status == "FAILED":
        raise ExportTaskFailedError(f"export task {task.uid} failed", task)
    if task.status != "COMPLETE":
        raise ExportTaskException(f"task {task.uid} is not ready yet (await task.wait_till_done())")


class Tasks(Resource):
    """Server-side tasks of the key's user."""

    __slots__ = ("_cancelable_types",)

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self._cancelable_types: list[str] | None = None

    async def get(self, task_id: str) -> Task:
        return await self._client._fetch_task(task_id, sdk_method="Client:get_task_by_id")

    async def wait(
        self, tasks: Iterable[Task], timeout_seconds: float, check_frequency: float | None = None
    ) -> list[Task]:
        if isinstance(tasks, Task) or not isinstance(tasks, Iterable):
            raise InputTypeError("tasks must be an iterable of Task")
        listed = list(tasks)
        for task in listed:
            if not isinstance(task, Task):
                raise InputTypeError(f"tasks must hold Task objects, got {type(task).__name__}")
            if task._client is not self._client:
                task._client = self._client
        if check_frequency is not None:
            check_frequency = check_number("check_frequency", check_frequency, low=0, high=86400)
        await self._client._poller.wait(listed, timeout_seconds, check_frequency)
        return listed

    async def _cancelable_task_types(self) -> list[str]:
        if self._cancelable_types is None:
            data = await self._client._execute_operation(
                ops.GET_CANCELABLE_TASK_TYPES, None, sdk_method="Client:cancel_task"
            )
            raw = data.get("cancelableTaskTypes") or []
            self._cancelable_types = [_kebab(t) for t in raw if isinstance(t, str)]
        return self._cancelable_types

    async def cancel(self, task_id: str) -> bool:
        task = await self._client._fetch_task(task_id, sdk_method="Client:cancel_task")
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
        data = await self._client._execute_operation(
            ops.CANCEL_TASK, {"id": task.uid}, sdk_method="Client:cancel_task"
        )
        return bool(dig(data, ("cancelBulkOperationJob", "success")))

    async def refresh(self, task: Task) -> Task:
        fresh = await self._client._fetch_task(task.uid, sdk_method=task._sdk("refresh"))
        task._apply(fresh)
        return task

    async def lookup(self, task_id: str) -> Task:
        """``Task.get_task(client, id)`` as 7.17 sends it: the key's user's created tasks
        filtered by id (GetUserPyApi, then GetUserCreatedTasksPyApi)."""
        task_id = check_id("task_id", task_id)
        user = await self._client.get_user()
        found = await user.created_tasks(where=FieldRef("uid") == task_id).to_list()
        if len(found) != 1:
            raise ResourceNotFoundError(Task, {"id": task_id})
        return found[0]

    async def _to_one(self, task: Task, name: str) -> dict[str, Any]:
        """One to-one relationship of a task (``GetTaskCreatedByPyApi``, ...)."""
        built = relationship(TASK, task.uid, name)
        data = await self._client._execute_operation(
            built.operation, built.variables, sdk_method=task._sdk(name), expect_one=True
        )
        spec = TASK.relationship(name)
        assert spec is not None
        value = dig(data, ("task", spec.graphql))
        if not isinstance(value, dict):
            raise ResourceNotFoundError(
                User if name == "created_by" else Organization, {"task": task.uid}
            )
        return value

    async def created_by(self, task: Task) -> User:
        return User.from_wire(self._client, await self._to_one(task, "created_by"))

    async def organization(self, task: Task) -> Organization:
        return Organization.from_wire(self._client, await self._to_one(task, "organization"))

    async def result_items(self, task: Task) -> AsyncIterator[dict[str, Any]]:
        kind = (task.type or "").lower()
        if kind == EXPORT_TASK_TYPE:
            if task.result_url:
                async for obj in self.ndjson_url(task, task.result_url):
                    yield obj
            else:
                async for obj in self.export_stream(task, StreamType.RESULT):
                    yield obj
        elif task.name == LEGACY_IMPORT_NAME and task.result_url:
            doc = await self.json_url(task, task.result_url)
            for row in doc.get("createdDataRows") or [] if isinstance(doc, dict) else []:
                yield _created_row(row)
        elif task.result_url and task.result_url.startswith(("http://", "https://")):
            doc = await self.json_url(task, task.result_url)
            for obj in _json_items(doc):
                yield obj

    async def error_items(self, task: Task) -> AsyncIterator[Any]:
        kind = (task.type or "").lower()
        if kind == EXPORT_TASK_TYPE:
            if task.errors_url:
                async for obj in self.ndjson_url(task, task.errors_url):
                    yield obj
            elif task.status == "COMPLETE":
                async for obj in self.export_stream(task, StreamType.ERRORS):
                    yield obj
            elif task.status == "FAILED":
                yield {"message": "Task failed", "status": task.status}
        elif task.name == LEGACY_IMPORT_NAME and task.result_url:
            doc = await self.json_url(task, task.result_url)
            if isinstance(doc, dict):
                if task.status == "FAILED" and doc.get("error") is not None:
                    yield doc["error"]
                for err in doc.get("errors") or []:
                    yield err
        elif kind in INLINE_ERROR_TASK_TYPES and task.status == "FAILED" and task.result_url:
            try:
                doc = json.loads(task.result_url)
            except ValueError:
                doc = task.result_url
            for obj in _json_items(doc):
                yield obj
        elif task.status == "FAILED":
            yield {"message": "Task failed", "status": task.status}

    async def json_url(self, task: Task, url: str) -> Any:
        chunks = [chunk async for chunk in self._client._transport.download(url, timeout=60.0)]
        try:
            return json.loads(b"".join(chunks))
        except ValueError as exc:
            raise LabelboxError(f"task {task.uid}: the result file is not JSON") from exc

    async def ndjson_url(self, task: Task, url: str) -> AsyncIterator[dict[str, Any]]:
        lines = split_lines(self._client._transport.download(url, timeout=60.0))
        async for line in lines:
            yield _json_line(line)

    async def export_total(self, task: Task, stream: StreamType, key: str) -> int | None:
        """``totalLines`` or ``totalSize`` of a COMPLETE export's stream (None: no stream)."""
        _check_export_ready(task)
        data = await self._client._execute_operation(
            ops.GET_EXPORT_METADATA_HEADER,
            {"where": {"id": task.uid}, "streamType": stream.value},
            sdk_method=task._sdk("get_total_lines"),
            error_log_key="errors",
        )
        header = dig(data, ("task", "exportMetadataHeader"))
        return int(header.get(key) or 0) if isinstance(header, dict) else None

    def buffered_stream(self, task: Task, stream: StreamType) -> ExportStream:
        _check_export_ready(task)
        return ExportStream(self.export_stream(task, stream))

    async def export_stream(self, task: Task, stream: StreamType) -> AsyncIterator[dict[str, Any]]:
        if task.status == "FAILED":
            raise ExportTaskFailedError(f"export task {task.uid} failed", task)
        where = {"where": {"id": task.uid}, "streamType": stream.value}
        sdk = task._sdk("result" if stream is StreamType.RESULT else "errors")
        data = await self._client._execute_operation(
            ops.GET_EXPORT_METADATA_HEADER, where, sdk_method=sdk, error_log_key="errors"
        )
        header = dig(data, ("task", "exportMetadataHeader"))
        if not header:
            return
        total = int(header.get("totalSize") or 0)

        async def chunk_bytes() -> AsyncIterator[bytes]:
            offset = 0
            while offset < total:
                data = await self._client._execute_operation(
                    ops.GET_EXPORT_FILE_FROM_OFFSET,
                    {**where, "offset": str(offset)},
                    sdk_method=sdk,
                    error_log_key="errors",
                )
                info = dig(data, ("task", "exportFileFromOffset"))
                try:
                    start = int(info["offsets"]["start"])
                    end = int(info["offsets"]["end"])
                    url = str(info["file"])
                except (KeyError, TypeError, ValueError):
                    raise LabelboxError(
                        f"task {task.uid} has no {stream.value} export file at offset {offset}"
                    ) from None
                if end < offset or end < start:
                    raise LabelboxError(
                        f"export offsets do not advance ({start}-{end} at {offset})"
                    )
                async for piece in self._client._transport.download(
                    url, timeout=30.0, expected_length=end - start + 1
                ):
                    yield piece
                offset = end + 1

        async for line in split_lines(chunk_bytes()):
            yield _json_line(line)

    async def upsert_result_items(self, task: DataUpsertTask) -> AsyncIterator[dict[str, Any]]:
        pages = self._client._paginate_cursor(
            ops.SUCCESSFUL_DATA_ROW_IMPORTS,
            {"taskId": task.uid},
            nodes_path=("successesfulDataRowImports", "nodes"),
            cursor_path=("successesfulDataRowImports", "after"),
            parse=_created_row,
            sdk_method=task._sdk("result"),
            page_size=ops.DOWNLOAD_RESULT_PAGE_SIZE,
        )
        async with pages:
            async for row in pages:
                yield row

    async def upsert_error_items(self, task: DataUpsertTask) -> AsyncIterator[Any]:
        pages = self._client._paginate_cursor(
            ops.FAILED_DATA_ROW_IMPORTS,
            {"taskId": task.uid},
            nodes_path=("failedDataRowImports", "results"),
            cursor_path=("failedDataRowImports", "after"),
            parse=_failed_row,
            sdk_method=task._sdk("errors"),
            page_size=ops.DOWNLOAD_RESULT_PAGE_SIZE,
        )
        async with pages:
            async for err in pages:
                yield err
        if task.status == "FAILED" and task.result_url and not task.result_url.startswith("http"):
            for obj in _json_items(_loads_or_text(task.result_url)):
                yield obj
