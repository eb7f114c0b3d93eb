"""Batch documents (wire doc §3.9, §5.1–§5.4, §6).

Several go to the experimental endpoint (``/_gql``) and carry the official 180 s timeout.
"""

from __future__ import annotations

from aiolabel._operations import Operation

__all__ = [
    "ADD_DATA_ROWS_TO_BATCH_ASYNC",
    "CHECK_DATA_ROWS_PROCESSED",
    "CHECK_GLOBAL_KEYS_PROCESSED",
    "CREATE_BATCHES",
    "CREATE_BATCHES_FROM_DATASET",
    "CREATE_BATCH_V2",
    "CREATE_EMPTY_BATCH",
    "DELETE_BATCH",
    "DELETE_BATCH_LABELS",
    "GET_BATCH_PROJECT",
    "GET_PROJECT_BATCH",
    "GET_PROJECT_BATCHES",
    "MAX_SYNC_BATCH_ROW_COUNT",
    "PROCESSING_CHECK_CHUNK_SIZE",
    "REMOVE_QUEUED_DATA_ROWS_FROM_BATCH",
]

BATCH_TIMEOUT = 180.0
"""Timeout the official SDK gives the batch-creating calls and ``get_batch``."""

MAX_SYNC_BATCH_ROW_COUNT = 1000
"""``create_batch`` with fewer rows uses createBatchV2, otherwise empty batch + async add."""

PROCESSING_CHECK_CHUNK_SIZE = 100_000
"""Ids per processing check in the official SDK."""

CHECK_DATA_ROWS_PROCESSED = Operation(
    name="CheckAllDataRowsHaveBeenProcessedPyApi",
    document=(
        "query CheckAllDataRowsHaveBeenProcessedPyApi($dataRowIds: [ID!]) {"
        " queryAllDataRowsHaveBeenProcessed(dataRowIds:$dataRowIds) {"
        " allDataRowsHaveBeenProcessed } }"
    ),
    idempotent=True,
)
"""Processing wait before a batch, by data-row ids: ``{"dataRowIds": [...]}``."""

CHECK_GLOBAL_KEYS_PROCESSED = Operation(
    name="CheckAllDataRowsHaveBeenProcessedPyApi",
    document=(
        "query CheckAllDataRowsHaveBeenProcessedPyApi($globalKeys: [ID!]) {"
        " queryAllDataRowsHaveBeenProcessed(globalKeys:$globalKeys) {"
        " allDataRowsHaveBeenProcessed } }"
    ),
    idempotent=True,
)
"""The same check by global keys: ``{"globalKeys": [...]}``."""

CREATE_BATCH_V2 = Operation(
    name="createBatchV2PyApi",
    document=(
        "mutation createBatchV2PyApi($projectId: ID!, $batchInput: CreateBatchInput!) { project("
        "where: {id: $projectId}) { createBatchV2(input: $batchInput) { batch { "
        "consensusSettingsJson createdAt name size id updatedAt } failedDataRowIds } } }"
    ),
    experimental=True,
    idempotent=False,
    timeout=BATCH_TIMEOUT,
)
"""``create_batch`` under 1,000 rows: ``{"projectId", "batchInput": {"name", "dataRowIds",
"globalKeys", "priority", "consensusSettings"}}``; reads ``project.createBatchV2``."""

CREATE_EMPTY_BATCH = Operation(
    name="createEmptyBatchPyApi",
    document=(
        "mutation createEmptyBatchPyApi($projectId: ID!, $input: CreateEmptyBatchInput!) { "
        "project(where: {id: $projectId}) { createEmptyBatch(input: $input) { id } } }"
    ),
    experimental=True,
    idempotent=False,
    timeout=BATCH_TIMEOUT,
)
"""``create_batch`` from 1,000 rows, step 1: ``{"projectId", "input": {"name",
"consensusSettings"}}``; reads ``project.createEmptyBatch.id``."""

ADD_DATA_ROWS_TO_BATCH_ASYNC = Operation(
    name="addDataRowsToBatchAsyncPyApi",
    document=(
        "mutation addDataRowsToBatchAsyncPyApi($projectId: ID!, $input: AddDataRowsToBatchInput!)"
        " { project(where: {id: $projectId}) { addDataRowsToBatchAsync(input: $input) { taskId }"
        " } }"
    ),
    experimental=True,
    idempotent=False,
    timeout=BATCH_TIMEOUT,
)
"""``create_batch`` from 1,000 rows, step 2: ``{"projectId", "input": {"batchId", "dataRowIds",
"globalKeys", "priority"}}``; reads ``project.addDataRowsToBatchAsync.taskId``. Each call starts
another task, so it is not idempotent."""

