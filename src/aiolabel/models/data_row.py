"""DataRow: one piece of data (image, video, text...) in a dataset."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import Field, field_validator

from aiolabel._base_client import BaseClient
from aiolabel._concurrency import Progress
from aiolabel._validation import check_ids
from aiolabel.errors import InputError, InputTypeError
from aiolabel.identifiers import GlobalKeys, UniqueIds
from aiolabel.models.attachment import (
    AssetAttachment,
)
from aiolabel.models.base import DateTime, Model
from aiolabel.models.label import Label
from aiolabel.models.metadata import DataRowMetadataField
from aiolabel.models.task import Task
from aiolabel.models.user import Organization, User
from aiolabel.pagination import OffsetPaginator
from aiolabel.types import ExportParams

if TYPE_CHECKING:
    from aiolabel.client import AsyncClient
    from aiolabel.models.dataset import Dataset

__all__ = ["BULK_DELETE_CHUNK_SIZE", "DataRow", "DataRowMetadataField"]

BULK_DELETE_CHUNK_SIZE = 1_000
"""Data-row ids per ``deleteDataRows`` request in :meth:`DataRow.bulk_delete`."""

_UPDATABLE = ("external_id", "global_key", "row_data", "metadata_fields")
_PRIMARY = ("external_id", "global_key", "row_data")


class DataRow(Model):
    """A data row, with the official SDK's attribute names.

    ``metadata_fields`` holds the wire's ``metadataFields`` (dicts with ``schemaId``, ``name``,
    ``value``, ``kind``); ``metadata`` the wire's ``customMetadata`` as
    :class:`DataRowMetadataField` objects (schema id and raw value: unlike the official SDK,
    building a DataRow never fetches the metadata ontology).
    """

    __entity__ = "DataRow"

    uid: str = Field(alias="id")
    external_id: str | None = None
    global_key: str | None = None
    row_data: str | None = None
    created_at: DateTime | None = None
    updated_at: DateTime | None = None
    media_attributes: Any = None
    metadata_fields: list[dict[str, Any]] = Field(default_factory=list)
    metadata: list[DataRowMetadataField] = Field(default_factory=list, alias="customMetadata")

    @field_validator("metadata_fields", "metadata", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DataRow) and other.uid == self.uid

    def __hash__(self) -> int:
        return hash(("DataRow", self.uid))

    # -- relationships ---------------------------------------------------------------------------

    async def _to_one(self, name: str, sdk: str) -> dict[str, Any]:
        return await self.client._data_rows._to_one(self, name, sdk)

    async def dataset(self) -> Dataset:
        """The dataset this row belongs to."""
        return await self.client._data_rows.dataset(self)

    async def organization(self) -> Organization:
        return await self.client._data_rows.organization(self)

    async def created_by(self) -> User:
        return await self.client._data_rows.created_by(self)

    async def get_winning_label_id(self, project_id: str) -> str | None:
        """The id of this row's winning label in a project (None when it has no label there)."""
        return await self.client._project_activity.winning_label_id(self.uid, project_id)

    def labels(self) -> OffsetPaginator[Label]:
        return self.client._labels.data_row_labels(self)

    def attachments(self) -> OffsetPaginator[AssetAttachment]:
        """The row's attachments (``async for``; pages of 100)."""
        return self.client._attachments.list_of(self)

    # -- changes ---------------------------------------------------------------------------------

    async def create_attachment(
        self,
        attachment_type: str,
        attachment_value: str,
        attachment_name: str | None = None,
    ) -> AssetAttachment:
        """Attach text, a URL to an image, video, ... (``AttachmentType``) to this row."""
        return await self.client._attachments.create(
            self, attachment_type, attachment_value, attachment_name
        )

    async def update(self, **kwargs: Any) -> DataRow:
        """Set ``external_id``, ``global_key``, ``row_data`` (a dict is sent as JSON) or
        ``metadata_fields``; this row is updated in place and returned.

        As in the official SDK one of the first three must be given, and none may be empty.
        ``metadata_fields`` (``DataRowMetadataField`` or ``{"schema_id"|"name", "value"}``)
        replaces every metadata field of the row.
        """
        return self._refresh_from(await self.client._data_rows.update(self, **kwargs))

    async def delete(self) -> None:
        """Delete this data row."""
        return await self.client._data_rows.delete(self)

    @staticmethod
    async def bulk_delete(
        data_rows: Iterable[DataRow | str] | UniqueIds,
        *,
        client: AsyncClient | None = None,
        max_concurrency: int | None = None,
        progress: Progress | None = None,
    ) -> None:
        """Delete data rows (``DataRow`` objects, ids or ``UniqueIds``).

        Ids travel as a variable, :data:`BULK_DELETE_CHUNK_SIZE` per request, requests run
        concurrently. Plain ids need ``client=``. Raises :class:`PartialFailureError` naming
        the ids of failed requests.
        """
        if isinstance(data_rows, str | bytes | Mapping | DataRow) or not isinstance(
            data_rows, Iterable
        ):
            raise InputTypeError("data_rows must be a list of DataRow objects or ids, or UniqueIds")
        rows = list(data_rows) if not isinstance(data_rows, UniqueIds) else data_rows
        if client is not None and not isinstance(client, BaseClient):
            raise InputTypeError(f"client must be an AsyncClient, got {type(client).__name__}")
        if client is None:
            client = next((r.client for r in rows if isinstance(r, DataRow)), None)
        if client is None:
            raise InputError("pass client= to delete data rows given by id")
        ids = check_ids(
            "data_rows",
            rows,
            allow=UniqueIds,
            convert=lambda r: r.uid if isinstance(r, DataRow) else r,
        )
        await client._data_rows.bulk_delete(ids, max_concurrency=max_concurrency, progress=progress)

    @staticmethod
    async def export_v2(
        client: AsyncClient,
        data_rows: Sequence[DataRow | str] | UniqueIds | None = None,
        global_keys: Sequence[str] | GlobalKeys | None = None,
        task_name: str | None = None,
        params: ExportParams | Mapping[str, Any] | None = None,
    ) -> Task:
        """The same export as :meth:`export` (the official SDK's older name)."""
        return await DataRow.export(client, data_rows, global_keys, task_name, params)

    @staticmethod
    async def export(
        client: AsyncClient,
        data_rows: Sequence[DataRow | str] | UniqueIds | None = None,
        global_keys: Sequence[str] | GlobalKeys | None = None,
        task_name: str | None = None,
        params: ExportParams | Mapping[str, Any] | None = None,
    ) -> Task:
        """Start an export of the given data rows (or global keys; exactly one of the two, at
        most 2,000); the returned Task's ``result()`` streams the NDJSON lines."""
        if not isinstance(client, BaseClient):
            raise InputTypeError("client must be an AsyncClient")
        return await client._exports.data_rows(data_rows, global_keys, task_name, params)
