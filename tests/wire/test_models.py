"""Wire fidelity of models, model runs, slices and send-to-annotate: each official SDK 7.17 call,
recorded offline, against aiolabel's document (up to the listed differences)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import pytest
from labelbox import Model as LbModel
from labelbox import ModelRun as LbModelRun
from labelbox.schema.identifiables import GlobalKeys, UniqueIds
from labelbox.schema.slice import CatalogSlice as LbCatalogSlice
from labelbox.schema.slice import ModelSlice as LbModelSlice

from aiolabel._operations import Operation
from aiolabel._operations import _builder as b
from aiolabel._operations import models as ops
from aiolabel._operations._entities import MODEL, MODEL_RUN
from tests.wire.compare import assert_same_wire
from tests.wire.recorder import recording_client

TS = "2024-01-01T00:00:00.000Z"
MODEL_DATA = {"id": "model1", "name": "m", "ontologyId": "onto1"}
RUN = {
    "id": "run1",
    "name": "r",
    "modelId": "model1",
    "createdAt": TS,
    "updatedAt": TS,
    "createdBy": "user1",
    "trainingMetadata": None,
    "modelAppId": None,
}
SLICE = {
    "id": "s1",
    "name": "s",
    "description": None,
    "filter": [],
    "createdAt": TS,
    "updatedAt": TS,
}

Call = Callable[[Any], Any]


def run(c: Any) -> Any:
    return LbModelRun(c, RUN)


CASES: list[tuple[str, Call, str, Operation | b.Built]] = [
    ("create_model", lambda c: c.create_model("m", "onto1"), "createModelPyApi", ops.CREATE_MODEL),
    ("get_model", lambda c: c.get_model("model1"), "GetModelPyApi", b.get_one(MODEL, "model1")),
    ("get_models", lambda c: list(c.get_models()), "GetModelsPyApi", b.get_all(MODEL)),
    (
        "get_model_run",
        lambda c: c.get_model_run("run1"),
        "GetModelRunPyApi",
        b.get_one(MODEL_RUN, "run1"),
    ),
    (
        "Model.model_runs",
        lambda c: list(LbModel(c, MODEL_DATA).model_runs()),
        "GetModelModelRunsPyApi",
        b.relationship(MODEL, "model1", "model_runs"),
    ),
    (
        "Model.create_model_run",
        lambda c: LbModel(c, MODEL_DATA).create_model_run("r", {"a": 1}),
        "CreateModelRunPyApi",
        ops.CREATE_MODEL_RUN,
    ),
    (
        "Model.delete",
        lambda c: LbModel(c, MODEL_DATA).delete(),
        "DeleteModelPyApi",
        ops.DELETE_MODEL,
    ),
    ("ModelRun.delete", lambda c: run(c).delete(), "DeleteModelRunPyApi", ops.DELETE_MODEL_RUN),
    (
        "ModelRun.upsert_data_rows",
        lambda c: run(c).upsert_data_rows(["dr1"]),
        "createMEAModelRunDataRowRegistrationTaskPyApi",
        ops.REGISTER_DATA_ROWS,
    ),
    (
        "ModelRun.upsert_labels(label_ids)",
        lambda c: run(c).upsert_labels(["l1"]),
        "createMEAModelRunLabelRegistrationTaskPyApi",
        ops.REGISTER_LABELS,
    ),
    (
        "ModelRun.upsert_labels(project_id)",
        lambda c: run(c).upsert_labels(project_id="p1"),
        "createMEAModelRunProjectLabelRegistrationTaskPyApi",
        ops.REGISTER_PROJECT_LABELS,
    ),
    (
        "ModelRun.model_run_data_rows",
        lambda c: list(run(c).model_run_data_rows()),
        "modelRunPyApi",
        ops.MODEL_RUN_DATA_ROWS,
    ),
    (
        "ModelRun.delete_model_run_data_rows",
        lambda c: run(c).delete_model_run_data_rows(["dr1"]),
        "DeleteModelRunDataRowsPyApi",
        ops.DELETE_MODEL_RUN_DATA_ROWS,
    ),
    (
        "ModelRun.assign_data_rows_to_split",
        lambda c: run(c).assign_data_rows_to_split(["dr1"], "TRAINING"),
        "assignDataSplitPyApi",
        ops.ASSIGN_SPLIT,
    ),
    (
        "ModelRun.update_status",
        lambda c: run(c).update_status("COMPLETE"),
        "setPipelineStatusPyApi",
        ops.UPDATE_STATUS,
    ),
    (
        "ModelRun.update_config",
        lambda c: run(c).update_config({"a": 1}),
        "updateModelRunConfigPyApi",
        ops.UPDATE_CONFIG,
    ),
    (
        "ModelRun.reset_config",
        lambda c: run(c).reset_config(),
        "resetModelRunConfigPyApi",
        ops.RESET_CONFIG,
    ),
    ("ModelRun.get_config", lambda c: run(c).get_config(), "ModelRunPyApi", ops.GET_CONFIG),
    (
        "ModelRun.send_to_annotate_from_model",
        lambda c: run(c).send_to_annotate_from_model(
            "p1", None, "b", UniqueIds(["dr1"]), {"predictions_ontology_mapping": {}}
        ),
        "SendToAnnotateFromMeaPyApi",
        ops.SEND_TO_ANNOTATE_FROM_MEA,
    ),
    (
        "send_to_annotate_from_catalog",
        lambda c: c.send_to_annotate_from_catalog(
            "p1", "q1", "b", GlobalKeys(["gk"]), {"source_project_id": "p2"}
        ),
        "SendToAnnotateFromCatalogPyApi",
        ops.SEND_TO_ANNOTATE_FROM_CATALOG,
    ),
    (
        "ModelRun.export",
        lambda c: run(c).export("t", {"data_row_details": True}),
        "exportDataRowsInModelRunPyApi",
        ops.EXPORT_MODEL_RUN,
    ),
    (
        "CatalogSlice.export",
        lambda c: LbCatalogSlice(c, SLICE).export("t", {"label_details": True}),
        "exportDataRowsInSlicePyApi",
        ops.EXPORT_SLICE,
    ),
    (
        "get_catalog_slice",
        lambda c: c.get_catalog_slice("s1"),
        "getSavedQueryPyApi",
        ops.GET_SAVED_QUERY,
    ),
    (
        "get_catalog_slice(name)",
        lambda c: c.get_catalog_slice(slice_name="s"),
        "GetCatalogSavedQueriesPyApi",
        ops.GET_CATALOG_SLICES,
    ),
    (
        "get_model_slice",
        lambda c: c.get_model_slice("s1"),
        "getSavedQueryPyApi",
        ops.GET_MODEL_SAVED_QUERY,
    ),
    (
        "CatalogSlice.get_data_row_identifiers",
        lambda c: list(LbCatalogSlice(c, SLICE).get_data_row_identifiers()),
        "getDataRowIdenfifiersBySavedQueryPyApi",
        ops.SLICE_IDENTIFIERS,
    ),
    (
        "ModelSlice.get_data_row_identifiers",
        lambda c: list(LbModelSlice(c, SLICE).get_data_row_identifiers("run1")),
        "getDataRowIdenfifiersBySavedModelQueryPyApi",
        ops.MODEL_SLICE_IDENTIFIERS,
    ),
]


def _record(call: Call, name: str) -> Any:
    # only the request matters; the canned answers need not satisfy the official SDK
    with recording_client() as (client, rec), contextlib.suppress(Exception):
        client.enable_experimental = True
        call(client)
    sent = rec.graphql(name)
    assert sent, f"{name} not sent; sent: {rec.names()}"
    return sent[0]


@pytest.mark.parametrize(("case", "call", "name", "ours"), CASES, ids=[c[0] for c in CASES])
def test_official_call_matches_our_document(
    case: str, call: Call, name: str, ours: Operation | b.Built
) -> None:
    request = _record(call, name)
    if isinstance(ours, Operation):
        assert_same_wire(request.query or "", ours, official_endpoint=request.endpoint)
    else:
        assert_same_wire(
            request.query or "",
            ours.operation,
            official_variables=request.variables,
            our_variables=ours.variables,
            official_endpoint=request.endpoint,
        )


def test_run_foundry_app_sends_the_official_lookup_and_job() -> None:
    app = {
        "id": "app1",
        "modelId": "model1",
        "name": "a",
        "description": None,
        "inferenceParams": {},
        "classToSchemaId": {"car": "fs1"},
        "ontologyId": "onto1",
        "createdBy": "user1",
    }
    with recording_client() as (client, rec), contextlib.suppress(Exception):
        rec.respond("GetFoundryAppByIdPyApi", {"findModelFoundryApp": app})
        rec.respond("CreateModelJobPyApi", {"createModelJobForDataRows": {"taskId": "t1"}})
        client.run_foundry_app("run", GlobalKeys(["gk"]), "app1")
    (lookup,) = rec.graphql("GetFoundryAppByIdPyApi")
    assert_same_wire(lookup.query or "", ops.GET_FOUNDRY_APP, official_endpoint=lookup.endpoint)
    (job,) = rec.graphql("CreateModelJobPyApi")
    assert_same_wire(job.query or "", ops.CREATE_MODEL_JOB, official_endpoint=job.endpoint)
    assert job.variables == {
        "input": {
            "modelId": "model1",
            "name": "run",
            "classToSchemaId": {"car": "fs1"},
            "inferenceParams": {},
            "ontologyId": "onto1",
            "modelAppId": "app1",
            "globalKeys": ["gk"],
        }
    }
