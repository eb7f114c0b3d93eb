"""Datasets, data rows, attachments, metadata and global-key jobs over the GraphQL API."""

from __future__ import annotations

from typing import Any

import pytest

from aiolabel.emulator import Emulator

from .conftest import Gql
from .p1_support import (
    DR,
    DS,
    SPLIT,
    TAG,
    TRAIN,
    all_rows,
    code,
    create_dataset,
    spec,
    successes,
    upsert,
)


async def make_rows(gql: Gql, ds: str, count: int, **extra: Any) -> list[dict[str, Any]]:
    specs = [
        spec(
            ds, row_data=f"https://x/{i}.jpg", global_key=f"{ds}-{i}", external_id=f"e{i}", **extra
        )
        for i in range(count)
    ]
    return await successes(gql, (await upsert(gql, specs))["id"])


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
    assert body["errors"][0]["extensions"]["exception"]["status"] == 400


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


# -- data rows ----------------------------------------------------------------------------------


async def test_data_row_by_id_and_global_key(gql: Gql) -> None:
    ds = await create_dataset(gql)
    [row] = await make_rows(gql, ds, 1)
    by_id = "query GetDataRowPyApi($param_0: ID!){dataRow(where: {id: $param_0}){" + DR + "}}"
    got = (await gql.data(by_id, {"param_0": row["id"]}))["dataRow"]
    assert set(got) == set(
        DR.replace("{ schemaId value }", "").replace("{ schemaId name value kind }", "").split()
    )
    assert got["mediaAttributes"]["mimeType"] == "image/jpeg"  # processed once it exists
    by_key = "query($k: String!){dataRow(where: {globalKey: $k}){id}}"
    assert (await gql.data(by_key, {"k": row["globalKey"].upper()}))["dataRow"]["id"] == row["id"]
    assert code(await gql(by_id, {"param_0": "nope"})) == "RESOURCE_NOT_FOUND"


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


async def test_external_ids_to_data_row_ids(gql: Gql) -> None:
    first, second = await create_dataset(gql, "a"), await create_dataset(gql, "b")
    a = await make_rows(gql, first, 2)
    b = await make_rows(gql, second, 1)
    query = (
        "query externalIdsToDataRowIdsPyApi($externalId_in: [String!]!){ externalIdsToDataRowIds("
        "externalId_in: $externalId_in) { dataRowId externalId } }"
    )
    got = (await gql.data(query, {"externalId_in": ["e0", "e1", "zzz"]}))["externalIdsToDataRowIds"]
    assert sorted((g["externalId"], g["dataRowId"]) for g in got) == sorted(
        [("e0", a[0]["id"]), ("e1", a[1]["id"]), ("e0", b[0]["id"])]
    )


UPDATE_ROW = (
    "mutation updateDataRowPyApi($externalId: String!, $globalKey: String!, $DataRowId: ID!)"
    "{updateDataRow(where: {id: $DataRowId} data: {externalId: $externalId globalKey: "
    "$globalKey}) {" + DR + "}}"
)


async def test_update_data_row_and_its_refusals_change_nothing(gql: Gql) -> None:
    ds = await create_dataset(gql)
    one, two = await make_rows(gql, ds, 2)
    updated = await gql.data(
        UPDATE_ROW, {"externalId": "x", "globalKey": "new", "DataRowId": one["id"]}
    )
    assert (updated["updateDataRow"]["externalId"], updated["updateDataRow"]["globalKey"]) == (
        "x",
        "new",
    )
    taken = await gql(UPDATE_ROW, {"externalId": "y", "globalKey": "NEW", "DataRowId": two["id"]})
    assert code(taken) == "RESOURCE_CONFLICT"
    blank = await gql(UPDATE_ROW, {"externalId": "y", "globalKey": " ", "DataRowId": two["id"]})
    assert blank["errors"][0]["extensions"]["exception"]["status"] == 400
    rows = {r["id"]: r for r in await all_rows(gql, ds)}
    assert (rows[two["id"]]["externalId"], rows[two["id"]]["globalKey"]) == ("e1", two["globalKey"])
    metadata = (
        "mutation($id: ID!, $m: [DataRowCustomMetadataUpsertInput!]!){updateDataRow("
        "where: {id: $id} data: {metadataFields: $m}){customMetadata{schemaId value}}}"
    )
    got = await gql.data(metadata, {"id": one["id"], "m": [{"schemaId": TAG, "value": "t"}]})
    assert got["updateDataRow"]["customMetadata"] == [{"schemaId": TAG, "value": "t"}]
    refused = await gql(metadata, {"id": one["id"], "m": [{"schemaId": TAG, "value": 1}]})
    assert "expects a string" in refused["errors"][0]["message"]


