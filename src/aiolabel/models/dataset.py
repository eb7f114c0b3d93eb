"""Dataset: a collection of data rows; bulk creation, the data-row cursor and exports."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import Field, ValidationError

from aiolabel._catalog import InvalidItemAttribute, check_str, start_export, where_as_dict
from aiolabel._concurrency import Progress
from aiolabel._exports import ExportFilters, dataset_export_input, needs_timezone
from aiolabel._operations import datasets as ops
from aiolabel._operations import users as user_ops
from aiolabel._operations._builder import relationship, update
from aiolabel._operations._entities import DATA_ROW, DATASET
from aiolabel._upsert import (
    FILE_UPLOAD_CONCURRENCY,
    ITEMS_PER_TASK,
    UPSERT_CHUNK_SIZE_BYTES,
    DataUpsertTaskGroup,
    UpsertPartialFailure,
    upsert,
)
from aiolabel.errors import (
    InputError,
    InputTypeError,
    LabelboxError,
    ResourceCreationError,
    ResourceNotFoundError,
)
from aiolabel.models.base import DateTime, Model
from aiolabel.models.data_row import DataRow, _export_params
from aiolabel.models.task import Task
from aiolabel.models.user import Organization, User
from aiolabel.pagination import CursorPaginator, dig

if TYPE_CHECKING:
    from aiolabel._exports import ExportParams

__all__ = [
    "DataUpsertTaskGroup",
    "Dataset",
    "IAMIntegration",
    "UpsertPartialFailure",
]

logger = logging.getLogger("aiolabel.dataset")


class IAMIntegration(Model):
    """A delegated-access integration (AWS, GCP, Azure) that signs a dataset's asset URLs."""

    __entity__ = "IAMIntegration"

    uid: str = Field(alias="id")
    name: str | None = None
    provider: str | None = None
    valid: bool = False
    is_org_default: bool = False
    created_at: DateTime | None = None
    updated_at: DateTime | None = None
    last_valid_at: DateTime | None = None
    settings: dict[str, Any] | None = None


