"""Project activity: ``labelerPerformance`` (computed from the project's labels),
``issueExportUrl`` (the issues as a JSON file behind a file URL), ``extendReservations`` and a
data row's ``labelingActivity.selectedLabelId`` (its winning label in a project).

Issues and reservations are made by people in the Labelbox app, which the emulator does not
have; the test controls ``add_issue`` and ``reserve_data_rows`` create them. Reservations last
``RESERVATION_SECONDS``; extending renews every live reservation of the caller in that queue.
The winning label of a data row is its earliest live label in the project (the emulator keeps no
consensus scores to pick another).
"""

from __future__ import annotations

import json
import sqlite3
import time
from typing import TYPE_CHECKING, Any

from ariadne import MutationType, ObjectType

from aiolabel.emulator.context import Info, ctx
from aiolabel.emulator.errors import BadInput
from aiolabel.emulator.resolvers.base import page, user_to_gql
from aiolabel.emulator.store import now_iso

if TYPE_CHECKING:
    from aiolabel.emulator.state import EmulatorState

DDL = """
CREATE TABLE IF NOT EXISTS issues (
    id TEXT PRIMARY KEY, project_id TEXT NOT NULL, data_row_id TEXT, status TEXT NOT NULL,
    content TEXT NOT NULL, created_by TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS issues_by_project ON issues (project_id, status);
CREATE TABLE IF NOT EXISTS reservations (
    project_id TEXT NOT NULL, data_row_id TEXT NOT NULL, queue_type TEXT NOT NULL,
    user_id TEXT NOT NULL, expires_at REAL NOT NULL,
    PRIMARY KEY (project_id, data_row_id, queue_type)
);
"""

RESERVATION_SECONDS = 3600.0
ISSUE_STATUSES = ("Open", "Resolved")
QUEUE_TYPES = ("LabelingQueue", "ReviewQueue")

mutation = MutationType()
project_type = ObjectType("Project")
data_row_type = ObjectType("DataRow")


@project_type.field("labelerPerformance")
def resolve_labeler_performance(
    project: dict[str, Any], info: Info, skip: int | None = None, first: int | None = None
) -> Any:
    c = ctx(info)
    offset, limit = page(skip, first)
    rows = c.conn.execute(
        "SELECT l.created_by, COUNT(*) AS n, SUM(COALESCE(l.seconds_to_create, 0)) AS total,"
        " MAX(l.created_at) AS last FROM labels l"
        " WHERE l.project_id = ? AND l.deleted = 0 AND l.is_template = 0"
        " GROUP BY l.created_by ORDER BY n DESC, l.created_by LIMIT ? OFFSET ?",
        (project["id"], limit, offset),
    ).fetchall()
    out = []
    for row in rows:
        user = c.conn.execute("SELECT * FROM users WHERE id = ?", (row["created_by"],)).fetchone()
        if user is None:
            continue
        total = float(row["total"] or 0.0)
        out.append(
            {
                "count": row["n"],
                "user": user_to_gql(user),
                "secondsPerLabel": total / row["n"],
                "totalTimeLabeling": total,
                "consensus": None,
                "averageBenchmarkAgreement": None,
                "lastActivityTime": row["last"],
            }
        )
    return out


@project_type.field("issueExportUrl")
def resolve_issue_export_url(
    project: dict[str, Any], info: Info, where: dict[str, Any] | None = None
) -> str:
    c = ctx(info)
    status = (where or {}).get("status")
    sql, params = "project_id = ?", [project["id"]]
    if status is not None:
        sql, params = "project_id = ? AND status = ?", [project["id"], status]
    rows = c.conn.execute(
        f"SELECT * FROM issues WHERE {sql} ORDER BY created_at, id", params
    ).fetchall()
    issues = [
        {
            "id": r["id"],
            "projectId": r["project_id"],
            "dataRowId": r["data_row_id"],
            "status": r["status"],
            "content": r["content"],
            "createdBy": r["created_by"],
            "createdAt": r["created_at"],
        }
        for r in rows
    ]
    data = json.dumps(issues).encode()
    file_id = c.new_id()
    c.conn.execute(
        "INSERT INTO files (id, filename, content_type, size, data, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (file_id, f"issues-{project['id']}.json", "application/json", len(data), data, now_iso()),
    )
    return c.file_url(file_id)


@data_row_type.field("labelingActivity")
def resolve_labeling_activity(data_row: dict[str, Any], info: Info, where: dict[str, Any]) -> Any:
    row = (
        ctx(info)
        .conn.execute(
            "SELECT id FROM labels WHERE data_row_id = ? AND project_id = ? AND deleted = 0"
            " AND is_template = 0 ORDER BY created_at, id LIMIT 1",
            (data_row["id"], where["projectId"]),
        )
        .fetchone()
    )
    return {"selectedLabelId": None if row is None else row["id"]}


@mutation.field("extendReservations")
def resolve_extend_reservations(_: Any, info: Info, projectId: str, queueType: str) -> int:
    from aiolabel.emulator.resolvers.projects import load_project

    c = ctx(info)
    load_project(c.conn, c.org_id, projectId)
    now = time.time()
    cursor = c.conn.execute(
        "UPDATE reservations SET expires_at = ? WHERE project_id = ? AND queue_type = ?"
        " AND user_id = ? AND expires_at > ?",
        (now + RESERVATION_SECONDS, projectId, queueType, c.user_id, now),
    )
    return int(cursor.rowcount)


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """No issues or reservations at first."""


def add_issue(
    state: EmulatorState,
    project_id: str,
    content: str = "issue",
    status: str = "Open",
    data_row_id: str | None = None,
) -> str:
    """Test control: an issue on a project (as a reviewer would raise it); returns its id."""
    if status not in ISSUE_STATUSES:
        raise BadInput(f"status must be one of {ISSUE_STATUSES}")
    issue_id = state.store.new_id()
    with state.store.transaction() as conn:
        conn.execute(
            "INSERT INTO issues (id, project_id, data_row_id, status, content, created_by,"
            " created_at) VALUES (?,?,?,?,?,?,?)",
            (issue_id, project_id, data_row_id, status, content, state.user_id, now_iso()),
        )
    return issue_id


def reserve_data_rows(
    state: EmulatorState,
    project_id: str,
    data_row_ids: list[str],
    queue_type: str = "LabelingQueue",
    seconds: float = RESERVATION_SECONDS,
) -> int:
    """Test control: the key's user reserves these rows in a queue (as opening them in the
    editor would); returns how many reservations are held."""
    if queue_type not in QUEUE_TYPES:
        raise BadInput(f"queue_type must be one of {QUEUE_TYPES}")
    expires = time.time() + seconds
    with state.store.transaction() as conn:
        conn.executemany(
            "INSERT OR REPLACE INTO reservations (project_id, data_row_id, queue_type, user_id,"
            " expires_at) VALUES (?,?,?,?,?)",
            [(project_id, d, queue_type, state.user_id, expires) for d in data_row_ids],
        )
    return len(data_row_ids)


BINDABLES = [mutation, project_type, data_row_type]
CONTROLS = {"add_issue": add_issue, "reserve_data_rows": reserve_data_rows}
