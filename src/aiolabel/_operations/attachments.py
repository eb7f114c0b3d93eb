"""Data-row attachments (wire doc §8.1): create, update, delete, list."""

from __future__ import annotations

from aiolabel._operations import Operation

__all__ = [
    "CREATE_DATA_ROW_ATTACHMENT",
    "DELETE_DATA_ROW_ATTACHMENT",
    "GET_DATA_ROW_ATTACHMENTS",
    "UPDATE_DATA_ROW_ATTACHMENT",
]

CREATE_DATA_ROW_ATTACHMENT = Operation(
    name="CreateDataRowAttachmentPyApi",
    document=(
        "mutation CreateDataRowAttachmentPyApi( $type: AttachmentType!, $value: String!, $name: "
        "String, $dataRowId: ID!) { createDataRowAttachment(data: { type: $type value: $value "
        "name: $name dataRowId: $dataRowId}) {name type value id}}"
    ),
    idempotent=False,
)
"""``data_row.create_attachment(type, value, name)``: ``{"type", "value", "name", "dataRowId"}``;
reads ``createDataRowAttachment`` (⟨ATT⟩)."""

UPDATE_DATA_ROW_ATTACHMENT = Operation(
    name="updateDataRowAttachmentPyApi",
    document=(
        "mutation updateDataRowAttachmentPyApi($attachment_id: ID!, $name: String, $type: "
        "AttachmentType, $value: String) { updateDataRowAttachment( where: {id: $attachment_id}, "
        "data: {name: $name, type: $type, value: $value} ) { id name type value } }"
    ),
    idempotent=True,
)
"""``attachment.update(name, type, value)``: ``{"attachment_id", "name"?, "type"?, "value"?}``."""

DELETE_DATA_ROW_ATTACHMENT = Operation(
    name="deleteDataRowAttachmentPyApi",
    document=(
        "mutation deleteDataRowAttachmentPyApi($attachment_id: ID!) { deleteDataRowAttachment("
        "where: {id: $attachment_id}) { id} }"
    ),
    idempotent=True,
)
"""``attachment.delete()``: ``{"attachment_id"}``."""

GET_DATA_ROW_ATTACHMENTS = Operation(
    name="GetDataRowAttachmentsPyApi",
    document=(
        "query GetDataRowAttachmentsPyApi($param_0: ID!, $skip: Int!, $first: Int!){dataRow("
        "where: {id: $param_0}){attachments(skip: $skip first: $first){name type value id}}}"
    ),
    idempotent=True,
)
"""``data_row.attachments()``: offset pages, ``{"param_0": data_row_id, "skip", "first": 100}``.
The same document as ``_builder.relationship(DATA_ROW, id, "attachments")``."""
