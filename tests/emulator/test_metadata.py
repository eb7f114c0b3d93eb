"""The metadata ontology over the GraphQL API: the reserved schemas, custom schemas and their
options, and metadata values upserted, deleted and exported."""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulator._support import (
    SPLIT,
    TAG,
    TRAIN,
    code,
    create_dataset,
    make_rows,
)

from .conftest import Gql

# -- metadata -----------------------------------------------------------------------------------

ONTOLOGY = (
    "query GetMetadataOntologyBetaPyApi { customMetadataOntology { id name kind reserved "
    "options { id kind name reserved } } }"
)
UPSERT_SCHEMA = (
    "mutation UpsertCustomMetadataSchemaPyApi($data: UpsertCustomMetadataSchemaInput!) { "
    "upsertCustomMetadataSchema(data: $data){ id name kind options { id name kind } } }"
)
UPSERT_VALUES = (
    "mutation UpsertDataRowMetadataBetaPyApi($metadata: [DataRowCustomMetadataBatchUpsertInput!]!)"
    " { upsertDataRowCustomMetadata(data: $metadata){ globalKey dataRowId error fields { value "
    "schemaId } } }"
)
DELETE_VALUES = (
    "mutation DeleteDataRowMetadataBetaPyApi($deletes: "
    "[DataRowIdentifierCustomMetadataBatchDeleteInput!]) { deleteDataRowCustomMetadata("
    "dataRowIdentifiers: $deletes) { dataRowId error fields { value schemaId } } }"
)
EXPORT_VALUES = (
    "query dataRowCustomMetadataPyApi($dataRowIdentifiers: "
    "DataRowCustomMetadataDataRowIdentifiersInput) { dataRowCustomMetadata(where: "
    "{dataRowIdentifiers : $dataRowIdentifiers}) { dataRowId globalKey fields { value schemaId } "
    "} }"
)


async def test_reserved_ontology(gql: Gql) -> None:
    ontology = (await gql.data(ONTOLOGY))["customMetadataOntology"]
    by_name = {s["name"]: s for s in ontology}
    assert {"tag", "split", "captureDateTime"} <= set(by_name)
    assert all(s["reserved"] for s in ontology)
    assert by_name["tag"] == {
        "id": TAG,
        "name": "tag",
        "kind": "CustomMetadataString",
        "reserved": True,
        "options": [],
    }
    assert [o["name"] for o in by_name["split"]["options"]] == ["train", "valid", "test"]
    assert {o["kind"] for o in by_name["split"]["options"]} == {"CustomMetadataEnumOption"}


async def test_custom_schema_create_rename_options_delete(gql: Gql) -> None:
    made = await gql.data(
        UPSERT_SCHEMA,
        {
            "data": {
                "name": "colour",
                "kind": "CustomMetadataEnum",
                "options": [
                    {"name": "red", "kind": "CustomMetadataEnumOption"},
                    {"name": "blue", "kind": "CustomMetadataEnumOption"},
                ],
            }
        },
    )
    schema = made["upsertCustomMetadataSchema"]
    red, blue = schema["options"]
    ds = await create_dataset(gql)
    [row] = await make_rows(gql, ds, 1, metadata_fields=[{"schemaId": blue["id"], "value": {}}])
    renamed = await gql.data(
        UPSERT_SCHEMA,
        {
            "data": {
                "id": schema["id"],
                "name": "hue",
                "kind": "CustomMetadataEnum",
                "options": [
                    {"id": red["id"], "name": "crimson", "kind": "CustomMetadataEnumOption"},
                ],
            }
        },
    )
    assert renamed["upsertCustomMetadataSchema"]["name"] == "hue"
    assert [o["name"] for o in renamed["upsertCustomMetadataSchema"]["options"]] == ["crimson"]
    export = {"dataRowIdentifiers": {"ids": [row["id"]], "idType": "ID"}}
    assert (await gql.data(EXPORT_VALUES, export))["dataRowCustomMetadata"][0]["fields"] == []
    clash = await gql(UPSERT_SCHEMA, {"data": {"name": "tag", "kind": "CustomMetadataString"}})
    assert code(clash) == "MALFORMED_REQUEST"
    reserved = await gql(
        UPSERT_SCHEMA, {"data": {"id": TAG, "name": "t2", "kind": "CustomMetadataString"}}
    )
    assert code(reserved) == "OPERATION_NOT_ALLOWED"
    bad_kind = await gql(UPSERT_SCHEMA, {"data": {"name": "n", "kind": "CustomMetadataBlob"}})
    assert bad_kind["errors"][0]["extensions"]["exception"]["status"] == 400
    delete = (
        "mutation DeleteCustomMetadataSchemaPyApi($where: WhereUniqueIdInput!) { "
        "deleteCustomMetadataSchema(schema: $where){ success } }"
    )
    assert (await gql.data(delete, {"where": {"id": schema["id"]}}))["deleteCustomMetadataSchema"][
        "success"
    ]
    assert code(await gql(delete, {"where": {"id": TAG}})) == "OPERATION_NOT_ALLOWED"
    names = {s["name"] for s in (await gql.data(ONTOLOGY))["customMetadataOntology"]}
    assert "hue" not in names


