"""DataRow: one piece of data (image, video, text...) in a dataset."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from aiolabel.models.base import DateTime, Model

__all__ = ["DataRow", "DataRowMetadataField"]


class DataRowMetadataField(Model):
    """One metadata value on a data row (``schema_id`` and ``value``; ``name`` when known)."""

    schema_id: str | None = None
    name: str | None = None
    value: Any = None


class DataRow(Model):
    """A data row, with the official SDK's attribute names.

    ``metadata_fields`` holds the wire's ``metadataFields`` (dicts with ``schemaId``, ``name``,
    ``value``, ``kind``); ``metadata`` the wire's ``customMetadata`` as
    :class:`DataRowMetadataField` objects.
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