CREATE_BATCHES = Operation(
    name="createBatchesPyApi",
    document=(
        "mutation createBatchesPyApi($projectId: ID!, $input: CreateBatchesInput!) { project("
        "where: {id: $projectId}) { createBatches(input: $input) { tasks { batchUuid taskId } } } }"
    ),
    idempotent=False,
)
"""``project.create_batches``: ``{"projectId", "input": {"batchNamePrefix", "dataRowIds",
"globalKeys", "priority", "consensusSettings"}}``; reads ``project.createBatches.tasks``."""

CREATE_BATCHES_FROM_DATASET = Operation(
    name="createBatchesFromDatasetPyApi",
    document=(
        "mutation createBatchesFromDatasetPyApi($projectId: ID!, $input: "
        "CreateBatchesFromDatasetInput!) { project(where: {id: $projectId}) { "
        "createBatchesFromDataset(input: $input) { tasks { batchUuid taskId } } } }"
    ),
    idempotent=False,
)
"""``project.create_batches_from_dataset``: ``{"projectId", "input": {"batchNamePrefix",
"datasetId", "priority", "consensusSettings"}}``."""

GET_PROJECT_BATCH = Operation(
    name="getProjectBatchPyApi",
    document=(
        "query getProjectBatchPyApi($projectId: ID!, $batchId: ID!) { project(where: {id: "
        "$projectId}) { batches(where: {id: $batchId}) { nodes { consensusSettingsJson createdAt"
        " name size id updatedAt } } } }"
    ),
    idempotent=True,
    timeout=BATCH_TIMEOUT,
)
"""``client.get_batch(project_id, batch_id)``; reads ``project.batches.nodes[0]`` (⟨B⟩)."""

GET_PROJECT_BATCHES = Operation(
    name="GetProjectBatchesPyApi",
    document=(
        "query GetProjectBatchesPyApi($from: String, $first: PageSize, $projectId: ID!) { project("
        "where: {id: $projectId}) {id batches(after: $from, first: $first) { nodes { "
        "consensusSettingsJson createdAt name size id updatedAt } pageInfo { endCursor }}}}"
    ),
    experimental=True,
    idempotent=True,
)
"""``project.batches()``: cursor pages, ``{"projectId", "from": cursor|None, "first": 100}``;
the next cursor is ``project.batches.pageInfo.endCursor``."""

GET_BATCH_PROJECT = Operation(
    name="getProjectPyApi",
    document=(
        "query getProjectPyApi($projectId: ID!) { project( where: {id: $projectId}){ "
        "autoAuditNumberOfLabels autoAuditPercentage createdAt dataRowCount description "
        "editorTaskType isBenchmarkEnabled isConsensusEnabled lastActivityTime allowedMediaType "
        "modelSetupComplete name setupComplete id updatedAt uploadType }}"
    ),
    idempotent=True,
)
"""``batch.project()``: ``{"projectId"}``; reads ``project`` (⟨P⟩)."""

REMOVE_QUEUED_DATA_ROWS_FROM_BATCH = Operation(
    name="RemoveQueuedDataRowsFromBatchPyApi",
    document=(
        "mutation RemoveQueuedDataRowsFromBatchPyApi($projectId: ID!, $batchId: ID!) { project("
        "where: {id: $projectId}) { removeQueuedDataRowsFromBatch(batchId: $batchId) { id } } }"
    ),
    experimental=True,
    idempotent=True,
)
"""``batch.remove_queued_data_rows()``: ``{"projectId", "batchId"}``. Repeating finds nothing
more to remove."""

DELETE_BATCH = Operation(
    name="DeleteBatchPyApi",
    document=(
        "mutation DeleteBatchPyApi($projectId: ID!, $batchId: ID!) { project(where: {id: "
        "$projectId}) { deleteBatch(batchId: $batchId) { deletedBatchId } } }"
    ),
    experimental=True,
    idempotent=True,
)
"""``batch.delete()``: ``{"projectId", "batchId"}`` (a delete by id)."""

DELETE_BATCH_LABELS = Operation(
    name="DeleteBatchLabelsPyApi",
    document=(
        "mutation DeleteBatchLabelsPyApi($projectId: ID!, $batchId: ID!, $type: "
        "DeleteBatchLabelsType!) { project(where: {id: $projectId}) { deleteBatchLabels(batchId: "
        "$batchId, data:{ type: $type }) { deletedLabelIds } } }"
    ),
    experimental=True,
    idempotent=True,
)
"""``batch.delete_labels(set_labels_as_template=False)``: ``{"projectId", "batchId", "type":
"RequeueData" | "RequeueDataWithLabelAsTemplate"}``. Repeating finds no labels left to delete."""
