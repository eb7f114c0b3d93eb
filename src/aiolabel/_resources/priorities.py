"""Labelling priorities: labelling-parameter overrides, priority-update and queue-move tasks,
task queues."""

from __future__ import annotations

import json
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from aiolabel._concurrency import Progress
from aiolabel._operations import Operation
from aiolabel._operations import labeling_parameter_overrides as lpo_ops
from aiolabel._operations import task_queues as queue_ops
from aiolabel._resources._base import Resource
from aiolabel._validation import (
    check_identifiers,
    check_int32_priority,
    check_optional_str,
    check_override,
    check_positive_int,
    check_timeout,
)
from aiolabel.enums import IdType
from aiolabel.errors import InputError, InputTypeError, LabelboxError
from aiolabel.identifiers import GlobalKeys, Identifiable, UniqueIds
from aiolabel.models.create_batches_task import inline_failures
from aiolabel.models.labeling import LabelingParameterOverride
from aiolabel.models.project import LabelingParameterOverrideInput, Project
from aiolabel.models.task import Task
from aiolabel.models.task_queue import TaskQueue
from aiolabel.pagination import OffsetPaginator, dig

if TYPE_CHECKING:
    from aiolabel.client import AsyncClient

__all__ = ["LPO_CHUNK_SIZE", "PRIORITY_UPDATE_CHUNK_SIZE", "QUEUE_MOVE_CHUNK_SIZE", "Priorities"]

LPO_CHUNK_SIZE = 1_000
"""Overrides per ``setLabelingParameterOverrides`` request (the service's limit per call)."""
PRIORITY_UPDATE_CHUNK_SIZE = 1_000_000
"""Rows per ``createQueuePriorityUpdateTask`` (the official docstring's limit per call)."""
QUEUE_MOVE_CHUNK_SIZE = 1_000_000
"""Rows per ``createBulkAddRowsToQueueTask``."""


def _failure_detail(task: Task) -> str:
    """The errors a failed project task carries (inline JSON in ``result`` or ``errors``)."""
    items = inline_failures(task)
    if not items and task.errors_url and not task.errors_url.startswith(("http://", "https://")):
        try:
            items = [json.loads(task.errors_url)]
        except ValueError:
            items = [task.errors_url]
    return json.dumps(items[0] if len(items) == 1 else items or None)


def _started(client: AsyncClient, answer: Mapping[str, Any], root: str) -> Task:
    task_id = dig(answer, ("project", root, "taskId"))
    if not isinstance(task_id, str):
        raise LabelboxError(f"{root} answered no task id")
    return Task._started(client, task_id)


def _no_duplicate_identifiers(pairs: Sequence[tuple[Identifiable, int]]) -> None:
    seen: set[Identifiable] = set()
    for index, (identifier, _) in enumerate(pairs):
        if identifier in seen:
            raise InputError(f"data[{index}]: {identifier!r} appears more than once")
        seen.add(identifier)


async def _checked_overrides(
    source: Iterable[Any] | AsyncIterable[Any],
) -> AsyncIterator[tuple[Identifiable, int]]:
    """Pairs of a stream, checked as they are read; an identifier repeated within one request's
    pairs raises when reached (only that request's identifiers are kept)."""
    seen: set[Identifiable] = set()
    index = 0

    def check(pair: object) -> tuple[Identifiable, int]:
        nonlocal seen
        if index % LPO_CHUNK_SIZE == 0:
            seen = set()
        identifier, priority = check_override(pair, index)
        if identifier in seen:
            raise InputError(f"data[{index}]: {identifier!r} appears more than once")
        seen.add(identifier)
        return identifier, priority

    if isinstance(source, AsyncIterable):
        async for pair in source:
            yield check(pair)
            index += 1
    else:
        for pair in source:
            yield check(pair)
            index += 1


def _check_task_options(wait: object, max_concurrency: object, timeout_seconds: object) -> None:
    """The options of a task-starting bulk call, checked before its first request."""
    if not isinstance(wait, bool):
        raise InputTypeError("wait must be a bool")
    if max_concurrency is not None:
        check_positive_int("max_concurrency", max_concurrency)
    check_timeout(timeout_seconds)


