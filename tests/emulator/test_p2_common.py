"""Shared pieces of the part-2 emulator tests: the official SDK's documents (as §5-§7 of the wire
reference records them) and small helpers over the in-process ``gql`` client."""

from __future__ import annotations

from typing import Any

from aiolabel.emulator import Emulator
from tests.emulator.conftest import Gql

PROJECT_FIELDS = (
    "autoAuditNumberOfLabels autoAuditPercentage createdAt dataRowCount description"
    " editorTaskType isBenchmarkEnabled isConsensusEnabled lastActivityTime allowedMediaType"
    " modelSetupComplete name setupComplete id updatedAt uploadType"
)
BATCH_FIELDS = "consensusSettingsJson createdAt name size id updatedAt"
TASK_FIELDS = (
    "completionPercentage createdAt errors metadata name result status status type id updatedAt"
)
DATA_ROW_FIELDS = (
    "createdAt externalId globalKey mediaAttributes customMetadata { schemaId value }"
    " metadataFields { schemaId name value kind } rowData id updatedAt"
)

CREATE_PROJECT = (
    "mutation CreateProjectPyApi($name: String!, $description: String!,"
    " $allowedMediaType: MediaType!, $autoAuditPercentage: Float!,"
    " $autoAuditNumberOfLabels: Int!, $isBenchmarkEnabled: Boolean!,"
    " $isConsensusEnabled: Boolean!){createProject(data: {name: $name description: $description"
    " allowedMediaType: $allowedMediaType autoAuditPercentage: $autoAuditPercentage"
    " autoAuditNumberOfLabels: $autoAuditNumberOfLabels isBenchmarkEnabled: $isBenchmarkEnabled"
    f" isConsensusEnabled: $isConsensusEnabled}}) {{{PROJECT_FIELDS}}}}}"
)
CREATE_BATCH_V2 = (
    "mutation createBatchV2PyApi($projectId: ID!, $batchInput: CreateBatchInput!) {"
    " project(where: {id: $projectId}) { createBatchV2(input: $batchInput) {"
    f" batch {{ {BATCH_FIELDS} }} failedDataRowIds }} }} }}"
)
CREATE_EMPTY_BATCH = (
    "mutation createEmptyBatchPyApi($projectId: ID!, $input: CreateEmptyBatchInput!) {"
    " project(where: {id: $projectId}) { createEmptyBatch(input: $input) { id } } }"
)
ADD_ROWS_ASYNC = (
    "mutation addDataRowsToBatchAsyncPyApi($projectId: ID!, $input: AddDataRowsToBatchInput!) {"
    " project(where: {id: $projectId}) { addDataRowsToBatchAsync(input: $input) { taskId } } }"
)
CREATE_BATCHES = (
    "mutation createBatchesPyApi($projectId: ID!, $input: CreateBatchesInput!) {"
    " project(where: {id: $projectId}) { createBatches(input: $input) {"
    " tasks { batchUuid taskId } } } }"
)
CREATE_BATCHES_FROM_DATASET = (
    "mutation createBatchesFromDatasetPyApi($projectId: ID!,"
    " $input: CreateBatchesFromDatasetInput!) { project(where: {id: $projectId}) {"
    " createBatchesFromDataset(input: $input) { tasks { batchUuid taskId } } } }"
)
PROJECT_BATCHES = (
    "query GetProjectBatchesPyApi($from: String, $first: PageSize, $projectId: ID!) {"
    " project(where: {id: $projectId}) {id batches(after: $from, first: $first) {"
    f" nodes {{ {BATCH_FIELDS} }} pageInfo {{ endCursor }}}}}}}}"
)
GET_BATCH = (
    "query getProjectBatchPyApi($projectId: ID!, $batchId: ID!) {"
    " project(where: {id: $projectId}) { batches(where: {id: $batchId}) {"
    f" nodes {{ {BATCH_FIELDS} }} }} }} }}"
)
PROCESSED = (
    "query CheckAllDataRowsHaveBeenProcessedPyApi($%s: [ID!]) {"
    " queryAllDataRowsHaveBeenProcessed(%s:$%s) { allDataRowsHaveBeenProcessed } }"
)
REMOVE_QUEUED = (
    "mutation RemoveQueuedDataRowsFromBatchPyApi($projectId: ID!, $batchId: ID!) {"
    " project(where: {id: $projectId}) {"
    " removeQueuedDataRowsFromBatch(batchId: $batchId) { id } } }"
)
DELETE_BATCH = (
    "mutation DeleteBatchPyApi($projectId: ID!, $batchId: ID!) {"
    " project(where: {id: $projectId}) { deleteBatch(batchId: $batchId) { deletedBatchId } } }"
)
DELETE_BATCH_LABELS = (
    "mutation DeleteBatchLabelsPyApi($projectId: ID!, $batchId: ID!, $type: DeleteBatchLabelsType!)"
    " { project(where: {id: $projectId}) { deleteBatchLabels(batchId: $batchId,"
    " data:{ type: $type }) { deletedLabelIds } } }"
)
LABEL_COUNT = (
    "query LabelCountPyApi($projectId: ID!) { project(where: {id: $projectId}) { labelCount } }"
)
TASK = (
    "query GetUserCreatedTasksPyApi($param_0: ID!, $param_1: ID!){user(where: {id: $param_1})"
    f"{{createdTasks(where: {{id: $param_0}} skip: 0 first: 100){{{TASK_FIELDS}}}}}}}"
)
USER = "query GetUserPyApi{user{id}}"
LPOS = (
    "query GetProjectLabelingParameterOverridesPyApi($param_0: ID!){project(where: {id: $param_0})"
    f"{{labelingParameterOverrides(skip: %d first: 100){{numberOfLabels priority id"
    f" dataRow{{{DATA_ROW_FIELDS}}}}}}}}}"
)
PRIORITY_TASK = (
    "mutation createQueuePriorityUpdateTaskPyApi( $priority: Int! $projectId: ID!"
    " $dataRowIdentifiers: QueuePriorityUpdateDataRowIdentifiersInput ) {"
    " project(where: { id: $projectId }) { createQueuePriorityUpdateTask("
    " data: { priority: $priority, dataRowIdentifiers: $dataRowIdentifiers } ) { taskId } } }"
)
MOVE_TO_QUEUE = (
    "mutation AddDataRowsToTaskQueueAsyncPyApi( $projectId: ID! $queueId: ID"
    " $dataRowIdentifiers: AddRowsToTaskQueueViaDataRowIdentifiersInput! ) {"
    " project(where: { id: $projectId }) { createBulkAddRowsToQueueTask("
    " data: { queueId: $queueId, dataRowIdentifiers: $dataRowIdentifiers } ) { taskId } } }"
)
TASK_QUEUES = (
    "query GetProjectTaskQueuesPyApi($projectId: ID!) { project(where: {id: $projectId}) {"
    " taskQueues { dataRowCount description name queueType id } } }"
)
EXPORT_PROJECT = (
    "mutation exportDataRowsInProjectPyApi($input: ExportDataRowsInProjectInput!)"
    "{exportDataRowsInProject(input: $input){taskId isStreamable}}"
)
EXPORT_CATALOG = (
    "mutation exportDataRowsInCatalogPyApi($input: ExportDataRowsInCatalogInput!)"
    "{exportDataRowsInCatalog(input: $input){taskId isStreamable}}"
)
EXPORT_HEADER = (
    "query GetExportMetadataHeaderPyApi($where: WhereUniqueIdInput, $streamType: TaskStreamType!)"
    "{task(where: $where){exportMetadataHeader(streamType: $streamType){totalSize totalLines}}}"
)
EXPORT_CHUNK = (
    "query GetExportFileFromOffsetPyApi($where: WhereUniqueIdInput, $streamType: TaskStreamType!,"
    " $offset: UInt64!){task(where: $where){exportFileFromOffset(streamType: $streamType,"
    " offset: $offset){offsets {start end} lines {start end} file}}}"
)


