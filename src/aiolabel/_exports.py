"""Export requests: typed filters and params, rendered as the official SDK renders them.

Pure functions, no I/O. Date filters need the user's timezone (``CurrentUserPyApi``); the caller
fetches it once when ``needs_timezone(filters)`` and passes it in.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from aiolabel.enums import MediaType, WorkflowStatus

SEARCH_LIMIT = 2_000
"""At most this many ids in one id filter (data_row_ids, global_keys, batch_ids)."""
PROJECT_LIMIT = 30
"""At most this many project_ids or model_run_ids in catalog export params."""

_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S")
_ISO_FORMAT = "%Y-%m-%dT%H:%M:%S%z"

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
    for fmt in (*_DATE_FORMATS, _ISO_FORMAT):
        try:
            datetime.strptime(value, fmt)
            return value
        except ValueError:
            pass
    raise ValueError(
        f"{name}: {value!r} is not 'YYYY-MM-DD', 'YYYY-MM-DD hh:mm:ss'"
        " or 'YYYY-MM-DDThh:mm:ss±hhmm'"
    )


def _render_date(value: str | datetime, timezone: str) -> tuple[str, str]:
    """The wire string and the timezone it is read in (ISO and datetime values become UTC)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"), "UTC"
    try:
        parsed = datetime.strptime(value, _ISO_FORMAT)
    except ValueError:
        return value, timezone
    # converted, not relabelled: the official SDK keeps the wall-clock time and calls it UTC,
    # which shifts the window by the offset (a deliberate difference)
    return parsed.astimezone(UTC).strftime(_ISO_FORMAT), "UTC"


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


def needs_timezone(filters: ExportFilters) -> bool:
    """True when rendering the filters needs the user's timezone."""
    return bool(filters.last_activity_at or filters.label_created_at)


def _date_term(kind: str, bounds: tuple[DateBound, DateBound], timezone: str) -> dict[str, Any]:
    start, end = bounds
    if start is not None and end is not None:
        low, zone = _render_date(start, timezone)
        high, zone = _render_date(end, zone)
        return {
            "type": kind,
            "value": {"operator": "BETWEEN", "timezone": zone, "value": {"min": low, "max": high}},
        }
    if start is not None:
        low, zone = _render_date(start, timezone)
        return {
            "type": kind,
            "value": {"operator": "GREATER_THAN_OR_EQUAL", "timezone": zone, "value": low},
        }
    if end is None:
        raise ValueError(f"{kind}: give a start, an end, or both")
    high, zone = _render_date(end, timezone)
    return {
        "type": kind,
        "value": {"operator": "LESS_THAN_OR_EQUAL", "timezone": zone, "value": high},
    }


def search_query(filters: ExportFilters, timezone: str | None = None) -> list[dict[str, Any]]:
    """The ``searchQuery.query`` terms, in the official SDK's order."""
    if needs_timezone(filters) and timezone is None:
        raise ValueError("date filters need the user's timezone")
    zone = timezone or "UTC"
    terms: list[dict[str, Any]] = []
    if filters.last_activity_at:
        terms.append(_date_term("data_row_last_activity_at", filters.last_activity_at, zone))
    if filters.label_created_at:
        terms.append(_date_term("labeled_at", filters.label_created_at, zone))
    for ids, kind in (
        (filters.data_row_ids, "data_row_id"),
        (filters.global_keys, "global_key"),
        (filters.batch_ids, "batch"),
    ):
        if ids is not None:
            terms.append({"ids": list(ids), "operator": "is", "type": kind})
    if filters.workflow_status is WorkflowStatus.ToLabel:
        terms.append({"type": "task_queue_not_exist"})
    elif filters.workflow_status is not None:
        terms.append({"type": "task_queue_status", "status": filters.workflow_status.value})
    return terms


def _params(
    params: ExportParams, scope: Literal["project", "catalog", "data_rows"]
) -> dict[str, Any]:
    rendered: dict[str, Any] = {
        "mediaTypeOverride": None
        if params.media_type_override is None
        else params.media_type_override.value,
        "includeAttachments": params.attachments,
        "includeEmbeddings": params.embeddings,
        "includeMetadata": params.metadata_fields,
        "includeDataRowDetails": params.data_row_details,
        "includeProjectDetails": params.project_details,
        "includePerformanceDetails": params.performance_details,
        "includeLabelDetails": params.label_details,
        "includeInterpolatedFrames": params.interpolated_frames,
    }
    if scope == "catalog":
        rendered["includePredictions"] = params.predictions
    if scope in ("catalog", "data_rows"):
        rendered.update(
            projectIds=params.project_ids,
            modelRunIds=params.model_run_ids,
            allProjects=params.all_projects,
            allModelRuns=params.all_model_runs,
        )
    return rendered


def project_export_input(
    project_id: str,
    *,
    task_name: str | None,
    filters: ExportFilters,
    params: ExportParams,
    timezone: str | None,
    streamable: bool = True,
) -> dict[str, Any]:
    """The ``input`` of ``exportDataRowsInProject``."""
    return {
        "taskName": task_name,
        "isStreamableReady": True,
        "filters": {
            "projectId": project_id,
            "searchQuery": {"scope": None, "query": search_query(filters, timezone)},
        },
        "params": _params(params, "project"),
        "streamable": streamable,
    }


def _reject_project_only(filters: ExportFilters, what: str) -> None:
    if filters.batch_ids is not None or filters.workflow_status is not None:
        raise ValueError(f"batch_ids and workflow_status filter project exports, not {what}")


def dataset_export_input(
    dataset_id: str,
    dataset_name: str,
    *,
    task_name: str | None,
    filters: ExportFilters,
    params: ExportParams,
    timezone: str | None,
    streamable: bool = True,
) -> dict[str, Any]:
    """The ``input`` of ``exportDataRowsInCatalog`` for one dataset."""
    _reject_project_only(filters, "dataset exports")
    terms = search_query(filters, timezone)
    terms.append({"ids": [dataset_id], "operator": "is", "type": "dataset"})
    return {
        "taskName": task_name if task_name is not None else f"Export v2: dataset - {dataset_name}",
        "filters": {"searchQuery": {"scope": None, "query": terms}},
        "isStreamableReady": True,
        "params": _params(params, "catalog"),
        "streamable": streamable,
    }


def data_rows_export_input(
    *,
    data_row_ids: list[str] | None,
    global_keys: list[str] | None,
    task_name: str | None,
    params: ExportParams,
    streamable: bool = True,
) -> dict[str, Any]:
    """The ``input`` of ``exportDataRowsInCatalog`` for given data rows or global keys."""
    if not data_row_ids and not global_keys:
        raise ValueError("give data_rows or global_keys")
    filters = ExportFilters(
        data_row_ids=data_row_ids or None, global_keys=None if data_row_ids else global_keys
    )
    count = len(data_row_ids or [])  # the official SDK counts only ids in the default name
    return {
        "taskName": task_name if task_name is not None else f"Export v2: data rows {count}",
        "filters": {"searchQuery": {"scope": None, "query": search_query(filters)}},
        "isStreamableReady": True,
        "params": _params(params, "data_rows"),
        "streamable": streamable,
    }
