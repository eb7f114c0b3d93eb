"""Shared pieces of the catalog methods: argument checks, the global-key job poller, where dicts.

Global-key jobs (wire doc §3.7) are not tasks: a job id is polled through its own result query.
:func:`run_job` starts one and polls it on the task poller's schedule
(:func:`aiolabel.models.task.poll_delay`, 0.1 s growing to the client's ``task_poll_interval``
with jitter) instead of the official fixed 2 s.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import anyio

from aiolabel._operations import Operation
from aiolabel._operations import exports as export_ops
from aiolabel._operations._builder import Comparison, Where
from aiolabel._operations._entities import Entity
from aiolabel.enums import CollectionJobStatus
from aiolabel.errors import (
    InputError,
    InputTypeError,
    InvalidAttributeError,
    LabelboxError,
    TimeoutError,
)
from aiolabel.identifiers import GlobalKeys, Identifiables, UniqueIds
from aiolabel.models.task import Task, poll_delay
from aiolabel.pagination import dig

if TYPE_CHECKING:
    from aiolabel.client import AsyncClient

__all__ = [
    "InvalidItemAttribute",
    "check_ids",
    "check_str",
    "check_timeout",
    "collection_status",
    "run_job",
    "start_export",
    "where_as_dict",
]


class InvalidItemAttribute(InputError, InvalidAttributeError):
    """Unknown fields in a create or update: both the official ``InvalidAttributeError`` and an
    :class:`InputError` (raised before any request)."""

    def __init__(self, db_object_type: str, field: object, where: str | None = None) -> None:
        text = f"Field(s) {field!r} not valid on DB type '{db_object_type}'"
        LabelboxError.__init__(self, f"{where}: {text}" if where else text)
        self.db_object_type = db_object_type
        self.field = field


def check_str(name: str, value: object, *, allow_empty: bool = False) -> str:
    """A ``str`` argument; empty (or blank) refused unless ``allow_empty``."""
    if not isinstance(value, str):
        raise InputTypeError(f"{name} must be a str, got {type(value).__name__}")
    if not allow_empty and not value.strip():
        raise InputError(f"{name} must not be empty")
    return value


def check_ids(
    name: str,
    values: object,
    *,
    allow: type[Identifiables[Any]] | tuple[type[Identifiables[Any]], ...] = (
        UniqueIds,
        GlobalKeys,
    ),
    convert: Callable[[object], object] | None = None,
) -> list[str]:
    """A non-empty list of distinct non-empty strings (a list, tuple or an allowed identifier
    list); ``convert`` maps items first (a ``DataRow`` to its id)."""
    if isinstance(values, Identifiables):
        if not isinstance(values, allow):
            raise InputTypeError(f"{name} cannot be {type(values).__name__}")
        items: list[object] = list(values)
    elif isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        raise InputTypeError(f"{name} must be a list of str, got {type(values).__name__}")
    else:
        items = list(values)
    if not items:
        raise InputError(f"{name} must not be empty")
    out: list[str] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        if convert is not None:
            item = convert(item)
        if not isinstance(item, str):
            raise InputTypeError(f"{name}[{i}] must be a str, got {type(item).__name__}")
        if not item.strip():
            raise InputError(f"{name}[{i}] must not be empty")
        if item in seen:
            raise InputError(f"{name}[{i}]: {item!r} appears more than once")
        seen.add(item)
        out.append(item)
    return out


def check_timeout(timeout_seconds: object) -> float:
    if isinstance(timeout_seconds, bool) or not isinstance(timeout_seconds, int | float):
        raise InputTypeError("timeout_seconds must be a number")
    if not timeout_seconds > 0 or timeout_seconds != timeout_seconds:
        raise InputError("timeout_seconds must be positive")
    return float(timeout_seconds)


async def run_job(
    client: AsyncClient,
    start: Operation,
    variables: dict[str, Any],
    result: Operation,
    root: str,
    *,
    timeout_seconds: float,
    sdk_method: str,
    what: str,
    sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
) -> dict[str, Any]:
    """Start a global-key job (``start``, answering ``{root: {jobId}}``), then poll ``result``
    (answering ``{root + "Result": {jobStatus, data}}``) until ``COMPLETE``; return its ``data``.

    ``FAILED`` raises :class:`LabelboxError`, running out of time :class:`TimeoutError` (as the
    official SDK). Asks at once, then backs off like the task poller.
    """
    started = time.monotonic()
    answer = await client._execute_operation(start, variables, sdk_method=sdk_method)
    job_id = dig(answer, (root, "jobId"))
    if not isinstance(job_id, str) or not job_id:
        raise LabelboxError(f"{root} returned no job id")
    deadline = started + timeout_seconds
    attempt = 0
    while True:
        data = await client._execute_operation(result, {"jobId": job_id}, sdk_method=sdk_method)
        job = dig(data, (root + "Result",))
        status = job.get("jobStatus") if isinstance(job, Mapping) else None
        if status == "COMPLETE":
            body = job.get("data") if isinstance(job, Mapping) else None
            if not isinstance(body, Mapping):
                raise LabelboxError(f"job {what} completed without data")
            return dict(body)
        if status == "FAILED":
            raise LabelboxError(f"Job {what} failed.")
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"Timed out waiting for {what} job to complete.")
        delay = poll_delay(
            attempt,
            interval=client.task_poll_interval,
            elapsed=time.monotonic() - started,
            jitter=random.random(),
        )
        attempt += 1
        await sleep(min(delay, left))


def collection_status(results: Iterable[object], errors: list[Any]) -> str:
    """``SUCCESS`` without errors, ``PARTIAL SUCCESS`` with errors and results, else
    ``FAILURE`` (empty-string results do not count, as in the official SDK)."""
    if not errors:
        return CollectionJobStatus.SUCCESS.value
    if any(r != "" for r in results):
        return CollectionJobStatus.PARTIAL_SUCCESS.value
    return CollectionJobStatus.FAILURE.value


def where_as_dict(entity: Entity, where: object) -> dict[str, Any] | None:
    """One comparison as the flat dict of ``datasetDataRows(where:)``: ``{"externalId": x}``,
    ``{"externalId_not": x}`` (wire doc §4.3)."""
    if where is None:
        return None
    if not isinstance(where, Comparison):
        what = "an AND of comparisons" if isinstance(where, Where) else type(where).__name__
        raise InputTypeError(
            f"where must be a single comparison such as DataRow.external_id == 'x', got {what}"
        )
    spec = entity.field(where.field)
    if spec is None or spec.subfields:
        raise InvalidItemAttribute(entity.name, where.field, "where")
    value = where.value
    if isinstance(value, datetime) and (value.tzinfo is None or value.utcoffset() is None):
        raise InputError("where: datetimes must carry a time zone")
    return {spec.graphql + where.op.value: value}


async def start_export(client: AsyncClient, variables: dict[str, Any], *, sdk_method: str) -> Task:
    """``exportDataRowsInCatalog``, then the task it started (wire doc §4.5)."""
    data = await client._execute_operation(
        export_ops.EXPORT_DATA_ROWS_IN_CATALOG,
        variables,
        sdk_method=sdk_method,
        error_log_key="errors",
    )
    task_id = dig(data, ("exportDataRowsInCatalog", "taskId"))
    if not isinstance(task_id, str) or not task_id:
        raise LabelboxError("the export task id is missing from the response")
    return await client._fetch_task(task_id, sdk_method=sdk_method)