def lpo_document(items: list[tuple[str, str, int]]) -> str:
    """The SDK's SetLabelingParameterOverridesPyApi text: a pasted list with a trailing comma."""
    body = "".join(
        f'{{dataRowIdentifier: {{id: "{key}", idType: {id_type}}}, priority: {priority}}},'
        for key, id_type, priority in items
    )
    return (
        "mutation SetLabelingParameterOverridesPyApi($projectId: ID!)\n"
        "                {project(where: { id: $projectId })\n"
        "                {setLabelingParameterOverrides\n"
        f"                (dataWithDataRowIdentifiers: [{body}])\n"
        "                {success}}}\n"
    )


def error_of(body: dict[str, Any]) -> dict[str, Any]:
    """The single error of a refused request."""
    assert body.get("data") is None or "errors" in body, body
    errors = body["errors"]
    assert len(errors) == 1, errors
    error: dict[str, Any] = errors[0]
    return error


def status_of(error: dict[str, Any]) -> int | None:
    status: int | None = error["extensions"].get("exception", {}).get("status")
    return status


async def new_project(gql: Gql, media_type: str = "IMAGE", name: str = "p") -> str:
    data = await gql.data(
        CREATE_PROJECT,
        {
            "name": name,
            "description": "",
            "allowedMediaType": media_type,
            "autoAuditPercentage": 0,
            "autoAuditNumberOfLabels": 3,
            "isBenchmarkEnabled": True,
            "isConsensusEnabled": True,
        },
    )
    project_id: str = data["createProject"]["id"]
    return project_id


def rows(emu: Emulator, count: int, **kwargs: Any) -> list[str]:
    made = emu.control("bulk_create_data_rows", count=count, **kwargs)
    ids: list[str] = made["ids"]
    return ids


async def create_batch(
    gql: Gql, project_id: str, name: str, ids: list[str] | None = None, **extra: Any
) -> dict[str, Any]:
    batch_input = {
        "name": name,
        "dataRowIds": ids if ids is not None else [],
        "globalKeys": None,
        "priority": 5,
        "consensusSettings": None,
        **extra,
    }
    data = await gql.data(
        CREATE_BATCH_V2, {"projectId": project_id, "batchInput": batch_input}, experimental=True
    )
    result: dict[str, Any] = data["project"]["createBatchV2"]
    return result


async def task(gql: Gql, task_id: str) -> dict[str, Any]:
    user = (await gql.data(USER))["user"]["id"]
    tasks = (await gql.data(TASK, {"param_0": task_id, "param_1": user}))["user"]["createdTasks"]
    assert len(tasks) == 1
    found: dict[str, Any] = tasks[0]
    return found


async def batches(gql: Gql, project_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    cursor = None
    while True:
        data = await gql.data(
            PROJECT_BATCHES,
            {"projectId": project_id, "from": cursor, "first": 100},
            experimental=True,
        )
        page = data["project"]["batches"]
        found.extend(page["nodes"])
        cursor = page["pageInfo"]["endCursor"]
        if not cursor:
            return found


async def lpos(gql: Gql, project_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    skip = 0
    while True:
        page = (await gql.data(LPOS % skip, {"param_0": project_id}))["project"][
            "labelingParameterOverrides"
        ]
        found.extend(page)
        if len(page) < 100:
            return found
        skip += 100
