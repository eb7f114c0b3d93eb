"""Data-row documents (wire doc §1.8, §3.6, §3.8, §4.1, §8.1): get, bulk delete, upload, upsert.

``data_row.update(...)`` depends on the fields given: build it with
``_builder.update(DATA_ROW, id, {...})``; relationship fetches with ``_builder.relationship``.
"""

from __future__ import annotations

from aiolabel._operations import Operation

__all__ = [
    "DELETE_DATA_ROWS",
    "EXTERNAL_IDS_CHUNK_SIZE",
    "EXTERNAL_IDS_TO_DATA_ROW_IDS",
    "GET_DATA_ROW",
    "UPLOAD_FILE",
    "UPLOAD_FILE_MAP",
    "UPSERT_DATA_ROWS",
]

GET_DATA_ROW = Operation(
    name="GetDataRowPyApi",
    document=(
        "query GetDataRowPyApi($param_0: ID!){dataRow(where: {id: $param_0}){createdAt "
        "externalId globalKey mediaAttributes customMetadata { schemaId value } metadataFields "
        "{ schemaId name value kind } rowData id updatedAt}}"
    ),
    idempotent=True,
)
"""``client.get_data_row(id)``; variables ``{"param_0": id}``; reads ``dataRow`` (⟨DR⟩)."""

DELETE_DATA_ROWS = Operation(
    name="deleteDataRowsPyApi",
    document=(
        "mutation deleteDataRowsPyApi($dataRowIds: [ID!]!){deleteDataRows("
        "where: {dataRowIds: $dataRowIds}){id}}"
    ),
    idempotent=True,
)
"""``data_row.delete()`` / ``DataRow.bulk_delete(rows)``: ``{"dataRowIds": [...]}``.

The official SDK pastes the ids into the text and sends ``{}``; here they are a variable.
"""

EXTERNAL_IDS_TO_DATA_ROW_IDS = Operation(
    name="externalIdsToDataRowIdsPyApi",
    document=(
        "query externalIdsToDataRowIdsPyApi($externalId_in: [String!]!){ externalIdsToDataRowIds("
        "externalId_in: $externalId_in) { dataRowId externalId } }"
    ),
    idempotent=True,
)
"""``client.get_data_row_ids_for_external_ids``; ``{"externalId_in": [...]}``, ≤100 per request."""

EXTERNAL_IDS_CHUNK_SIZE = 100
"""External ids per request in the official SDK."""

UPLOAD_FILE = Operation(
    name="UploadFile",
    document=(
        "mutation UploadFile($file: Upload!, $contentLength: Int!, $sign: Boolean) { uploadFile("
        "file: $file, contentLength: $contentLength, sign: $sign) {url filename} }"
    ),
    idempotent=True,
)
"""``client.upload_data``: multipart to ``/graphql`` (GraphQL multipart request spec).

Part ``operations`` = ``{"variables": {"file": None, "contentLength": <bytes>, "sign": False},
"query": UPLOAD_FILE.document}``, part ``map`` = :data:`UPLOAD_FILE_MAP`, part ``1`` = the file.
Reads ``uploadFile.url``. Every call stores another file, but a resend after a lost answer only
leaves the first one unreferenced: it is retried like a query."""

UPLOAD_FILE_MAP = '{"1": ["variables.file"]}'
"""The ``map`` part of the upload, as the official SDK sends it."""

UPSERT_DATA_ROWS = Operation(
    name="UpsertDataRowsPyApi",
    document=(
        "mutation UpsertDataRowsPyApi($manifestUri: String!) { upsertDataRows(data: { manifestUri:"
        " $manifestUri }) { id createdAt updatedAt name status completionPercentage result errors"
        " type metadata } }"
    ),
    idempotent=False,
)
"""``dataset.create_data_rows`` / ``upsert_data_rows``: ``{"manifestUri": url}``.

Reads ``upsertDataRows`` (a task, type ``adv-upsert-data-rows``). Not idempotent: a create
repeated makes the rows twice.
"""
