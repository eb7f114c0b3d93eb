"""Global keys: look up data rows by key, assign keys, clear them (each one a server job).

Global-key jobs (wire doc §3.7) are not tasks: a job id is polled through its own result query.
:meth:`GlobalKeyJobs.run_job` starts one and polls it on the task poller's schedule
(:func:`aiolabel._polling.poll_delay`, 0.1 s growing to the client's ``task_poll_interval``
with jitter) instead of the official fixed 2 s.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from aiolabel._operations import Operation
from aiolabel._operations import global_keys as gk_ops
from aiolabel._polling import poll_delay
from aiolabel._resources._base import Resource
from aiolabel._validation import InvalidItemAttribute, check_ids, check_str, check_timeout
from aiolabel.enums import CollectionJobStatus
from aiolabel.errors import InputError, InputTypeError, LabelboxError, TimeoutError
from aiolabel.identifiers import GlobalKeys
from aiolabel.pagination import dig

if TYPE_CHECKING:
    pass

__all__ = ["GlobalKeyJobs", "collection_status"]

logger = logging.getLogger("aiolabel.catalog")


def collection_status(results: Iterable[object], errors: list[Any]) -> str:
    """``SUCCESS`` without errors, ``PARTIAL SUCCESS`` with errors and results, else
    ``FAILURE`` (empty-string results do not count, as in the official SDK)."""
    if not errors:
        return CollectionJobStatus.SUCCESS.value
    if any(r != "" for r in results):
        return CollectionJobStatus.PARTIAL_SUCCESS.value
    return CollectionJobStatus.FAILURE.value


def _job_result(results: list[Any], errors: list[dict[str, Any]]) -> dict[str, Any]:
    if errors:
        logger.warning(
            "There are errors present. Please look at 'errors' in the returned dict for more "
            "details"
        )
    return {"status": collection_status(results, errors), "results": results, "errors": errors}


class GlobalKeyJobs(Resource):
    """Global-key jobs."""

    __slots__ = ()

    async def run_job(
        self,
        start: Operation,
        variables: dict[str, Any],
        result: Operation,
        root: str,
        *,
        timeout_seconds: float,
        sdk_method: str,
        what: str,
    ) -> dict[str, Any]:
        """Start a global-key job (``start``, answering ``{root: {jobId}}``), then poll
        ``result`` (answering ``{root + "Result": {jobStatus, data}}``) until ``COMPLETE``;
        return its ``data``.

        ``FAILED`` raises :class:`LabelboxError`, running out of time :class:`TimeoutError` (as
        the official SDK). Asks at once, then backs off like the task poller.
        """
        started = self._client._clock()
        answer = await self._client._execute_operation(start, variables, sdk_method=sdk_method)
        job_id = dig(answer, (root, "jobId"))
        if not isinstance(job_id, str) or not job_id:
            raise LabelboxError(f"{root} returned no job id")

        async def check() -> dict[str, Any] | None:
            data = await self._client._execute_operation(
                result, {"jobId": job_id}, sdk_method=sdk_method
            )
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
                attempt,
                interval=self._client.task_poll_interval,
                elapsed=elapsed,
                jitter=self._client._random(),
            )

        return await self._client._poll_until(
            check,
            timeout=timeout_seconds,
            delays=delay,
            timeout_error=lambda: TimeoutError(f"Timed out waiting for {what} job to complete."),
            started=started,
        )

    async def ids_for_global_keys(
        self,
        global_keys: Sequence[str] | GlobalKeys,
        timeout_seconds: float = 60,
    ) -> dict[str, Any]:
        keys = check_ids("global_keys", global_keys, allow=GlobalKeys)
        timeout = check_timeout(timeout_seconds)
        sdk = "Client:get_data_row_ids_for_global_keys"
        body = await self.run_job(
            gk_ops.GET_DATA_ROWS_FOR_GLOBAL_KEYS,
            {"globalKeys": keys},
            gk_ops.GET_DATA_ROWS_FOR_GLOBAL_KEYS_RESULT,
            "dataRowsForGlobalKeys",
            timeout_seconds=timeout,
            sdk_method=sdk,
            what="dataRowsForGlobalKeys",
        )
        results = [row.get("id") for row in body.get("fetchedDataRows") or []]
        errors = [
            {"global_key": k, "error": "Data Row not found"}
            for k in body.get("notFoundGlobalKeys") or []
        ] + [
            {"global_key": k, "error": "Access denied to Data Row"}
            for k in body.get("accessDeniedGlobalKeys") or []
        ]
        return _job_result(results, errors)

    async def assign(
        self,
        global_key_to_data_row_inputs: Sequence[Mapping[str, str]],
        timeout_seconds: float = 60,
    ) -> dict[str, Any]:
        inputs = global_key_to_data_row_inputs
        if isinstance(inputs, str | bytes | Mapping) or not isinstance(inputs, Sequence):
            raise InputTypeError("global_key_to_data_row_inputs must be a list of dicts")
        if not inputs:
            raise InputError("global_key_to_data_row_inputs must not be empty")
        links = []
        rows: set[str] = set()
        keys: set[str] = set()
        for i, item in enumerate(inputs):
            where = f"global_key_to_data_row_inputs[{i}]"
            if not isinstance(item, Mapping):
                raise InputTypeError(f"{where} must be a dict")
            unknown = set(item) - {"data_row_id", "global_key"}
            if unknown:
                raise InvalidItemAttribute("AssignGlobalKeyToDataRowInput", unknown, where)
            if "data_row_id" not in item or "global_key" not in item:
                raise InputError(f"{where} needs both data_row_id and global_key")
            row = check_str(f"{where}.data_row_id", item["data_row_id"])
            key = check_str(f"{where}.global_key", item["global_key"])
            if key != key.strip(" ") or "  " in key:  # the service refuses the assignment
                raise InputError(
                    f"{where}.global_key {key!r} has leading, trailing or doubled spaces"
                )
            if row in rows:
                raise InputError(f"{where}: data row {row!r} appears more than once")
            if key in keys:
                raise InputError(f"{where}: global key {key!r} appears more than once")
            rows.add(row)
            keys.add(key)
            links.append({"dataRowId": row, "globalKey": key})
        timeout = check_timeout(timeout_seconds)
        sdk = "Client:assign_global_keys_to_data_rows"
        body = await self.run_job(
            gk_ops.ASSIGN_GLOBAL_KEYS_TO_DATA_ROWS,
            {"globalKeyDataRowLinks": links},
            gk_ops.ASSIGN_GLOBAL_KEYS_TO_DATA_ROWS_RESULT,
            "assignGlobalKeysToDataRows",
            timeout_seconds=timeout,
            sdk_method=sdk,
            what="assign_global_keys_to_data_rows",
        )

        def ok(name: str, sanitized: bool) -> list[dict[str, Any]]:
            return [
                {
                    "data_row_id": r["dataRowId"],
                    "global_key": r["globalKey"],
                    "sanitized": sanitized,
                }
                for r in body.get(name) or []
            ]

        def failed(name: str, message: str) -> list[dict[str, Any]]:
            return [
                {"data_row_id": r["dataRowId"], "global_key": r["globalKey"], "error": message}
                for r in body.get(name) or []
            ]

        results = ok("sanitizedAssignments", True) + ok("unmodifiedAssignments", False)
        errors = failed(
            "invalidGlobalKeyAssignments",
            "Invalid assignment. Either DataRow does not exist, or globalKey is invalid",
        ) + failed("accessDeniedAssignments", "Access denied to Data Row")
        return _job_result(results, errors)

    async def clear(
        self,
        global_keys: Sequence[str] | GlobalKeys,
        timeout_seconds: float = 60,
    ) -> dict[str, Any]:
        keys = check_ids("global_keys", global_keys, allow=GlobalKeys)
        timeout = check_timeout(timeout_seconds)
        sdk = "Client:clear_global_keys"
        body = await self.run_job(
            gk_ops.CLEAR_GLOBAL_KEYS,
            {"globalKeys": keys},
            gk_ops.CLEAR_GLOBAL_KEYS_RESULT,
            "clearGlobalKeys",
            timeout_seconds=timeout,
            sdk_method=sdk,
            what="clear_global_keys",
        )
        errors = []
        for name, message in (
            ("failedToClearGlobalKeys", "Clearing global key failed"),
            ("notFoundGlobalKeys", "Failed to find data row matching provided global key"),
            (
                "accessDeniedGlobalKeys",
                "Denied access to modify data row matching provided global key",
            ),
        ):
            errors += [{"global_key": k, "error": message} for k in body.get(name) or []]
        return _job_result(list(body.get("clearedGlobalKeys") or []), errors)
