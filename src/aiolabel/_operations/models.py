"""Model, model-run, slice and send-to-annotate documents, as the official SDK 7.17 sends them
(``labelbox/client.py`` create_model / get_catalog_slice(s) / get_model_slice /
send_to_annotate_from_catalog, ``schema/model.py``, ``schema/model_run.py``, ``schema/slice.py``).
The ORM documents (``GetModelPyApi``, ``GetModelsPyApi``, ``GetModelRunPyApi``,
``GetModelModelRunsPyApi``) are built by :mod:`._builder` from the MODEL / MODEL_RUN entities."""

from __future__ import annotations

from aiolabel._operations import Operation

MODEL_FIELDS = "name ontologyId id"
"""``results_query_part(Model)``."""
MODEL_RUN_FIELDS = "createdAt createdBy modelAppId modelId name trainingMetadata id updatedAt"
"""``results_query_part(ModelRun)``."""
MODEL_RUN_DATA_ROW_FIELDS = (
    "dataSplit labelId modelRunId id dataRow{createdAt externalId globalKey mediaAttributes"
    " customMetadata { schemaId value } metadataFields { schemaId name value kind } rowData id"
    " updatedAt}"
)
"""``results_query_part(ModelRunDataRow)``, its cached data row included."""

CREATE_MODEL = Operation(
    name="createModelPyApi",
    document=(
        "mutation createModelPyApi($name: String!, $ontologyId: ID!){\n            "
        "createModel(data: {name : $name, ontologyId : $ontologyId}){\n                    "
        "name ontologyId id\n                }\n            }"
    ),
)
"""``create_model``: ``{"name", "ontologyId"}``; not idempotent (a second model)."""

DELETE_MODEL = Operation(
    name="DeleteModelPyApi",
    document=(
        "mutation DeleteModelPyApi($ids: ID!) {\n            deleteModels(where: {ids: [$ids]})}"
    ),
    idempotent=True,
)

CREATE_MODEL_RUN = Operation(
    name="CreateModelRunPyApi",
    document=(
        "mutation CreateModelRunPyApi($name: String!, $config: Json, $modelId: ID!) {\n"
        "            createModelRun(data: {name: $name, trainingMetadata: $config, "
        "modelId: $modelId}) {createdAt createdBy modelAppId modelId name "
        "trainingMetadata id updatedAt}}"
    ),
)
"""``Model.create_model_run``: ``{"name", "config", "modelId"}``."""

DELETE_MODEL_RUN = Operation(
    name="DeleteModelRunPyApi",
    document=(
        "mutation DeleteModelRunPyApi($ids: ID!) {\n"
        "            deleteModelRuns(where: {ids: [$ids]})}"
    ),
    idempotent=True,
)

REGISTER_LABELS = Operation(
    name="createMEAModelRunLabelRegistrationTaskPyApi",
    document=(
        "mutation createMEAModelRunLabelRegistrationTaskPyApi($modelRunId: ID!, $labelIds :"
        " [ID!]!) {\n        createMEAModelRunLabelRegistrationTask(where : { id : $modelRunId},"
        " data : {labelIds: $labelIds})}\n        "
    ),
    idempotent=True,
)
"""``ModelRun.upsert_labels(label_ids=...)``: an upsert, so repeating it changes nothing."""

REGISTER_PROJECT_LABELS = Operation(
    name="createMEAModelRunProjectLabelRegistrationTaskPyApi",
    document=(
        "mutation createMEAModelRunProjectLabelRegistrationTaskPyApi($modelRunId: ID!,"
        " $projectId : ID!) {\n        createMEAModelRunProjectLabelRegistrationTask(where :"
        " { modelRunId : $modelRunId, projectId: $projectId})}\n        "
    ),
    idempotent=True,
)

LABEL_REGISTRATION_STATUS = Operation(
    name="MEALabelRegistrationTaskStatusPyApi",
    document=(
        "query MEALabelRegistrationTaskStatusPyApi($where: WhereUniqueIdInput!){\n"
        "            MEALabelRegistrationTaskStatus(where: $where) {status errorMessage}\n"
        "        }\n        "
    ),
)

REGISTER_DATA_ROWS = Operation(
    name="createMEAModelRunDataRowRegistrationTaskPyApi",
    document=(
        "mutation createMEAModelRunDataRowRegistrationTaskPyApi($modelRunId: ID!, $dataRowIds:"
        " [ID!], $globalKeys: [ID!]) {\n          createMEAModelRunDataRowRegistrationTask(where"
        " : { id : $modelRunId}, data : {dataRowIds: $dataRowIds, globalKeys: $globalKeys})}\n"
        "          "
    ),
    idempotent=True,
)
"""``ModelRun.upsert_data_rows``: ``{"modelRunId", "dataRowIds", "globalKeys"}`` (one is null)."""

DATA_ROW_REGISTRATION_STATUS = Operation(
    name="MEADataRowRegistrationTaskStatusPyApi",
    document=(
        "query MEADataRowRegistrationTaskStatusPyApi($where: WhereUniqueIdInput!){\n"
        "            MEADataRowRegistrationTaskStatus(where: $where) {status errorMessage}\n"
        "        }\n        "
    ),
)

