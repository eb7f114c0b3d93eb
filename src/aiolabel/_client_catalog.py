"""AsyncClient's top-level methods for datasets, data rows, global keys and metadata.

Mixed into :class:`aiolabel.client.AsyncClient`; methods annotate ``self: AsyncClient`` to reach
the client's internal entry points.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, cast

from aiolabel._catalog import collection_status, run_job
from aiolabel._operations import global_keys as gk_ops
from aiolabel._validation import InvalidItemAttribute, check_ids, check_str, check_timeout
from aiolabel.errors import InputError, InputTypeError
from aiolabel.identifiers import GlobalKeys
from aiolabel.models.metadata import DataRowMetadataOntology

if TYPE_CHECKING:
    from aiolabel.client import AsyncClient

logger = logging.getLogger("aiolabel.catalog")


class _DefaultIAM:
    """The default of ``create_dataset(iam_integration=...)``: the organisation's default."""

    _instance: _DefaultIAM | None = None

    def __new__(cls) -> _DefaultIAM:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "DEFAULT_IAM_INTEGRATION"


DEFAULT_IAM_INTEGRATION: Final = _DefaultIAM()
"""``create_dataset``'s default: look up the organisation's default IAM integration."""

_ONTOLOGY_ATTR = "_catalog_metadata_ontology"


class CatalogMethods:
    """Datasets, data rows, global keys, metadata (mixed into AsyncClient)."""

    __slots__ = ()

    # -- datasets ----------------------------------------------------------------------------

    # -- data rows ---------------------------------------------------------------------------

    # -- global keys -------------------------------------------------------------------------

    async def get_data_row_ids_for_global_keys(
        self,
        global_keys: Sequence[str] | GlobalKeys,
        timeout_seconds: float = 60,
    ) -> dict[str, Any]:
        """Data row ids for global keys: ``{"status", "results", "errors"}``.

        ``results`` lists an id per key in input order (``""`` where none was found);
        ``errors`` lists ``{"global_key", "error"}``; ``status`` is ``SUCCESS``,
        ``PARTIAL SUCCESS`` or ``FAILURE``. The job is polled on the task poller's schedule
        (0.1 s growing to ``task_poll_interval``).
        """
        client = cast("AsyncClient", self)
        keys = check_ids("global_keys", global_keys, allow=GlobalKeys)
        timeout = check_timeout(timeout_seconds)
        sdk = "Client:get_data_row_ids_for_global_keys"
        body = await run_job(
            client,
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

    async def assign_global_keys_to_data_rows(
        self,
        global_key_to_data_row_inputs: Sequence[Mapping[str, str]],
        timeout_seconds: float = 60,
    ) -> dict[str, Any]:
        """Assign global keys: ``[{"data_row_id", "global_key"}]`` in, ``{"status", "results",
        "errors"}`` out.

        ``results``: ``{"data_row_id", "global_key", "sanitized"}`` (sanitised keys first, then
        unchanged ones); ``errors``: ``{"data_row_id", "global_key", "error"}``. A data row or a
        key may appear once per call.
        """
        client = cast("AsyncClient", self)
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
            if row in rows:
                raise InputError(f"{where}: data row {row!r} appears more than once")
            if key in keys:
                raise InputError(f"{where}: global key {key!r} appears more than once")
            rows.add(row)
            keys.add(key)
            links.append({"dataRowId": row, "globalKey": key})
        timeout = check_timeout(timeout_seconds)
        sdk = "Client:assign_global_keys_to_data_rows"
        body = await run_job(
            client,
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

    async def clear_global_keys(
        self,
        global_keys: Sequence[str] | GlobalKeys,
        timeout_seconds: float = 60,
    ) -> dict[str, Any]:
        """Remove global keys from their data rows: ``{"status", "results": [cleared keys],
        "errors": [{"global_key", "error"}]}``."""
        client = cast("AsyncClient", self)
        keys = check_ids("global_keys", global_keys, allow=GlobalKeys)
        timeout = check_timeout(timeout_seconds)
        sdk = "Client:clear_global_keys"
        body = await run_job(
            client,
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

    # -- metadata ----------------------------------------------------------------------------

    async def get_data_row_metadata_ontology(self) -> DataRowMetadataOntology:
        """The organisation's metadata schemas, fetched once per client (``await
        ontology.refresh_ontology()`` to fetch them again)."""
        client = cast("AsyncClient", self)

        cached = client.__dict__.get(_ONTOLOGY_ATTR)
        if isinstance(cached, DataRowMetadataOntology):
            return cached
        async with client._lock():
            cached = client.__dict__.get(_ONTOLOGY_ATTR)
            if not isinstance(cached, DataRowMetadataOntology):
                cached = await DataRowMetadataOntology._fetch(
                    client, "Client:get_data_row_metadata_ontology"
                )
                client.__dict__[_ONTOLOGY_ATTR] = cached
        return cached


def _job_result(results: list[Any], errors: list[dict[str, Any]]) -> dict[str, Any]:
    if errors:
        logger.warning(
            "There are errors present. Please look at 'errors' in the returned dict for more "
            "details"
        )
    return {"status": collection_status(results, errors), "results": results, "errors": errors}
