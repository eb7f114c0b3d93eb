"""Project: the labelling project, its batches, priorities, queues and exports (wire doc §5)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar, overload

from pydantic import BaseModel, Field

from aiolabel import _batch_create
from aiolabel._concurrency import Progress
from aiolabel._operations import Operation
from aiolabel._operations import _builder as builder
from aiolabel._operations import batches as batch_ops
from aiolabel._operations import labeling_parameter_overrides as lpo_ops
from aiolabel._operations import projects as ops
from aiolabel._operations import task_queues as queue_ops
from aiolabel._operations._entities import PROJECT
from aiolabel._project_input import check_sequence, pick_rows
from aiolabel._validation import (
    check_batch_priority,
    check_identifiers,
    check_int32_priority,
    check_media_type,
    check_optional_str,
    check_override,
    check_positive_int,
    check_str,
    check_timeout,
)
from aiolabel.enums import IdType, MediaType
from aiolabel.errors import InputError, InputTypeError, LabelboxError
from aiolabel.identifiers import GlobalKeys, Identifiable, UniqueIds
from aiolabel.models.base import DateTime, Model
from aiolabel.models.batch import Batch, ConsensusSettings
from aiolabel.models.create_batches_task import CreateBatchesTask, inline_failures
from aiolabel.models.labeling import LabelingParameterOverride
from aiolabel.models.member import ProjectMember
from aiolabel.models.task import Task
from aiolabel.models.task_queue import TaskQueue
from aiolabel.pagination import CursorPaginator, OffsetPaginator, dig
from aiolabel.types import ExportFilters, ExportParams

if TYPE_CHECKING:
    from aiolabel.client import AsyncClient
    from aiolabel.models.admin import ResourceTag
    from aiolabel.models.project_activity import LabelerPerformance
    from aiolabel.models.user import Organization, User
    from aiolabel.models.webhook import Webhook

__all__ = ["LabelingParameterOverrideInput", "Project"]

LPO_CHUNK_SIZE = 1_000
"""Overrides per ``setLabelingParameterOverrides`` request (the service's limit per call)."""
PRIORITY_UPDATE_CHUNK_SIZE = 1_000_000
"""Rows per ``createQueuePriorityUpdateTask`` (the official docstring's limit per call)."""
QUEUE_MOVE_CHUNK_SIZE = 1_000_000
"""Rows per ``createBulkAddRowsToQueueTask``."""

LabelingParameterOverrideInput = tuple[Identifiable, int]
"""``(UniqueId | GlobalKey, priority)``."""

_M = TypeVar("_M", bound=BaseModel)

_READ_ONLY = frozenset({"uid", "created_at", "updated_at", "data_row_count", "last_activity_time"})
"""Project fields ``update`` refuses (the server sets them)."""


def _consensus(value: object) -> dict[str, Any] | None:
    return None if value is None else ConsensusSettings.coerce(value).to_wire()


def _failure_detail(task: Task) -> str:
    """The errors a failed project task carries (inline JSON in ``result`` or ``errors``)."""
    items = inline_failures(task)
    if not items and task.errors_url and not task.errors_url.startswith(("http://", "https://")):
        try:
            items = [json.loads(task.errors_url)]
        except ValueError:
            items = [task.errors_url]
    return json.dumps(items[0] if len(items) == 1 else items or None)


class Project(Model):
    """A labelling project, with the official SDK's attribute names (``media_type`` is the
    wire's ``allowedMediaType``)."""

    __entity__ = "Project"

    uid: str = Field(alias="id")
    name: str | None = None
    description: str | None = None
    updated_at: DateTime | None = None
    created_at: DateTime | None = None
    setup_complete: DateTime | None = None
    last_activity_time: DateTime | None = None
    auto_audit_number_of_labels: int | None = None
    auto_audit_percentage: float | None = None
    media_type: MediaType | None = Field(default=None, alias="allowedMediaType")
    editor_task_type: str | None = None
    data_row_count: int | None = None
    model_setup_complete: bool | None = None
    upload_type: str | None = None
    is_benchmark_enabled: bool | None = None
    is_consensus_enabled: bool | None = None

    _wait_processing_max_seconds: ClassVar[float] = 3600.0
    """How long batch creation waits for data rows to be processed (as the official SDK)."""

    def _sdk(self, method: str) -> str:
        return f"Project:{method}"

    def is_chat_evaluation(self) -> bool:
        return (
            self.media_type is MediaType.Conversational
            and self.editor_task_type == "MODEL_CHAT_EVALUATION"
        )

    def is_auto_data_generation(self) -> bool:
        return self.upload_type == "AUTO"

    # -- the project itself ------------------------------------------------------------------

    async def update(self, **kwargs: Any) -> Project:
        """Set fields (``name=``, ``description=``...); this project is updated in place, as in
        the official SDK, and returned."""
        if not kwargs:
            raise InputError("update needs at least one field, e.g. update(name='x')")
        data: dict[str, Any] = {}
        for key, value in kwargs.items():
            spec = PROJECT.field(key)
            if spec is None or key == "deleted" or key in _READ_ONLY:
                settable = sorted(f.name for f in PROJECT.fields if f.name not in _READ_ONLY)
                raise InputError(f"{key}: not a Project field update accepts ({settable})")
            if key == "media_type":
                value = check_media_type(value)
            _check_field_value(key, spec.type, value)
            if isinstance(value, datetime) and (value.tzinfo is None or value.utcoffset() is None):
                raise InputError(f"{key}: a datetime needs a time zone")
            data[key] = value
        built = builder.update(PROJECT, self.uid, data)
        data_out = await self.client._execute_operation(
            built.operation, built.variables, sdk_method=self._sdk("update"), expect_one=True
        )
        updated = data_out.get("updateProject")
        if not isinstance(updated, dict):
            raise LabelboxError(f"updateProject answered no project for {self.uid}")
        return self._refresh_from(Project.from_wire(self.client, updated))

    async def delete(self) -> None:
        """Delete the project (a soft delete, as in the official SDK)."""
        await self.client._execute_operation(
            ops.DELETE_PROJECT, {"ProjectId": self.uid}, sdk_method=self._sdk("delete")
        )

    async def get_label_count(self) -> int:
        """The number of labels in this project."""
        data = await self.client._execute_operation(
            ops.LABEL_COUNT,
            {"projectId": self.uid},
            sdk_method=self._sdk("get_label_count"),
            expect_one=True,
        )
        count = dig(data, ("project", "labelCount"))
        if isinstance(count, bool) or not isinstance(count, int):
            raise LabelboxError(f"no label count for project {self.uid}")
        return count

    async def created_by(self) -> User:
        return await self.client._admin.project_created_by(self.uid)

    async def organization(self) -> Organization:
        return await self.client._admin.project_organization(self.uid)

    async def update_project_resource_tags(
        self, resource_tag_ids: Sequence[str]
    ) -> list[ResourceTag]:
        return await self.client._admin.update_project_resource_tags(self.uid, resource_tag_ids)

    async def get_resource_tags(self) -> list[ResourceTag]:
        return await self.client._admin.project_resource_tags(self.uid)

    def webhooks(self) -> OffsetPaginator[Webhook]:
        return self.client._webhooks.project_webhooks(self.uid)

    def labeler_performance(self) -> OffsetPaginator[LabelerPerformance]:
        return self.client._project_activity.labeler_performance(self.uid)

    async def review_metrics(self, net_score: Any) -> int:
        """Labels whose reviews net to ``net_score`` (None or ``Review.NetScore`` / its name)."""
        return await self.client._project_activity.review_metrics(self.uid, net_score)

    async def export_issues(self, status: str | None = None) -> str | None:
        return await self.client._project_activity.export_issues(self.uid, status)

    async def extend_reservations(self, queue_type: str) -> int:
        return await self.client._project_activity.extend_reservations(self.uid, queue_type)

    def members(self) -> OffsetPaginator[ProjectMember]:
        """The project's members (``async for member in project.members()``)."""
        return self.client._paginate_offset(
            ops.PROJECT_MEMBERS,
            {"projectId": self.uid},
            ("project", "members"),
            lambda node: ProjectMember.from_wire(self.client, node),
            sdk_method=self._sdk("members"),
        )

    async def export(
        self,
        task_name: str | None = None,
        filters: ExportFilters | Mapping[str, Any] | None = None,
        params: ExportParams | Mapping[str, Any] | None = None,
    ) -> Task:
        """Start an export of the project's data rows; returns the export task, whose
        ``result()`` streams one dict per exported row once it is done.

        ``filters``: ``last_activity_at``, ``label_created_at`` (pairs of dates), ``data_row_ids``
        or ``global_keys``, ``batch_ids``, ``workflow_status``; ``params``: ``attachments``,
        ``metadata_fields``, ``label_details``... (the official keys). The user's time zone is
        fetched only when a date filter needs it.
        """
        return await self.client._exports.project(self, task_name, filters, params)

    # -- batches -----------------------------------------------------------------------------

    def _check_batchable(self) -> None:
        if self.is_auto_data_generation() and not self.is_chat_evaluation():
            raise InputError("Cannot create batches for auto data generation projects")

    @overload
    async def create_batch(
        self,
        name: str,
        data_rows: Iterable[Any] | None = None,
        priority: int = 5,
        consensus_settings: ConsensusSettings | Mapping[str, Any] | None = None,
        global_keys: Iterable[str] | None = None,
        *,
        wait: Literal[True] = True,
    ) -> Batch: ...

    @overload
    async def create_batch(
        self,
        name: str,
        data_rows: Iterable[Any] | None = None,
        priority: int = 5,
        consensus_settings: ConsensusSettings | Mapping[str, Any] | None = None,
        global_keys: Iterable[str] | None = None,
        *,
        wait: Literal[False],
    ) -> CreateBatchesTask: ...

    async def create_batch(
        self,
        name: str,
        data_rows: Iterable[Any] | None = None,
        priority: int = 5,
        consensus_settings: ConsensusSettings | Mapping[str, Any] | None = None,
        global_keys: Iterable[str] | None = None,
        *,
        wait: bool = True,
    ) -> Batch | CreateBatchesTask:
        """Create a batch of at most 100,000 rows, given by ``data_rows`` (ids or DataRow
        objects) or ``global_keys`` (one of the two).

        ``priority``: 1 (highest) to 5 (lowest). ``consensus_settings``: ``{"number_of_labels":
        3, "coverage_percentage": 0.1}``. Waits for the rows to be processed first (backoff,
        bounded by ``Project._wait_processing_max_seconds``: :class:`ProcessingWaitTimeout`).
        Under 1,000 rows the batch is made in one request; otherwise it is created empty and
        filled by a task. Returns the Batch, whose ``failed_data_row_ids`` lists the rows the
        server refused; with ``wait=False`` returns at once a :class:`CreateBatchesTask` for
        that batch.
        """
        name = check_str("name", name)
        priority = check_batch_priority(priority)
        consensus = _consensus(consensus_settings)
        if not isinstance(wait, bool):
            raise InputTypeError("wait must be a bool")
        kind, source = pick_rows(data_rows, global_keys)
        if isinstance(source, AsyncIterable) or not isinstance(source, Sequence):
            source = _bounded_list(source, kind, _batch_create.MAX_BATCH_ROWS)
        keys = check_sequence(source, kind, max_rows=_batch_create.MAX_BATCH_ROWS)
        self._check_batchable()
        return await _batch_create.create_batch(
            self.client,
            self.uid,
            name,
            kind,
            keys,
            priority,
            consensus,
            wait=wait,
            processing_timeout=self._wait_processing_max_seconds,
        )

    async def create_batches(
        self,
        name_prefix: str,
        data_rows: Iterable[Any] | AsyncIterable[Any] | None = None,
        global_keys: Iterable[str] | AsyncIterable[str] | None = None,
        priority: int = 5,
        consensus_settings: ConsensusSettings | Mapping[str, Any] | None = None,
        *,
        max_concurrency: int | None = None,
        progress: Progress | None = None,
    ) -> CreateBatchesTask:
        """Create batches of at most 100,000 rows each, named ``<name_prefix>0000``,
        ``<name_prefix>0001``... (as the server names them), from any number of rows.

        ``data_rows`` (ids or DataRow objects) or ``global_keys``: a list, an iterable or an
        async iterable, read as it is sent. A list is checked whole for repeated rows before
        the first request; a stream within each batch as it is read (memory stays flat; a row
        repeated in another batch is reported per item by the batch's task). If any of the
        names is already taken nothing is created (:class:`ResourceConflict`). Batches are
        created concurrently (at most ``max_concurrency`` at once, default 2, capped by the
        client's); ``progress(rows_sent, total_or_None)`` is called as each batch is created.
        Returns one :class:`CreateBatchesTask`: ``await task.wait_till_done()``, then ``await
        task.result()`` (the batches) and ``await task.errors()``. If some batches could not be
        created, or the input raised midway, :class:`PartialFailureError` says which (see
        :func:`aiolabel._batch_create.create_batches`).
        """
        prefix = check_str("name_prefix", name_prefix)
        priority = check_batch_priority(priority)
        consensus = _consensus(consensus_settings)
        if max_concurrency is not None:
            max_concurrency = check_positive_int("max_concurrency", max_concurrency)
        kind, source = pick_rows(data_rows, global_keys)
        self._check_batchable()
        return await _batch_create.create_batches(
            self.client,
            self.uid,
            prefix,
            kind,
            source,
            priority,
            consensus,
            max_concurrency=max_concurrency,
            progress=progress,
            processing_timeout=self._wait_processing_max_seconds,
        )

    async def create_batches_from_dataset(
        self,
        name_prefix: str,
        dataset_id: str,
        priority: int = 5,
        consensus_settings: ConsensusSettings | Mapping[str, Any] | None = None,
    ) -> CreateBatchesTask:
        """Create batches (``<name_prefix>0000``...) from every row of a dataset not yet in the
        project; returns the :class:`CreateBatchesTask` (no processing wait, as officially)."""
        prefix = check_str("name_prefix", name_prefix)
        dataset_id = check_str("dataset_id", dataset_id)
        priority = check_batch_priority(priority)
        consensus = _consensus(consensus_settings)
        sdk = self._sdk("create_batches_from_dataset")
        data = await self.client._execute_operation(
            batch_ops.CREATE_BATCHES_FROM_DATASET,
            {
                "projectId": self.uid,
                "input": {
                    "batchNamePrefix": prefix,
                    "datasetId": dataset_id,
                    "priority": priority,
                    "consensusSettings": consensus,
                },
            },
            sdk_method=sdk,
            reconcile=_batch_create._created_but_unanswered(
                self.client, self.uid, f"{prefix}0000", sdk
            ),
            expect_one=True,
        )
        tasks = dig(data, ("project", "createBatchesFromDataset", "tasks"))
        return _batch_create.tasks_handle(self.client, self.uid, tasks)

    def batches(self) -> CursorPaginator[Batch]:
        """The project's batches (``async for batch in project.batches()``)."""
        return self.client._paginate_cursor(
            batch_ops.GET_PROJECT_BATCHES,
            {"projectId": self.uid},
            nodes_path=("project", "batches", "nodes"),
            cursor_path=("project", "batches", "pageInfo", "endCursor"),
            has_next_path=("project", "batches", "pageInfo", "hasNextPage"),
            parse=lambda node: Batch._parse(self.client, self.uid, node),
            sdk_method=self._sdk("batches"),
        )

    # -- priorities --------------------------------------------------------------------------

    async def set_labeling_parameter_overrides(
        self,
        data: Iterable[LabelingParameterOverrideInput]
        | AsyncIterable[LabelingParameterOverrideInput],
        *,
        max_concurrency: int | None = None,
        progress: Progress | None = None,
    ) -> bool:
        """Set queue priorities: ``[(UniqueId("dr1"), 2), (GlobalKey("gk"), 1)...]``.

        Any number of pairs (a list, an iterable or an async iterable), sent in requests of at
        most 1,000, several at once (``max_concurrency``, capped by the client's);
        ``progress(pairs_done, total_or_None)`` after each request. A priority is any signed
        32-bit integer, lower first. A repeated identifier raises :class:`InputError`: a list is
        checked whole before the first request, a stream within each request's 1,000 pairs as it
        is read (memory stays flat; a repeat in a later request sets the priority again). Returns
        True; if some requests failed, :class:`PartialFailureError` lists exactly the pairs not
        applied (``failed_items``).
        """
        if isinstance(data, str | bytes) or not isinstance(data, Iterable | AsyncIterable):
            raise InputTypeError("data must be a list or an (async) iterable of pairs")
        if max_concurrency is not None:
            max_concurrency = check_positive_int("max_concurrency", max_concurrency)
        if isinstance(data, Sequence):
            if not data:
                raise InputError("data must not be empty")
            checked = [check_override(pair, i) for i, pair in enumerate(data)]
            _no_duplicate_identifiers(checked)
            source: Iterable[Any] | AsyncIterable[Any] = checked
        else:
            source = _checked_overrides(data)
        sdk = self._sdk("set_labeling_parameter_overrides")

        async def send(chunk: list[tuple[Identifiable, int]]) -> bool:
            built = lpo_ops.set_labeling_parameter_overrides(self.uid, chunk)
            answer = await self.client._execute_operation(
                built.operation, built.variables, sdk_method=sdk, expect_one=True
            )
            if dig(answer, ("project", "setLabelingParameterOverrides", "success")) is not True:
                raise LabelboxError("setLabelingParameterOverrides answered success: false")
            return True

        results = await self.client._run_chunks(
            source,
            send,
            chunk_size=LPO_CHUNK_SIZE,
            max_concurrency=max_concurrency,
            progress=progress,
        )
        if not results:
            raise InputError("data must not be empty")
        return True

    def labeling_parameter_overrides(self) -> OffsetPaginator[LabelingParameterOverride]:
        """Every queued row's override (priority, number of labels, data row)."""
        return self.client._paginate_offset(
            lpo_ops.GET_PROJECT_LABELING_PARAMETER_OVERRIDES,
            {"param_0": self.uid},
            ("project", "labelingParameterOverrides"),
            lambda node: LabelingParameterOverride.from_wire(self.client, node),
            sdk_method=self._sdk("labeling_parameter_overrides"),
        )

    @overload
    async def update_data_row_labeling_priority(
        self,
        data_rows: UniqueIds | GlobalKeys,
        priority: int,
        *,
        wait: Literal[True] = True,
        max_concurrency: int | None = None,
        timeout_seconds: float = 300.0,
    ) -> bool: ...

    @overload
    async def update_data_row_labeling_priority(
        self,
        data_rows: UniqueIds | GlobalKeys,
        priority: int,
        *,
        wait: Literal[False],
        max_concurrency: int | None = None,
        timeout_seconds: float = 300.0,
    ) -> list[Task]: ...

    async def update_data_row_labeling_priority(
        self,
        data_rows: UniqueIds | GlobalKeys,
        priority: int,
        *,
        wait: bool = True,
        max_concurrency: int | None = None,
        timeout_seconds: float = 300.0,
    ) -> bool | list[Task]:
        """Give many rows one priority (signed 32-bit, lower first) with server-side tasks.

        Rows beyond 1,000,000 per request are split into several tasks, started concurrently
        and waited for in one polling loop. Returns True (a failed task raises
        :class:`LabelboxError` with its errors); with ``wait=False`` returns the tasks at once.
        """
        id_type, keys = check_identifiers(data_rows, "data_rows")
        priority = check_int32_priority(priority)
        _check_task_options(wait, max_concurrency, timeout_seconds)
        tasks = await self._row_tasks(
            lpo_ops.CREATE_QUEUE_PRIORITY_UPDATE_TASK,
            {"priority": priority, "projectId": self.uid},
            "createQueuePriorityUpdateTask",
            id_type,
            keys,
            chunk_size=PRIORITY_UPDATE_CHUNK_SIZE,
            sdk_method=self._sdk("update_data_row_labeling_priority"),
            max_concurrency=max_concurrency,
        )
        if not wait:
            return tasks
        await self._finish(tasks, "Priority was not updated successfully: ", timeout_seconds)
        return True

    # -- task queues -------------------------------------------------------------------------

    async def task_queues(self) -> list[TaskQueue]:
        """The project's task queues, in workflow order."""
        data = await self.client._execute_operation(
            queue_ops.GET_PROJECT_TASK_QUEUES,
            {"projectId": self.uid},
            sdk_method=self._sdk("task_queues"),
            expect_one=True,
        )
        found = dig(data, ("project", "taskQueues"))
        if not isinstance(found, list):
            raise LabelboxError(f"no task queues for project {self.uid}")
        return [TaskQueue.from_wire(self.client, node) for node in found]

    @overload
    async def move_data_rows_to_task_queue(
        self,
        data_row_ids: UniqueIds | GlobalKeys,
        task_queue_id: str | None = None,
        *,
        wait: Literal[True] = True,
        max_concurrency: int | None = None,
        timeout_seconds: float = 300.0,
    ) -> None: ...

    @overload
    async def move_data_rows_to_task_queue(
        self,
        data_row_ids: UniqueIds | GlobalKeys,
        task_queue_id: str | None = None,
        *,
        wait: Literal[False],
        max_concurrency: int | None = None,
        timeout_seconds: float = 300.0,
    ) -> list[Task]: ...

    async def move_data_rows_to_task_queue(
        self,
        data_row_ids: UniqueIds | GlobalKeys,
        task_queue_id: str | None = None,
        *,
        wait: bool = True,
        max_concurrency: int | None = None,
        timeout_seconds: float = 300.0,
    ) -> list[Task] | None:
        """Move rows to a task queue of this project (``task_queue_id=None``: to Done).

        Waits for the move (a failed task raises :class:`LabelboxError`); with ``wait=False``
        returns the tasks at once.
        """
        id_type, keys = check_identifiers(data_row_ids, "data_row_ids")
        queue_id = check_optional_str("task_queue_id", task_queue_id)
        _check_task_options(wait, max_concurrency, timeout_seconds)
        tasks = await self._row_tasks(
            queue_ops.ADD_DATA_ROWS_TO_TASK_QUEUE_ASYNC,
            {"projectId": self.uid, "queueId": queue_id},
            "createBulkAddRowsToQueueTask",
            id_type,
            keys,
            chunk_size=QUEUE_MOVE_CHUNK_SIZE,
            sdk_method=self._sdk("move_data_rows_to_task_queue"),
            max_concurrency=max_concurrency,
        )
        if not wait:
            return tasks
        await self._finish(tasks, "Data rows were not moved successfully: ", timeout_seconds)
        return None

    # -- shared ------------------------------------------------------------------------------

    async def _row_tasks(
        self,
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
        """Start one task per ``chunk_size`` rows: ``op`` with ``variables`` and the chunk as
        ``dataRowIdentifiers``, answering ``{project: {root: {taskId}}}``; chunks run
        concurrently through the chunk runner."""
        if max_concurrency is not None:
            max_concurrency = check_positive_int("max_concurrency", max_concurrency)

        async def start(chunk: list[str]) -> Task:
            identifiers = {"ids": chunk, "idType": id_type.value}
            answer = await self.client._execute_operation(
                op,
                {**variables, "dataRowIdentifiers": identifiers},
                sdk_method=sdk_method,
                expect_one=True,
            )
            return _started(self.client, answer, root)

        if len(keys) <= chunk_size:  # one request: its own error, not a one-chunk report
            return [await start(keys)]
        tasks: list[Task] = await self.client._run_chunks(
            keys, start, chunk_size=chunk_size, max_concurrency=max_concurrency
        )
        return tasks

    async def _finish(self, tasks: list[Task], message: str, timeout_seconds: float) -> None:
        await self.client.wait_for_tasks(tasks, timeout_seconds=timeout_seconds)
        failed = [task for task in tasks if task.status != "COMPLETE"]
        if failed:
            raise LabelboxError(message + "; ".join(_failure_detail(t) for t in failed))


def _started(client: AsyncClient, answer: Mapping[str, Any], root: str) -> Task:
    task_id = dig(answer, ("project", root, "taskId"))
    if not isinstance(task_id, str):
        raise LabelboxError(f"{root} answered no task id")
    return Task.from_wire(client, {"id": task_id, "status": "IN_PROGRESS"})


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


def _bounded_list(source: Any, kind: str, limit: int) -> Any:
    """A list of an iterable's items, refusing more than ``limit`` (async iterables refused:
    ``create_batch`` takes a sized collection)."""
    if isinstance(source, AsyncIterable):
        raise InputTypeError(f"{kind}: create_batch takes a list; use create_batches for streams")
    out: list[Any] = []
    for item in source:
        out.append(item)
        if len(out) > limit:
            raise InputError(
                f"{kind}: at most {limit:,} rows per batch; use create_batches for more"
            )
    return out


def _check_task_options(wait: object, max_concurrency: object, timeout_seconds: object) -> None:
    """The options of a task-starting bulk call, checked before its first request."""
    if not isinstance(wait, bool):
        raise InputTypeError("wait must be a bool")
    if max_concurrency is not None:
        check_positive_int("max_concurrency", max_concurrency)
    check_timeout(timeout_seconds)


_FIELD_TYPES: dict[str, type | tuple[type, ...]] = {
    "String": str,
    "Int": int,
    "Float": (int, float),
    "Boolean": bool,
    "DateTime": datetime,
}


def _check_field_value(key: str, graphql_type: str, value: object) -> None:
    """A value of the type the field declares (None clears a field); a name is never empty."""
    wanted = _FIELD_TYPES.get(graphql_type)
    if value is None or wanted is None:
        return
    if isinstance(value, bool) and wanted is not bool:
        raise InputTypeError(f"{key} must be a {graphql_type}, got bool")
    if not isinstance(value, wanted):
        raise InputTypeError(f"{key} must be a {graphql_type}, got {type(value).__name__}")
    if key == "name" and not str(value).strip():
        raise InputError("name must not be empty")
