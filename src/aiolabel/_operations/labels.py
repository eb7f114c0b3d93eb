"""Label, review and benchmark documents, as the official SDK 7.17 sends them (its ORM's
``Get<Type><Rel>PyApi`` relationship queries, ``deleteLabelsPyApi``, ``CreateReviewPyApi``,
``CreateBenchmarkPyApi`` ...). Offsets and the ids the official SDK pastes into the text travel
as variables (see ``docs/wire-differences.md``)."""

from __future__ import annotations

from aiolabel._operations import Operation

__all__ = [
    "BENCHMARK_CREATED_BY",
    "BENCHMARK_REFERENCE_LABEL",
    "BENCHMARK_SELECTION",
    "CREATE_BENCHMARK",
    "CREATE_REVIEW",
    "DATA_ROW_LABELS",
    "DELETE_BENCHMARK",
    "DELETE_LABELS",
    "DELETE_LABELS_CHUNK",
    "DELETE_REVIEW",
    "LABEL_CREATED_BY",
    "LABEL_DATA_ROW",
    "LABEL_PROJECT",
    "LABEL_REVIEWS",
    "LABEL_SELECTION",
    "PROJECT_BENCHMARKS",
    "PROJECT_LABELS",
    "PROJECT_LABELS_BY_CREATOR",
    "REVIEW_CREATED_BY",
    "REVIEW_LABEL",
    "REVIEW_ORGANIZATION",
    "REVIEW_PROJECT",
    "REVIEW_SELECTION",
    "TOGGLE_MODEL_ASSISTED_LABELING",
    "UPDATE_LABEL",
    "UPDATE_REVIEW",
]

PROJECT_SELECTION = (
    "autoAuditNumberOfLabels autoAuditPercentage createdAt dataRowCount description "
    "editorTaskType isBenchmarkEnabled isConsensusEnabled lastActivityTime allowedMediaType "
    "modelSetupComplete name setupComplete id updatedAt uploadType"
)
DATA_ROW_SELECTION = (
    "createdAt externalId globalKey mediaAttributes customMetadata { schemaId value }"
    " metadataFields { schemaId name value kind } rowData id updatedAt"
)
USER_SELECTION = (
    "createdAt email isExternalUser isViewer lastLoginAt nickname name picture id updatedAt"
)

LABEL_SELECTION = (
    "agreement benchmarkAgreement createdAt isBenchmarkReference label secondsToLabel id updatedAt"
)
"""The official ORM's Label selection."""
REVIEW_SELECTION = "createdAt score id updatedAt"
"""The official ORM's Review selection."""
BENCHMARK_SELECTION = "averageAgreement completedCount createdAt lastActivity id"
"""The official ORM's Benchmark selection."""

DELETE_LABELS_CHUNK = 500
"""Labels per ``deleteLabelsPyApi`` (the official ``delete_labels_by_user`` chunk)."""

PROJECT_LABELS = Operation(
    name="GetProjectLabelsPyApi",
    document=(
        "query GetProjectLabelsPyApi($projectId: ID!, $skip: Int!, $first: Int!) {project "
        "(where: {id: $projectId}) {labels (skip: $skip first: $first ) {agreement "
        "benchmarkAgreement createdAt isBenchmarkReference label secondsToLabel id "
        "updatedAt}}}"
    ),
    idempotent=True,
)
"""``project.labels()``: ``{"projectId", "skip", "first"}``; reads ``project.labels[]``."""

PROJECT_LABELS_BY_CREATOR = Operation(
    name="GetProjectLabelsPyApi",
    document=(
        "query GetProjectLabelsPyApi($projectId: ID!, $skip: Int!, $first: Int!, $createdBy: "
        "ID!) {project (where: {id: $projectId}) {labels (skip: $skip first: $first  "
        "where:{createdBy: {id: $createdBy}} ) {agreement benchmarkAgreement createdAt "
        "isBenchmarkReference label secondsToLabel id updatedAt}}}"
    ),
    idempotent=True,
)
"""``project.labels(created_by=user)``: also ``{"createdBy"}`` (pasted into the text by the
official SDK)."""

