"""Public parameter types: what an export selects (:class:`ExportFilters`) and what each
exported row carries (:class:`ExportParams`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from aiolabel.enums import MediaType, WorkflowStatus

__all__ = ["DateBound", "ExportFilters", "ExportParams"]

SEARCH_LIMIT = 2_000
"""At most this many ids in one id filter (data_row_ids, global_keys, batch_ids)."""
PROJECT_LIMIT = 30
"""At most this many project_ids or model_run_ids in catalog export params."""

DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S")
ISO_FORMAT = "%Y-%m-%dT%H:%M:%S%z"

DateBound = str | datetime | None


def _check_date(value: DateBound, name: str) -> DateBound:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{name}: datetimes must carry a time zone")
        return value
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected a str or datetime, got {type(value).__name__}")
    for fmt in (*DATE_FORMATS, ISO_FORMAT):
        try:
            datetime.strptime(value, fmt)
            return value
        except ValueError:
            pass
    raise ValueError(
        f"{name}: {value!r} is not 'YYYY-MM-DD', 'YYYY-MM-DD hh:mm:ss'"
        " or 'YYYY-MM-DDThh:mm:ss±hhmm'"
    )


class ExportFilters(BaseModel):
    """Which data rows an export selects. ``batch_ids`` and ``workflow_status`` are project-only."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    last_activity_at: tuple[DateBound, DateBound] | None = None
    label_created_at: tuple[DateBound, DateBound] | None = None
    data_row_ids: list[str] | None = None
    global_keys: list[str] | None = None
    batch_ids: list[str] | None = None
    workflow_status: WorkflowStatus | None = None

    @field_validator("last_activity_at", "label_created_at", mode="before")
    @classmethod
    def _dates(cls, value: Any, info: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise ValueError("expects a pair (start, end); either may be None")
        return tuple(_check_date(v, info.field_name) for v in value)

    @field_validator("data_row_ids", "global_keys", "batch_ids")
    @classmethod
    def _ids(cls, value: list[str] | None, info: Any) -> list[str] | None:
        if value is None:
            return None
        if not value:
            raise ValueError(f"{info.field_name} expects a non-empty list")
        if len(value) > SEARCH_LIMIT:
            raise ValueError(f"{info.field_name} supports at most {SEARCH_LIMIT} items")
        if any(not item for item in value):
            raise ValueError(f"{info.field_name} cannot contain empty strings")
        return value

    @model_validator(mode="after")
    def _exclusive(self) -> ExportFilters:
        if self.data_row_ids is not None and self.global_keys is not None:
            raise ValueError("data_row_ids and global_keys cannot both be given")
        return self


class ExportParams(BaseModel):
    """What each exported data row carries."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    attachments: bool = False
    embeddings: bool = False
    metadata_fields: bool = False
    data_row_details: bool = False
    project_details: bool = False
    performance_details: bool = False
    label_details: bool = False
    interpolated_frames: bool = False
    predictions: bool = False
    media_type_override: MediaType | None = None
    project_ids: list[str] | None = Field(default=None, max_length=PROJECT_LIMIT)
    model_run_ids: list[str] | None = Field(default=None, max_length=PROJECT_LIMIT)
    all_projects: bool = False
    all_model_runs: bool = False
