"""Dataset documents (wire doc §3.4–§3.5, §4.3, §4.6): get, delete, the data-row cursor.

``create``, ``update`` and ``get_datasets`` depend on the call: build them with
:mod:`._builder` (``create(DATASET, …)``, ``update(DATASET, …)``,
``get_all(DATASET, where, exclude_deleted=True)``). The IAM steps of ``create_dataset`` are in
:mod:`.iam`.
"""

from __future__ import annotations

from aiolabel._operations import Operation

__all__ = ["DATASET_DATA_ROWS", "DATASET_DATA_ROWS_PAGE_SIZE", "DELETE_DATASET", "GET_DATASET"]

GET_DATASET = Operation(
    name="GetDatasetPyApi",
    document=(
        "query GetDatasetPyApi($param_0: ID!){dataset(where: {id: $param_0}){"
        "createdAt description name rowCount id updatedAt}}"
    ),
    idempotent=True,
)
"""``client.get_dataset(id)``; variables ``{"param_0": id}``; reads ``dataset`` (⟨DS⟩)."""

DELETE_DATASET = Operation(
    name="deleteDatasetPyApi",
    document=(
        "mutation deleteDatasetPyApi($DatasetId: ID!){updateDataset("
        " where: {id: $DatasetId} data: {deleted: true}) {id}}"
    ),
    idempotent=True,
)
"""``dataset.delete()`` (soft delete); variables ``{"DatasetId": id}``."""

DATASET_DATA_ROWS = Operation(
    name="DatasetDataRowsPyApi",
    document=(
        "query DatasetDataRowsPyApi($id: ID!, $from: ID, $first: Int, $where: "
        "DatasetDataRowWhereInput) { datasetDataRows(id: $id, from: $from, first: $first, where: "
        "$where) { nodes { createdAt externalId globalKey mediaAttributes customMetadata { "
        "schemaId value } metadataFields { schemaId name value kind } rowData id updatedAt } "
        "pageInfo { hasNextPage startCursor } } }"
    ),
    idempotent=True,
)
"""``dataset.data_rows()``: cursor pages; ``{"id", "from": cursor|None, "first": 500, "where"}``.

``where`` is one flat comparison (``{"externalId": "e1"}``, ``{"externalId_not": …}``) or None.
Reads ``datasetDataRows.nodes`` (⟨DR⟩); the next cursor is ``pageInfo.startCursor``.
"""

DATASET_DATA_ROWS_PAGE_SIZE = 500
"""The official page size of ``dataset.data_rows()`` (hard-coded there)."""
