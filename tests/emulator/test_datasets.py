"""Datasets and IAM integrations over the GraphQL API: create, get, update, delete, the ORM's where,
and the dataset's data-row pages."""

from __future__ import annotations

from typing import Any

from aiolabel.emulator import Emulator
from tests.emulator._support import (
    DS,
    all_rows,
    code,
    create_dataset,
    make_rows,
)

from .conftest import Gql

# -- datasets -----------------------------------------------------------------------------------

DATASETS = (
    "query GetDatasetsPyApi($w: DatasetWhereInput){datasets(where: $w skip: 0 first: 100){"
    + DS
    + "}}"
)


async def test_dataset_create_get_update_delete(gql: Gql) -> None:
    create = (
        "mutation CreateDatasetPyApi($name: String!, $description: String!){createDataset("
        "data: {name: $name description: $description}) {" + DS + "}}"
    )
    created = (await gql.data(create, {"name": "a", "description": "d"}))["createDataset"]
    assert (created["name"], created["description"], created["rowCount"]) == ("a", "d", 0)
    get = "query GetDatasetPyApi($param_0: ID!){dataset(where: {id: $param_0}){" + DS + "}}"
    assert (await gql.data(get, {"param_0": created["id"]}))["dataset"] == created
    update = (
        "mutation updateDatasetPyApi($name: String!, $DatasetId: ID!){updateDataset("
        "where: {id: $DatasetId} data: {name: $name}) {" + DS + "}}"
    )
    renamed = (await gql.data(update, {"name": "b", "DatasetId": created["id"]}))["updateDataset"]
    assert renamed["name"] == "b"
    assert renamed["updatedAt"] >= created["updatedAt"]
    rows = await make_rows(gql, created["id"], 2)
    delete = (
        "mutation deleteDatasetPyApi($DatasetId: ID!){updateDataset(where: {id: $DatasetId} "
        "data: {deleted: true}) {id}}"
    )
    await gql.data(delete, {"DatasetId": created["id"]})
    assert code(await gql(get, {"param_0": created["id"]})) == "RESOURCE_NOT_FOUND"
    assert (await gql.data(DATASETS, {"w": {"deleted": False}}))["datasets"] == []
    assert len((await gql.data(DATASETS, {"w": {"deleted": True}}))["datasets"]) == 1
    row = "query($id: ID!){dataRow(where: {id: $id}){id}}"
    assert code(await gql(row, {"id": rows[0]["id"]})) == "RESOURCE_NOT_FOUND"


async def test_blank_dataset_name_is_refused(gql: Gql) -> None:
    body = await gql('mutation{createDataset(data: {name: "  "}){id}}')
    assert body["errors"][0]["extensions"]["exception"]["status"] == 400


async def test_dataset_where_with_and_nesting_and_operators(gql: Gql) -> None:
    for name, description in [("a", "x"), ("b", "x"), ("c", "y"), ("d", None)]:
        query = (
            "mutation($n: String!, $d: String){createDataset(data:{name: $n description: $d}){id}}"
        )
        await gql.data(query, {"n": name, "d": description})

    async def names(where: dict[str, Any]) -> list[str]:
        return [d["name"] for d in (await gql.data(DATASETS, {"w": where}))["datasets"]]

    assert await names(
        {"AND": [{"AND": [{"name_gte": "b"}, {"description": "x"}]}, {"deleted": False}]}
    ) == ["b"]
    assert await names({"name_not": "a"}) == ["b", "c", "d"]
    assert await names({"name_lt": "c"}) == ["a", "b"]
    assert await names({"name_gt": "c"}) == ["d"]
    assert await names({"name_lte": "b", "description_not": "y"}) == ["a", "b"]
    assert await names({"description_not": "x"}) == ["c", "d"]
    assert await names({"rowCount": 0, "name_in": ["a", "d"]}) == ["a", "d"]
    assert await names({"createdAt_gte": "2000-01-01T00:00:00Z"}) == ["a", "b", "c", "d"]
    assert await names({"createdAt_lt": "2000-01-01T00:00:00Z"}) == []
    page = "query{datasets(skip: 1 first: 2){name}}"
    assert [d["name"] for d in (await gql.data(page))["datasets"]] == ["b", "c"]