class Dataset(Model):
    """A dataset (``name``, ``description``, ``row_count``, ...); ``row_count`` is as of the
    fetch."""

    __entity__ = "Dataset"

    uid: str = Field(alias="id")
    name: str | None = None
    description: str | None = None
    row_count: int | None = None
    created_at: DateTime | None = None
    updated_at: DateTime | None = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Dataset) and other.uid == self.uid

    def __hash__(self) -> int:
        return hash(("Dataset", self.uid))

    # -- relationships ---------------------------------------------------------------------------

    async def _to_one(self, name: str) -> dict[str, Any] | None:
        built = relationship(DATASET, self.uid, name)
        data = await self.client._execute_operation(
            built.operation, built.variables, sdk_method=f"Dataset:{name}", expect_one=True
        )
        spec = DATASET.relationship(name)
        assert spec is not None
        value = dig(data, ("dataset", spec.graphql))
        return value if isinstance(value, dict) else None

    async def created_by(self) -> User:
        raw = await self._to_one("created_by")
        if raw is None:
            raise ResourceNotFoundError(User, {"dataset": self.uid})
        return User.from_wire(self.client, raw)

    async def organization(self) -> Organization:
        raw = await self._to_one("organization")
        if raw is None:
            raise ResourceNotFoundError(Organization, {"dataset": self.uid})
        return Organization.from_wire(self.client, raw)

    async def iam_integration(self) -> IAMIntegration | None:
        """The integration signing this dataset's URLs, or None."""
        raw = await self._to_one("iam_integration")
        return None if raw is None else IAMIntegration.from_wire(self.client, raw)

    # -- data rows -------------------------------------------------------------------------------

    def data_rows(
        self, from_cursor: str | None = None, where: Any = None
    ) -> CursorPaginator[DataRow]:
        """The dataset's data rows, newest first (``async for``; pages of 500).

        ``where`` is one comparison, e.g. ``DataRow.external_id == "x"``; ``from_cursor`` a
        data-row id: the rows after it (as the service pages). Deleted and failed rows are not
        listed.
        """
        if from_cursor is not None:
            check_str("from_cursor", from_cursor)
        variables = {"id": self.uid, "where": where_as_dict(DATA_ROW, where)}
        client = self.client
        return client._paginate_cursor(
            ops.DATASET_DATA_ROWS,
            variables,
            nodes_path=("datasetDataRows", "nodes"),
            cursor_path=("datasetDataRows", "pageInfo", "startCursor"),
            has_next_path=("datasetDataRows", "pageInfo", "hasNextPage"),
            parse=lambda raw: DataRow.from_wire(client, raw),
            sdk_method="Dataset:data_rows",
            page_size=ops.DATASET_DATA_ROWS_PAGE_SIZE,
            start_cursor=from_cursor,
        )

    async def data_rows_for_external_id(self, external_id: str, limit: int = 10) -> list[DataRow]:
        """Up to ``limit`` rows with this external id; none raises ResourceNotFoundError."""
        check_str("external_id", external_id, allow_empty=True)
        if isinstance(limit, bool) or not isinstance(limit, int):
            raise InputTypeError("limit must be an int")
        if limit < 1:
            raise InputError("limit must be at least 1")
        where = DataRow.external_id == external_id
        async with self.data_rows(where=where) as rows:
            found = await rows.get_many(limit)
        if not found:
            raise ResourceNotFoundError(DataRow, {"external_id": external_id})
        return found

    async def data_row_for_external_id(self, external_id: str) -> DataRow:
        """The row with this external id (a warning is logged when there are several)."""
        rows = await self.data_rows_for_external_id(external_id, limit=2)
        if len(rows) > 1:
            logger.warning(
                "More than one data_row has the provided external_id : `%s`. Use function "
                "data_rows_for_external_id to fetch all",
                external_id,
            )
        return rows[0]

    async def create_data_rows(
        self,
        items: Iterable[Any] | AsyncIterable[Any],
        file_upload_thread_count: int = FILE_UPLOAD_CONCURRENCY,
        *,
        max_concurrency: int | None = None,
        progress: Progress | None = None,
        _max_chunk_bytes: int = UPSERT_CHUNK_SIZE_BYTES,
        _items_per_task: int = ITEMS_PER_TASK,
    ) -> DataUpsertTaskGroup:
        """Create data rows from dicts (``row_data``, ``global_key``, ``external_id``,
        ``metadata_fields``, ``attachments``, ``media_type``, ``embeddings``) or local file paths
        (uploaded); returns the task(s) at once.

        ``items`` may be a list, any iterable or an async iterable of any size: items are
        checked (a list: all before the first request), written into descriptor files of at
        most 10 MB in one pass and uploaded ``max_concurrency`` at a time (default 4); more than
        100,000 items become several upsert tasks behind the one returned handle. A local
        path in ``row_data`` is uploaded (``file_upload_thread_count`` at a time) and becomes
        the default ``external_id``. ``progress(done, total)`` is called as descriptor files
        are uploaded (``total`` is None for iterators).

        Raises :class:`InputError`/:class:`InputTypeError` (naming ``items[i]``) for bad items,
        and :class:`UpsertPartialFailure` (a :class:`PartialFailureError` with input positions
        and ``.task``) when some items could not be submitted.
        """
        return await upsert(
            self.client,
            self.uid,
            items,
            upsert=False,
            sdk_method="Dataset:create_data_rows",
            max_concurrency=max_concurrency,
            file_upload_thread_count=file_upload_thread_count,
            progress=progress,
            max_chunk_bytes=_max_chunk_bytes,
            items_per_task=_items_per_task,
        )

    async def upsert_data_rows(
        self,
        items: Iterable[Any] | AsyncIterable[Any],
        file_upload_thread_count: int = FILE_UPLOAD_CONCURRENCY,
        *,
        max_concurrency: int | None = None,
        progress: Progress | None = None,
        _max_chunk_bytes: int = UPSERT_CHUNK_SIZE_BYTES,
        _items_per_task: int = ITEMS_PER_TASK,
    ) -> DataUpsertTaskGroup:
        """Create or update data rows: an item with ``"key": UniqueId(id)`` or
        ``GlobalKey(key)`` updates that row (a global key not found creates one), an item
        without a key creates a row. Otherwise as :meth:`create_data_rows`."""
        return await upsert(
            self.client,
            self.uid,
            items,
            upsert=True,
            sdk_method="Dataset:upsert_data_rows",
            max_concurrency=max_concurrency,
            file_upload_thread_count=file_upload_thread_count,
            progress=progress,
            max_chunk_bytes=_max_chunk_bytes,
            items_per_task=_items_per_task,
        )

    async def create_data_row(
        self, items: Mapping[Any, Any] | None = None, **kwargs: Any
    ) -> DataRow:
        """Create one data row and wait for it: ``create_data_row(row_data=...)`` or
        ``create_data_row({...})``; returns the new DataRow.

        Raises :class:`ResourceCreationError` when the server refused it.
        """
        if items is not None and kwargs:
            raise InputError("give the data row as a dict or as keyword arguments, not both")
        item = items if items is not None else kwargs
        if not isinstance(item, Mapping):
            raise InputTypeError("items must be a dict")
        task = await self.create_data_rows([item], file_upload_thread_count=1)
        await task.wait_till_done()
        errors = [e async for e in task.errors()]
        if errors:
            raise ResourceCreationError(f"Data row upload errors: {errors}", task.uid)
        if task.status != "COMPLETE":
            raise ResourceCreationError(
                f"Data row upload did not complete, task status {task.status} task id {task.uid}"
            )
        created = [r async for r in task.result()]
        if not created or not isinstance(created[0].get("id"), str):
            raise ResourceCreationError(f"Data row upload of task {task.uid} created nothing")
        return await self.client.get_data_row(created[0]["id"])

    # -- export ----------------------------------------------------------------------------------

    async def export(
        self,
        task_name: str | None = None,
        filters: ExportFilters | Mapping[str, Any] | None = None,
        params: ExportParams | Mapping[str, Any] | None = None,
    ) -> Task:
        """Start an export of this dataset's rows; the Task's ``result()`` streams the NDJSON
        lines once it is done (``await task.wait_till_done()``).

        ``filters``: ``last_activity_at`` / ``label_created_at`` (start, end) pairs,
        ``data_row_ids`` or ``global_keys`` (at most 2,000). ``params``: what each row carries
        (``attachments``, ``metadata_fields``, ``label_details``, ``project_ids``, ...).
        """
        if task_name is not None:
            check_str("task_name", task_name)
        checked_filters = _export_filters(filters)
        checked_params = _export_params(params)
        timezone = None
        if needs_timezone(checked_filters):
            data = await self.client._execute_operation(
                user_ops.CURRENT_USER_TIMEZONE, None, sdk_method="Dataset:export"
            )
            timezone = dig(data, ("user", "timezone")) or "UTC"
        try:
            body = dataset_export_input(
                self.uid,
                self.name or "",
                task_name=task_name,
                filters=checked_filters,
                params=checked_params,
                timezone=timezone,
            )
        except ValueError as exc:
            raise InputError(str(exc)) from exc
        return await start_export(self.client, {"input": body}, sdk_method="Dataset:export")

    # -- changes ---------------------------------------------------------------------------------

    async def update(self, **kwargs: Any) -> Dataset:
        """Set ``name`` or ``description``; returns the updated dataset (this object is
        immutable)."""
        unknown = set(kwargs) - {"name", "description"}
        if unknown:
            raise InvalidItemAttribute("Dataset", unknown, "update")
        if not kwargs:
            raise InputError("give name or description")
        for key, value in kwargs.items():
            check_str(key, value, allow_empty=key == "description")
        built = update(DATASET, self.uid, kwargs)
        data = await self.client._execute_operation(
            built.operation, built.variables, sdk_method="Dataset:update", expect_one=True
        )
        raw = data.get("updateDataset")
        if not isinstance(raw, dict):
            raise LabelboxError("the updated dataset is missing from the response")
        return Dataset.from_wire(self.client, raw)

    async def delete(self) -> None:
        """Delete this dataset (and, on the server, its data rows)."""
        await self.client._execute_operation(
            ops.DELETE_DATASET, {"DatasetId": self.uid}, sdk_method="Dataset:delete"
        )


def _export_filters(filters: ExportFilters | Mapping[str, Any] | None) -> ExportFilters:
    if filters is None:
        return ExportFilters()
    if isinstance(filters, ExportFilters):
        return filters
    if not isinstance(filters, Mapping):
        raise InputTypeError("filters must be an ExportFilters or a dict")
    try:
        return ExportFilters(**{k: v for k, v in filters.items() if v is not None})
    except ValidationError as exc:
        raise InputError(f"filters: {exc}") from exc
