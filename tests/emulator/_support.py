"""Shared pieces of the emulator tests: the official SDK's documents (as the wire reference
records them), uploads, upserts, paging results back, and small helpers over the in-process
``gql`` client."""

from __future__ import annotations

import json
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


# Catalog: data rows, datasets, upserts and tasks.

DR = DATA_ROW_FIELDS
DS = "createdAt description name rowCount id updatedAt"
CATALOG_TASK_FIELDS = (
    "id createdAt updatedAt name status completionPercentage result errors type metadata"
)

UPLOAD = (
    "mutation UploadFile($file: Upload!, $contentLength: Int!, $sign: Boolean) "
    "{ uploadFile(file: $file, contentLength: $contentLength, sign: $sign) {url filename} }"
)
UPSERT = (
    "mutation UpsertDataRowsPyApi($manifestUri: String!) { upsertDataRows(data: "
    "{ manifestUri: $manifestUri }) { " + CATALOG_TASK_FIELDS + " } }"
)
CREATE_DATASET = (
    "mutation CreateDatasetPyApi($name: String!){createDataset(data: {name: $name}) {" + DS + "}}"
)
DATASET_ROWS = (
    "query DatasetDataRowsPyApi($id: ID!, $from: ID, $first: Int, $where: "
    "DatasetDataRowWhereInput) { datasetDataRows(id: $id, from: $from, first: $first, "
    "where: $where) { nodes { " + DR + " } pageInfo { hasNextPage startCursor } } }"
)
SUCCESSES = (
    "query SuccessesfulDataRowImportsPyApi($taskId: ID!, $first: Int, $from: String) { "
    "successesfulDataRowImports(data: { taskId: $taskId, first: $first, from: $from}) "
    "{ nodes { id externalId globalKey rowData } after total } }"
)
FAILURES = (
    "query FailedDataRowImportsPyApi($taskId: ID!, $first: Int, $from: String) { "
    "failedDataRowImports(data: { taskId: $taskId, first: $first, from: $from}) { after total "
    "results { message spec { externalId globalKey rowData metadata { schemaId value name } "
    "attachments { type value name } } } } }"
)
TASK_BY_ID = (
    "query GetUserCreatedTasksPyApi($param_0: ID!, $param_1: ID!){user(where: {id: $param_1})"
    "{createdTasks(where: {id: $param_0} skip: 0 first: 100){" + CATALOG_TASK_FIELDS + "}}}"
)
USER_ID = USER
TAG = "cko8s9r5v0001h2dk9elqdidh"
SPLIT = "cko8sbczn0002h2dkdaxb5kal"
TRAIN = "cko8sbscr0003h2dk04w86hof"


def code(body: dict[str, Any]) -> str:
    value: str = body["errors"][0]["extensions"]["code"]
    return value


async def upload(gql: Gql, content: bytes, filename: str, content_type: str | None) -> str:
    """Upload like ``Client.upload_data``; returns the URL."""
    operations = {
        "variables": {"file": None, "contentLength": len(content), "sign": False},
        "query": UPLOAD,
    }
    part: tuple[Any, ...] = (filename, content) + ((content_type,) if content_type else ())
    response = await gql.http.post(
        "/graphql",
        files={
            "operations": (None, json.dumps(operations)),
            "map": (None, json.dumps({"1": ["variables.file"]})),
            "1": part,
        },
        headers={"Authorization": f"Bearer {gql.api_key}"},
    )
    url: str = response.json()["data"]["uploadFile"]["url"]
    return url


async def upload_manifest(gql: Gql, specs: list[Any], chunk_size: int = 0) -> str:
    """Chunks (swapped name and type, as the SDK sends them) and the manifest; its URL."""
    size = chunk_size or max(len(specs), 1)
    chunks = [specs[i : i + size] for i in range(0, len(specs), size)] or [[]]
    uris = [
        await upload(gql, json.dumps(c).encode(), "application/json", "json_import.json")
        for c in chunks
    ]
    manifest = {"source": "SDK", "item_count": len(specs), "chunk_uris": uris}
    return await upload(gql, json.dumps(manifest).encode(), "manifest.json", "application/json")


async def upsert(gql: Gql, specs: list[Any], chunk_size: int = 0) -> dict[str, Any]:
    """Run ``upsertDataRows`` over these specs; returns the task as the mutation answered."""
    uri = await upload_manifest(gql, specs, chunk_size)
    task: dict[str, Any] = (await gql.data(UPSERT, {"manifestUri": uri}))["upsertDataRows"]
    return task


def spec(dataset_id: str, key: tuple[str, str] | None = None, **payload: Any) -> dict[str, Any]:
    """One descriptor spec: ``key`` is ``("ID" | "GKEY", value)``, absent for AUTO."""
    kind, value = key or ("AUTO", "")
    return {"id": {"type": kind, "value": value}, "payload": {**payload, "dataset_id": dataset_id}}


async def create_dataset(gql: Gql, name: str = "ds") -> str:
    dataset_id: str = (await gql.data(CREATE_DATASET, {"name": name}))["createDataset"]["id"]
    return dataset_id


async def task_by_id(gql: Gql, task_id: str) -> dict[str, Any]:
    user_id = (await gql.data(USER_ID))["user"]["id"]
    data = await gql.data(TASK_BY_ID, {"param_0": task_id, "param_1": user_id})
    [task] = data["user"]["createdTasks"]
    result: dict[str, Any] = task
    return result


async def paged(gql: Gql, document: str, task_id: str, key: str, items: str) -> list[Any]:
    out: list[Any] = []
    cursor = None
    while True:
        page = (await gql.data(document, {"taskId": task_id, "first": 7, "from": cursor}))[key]
        out.extend(page[items])
        cursor = page["after"]
        if not cursor:
            return out


async def successes(gql: Gql, task_id: str) -> list[dict[str, Any]]:
    return await paged(gql, SUCCESSES, task_id, "successesfulDataRowImports", "nodes")


async def failures(gql: Gql, task_id: str) -> list[dict[str, Any]]:
    return await paged(gql, FAILURES, task_id, "failedDataRowImports", "results")


async def all_rows(
    gql: Gql, dataset_id: str, where: dict[str, Any] | None = None, first: int = 500
) -> list[dict[str, Any]]:
    """Every row of a dataset through the cursor the official SDK follows (startCursor)."""
    out: list[dict[str, Any]] = []
    cursor = None
    while True:
        variables = {"id": dataset_id, "from": cursor, "first": first, "where": where}
        page = (await gql.data(DATASET_ROWS, variables))["datasetDataRows"]
        out.extend(page["nodes"])
        cursor = page["pageInfo"]["startCursor"]
        if not cursor:
            return out


async def make_rows(gql: Gql, ds: str, count: int, **extra: Any) -> list[dict[str, Any]]:
    specs = [
        spec(
            ds, row_data=f"https://x/{i}.jpg", global_key=f"{ds}-{i}", external_id=f"e{i}", **extra
        )
        for i in range(count)
    ]
    return await successes(gql, (await upsert(gql, specs))["id"])
