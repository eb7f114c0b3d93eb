"""Helpers for the catalog tests: documents as the official SDK sends them, uploads, upserts,
and paging results back (in process, through the ``gql`` fixture)."""

from __future__ import annotations

import json
from typing import Any

from .conftest import Gql

DR = (
    "createdAt externalId globalKey mediaAttributes customMetadata { schemaId value } "
    "metadataFields { schemaId name value kind } rowData id updatedAt"
)
DS = "createdAt description name rowCount id updatedAt"
TASK = "id createdAt updatedAt name status completionPercentage result errors type metadata"

UPLOAD = (
    "mutation UploadFile($file: Upload!, $contentLength: Int!, $sign: Boolean) "
    "{ uploadFile(file: $file, contentLength: $contentLength, sign: $sign) {url filename} }"
)
UPSERT = (
    "mutation UpsertDataRowsPyApi($manifestUri: String!) { upsertDataRows(data: "
    "{ manifestUri: $manifestUri }) { " + TASK + " } }"
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
    "{createdTasks(where: {id: $param_0} skip: 0 first: 100){" + TASK + "}}}"
)
USER_ID = "query GetUserPyApi{user{id}}"
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
