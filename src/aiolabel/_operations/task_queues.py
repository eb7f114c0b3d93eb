"""Task-queue documents (wire doc §5.8–§5.9), both on the experimental endpoint."""

from __future__ import annotations

from aiolabel._operations import Operation

__all__ = ["ADD_DATA_ROWS_TO_TASK_QUEUE_ASYNC", "GET_PROJECT_TASK_QUEUES"]

TASK_QUEUE_TIMEOUT = 180.0

GET_PROJECT_TASK_QUEUES = Operation(
    name="GetProjectTaskQueuesPyApi",
    document=(
        "query GetProjectTaskQueuesPyApi($projectId: ID!) { project(where: {id: $projectId}) {"
        " taskQueues { dataRowCount description name queueType id } } }"
    ),
    experimental=True,
    idempotent=True,
    timeout=TASK_QUEUE_TIMEOUT,
)
"""``project.task_queues()``: ``{"projectId"}``; reads ``project.taskQueues[]`` (⟨TQ⟩)."""

ADD_DATA_ROWS_TO_TASK_QUEUE_ASYNC = Operation(
    name="AddDataRowsToTaskQueueAsyncPyApi",
    document=(
        "mutation AddDataRowsToTaskQueueAsyncPyApi( $projectId: ID! $queueId: ID "
        "$dataRowIdentifiers: AddRowsToTaskQueueViaDataRowIdentifiersInput! ) { project(where: { "
        "id: $projectId }) { createBulkAddRowsToQueueTask( data: { queueId: $queueId, "
        "dataRowIdentifiers: $dataRowIdentifiers } ) { taskId } } }"
    ),
    experimental=True,
    idempotent=True,
    timeout=TASK_QUEUE_TIMEOUT,
)
"""``project.move_data_rows_to_task_queue``: ``{"projectId", "queueId": id|None (Done),
"dataRowIdentifiers": {"ids", "idType": "ID"|"GKEY"}}``; reads the task id. Moving the same rows
to the same queue again leaves them where the first call put them."""
