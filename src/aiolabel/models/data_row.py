"""DataRow: one piece of data (image, video, text...) in a dataset."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import Field, field_validator

from aiolabel._catalog import InvalidItemAttribute, check_ids, check_str, start_export
from aiolabel._concurrency import Progress
from aiolabel._exports import ExportParams, data_rows_export_input
from aiolabel._operations import attachments as attachment_ops
from aiolabel._operations import data_rows as ops
from aiolabel._operations._builder import relationship, update
from aiolabel._operations._entities import DATA_ROW
from aiolabel.errors import InputError, InputTypeError, LabelboxError
from aiolabel.identifiers import GlobalKeys, UniqueIds
from aiolabel.models.attachment import (
    AssetAttachment,
    check_attachment_type,
    check_attachment_value,
)
from aiolabel.models.base import DateTime, Model
from aiolabel.models.label import Label
from aiolabel.models.metadata import DataRowMetadataField
from aiolabel.models.task import Task
from aiolabel.models.user import Organization, User
from aiolabel.pagination import OffsetPaginator, dig

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
        built = relationship(DATA_ROW, self.uid, name)
        data = await self.client._execute_operation(
            built.operation, built.variables, sdk_method=f"DataRow:{sdk}", expect_one=True
        )
        spec = DATA_ROW.relationship(name)
        assert spec is not None
        value = dig(data, ("dataRow", spec.graphql))
        if not isinstance(value, dict):
            raise LabelboxError(f"data row {self.uid} has no {name}")
        return value

    async def dataset(self) -> Dataset:
        """The dataset this row belongs to."""
        from aiolabel.models.dataset import Dataset

        return Dataset.from_wire(self.client, await self._to_one("dataset", "dataset"))

    async def organization(self) -> Organization:
        return Organization.from_wire(
            self.client, await self._to_one("organization", "organization")
        )

    async def created_by(self) -> User:
        return User.from_wire(self.client, await self._to_one("created_by", "created_by"))

    def labels(self) -> OffsetPaginator[Label]:
        return self.client._labels.data_row_labels(self)

    def attachments(self) -> OffsetPaginator[AssetAttachment]:
        """The row's attachments (``async for``; pages of 100)."""
        client = self.client
        return client._paginate_offset(
            attachment_ops.GET_DATA_ROW_ATTACHMENTS,
            {"param_0": self.uid},
            ("dataRow", "attachments"),
            lambda raw: AssetAttachment.from_wire(client, raw),
            sdk_method="DataRow:attachments",
        )

    # -- changes ---------------------------------------------------------------------------------

    async def create_attachment(
        self,
        attachment_type: str,
        attachment_value: str,
        attachment_name: str | None = None,
    ) -> AssetAttachment:
        """Attach text, a URL to an image, video, ... (``AttachmentType``) to this row."""
        variables = {
            "type": check_attachment_type(attachment_type),
            "value": check_attachment_value(attachment_value),
            "name": attachment_name,
            "dataRowId": self.uid,
        }
        if attachment_name is not None and not isinstance(attachment_name, str):
            raise InputTypeError("attachment_name must be a str")

        async def reconcile(error: LabelboxError) -> dict[str, Any] | None:
            """The answer was lost: an attachment with this type, value and name is the one
            the first attempt made (the newest, if several)."""
            found = None
            async for att in self.attachments():
                if (att.attachment_type, att.attachment_value, att.attachment_name) == (
                    variables["type"],
                    variables["value"],
                    attachment_name,
                ):
                    found = att
            if found is None:
                return None
            return {"createDataRowAttachment": found.model_dump(by_alias=True, mode="json")}

        data = await self.client._execute_operation(
            attachment_ops.CREATE_DATA_ROW_ATTACHMENT,
            variables,
            sdk_method="DataRow:create_attachment",
            reconcile=reconcile,
        )
        raw = data.get("createDataRowAttachment")
        if not isinstance(raw, dict):
            raise LabelboxError("the attachment is missing from the response")
        return AssetAttachment.from_wire(self.client, raw)

    async def update(self, **kwargs: Any) -> DataRow:
        """Set ``external_id``, ``global_key``, ``row_data`` (a dict is sent as JSON) or
        ``metadata_fields``; returns the updated row (this object is immutable).

        As in the official SDK one of the first three must be given, and none may be empty.
        ``metadata_fields`` (``DataRowMetadataField`` or ``{"schema_id"|"name", "value"}``)
        replaces every metadata field of the row.
        """
        unknown = set(kwargs) - set(_UPDATABLE)
        if unknown:
            raise InvalidItemAttribute("DataRow", unknown, "update")
        for name in _PRIMARY:
            value = kwargs.get(name)
            if value == "" or value == {}:
                raise InputError(f"{name} cannot be empty if it is set")
        if not any(kwargs.get(name) for name in _PRIMARY):
            raise InputError(f"give at least one of {list(_PRIMARY)}")
        data: dict[str, Any] = {}
        for name, value in kwargs.items():
            if value is None:
                raise InputError(f"{name} cannot be None")
            if name == "row_data" and isinstance(value, Mapping):
                value = json.dumps(value)
            elif name == "metadata_fields":
                ontology = await self.client.get_data_row_metadata_ontology()
                value = ontology._upsert_fields(value, "metadata_fields")
            elif not isinstance(value, str):
                raise InputTypeError(f"{name} must be a str, got {type(value).__name__}")
            data[name] = value
        built = update(DATA_ROW, self.uid, data)
        result = await self.client._execute_operation(
            built.operation, built.variables, sdk_method="DataRow:update", expect_one=True
        )
        raw = result.get("updateDataRow")
        if not isinstance(raw, dict):
            raise LabelboxError("the updated data row is missing from the response")
        return DataRow.from_wire(self.client, raw)

    async def delete(self) -> None:
        """Delete this data row."""
        await self.client._execute_operation(
            ops.DELETE_DATA_ROWS, {"dataRowIds": [self.uid]}, sdk_method="DataRow:delete"
        )

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
        if client is not None and not isinstance(client, _client_type()):
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
        bound = client

        async def delete(chunk: list[str]) -> None:
            await bound._execute_operation(
                ops.DELETE_DATA_ROWS, {"dataRowIds": chunk}, sdk_method="DataRow:bulk_delete"
            )

        await client._run_chunks(
            ids,
            delete,
            chunk_size=BULK_DELETE_CHUNK_SIZE,
            max_concurrency=max_concurrency,
            progress=progress,
        )

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
        from aiolabel.client import AsyncClient

        if not isinstance(client, AsyncClient):
            raise InputTypeError("client must be an AsyncClient")
        if (data_rows is None) == (global_keys is None):
            raise InputError("give exactly one of data_rows and global_keys")
        ids = keys = None
        if data_rows is not None:
            ids = check_ids(
                "data_rows",
                data_rows,
                allow=UniqueIds,
                convert=lambda r: r.uid if isinstance(r, DataRow) else r,
            )
        else:
            keys = check_ids("global_keys", global_keys, allow=GlobalKeys)
        if task_name is not None:
            check_str("task_name", task_name)
        checked = _export_params(params)
        try:
            body = data_rows_export_input(
                data_row_ids=ids, global_keys=keys, task_name=task_name, params=checked
            )
        except ValueError as exc:
            raise InputError(str(exc)) from exc
        return await start_export(client, {"input": body}, sdk_method="DataRow:export")


def _export_params(params: ExportParams | Mapping[str, Any] | None) -> ExportParams:
    from pydantic import ValidationError

    if params is None:
        return ExportParams()
    if isinstance(params, ExportParams):
        return params
    if not isinstance(params, Mapping):
        raise InputTypeError("params must be an ExportParams or a dict")
    try:
        return ExportParams(**params)
    except ValidationError as exc:
        raise InputError(f"params: {exc}") from exc


def _client_type() -> type:
    from aiolabel.client import AsyncClient

    return AsyncClient