class Priorities(Resource):
    """Where and when rows are labelled: overrides, priorities, task queues."""

    __slots__ = ()

    async def set_labeling_parameter_overrides(
        self,
        project: Project,
        data: Iterable[LabelingParameterOverrideInput]
        | AsyncIterable[LabelingParameterOverrideInput],
        *,
        max_concurrency: int | None = None,
        progress: Progress | None = None,
    ) -> bool:
        if isinstance(data, str | bytes) or not isinstance(data, Iterable | AsyncIterable):
            raise InputTypeError("data must be a list or an (async) iterable of pairs")
        if max_concurrency is not None:
            max_concurrency = check_positive_int("max_concurrency", max_concurrency)
        plain: lpo_ops.CheckedOverrides | None = None
        if isinstance(data, Sequence):
            if not data:
                raise InputError("data must not be empty")
            plain = lpo_ops.CheckedOverrides.of(data, LPO_CHUNK_SIZE)  # at C speed
            if plain is not None:  # all plain and distinct: its chunks need no second check
                checked: list[Any] = plain.pairs
            else:
                checked = [check_override(pair, i) for i, pair in enumerate(data)]
                _no_duplicate_identifiers(checked)
            source: Iterable[Any] | AsyncIterable[Any] = checked
        else:
            source = _checked_overrides(data)
        sdk = project._sdk("set_labeling_parameter_overrides")

        async def send(chunk: list[tuple[Identifiable, int]]) -> bool:
            if plain is not None:
                built = plain.request(project.uid, chunk)
            else:
                built = lpo_ops.set_labeling_parameter_overrides(project.uid, chunk)
            answer = await self._client._execute_operation(
                built.operation, built.variables, sdk_method=sdk, expect_one=True
            )
            if dig(answer, ("project", "setLabelingParameterOverrides", "success")) is not True:
                raise LabelboxError("setLabelingParameterOverrides answered success: false")
            return True

        results = await self._client._run_chunks(
            source,
            send,
            chunk_size=LPO_CHUNK_SIZE,
            max_concurrency=max_concurrency,
            progress=progress,
        )
        if not results:
            raise InputError("data must not be empty")
        return True

    def labeling_parameter_overrides(
        self, project: Project
    ) -> OffsetPaginator[LabelingParameterOverride]:
        return self._client._paginate_offset(
            lpo_ops.GET_PROJECT_LABELING_PARAMETER_OVERRIDES,
            {"param_0": project.uid},
            ("project", "labelingParameterOverrides"),
            lambda node: LabelingParameterOverride.from_wire(self._client, node),
            sdk_method=project._sdk("labeling_parameter_overrides"),
        )

    async def update_data_row_labeling_priority(
        self,
        project: Project,
        data_rows: UniqueIds | GlobalKeys,
        priority: int,
        *,
        wait: bool = True,
        max_concurrency: int | None = None,
        timeout_seconds: float = 300.0,
    ) -> bool | list[Task]:
        id_type, keys = check_identifiers(data_rows, "data_rows")
        priority = check_int32_priority(priority)
        _check_task_options(wait, max_concurrency, timeout_seconds)
        tasks = await self._row_tasks(
            project,
            lpo_ops.CREATE_QUEUE_PRIORITY_UPDATE_TASK,
            {"priority": priority, "projectId": project.uid},
            "createQueuePriorityUpdateTask",
            id_type,
            keys,
            chunk_size=PRIORITY_UPDATE_CHUNK_SIZE,
            sdk_method=project._sdk("update_data_row_labeling_priority"),
            max_concurrency=max_concurrency,
        )
        if not wait:
            return tasks
        await self._finish(
            project, tasks, "Priority was not updated successfully: ", timeout_seconds
        )
        return True

    async def task_queues(self, project: Project) -> list[TaskQueue]:
        data = await self._client._execute_operation(
            queue_ops.GET_PROJECT_TASK_QUEUES,
            {"projectId": project.uid},
            sdk_method=project._sdk("task_queues"),
            expect_one=True,
        )
        found = dig(data, ("project", "taskQueues"))
        if not isinstance(found, list):
            raise LabelboxError(f"no task queues for project {project.uid}")
        return [TaskQueue.from_wire(self._client, node) for node in found]

    async def move_data_rows_to_task_queue(
        self,
        project: Project,
        data_row_ids: UniqueIds | GlobalKeys,
        task_queue_id: str | None = None,
        *,
        wait: bool = True,
        max_concurrency: int | None = None,
        timeout_seconds: float = 300.0,
    ) -> list[Task] | None:
        id_type, keys = check_identifiers(data_row_ids, "data_row_ids")
        queue_id = check_optional_str("task_queue_id", task_queue_id)
        _check_task_options(wait, max_concurrency, timeout_seconds)
        tasks = await self._row_tasks(
            project,
            queue_ops.ADD_DATA_ROWS_TO_TASK_QUEUE_ASYNC,
            {"projectId": project.uid, "queueId": queue_id},
            "createBulkAddRowsToQueueTask",
            id_type,
            keys,
            chunk_size=QUEUE_MOVE_CHUNK_SIZE,
            sdk_method=project._sdk("move_data_rows_to_task_queue"),
            max_concurrency=max_concurrency,
        )
        if not wait:
            return tasks
        await self._finish(
            project, tasks, "Data rows were not moved successfully: ", timeout_seconds
        )
        return None

    async def _row_tasks(
        self,
        project: Project,
        op: Operation,
        variables: dict[str, Any],
        root: str,
        id_type: IdType,
        keys: list[str],
        *,
        chunk_size: int,
        sdk_method: str,
        max_concurrency: int | None,
    ) -> list[Task]:
        if max_concurrency is not None:
            max_concurrency = check_positive_int("max_concurrency", max_concurrency)

        async def start(chunk: list[str]) -> Task:
            identifiers = {"ids": chunk, "idType": id_type.value}
            answer = await self._client._execute_operation(
                op,
                {**variables, "dataRowIdentifiers": identifiers},
                sdk_method=sdk_method,
                expect_one=True,
            )
            return _started(self._client, answer, root)

        if len(keys) <= chunk_size:  # one request: its own error, not a one-chunk report
            return [await start(keys)]
        tasks: list[Task] = await self._client._run_chunks(
            keys, start, chunk_size=chunk_size, max_concurrency=max_concurrency
        )
        return tasks

    async def _finish(
        self, project: Project, tasks: list[Task], message: str, timeout_seconds: float
    ) -> None:
        await self._client.wait_for_tasks(tasks, timeout_seconds=timeout_seconds)
        failed = [task for task in tasks if task.status != "COMPLETE"]
        if failed:
            raise LabelboxError(message + "; ".join(_failure_detail(t) for t in failed))
