"""Models and model runs: ``createModelPyApi``, the ORM reads (``GetModel(s)PyApi``,
``GetModelRunPyApi``, ``GetModelModelRunsPyApi``), the MEA registration tasks (data rows, labels),
splits, training status and config, as the official SDK 7.17 sends them.

Data rows join a run in chunks of :data:`UPSERT_CHUNK` ids run concurrently by the client's
chunk runner; each chunk's registration task is waited on by the client's poller. Arguments are
checked before any request.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from aiolabel._operations import Operation
from aiolabel._operations import _builder as b
from aiolabel._operations import models as ops
from aiolabel._operations._entities import MODEL, MODEL_RUN
from aiolabel._polling import poll_delay
from aiolabel._resources._base import Resource
from aiolabel._validation import (
    check_id,
    check_identifiers,
    check_ids,
    check_str,
    check_timeout,
)
from aiolabel.enums import IdType
from aiolabel.errors import (
    InputError,
    InputTypeError,
    InvalidQueryError,
    LabelboxError,
    ResourceNotFoundError,
    TaskFailedError,
    TimeoutError,
)
from aiolabel.identifiers import GlobalKeys, UniqueIds
from aiolabel.models.annotation_import import MEAPredictionImport, MEAToMALPredictionImport
from aiolabel.models.base import WhereArg, as_where
from aiolabel.models.batch import Batch
from aiolabel.models.model import DataSplit, Model, ModelRun, ModelRunDataRow, ModelRunStatus
from aiolabel.models.task import Task
from aiolabel.pagination import CursorPaginator, OffsetPaginator, dig

__all__ = ["UPSERT_CHUNK", "Models"]

UPSERT_CHUNK = 10_000
"""Data rows registered in a model run per request."""
DATAROWS_IMPORT_LIMIT = 25_000
"""Data rows ``upsert_predictions_and_send_to_project`` sends on at most (the official limit)."""
logger = logging.getLogger("aiolabel.model_run")
SPLITS = tuple(s.value for s in DataSplit)
STATUSES = tuple(s.value for s in ModelRunStatus)


async def _listed(values: Iterable[str] | AsyncIterable[str], argument: str) -> list[str]:
    if isinstance(values, AsyncIterable):
        values = [v async for v in values]
    return check_ids(argument, values)


class Models(Resource):
    """Models, their runs and a run's data rows, labels, splits, status and config."""

    __slots__ = ()

    # -- models ----------------------------------------------------------------------------------

    async def create_model(self, name: str, ontology_id: str) -> Model:
        variables = {
            "name": check_str("name", name),
            "ontologyId": check_id("ontology_id", ontology_id),
        }
        data = await self._client._execute_operation(
            ops.CREATE_MODEL, variables, sdk_method="Client:create_model", expect_one=True
        )
        return Model.from_wire(self._client, _required(data, "createModel"))

    async def get_model(self, model_id: str) -> Model:
        built = b.get_one(MODEL, check_id("model_id", model_id))
        return await self._client._get_one(
            built.operation,
            built.variables,
            ("model",),
            lambda node: Model.from_wire(self._client, node),
            sdk_method="Client:get_model",
            what="Model",
        )

    def get_models(self, where: WhereArg | None = None) -> OffsetPaginator[Model]:
        built = b.get_all(MODEL, as_where(where, "Model"))
        return self._client._paginate_offset(
            built.operation,
            built.variables,
            ("models",),
            lambda node: Model.from_wire(self._client, node),
            sdk_method="Client:get_models",
        )

    async def delete_model(self, model_id: str) -> None:
        await self._client._execute_operation(
            ops.DELETE_MODEL,
            {"ids": check_id("model_id", model_id)},
            sdk_method="Model:delete",
            expect_one=True,
        )

    # -- model runs ------------------------------------------------------------------------------

    async def create_model_run(
        self, model_id: str, name: str, config: Mapping[str, Any] | None
    ) -> ModelRun:
        if config is not None and not isinstance(config, Mapping):
            raise InputTypeError("config must be a dict or None")
        variables = {
            "name": check_str("name", name),
            "config": None if config is None else dict(config),
            "modelId": model_id,
        }
        data = await self._client._execute_operation(
            ops.CREATE_MODEL_RUN, variables, sdk_method="Model:create_model_run", expect_one=True
        )
        return ModelRun.from_wire(self._client, _required(data, "createModelRun"))

    def model_runs(self, model_id: str) -> OffsetPaginator[ModelRun]:
        built = b.relationship(MODEL, model_id, "model_runs")
        return self._client._paginate_offset(
            built.operation,
            built.variables,
            ("model", "modelRuns"),
            lambda node: ModelRun.from_wire(self._client, node),
            sdk_method="Model:model_runs",
        )

    async def get_model_run(self, model_run_id: str) -> ModelRun:
        built = b.get_one(MODEL_RUN, check_id("model_run_id", model_run_id))
        return await self._client._get_one(
            built.operation,
            built.variables,
            ("modelRun",),
            lambda node: ModelRun.from_wire(self._client, node),
            sdk_method="Client:get_model_run",
            what="ModelRun",
        )

    async def delete_model_run(self, model_run_id: str) -> None:
        await self._client._execute_operation(
            ops.DELETE_MODEL_RUN, {"ids": model_run_id}, sdk_method="ModelRun:delete"
        )

    # -- a run's data rows and labels ----------------------------------------------------------

    async def _wait(
        self,
        status_op: Operation,
        variables: dict[str, Any],
        root: str,
        timeout_seconds: float,
        sdk_method: str,
    ) -> bool:
        """Poll a registration task's status until COMPLETE (True) or FAILED (raises)."""

        async def check() -> bool | None:
            data = await self._client._execute_operation(
                status_op, variables, sdk_method=sdk_method
            )
            status = dig(data, (root, "status"))
            if status == "COMPLETE":
                return True
            if status == "FAILED":
                message = dig(data, (root, "errorMessage"))
                raise TaskFailedError(f"Job failed: {message}" if message else "Job failed.")
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
            timeout_error=lambda: TimeoutError(
                f"Unable to complete import within {timeout_seconds:g} seconds."
            ),
        )

    async def _register(
        self,
        op: Operation,
        variables: dict[str, Any],
        status: tuple[Operation, str],
        timeout: float,  # noqa: ASYNC109 - a deadline over the task's polls
        sdk_method: str,
        *,
        where_id: bool = True,
    ) -> bool:
        """Start a registration task (its id is the answer at the operation's one root) and
        wait for it; ``status`` is the status query and its root."""
        data = await self._client._execute_operation(
            op, variables, sdk_method=sdk_method, expect_one=True
        )
        task_id = next(iter(data.values()), None) if len(data) == 1 else None
        if not isinstance(task_id, str):
            raise LabelboxError(f"{op.name} answered no task id")
        status_variables = {"where": {"id": task_id}} if where_id else {"id": task_id}
        return await self._wait(status[0], status_variables, status[1], timeout, sdk_method)

    async def upsert_data_rows(
        self,
        model_run_id: str,
        data_row_ids: Iterable[str] | AsyncIterable[str] | None,
        global_keys: Iterable[str] | AsyncIterable[str] | None,
        timeout_seconds: float,
        *,
        max_concurrency: int | None = None,
    ) -> bool:
        if (data_row_ids is None) == (global_keys is None):
            raise InputError("Give exactly one of data_row_ids and global_keys")
        timeout = check_timeout(timeout_seconds)
        by_keys = global_keys is not None
        source = global_keys if by_keys else data_row_ids
        assert source is not None
        keys = await _listed(source, "global_keys" if by_keys else "data_row_ids")

        async def register(chunk: list[str]) -> bool:
            variables = {
                "modelRunId": model_run_id,
                "dataRowIds": None if by_keys else chunk,
                "globalKeys": chunk if by_keys else None,
            }
            return await self._register(
                ops.REGISTER_DATA_ROWS,
                variables,
                (ops.DATA_ROW_REGISTRATION_STATUS, "MEADataRowRegistrationTaskStatus"),
                timeout,
                "ModelRun:upsert_data_rows",
            )

        await self._client._run_chunks(
            keys, register, chunk_size=UPSERT_CHUNK, max_concurrency=max_concurrency
        )
        return True

    async def upsert_labels(
        self,
        model_run_id: str,
        label_ids: Sequence[str] | None,
        project_id: str | None,
        timeout_seconds: float,
    ) -> bool:
        use_labels = label_ids is not None and len(label_ids) > 0
        if not use_labels and project_id is None:
            raise InputError("Must provide at least one label id or a project id")
        if use_labels and project_id is not None:
            raise InputError("Must only one of label ids, project id")
        timeout = check_timeout(timeout_seconds)
        if use_labels:
            assert label_ids is not None
            variables: dict[str, Any] = {
                "modelRunId": model_run_id,
                "labelIds": check_ids("label_ids", label_ids),
            }
            op = ops.REGISTER_LABELS
        else:
            variables = {
                "modelRunId": model_run_id,
                "projectId": check_id("project_id", project_id),
            }
            op = ops.REGISTER_PROJECT_LABELS
        return await self._register(
            op,
            variables,
            (ops.LABEL_REGISTRATION_STATUS, "MEALabelRegistrationTaskStatus"),
            timeout,
            "ModelRun:upsert_labels",
        )

    async def add_predictions(
        self, model_run_id: str, name: str, predictions: Any
    ) -> MEAPredictionImport:
        imports = self._client._annotation_imports
        made: MEAPredictionImport
        if isinstance(predictions, str | os.PathLike):
            if Path(predictions).exists():  # noqa: ASYNC240 - one stat, as the official SDK
                made = await imports.create_from_file(
                    MEAPredictionImport, model_run_id, name, Path(predictions)
                )
            else:
                made = await imports.create_from_url(
                    MEAPredictionImport, model_run_id, name, str(predictions)
                )
        elif isinstance(predictions, Iterable | AsyncIterable):
            made = await imports.create_from_objects(
                MEAPredictionImport, model_run_id, name, predictions
            )
        else:
            raise InputTypeError(f"Invalid predictions given of type: {type(predictions)}")
        return made

    async def upsert_predictions_and_send_to_project(
        self, model_run_id: str, name: str, predictions: Any, project_id: str, priority: int
    ) -> tuple[MEAPredictionImport, Batch | None, MEAToMALPredictionImport | None]:
        """The official four steps: import the predictions, batch the rows whose predictions
        succeeded into the project, send those predictions to it as pre-labels. A later step
        that fails is logged and returned as None, as in the official SDK."""
        project = await self._client._projects.get(project_id)
        job = await self.add_predictions(model_run_id, name, predictions)
        rows: list[str] = []
        async for status in job.statuses:
            row = (status.get("dataRow") or {}).get("id")
            if status.get("status") == "SUCCESS" and row and row not in rows:
                rows.append(row)
        if not rows:
            return job, None, None
        if len(rows) > DATAROWS_IMPORT_LIMIT:
            logger.warning(
                "%d data rows, only the first %d are sent", len(rows), DATAROWS_IMPORT_LIMIT
            )
            rows = rows[:DATAROWS_IMPORT_LIMIT]
        try:
            batch = await project.create_batch(name, rows, priority)
        except LabelboxError as exc:
            logger.warning("failed to create the batch: %s", exc)
            return job, None, None
        try:
            sent = await self._client._annotation_imports.create_mea_to_mal(
                model_run_id, rows, project_id, name
            )
            await sent.wait_till_done()
        except LabelboxError as exc:
            logger.warning("failed to send the predictions to the project: %s", exc)
            return job, batch, None
        return job, batch, sent

    def model_run_data_rows(
        self, model_run_id: str, model_id: str
    ) -> CursorPaginator[ModelRunDataRow]:
        return self._client._paginate_cursor(
            ops.MODEL_RUN_DATA_ROWS,
            {"modelRunId": model_run_id},
            nodes_path=("annotationGroups", "nodes"),
            cursor_path=("annotationGroups", "pageInfo", "endCursor"),
            parse=lambda node: ModelRunDataRow.from_wire(
                self._client, {**node, "modelId": model_id}
            ),
            sdk_method="ModelRun:model_run_data_rows",
        )

    async def delete_model_run_data_rows(
        self, model_run_id: str, data_row_ids: Sequence[str]
    ) -> None:
        await self._client._execute_operation(
            ops.DELETE_MODEL_RUN_DATA_ROWS,
            {"modelRunId": model_run_id, "dataRowIds": check_ids("data_row_ids", data_row_ids)},
            sdk_method="ModelRun:delete_model_run_data_rows",
        )

    async def assign_data_rows_to_split(
        self,
        model_run_id: str,
        data_row_ids: Sequence[str] | None,
        split: DataSplit | str | None,
        global_keys: Sequence[str] | None,
        timeout_seconds: float,
    ) -> bool:
        value = split.value if isinstance(split, DataSplit) else split
        if value not in SPLITS:
            raise InputError(f"`split` must be one of : `{list(SPLITS)}`. Found : `{split}`")
        if (data_row_ids is None) == (global_keys is None):
            raise InputError("Give exactly one of data_row_ids and global_keys")
        assignment = {
            "split": value,
            "dataRowIds": None if data_row_ids is None else check_ids("data_row_ids", data_row_ids),
            "globalKeys": None if global_keys is None else check_ids("global_keys", global_keys),
        }
        return await self._register(
            ops.ASSIGN_SPLIT,
            {"modelRunId": model_run_id, "data": {"assignments": [assignment]}},
            (ops.ASSIGN_SPLIT_STATUS, "assignDataRowsToDataSplitTaskStatus"),
            check_timeout(timeout_seconds),
            "ModelRun:assign_data_rows_to_split",
            where_id=False,
        )

    # -- status and config -----------------------------------------------------------------------

    async def update_status(
        self,
        model_run_id: str,
        status: ModelRunStatus | str,
        metadata: Mapping[str, str] | None,
        error_message: str | None,
    ) -> None:
        value = status.value if isinstance(status, ModelRunStatus) else status
        if value not in STATUSES:
            raise InputError(f"Status must be one of : `{list(STATUSES)}`. Found : `{value}`")
        data: dict[str, Any] = {"status": value}
        if error_message:
            data["errorMessage"] = check_str("error_message", error_message)
        if metadata:
            if not isinstance(metadata, Mapping):
                raise InputTypeError("metadata must be a dict")
            data["metadata"] = dict(metadata)
        await self._client._execute_operation(
            ops.UPDATE_STATUS,
            {"modelRunId": model_run_id, "data": data},
            sdk_method="ModelRun:update_status",
        )

    async def update_config(self, model_run_id: str, config: Mapping[str, Any]) -> dict[str, Any]:
        if not isinstance(config, Mapping):
            raise InputTypeError("config must be a dict")
        data = await self._client._execute_operation(
            ops.UPDATE_CONFIG,
            {"modelRunId": model_run_id, "data": {"config": dict(config)}},
            sdk_method="ModelRun:update_config",
            expect_one=True,
        )
        return dict(_required(data, "updateModelRunConfig"))

    async def reset_config(self, model_run_id: str) -> dict[str, Any]:
        data = await self._client._execute_operation(
            ops.RESET_CONFIG,
            {"modelRunId": model_run_id},
            sdk_method="ModelRun:reset_config",
            expect_one=True,
        )
        return dict(_required(data, "resetModelRunConfig"))

    async def export(
        self, model_run_id: str, task_name: str | None, params: Mapping[str, Any] | None
    ) -> Task:
        body = {
            "taskName": None if task_name is None else check_str("task_name", task_name),
            "filters": {"modelRunId": model_run_id},
            "isStreamableReady": True,
            "params": model_run_export_params(params),
            "streamable": True,
        }
        data = await self._client._execute_operation(
            ops.EXPORT_MODEL_RUN,
            {"input": body},
            sdk_method="ModelRun:export",
            error_log_key="errors",
            expect_one=True,
        )
        task_id = dig(data, ("exportDataRowsInModelRun", "taskId"))
        if not isinstance(task_id, str):
            raise LabelboxError("exportDataRowsInModelRun answered no task id")
        return await self._client._fetch_task(task_id, sdk_method="ModelRun:export")

    async def run_foundry_app(
        self, model_run_name: str, data_rows: UniqueIds | GlobalKeys, app_id: str
    ) -> Task:
        """Look the app up, then start a model job over the rows (``CreateModelJobPyApi``)."""
        name = check_str("model_run_name", model_run_name)
        id_type, keys = check_identifiers(data_rows, "data_rows")
        variables = {"id": check_id("app_id", app_id)}
        try:
            data = await self._client._execute_operation(
                ops.GET_FOUNDRY_APP, variables, sdk_method="Client:run_foundry_app", expect_one=True
            )
        except InvalidQueryError as exc:  # the service's "not found" for an unknown app
            raise ResourceNotFoundError("App", variables) from exc
        except LabelboxError as exc:
            if "not found" in str(exc).lower():
                raise ResourceNotFoundError("App", variables) from exc
            raise
        app = data.get("findModelFoundryApp")
        if not isinstance(app, Mapping):
            raise ResourceNotFoundError("App", variables)
        job: dict[str, Any] = {
            "modelId": str(app.get("modelId")),
            "name": name,
            "classToSchemaId": app.get("classToSchemaId"),
            "inferenceParams": app.get("inferenceParams"),
            "ontologyId": app.get("ontologyId"),
            "modelAppId": app.get("id") or "",
            "dataRowIds" if id_type == IdType.DataRowId else "globalKeys": keys,
        }
        answer = await self._client._execute_operation(
            ops.CREATE_MODEL_JOB, {"input": job}, sdk_method="Client:run_foundry_app"
        )
        task_id = dig(answer, ("createModelJobForDataRows", "taskId"))
        if not isinstance(task_id, str):
            raise LabelboxError("createModelJobForDataRows answered no task id")
        return await self._client._fetch_task(task_id, sdk_method="Client:run_foundry_app")

    async def get_config(self, model_run_id: str) -> dict[str, Any] | None:
        data = await self._client._execute_operation(
            ops.GET_CONFIG,
            {"modelRunId": model_run_id},
            sdk_method="ModelRun:get_config",
            expect_one=True,
        )
        config = dig(data, ("modelRun", "trainingMetadata"))
        return None if config is None else dict(config)