@pytest.mark.parametrize(
    ("kind", "good", "bad", "message"),
    [
        ("CustomMetadataString", "text", 5, "expects a string"),
        ("CustomMetadataString", "x" * 4096, "x" * 4097, "longer than 4096"),
        ("CustomMetadataNumber", 2.5, "2.5", "expects a number"),
        ("CustomMetadataNumber", 3, True, "expects a number"),
        ("CustomMetadataDateTime", "2024-05-01T10:00:00+02:00", "someday", "ISO 8601"),
        ("CustomMetadataEmbedding", [0.5] * 128, [0.5] * 127, "128 numbers"),
    ],
)
async def test_metadata_values_are_checked_against_their_kind(
    gql: Gql, kind: str, good: Any, bad: Any, message: str
) -> None:
    made = await gql.data(UPSERT_SCHEMA, {"data": {"name": "field", "kind": kind}})
    schema_id = made["upsertCustomMetadataSchema"]["id"]
    ds = await create_dataset(gql)
    one, two = await make_rows(gql, ds, 2)
    failures = (
        await gql.data(
            UPSERT_VALUES,
            {
                "metadata": [
                    {"dataRowId": one["id"], "fields": [{"schemaId": schema_id, "value": good}]},
                    {
                        "globalKey": two["globalKey"],
                        "fields": [{"schemaId": schema_id, "value": bad}],
                    },
                ]
            },
        )
    )["upsertDataRowCustomMetadata"]
    assert len(failures) == 1
    assert failures[0]["globalKey"] == two["globalKey"]
    assert message in failures[0]["error"]
    assert failures[0]["fields"] == [{"schemaId": schema_id, "value": bad}]
    exported = (
        await gql.data(
            EXPORT_VALUES, {"dataRowIdentifiers": {"ids": [two["id"], one["id"]], "idType": "ID"}}
        )
    )["dataRowCustomMetadata"]
    assert [e["dataRowId"] for e in exported] == [two["id"], one["id"]]
    assert exported[0]["fields"] == []
    [stored] = exported[1]["fields"]
    if kind == "CustomMetadataDateTime":
        assert stored["value"] == "2024-05-01T08:00:00.000Z"
    elif kind == "CustomMetadataNumber":
        assert stored["value"] == float(good)
    else:
        assert stored["value"] == good


async def test_metadata_enum_upsert_delete_by_option_and_by_global_key(gql: Gql) -> None:
    ds = await create_dataset(gql)
    [row] = await make_rows(gql, ds, 1)
    fields = [
        {"schemaId": SPLIT, "value": {}},
        {"schemaId": TRAIN, "value": {}},
        {"schemaId": TAG, "value": "t"},
    ]
    assert (
        await gql.data(UPSERT_VALUES, {"metadata": [{"dataRowId": row["id"], "fields": fields}]})
    )["upsertDataRowCustomMetadata"] == []
    no_option = await gql.data(
        UPSERT_VALUES,
        {
            "metadata": [
                {"dataRowId": row["id"], "fields": [{"schemaId": SPLIT, "value": {}}]},
                {"dataRowId": "missing", "fields": [{"schemaId": TAG, "value": "t"}]},
                {"fields": [{"schemaId": TAG, "value": "t"}]},
            ]
        },
    )
    errors = [f["error"] for f in no_option["upsertDataRowCustomMetadata"]]
    assert "without an option" in errors[0]
    assert "not found" in errors[1]
    assert "dataRowId or globalKey" in errors[2]
    deleted = await gql.data(
        DELETE_VALUES,
        {
            "deletes": [
                {
                    "schemaIds": [TRAIN],
                    "dataRowIdentifier": {"id": row["globalKey"], "idType": "GKEY"},
                },
                {"schemaIds": [TAG], "dataRowIdentifier": {"id": "nope", "idType": "ID"}},
                {
                    "schemaIds": ["unknown-schema"],
                    "dataRowIdentifier": {"id": row["id"], "idType": "ID"},
                },
            ]
        },
    )
    failed = deleted["deleteDataRowCustomMetadata"]
    assert [
        (f["dataRowId"], "not found" in f["error"] or "Unknown" in f["error"]) for f in failed
    ] == [
        ("nope", True),
        (row["id"], True),
    ]
    exported = await gql.data(
        EXPORT_VALUES, {"dataRowIdentifiers": {"ids": [row["globalKey"]], "idType": "GKEY"}}
    )
    assert exported["dataRowCustomMetadata"][0]["fields"] == [{"schemaId": TAG, "value": "t"}]