async def test_delete_data_rows_as_literal_and_as_variable_frees_keys(gql: Gql) -> None:
    ds = await create_dataset(gql)
    rows = await make_rows(gql, ds, 3)
    literal = (
        'mutation deleteDataRowsPyApi{deleteDataRows(where: {dataRowIds: ["'
        + rows[0]["id"]
        + '", "not-a-row"]}){id}}'
    )
    assert (await gql.data(literal))["deleteDataRows"] == [{"id": rows[0]["id"]}]
    variable = (
        "mutation deleteDataRowsPyApi($dataRowIds: [ID!]!){deleteDataRows("
        "where: {dataRowIds: $dataRowIds}){id}}"
    )
    deleted = await gql.data(variable, {"dataRowIds": [rows[1]["id"], rows[0]["id"]]})
    assert deleted["deleteDataRows"] == [{"id": rows[1]["id"]}]
    assert [r["id"] for r in await all_rows(gql, ds)] == [rows[2]["id"]]
    again = await upsert(
        gql, [spec(ds, row_data="https://x/r.jpg", global_key=rows[0]["globalKey"])]
    )
    assert len(await successes(gql, again["id"])) == 1


# -- attachments --------------------------------------------------------------------------------


async def test_attachments_create_list_update_delete(gql: Gql) -> None:
    ds = await create_dataset(gql)
    [row] = await make_rows(gql, ds, 1)
    create = (
        "mutation CreateDataRowAttachmentPyApi($type: AttachmentType!, $value: String!, $name: "
        "String, $dataRowId: ID!) { createDataRowAttachment(data: { type: $type value: $value "
        "name: $name dataRowId: $dataRowId}) {name type value id}}"
    )
    made = []
    for kind, value in [
        ("RAW_TEXT", "hello"),
        ("IMAGE", "https://x/i.png"),
        ("PDF_URL", "https://x/d.pdf"),
    ]:
        answer = await gql.data(
            create, {"type": kind, "value": value, "name": kind.lower(), "dataRowId": row["id"]}
        )
        made.append(answer["createDataRowAttachment"])
    listing = "query($id: ID!){dataRow(where: {id: $id}){attachments(skip: 1 first: 100){id type}}}"
    listed = (await gql.data(listing, {"id": row["id"]}))["dataRow"]["attachments"]
    assert [a["type"] for a in listed] == ["IMAGE", "PDF_URL"]
    bad_type = await gql(create, {"type": "MOVIE", "value": "v", "dataRowId": row["id"]})
    assert code(bad_type) == "GRAPHQL_VALIDATION_FAILED"
    empty = await gql(create, {"type": "RAW_TEXT", "value": "", "dataRowId": row["id"]})
    assert empty["errors"][0]["extensions"]["exception"]["status"] == 400
    missing = await gql(create, {"type": "RAW_TEXT", "value": "v", "dataRowId": "nope"})
    assert code(missing) == "RESOURCE_NOT_FOUND"
    update = (
        "mutation updateDataRowAttachmentPyApi($attachment_id: ID!, $name: String, $type: "
        "AttachmentType, $value: String) { updateDataRowAttachment(where: {id: $attachment_id}, "
        "data: {name: $name, type: $type, value: $value}) { id name type value } }"
    )
    changed = await gql.data(update, {"attachment_id": made[0]["id"], "value": "bye"})
    assert changed["updateDataRowAttachment"] == {**made[0], "value": "bye"}
    delete = (
        "mutation deleteDataRowAttachmentPyApi($attachment_id: ID!) { deleteDataRowAttachment("
        "where: {id: $attachment_id}) { id} }"
    )
    await gql.data(delete, {"attachment_id": made[0]["id"]})
    assert code(await gql(delete, {"attachment_id": made[0]["id"]})) == "RESOURCE_NOT_FOUND"


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
    assert code(clash) == "RESOURCE_CONFLICT"
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


# -- global keys --------------------------------------------------------------------------------

GET_JOB = "query($k: [ID!]!) { dataRowsForGlobalKeys(where: {ids: $k}) { jobId}}"
GET_RESULT = (
    "query($jobId: ID!) { dataRowsForGlobalKeysResult(jobId: {id: $jobId}) { data { "
    "fetchedDataRows { id } notFoundGlobalKeys accessDeniedGlobalKeys } jobStatus}}"
)
ASSIGN_JOB = (
    "mutation($links: [AssignGlobalKeyToDataRowInput!]!) { assignGlobalKeysToDataRows(data: "
    "{assignInputs: $links}) { jobId } }"
)
ASSIGN_RESULT = (
    "query($jobId: ID!) { assignGlobalKeysToDataRowsResult(jobId: {id: $jobId}) { jobStatus data"
    " { sanitizedAssignments { dataRowId globalKey } invalidGlobalKeyAssignments { dataRowId "
    "globalKey } unmodifiedAssignments { dataRowId globalKey } accessDeniedAssignments { "
    "dataRowId globalKey } }}}"
)
CLEAR_JOB = "mutation($k: [ID!]!) { clearGlobalKeys(where: {ids: $k}) { jobId}}"
CLEAR_RESULT = (
    "query($jobId: ID!) { clearGlobalKeysResult(jobId: {id: $jobId}) { data { clearedGlobalKeys "
    "failedToClearGlobalKeys notFoundGlobalKeys accessDeniedGlobalKeys } jobStatus}}"
)


