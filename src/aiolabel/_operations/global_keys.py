"""Global-key jobs (wire doc §3.7): start a job, then poll its result query."""

from __future__ import annotations

from aiolabel._operations import Operation

__all__ = [
    "ASSIGN_GLOBAL_KEYS_TO_DATA_ROWS",
    "ASSIGN_GLOBAL_KEYS_TO_DATA_ROWS_RESULT",
    "CLEAR_GLOBAL_KEYS",
    "CLEAR_GLOBAL_KEYS_RESULT",
    "GET_DATA_ROWS_FOR_GLOBAL_KEYS",
    "GET_DATA_ROWS_FOR_GLOBAL_KEYS_RESULT",
]

GET_DATA_ROWS_FOR_GLOBAL_KEYS = Operation(
    name="getDataRowsForGlobalKeysPyApi",
    document=(
        "query getDataRowsForGlobalKeysPyApi($globalKeys: [ID!]!) { dataRowsForGlobalKeys(where:"
        " {ids: $globalKeys}) { jobId}}"
    ),
    idempotent=True,
)
"""``get_data_row_ids_for_global_keys`` start (a query): ``{"globalKeys": [...]}`` → ``jobId``."""

GET_DATA_ROWS_FOR_GLOBAL_KEYS_RESULT = Operation(
    name="getDataRowsForGlobalKeysResultPyApi",
    document=(
        "query getDataRowsForGlobalKeysResultPyApi($jobId: ID!) { dataRowsForGlobalKeysResult("
        "jobId: {id: $jobId}) { data { fetchedDataRows { id } notFoundGlobalKeys "
        "accessDeniedGlobalKeys } jobStatus}}"
    ),
    idempotent=True,
)
"""Its result: ``{"jobId"}``; poll until ``jobStatus`` is ``COMPLETE`` or ``FAILED``."""

ASSIGN_GLOBAL_KEYS_TO_DATA_ROWS = Operation(
    name="assignGlobalKeysToDataRowsPyApi",
    document=(
        "mutation assignGlobalKeysToDataRowsPyApi($globalKeyDataRowLinks: "
        "[AssignGlobalKeyToDataRowInput!]!) { assignGlobalKeysToDataRows(data: {assignInputs: "
        "$globalKeyDataRowLinks}) { jobId } }"
    ),
    idempotent=True,
)
"""``assign_global_keys_to_data_rows``: ``{"globalKeyDataRowLinks": [{"dataRowId",
"globalKey"}]}``. Assigning the same keys again leaves the same assignment (reported as
unmodified)."""

ASSIGN_GLOBAL_KEYS_TO_DATA_ROWS_RESULT = Operation(
    name="assignGlobalKeysToDataRowsResultPyApi",
    document=(
        "query assignGlobalKeysToDataRowsResultPyApi($jobId: ID!) { "
        "assignGlobalKeysToDataRowsResult(jobId: {id: $jobId}) { jobStatus data { "
        "sanitizedAssignments { dataRowId globalKey } invalidGlobalKeyAssignments { dataRowId "
        "globalKey } unmodifiedAssignments { dataRowId globalKey } accessDeniedAssignments { "
        "dataRowId globalKey } }}}"
    ),
    idempotent=True,
)
"""Its result: ``{"jobId"}``."""

CLEAR_GLOBAL_KEYS = Operation(
    name="clearGlobalKeysPyApi",
    document=(
        "mutation clearGlobalKeysPyApi($globalKeys: [ID!]!) { clearGlobalKeys(where: {ids: "
        "$globalKeys}) { jobId}}"
    ),
    idempotent=True,
)
"""``clear_global_keys``: ``{"globalKeys": [...]}``."""

CLEAR_GLOBAL_KEYS_RESULT = Operation(
    name="clearGlobalKeysResultPyApi",
    document=(
        "query clearGlobalKeysResultPyApi($jobId: ID!) { clearGlobalKeysResult(jobId: {id: "
        "$jobId}) { data { clearedGlobalKeys failedToClearGlobalKeys notFoundGlobalKeys "
        "accessDeniedGlobalKeys } jobStatus}}"
    ),
    idempotent=True,
)
"""Its result: ``{"jobId"}``."""