MODEL_RUN_DATA_ROWS = Operation(
    name="modelRunPyApi",
    document=(
        "query modelRunPyApi($modelRunId: ID!, $from : String, $first: Int){\n                "
        "annotationGroups(where: {modelRunId: {id: $modelRunId}}, after: $from, first: "
        "$first)\n                {nodes{dataSplit labelId modelRunId id dataRow{createdAt "
        "externalId globalKey mediaAttributes customMetadata { schemaId value } "
        "metadataFields { schemaId name value kind } rowData id "
        "updatedAt}},pageInfo{endCursor}}\n            }\n        "
    ),
)

DELETE_MODEL_RUN_DATA_ROWS = Operation(
    name="DeleteModelRunDataRowsPyApi",
    document=(
        "mutation DeleteModelRunDataRowsPyApi($modelRunId: ID!, $dataRowIds: [ID!]!) {\n"
        "            deleteModelRunDataRows(where: {modelRunId: $modelRunId, dataRowIds:"
        " $dataRowIds})}"
    ),
    idempotent=True,
)

ASSIGN_SPLIT = Operation(
    name="assignDataSplitPyApi",
    document=(
        "mutation assignDataSplitPyApi($modelRunId: ID!, $data:"
        " CreateAssignDataRowsToDataSplitTaskInput!){\n"
        "                  createAssignDataRowsToDataSplitTask(modelRun : {id: $modelRunId},"
        " data: $data)}\n            "
    ),
    experimental=True,
    idempotent=True,
)

ASSIGN_SPLIT_STATUS = Operation(
    name="assignDataRowsToDataSplitTaskStatusPyApi",
    document=(
        "query assignDataRowsToDataSplitTaskStatusPyApi($id: ID!){\n"
        "            assignDataRowsToDataSplitTaskStatus(where: {id : $id}){status errorMessage}}\n"
        "            "
    ),
    experimental=True,
)

UPDATE_STATUS = Operation(
    name="setPipelineStatusPyApi",
    document=(
        "mutation setPipelineStatusPyApi($modelRunId: ID!,"
        " $data: UpdateTrainingPipelineInput!){\n"
        "                updateTrainingPipeline(modelRun: {id : $modelRunId}, data: $data)"
        "{status}\n"
        "            }\n        "
    ),
    experimental=True,
    idempotent=True,
)

UPDATE_CONFIG = Operation(
    name="updateModelRunConfigPyApi",
    document=(
        "mutation updateModelRunConfigPyApi($modelRunId: ID!, $data: UpdateModelRunConfigInput!){\n"
        "                updateModelRunConfig(modelRun: {id : $modelRunId}, data: $data)"
        "{trainingMetadata}\n            }\n        "
    ),
    idempotent=True,
)

RESET_CONFIG = Operation(
    name="resetModelRunConfigPyApi",
    document=(
        "mutation resetModelRunConfigPyApi($modelRunId: ID!){\n"
        "                resetModelRunConfig(modelRun: {id : $modelRunId}){trainingMetadata}\n"
        "            }\n        "
    ),
    idempotent=True,
)

GET_CONFIG = Operation(
    name="ModelRunPyApi",
    document=(
        "query ModelRunPyApi($modelRunId: ID!){\n"
        "                modelRun(where: {id : $modelRunId}){trainingMetadata}\n"
        "            }\n        "
    ),
)

SEND_TO_ANNOTATE_FROM_MEA = Operation(
    name="SendToAnnotateFromMeaPyApi",
    document=(
        "mutation SendToAnnotateFromMeaPyApi($input: SendToAnnotateFromMeaInput!) {\n"
        "                            sendToAnnotateFromMea(input: $input) {\n"
        "                              taskId\n"
        "                            }\n"
        "                          }\n        "
    ),
)
"""Not idempotent: a second call makes a second batch (refused for its name)."""

SEND_TO_ANNOTATE_FROM_CATALOG = Operation(
    name="SendToAnnotateFromCatalogPyApi",
    document=(
        "mutation SendToAnnotateFromCatalogPyApi($input: SendToAnnotateFromCatalogInput!) {\n"
        "                            sendToAnnotateFromCatalog(input: $input) {\n"
        "                              taskId\n"
        "                            }\n"
        "                          }\n        "
    ),
)

SLICE_FIELDS = (
    "id\n                        name\n                        description\n"
    "                        filter\n                        createdAt\n"
    "                        updatedAt"
)

GET_SAVED_QUERY = Operation(
    name="getSavedQueryPyApi",
    document=(
        "query getSavedQueryPyApi($id: ID!) {\n"
        "                    getSavedQuery(id: $id) {\n"
        "                        id\n                        name\n"
        "                        description\n                        filter\n"
        "                        createdAt\n                        updatedAt\n"
        "                    }\n                }\n            "
    ),
)
"""``get_catalog_slice(slice_id)``."""

