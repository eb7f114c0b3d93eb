"""Projects: create (every media type, quality modes), get, list with the ORM's ``where``, update,
soft delete, label count and members; plus the tables and helpers the batch, queue, priority and
export domains share.

Workflow model. A data row enters a project through a batch and then sits in exactly one place:
one of the project's task queues (``project_data_rows.queue_id``) or Done (``queue_id`` NULL).
Its place in the labelling queue is ``(COALESCE(lpo_priority, batch_priority), batch_priority,
seq)``: a labelling-parameter override first, then the batch's priority, then arrival order.
The ``project_data_rows_queue`` index holds that order per project, keyed by the project's integer
``seq`` (``project_data_rows.project_seq``) rather than its 25-character id: every override moves
an entry of it, and small entries mean fewer index pages to rewrite per write. Files from older
emulators (the column missing, the id-keyed ``project_data_rows_queue_order`` index) are upgraded
when opened: the column is added and filled, the old index dropped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from ariadne import MutationType, ObjectType, QueryType

from aiolabel.emulator.context import Info, ctx
from aiolabel.emulator.errors import BadInput, NotFound
from aiolabel.emulator.jobs import Job, Outcome, Work
from aiolabel.emulator.resolvers.base import bind_owner_relations, page
from aiolabel.emulator.resolvers.catalog import (
    chunked,
    global_key_norm,
    marks,
    rows_by_global_key,
    rows_by_id,
)
from aiolabel.emulator.store import dumps, now_iso

DDL = """
CREATE TABLE IF NOT EXISTS projects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE, org_id TEXT NOT NULL, created_by TEXT NOT NULL,
    name TEXT NOT NULL, description TEXT, media_type TEXT, editor_task_type TEXT,
    upload_type TEXT, auto_audit_number_of_labels INTEGER, auto_audit_percentage REAL,
    is_benchmark_enabled INTEGER, is_consensus_enabled INTEGER,
    model_setup_complete INTEGER, setup_complete TEXT, last_activity_time TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS projects_by_org ON projects (org_id, deleted, seq);

