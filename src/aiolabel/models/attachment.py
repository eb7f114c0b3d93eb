"""AssetAttachment: extra context (text, image, video, ...) shown next to a data row."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from aiolabel._operations import attachments as ops
from aiolabel.enums import AttachmentType
from aiolabel.errors import InputError, InputTypeError, LabelboxError
from aiolabel.models.base import Model

__all__ = ["AssetAttachment", "AttachmentType", "check_attachment_type", "check_attachment_value"]


def check_attachment_type(value: object, where: str = "attachment_type") -> str:
    """An ``AttachmentType`` member or its name, as the wire string."""
    if isinstance(value, AttachmentType):
        return value.value
    if not isinstance(value, str):
        raise InputTypeError(f"{where} must be an AttachmentType, got {type(value).__name__}")
    if value not in AttachmentType.__members__:
        raise InputError(
            f"{where} must be one of {sorted(AttachmentType.__members__)}, not {value!r}"
        )
    return value


def check_attachment_value(value: object, where: str = "attachment_value") -> str:
    if not isinstance(value, str):
        raise InputTypeError(f"{where} must be a str, got {type(value).__name__}")
    if value == "":
        raise InputError(f"{where} must not be empty")
    return value


class AssetAttachment(Model):
    """An attachment of a data row (``attachment_type``, ``attachment_value``,
    ``attachment_name``, as in the official SDK)."""

    __entity__ = "AssetAttachment"

    uid: str = Field(alias="id")
    attachment_type: str | None = Field(default=None, alias="type")
    attachment_value: str | None = Field(default=None, alias="value")
    attachment_name: str | None = Field(default=None, alias="name")

    async def update(
        self, name: str | None = None, type: str | None = None, value: str | None = None
    ) -> AssetAttachment:
        """Change the name, type or value; returns the updated attachment (this object is
        immutable and keeps the old values)."""
        if not name and not type and value is None:
            raise InputError("give at least one of name, type and value")
        variables: dict[str, Any] = {"attachment_id": self.uid}
        if type:
            variables["type"] = check_attachment_type(type, "type")
        if value is not None:
            variables["value"] = check_attachment_value(value, "value")
        if name:
            if not isinstance(name, str):
                raise InputTypeError(f"name must be a str, got {name.__class__.__name__}")
            variables["name"] = name
        data = await self.client._execute_operation(
            ops.UPDATE_DATA_ROW_ATTACHMENT, variables, sdk_method="AssetAttachment:update"
        )
        raw = data.get("updateDataRowAttachment")
        if not isinstance(raw, dict):
            raise LabelboxError("the updated attachment is missing from the response")
        return AssetAttachment.from_wire(self.client, raw)

    async def delete(self) -> None:
        """Delete this attachment."""
        await self.client._execute_operation(
            ops.DELETE_DATA_ROW_ATTACHMENT,
            {"attachment_id": self.uid},
            sdk_method="AssetAttachment:delete",
        )
