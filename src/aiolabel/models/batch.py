"""Batch: a group of data rows submitted to a project for labelling (wire doc §6)."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from aiolabel.errors import InputError, InputTypeError
from aiolabel.models.base import DateTime, Model
from aiolabel.pagination import dig
from aiolabel.types import ExportParams

if TYPE_CHECKING:
    from aiolabel.models.project import Project
    from aiolabel.models.task import Task

__all__ = ["Batch", "ConsensusSettings"]


class ConsensusSettings(BaseModel):
    """Consensus settings of a batch: ``ConsensusSettings(number_of_labels=3,
    coverage_percentage=0.1)``, or the same as a dict; sent as ``{"numberOfLabels",
    "coveragePercentage"}``."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)

    number_of_labels: int = Field(ge=1)
    coverage_percentage: float = Field(ge=0.0, le=1.0)

    @field_validator("number_of_labels", mode="before")
    @classmethod
    def _int_only(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("number_of_labels must be an int")
        return value

    @classmethod
    def coerce(cls, value: object, argument: str = "consensus_settings") -> ConsensusSettings:
        """A ``ConsensusSettings`` from itself or a mapping; bad input raises naming
        ``argument``."""
        if isinstance(value, ConsensusSettings):
            return value
        if not isinstance(value, Mapping):
            raise InputTypeError(
                f"{argument} must be a dict or ConsensusSettings, got {type(value).__name__}"
            )
        try:
            return cls.model_validate(dict(value))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in exc.errors()
            )
            raise InputError(f"{argument}: {problems}") from None

    def to_wire(self) -> dict[str, Any]:
        return {
            "numberOfLabels": self.number_of_labels,
            "coveragePercentage": self.coverage_percentage,
        }


class Batch(Model):
    """A batch of a project, with the official SDK's attribute names.

    ``project_id`` is the project it belongs to; ``failed_data_row_ids`` the rows the server
    refused when it was created (empty when unknown or none).
    """

    __entity__ = "Batch"
    _OTHER_SPELLINGS: ClassVar[dict[str, str]] = {
        "deleted": "SDK 7.17's Batch has no deleted field: `project.batches()` lists live batches",
        "created_by": "SDK 7.17 declares it but fails before sending a request, and no current"
        " operation reads a batch's creator (`project.members()` lists who works on it)",
    }

    uid: str = Field(alias="id")
    name: str | None = None
    created_at: DateTime | None = None
    updated_at: DateTime | None = None
    size: int | None = None
    consensus_settings: dict[str, Any] | None = Field(default=None, alias="consensusSettingsJson")
    project_id: str
    failed_data_row_ids: list[str] = Field(default_factory=list)

    @field_validator("failed_data_row_ids", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value

    @classmethod
    def _parse(
        cls,
        client: Any,
        project_id: str,
        data: Mapping[str, Any],
        failed_data_row_ids: list[str] | None = None,
    ) -> Batch:
        extra: dict[str, Any] = {"projectId": project_id}
        if failed_data_row_ids is not None:
            extra["failedDataRowIds"] = failed_data_row_ids
        return cls.from_wire(client, {**data, **extra})

    def _sdk(self, method: str) -> str:
        return f"Batch:{method}"

    def _ids(self) -> dict[str, str]:
        return {"projectId": self.project_id, "batchId": self.uid}

    async def project(self) -> Project:
        """The project this batch belongs to."""
        return await self.client._batches.project_of(self)

    async def remove_queued_data_rows(self) -> None:
        """Take the batch's rows that still wait to be labelled out of the batch and the queue."""
        return await self.client._batches.remove_queued_data_rows(self)

    async def delete_labels(self, set_labels_as_template: bool = False) -> dict[str, Any]:
        """Delete the labels of the batch's rows and requeue them (keeping the labels as
        templates when ``set_labels_as_template``). Returns the response data, as the official
        SDK does (``{"project": {"deleteBatchLabels": {"deletedLabelIds": [...]}}}``)."""
        return await self.client._batches.delete_labels(self, set_labels_as_template)

    async def delete(self) -> None:
        """Delete the batch (the server refuses a batch that has labels)."""
        return await self.client._batches.delete(self)

    async def export(
        self, task_name: str | None = None, params: ExportParams | Mapping[str, Any] | None = None
    ) -> Task:
        """Start an export of this batch's data rows: the project export filtered by this batch
        (the official SDK's replacement for the removed ``Batch.export``)."""
        return await self.client._batches.export(self, task_name, params)

    async def export_data_rows(
        self,
        task_name: str | None = None,
        params: ExportParams | Mapping[str, Any] | None = None,
        *,
        timeout_seconds: float = 7200.0,
        include_metadata: bool | None = None,
    ) -> AsyncGenerator[dict[str, Any], None]:
        """Stream this batch's exported data rows, one dict per NDJSON line.

        Starts :meth:`export`, waits for it (``timeout_seconds``), then streams the result; the
        official SDK removed this method in 7.x. ``include_metadata`` (the guides' spelling)
        sets ``params["metadata_fields"]``.
        """
        async for item in self.client._batches.export_data_rows(
            self,
            task_name,
            params,
            timeout_seconds=timeout_seconds,
            include_metadata=include_metadata,
        ):
            yield item


def batch_nodes(data: Mapping[str, Any]) -> Any:
    """``project.batches.nodes`` of a response."""
    return dig(data, ("project", "batches", "nodes"))
