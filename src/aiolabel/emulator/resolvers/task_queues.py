"""Task queues: each project's default workflow queues (initial labelling, review, rework) with
their row counts, and ``createBulkAddRowsToQueueTask`` moving rows to a queue or to Done
(task type ``send-to-task-queue``; a FAILED task carries its errors as JSON text in ``result``).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from ariadne import ObjectType

from aiolabel.emulator.context import Info, ctx
from aiolabel.emulator.errors import BadInput, NotFound
from aiolabel.emulator.jobs import inline_failure
from aiolabel.emulator.resolvers.projects import update_rows_work
from aiolabel.emulator.webhooks import emit

DDL = ""

MAX_MOVE_ROWS = 1_000_000
MOVE_TASK_TYPE = "send-to-task-queue"

project_type = ObjectType("Project")
mutations_type = ObjectType("ProjectMutations")


@project_type.field("taskQueues")
def resolve_task_queues(project: dict[str, Any], info: Info) -> Any:
    rows = (
        ctx(info)
        .conn.execute(
            "SELECT q.*, (SELECT COUNT(*) FROM project_data_rows p JOIN data_rows d"
            " ON d.id = p.data_row_id WHERE p.project_id = q.project_id AND p.queue_id = q.id"
            " AND d.deleted = 0) AS row_count"
            " FROM task_queues q WHERE q.project_id = ?"
            " ORDER BY q.position",
            (project["id"],),
        )
        .fetchall()
    )
    return [
        {
            "id": row["id"],
            "name": row["name"],
            "description": row["description"],
            "queueType": row["queue_type"],
            "dataRowCount": row["row_count"],
        }
        for row in rows
    ]


@mutations_type.field("createBulkAddRowsToQueueTask")
def resolve_move_rows(project: dict[str, Any], info: Info, data: dict[str, Any]) -> Any:
    c = ctx(info)
    queue_id = data.get("queueId")
    queue_name = "Done"
    if queue_id is not None:
        queue = c.conn.execute(
            "SELECT name FROM task_queues WHERE id = ? AND project_id = ?",
            (queue_id, project["id"]),
        ).fetchone()
        if queue is None:
            raise NotFound(f"Task queue {queue_id} not found in project {project['id']}")
        queue_name = queue["name"]
    identifiers = data["dataRowIdentifiers"]
    keys = list(dict.fromkeys(identifiers["ids"]))
    if not keys:
        raise BadInput("dataRowIdentifiers.ids must not be empty")
    if len(keys) > MAX_MOVE_ROWS:
        raise BadInput(f"At most {MAX_MOVE_ROWS:,} data rows can be moved at once")
    task = c.create_task(
        type=MOVE_TASK_TYPE,
        name=f"Move data rows to {queue_name}",
        work=update_rows_work(
            c.org_id,
            project["id"],
            keys,
            by_global_key=identifiers["idType"] == "GKEY",
            column="queue_id",
            value=queue_id,
        ),
        on_forced_failure=inline_failure,
        size=len(keys),
        metadata={"projectId": project["id"], "queueId": queue_id},
    )
    event = {
        "project": {"id": project["id"]},
        "action": "MOVE_DATA_ROWS",
        "taskQueueId": queue_id,
        "dataRowCount": len(keys),
        "taskId": task["id"],
    }
    emit(c, "WORKFLOW_ACTION", event, project_id=project["id"])
    return {"taskId": task["id"]}


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """Queues are created with each project (see projects.py)."""


BINDABLES = [project_type, mutations_type]
