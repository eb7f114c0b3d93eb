"""Exports: typed filters and params (:mod:`aiolabel.types`) rendered as the official SDK
renders them, and the requests that start an export task.

The renderers are pure functions. Date filters need the user's timezone
(``CurrentUserPyApi``); :class:`Exports` fetches it once when ``needs_timezone(filters)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from aiolabel._operations import exports as export_ops
from aiolabel._operations import users as user_ops
from aiolabel._resources._base import Resource
from aiolabel._validation import check_ids, check_optional_str, check_str
from aiolabel.enums import WorkflowStatus
from aiolabel.errors import InputError, InputTypeError, LabelboxError
from aiolabel.identifiers import GlobalKeys, UniqueIds
from aiolabel.models.data_row import DataRow
from aiolabel.models.dataset import Dataset
from aiolabel.models.project import Project
from aiolabel.models.task import Task
from aiolabel.pagination import dig
from aiolabel.types import ISO_FORMAT, DateBound, ExportFilters, ExportParams


def _render_date(value: str | datetime, timezone: str) -> tuple[str, str]:
    """The wire string and the timezone it is read in (ISO and datetime values become UTC)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"), "UTC"
    try:
        parsed = datetime.strptime(value, ISO_FORMAT)
    except ValueError:
        return value, timezone
    # converted, not relabelled: the official SDK keeps the wall-clock time and calls it UTC,
    # which shifts the window by the offset (a deliberate difference)
    return parsed.astimezone(UTC).strftime(ISO_FORMAT), "UTC"


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


_M = TypeVar("_M", bound=BaseModel)


def coerce(model: type[_M], value: object, argument: str) -> _M:
    """An export filters/params model from itself, a mapping or None; errors name the argument."""
    if value is None:
        return model()
    if isinstance(value, model):
        return value
    if not isinstance(value, Mapping):
        raise InputTypeError(f"{argument} must be a dict, got {type(value).__name__}")
    try:
        return model.model_validate(dict(value))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in exc.errors()
        )
        raise InputError(f"{argument}: {problems}") from None


def catalog_filters(filters: ExportFilters | Mapping[str, Any] | None) -> ExportFilters:
    """A dataset export's ``filters``: the model, a dict (``None`` values dropped) or None."""
    if filters is None:
        return ExportFilters()
    if isinstance(filters, ExportFilters):
        return filters
    if not isinstance(filters, Mapping):
        raise InputTypeError("filters must be an ExportFilters or a dict")
    try:
        return ExportFilters(**{k: v for k, v in filters.items() if v is not None})
    except ValidationError as exc:
        raise InputError(f"filters: {exc}") from exc


def catalog_params(params: ExportParams | Mapping[str, Any] | None) -> ExportParams:
    """A catalog export's ``params``: the model, a dict or None."""
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


class Exports(Resource):
    """Export tasks of a project, a dataset or a list of data rows."""

    __slots__ = ()

    async def start_catalog(self, variables: dict[str, Any], *, sdk_method: str) -> Task:
        """``exportDataRowsInCatalog``, then the task it started (wire doc §4.5)."""
        data = await self._client._execute_operation(
            export_ops.EXPORT_DATA_ROWS_IN_CATALOG,
            variables,
            sdk_method=sdk_method,
            error_log_key="errors",
        )
        task_id = dig(data, ("exportDataRowsInCatalog", "taskId"))
        if not isinstance(task_id, str) or not task_id:
            raise LabelboxError("the export task id is missing from the response")
        return await self._client._fetch_task(task_id, sdk_method=sdk_method)

    async def dataset(
        self,
        dataset: Dataset,
        task_name: str | None = None,
        filters: ExportFilters | Mapping[str, Any] | None = None,
        params: ExportParams | Mapping[str, Any] | None = None,
    ) -> Task:
        if task_name is not None:
            check_str("task_name", task_name)
        checked_filters = catalog_filters(filters)
        checked_params = catalog_params(params)
        timezone = None
        if needs_timezone(checked_filters):
            data = await self._client._execute_operation(
                user_ops.CURRENT_USER_TIMEZONE, None, sdk_method="Dataset:export"
            )
            timezone = dig(data, ("user", "timezone")) or "UTC"
        try:
            body = dataset_export_input(
                dataset.uid,
                dataset.name or "",
                task_name=task_name,
                filters=checked_filters,
                params=checked_params,
                timezone=timezone,
            )
        except ValueError as exc:
            raise InputError(str(exc)) from exc
        return await self.start_catalog({"input": body}, sdk_method="Dataset:export")

    async def data_rows(
        self,
        data_rows: Sequence[DataRow | str] | UniqueIds | None,
        global_keys: Sequence[str] | GlobalKeys | None,
        task_name: str | None,
        params: ExportParams | Mapping[str, Any] | None,
    ) -> Task:
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
        checked = catalog_params(params)
        try:
            body = data_rows_export_input(
                data_row_ids=ids, global_keys=keys, task_name=task_name, params=checked
            )
        except ValueError as exc:
            raise InputError(str(exc)) from exc
        return await self.start_catalog({"input": body}, sdk_method="DataRow:export")

    async def project(
        self,
        project: Project,
        task_name: str | None,
        filters: ExportFilters | Mapping[str, Any] | None,
        params: ExportParams | Mapping[str, Any] | None,
    ) -> Task:
        task_name = check_optional_str("task_name", task_name)
        chosen = coerce(ExportFilters, filters, "filters")
        options = coerce(ExportParams, params, "params")
        sdk = "Project:export"

        def render(timezone: str | None) -> dict[str, Any]:
            try:
                return project_export_input(
                    project.uid,
                    task_name=task_name,
                    filters=chosen,
                    params=options,
                    timezone=timezone,
                )
            except ValueError as exc:
                raise InputError(f"filters: {exc}") from None

        export_input = render("UTC")  # checks the filters before any request
        if needs_timezone(chosen):
            data = await self._client._execute_operation(
                user_ops.CURRENT_USER_TIMEZONE, None, sdk_method=sdk
            )
            found = dig(data, ("user", "timezone"))
            export_input = render(found if isinstance(found, str) and found else "UTC")
        data = await self._client._execute_operation(
            export_ops.EXPORT_DATA_ROWS_IN_PROJECT,
            {"input": export_input},
            sdk_method=sdk,
            error_log_key="errors",
            expect_one=True,
        )
        task_id = dig(data, ("exportDataRowsInProject", "taskId"))
        if not isinstance(task_id, str):
            raise LabelboxError("exportDataRowsInProject answered no task id")
        return await self._client._fetch_task(task_id, sdk_method=sdk)