async def run_job(gql: Gql, start: str, result: str, variables: dict[str, Any]) -> dict[str, Any]:
    started = await gql.data(start, variables)
    job_id = next(iter(started.values()))["jobId"]
    answer: dict[str, Any] = next(iter((await gql.data(result, {"jobId": job_id})).values()))
    return answer


async def test_global_key_jobs(gql: Gql) -> None:
    ds = await create_dataset(gql)
    one, two, three = await make_rows(gql, ds, 3)
    got = await run_job(
        gql, GET_JOB, GET_RESULT, {"k": [two["globalKey"], "nope", one["globalKey"]]}
    )
    assert got["jobStatus"] == "COMPLETE"
    assert got["data"] == {
        "fetchedDataRows": [{"id": two["id"]}, {"id": ""}, {"id": one["id"]}],
        "notFoundGlobalKeys": ["nope"],
        "accessDeniedGlobalKeys": [],
    }
    links = [
        {"dataRowId": one["id"], "globalKey": "plain"},
        {"dataRowId": two["id"], "globalKey": "needs#cleaning"},
        {"dataRowId": three["id"], "globalKey": "PLAIN"},
        {"dataRowId": "missing", "globalKey": "k"},
        {"dataRowId": three["id"], "globalKey": ""},
        {"dataRowId": three["id"], "globalKey": one["globalKey"]},
    ]
    assigned = (await run_job(gql, ASSIGN_JOB, ASSIGN_RESULT, {"links": links}))["data"]
    assert assigned["unmodifiedAssignments"] == [
        {"dataRowId": one["id"], "globalKey": "plain"},
        {"dataRowId": two["id"], "globalKey": "needs#cleaning"},
        {"dataRowId": three["id"], "globalKey": one["globalKey"]},
    ]
    assert assigned["sanitizedAssignments"] == []
    assert [a["globalKey"] for a in assigned["invalidGlobalKeyAssignments"]] == ["PLAIN", "k", ""]
    keys = {r["id"]: r["globalKey"] for r in await all_rows(gql, ds)}
    assert keys == {one["id"]: "plain", two["id"]: "needs#cleaning", three["id"]: one["globalKey"]}
    cleared = await run_job(gql, CLEAR_JOB, CLEAR_RESULT, {"k": ["plain", "plain", "gone"]})
    assert cleared["data"]["clearedGlobalKeys"] == ["plain"]
    assert cleared["data"]["notFoundGlobalKeys"] == ["gone"]
    assert {r["id"]: r["globalKey"] for r in await all_rows(gql, ds)}[one["id"]] is None


async def test_global_key_job_transitions(gql: Gql, emu: Emulator) -> None:
    emu.set_transition("get-data-rows-for-global-keys", {"mode": "polls", "n": 1})
    emu.set_transition("clear-global-keys", {"mode": "fail"})
    job = (await gql.data(GET_JOB, {"k": ["x"]}))["dataRowsForGlobalKeys"]["jobId"]
    assert emu.wait_for_jobs()
    first = (await gql.data(GET_RESULT, {"jobId": job}))["dataRowsForGlobalKeysResult"]
    second = (await gql.data(GET_RESULT, {"jobId": job}))["dataRowsForGlobalKeysResult"]
    assert (first["jobStatus"], first["data"]) == ("IN_PROGRESS", None)
    assert second["jobStatus"] == "COMPLETE"
    ds = await create_dataset(gql)
    [row] = await make_rows(gql, ds, 1)
    clear = (await gql.data(CLEAR_JOB, {"k": [row["globalKey"]]}))["clearGlobalKeys"]["jobId"]
    assert emu.wait_for_jobs()
    failed = (await gql.data(CLEAR_RESULT, {"jobId": clear}))["clearGlobalKeysResult"]
    assert failed["jobStatus"] == "FAILED"
    assert (await all_rows(gql, ds))[0]["globalKey"] == row["globalKey"]
    wrong_kind = await gql(CLEAR_RESULT, {"jobId": job})
    assert code(wrong_kind) == "RESOURCE_NOT_FOUND"
