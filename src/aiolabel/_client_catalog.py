"""AsyncClient's top-level methods for datasets, data rows, global keys and metadata.

Mixed into :class:`aiolabel.client.AsyncClient`; methods annotate ``self: AsyncClient`` to reach
the client's internal entry points.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, cast

from aiolabel._catalog import (
    InvalidItemAttribute,
    check_ids,
    check_str,
    check_timeout,
    collection_status,
    run_job,
)
from aiolabel._concurrency import Progress
from aiolabel._operations import data_rows as data_row_ops
from aiolabel._operations import datasets as dataset_ops
from aiolabel._operations import global_keys as gk_ops
from aiolabel._operations import iam as iam_ops
from aiolabel._operations._builder import create, get_all
from aiolabel._operations._entities import DATASET
from aiolabel.errors import InputError, InputTypeError, LabelboxError, ResourceNotFoundError
from aiolabel.identifiers import GlobalKeys
from aiolabel.models.base import WhereArg, as_where
from aiolabel.models.data_row import DataRow
from aiolabel.models.dataset import Dataset, IAMIntegration
from aiolabel.models.metadata import DataRowMetadataOntology
from aiolabel.pagination import OffsetPaginator, dig

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

    async def create_dataset(
        self,
        name: str,
        description: str | None = None,
        *,
        iam_integration: IAMIntegration | _DefaultIAM | None = DEFAULT_IAM_INTEGRATION,
    ) -> Dataset:
        """Create a dataset.

        As in the official SDK the default ``iam_integration`` looks up the organisation's
        default IAM integration and, when there is one, sets it as the dataset's signer and
        validates it (3 more requests; the official SDK also fetches the organisation, which
        aiolabel skips). Pass ``iam_integration=None`` for the cheap path: one request.
        The lookup runs before the dataset is created, so a refusal (several defaults, an
        invalid integration) creates nothing; a failed signer or validation deletes the new
        dataset again, as the official SDK does.
        """
        client = cast("AsyncClient", self)

        data: dict[str, Any] = {"name": check_str("name", name)}
        if description is not None:
            data["description"] = check_str("description", description, allow_empty=True)
        signer: IAMIntegration | None = None
        if isinstance(iam_integration, _DefaultIAM):
            signer = await client._default_iam_integration()
        elif iam_integration is not None:
            if not isinstance(iam_integration, IAMIntegration):
                raise InputTypeError(
                    "iam_integration must be an IAMIntegration, None or the default, got "
                    f"{type(iam_integration).__name__}"
                )
            signer = iam_integration
        if signer is not None and not signer.valid:
            raise InputError("iam_integration: the integration is not valid; select another")
        built = create(DATASET, data)
        result = await client._execute_operation(
            built.operation, built.variables, sdk_method="Client:create_dataset"
        )
        raw = result.get("createDataset")
        if not isinstance(raw, dict):
            raise LabelboxError("the new dataset is missing from the response")
        dataset = Dataset.from_wire(client, raw)
        if signer is None:
            return dataset
        try:
            await client._execute_operation(
                iam_ops.SET_SIGNER_FOR_DATASET,
                {"signerId": signer.uid, "datasetId": dataset.uid},
                sdk_method="Client:create_dataset",
            )
            check = await client._execute_operation(
                iam_ops.VALIDATE_DATASET, {"id": dataset.uid}, sdk_method="Client:create_dataset"
            )
            if not dig(check, ("validateDataset", "valid")):
                raise LabelboxError("IAMIntegration was not successfully added to the dataset.")
        except Exception:
            await dataset.delete()
            raise
        return dataset

    async def _default_iam_integration(self) -> IAMIntegration | None:
        client = cast("AsyncClient", self)

        data = await client._execute_operation(
            iam_ops.GET_ALL_IAM_INTEGRATIONS, None, sdk_method="Client:create_dataset"
        )
        found = [
            IAMIntegration.from_wire(client, raw)
            for raw in data.get("iamIntegrations") or []
            if isinstance(raw, dict) and raw.get("isOrgDefault")
        ]
        if len(found) > 1:
            raise InputError(
                "The organization has more than one default IAM integration; pass one "
                "explicitly as iam_integration="
            )
        return found[0] if found else None

    async def get_dataset(self, dataset_id: str) -> Dataset:
        """A dataset by id (ResourceNotFoundError if there is none)."""
        client = cast("AsyncClient", self)

        return await client._get_one(
            dataset_ops.GET_DATASET,
            {"param_0": check_str("dataset_id", dataset_id)},
            ("dataset",),
            lambda raw: Dataset.from_wire(client, raw),
            sdk_method="Client:get_dataset",
            what=Dataset,
        )

    def get_datasets(self, where: WhereArg | None = None) -> OffsetPaginator[Dataset]:
        """The datasets the user can see (``async for``), e.g. ``where=Dataset.name == "x"``."""
        client = cast("AsyncClient", self)

        built = get_all(DATASET, as_where(where, "Dataset"), exclude_deleted=True)
        return client._paginate_offset(
            built.operation,
            {k: v for k, v in built.variables.items() if k not in ("skip", "first")},
            ("datasets",),
            lambda raw: Dataset.from_wire(client, raw),
            sdk_method="Client:get_datasets",
        )

    # -- data rows ---------------------------------------------------------------------------

    async def get_data_row(self, data_row_id: str) -> DataRow:
        """A data row by id (ResourceNotFoundError if there is none)."""
        client = cast("AsyncClient", self)

        return await client._get_one(
            data_row_ops.GET_DATA_ROW,
            {"param_0": check_str("data_row_id", data_row_id)},
            ("dataRow",),
            lambda raw: DataRow.from_wire(client, raw),
            sdk_method="Client:get_data_row",
            what=DataRow,
        )

    async def get_data_row_by_global_key(self, global_key: str) -> DataRow:
        """A data row by global key (ResourceNotFoundError if the lookup is not a SUCCESS)."""
        client = cast("AsyncClient", self)

        res = await client.get_data_row_ids_for_global_keys([check_str("global_key", global_key)])
        if res["status"] != "SUCCESS":
            raise ResourceNotFoundError(DataRow, {"global_key": global_key})
        return await client.get_data_row(res["results"][0])

    async def get_data_row_ids_for_external_ids(
        self,
        external_ids: Sequence[str],
        *,
        max_concurrency: int | None = None,
        progress: Progress | None = None,
    ) -> dict[str, list[str]]:
        """``{external_id: [data row ids]}`` for the given external ids (ids without a row are
        absent). Requests of 100 ids, as the official SDK, run concurrently."""
        client = cast("AsyncClient", self)
        ids = check_ids("external_ids", external_ids, allow=())

        async def lookup(chunk: list[str]) -> list[Any]:
            data = await client._execute_operation(
                data_row_ops.EXTERNAL_IDS_TO_DATA_ROW_IDS,
                {"externalId_in": chunk},
                sdk_method="Client:get_data_row_ids_for_external_ids",
            )
            rows = data.get("externalIdsToDataRowIds")
            return rows if isinstance(rows, list) else []

        pages = await client._run_chunks(
            ids,
            lookup,
            chunk_size=data_row_ops.EXTERNAL_IDS_CHUNK_SIZE,
            max_concurrency=max_concurrency,
            progress=progress,
        )
        result: defaultdict[str, list[str]] = defaultdict(list)
        for page in pages:
            for row in page:
                result[row["externalId"]].append(row["dataRowId"])
        return result

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
            if key != key.strip() or "  " in key:  # the service refuses the assignment
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
