"""Catalog and model slices (``getSavedQueryPyApi``, ``GetCatalogSavedQueriesPyApi``, the
data-row identifier pages) and send-to-annotate from the catalog or a model run
(``SendToAnnotateFromCatalogPyApi``, ``SendToAnnotateFromMeaPyApi``), as the official SDK 7.17
sends them. Parameters are checked before any request: one source, a known conflict strategy, a
batch priority from 1 to 5, non-empty ``UniqueIds`` or ``GlobalKeys``.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from aiolabel._operations import models as ops
from aiolabel._resources._base import Resource
from aiolabel._validation import check_id, check_identifiers, check_str
from aiolabel.errors import InputError, InputTypeError, LabelboxError, ResourceNotFoundError
from aiolabel.identifiers import GlobalKeys, UniqueIds
from aiolabel.models.model import ConflictResolutionStrategy
from aiolabel.models.slice import (
    CatalogSlice,
    DataRowIdAndGlobalKey,
    ModelSlice,
    SendToAnnotateFromCatalogParams,
)
from aiolabel.models.task import Task
from aiolabel.pagination import CursorPaginator, dig
from aiolabel.types import ExportParams

__all__ = ["Slices", "build_catalog_query"]

_MODEL_PARAMS = frozenset(
    {
        "predictions_ontology_mapping",
        "exclude_data_rows_in_project",
        "override_existing_annotations_rule",
        "batch_priority",
    }
)


def build_catalog_query(data_rows: UniqueIds | GlobalKeys) -> dict[str, Any]:
    """The catalog filter selecting these data rows (``Client.build_catalog_query``)."""
    id_type, keys = check_identifiers(data_rows, "data_rows")
    kind = "global_key" if isinstance(data_rows, GlobalKeys) else "data_row_id"
    del id_type
    return {"type": kind, "operator": "is", "ids": keys}


def _task_queue(task_queue_id: str | None) -> dict[str, Any]:
    if task_queue_id is None:
        return {"type": "done"}
    return {"type": "id", "value": check_id("task_queue_id", task_queue_id)}


def _mapping(value: object, argument: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise InputTypeError(f"{argument} must map feature schema ids to feature schema ids")
    return dict(value)


def _strategy(value: object) -> str:
    if value is None:
        return ConflictResolutionStrategy.KeepExisting.value
    try:
        raw = value.value if isinstance(value, enum.Enum) else value
        return ConflictResolutionStrategy(str(raw)).value
    except ValueError:
        names = [s.value for s in ConflictResolutionStrategy]
        raise InputError(
            f"override_existing_annotations_rule must be one of {names}, got {value!r}"
        ) from None


def _priority(value: object) -> int:
    if value is None:
        return 5
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise InputError(f"batch_priority must be an int from 1 to 5, got {value!r}")
    return value


class Slices(Resource):
    """Slices and send-to-annotate."""

    __slots__ = ()

    async def get_catalog_slice(
        self, slice_id: str | None, slice_name: str | None
    ) -> CatalogSlice | list[CatalogSlice]:
        if (slice_id is None) == (slice_name is None):
            raise InputError("Provide exactly one of id or name")
        if slice_id is not None:
            return await self._client._get_one(
                ops.GET_SAVED_QUERY,
                {"id": check_id("slice_id", slice_id)},
                ("getSavedQuery",),
                lambda node: CatalogSlice.from_wire(self._client, node),
                sdk_method="Client:get_catalog_slice",
                what="CatalogSlice",
            )
        name = check_str("slice_name", slice_name)
        matches = [s for s in await self.get_catalog_slices() if s.name == name]
        if not matches:
            raise ResourceNotFoundError("CatalogSlice", {"name": name})
        return matches if len(matches) > 1 else matches[0]

    async def get_catalog_slices(self) -> list[CatalogSlice]:
        data = await self._client._execute_operation(
            ops.GET_CATALOG_SLICES, None, sdk_method="Client:get_catalog_slices"
        )
        return [
            CatalogSlice.from_wire(self._client, node)
            for node in data.get("catalogSavedQueries") or []
        ]

    async def get_model_slice(self, slice_id: str) -> ModelSlice:
        return await self._client._get_one(
            ops.GET_MODEL_SAVED_QUERY,
            {"id": check_id("slice_id", slice_id)},
            ("getSavedQuery",),
            lambda node: ModelSlice.from_wire(self._client, node),
            sdk_method="Client:get_model_slice",
            what="ModelSlice",
        )

    def catalog_slice_identifiers(self, slice_id: str) -> CursorPaginator[DataRowIdAndGlobalKey]:
        return self._catalog_page(slice_id, _identifier, "CatalogSlice:get_data_row_identifiers")

    def catalog_slice_ids(self, slice_id: str) -> CursorPaginator[str]:
        return self._catalog_page(slice_id, _id_of, "CatalogSlice:get_data_row_ids")

    def _catalog_page(self, slice_id: str, parse: Any, sdk_method: str) -> CursorPaginator[Any]:
        root = "getDataRowIdentifiersBySavedQuery"
        return self._client._paginate_cursor(
            ops.SLICE_IDENTIFIERS,
            {"id": slice_id},
            nodes_path=(root, "nodes"),
            cursor_path=(root, "pageInfo", "endCursor"),
            has_next_path=(root, "pageInfo", "hasNextPage"),
            parse=parse,
            sdk_method=sdk_method,
        )

    def model_slice_identifiers(
        self, slice_id: str, model_run_id: str
    ) -> CursorPaginator[DataRowIdAndGlobalKey]:
        return self._model_page(
            slice_id, model_run_id, _identifier, "ModelSlice:get_data_row_identifiers"
        )

    def model_slice_ids(self, slice_id: str, model_run_id: str) -> CursorPaginator[str]:
        return self._model_page(slice_id, model_run_id, _id_of, "ModelSlice:get_data_row_ids")

    def _model_page(
        self, slice_id: str, model_run_id: str, parse: Any, sdk_method: str
    ) -> CursorPaginator[Any]:
        root = "getDataRowIdentifiersBySavedModelQuery"
        return self._client._paginate_cursor(
            ops.MODEL_SLICE_IDENTIFIERS,
            {"id": slice_id, "modelRunId": check_id("model_run_id", model_run_id)},
            nodes_path=(root, "nodes"),
            cursor_path=(root, "pageInfo", "endCursor"),
            has_next_path=(root, "pageInfo", "hasNextPage"),
            parse=parse,
            sdk_method=sdk_method,
        )

    async def export(
        self, slice_id: str, task_name: str | None, params: ExportParams | Mapping[str, Any] | None
    ) -> Task:
        if params is None:
            checked = ExportParams()
        elif isinstance(params, ExportParams):
            checked = params
        elif isinstance(params, Mapping):
            try:
                checked = ExportParams.model_validate(dict(params))
            except ValidationError as exc:
                raise InputError(f"params: {exc}") from exc
        else:
            raise InputTypeError("params must be an ExportParams or a dict")
        body = {
            "taskName": None if task_name is None else check_str("task_name", task_name),
            "filters": {"sliceId": slice_id},
            "isStreamableReady": True,
            "params": {
                "mediaTypeOverride": None
                if checked.media_type_override is None
                else checked.media_type_override.value,
                "includeAttachments": checked.attachments,
                "includeEmbeddings": checked.embeddings,
                "includeMetadata": checked.metadata_fields,
                "includeDataRowDetails": checked.data_row_details,
                "includeProjectDetails": checked.project_details,
                "includePerformanceDetails": checked.performance_details,
                "includeLabelDetails": checked.label_details,
                "includeInterpolatedFrames": checked.interpolated_frames,
                "projectIds": checked.project_ids,
                "modelRunIds": checked.model_run_ids,
                "allProjects": checked.all_projects,
                "allModelRuns": checked.all_model_runs,
                "includePredictions": checked.predictions,
            },
            "streamable": True,
        }
        data = await self._client._execute_operation(
            ops.EXPORT_SLICE,
            {"input": body},
            sdk_method="CatalogSlice:export",
            error_log_key="errors",
            expect_one=True,
        )
        task_id = dig(data, ("exportDataRowsInSlice", "taskId"))
        if not isinstance(task_id, str):
            raise LabelboxError("exportDataRowsInSlice answered no task id")
        return await self._client._fetch_task(task_id, sdk_method="CatalogSlice:export")

    # -- send to annotate ------------------------------------------------------------------------

    async def _send(self, op: Any, body: dict[str, Any], root: str, sdk_method: str) -> Task:
        data = await self._client._execute_operation(
            op, {"input": body}, sdk_method=sdk_method, expect_one=True
        )
        task_id = dig(data, (root, "taskId"))
        if not isinstance(task_id, str):
            raise LabelboxError(f"{root} answered no task id")
        return await self._client._fetch_task(task_id, sdk_method=sdk_method)

    async def send_to_annotate_from_catalog(
        self,
        destination_project_id: str,
        task_queue_id: str | None,
        batch_name: str,
        data_rows: UniqueIds | GlobalKeys,
        params: SendToAnnotateFromCatalogParams | Mapping[str, Any],
    ) -> Task:
        if isinstance(params, SendToAnnotateFromCatalogParams):
            checked = params
        elif isinstance(params, Mapping):
            try:
                checked = SendToAnnotateFromCatalogParams.model_validate(dict(params))
            except ValidationError as exc:
                raise InputError(f"params: {exc}") from exc
        else:
            raise InputTypeError("params must be a dict or SendToAnnotateFromCatalogParams")
        predictions = None
        if checked.source_model_run_id:
            predictions = _predictions_input(
                checked.predictions_ontology_mapping, checked.source_model_run_id
            )
        annotations = None
        if checked.source_project_id:
            annotations = {
                "projectId": checked.source_project_id,
                "featureSchemaIdsMapping": _mapping(
                    checked.annotations_ontology_mapping, "annotations_ontology_mapping"
                ),
            }
        rule = checked.override_existing_annotations_rule
        body = {
            "destinationProjectId": check_id("destination_project_id", destination_project_id),
            "batchInput": {
                "batchName": check_str("batch_name", batch_name),
                "batchPriority": _priority(checked.batch_priority),
            },
            "destinationTaskQueue": _task_queue(task_queue_id),
            "excludeDataRowsInProject": checked.exclude_data_rows_in_project,
            "annotationsInput": annotations,
            "predictionsInput": predictions,
            "conflictLabelsResolutionStrategy": _strategy(rule),
            "searchQuery": {"scope": None, "query": [build_catalog_query(data_rows)]},
            "ordering": {
                "type": "RANDOM",
                "random": {"seed": random.randint(0, 10000)},
                "sorting": None,
            },
            "sorting": None,
            "limit": None,
        }
        return await self._send(
            ops.SEND_TO_ANNOTATE_FROM_CATALOG,
            body,
            "sendToAnnotateFromCatalog",
            "Client:send_to_annotate_from_catalog",
        )

    async def send_to_annotate_from_model(
        self,
        model_run_id: str,
        destination_project_id: str,
        task_queue_id: str | None,
        batch_name: str,
        data_rows: UniqueIds | GlobalKeys,
        params: Mapping[str, Any],
    ) -> Task:
        if not isinstance(params, Mapping):
            raise InputTypeError("params must be a dict (SendToAnnotateFromModelParams)")
        unknown = sorted(set(params) - _MODEL_PARAMS)
        if unknown:
            raise InputError(f"params: unknown keys {unknown}; known: {sorted(_MODEL_PARAMS)}")
        exclude = params.get("exclude_data_rows_in_project", False)
        if not isinstance(exclude, bool):
            raise InputTypeError("params.exclude_data_rows_in_project must be a bool")
        body = {
            "destinationProjectId": check_id("destination_project_id", destination_project_id),
            "batchInput": {
                "batchName": check_str("batch_name", batch_name),
                "batchPriority": _priority(params.get("batch_priority", 5)),
            },
            "destinationTaskQueue": _task_queue(task_queue_id),
            "excludeDataRowsInProject": exclude,
            "annotationsInput": None,
            "predictionsInput": _predictions_input(
                params.get("predictions_ontology_mapping"), model_run_id
            ),
            "conflictLabelsResolutionStrategy": _strategy(
                params.get("override_existing_annotations_rule")
            ),
            "searchQuery": [build_catalog_query(data_rows)],
            "sourceModelRunId": model_run_id,
        }
        return await self._send(
            ops.SEND_TO_ANNOTATE_FROM_MEA,
            body,
            "sendToAnnotateFromMea",
            "ModelRun:send_to_annotate_from_model",
        )


def _predictions_input(mapping: object, model_run_id: str) -> dict[str, Any]:
    return {
        "featureSchemaIdsMapping": _mapping(mapping, "predictions_ontology_mapping"),
        "modelRunId": model_run_id,
        "minConfidence": 0,
        "maxConfidence": 1,
    }


def _identifier(node: Mapping[str, Any]) -> DataRowIdAndGlobalKey:
    return DataRowIdAndGlobalKey(node["id"], node.get("globalKey") or None)


def _id_of(node: Mapping[str, Any]) -> str:
    return str(node["id"])
