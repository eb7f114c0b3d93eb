"""Dataset: a collection of data rows; bulk creation, the data-row cursor and exports."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field, ValidationError

from aiolabel._bulk.descriptors import (
    FILE_UPLOAD_CONCURRENCY,
    ITEMS_PER_TASK,
    UPSERT_CHUNK_SIZE_BYTES,
)
from aiolabel._concurrency import Progress
from aiolabel.errors import (
    InputError,
    InputTypeError,
)
from aiolabel.models.base import DateTime, Model, listed_as_relationship
from aiolabel.models.data_row import DataRow
from aiolabel.models.task import DataUpsertTaskGroup, Task, UpsertPartialFailure
from aiolabel.models.user import Organization, User
from aiolabel.pagination import CursorPaginator
from aiolabel.types import ExportFilters, ExportParams

if TYPE_CHECKING:
    pass

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
    _OTHER_SPELLINGS: ClassVar[dict[str, str]] = {
        "create_data_rows_sync": "SDK 7.17 removed it with the service's appendRowsToDatasetSync:"
        " `task = await dataset.create_data_rows(items)` then `await task.wait_till_done()`",
    }

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
        return await self.client._datasets._to_one(self, name)

    async def created_by(self) -> User:
        return await self.client._datasets.created_by(self)

    async def organization(self) -> Organization:
        return await self.client._datasets.organization(self)

    async def iam_integration(self) -> IAMIntegration | None:
        """The integration signing this dataset's URLs, or None."""
        return await self.client._datasets.iam_integration(self)

    # -- data rows -------------------------------------------------------------------------------

    @listed_as_relationship
    def data_rows(
        self, from_cursor: str | None = None, where: Any = None
    ) -> CursorPaginator[DataRow]:
        """The dataset's data rows, newest first (``async for``; pages of 500).

        ``where`` is one comparison, e.g. ``DataRow.external_id == "x"``; ``from_cursor`` a
        data-row id: the rows after it (as the service pages). Deleted and failed rows are not
        listed.
        """
        return self.client._datasets.data_rows(self, from_cursor, where)

    async def data_rows_for_external_id(self, external_id: str, limit: int = 10) -> list[DataRow]:
        """Up to ``limit`` rows with this external id; none raises ResourceNotFoundError."""
        return await self.client._datasets.data_rows_for_external_id(self, external_id, limit)

    async def data_row_for_external_id(self, external_id: str) -> DataRow:
        """The row with this external id (a warning is logged when there are several)."""
        return await self.client._datasets.data_row_for_external_id(self, external_id)

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
        return await self.client._upserts.run(
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
        return await self.client._upserts.run(
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
        return await self.client._datasets.create_data_row(self, items, **kwargs)

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
        return await self.client._exports.dataset(self, task_name, filters, params)

    async def export_v2(
        self,
        task_name: str | None = None,
        filters: ExportFilters | Mapping[str, Any] | None = None,
        params: ExportParams | Mapping[str, Any] | None = None,
    ) -> Task:
        """The same export as :meth:`export` (the official SDK's older name)."""
        return await self.export(task_name, filters, params)

    def export_data_rows(
        self, timeout_seconds: float = 120, include_metadata: bool = False
    ) -> AsyncIterator[DataRow]:
        """``async for row in dataset.export_data_rows()``: every data row, over the current
        export (the official SDK removed this one-call export in 7.x)."""
        return self.client._legacy_exports.dataset_data_rows(
            self, timeout_seconds, include_metadata
        )

    # -- changes ---------------------------------------------------------------------------------

    async def update(self, **kwargs: Any) -> Dataset:
        """Set ``name`` or ``description``; this dataset is updated in place and returned."""
        return self._refresh_from(await self.client._datasets.update(self, **kwargs))

    async def delete(self) -> None:
        """Delete this dataset (and, on the server, its data rows)."""
        return await self.client._datasets.delete(self)


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
