"""Batches of a project: get, list, the project a batch belongs to, remove queued rows,
delete labels, delete, export. Creating batches is :mod:`aiolabel._resources.batch_creation`."""

from __future__ import annotations

from collections.abc import (
    AsyncGenerator,
    Mapping,
)
from typing import Any

from aiolabel._operations import batches as ops
from aiolabel._resources._base import Resource
from aiolabel._validation import (
    check_timeout,
)
from aiolabel.enums import DeleteBatchLabelsType
from aiolabel.errors import (
    InputTypeError,
    ResourceNotFoundError,
)
from aiolabel.models.batch import Batch, batch_nodes
from aiolabel.models.project import Project
from aiolabel.models.task import Task
from aiolabel.pagination import CursorPaginator
from aiolabel.types import ExportParams

__all__ = ["Batches"]


class Batches(Resource):
    """Batches of a project: creation (one, many, from a dataset), listing, their tasks."""

    __slots__ = ()

    async def get_batch(self, project_id: str, batch_id: str, *, sdk_method: str) -> Batch:
        data = await self._client._execute_operation(
            ops.GET_PROJECT_BATCH,
            {"projectId": project_id, "batchId": batch_id},
            sdk_method=sdk_method,
            expect_one=True,
        )
        nodes = batch_nodes(data)
        if not isinstance(nodes, list) or not nodes or not isinstance(nodes[0], dict):
            raise ResourceNotFoundError(Batch, {"projectId": project_id, "batchId": batch_id})
        return Batch._parse(self._client, project_id, nodes[0])

    async def fetch_created(
        self, project_id: str, batch_ids: list[str], refused: dict[int, list[str]]
    ) -> list[Batch]:
        """The batches a :class:`CreateBatchesTask` made, fetched concurrently, each with the
        rows its task refused (``refused`` by batch index)."""

        async def fetch(chunk: list[tuple[int, str]]) -> Batch:
            index, batch_id = chunk[0]
            data = await self._client._execute_operation(
                ops.GET_PROJECT_BATCH,
                {"projectId": project_id, "batchId": batch_id},
                sdk_method="CreateBatchesTask:result",
            )
            nodes = batch_nodes(data)
            if not isinstance(nodes, list) or not nodes or not isinstance(nodes[0], dict):
                raise ResourceNotFoundError(Batch, {"projectId": project_id, "batchId": batch_id})
            return Batch._parse(self._client, project_id, nodes[0], refused.get(index) or [])

        return await self._client._run_chunks(list(enumerate(batch_ids)), fetch, chunk_size=1)

    async def batch_names(self, project_id: str, *, sdk_method: str) -> dict[str, str]:
        """Name → id of every batch of the project (the official cursor listing)."""
        pages = self._client._paginate_cursor(
            ops.GET_PROJECT_BATCHES,
            {"projectId": project_id},
            nodes_path=("project", "batches", "nodes"),
            cursor_path=("project", "batches", "pageInfo", "endCursor"),
            has_next_path=("project", "batches", "pageInfo", "hasNextPage"),
            parse=lambda node: node,
            sdk_method=sdk_method,
        )
        found: dict[str, str] = {}
        async with pages:
            async for node in pages:
                if isinstance(node, dict) and isinstance(node.get("name"), str):
                    found[node["name"]] = str(node.get("id"))
        return found

    def of_project(self, project: Project) -> CursorPaginator[Batch]:
        return self._client._paginate_cursor(
            ops.GET_PROJECT_BATCHES,
            {"projectId": project.uid},
            nodes_path=("project", "batches", "nodes"),
            cursor_path=("project", "batches", "pageInfo", "endCursor"),
            has_next_path=("project", "batches", "pageInfo", "hasNextPage"),
            parse=lambda node: Batch._parse(self._client, project.uid, node),
            sdk_method=project._sdk("batches"),
        )

    # -- one batch ---------------------------------------------------------------------------

    async def project_of(self, batch: Batch) -> Project:
        data = await self._client._execute_operation(
            ops.GET_BATCH_PROJECT,
            {"projectId": batch.project_id},
            sdk_method=batch._sdk("project"),
            expect_one=True,
        )
        found = data.get("project")
        if not isinstance(found, dict):
            raise ResourceNotFoundError(Project, {"projectId": batch.project_id})
        return Project.from_wire(self._client, found)

    async def remove_queued_data_rows(self, batch: Batch) -> None:
        await self._client._execute_operation(
            ops.REMOVE_QUEUED_DATA_ROWS_FROM_BATCH,
            batch._ids(),
            sdk_method=batch._sdk("remove_queued_data_rows"),
        )

    async def delete_labels(
        self, batch: Batch, set_labels_as_template: bool = False
    ) -> dict[str, Any]:
        if not isinstance(set_labels_as_template, bool):
            raise InputTypeError("set_labels_as_template must be a bool")
        kind = (
            DeleteBatchLabelsType.RequeueDataWithLabelAsTemplate
            if set_labels_as_template
            else DeleteBatchLabelsType.RequeueData
        )
        return await self._client._execute_operation(
            ops.DELETE_BATCH_LABELS,
            {**batch._ids(), "type": kind.value},
            sdk_method=batch._sdk("delete_labels"),
        )

    async def delete(self, batch: Batch) -> None:
        await self._client._execute_operation(
            ops.DELETE_BATCH, batch._ids(), sdk_method=batch._sdk("delete")
        )

    async def export(
        self,
        batch: Batch,
        task_name: str | None = None,
        params: ExportParams | Mapping[str, Any] | None = None,
    ) -> Task:
        project = await self._project_handle(batch)
        return await project.export(task_name, filters={"batch_ids": [batch.uid]}, params=params)

    async def export_data_rows(
        self,
        batch: Batch,
        task_name: str | None = None,
        params: ExportParams | Mapping[str, Any] | None = None,
        *,
        timeout_seconds: float = 7200.0,
        include_metadata: bool | None = None,
    ) -> AsyncGenerator[dict[str, Any], None]:
        check_timeout(timeout_seconds)
        if include_metadata is not None:
            if not isinstance(include_metadata, bool):
                raise InputTypeError("include_metadata must be a bool")
            params = {**dict(params or {}), "metadata_fields": include_metadata}
        task = await self.export(batch, task_name, params)
        await task.wait_till_done(timeout_seconds=timeout_seconds)
        async for row in task.result():
            yield row

    async def _project_handle(self, batch: Batch) -> Project:
        return Project.from_wire(self._client, {"id": batch.project_id})