async def test_bad_date_time_filter_is_refused(gql: Gql) -> None:
    body = await gql(DATASETS, {"w": {"createdAt_gt": "yesterday"}})
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"  # DateTime


# -- IAM ----------------------------------------------------------------------------------------

IAM = (
    "query getAllIntegrationsPyApi { iamIntegrations { createdAt isOrgDefault lastValidAt name "
    "provider id updatedAt valid settings { __typename ... on AwsIamIntegrationSettings {roleArn}"
    " ... on GcpIamIntegrationSettings {serviceAccountEmailId readBucket} } } }"
)


async def test_iam_integrations_signer_and_validation(gql: Gql, emu: Emulator) -> None:
    assert (await gql.data(IAM))["iamIntegrations"] == []
    good = emu.control("add_iam_integration", integration_name="aws")
    bad = emu.control("add_iam_integration", integration_name="gcp", provider="GCP", valid=False)
    listed = (await gql.data(IAM))["iamIntegrations"]
    assert [(i["name"], i["isOrgDefault"], i["valid"]) for i in listed] == [
        ("aws", False, True),
        ("gcp", True, False),
    ]
    assert listed[0]["settings"]["__typename"] == "AwsIamIntegrationSettings"
    assert listed[1]["settings"]["readBucket"] == "bucket"
    ds = await create_dataset(gql)
    set_signer = (
        "mutation($signerId: ID!, $datasetId: ID!) { setSignerForDataset(data: { signerId: "
        "$signerId}, where: {id: $datasetId}){id signer {id}}}"
    )
    validate = (
        "mutation($id: ID!){validateDataset(where: {id : $id}){ valid checks{name, success}}}"
    )
    assert (await gql.data(validate, {"id": ds}))["validateDataset"]["valid"] is False
    signed = await gql.data(set_signer, {"signerId": good, "datasetId": ds})
    assert signed["setSignerForDataset"]["signer"]["id"] == good
    assert (await gql.data(validate, {"id": ds}))["validateDataset"]["valid"] is True
    await gql.data(set_signer, {"signerId": bad, "datasetId": ds})
    result = (await gql.data(validate, {"id": ds}))["validateDataset"]
    assert result["checks"] == [
        {"name": "signerConfigured", "success": True},
        {"name": "signerValid", "success": False},
    ]
    unknown = await gql(set_signer, {"signerId": "nope", "datasetId": ds})
    assert code(unknown) == "RESOURCE_NOT_FOUND"
    clear = "mutation($id: ID!){clearSignerForDataset(where: {id: $id}){signer {id}}}"
    assert (await gql.data(clear, {"id": ds}))["clearSignerForDataset"]["signer"] is None


async def test_dataset_rows_page_newest_first_with_filters(gql: Gql) -> None:
    ds = await create_dataset(gql)
    await make_rows(gql, ds, 12)
    rows = await all_rows(gql, ds, first=5)
    assert [r["externalId"] for r in rows] == [f"e{i}" for i in reversed(range(12))]
    assert [r["externalId"] for r in await all_rows(gql, ds, {"externalId": "e3"})] == ["e3"]
    not_e3 = await all_rows(gql, ds, {"externalId_not": "e3"}, first=4)
    assert len(not_e3) == 11
    assert [r["externalId"] for r in await all_rows(gql, ds, {"externalId_gte": "e8"})] == [
        "e9",
        "e8",
    ]
    assert len(await all_rows(gql, ds, {"globalKey_in": [f"{ds}-1", f"{ds}-2"]})) == 2


async def test_dataset_rows_cursor_and_page_size_errors(gql: Gql) -> None:
    ds = await create_dataset(gql)
    query = (
        "query($id: ID!, $from: ID, $first: Int){datasetDataRows(id: $id, from: $from, "
        "first: $first){nodes{id}}}"
    )
    assert code(await gql(query, {"id": ds, "from": "nope", "first": 10})) == (
        "INTERNAL_SERVER_ERROR"
    )
    assert code(await gql(query, {"id": ds, "first": 0})) == "INTERNAL_SERVER_ERROR"
    assert code(await gql(query, {"id": "nope", "first": 10})) == "RESOURCE_NOT_FOUND"
