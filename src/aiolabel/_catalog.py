"""Shared pieces of the catalog methods: argument checks, the global-key job poller, where dicts.

Global-key jobs (wire doc §3.7) are not tasks: a job id is polled through its own result query.
:func:`run_job` starts one and polls it on the task poller's schedule
(:func:`aiolabel._polling.poll_delay`, 0.1 s growing to the client's ``task_poll_interval``
with jitter) instead of the official fixed 2 s.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from aiolabel._operations import Operation
from aiolabel._polling import poll_delay
from aiolabel.enums import CollectionJobStatus
from aiolabel.errors import (
    LabelboxError,
    TimeoutError,
)
from aiolabel.pagination import dig

if TYPE_CHECKING:
    from aiolabel.client import AsyncClient

__all__ = [
    "collection_status",
    "run_job",
]


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
) -> dict[str, Any]:
    """Start a global-key job (``start``, answering ``{root: {jobId}}``), then poll ``result``
    (answering ``{root + "Result": {jobStatus, data}}``) until ``COMPLETE``; return its ``data``.

    ``FAILED`` raises :class:`LabelboxError`, running out of time :class:`TimeoutError` (as the
    official SDK). Asks at once, then backs off like the task poller.
    """
    started = client._clock()
    answer = await client._execute_operation(start, variables, sdk_method=sdk_method)
    job_id = dig(answer, (root, "jobId"))
    if not isinstance(job_id, str) or not job_id:
        raise LabelboxError(f"{root} returned no job id")

    async def check() -> dict[str, Any] | None:
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
        return None

    def delay(attempt: int, elapsed: float) -> float:
        return poll_delay(
            attempt, interval=client.task_poll_interval, elapsed=elapsed, jitter=client._random()
        )

    return await client._poll_until(
        check,
        timeout=timeout_seconds,
        delays=delay,
        timeout_error=lambda: TimeoutError(f"Timed out waiting for {what} job to complete."),
        started=started,
    )


def collection_status(results: Iterable[object], errors: list[Any]) -> str:
    """``SUCCESS`` without errors, ``PARTIAL SUCCESS`` with errors and results, else
    ``FAILURE`` (empty-string results do not count, as in the official SDK)."""
    if not errors:
        return CollectionJobStatus.SUCCESS.value
    if any(r != "" for r in results):
        return CollectionJobStatus.PARTIAL_SUCCESS.value
    return CollectionJobStatus.FAILURE.value
