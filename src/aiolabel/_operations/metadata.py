"""Data-row metadata (wire doc §8.2–§8.3): the ontology, bulk upsert, delete and export."""

from __future__ import annotations

from aiolabel._operations import Operation

__all__ = [
    "DELETE_CUSTOM_METADATA_SCHEMA",
    "DELETE_DATA_ROW_METADATA",
    "EXPORT_DATA_ROW_METADATA",
    "GET_METADATA_ONTOLOGY",
    "METADATA_BATCH_SIZE",
    "UPSERT_CUSTOM_METADATA_SCHEMA",
    "UPSERT_DATA_ROW_METADATA",
]

METADATA_BATCH_SIZE = 50
"""Items per request in the official SDK's bulk metadata calls."""

GET_METADATA_ONTOLOGY = Operation(
    name="GetMetadataOntologyBetaPyApi",
    document=(
        "query GetMetadataOntologyBetaPyApi { customMetadataOntology { id name kind reserved "
        "options { id kind name reserved } }}"
    ),
    idempotent=True,
)
"""``client.get_data_row_metadata_ontology()``; no variables; reads ``customMetadataOntology``."""

UPSERT_DATA_ROW_METADATA = Operation(
    name="UpsertDataRowMetadataBetaPyApi",
    document=(
        "mutation UpsertDataRowMetadataBetaPyApi($metadata: "
        "[DataRowCustomMetadataBatchUpsertInput!]!) { upsertDataRowCustomMetadata(data: $metadata)"
        "{ globalKey dataRowId error fields { value schemaId } } }"
    ),
    idempotent=True,
)
"""``ontology.bulk_upsert``: ``{"metadata": [{"globalKey", "dataRowId", "fields": [{"schemaId",
"value"}]}]}``; reads the list of failures (``[]`` is success)."""

DELETE_DATA_ROW_METADATA = Operation(
    name="DeleteDataRowMetadataBetaPyApi",
    document=(
        "mutation DeleteDataRowMetadataBetaPyApi($deletes: "
        "[DataRowIdentifierCustomMetadataBatchDeleteInput!]) { deleteDataRowCustomMetadata("
        "dataRowIdentifiers: $deletes) { dataRowId error fields { value schemaId } } }"
    ),
    idempotent=True,
)
"""``ontology.bulk_delete``: ``{"deletes": [{"schemaIds": [...], "dataRowIdentifier": {"id",
"idType"}}]}``; reads the list of failures."""

EXPORT_DATA_ROW_METADATA = Operation(
    name="dataRowCustomMetadataPyApi",
    document=(
        "query dataRowCustomMetadataPyApi($dataRowIdentifiers: "
        "DataRowCustomMetadataDataRowIdentifiersInput) { dataRowCustomMetadata(where: "
        "{dataRowIdentifiers : $dataRowIdentifiers}) { dataRowId globalKey fields { value "
        "schemaId } } }"
    ),
    idempotent=True,
)
"""``ontology.bulk_export``: ``{"dataRowIdentifiers": {"ids": [...], "idType": "ID"|"GKEY"}}``."""

UPSERT_CUSTOM_METADATA_SCHEMA = Operation(
    name="UpsertCustomMetadataSchemaPyApi",
    document=(
        "mutation UpsertCustomMetadataSchemaPyApi($data: UpsertCustomMetadataSchemaInput!) { "
        "upsertCustomMetadataSchema(data: $data){ id name kind options { id name kind } } }"
    ),
    idempotent=False,
)
"""``ontology.create_schema`` / ``update_schema`` / ``update_enum_option``: ``{"data": {"id"?,
"name", "kind", "options"?: [{"id"?, "name", "kind"}]}}``. Without ``id`` it creates another
schema, so it is not idempotent."""

DELETE_CUSTOM_METADATA_SCHEMA = Operation(
    name="DeleteCustomMetadataSchemaPyApi",
    document=(
        "mutation DeleteCustomMetadataSchemaPyApi($where: WhereUniqueIdInput!) { "
        "deleteCustomMetadataSchema(schema: $where){ success } }"
    ),
    idempotent=True,
)
"""``ontology.delete_schema``: ``{"where": {"id": schema_id}}``; reads ``success``."""
