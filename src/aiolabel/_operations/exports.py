"""Export documents (wire doc §4.5, §5.11): start an export task.

Reading the export streams is in :mod:`.tasks`; the time zone the date filters ask for is
``users.CURRENT_USER_TIMEZONE``.
"""

from __future__ import annotations

from aiolabel._operations import Operation

__all__ = ["EXPORT_DATA_ROWS_IN_CATALOG", "EXPORT_DATA_ROWS_IN_PROJECT"]

EXPORT_DATA_ROWS_IN_PROJECT = Operation(
    name="exportDataRowsInProjectPyApi",
    document=(
        "mutation exportDataRowsInProjectPyApi($input: ExportDataRowsInProjectInput!){"
        "exportDataRowsInProject(input: $input){taskId isStreamable}}"
    ),
    idempotent=True,
)
"""``project.export(...)``: ``{"input": {"taskName", "isStreamableReady", "filters": {"projectId",
"searchQuery"}, "params", "streamable"}}``. Each call starts another export task; resending after
a lost answer only leaves an export nobody reads, so it is retried like a query."""

EXPORT_DATA_ROWS_IN_CATALOG = Operation(
    name="exportDataRowsInCatalogPyApi",
    document=(
        "mutation exportDataRowsInCatalogPyApi($input: ExportDataRowsInCatalogInput!){"
        "exportDataRowsInCatalog(input: $input){taskId isStreamable}}"
    ),
    idempotent=True,
)
"""``dataset.export(...)`` and ``DataRow.export(client, ...)``: ``{"input": {...}}``. Resent
after a lost answer like the project export."""