_MODEL_RUN_EXPORT_PARAMS = {
    "attachments": "includeAttachments",
    "embeddings": "includeEmbeddings",
    "metadata_fields": "includeMetadata",
    "data_row_details": "includeDataRowDetails",
    "predictions": "includePredictions",
    "model_run_details": "includeModelRunDetails",
}


def model_run_export_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """The ``params`` of ``exportDataRowsInModelRun`` from ``ModelRunExportParams`` keys."""
    params = {} if params is None else params
    if not isinstance(params, Mapping):
        raise InputTypeError("params must be a dict (ModelRunExportParams)")
    known = {*_MODEL_RUN_EXPORT_PARAMS, "media_type_override"}
    unknown = sorted(set(params) - known)
    if unknown:
        hint = (
            " (media_attributes is no longer a parameter: media attributes come with"
            " data_row_details)"
            if "media_attributes" in unknown
            else ""
        )
        raise InputError(f"params: unknown keys {unknown}; known: {sorted(known)}{hint}")
    rendered: dict[str, Any] = {"mediaTypeOverride": None}
    override = params.get("media_type_override")
    if override is not None:
        rendered["mediaTypeOverride"] = getattr(override, "value", override)
    for key, wire in _MODEL_RUN_EXPORT_PARAMS.items():
        value = params.get(key, False)
        if not isinstance(value, bool):
            raise InputTypeError(f"params.{key} must be a bool")
        rendered[wire] = value
    return rendered


def _required(data: Mapping[str, Any], root: str) -> Mapping[str, Any]:
    value = data.get(root)
    if not isinstance(value, Mapping):
        raise LabelboxError(f"{root} answered no object")
    return value
