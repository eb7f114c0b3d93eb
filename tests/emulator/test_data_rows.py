"""Data rows and their attachments over the GraphQL API: lookups by id, global key and external id,
update and delete."""

from __future__ import annotations

from tests.emulator._support import (
    DR,
    TAG,
    all_rows,
    code,
    create_dataset,
    make_rows,
    spec,
    successes,
    upsert,
)

from .conftest import Gql

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
