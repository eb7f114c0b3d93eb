"""Attachments of a data row: list, create (reconciled by type, value and name), update, delete."""

from __future__ import annotations

from typing import Any

from aiolabel._operations import attachments as attachment_ops
from aiolabel._resources._base import Resource
from aiolabel._validation import (
    check_attachment_type,
    check_attachment_value,
)
from aiolabel.errors import InputError, InputTypeError, LabelboxError
from aiolabel.models.attachment import AssetAttachment
from aiolabel.models.data_row import DataRow
from aiolabel.pagination import OffsetPaginator

__all__ = ["Attachments"]


class Attachments(Resource):
    """Asset attachments (extra context shown next to a data row)."""

    __slots__ = ()

    def list_of(self, data_row: DataRow) -> OffsetPaginator[AssetAttachment]:
        client = self._client
        return client._paginate_offset(
            attachment_ops.GET_DATA_ROW_ATTACHMENTS,
            {"param_0": data_row.uid},
            ("dataRow", "attachments"),
            lambda raw: AssetAttachment.from_wire(client, raw),
            sdk_method="DataRow:attachments",
        )

    async def create(
        self,
        data_row: DataRow,
        attachment_type: str,
        attachment_value: str,
        attachment_name: str | None = None,
    ) -> AssetAttachment:
        variables = {
            "type": check_attachment_type(attachment_type),
            "value": check_attachment_value(attachment_value),
            "name": attachment_name,
            "dataRowId": data_row.uid,
        }
        if attachment_name is not None and not isinstance(attachment_name, str):
            raise InputTypeError("attachment_name must be a str")

        async def reconcile(error: LabelboxError) -> dict[str, Any] | None:
            """The answer was lost: an attachment with this type, value and name is the one
            the first attempt made (the newest, if several)."""
            found = None
            async for att in self.list_of(data_row):
                if (att.attachment_type, att.attachment_value, att.attachment_name) == (
                    variables["type"],
                    variables["value"],
                    attachment_name,
                ):
                    found = att
            if found is None:
                return None
            return {"createDataRowAttachment": found.model_dump(by_alias=True, mode="json")}

        data = await self._client._execute_operation(
            attachment_ops.CREATE_DATA_ROW_ATTACHMENT,
            variables,
            sdk_method="DataRow:create_attachment",
            reconcile=reconcile,
        )
        raw = data.get("createDataRowAttachment")
        if not isinstance(raw, dict):
            raise LabelboxError("the attachment is missing from the response")
        return AssetAttachment.from_wire(self._client, raw)

    async def update(
        self,
        attachment: AssetAttachment,
        name: str | None = None,
        type: str | None = None,
        value: str | None = None,
    ) -> AssetAttachment:
        if not name and not type and value is None:
            raise InputError("give at least one of name, type and value")
        variables: dict[str, Any] = {"attachment_id": attachment.uid}
        if type:
            variables["type"] = check_attachment_type(type, "type")
        if value is not None:
            variables["value"] = check_attachment_value(value, "value")
        if name:
            if not isinstance(name, str):
                raise InputTypeError(f"name must be a str, got {name.__class__.__name__}")
            variables["name"] = name
        data = await self._client._execute_operation(
            attachment_ops.UPDATE_DATA_ROW_ATTACHMENT,
            variables,
            sdk_method="AssetAttachment:update",
        )
        raw = data.get("updateDataRowAttachment")
        if not isinstance(raw, dict):
            raise LabelboxError("the updated attachment is missing from the response")
        return AssetAttachment.from_wire(self._client, raw)

    async def delete(self, attachment: AssetAttachment) -> None:
        await self._client._execute_operation(
            attachment_ops.DELETE_DATA_ROW_ATTACHMENT,
            {"attachment_id": attachment.uid},
            sdk_method="AssetAttachment:delete",
        )
