"""The guides' one-call exports, which the official SDK 7.x removed, over today's export:
``dataset.export_data_rows()``, ``project.export_queued_data_rows()`` and
``batch.export_data_rows(include_metadata=...)``.

Each starts the current export (``exportDataRowsInCatalogPyApi`` or
``exportDataRowsInProjectPyApi``), waits for it, and streams what the old call returned:
``DataRow`` objects for a dataset; for a project's labelling queue, the old dicts (``id``,
``externalId``, ``globalKey``, ``rowData``, ``metadataFields``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from aiolabel._resources._base import Resource
from aiolabel._validation import check_timeout
from aiolabel.enums import WorkflowStatus
from aiolabel.errors import InputTypeError

if TYPE_CHECKING:
    from aiolabel.models.data_row import DataRow
    from aiolabel.models.dataset import Dataset
    from aiolabel.models.project import Project
    from aiolabel.models.task import Task

__all__ = ["LegacyExports"]


def _flag(include_metadata: object) -> bool:
    if not isinstance(include_metadata, bool):
        raise InputTypeError("include_metadata must be a bool")
    return include_metadata


def _old_row(line: dict[str, Any]) -> dict[str, Any]:
    """An export line as the removed exports gave a data row (camelCase wire keys)."""
    row = line.get("data_row") or {}
    out = {
        "id": row.get("id"),
        "externalId": row.get("external_id"),
        "globalKey": row.get("global_key"),
        "rowData": row.get("row_data"),
    }
    if "metadata_fields" in line:
        out["metadataFields"] = [
            {"schemaId": f.get("schema_id"), "name": f.get("schema_name"), "value": f.get("value")}
            for f in line.get("metadata_fields") or []
        ]
    return out


class LegacyExports(Resource):
    """Removed one-call exports, kept working over the current export."""

    __slots__ = ()

    async def _lines(self, task: Task, timeout_seconds: float) -> AsyncIterator[dict[str, Any]]:
        await task.wait_till_done(timeout_seconds=timeout_seconds)
        async for line in task.result():
            yield line

    async def dataset_data_rows(
        self, dataset: Dataset, timeout_seconds: float, include_metadata: bool
    ) -> AsyncIterator[DataRow]:
        from aiolabel.models.data_row import DataRow

        timeout = check_timeout(timeout_seconds)
        params = {"metadata_fields": _flag(include_metadata)}
        task = await dataset.export(params=params)
        async for line in self._lines(task, timeout):
            yield DataRow.from_wire(self._client, _old_row(line))

    async def project_queued_data_rows(
        self, project: Project, timeout_seconds: float, include_metadata: bool
    ) -> AsyncIterator[dict[str, Any]]:
        timeout = check_timeout(timeout_seconds)
        params = {"metadata_fields": _flag(include_metadata)}
        task = await project.export(
            filters={"workflow_status": WorkflowStatus.ToLabel}, params=params
        )
        async for line in self._lines(task, timeout):
            yield _old_row(line)
