"""Annotation-import documents (MAL, label import, MEA, MEA to MAL), exactly as the official SDK
7.17 sends them (``labelbox/schema/annotation_import.py``). The ``...ByFilePyApi`` mutations carry
the NDJSON as a multipart ``file`` variable; the ``...ByUrlPyApi`` ones a file URL, such as one
returned by ``uploadFile``."""

from __future__ import annotations

from aiolabel._operations import Operation

__all__ = [
    "ANNOTATION_PER_LABEL_LIMIT",
    "CREATE_LABEL_IMPORT_BY_FILE",
    "CREATE_LABEL_IMPORT_BY_URL",
    "CREATE_MAL_IMPORT_BY_FILE",
    "CREATE_MAL_IMPORT_BY_URL",
    "CREATE_MEA_IMPORT_BY_FILE",
    "CREATE_MEA_IMPORT_BY_URL",
    "CREATE_MEA_TO_MAL_IMPORT",
    "DELETE_MAL_IMPORT",
    "GET_LABEL_IMPORT",
    "GET_MAL_IMPORT",
    "GET_MEA_IMPORT",
    "GET_MEA_TO_MAL_IMPORT",
    "IMPORT_SELECTION",
    "MAX_ANNOTATIONS_PER_IMPORT",
    "MEA_IMPORT_SELECTION",
    "NDJSON_MIME_TYPE",
]

NDJSON_MIME_TYPE = "application/x-ndjson"
ANNOTATION_PER_LABEL_LIMIT = 5000
"""Annotations per data row and feature name in one import (checked by the official SDK)."""
MAX_ANNOTATIONS_PER_IMPORT = 100_000
"""Annotations aiolabel puts in one import when it splits a large one (the emulator's limit)."""

PROJECT_SELECTION = (
    "autoAuditNumberOfLabels autoAuditPercentage createdAt dataRowCount description "
    "editorTaskType isBenchmarkEnabled isConsensusEnabled lastActivityTime allowedMediaType "
    "modelSetupComplete name setupComplete id updatedAt uploadType"
)

IMPORT_SELECTION = (
    f"errorFileUrl inputFileUrl name progress state statusFileUrl id project{{{PROJECT_SELECTION}}}"
)
"""MALPredictionImport / LabelImport / MEAToMALPredictionImport, as the official ORM selects."""
MEA_IMPORT_SELECTION = "errorFileUrl inputFileUrl modelRunId name progress state statusFileUrl id"
"""MEAPredictionImport, as the official ORM selects."""


_MAL = "createModelAssistedLabelingPredictionImport"
_MEA = "createModelErrorAnalysisPredictionImport"