CREATE TABLE IF NOT EXISTS task_queues (
    id TEXT PRIMARY KEY, project_id TEXT NOT NULL, name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '', queue_type TEXT NOT NULL, position INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS task_queues_by_project ON task_queues (project_id, position);

CREATE TABLE IF NOT EXISTS batches (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE, project_id TEXT NOT NULL, name TEXT NOT NULL,
    priority INTEGER NOT NULL, consensus_settings TEXT, created_by TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS batches_name ON batches (project_id, name) WHERE deleted = 0;
CREATE INDEX IF NOT EXISTS batches_by_project ON batches (project_id, deleted, seq);

CREATE TABLE IF NOT EXISTS project_data_rows (
    seq INTEGER PRIMARY KEY,
    project_id TEXT NOT NULL, data_row_id TEXT NOT NULL, batch_id TEXT NOT NULL,
    queue_id TEXT, batch_priority INTEGER NOT NULL, lpo_priority INTEGER,
    number_of_labels INTEGER NOT NULL DEFAULT 1,
    added_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    project_seq INTEGER -- the project's seq: the queue-order index's key
);
CREATE UNIQUE INDEX IF NOT EXISTS project_data_rows_key
    ON project_data_rows (project_id, data_row_id);
CREATE INDEX IF NOT EXISTS project_data_rows_by_batch ON project_data_rows (batch_id);
CREATE INDEX IF NOT EXISTS project_data_rows_by_queue ON project_data_rows (project_id, queue_id);
DROP INDEX IF EXISTS project_data_rows_queue_order;
CREATE INDEX IF NOT EXISTS project_data_rows_queue ON project_data_rows
    (project_seq, COALESCE(lpo_priority, batch_priority), batch_priority);
UPDATE project_data_rows
    SET project_seq = (SELECT seq FROM projects WHERE projects.id = project_data_rows.project_id)
    WHERE project_seq IS NULL;

CREATE TABLE IF NOT EXISTS labels (
    id TEXT PRIMARY KEY, project_id TEXT NOT NULL, data_row_id TEXT NOT NULL,
    created_by TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0, is_template INTEGER NOT NULL DEFAULT 0,
    seconds_to_create REAL, annotations TEXT
);
CREATE INDEX IF NOT EXISTS labels_by_row ON labels (project_id, data_row_id, deleted);
DROP INDEX IF EXISTS labels_by_data_row;
CREATE INDEX IF NOT EXISTS labels_of_project ON labels (project_id, deleted, created_at, id);
CREATE INDEX IF NOT EXISTS labels_of_data_row ON labels (data_row_id, deleted, created_at, id);
CREATE INDEX IF NOT EXISTS project_data_rows_by_data_row ON project_data_rows (data_row_id);
"""

DEFAULT_QUEUES = (
    ("Initial labeling task", "INITIAL_LABELING_QUEUE"),
    ("Initial review task", "MANUAL_REVIEW_QUEUE"),
    ("Rework (all rejected)", "MANUAL_REWORK_QUEUE"),
)
"""The task queues of the default workflow, in order. Done is not a queue (``queueId: null``)."""

WORK_CHUNK_ROWS = 5_000
"""Rows a background task handles per transaction, so requests interleave with it."""

WORKFLOW_STATUS = {
    "INITIAL_LABELING_QUEUE": "TO_LABEL",
    "MANUAL_REVIEW_QUEUE": "IN_REVIEW",
    "MANUAL_REWORK_QUEUE": "IN_REWORK",
    None: "DONE",
}

UPDATE_HOOKS: dict[str, Callable[[sqlite3.Connection, sqlite3.Row, Any], None]] = {}
"""``updateProject`` input fields other domains own (``labelingFrontend``: ontologies.py): each
hook applies its field's value to the project row before the columns here are updated."""

query = QueryType()
mutation = MutationType()
project_type = ObjectType("Project")
user_type = ObjectType("User")
org_type = ObjectType("Organization")


# -- helpers shared by the project domains ------------------------------------------------------


def load_project(conn: sqlite3.Connection, org_id: str, project_id: str) -> sqlite3.Row:
    """A live project of the organisation, or RESOURCE_NOT_FOUND."""
    row = conn.execute(
        "SELECT * FROM projects WHERE id = ? AND org_id = ? AND deleted = 0", (project_id, org_id)
    ).fetchone()
    if row is None:
        raise NotFound(f"Project {project_id} not found")
    assert isinstance(row, sqlite3.Row)
    return row


def lookup_data_rows(
    conn: sqlite3.Connection, org_id: str, keys: Sequence[str], *, by_global_key: bool
) -> dict[str, sqlite3.Row]:
    """Live data rows of the organisation by id or global key (missing keys are absent; global
    keys match case-insensitively, as the catalog stores them)."""
    if not by_global_key:
        return rows_by_id(conn, org_id, keys)
    found = rows_by_global_key(conn, org_id, keys)
    return {key: found[global_key_norm(key)] for key in keys if global_key_norm(key) in found}


def project_rows(
    conn: sqlite3.Connection, project_id: str, data_row_ids: Sequence[str]
) -> dict[str, sqlite3.Row]:
    """The project's entries for these data rows (rows not in the project are absent)."""
    found: dict[str, sqlite3.Row] = {}
    for part in chunked(list(dict.fromkeys(data_row_ids))):
        rows = conn.execute(
            "SELECT p.*, b.name AS batch_name FROM project_data_rows p"
            " JOIN batches b ON b.id = p.batch_id"
            f" WHERE p.project_id = ? AND p.data_row_id IN ({marks(len(part))})",
            [project_id, *part],
        ).fetchall()
        for row in rows:
            found[row["data_row_id"]] = row
    return found


def resolve_identifiers(
    conn: sqlite3.Connection, org_id: str, identifiers: dict[str, Any], *, limit: int
) -> tuple[list[tuple[str, str]], list[str]]:
    """``{ids, idType}`` as ``(key, dataRowId)`` pairs in input order, plus keys not found."""
    ids = list(identifiers.get("ids") or [])
    id_type = identifiers.get("idType")
    if id_type not in ("ID", "GKEY"):
        raise BadInput("dataRowIdentifiers.idType must be ID or GKEY")
    if not ids:
        raise BadInput("dataRowIdentifiers.ids must not be empty")
    if len(ids) > limit:
        raise BadInput(f"At most {limit:,} data rows can be given at once, got {len(ids):,}")
    found = lookup_data_rows(conn, org_id, ids, by_global_key=id_type == "GKEY")
    pairs = [(key, found[key]["id"]) for key in dict.fromkeys(ids) if key in found]
    missing = [key for key in dict.fromkeys(ids) if key not in found]
    return pairs, missing


def touch_project(conn: sqlite3.Connection, project_id: str) -> None:
    """Record activity on a project (lastActivityTime)."""
    conn.execute("UPDATE projects SET last_activity_time = ? WHERE id = ?", (now_iso(), project_id))


def rows_outcome(
    failures: list[dict[str, str]], succeeded: int, *, errors_field: bool = False
) -> Outcome:
    """COMPLETE if any row was applied (failures as inline JSON in ``result``), else FAILED
    with the failures in ``result`` (batch and queue tasks) or ``errors``."""
    if not failures:
        return Outcome(status="COMPLETE")
    if succeeded:
        return Outcome(status="COMPLETE", result=dumps(failures))
    if errors_field:
        return Outcome(status="FAILED", errors=dumps(failures))
    return Outcome(status="FAILED", result=dumps(failures))


def update_rows_work(
    org_id: str,
    project_id: str,
    keys: Sequence[str],
    *,
    by_global_key: bool,
    column: str,
    value: Any,
    errors_field: bool = False,
) -> Work:
    """Background work setting ``column = value`` on the project's entries of these rows (by id
    or global key), in bounded transactions; rows not found or not in the project are failures."""

    def work(job: Job) -> Outcome:
        failures: list[dict[str, str]] = []
        updated = done = 0
        for part in chunked(keys, WORK_CHUNK_ROWS):
            with job.store.transaction() as conn:
                job.check_cancelled(conn)
                found = lookup_data_rows(conn, org_id, part, by_global_key=by_global_key)
                present = project_rows(conn, project_id, [row["id"] for row in found.values()])
                stamp = now_iso()
                targets = []
                for key in part:
                    row = found.get(key)
                    if row is None:
                        failures.append({"dataRowId": key, "error": "Data row not found"})
                    elif row["id"] not in present:
                        failures.append({"dataRowId": key, "error": "Data row not in project"})
                    else:
                        targets.append((value, stamp, project_id, row["id"]))
                conn.executemany(
                    f"UPDATE project_data_rows SET {column} = ?, updated_at = ?"
                    " WHERE project_id = ? AND data_row_id = ?",
                    targets,
                )
                updated += len(targets)
                done += len(part)
                job.progress(conn, done / max(len(keys), 1))
        if updated:
            with job.store.transaction() as conn:
                touch_project(conn, project_id)
        return rows_outcome(failures, updated, errors_field=errors_field)

    return work


def initial_queue_id(conn: sqlite3.Connection, project_id: str) -> str:
    row = conn.execute(
        "SELECT id FROM task_queues WHERE project_id = ? AND queue_type = ?",
        (project_id, "INITIAL_LABELING_QUEUE"),
    ).fetchone()
    assert row is not None, "every project has an initial labeling queue"
    return str(row[0])


def lpo_id(seq: int) -> str:
    """A stable, cuid-shaped id for the override of one queued data row."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = []
    value = seq
    while value:
        value, digit = divmod(value, 36)
        out.append(digits[digit])
    return "clpo" + "".join(reversed(out)).rjust(21, "0")


def label_count(conn: sqlite3.Connection, project_id: str) -> int:
    row = conn.execute(
        "SELECT COUNT(*) FROM labels WHERE project_id = ? AND deleted = 0", (project_id,)
    ).fetchone()
    return int(row[0])


# -- projects -----------------------------------------------------------------------------------


def project_to_gql(
    conn: sqlite3.Connection, row: sqlite3.Row, *, count: bool = True
) -> dict[str, Any]:
    """The project as GraphQL sees it; ``dataRowCount`` (a scan of the project's rows) is
    counted only if selected; ``count=False`` (the mutation namespace, whose type cannot select
    it) leaves it out."""
    project_id = row["id"]

    def data_row_count(_info: Any) -> int:  # counted only when selected (graphql-core calls it)
        return int(
            conn.execute(
                "SELECT COUNT(*) FROM project_data_rows p JOIN data_rows d ON d.id = p.data_row_id"
                " WHERE p.project_id = ? AND d.deleted = 0",
                (project_id,),
            ).fetchone()[0]
        )

    return {
        "id": row["id"],
        "name": row["name"],
        "description": row["description"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "setupComplete": row["setup_complete"],
        "lastActivityTime": row["last_activity_time"],
        "autoAuditNumberOfLabels": row["auto_audit_number_of_labels"],
        "autoAuditPercentage": row["auto_audit_percentage"],
        "allowedMediaType": row["media_type"],
        "editorTaskType": row["editor_task_type"],
        "dataRowCount": data_row_count if count else None,
        "modelSetupComplete": _bool(row["model_setup_complete"]),
        "uploadType": row["upload_type"],
        "isBenchmarkEnabled": _bool(row["is_benchmark_enabled"]),
        "isConsensusEnabled": _bool(row["is_consensus_enabled"]),
        "deleted": bool(row["deleted"]),
        "_created_by": row["created_by"],
        "_org_id": row["org_id"],
    }


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


@query.field("project")
def resolve_project(_: Any, info: Info, where: dict[str, Any]) -> Any:
    c = ctx(info)
    return project_to_gql(c.conn, load_project(c.conn, c.org_id, where["id"]))


@mutation.field("project")
def resolve_project_mutations(_: Any, info: Info, where: dict[str, Any]) -> Any:
    c = ctx(info)
    return project_to_gql(c.conn, load_project(c.conn, c.org_id, where["id"]), count=False)


@mutation.field("createProject")
def resolve_create_project(_: Any, info: Info, data: dict[str, Any]) -> Any:
    c = ctx(info)
    name = (data.get("name") or "").strip()
    if not name:
        raise BadInput("A project needs a non-empty name")
    media_type = data.get("allowedMediaType")
    if media_type in ("UNKNOWN", "UNSUPPORTED"):
        raise BadInput(f"{media_type} is not a media type a project can label")
    number_of_labels = data.get("autoAuditNumberOfLabels")
    percentage = data.get("autoAuditPercentage")
    _check_quality(number_of_labels, percentage)
    project_id, stamp = c.new_id(), now_iso()
    c.conn.execute(
        "INSERT INTO projects (id, org_id, created_by, name, description, media_type,"
        " editor_task_type, upload_type, auto_audit_number_of_labels, auto_audit_percentage,"
        " is_benchmark_enabled, is_consensus_enabled, model_setup_complete, created_at,"
        " updated_at, last_activity_time) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            project_id,
            c.org_id,
            c.user_id,
            data["name"],
            data.get("description") or "",
            media_type,
            data.get("editorTaskType"),
            data.get("uploadType"),
            1 if number_of_labels is None else number_of_labels,
            1.0 if percentage is None else percentage,
            int(bool(data.get("isBenchmarkEnabled"))),
            int(bool(data.get("isConsensusEnabled"))),
            0 if data.get("editorTaskType") else None,
            stamp,
            stamp,
            stamp,
        ),
    )
    c.conn.executemany(
        "INSERT INTO task_queues (id, project_id, name, description, queue_type, position)"
        " VALUES (?, ?, ?, '', ?, ?)",
        [
            (c.new_id(), project_id, queue_name, queue_type, position)
            for position, (queue_name, queue_type) in enumerate(DEFAULT_QUEUES)
        ],
    )
    return project_to_gql(c.conn, load_project(c.conn, c.org_id, project_id))


def _check_quality(number_of_labels: int | None, percentage: float | None) -> None:
    if number_of_labels is not None and not 1 <= number_of_labels <= 10:
        raise BadInput("autoAuditNumberOfLabels must be between 1 and 10")
    if percentage is not None and not 0.0 <= percentage <= 1.0:
        raise BadInput("autoAuditPercentage must be between 0 and 1")


_UPDATABLE = {
    "name": "name",
    "description": "description",
    "allowedMediaType": "media_type",
    "autoAuditPercentage": "auto_audit_percentage",
    "autoAuditNumberOfLabels": "auto_audit_number_of_labels",
    "isBenchmarkEnabled": "is_benchmark_enabled",
    "isConsensusEnabled": "is_consensus_enabled",
    "setupComplete": "setup_complete",
    "modelSetupComplete": "model_setup_complete",
    "deleted": "deleted",
}


@mutation.field("updateProject")
def resolve_update_project(_: Any, info: Info, where: dict[str, Any], data: dict[str, Any]) -> Any:
    """Update fields, or soft delete with ``data: {deleted: true}`` (the ORM's delete)."""
    c = ctx(info)
    row = load_project(c.conn, c.org_id, where["id"])
    if "name" in data and not (data["name"] or "").strip():
        raise BadInput("A project needs a non-empty name")
    if data.get("allowedMediaType") in ("UNKNOWN", "UNSUPPORTED"):
        raise BadInput(f"{data['allowedMediaType']} is not a media type a project can label")
    if (
        "allowedMediaType" in data
        and data["allowedMediaType"] != row["media_type"]
        and c.conn.execute(
            "SELECT 1 FROM project_data_rows WHERE project_id = ? LIMIT 1", (row["id"],)
        ).fetchone()
    ):
        raise BadInput("The media type of a project that has data rows cannot change")
    _check_quality(data.get("autoAuditNumberOfLabels"), data.get("autoAuditPercentage"))
    benchmark_now = row["auto_audit_number_of_labels"] == 1 and row["auto_audit_percentage"] == 1
    labels = data.get("autoAuditNumberOfLabels", row["auto_audit_number_of_labels"])
    share = data.get("autoAuditPercentage", row["auto_audit_percentage"])
    if ("autoAuditNumberOfLabels" in data or "autoAuditPercentage" in data) and benchmark_now != (
        labels == 1 and share == 1
    ):
        raise BadInput("A project cannot switch between benchmark and consensus quality modes")
    for key, hook in UPDATE_HOOKS.items():
        if data.get(key) is not None:
            hook(c.conn, row, data[key])
    columns = {_UPDATABLE[k]: v for k, v in data.items() if k in _UPDATABLE}
    for key in ("is_benchmark_enabled", "is_consensus_enabled", "model_setup_complete", "deleted"):
        if key in columns and columns[key] is not None:
            columns[key] = int(bool(columns[key]))
    columns["updated_at"] = now_iso()
    assignments = ", ".join(f"{column} = ?" for column in columns)
    c.conn.execute(
        f"UPDATE projects SET {assignments} WHERE id = ?", [*columns.values(), row["id"]]
    )
    updated = c.conn.execute("SELECT * FROM projects WHERE id = ?", (row["id"],)).fetchone()
    return project_to_gql(c.conn, updated)


# -- listing with the ORM's where ---------------------------------------------------------------

_SUFFIXES: dict[str, Callable[[Any, Any], bool]] = {
    "_not": lambda a, b: a != b,
    "_lt": lambda a, b: a is not None and a < b,
    "_gt": lambda a, b: a is not None and a > b,
    "_lte": lambda a, b: a is not None and a <= b,
    "_gte": lambda a, b: a is not None and a >= b,
}
_DATETIMES = {"createdAt", "updatedAt", "setupComplete", "lastActivityTime"}


def _comparable(field: str, value: Any) -> Any:
    if field in _DATETIMES and isinstance(value, str):
        return parse_datetime(value)
    return value


def parse_datetime(value: str) -> datetime:
    """A wire timestamp (``...Z``, ``.000Z``, ``+00:00``) as an aware datetime."""
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadInput(f"Not a timestamp: {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def matches_where(item: dict[str, Any], where: dict[str, Any] | None) -> bool:
    """Whether an object (camelCase keys) satisfies an ORM where clause."""
    for key, wanted in (where or {}).items():
        if key == "AND":
            if not all(matches_where(item, sub) for sub in wanted or []):
                return False
            continue
        if key.endswith("_in"):
            if item.get(key[:-3]) not in (wanted or []):
                return False
            continue
        field, compare = key, None
        for suffix, fn in _SUFFIXES.items():
            if key.endswith(suffix):
                field, compare = key[: -len(suffix)], fn
                break
        actual = _comparable(field, item.get(field))
        expected = _comparable(field, wanted)
        if compare is None:
            if actual != expected:
                return False
        elif not compare(actual, expected):
            return False
    return True


def _mentions_deleted(where: dict[str, Any] | None) -> bool:
    """Whether a where clause filters on ``deleted`` (otherwise deleted projects are hidden)."""
    for key, value in (where or {}).items():
        if key == "AND" and any(_mentions_deleted(sub) for sub in value or []):
            return True
        if key.startswith("deleted"):
            return True
    return False


def list_projects(
    info: Info,
    where: dict[str, Any] | None,
    skip: int | None,
    first: int | None,
    *,
    created_by: str | None = None,
) -> list[dict[str, Any]]:
    c = ctx(info)
    offset, limit = page(skip, first)
    sql = "SELECT * FROM projects WHERE org_id = ?"
    params: list[Any] = [c.org_id]
    if created_by is not None:
        sql += " AND created_by = ?"
        params.append(created_by)
    if not _mentions_deleted(where):
        sql += " AND deleted = 0"
    rows = c.conn.execute(sql + " ORDER BY seq", params).fetchall()
    found = (project_to_gql(c.conn, row) for row in rows)
    selected = [p for p in found if matches_where(p, where)]
    return selected[offset : offset + limit]


@query.field("projects")
def resolve_projects(
    _: Any,
    info: Info,
    where: dict[str, Any] | None = None,
    skip: int | None = None,
    first: int | None = None,
    orderBy: str | None = None,
) -> Any:
    return list_projects(info, where, skip, first)


@org_type.field("projects")
def resolve_org_projects(
    org: dict[str, Any],
    info: Info,
    where: dict[str, Any] | None = None,
    skip: int | None = None,
    first: int | None = None,
    orderBy: str | None = None,
) -> Any:
    return list_projects(info, where, skip, first)


@user_type.field("projects")
def resolve_user_projects(
    user: dict[str, Any],
    info: Info,
    where: dict[str, Any] | None = None,
    skip: int | None = None,
    first: int | None = None,
    orderBy: str | None = None,
) -> Any:
    return list_projects(info, where, skip, first, created_by=user["id"])


# -- project fields -----------------------------------------------------------------------------


@project_type.field("labelCount")
def resolve_label_count(project: dict[str, Any], info: Info) -> int:
    return label_count(ctx(info).conn, project["id"])


bind_owner_relations(project_type)


@project_type.field("members")
def resolve_members(
    project: dict[str, Any], info: Info, skip: int | None = None, first: int | None = None
) -> Any:
    """Members with an organisation role, then project-based members of this project."""
    from aiolabel.emulator.resolvers.admin import project_members

    offset, limit = page(skip, first)
    return project_members(ctx(info).conn, project["_org_id"], project["id"], offset, limit)


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """A new organisation has no projects."""


BINDABLES = [query, mutation, project_type, user_type, org_type]
