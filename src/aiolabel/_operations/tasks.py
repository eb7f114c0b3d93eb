"""Task documents: lookup, results and errors, export streams, cancellation (wire doc §3.10, §7).

Texts as the official SDK sends them, whitespace collapsed.
"""

from __future__ import annotations

from aiolabel._operations import Operation

__all__ = [
    "CANCEL_TASK",
    "DOWNLOAD_RESULT_PAGE_SIZE",
    "FAILED_DATA_ROW_IMPORTS",
    "GET_CANCELABLE_TASK_TYPES",
    "GET_EXPORT_FILE_FROM_OFFSET",
    "GET_EXPORT_METADATA_HEADER",
    "GET_USER_CREATED_TASKS",
    "GET_USER_RECENT_TASKS",
    "SUCCESSFUL_DATA_ROW_IMPORTS",
]

DOWNLOAD_RESULT_PAGE_SIZE = 5000
"""Page size of the upsert-task result and error cursors, as in the official SDK."""

GET_USER_CREATED_TASKS = Operation(
    name="GetUserCreatedTasksPyApi",
    document=(
        "query GetUserCreatedTasksPyApi($userId: ID!, $taskId: ID!) {"
        " user(where: {id: $userId}) {"
        " createdTasks(where: {id: $taskId} skip: 0 first: 1) {"
        " completionPercentage createdAt errors metadata name result status type id updatedAt"
        " } } }"
    ),
)
"""One task of the current user (``Client.get_task_by_id``'s variant).
``{"userId", "taskId"}``; read ``data.user.createdTasks[0]``."""

GET_USER_RECENT_TASKS = Operation(
    name="GetUserRecentTasks",
    document=(
        "query GetUserRecentTasks($userId: ID!, $type: String!, $since: DateTime!, $first: Int!) {"
        " user(where: {id: $userId}) {"
        " createdTasks(where: {type: $type, createdAt_gt: $since} skip: 0 first: $first"
        " orderBy: createdAt_DESC) {"
        " completionPercentage createdAt errors metadata name result status type id updatedAt"
        " } } }"
    ),
)
"""The current user's newest tasks of one type created after ``since`` (aiolabel's own: the
reconcile step of a task-starting mutation whose answer was lost looks for its task here).
``{"userId", "type", "since", "first"}``; read ``data.user.createdTasks``."""

SUCCESSFUL_DATA_ROW_IMPORTS = Operation(
    name="SuccessesfulDataRowImportsPyApi",
    document=(
        "query SuccessesfulDataRowImportsPyApi($taskId: ID!, $first: Int, $from: String) {"
        " successesfulDataRowImports(data: { taskId: $taskId, first: $first, from: $from})"
        " { nodes { id externalId globalKey rowData } after total } }"
    ),
)
"""Rows an upsert task created (cursor ``after``). ``{"taskId", "first", "from"}``."""

FAILED_DATA_ROW_IMPORTS = Operation(
    name="FailedDataRowImportsPyApi",
    document=(
        "query FailedDataRowImportsPyApi($taskId: ID!, $first: Int, $from: String) {"
        " failedDataRowImports(data: { taskId: $taskId, first: $first, from: $from})"
        " { after total results { message spec { externalId globalKey rowData"
        " metadata { schemaId value name } attachments { type value name } } } } }"
    ),
)
"""Rows an upsert task failed to create (cursor ``after``). ``{"taskId", "first", "from"}``."""

GET_EXPORT_METADATA_HEADER = Operation(
    name="GetExportMetadataHeaderPyApi",
    document=(
        "query GetExportMetadataHeaderPyApi($where: WhereUniqueIdInput, $streamType: "
        "TaskStreamType!){task(where: $where){exportMetadataHeader(streamType: $streamType)"
        "{totalSize totalLines}}}"
    ),
)
"""Size of an export stream. ``{"where": {"id"}, "streamType": "RESULT"|"ERRORS"}``."""

GET_EXPORT_FILE_FROM_OFFSET = Operation(
    name="GetExportFileFromOffsetPyApi",
    document=(
        "query GetExportFileFromOffsetPyApi($where: WhereUniqueIdInput, $streamType: "
        "TaskStreamType!, $offset: UInt64!){task(where: $where){exportFileFromOffset("
        "streamType: $streamType, offset: $offset){offsets {start end} lines {start end} file}}}"
    ),
)
"""The export chunk at a byte offset. ``offset`` is a *string* (UInt64)."""

GET_CANCELABLE_TASK_TYPES = Operation(
    name="GetCancelableTaskTypesPyApi",
    document="query GetCancelableTaskTypesPyApi { cancelableTaskTypes }",
)
"""Task types that may be cancelled (camel or snake case). Variables ``null``."""

CANCEL_TASK = Operation(
    name="CancelTaskPyApi",
    document="mutation CancelTaskPyApi($id: ID!) { cancelBulkOperationJob(id: $id) { success } }",
    idempotent=True,
)
"""Cancel an in-progress task. Repeating it cannot do more than the first did."""