CREATE_MAL_IMPORT_BY_FILE = Operation(
    name="createMALPredictionImportByFilePyApi",
    document=(
        "mutation createMALPredictionImportByFilePyApi($projectId : ID!, $name: String!, "
        "$file: Upload!, $contentLength: Int!) { "
        "createModelAssistedLabelingPredictionImport(data: { projectId: $projectId name: "
        "$name filePayload: { file: $file, contentLength: $contentLength} }) {errorFileUrl "
        "inputFileUrl name progress state statusFileUrl id project{autoAuditNumberOfLabels "
        "autoAuditPercentage createdAt dataRowCount description editorTaskType "
        "isBenchmarkEnabled isConsensusEnabled lastActivityTime allowedMediaType "
        "modelSetupComplete name setupComplete id updatedAt uploadType}} }"
    ),
)
CREATE_MAL_IMPORT_BY_URL = Operation(
    name="createMALPredictionImportByUrlPyApi",
    document=(
        "mutation createMALPredictionImportByUrlPyApi($projectId : ID!, $name: String!, "
        "$fileUrl: String!) { createModelAssistedLabelingPredictionImport(data: { projectId: "
        "$projectId name: $name fileUrl: $fileUrl }) {errorFileUrl inputFileUrl name progress "
        "state statusFileUrl id project{autoAuditNumberOfLabels autoAuditPercentage createdAt "
        "dataRowCount description editorTaskType isBenchmarkEnabled isConsensusEnabled "
        "lastActivityTime allowedMediaType modelSetupComplete name setupComplete id updatedAt "
        "uploadType}} }"
    ),
)
CREATE_LABEL_IMPORT_BY_FILE = Operation(
    name="createLabelImportByFilePyApi",
    document=(
        "mutation createLabelImportByFilePyApi($projectId : ID!, $name: String!, $file: "
        "Upload!, $contentLength: Int!) { createLabelImport(data: { projectId: $projectId "
        "name: $name filePayload: { file: $file, contentLength: $contentLength} }) "
        "{errorFileUrl inputFileUrl name progress state statusFileUrl id "
        "project{autoAuditNumberOfLabels autoAuditPercentage createdAt dataRowCount "
        "description editorTaskType isBenchmarkEnabled isConsensusEnabled lastActivityTime "
        "allowedMediaType modelSetupComplete name setupComplete id updatedAt uploadType}} }"
    ),
)
CREATE_LABEL_IMPORT_BY_URL = Operation(
    name="createLabelImportByUrlPyApi",
    document=(
        "mutation createLabelImportByUrlPyApi($projectId : ID!, $name: String!, $fileUrl: "
        "String!) { createLabelImport(data: { projectId: $projectId name: $name fileUrl: "
        "$fileUrl }) {errorFileUrl inputFileUrl name progress state statusFileUrl id "
        "project{autoAuditNumberOfLabels autoAuditPercentage createdAt dataRowCount "
        "description editorTaskType isBenchmarkEnabled isConsensusEnabled lastActivityTime "
        "allowedMediaType modelSetupComplete name setupComplete id updatedAt uploadType}} }"
    ),
)
CREATE_MEA_IMPORT_BY_FILE = Operation(
    name="createMEAPredictionImportByFilePyApi",
    document=(
        "mutation createMEAPredictionImportByFilePyApi($modelRunId : ID!, $name: String!, "
        "$file: Upload!, $contentLength: Int!) { "
        "createModelErrorAnalysisPredictionImport(data: { modelRunId: $modelRunId name: $name "
        "filePayload: { file: $file, contentLength: $contentLength} }) {errorFileUrl "
        "inputFileUrl modelRunId name progress state statusFileUrl id} }"
    ),
)
CREATE_MEA_IMPORT_BY_URL = Operation(
    name="createMEAPredictionImportByUrlPyApi",
    document=(
        "mutation createMEAPredictionImportByUrlPyApi($modelRunId : ID!, $name: String!, "
        "$fileUrl: String!) { createModelErrorAnalysisPredictionImport(data: { modelRunId: "
        "$modelRunId name: $name fileUrl: $fileUrl }) {errorFileUrl inputFileUrl modelRunId "
        "name progress state statusFileUrl id} }"
    ),
)
GET_MAL_IMPORT = Operation(
    name="getModelAssistedLabelingPredictionImportPyApi",
    document=(
        "query getModelAssistedLabelingPredictionImportPyApi($projectId : ID!, $name: "
        "String!) { modelAssistedLabelingPredictionImport( where: {projectId: $projectId, "
        "name: $name}){ errorFileUrl inputFileUrl name progress state statusFileUrl id "
        "project{autoAuditNumberOfLabels autoAuditPercentage createdAt dataRowCount "
        "description editorTaskType isBenchmarkEnabled isConsensusEnabled lastActivityTime "
        "allowedMediaType modelSetupComplete name setupComplete id updatedAt uploadType} }}"
    ),
    idempotent=True,
)
GET_LABEL_IMPORT = Operation(
    name="getLabelImportPyApi",
    document=(
        "query getLabelImportPyApi($projectId : ID!, $name: String!) { labelImport( where: "
        "{projectId: $projectId, name: $name}){ errorFileUrl inputFileUrl name progress state "
        "statusFileUrl id project{autoAuditNumberOfLabels autoAuditPercentage createdAt "
        "dataRowCount description editorTaskType isBenchmarkEnabled isConsensusEnabled "
        "lastActivityTime allowedMediaType modelSetupComplete name setupComplete id updatedAt "
        "uploadType} }}"
    ),
    idempotent=True,
)
GET_MEA_IMPORT = Operation(
    name="getModelErrorAnalysisPredictionImportPyApi",
    document=(
        "query getModelErrorAnalysisPredictionImportPyApi($modelRunId : ID!, $name: String!) "
        "{ modelErrorAnalysisPredictionImport( where: {modelRunId: $modelRunId, name: "
        "$name}){ errorFileUrl inputFileUrl modelRunId name progress state statusFileUrl id "
        "}}"
    ),
    idempotent=True,
)
GET_MEA_TO_MAL_IMPORT = Operation(
    name="getMEAToMALPredictionImportPyApi",
    document=(
        "query getMEAToMALPredictionImportPyApi($projectId : ID!, $name: String!) { "
        "meaToMalPredictionImport( where: {projectId: $projectId, name: $name}){ errorFileUrl "
        "inputFileUrl name progress state statusFileUrl id project{autoAuditNumberOfLabels "
        "autoAuditPercentage createdAt dataRowCount description editorTaskType "
        "isBenchmarkEnabled isConsensusEnabled lastActivityTime allowedMediaType "
        "modelSetupComplete name setupComplete id updatedAt uploadType} }}"
    ),
    idempotent=True,
)
CREATE_MEA_TO_MAL_IMPORT = Operation(
    name="createMalPredictionImportForModelRunDataRowsPyApi",
    document=(
        "mutation createMalPredictionImportForModelRunDataRowsPyApi($dataRowIds: [ID!]!, "
        "$name: String!, $modelRunId: ID!, $projectId:ID!) { "
        "createMalPredictionImportForModelRunDataRows(data: { name: $name modelRunId: "
        "$modelRunId dataRowIds: $dataRowIds projectId: $projectId }) {errorFileUrl "
        "inputFileUrl name progress state statusFileUrl id project{autoAuditNumberOfLabels "
        "autoAuditPercentage createdAt dataRowCount description editorTaskType "
        "isBenchmarkEnabled isConsensusEnabled lastActivityTime allowedMediaType "
        "modelSetupComplete name setupComplete id updatedAt uploadType}} }"
    ),
)
DELETE_MAL_IMPORT = Operation(
    name="deleteModelAssistedLabelingPredictionImportPyApi",
    document=(
        "mutation deleteModelAssistedLabelingPredictionImportPyApi($id: ID!) {"
        " deleteModelAssistedLabelingPredictionImport(where: { id: $id }) { id } }"
    ),
    idempotent=True,
)