DATA_ROW_LABELS = Operation(
    name="GetDataRowLabelsPyApi",
    document=(
        "query GetDataRowLabelsPyApi($param_0: Boolean!, $param_1: ID!, $skip: Int!, $first: "
        "Int!){dataRow(where: {id: $param_1}){labels(where: {deleted: $param_0} skip: $skip "
        "first: $first){agreement benchmarkAgreement createdAt isBenchmarkReference label "
        "secondsToLabel id updatedAt}}}"
    ),
    idempotent=True,
)
"""``data_row.labels()``: ``{"param_0": False, "param_1": data_row_id, "skip", "first"}``."""

LABEL_CREATED_BY = Operation(
    name="GetLabelCreatedByPyApi",
    document=(
        "query GetLabelCreatedByPyApi($param_0: ID!){label(where: {id: "
        "$param_0}){createdBy{createdAt email isExternalUser isViewer lastLoginAt nickname "
        "name picture id updatedAt}}}"
    ),
    idempotent=True,
)
LABEL_PROJECT = Operation(
    name="GetLabelProjectPyApi",
    document=(
        "query GetLabelProjectPyApi($param_0: ID!){label(where: {id: "
        "$param_0}){project{autoAuditNumberOfLabels autoAuditPercentage createdAt "
        "dataRowCount description editorTaskType isBenchmarkEnabled isConsensusEnabled "
        "lastActivityTime allowedMediaType modelSetupComplete name setupComplete id updatedAt "
        "uploadType}}}"
    ),
    idempotent=True,
)
LABEL_DATA_ROW = Operation(
    name="GetLabelDataRowPyApi",
    document=(
        "query GetLabelDataRowPyApi($param_0: ID!){label(where: {id: "
        "$param_0}){dataRow{createdAt externalId globalKey mediaAttributes customMetadata { "
        "schemaId value } metadataFields { schemaId name value kind } rowData id updatedAt}}}"
    ),
    idempotent=True,
)
LABEL_REVIEWS = Operation(
    name="GetLabelReviewsPyApi",
    document=(
        "query GetLabelReviewsPyApi($param_0: ID!, $skip: Int!, $first: Int!){label(where: "
        "{id: $param_0}){reviews(skip: $skip first: $first){createdAt score id updatedAt}}}"
    ),
    idempotent=True,
)
"""``label.reviews()``: ``{"param_0": label_id, "skip", "first"}``."""

DELETE_LABELS = Operation(
    name="deleteLabelsPyApi",
    document=(
        "mutation deleteLabelsPyApi($labelIds: [ID!]!){deleteLabels(labelIds: $labelIds){id}}"
    ),
    idempotent=True,
)
"""``Label.bulk_delete(labels)``: ``{"labelIds": [...]}`` (pasted into the text by the official
SDK). Deleting twice leaves the same state, so it is safe to repeat."""

UPDATE_LABEL = Operation(
    name="updateLabelPyApi",
    document=(
        "mutation updateLabelPyApi($label: String!, $LabelId: ID!){updateLabel( where: {id: "
        "$LabelId} data: {label: $label}) {agreement benchmarkAgreement createdAt "
        "isBenchmarkReference label secondsToLabel id updatedAt}}"
    ),
    idempotent=True,
)

CREATE_REVIEW = Operation(
    name="CreateReviewPyApi",
    document=(
        "mutation CreateReviewPyApi($score: Float!, $label: ID!, $project: "
        "ID!){createReview(data: {score: $score label: {connect: {id: $label}} project: "
        "{connect: {id: $project}}}) {createdAt score id updatedAt}} "
    ),
)
"""``label.create_review(score=...)``: ``{"score", "label", "project"}``."""

