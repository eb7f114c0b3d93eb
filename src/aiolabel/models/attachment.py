"""AssetAttachment: extra context (text, image, video, ...) shown next to a data row."""

from __future__ import annotations

from pydantic import Field

from aiolabel.enums import AttachmentType
from aiolabel.models.base import Model

__all__ = ["AssetAttachment", "AttachmentType"]


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
        """Change the name, type or value; this attachment is updated in place and returned."""
        return self._refresh_from(await self.client._attachments.update(self, name, type, value))

    async def delete(self) -> None:
        """Delete this attachment."""
        return await self.client._attachments.delete(self)
