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


def _by_file(name: str, root: str, parent: str, selection: str) -> Operation:
    return Operation(
        name=name,
        document=(
            f"mutation {name}(${parent} : ID!, $name: String!, $file: Upload!,"
            f" $contentLength: Int!) {{ {root}(data: {{ {parent}: ${parent} name: $name"
            f" filePayload: {{ file: $file, contentLength: $contentLength}} }}) {{{selection}}} }}"
        ),
    )


def _by_url(name: str, root: str, parent: str, selection: str) -> Operation:
    return Operation(
        name=name,
        document=(
            f"mutation {name}(${parent} : ID!, $name: String!, $fileUrl: String!) {{ {root}(data:"
            f" {{ {parent}: ${parent} name: $name fileUrl: $fileUrl }}) {{{selection}}} }}"
        ),
    )


def _get(name: str, root: str, parent: str, selection: str) -> Operation:
    return Operation(
        name=name,
        document=(
            f"query {name}(${parent} : ID!, $name: String!) {{ {root}("
            f" where: {{{parent}: ${parent}, name: $name}}){{ {selection} }}}}"
        ),
        idempotent=True,
    )


_MAL = "createModelAssistedLabelingPredictionImport"
_MEA = "createModelErrorAnalysisPredictionImport"

CREATE_MAL_IMPORT_BY_FILE = _by_file(
    "createMALPredictionImportByFilePyApi", _MAL, "projectId", IMPORT_SELECTION
)
CREATE_MAL_IMPORT_BY_URL = _by_url(
    "createMALPredictionImportByUrlPyApi", _MAL, "projectId", IMPORT_SELECTION
)
CREATE_LABEL_IMPORT_BY_FILE = _by_file(
    "createLabelImportByFilePyApi", "createLabelImport", "projectId", IMPORT_SELECTION
)
CREATE_LABEL_IMPORT_BY_URL = _by_url(
    "createLabelImportByUrlPyApi", "createLabelImport", "projectId", IMPORT_SELECTION
)
CREATE_MEA_IMPORT_BY_FILE = _by_file(
    "createMEAPredictionImportByFilePyApi", _MEA, "modelRunId", MEA_IMPORT_SELECTION
)
CREATE_MEA_IMPORT_BY_URL = _by_url(
    "createMEAPredictionImportByUrlPyApi", _MEA, "modelRunId", MEA_IMPORT_SELECTION
)
GET_MAL_IMPORT = _get(
    "getModelAssistedLabelingPredictionImportPyApi",
    "modelAssistedLabelingPredictionImport",
    "projectId",
    IMPORT_SELECTION,
)
GET_LABEL_IMPORT = _get("getLabelImportPyApi", "labelImport", "projectId", IMPORT_SELECTION)
GET_MEA_IMPORT = _get(
    "getModelErrorAnalysisPredictionImportPyApi",
    "modelErrorAnalysisPredictionImport",
    "modelRunId",
    MEA_IMPORT_SELECTION,
)
GET_MEA_TO_MAL_IMPORT = _get(
    "getMEAToMALPredictionImportPyApi", "meaToMalPredictionImport", "projectId", IMPORT_SELECTION
)
CREATE_MEA_TO_MAL_IMPORT = Operation(
    name="createMalPredictionImportForModelRunDataRowsPyApi",
    document=(
        "mutation createMalPredictionImportForModelRunDataRowsPyApi($dataRowIds: [ID!]!,"
        " $name: String!, $modelRunId: ID!, $projectId:ID!) {"
        " createMalPredictionImportForModelRunDataRows(data: { name: $name modelRunId:"
        " $modelRunId dataRowIds: $dataRowIds projectId: $projectId }) {"
        f"{IMPORT_SELECTION}}} }}"
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
