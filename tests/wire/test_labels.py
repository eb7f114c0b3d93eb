"""Wire fidelity of labels, reviews, benchmarks and annotation imports: each official SDK 7.17
call, recorded, against aiolabel's document (up to the listed differences)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import pytest
from labelbox.orm.model import Entity
from labelbox.schema import annotation_import as official

from aiolabel._operations import Operation
from aiolabel._operations import annotation_imports as imports
from aiolabel._operations import labels as ops
from tests.wire.compare import assert_same_wire
from tests.wire.differences import DOCUMENT_DIFFERENCES
from tests.wire.recorder import recording_client

TS = "2024-01-01T00:00:00.000Z"
PROJECT = {
    "id": "proj1",
    "name": "p",
    "autoAuditNumberOfLabels": 1,
    "autoAuditPercentage": 1,
    "createdAt": TS,
    "dataRowCount": 0,
    "description": "",
    "editorTaskType": None,
    "isBenchmarkEnabled": False,
    "isConsensusEnabled": False,
    "lastActivityTime": None,
    "allowedMediaType": "IMAGE",
    "modelSetupComplete": None,
    "setupComplete": None,
    "updatedAt": TS,
    "uploadType": None,
}
LABEL = {
    "id": "label1",
    "agreement": None,
    "benchmarkAgreement": None,
    "createdAt": TS,
    "isBenchmarkReference": False,
    "label": "",
    "secondsToLabel": 1.0,
    "updatedAt": TS,
}
IMPORT = {
    "id": "imp1",
    "name": "n",
    "state": "FINISHED",
    "inputFileUrl": "",
    "errorFileUrl": "",
    "statusFileUrl": "",
    "progress": "100%",
    "project": PROJECT,
}

Call = Callable[[Any], Any]

CASES: list[tuple[str, Call, str, Operation]] = [
    (
        "project.labels",
        lambda c: next(iter(Entity.Project(c, PROJECT).labels()), None),
        "GetProjectLabelsPyApi",
        ops.PROJECT_LABELS,
    ),
    (
        "project.labels(created_by)",
        lambda c: next(iter(Entity.Project(c, PROJECT).labels(created_by="user1")), None),
        "GetProjectLabelsPyApi",
        ops.PROJECT_LABELS_BY_CREATOR,
    ),
    (
        "project.benchmarks",
        lambda c: next(iter(Entity.Project(c, PROJECT).benchmarks()), None),
        "GetProjectBenchmarksPyApi",
        ops.PROJECT_BENCHMARKS,
    ),
    (
        "project.enable_model_assisted_labeling",
        lambda c: Entity.Project(c, PROJECT).enable_model_assisted_labeling(),
        "toggle_model_assisted_labelingPyApi",
        ops.TOGGLE_MODEL_ASSISTED_LABELING,
    ),
    (
        "Label.bulk_delete",
        lambda c: Entity.Label.bulk_delete([Entity.Label(c, LABEL)]),
        "deleteLabelsPyApi",
        ops.DELETE_LABELS,
    ),
    (
        "label.project",
        lambda c: Entity.Label(c, LABEL).project(),
        "GetLabelProjectPyApi",
        ops.LABEL_PROJECT,
    ),
    (
        "label.data_row",
        lambda c: Entity.Label(c, LABEL).data_row(),
        "GetLabelDataRowPyApi",
        ops.LABEL_DATA_ROW,
    ),
    (
        "label.created_by",
        lambda c: Entity.Label(c, LABEL).created_by(),
        "GetLabelCreatedByPyApi",
        ops.LABEL_CREATED_BY,
    ),
    (
        "label.reviews",
        lambda c: next(iter(Entity.Label(c, LABEL).reviews()), None),
        "GetLabelReviewsPyApi",
        ops.LABEL_REVIEWS,
    ),
    (
        "label.create_benchmark",
        lambda c: Entity.Label(c, LABEL).create_benchmark(),
        "CreateBenchmarkPyApi",
        ops.CREATE_BENCHMARK,
    ),
    (
        "label.update",
        lambda c: Entity.Label(c, LABEL).update(label="x"),
        "updateLabelPyApi",
        ops.UPDATE_LABEL,
    ),
    (
        "review.update",
        lambda c: Entity.Review(
            c, {"id": "r1", "createdAt": TS, "score": 1.0, "updatedAt": TS}
        ).update(score=2.0),
        "updateReviewPyApi",
        ops.UPDATE_REVIEW,
    ),
    *(
        (
            f"review.{rel}",
            lambda c, rel=rel: getattr(
                Entity.Review(c, {"id": "r1", "createdAt": TS, "score": 1.0, "updatedAt": TS}),
                rel,
            )(),
            name,
            ours,
        )
        for rel, name, ours in (
            ("created_by", "GetReviewCreatedByPyApi", ops.REVIEW_CREATED_BY),
            ("organization", "GetReviewOrganizationPyApi", ops.REVIEW_ORGANIZATION),
            ("project", "GetReviewProjectPyApi", ops.REVIEW_PROJECT),
            ("label", "GetReviewLabelPyApi", ops.REVIEW_LABEL),
        )
    ),
    (
        "review.delete",
        lambda c: Entity.Review(
            c, {"id": "r1", "createdAt": TS, "score": 1.0, "updatedAt": TS}
        ).delete(),
        "deleteReviewPyApi",
        ops.DELETE_REVIEW,
    ),
    (
        "MALPredictionImport.from_name",
        lambda c: official.MALPredictionImport.from_name(c, "proj1", "n"),
        "getModelAssistedLabelingPredictionImportPyApi",
        imports.GET_MAL_IMPORT,
    ),
    (
        "LabelImport.from_name",
        lambda c: official.LabelImport.from_name(c, "proj1", "n"),
        "getLabelImportPyApi",
        imports.GET_LABEL_IMPORT,
    ),
    (
        "MEAPredictionImport.from_name",
        lambda c: official.MEAPredictionImport.from_name(c, "run1", "n"),
        "getModelErrorAnalysisPredictionImportPyApi",
        imports.GET_MEA_IMPORT,
    ),
    (
        "MEAToMALPredictionImport.from_name",
        lambda c: official.MEAToMALPredictionImport.from_name(c, "proj1", "n"),
        "getMEAToMALPredictionImportPyApi",
        imports.GET_MEA_TO_MAL_IMPORT,
    ),
    (
        "MEAToMALPredictionImport.create_for_model_run_data_rows",
        lambda c: official.MEAToMALPredictionImport.create_for_model_run_data_rows(
            c, "run1", ["dr1"], "proj1", "n"
        ),
        "createMalPredictionImportForModelRunDataRowsPyApi",
        imports.CREATE_MEA_TO_MAL_IMPORT,
    ),
    (
        "MALPredictionImport.create_from_objects",
        lambda c: official.MALPredictionImport.create_from_objects(
            c, "proj1", "n", [{"uuid": "u", "dataRow": {"id": "dr1"}, "name": "box"}]
        ),
        "createMALPredictionImportByFilePyApi",
        imports.CREATE_MAL_IMPORT_BY_FILE,
    ),
    (
        "LabelImport.create_from_objects",
        lambda c: official.LabelImport.create_from_objects(
            c, "proj1", "n", [{"uuid": "u", "dataRow": {"id": "dr1"}, "name": "box"}]
        ),
        "createLabelImportByFilePyApi",
        imports.CREATE_LABEL_IMPORT_BY_FILE,
    ),
    (
        "MALPredictionImport.delete",
        lambda c: official.MALPredictionImport(c, IMPORT).delete(),
        "deleteModelAssistedLabelingPredictionImportPyApi",
        imports.DELETE_MAL_IMPORT,
    ),
]


def _record(call: Call, name: str) -> Any:
    # only the request matters; the canned answers need not satisfy the official SDK
    with recording_client() as (client, rec), contextlib.suppress(Exception):
        call(client)
    sent = rec.graphql(name)
    assert sent, f"{name} not sent; sent: {rec.names()}"
    return sent[0]


@pytest.mark.parametrize(("case", "call", "name", "ours"), CASES, ids=[c[0] for c in CASES])
def test_official_call_matches_our_document(
    case: str, call: Call, name: str, ours: Operation
) -> None:
    request = _record(call, name)
    assert_same_wire(request.query or "", ours, official_endpoint=request.endpoint)


def test_label_differences_are_exercised() -> None:
    used = set()
    for _, call, name, ours in CASES:
        request = _record(call, name)
        used |= set(assert_same_wire(request.query or "", ours).used)
    mine = {
        d
        for d in DOCUMENT_DIFFERENCES
        if d.operation in ("deleteLabelsPyApi", "GetProjectLabelsPyApi")
    }
    assert mine <= used
