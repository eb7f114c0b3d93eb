"""Project activity: labeler performance, review metrics, the issues export, reservations, a
data row's winning label."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

import anyio

from aiolabel._operations import project_activity as ops
from aiolabel._resources._base import Resource
from aiolabel.errors import InputError, InputTypeError, InvalidQueryError, LabelboxError
from aiolabel.models.project_activity import LabelerPerformance
from aiolabel.pagination import OffsetPaginator, dig

if TYPE_CHECKING:
    from aiolabel.models.project import Project

__all__ = ["ISSUE_STATUSES", "ProjectActivity"]

logger = logging.getLogger("aiolabel.project")

ISSUE_STATUSES = (None, "Open", "Resolved")


def _net_score(value: object) -> str:
    """``None`` or a ``Review.NetScore`` member (any enum whose name is a net score), or the
    name itself."""
    name = "None" if value is None else getattr(value, "name", value)
    if (
        not isinstance(name, str)
        or name not in ops.REVIEW_METRICS
        or (name == "None" and value is not None)
    ):
        raise InvalidQueryError(
            "Review metrics net score must be either None or one of Review.NetScore values"
        )
    return str(name)


class ProjectActivity(Resource):
    """Analytics and queue plumbing of a project."""

    __slots__ = ()

    def labeler_performance(self, project_id: str) -> OffsetPaginator[LabelerPerformance]:
        return self._client._paginate_offset(
            ops.LABELER_PERFORMANCE,
            {"projectId": project_id},
            ("project", "labelerPerformance"),
            lambda raw: LabelerPerformance.from_wire(self._client, raw),
            sdk_method="Project:labeler_performance",
        )

    async def review_metrics(self, project_id: str, net_score: object) -> int:
        op = ops.REVIEW_METRICS[_net_score(net_score)]
        data = await self._client._execute_operation(
            op, {"projectId": project_id}, sdk_method="Project:review_metrics", expect_one=True
        )
        count = dig(data, ("project", "reviewMetrics", "labelAggregate", "count"))
        if not isinstance(count, int):
            raise LabelboxError(f"no review metrics for project {project_id}")
        return count

    async def export_issues(self, project_id: str, status: str | None) -> str | None:
        """The URL of a JSON file of the project's issues (``status``: None, Open, Resolved)."""
        if status is not None and (not isinstance(status, str) or status not in ISSUE_STATUSES):
            raise InputError(f"status must be in {set(ISSUE_STATUSES)}. Found {status}")
        data = await self._client._execute_operation(
            ops.ISSUES_EXPORT,
            {"projectId": project_id, "status": status},
            sdk_method="Project:export_issues",
            expect_one=True,
        )
        url: Any = dig(data, ("project", "issueExportUrl"))
        return url if isinstance(url, str) else None

    async def extend_reservations(self, project_id: str, queue_type: str) -> int:
        if not isinstance(queue_type, str) or queue_type not in ops.QUEUE_TYPES:
            raise InvalidQueryError(f"Unsupported queue type: {queue_type}")
        data = await self._client._execute_operation(
            ops.EXTEND_RESERVATIONS[queue_type],
            {"projectId": project_id},
            sdk_method="Project:extend_reservations",
        )
        count = data.get("extendReservations")
        if not isinstance(count, int):
            raise LabelboxError("extendReservations answered no count")
        return count

    async def upsert_instructions(self, project: Project, instructions_file: object) -> None:
        """Upload a PDF or HTML file and make it the instructions of the project's ontology."""
        if not isinstance(instructions_file, str | os.PathLike):
            raise InputTypeError("instructions_file must be a path (str or os.PathLike)")
        path = os.fspath(instructions_file)
        if not path.endswith((".pdf", ".html")):
            raise InputError(f"instructions_file must be a pdf or html file. Found {path}")
        if not await anyio.Path(path).is_file():
            raise InputError(f"instructions_file {path!r} is not a file")
        frontend = await project.labeling_frontend()
        if frontend is not None and frontend.name != "Editor":
            logger.warning(
                "upsert_instructions is meant for the Editor front end. Found %s", frontend.name
            )
        url = await self._client.upload_file(path)
        await self._client._execute_operation(
            ops.SET_PROJECT_INSTRUCTIONS,
            {"projectId": project.uid, "instructions_url": url},
            sdk_method="Project:upsert_instructions",
            expect_one=True,
        )

    async def winning_label_id(self, data_row_id: str, project_id: str) -> str | None:
        if not isinstance(project_id, str) or not project_id.strip():
            raise InputError("project_id must be a non-empty string")
        data = await self._client._execute_operation(
            ops.WINNING_LABEL_ID,
            {"dataRowId": data_row_id, "projectId": project_id},
            sdk_method="DataRow:get_winning_label_id",
            expect_one=True,
        )
        found: Any = dig(data, ("dataRow", "labelingActivity", "selectedLabelId"))
        return found if isinstance(found, str) else None