UPDATE_REVIEW = Operation(
    name="updateReviewPyApi",
    document=(
        "mutation updateReviewPyApi($score: Float!, $ReviewId: ID!){updateReview( where: {id: "
        "$ReviewId} data: {score: $score}) {createdAt score id updatedAt}}"
    ),
    idempotent=True,
)
DELETE_REVIEW = Operation(
    name="deleteReviewPyApi",
    document=(
        "mutation deleteReviewPyApi($ReviewId: ID!){updateReview("
        " where: {id: $ReviewId} data: {deleted: true}) {id}}"
    ),
    idempotent=True,
)
REVIEW_CREATED_BY = Operation(
    name="GetReviewCreatedByPyApi",
    document=(
        "query GetReviewCreatedByPyApi($param_0: ID!){review(where: {id: "
        "$param_0}){createdBy{createdAt email isExternalUser isViewer lastLoginAt nickname "
        "name picture id updatedAt}}}"
    ),
    idempotent=True,
)
REVIEW_ORGANIZATION = Operation(
    name="GetReviewOrganizationPyApi",
    document=(
        "query GetReviewOrganizationPyApi($param_0: ID!){review(where: {id: "
        "$param_0}){organization{createdAt name id updatedAt}}}"
    ),
    idempotent=True,
)
REVIEW_PROJECT = Operation(
    name="GetReviewProjectPyApi",
    document=(
        "query GetReviewProjectPyApi($param_0: ID!){review(where: {id: "
        "$param_0}){project{autoAuditNumberOfLabels autoAuditPercentage createdAt "
        "dataRowCount description editorTaskType isBenchmarkEnabled isConsensusEnabled "
        "lastActivityTime allowedMediaType modelSetupComplete name setupComplete id updatedAt "
        "uploadType}}}"
    ),
    idempotent=True,
)
REVIEW_LABEL = Operation(
    name="GetReviewLabelPyApi",
    document=(
        "query GetReviewLabelPyApi($param_0: ID!){review(where: {id: "
        "$param_0}){label{agreement benchmarkAgreement createdAt isBenchmarkReference label "
        "secondsToLabel id updatedAt}}}"
    ),
    idempotent=True,
)

CREATE_BENCHMARK = Operation(
    name="CreateBenchmarkPyApi",
    document=(
        "mutation CreateBenchmarkPyApi($labelId: ID!) { createBenchmark(data: {labelId: "
        "$labelId}) {averageAgreement completedCount createdAt lastActivity id}} "
    ),
)
DELETE_BENCHMARK = Operation(
    name="DeleteBenchmarkPyApi",
    document=(
        "mutation DeleteBenchmarkPyApi($labelId: ID!) {"
        " deleteBenchmark(where: {labelId: $labelId}) {id}} "
    ),
)
BENCHMARK_REFERENCE_LABEL = Operation(
    name="GetBenchmarkReferenceLabelPyApi",
    document=(
        "query GetBenchmarkReferenceLabelPyApi($param_0: ID!){benchmark(where: {id: "
        "$param_0}){referenceLabel{agreement benchmarkAgreement createdAt "
        "isBenchmarkReference label secondsToLabel id updatedAt}}}"
    ),
    idempotent=True,
)
BENCHMARK_CREATED_BY = Operation(
    name="GetBenchmarkCreatedByPyApi",
    document=(
        "query GetBenchmarkCreatedByPyApi($param_0: ID!){benchmark(where: {id: "
        "$param_0}){createdBy{createdAt email isExternalUser isViewer lastLoginAt nickname "
        "name picture id updatedAt}}}"
    ),
    idempotent=True,
)
PROJECT_BENCHMARKS = Operation(
    name="GetProjectBenchmarksPyApi",
    document=(
        "query GetProjectBenchmarksPyApi($param_0: ID!, $skip: Int!, $first: "
        "Int!){project(where: {id: $param_0}){benchmarks(skip: $skip first: "
        "$first){averageAgreement completedCount createdAt lastActivity id}}}"
    ),
    idempotent=True,
)
"""``project.benchmarks()``: ``{"param_0": project_id, "skip", "first"}``."""

TOGGLE_MODEL_ASSISTED_LABELING = Operation(
    name="toggle_model_assisted_labelingPyApi",
    document=(
        "mutation toggle_model_assisted_labelingPyApi($project_id: ID!, $show: Boolean!) {"
        " project(where: {id: $project_id }) { showPredictionsToLabelers(show: $show) {"
        " id, showingPredictionsToLabelers } } }"
    ),
    idempotent=True,
)
"""``project.enable_model_assisted_labeling(toggle)``: ``{"project_id", "show"}``."""
