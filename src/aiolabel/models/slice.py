"""Slices (saved catalog queries) and the send-to-annotate parameters; behaviour lives in
:mod:`aiolabel._resources.slices`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from pydantic import BaseModel, ConfigDict, Field, model_validator

from aiolabel.models.base import DateTime, Model
from aiolabel.models.model import ConflictResolutionStrategy

if TYPE_CHECKING:
    from aiolabel.models.task import Task
    from aiolabel.pagination import CursorPaginator
    from aiolabel.types import ExportParams

__all__ = [
    "CatalogSlice",
    "DataRowIdAndGlobalKey",
    "ModelSlice",
    "SendToAnnotateFromCatalogParams",
    "SendToAnnotateFromModelParams",
    "Slice",
]


@dataclass(frozen=True)
class DataRowIdAndGlobalKey:
    """A data row a slice matches: its id and global key (``None`` when it has none)."""

    id: str
    global_key: str | None

    def to_hash(self) -> dict[str, str | None]:
        return {"id": self.id, "global_key": self.global_key}


class Slice(Model):
    """A saved set of catalog filters."""

    uid: str = Field(alias="id")
    name: str
    description: str | None = None
    created_at: DateTime | None = None
    updated_at: DateTime | None = None
    filter: Any = None


class CatalogSlice(Slice):
    """A slice over the catalog's data rows."""

    def get_data_row_identifiers(self) -> CursorPaginator[DataRowIdAndGlobalKey]:
        return self.client._slices.catalog_slice_identifiers(self.uid)

    def get_data_row_ids(self) -> CursorPaginator[str]:
        return self.client._slices.catalog_slice_ids(self.uid)

    async def export(
        self, task_name: str | None = None, params: ExportParams | Mapping[str, Any] | None = None
    ) -> Task:
        """Start an export of the rows the slice matches now; ``async for row in
        task.result()`` once it is done."""
        return await self.client._slices.export(self.uid, task_name, params)

    async def export_v2(
        self, task_name: str | None = None, params: ExportParams | Mapping[str, Any] | None = None
    ) -> Task:
        """The same export as :meth:`export` (the official SDK's older name)."""
        return await self.client._slices.export(self.uid, task_name, params)


class ModelSlice(Slice):
    """A slice over the data rows of a model run."""

    def get_data_row_identifiers(self, model_run_id: str) -> CursorPaginator[DataRowIdAndGlobalKey]:
        return self.client._slices.model_slice_identifiers(self.uid, model_run_id)

    def get_data_row_ids(self, model_run_id: str) -> CursorPaginator[str]:
        return self.client._slices.model_slice_ids(self.uid, model_run_id)


class SendToAnnotateFromCatalogParams(BaseModel):
    """Parameters of ``send_to_annotate_from_catalog``: exactly one of ``source_model_run_id``
    and ``source_project_id``."""

    model_config = ConfigDict(extra="forbid")

    source_model_run_id: str | None = None
    source_project_id: str | None = None
    predictions_ontology_mapping: dict[str, str] | None = {}
    annotations_ontology_mapping: dict[str, str] | None = {}
    exclude_data_rows_in_project: bool | None = False
    override_existing_annotations_rule: ConflictResolutionStrategy | None = (
        ConflictResolutionStrategy.KeepExisting
    )
    batch_priority: int | None = Field(default=5, ge=1, le=5)

    @model_validator(mode="after")
    def _one_source(self) -> SendToAnnotateFromCatalogParams:
        if not self.source_model_run_id and not self.source_project_id:
            raise ValueError("Either source_project_id or source_model_id are required")
        if self.source_model_run_id and self.source_project_id:
            raise ValueError("Provide only a source_project_id or source_model_id not both")
        return self


class SendToAnnotateFromModelParams(TypedDict, total=False):
    """Parameters of ``ModelRun.send_to_annotate_from_model``."""

    predictions_ontology_mapping: dict[str, str]
    exclude_data_rows_in_project: bool | None
    override_existing_annotations_rule: ConflictResolutionStrategy | None
    batch_priority: int | None