GET_MODEL_SAVED_QUERY = Operation(
    name="getSavedQueryPyApi",
    document=(
        "\n            query getSavedQueryPyApi($id: ID!) {\n"
        "                getSavedQuery(id: $id) {\n"
        "                    id\n                    name\n                    description\n"
        "                    filter\n                    createdAt\n"
        "                    updatedAt\n                }\n            }\n        "
    ),
)
"""``get_model_slice``."""

GET_CATALOG_SLICES = Operation(
    name="GetCatalogSavedQueriesPyApi",
    document=(
        "query GetCatalogSavedQueriesPyApi {\n                catalogSavedQueries {\n"
        "                    id\n                    name\n                    description\n"
        "                    filter\n                    createdAt\n"
        "                    updatedAt\n                }\n            }\n            "
    ),
)

SLICE_IDENTIFIERS = Operation(
    name="getDataRowIdenfifiersBySavedQueryPyApi",
    document=(
        "\n            query getDataRowIdenfifiersBySavedQueryPyApi($id: ID!, $from: String,"
        " $first: Int!) {\n                getDataRowIdentifiersBySavedQuery(input: {\n"
        "                    savedQueryId: $id,\n                    after: $from\n"
        "                    first: $first\n                }) {\n"
        "                    totalCount\n                    nodes\n                    {\n"
        "                        id\n                        globalKey\n"
        "                    }\n                    pageInfo {\n"
        "                        endCursor\n                        hasNextPage\n"
        "                    }\n                }\n            }\n        "
    ),
)
"""``CatalogSlice.get_data_row_identifiers``: ``{"id", "from", "first"}``."""

MODEL_SLICE_IDENTIFIERS = Operation(
    name="getDataRowIdenfifiersBySavedModelQueryPyApi",
    document=(
        "\n        query getDataRowIdenfifiersBySavedModelQueryPyApi($id: ID!, $modelRunId: ID,"
        " $from: DataRowIdentifierCursorInput, $first: Int!) {\n"
        "            getDataRowIdentifiersBySavedModelQuery(input: {\n"
        "                savedQueryId: $id,\n                modelRunId: $modelRunId,\n"
        "                after: $from\n                first: $first\n            }) {\n"
        "                totalCount\n                nodes\n                {\n"
        "                    id\n                    globalKey\n                }\n"
        "                pageInfo {\n                    endCursor {\n"
        "                        dataRowId\n                        globalKey\n"
        "                    }\n                    hasNextPage\n                }\n"
        "            }\n        }\n        "
    ),
)
"""``ModelSlice.get_data_row_identifiers(model_run_id)``: the cursor is an object."""

EXPORT_MODEL_RUN = Operation(
    name="exportDataRowsInModelRunPyApi",
    document=(
        "mutation exportDataRowsInModelRunPyApi($input: ExportDataRowsInModelRunInput!)"
        "{exportDataRowsInModelRun(input: $input){taskId isStreamable}}"
    ),
    idempotent=True,
)
"""``ModelRun.export``: ``{"input": {"taskName", "filters": {"modelRunId"}, "isStreamableReady",
"params": {...}, "streamable"}}``; a repeated export is another read of the same rows."""

EXPORT_SLICE = Operation(
    name="exportDataRowsInSlicePyApi",
    document=(
        "mutation exportDataRowsInSlicePyApi($input: ExportDataRowsInSliceInput!)"
        "{exportDataRowsInSlice(input: $input){taskId isStreamable}}"
    ),
    idempotent=True,
)
"""``CatalogSlice.export``: ``{"input": {"taskName", "filters": {"sliceId"}, ...}}``."""

FOUNDRY_APP_FIELDS = (
    "id\nmodelId\nname\ndescription\ninferenceParams\nclassToSchemaId\nontologyId\ncreatedBy"
)
"""The official ``APP_FIELD_NAMES``, one a line."""

GET_FOUNDRY_APP = Operation(
    name="GetFoundryAppByIdPyApi",
    document=(
        "\n"
        "            query GetFoundryAppByIdPyApi($id: ID!) {\n"
        "                findModelFoundryApp(where: {id: $id}) {\n"
        "                    id\n"
        "modelId\n"
        "name\n"
        "description\n"
        "inferenceParams\n"
        "classToSchemaId\n"
        "ontologyId\n"
        "createdBy\n"
        "                }\n"
        "            }\n"
        "        "
    ),
)
"""``run_foundry_app``'s app lookup: ``{"id"}``."""

CREATE_MODEL_JOB = Operation(
    name="CreateModelJobPyApi",
    document=(
        "\n        mutation CreateModelJobPyApi($input: CreateModelJobForDataRowsInput!) {\n"
        "            createModelJobForDataRows(input: $input) {\n"
        "                taskId\n                __typename\n            }\n        }\n        "
    ),
)
"""``run_foundry_app``: ``{"input": {"modelId", "name", "classToSchemaId", "inferenceParams",
"ontologyId", "modelAppId", "dataRowIds" | "globalKeys"}}``; not idempotent (a second run)."""
