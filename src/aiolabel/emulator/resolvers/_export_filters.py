"""An export's filters: the search terms and include* params of ``exportDataRowsInProject`` /
``exportDataRowsInCatalog`` compiled into an :class:`ExportSpec` (SQL conditions and what each
line holds); refused terms are MALFORMED_REQUEST errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiolabel.emulator.errors import Malformed
from aiolabel.emulator.resolvers.catalog import (
    global_key_norm,
    marks,
)

MAX_IDS_PER_TERM = 2_000
MAX_PARAM_IDS = 30
WORKFLOW_FILTERS = {
    "InReview": "MANUAL_REVIEW_QUEUE",
    "InRework": "MANUAL_REWORK_QUEUE",
    "ToLabel": "INITIAL_LABELING_QUEUE",
}


# -- filters ------------------------------------------------------------------------------------


@dataclass
class ExportSpec:
    """Everything the export work needs, as plain data (it runs after the request)."""

    kind: str
    """``project`` or ``catalog``."""
    org_id: str
    project_id: str | None
    conditions: list[str] = field(default_factory=list)
    """SQL over ``d`` (data_rows) and, for a project export, ``p`` and ``q``."""
    params: list[Any] = field(default_factory=list)
    include: dict[str, bool] = field(default_factory=dict)
    project_ids: list[str] | None = None
    """Projects a catalog export reports on (``None``: none)."""


def _activity_sql(kind: str) -> str:
    """The last activity on a data row: its own update, its labels, its queue moves."""
    if kind == "project":
        return (
            "MAX(d.updated_at, p.updated_at, COALESCE((SELECT MAX(l.updated_at) FROM labels l"
            " WHERE l.project_id = p.project_id AND l.data_row_id = d.id), ''))"
        )
    return (
        "MAX(d.updated_at, COALESCE((SELECT MAX(l.updated_at) FROM labels l"
        " WHERE l.data_row_id = d.id), ''), COALESCE((SELECT MAX(pp.updated_at)"
        " FROM project_data_rows pp WHERE pp.data_row_id = d.id), ''))"
    )


def _ids(term: dict[str, Any]) -> list[str]:
    ids = term.get("ids")
    if term.get("operator", "is") != "is":
        raise Malformed(f"Unsupported operator {term.get('operator')!r} for {term['type']}")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise Malformed(f"The {term['type']} filter needs a non-empty list of strings")
    if len(ids) > MAX_IDS_PER_TERM:
        raise Malformed(
            f"The {term['type']} filter accepts at most {MAX_IDS_PER_TERM:,} ids ({len(ids):,})"
        )
    return ids


def _instant(text: Any, zone: ZoneInfo, *, end_of_day: bool) -> str:
    """A filter date in the stored timestamp format (UTC); a bare date covers its whole day."""
    if not isinstance(text, str):
        raise Malformed(f"Expected a date string, got {text!r}")
    for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            moment = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if fmt == "%Y-%m-%d" and end_of_day:
            moment = datetime.combine(moment.date(), time.max)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        moment = moment.astimezone(UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    raise Malformed(
        f"Incorrect date {text!r}: use YYYY-MM-DD, YYYY-MM-DD hh:mm:ss or YYYY-MM-DDThh:mm:ss±hhmm"
    )


def _date_range(term: dict[str, Any]) -> tuple[str | None, str | None]:
    value = term.get("value")
    if not isinstance(value, dict):
        raise Malformed(f"The {term['type']} filter needs a value object")
    try:
        zone = ZoneInfo(value.get("timezone") or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise Malformed(f"Unknown timezone {value.get('timezone')!r}") from None
    operator, bounds = value.get("operator"), value.get("value")
    if operator == "BETWEEN":
        if not isinstance(bounds, dict):
            raise Malformed("BETWEEN needs {min, max}")
        low = _instant(bounds.get("min"), zone, end_of_day=False)
        high = _instant(bounds.get("max"), zone, end_of_day=True)
        return low, high
    if operator == "GREATER_THAN_OR_EQUAL":
        return _instant(bounds, zone, end_of_day=False), None
    if operator == "LESS_THAN_OR_EQUAL":
        return None, _instant(bounds, zone, end_of_day=True)
    raise Malformed(f"Unsupported date operator {operator!r}")


def _bounded(expression: str, low: str | None, high: str | None) -> tuple[str, list[str]]:
    parts, params = [], []
    if low is not None:
        parts.append(f"{expression} >= ?")
        params.append(low)
    if high is not None:
        parts.append(f"{expression} <= ?")
        params.append(high)
    return " AND ".join(parts) or "1", params


def compile_terms(spec: ExportSpec, terms: list[Any]) -> None:
    """Turn the SDK's search terms into SQL conditions on ``spec`` (MALFORMED_REQUEST if bad)."""
    for term in terms:
        if not isinstance(term, dict) or not isinstance(term.get("type"), str):
            raise Malformed(f"Each search query term must be an object with a type: {term!r}")
        kind = term["type"]
        if kind == "data_row_id":
            ids = _ids(term)
            spec.conditions.append(f"d.id IN ({marks(len(ids))})")
            spec.params.extend(ids)
        elif kind == "global_key":
            keys = [global_key_norm(k) for k in _ids(term)]
            spec.conditions.append(
                f"d.global_key IS NOT NULL AND lower(d.global_key) IN ({marks(len(keys))})"
            )
            spec.params.extend(keys)
        elif kind == "dataset" and spec.kind == "catalog":
            ids = _ids(term)
            spec.conditions.append(f"d.dataset_id IN ({marks(len(ids))})")
            spec.params.extend(ids)
        elif kind == "batch" and spec.kind == "project":
            ids = _ids(term)
            spec.conditions.append(f"p.batch_id IN ({marks(len(ids))})")
            spec.params.extend(ids)
        elif kind == "data_row_last_activity_at":
            sql, params = _bounded(_activity_sql(spec.kind), *_date_range(term))
            spec.conditions.append(sql)
            spec.params.extend(params)
        elif kind == "labeled_at":
            low, high = _date_range(term)
            sql, params = _bounded("l.created_at", low, high)
            scope = "l.project_id = p.project_id AND " if spec.kind == "project" else ""
            spec.conditions.append(
                f"EXISTS (SELECT 1 FROM labels l WHERE {scope}l.data_row_id = d.id"
                f" AND l.deleted = 0 AND {sql})"
            )
            spec.params.extend(params)
        elif kind == "task_queue_status" and spec.kind == "project":
            status = term.get("status")
            if status == "Done":
                spec.conditions.append("p.queue_id IS NULL")
            elif status in WORKFLOW_FILTERS:
                spec.conditions.append("q.queue_type = ?")
                spec.params.append(WORKFLOW_FILTERS[status])
            else:
                raise Malformed(f"Unknown workflow status {status!r}")
        elif kind == "task_queue_not_exist" and spec.kind == "project":
            spec.conditions.append("q.queue_type = ?")
            spec.params.append(WORKFLOW_FILTERS["ToLabel"])
        else:
            raise Malformed(f"Unsupported filter type {kind!r} for a {spec.kind} export")


def _include(params: dict[str, Any] | None) -> dict[str, bool]:
    params = params or {}
    for key in ("projectIds", "modelRunIds"):
        if len(params.get(key) or []) > MAX_PARAM_IDS:
            raise Malformed(f"{key} cannot exceed {MAX_PARAM_IDS} items")
    names = (
        "Attachments",
        "Embeddings",
        "Metadata",
        "DataRowDetails",
        "ProjectDetails",
        "PerformanceDetails",
        "LabelDetails",
    )
    return {name: bool(params.get(f"include{name}")) for name in names}
