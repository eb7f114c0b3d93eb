"""Project: the labelling project, its batches, priorities, queues and exports (wire doc §5)."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar, overload

from pydantic import BaseModel, Field

from aiolabel._concurrency import Progress
from aiolabel._validation import check_project_update
from aiolabel.enums import MediaType
from aiolabel.errors import InputError
from aiolabel.identifiers import GlobalKeys, Identifiable, UniqueIds
from aiolabel.models.annotation_import import BulkImportRequest
from aiolabel.models.base import DateTime, Model
from aiolabel.models.batch import Batch, ConsensusSettings
from aiolabel.models.create_batches_task import CreateBatchesTask
from aiolabel.models.label import Benchmark, Label
from aiolabel.models.labeling import LabelingParameterOverride
from aiolabel.models.member import ProjectMember
from aiolabel.models.task import Task
from aiolabel.models.task_queue import TaskQueue
from aiolabel.pagination import CursorPaginator, OffsetPaginator
from aiolabel.types import ExportFilters, ExportParams

if TYPE_CHECKING:
    from aiolabel._resources.annotation_imports import AnnotationImportReport
    from aiolabel.models.admin import ResourceTag
    from aiolabel.models.ontology import LabelingFrontend, LabelingFrontendOptions, Ontology
    from aiolabel.models.project_activity import LabelerPerformance
    from aiolabel.models.user import Organization, User
    from aiolabel.models.webhook import Webhook

__all__ = ["LabelingParameterOverrideInput", "Project"]

LabelingParameterOverrideInput = tuple[Identifiable, int]
"""``(UniqueId | GlobalKey, priority)``."""

_M = TypeVar("_M", bound=BaseModel)


_BATCH_ONLY = (
    "SDK 7.17 and the service removed queue modes: every project is in batch mode, so there is"
    " nothing to read or set (add data rows with `project.create_batch`)"
)


class Project(Model):
    """A labelling project, with the official SDK's attribute names (``media_type`` is the
    wire's ``allowedMediaType``)."""

    __entity__ = "Project"
    _OTHER_SPELLINGS: ClassVar[dict[str, str]] = {
        "setup": "SDK 7.x removed setup(frontend, options): connect an ontology with"
        " `await project.connect_ontology(await client.create_ontology(name, builder.asdict()))`",
        "queue_mode": _BATCH_ONLY,
        "get_queue_mode": _BATCH_ONLY,
        "export_labels": "SDK 7.17 removed it with the service's exportLabels: export with"
        " `task = await project.export(params=...)` and read `task.get_buffered_stream()`",
        "label_generator": "SDK 7.17 removed it with the exportLabels it read: export with"
        " `await project.export(params=...)` and read `task.get_buffered_stream()`",
        "bulk_import_requests": "SDK 7.17 removed bulk import requests and their listing:"
        " `await MALPredictionImport.from_name(client, project.uid, name)`",
    }

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

    # -- ontology and editor (aiolabel._resources.ontologies) --

    async def ontology(self) -> Ontology | None:
        """The connected ontology, or ``None``."""
        return await self.client._ontologies.project_ontology(self.uid)

    async def connect_ontology(self, ontology: Ontology) -> None:
        """Make ``ontology`` this project's (connecting the default editor when there is none)."""
        await self.client._ontologies.connect_ontology(self, ontology)

    async def setup_editor(self, ontology: Ontology) -> Project:
        """Connect the default editor and ``ontology``; the updated project (setup complete)."""
        return await self.client._ontologies.setup_editor(self, ontology)

    async def labeling_frontend(self) -> LabelingFrontend | None:
        return await self.client._ontologies.project_labeling_frontend(self.uid)

    def labeling_frontend_options(self) -> OffsetPaginator[LabelingFrontendOptions]:
        return self.client._ontologies.project_labeling_frontend_options(self.uid)

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
        data = check_project_update(kwargs)  # before the client: bad input needs none
        return self._refresh_from(await self.client._projects.update(self, data))

    async def delete(self) -> None:
        """Delete the project (a soft delete, as in the official SDK)."""
        return await self.client._projects.delete(self)

    async def get_label_count(self) -> int:
        """The number of labels in this project."""
        return await self.client._projects.get_label_count(self)

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

    async def export_v2(
        self,
        task_name: str | None = None,
        filters: ExportFilters | Mapping[str, Any] | None = None,
        params: ExportParams | Mapping[str, Any] | None = None,
    ) -> Task:
        """The same export as :meth:`export` (the official SDK's older name)."""
        return await self.export(task_name, filters, params)

    def export_queued_data_rows(
        self, timeout_seconds: float = 120, include_metadata: bool = False
    ) -> AsyncIterator[dict[str, Any]]:
        """``async for row in project.export_queued_data_rows()``: the rows waiting to be
        labelled (``id``, ``externalId``, ``globalKey``, ``rowData``), over the current export
        (the official SDK removed this call in 7.x)."""
        return self.client._legacy_exports.project_queued_data_rows(
            self, timeout_seconds, include_metadata
        )

    async def upsert_instructions(self, instructions_file: str) -> None:
        """Upload a PDF or HTML file as the labelling instructions (they belong to the project's
        ontology, so projects sharing it show them too); running it again replaces them."""
        await self.client._project_activity.upsert_instructions(self, instructions_file)

    async def export_issues(self, status: str | None = None) -> str | None:
        return await self.client._project_activity.export_issues(self.uid, status)

    async def extend_reservations(self, queue_type: str) -> int:
        return await self.client._project_activity.extend_reservations(self.uid, queue_type)

    def labels(
        self, datasets: Any = None, order_by: Any = None, created_by: Any = None
    ) -> OffsetPaginator[Label]:
        return self.client._labels.project_labels(self, datasets, order_by, created_by)

    def benchmarks(self) -> OffsetPaginator[Benchmark]:
        return self.client._labels.project_benchmarks(self)

    async def delete_labels_by_user(self, user_id: str) -> int:
        return await self.client._labels.delete_labels_by_user(self, user_id)

    async def enable_model_assisted_labeling(self, toggle: bool = True) -> bool:
        return await self.client._labels.enable_model_assisted_labeling(self, toggle)

    async def upload_annotations(
        self, name: str, annotations: Any, validate: bool = False
    ) -> BulkImportRequest:
        return await self.client._annotation_imports.upload_annotations(
            self, name, annotations, validate
        )

    async def import_annotations(
        self,
        name: str,
        annotations: Any,
        kind: str = "mal",
        annotations_per_import: int = 20_000,
        max_concurrency: int = 4,
        timeout_seconds: float = 86_400.0,
    ) -> AnnotationImportReport:
        return await self.client._annotation_imports.import_annotations(
            self, name, annotations, kind, annotations_per_import, max_concurrency, timeout_seconds
        )

    def members(self) -> OffsetPaginator[ProjectMember]:
        """The project's members (``async for member in project.members()``)."""
        return self.client._projects.members(self)

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
        return await self.client._batch_creation.create_batch(
            self, name, data_rows, priority, consensus_settings, global_keys, wait=wait
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
        :meth:`aiolabel._resources.batches.Batches.create_batches`).
        """
        return await self.client._batch_creation.create_batches(
            self,
            name_prefix,
            data_rows,
            global_keys,
            priority,
            consensus_settings,
            max_concurrency=max_concurrency,
            progress=progress,
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
        return await self.client._batch_creation.create_batches_from_dataset(
            self, name_prefix, dataset_id, priority, consensus_settings
        )

    def batches(self) -> CursorPaginator[Batch]:
        """The project's batches (``async for batch in project.batches()``)."""
        return self.client._batches.of_project(self)

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
        return await self.client._priorities.set_labeling_parameter_overrides(
            self, data, max_concurrency=max_concurrency, progress=progress
        )

    def labeling_parameter_overrides(self) -> OffsetPaginator[LabelingParameterOverride]:
        """Every queued row's override (priority, number of labels, data row)."""
        return self.client._priorities.labeling_parameter_overrides(self)

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
        return await self.client._priorities.update_data_row_labeling_priority(
            self,
            data_rows,
            priority,
            wait=wait,
            max_concurrency=max_concurrency,
            timeout_seconds=timeout_seconds,
        )

    # -- task queues -------------------------------------------------------------------------

    async def task_queues(self) -> list[TaskQueue]:
        """The project's task queues, in workflow order."""
        return await self.client._priorities.task_queues(self)

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
        return await self.client._priorities.move_data_rows_to_task_queue(
            self,
            data_row_ids,
            task_queue_id,
            wait=wait,
            max_concurrency=max_concurrency,
            timeout_seconds=timeout_seconds,
        )
