"""Batches: ``createBatchV2`` (the SDK's path under 1,000 rows), ``createEmptyBatch`` +
``addDataRowsToBatchAsync`` (its path for larger ones), ``createBatches`` and
``createBatchesFromDataset`` (chunks of at most 100,000 rows, one task each), the processing check,
cursor listing, and removing queued rows, deleting labels and deleting a batch.

Rules, as the service documents them: batch names are unique per project; a data row sits in at
most one batch of a project (others are reported as failed ids, not errors); priority is 1..5,
default 5; only assets of the project's media type are added; a batch holds at most 100,000 rows.

A task adding rows ends COMPLETE when at least one row was added (``result`` then lists the rows
that were not, as inline JSON text, or is null) and FAILED with that list when none was.
``createBatchV2`` in which no row can be added creates nothing and answers MALFORMED_REQUEST
("No valid data rows to be added from the list provided!"); unknown global keys answer
MALFORMED_REQUEST too; ``priority: null`` is refused.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from ariadne import ObjectType, QueryType

from aiolabel.emulator.context import Context, Info, ctx
from aiolabel.emulator.errors import BadInput, Conflict, Malformed, NotAllowed, NotFound
from aiolabel.emulator.jobs import Job, Outcome, Work, inline_failure
from aiolabel.emulator.resolvers.base import resolve_creator
from aiolabel.emulator.resolvers.catalog import chunked, json_strings
from aiolabel.emulator.resolvers.projects import (
    WORK_CHUNK_ROWS,
    initial_queue_id,
    load_project,
    lookup_data_rows,
    project_to_gql,
    rows_outcome,
    touch_project,
)
from aiolabel.emulator.store import dumps, now_iso

DDL = ""

MAX_BATCH_ROWS = 100_000
"""Rows one batch may hold (and one createBatches chunk holds)."""
ADD_TASK_TYPE = "add-data-rows-to-batch"
NO_VALID_ROWS = "No valid data rows to be added from the list provided!"

query = QueryType()
project_type = ObjectType("Project")
mutations_type = ObjectType("ProjectMutations")
batch_type = ObjectType("Batch")


# -- validation ---------------------------------------------------------------------------------


def check_priority(input: dict[str, Any]) -> int:
    """The batch priority of a request: 5 when not given; ``null`` is refused."""
    if "priority" not in input:
        return 5
    priority: int | None = input["priority"]
    if priority is None:
        raise BadInput("Batch priority must be between 1 (highest) and 5 (lowest), got null")
    if not 1 <= priority <= 5:
        raise BadInput(f"Batch priority must be between 1 (highest) and 5 (lowest), got {priority}")
    return priority


def check_consensus(settings: dict[str, Any] | None) -> dict[str, Any] | None:
    if settings is None:
        return None
    labels, coverage = settings["numberOfLabels"], settings["coveragePercentage"]
    if not 1 <= labels <= 10:
        raise BadInput("consensusSettings.numberOfLabels must be between 1 and 10")
    if not 0.0 <= coverage <= 1.0:
        raise BadInput("consensusSettings.coveragePercentage must be between 0 and 1")
    return {"numberOfLabels": labels, "coveragePercentage": coverage}


def check_name(name: str) -> str:
    if not name or not name.strip():
        raise BadInput("A batch needs a non-empty name")
    return name


def requested_rows(
    c: Context, data_row_ids: list[str] | None, global_keys: list[str] | None, *, limit: int | None
) -> list[str]:
    """The data-row ids a request names (global keys resolved; an unknown key refuses it)."""
    ids, keys = data_row_ids or [], global_keys or []
    if ids and keys:
        raise BadInput("Give either dataRowIds or globalKeys, not both")
    if not ids and not keys:
        raise BadInput("You need at least one data row in a batch")
    count = len(dict.fromkeys(ids or keys))
    if limit is not None and count > limit:
        raise BadInput(f"Batch exceeds max size of {limit:,} data rows ({count:,} given)")
    if ids:
        return list(dict.fromkeys(ids))
    found = lookup_data_rows(c.conn, c.org_id, keys, by_global_key=True)
    missing = [key for key in dict.fromkeys(keys) if key not in found]
    if missing:
        raise Malformed(missing_keys_message(missing))
    return list(dict.fromkeys(found[key]["id"] for key in keys))


def missing_keys_message(missing: Sequence[str]) -> str:
    shown = ", ".join(missing[:100]) + (" ..." if len(missing) > 100 else "")
    return f"Data rows with the following global keys do not exist: {shown}."


# -- storage ------------------------------------------------------------------------------------


def load_batch(conn: sqlite3.Connection, project_id: str, batch_id: str) -> sqlite3.Row:
    row = conn.execute(
        "SELECT * FROM batches WHERE id = ? AND project_id = ? AND deleted = 0",
        (batch_id, project_id),
    ).fetchone()
    if row is None:
        raise NotFound(f"Batch {batch_id} not found in project {project_id}")
    assert isinstance(row, sqlite3.Row)
    return row


def batch_size(conn: sqlite3.Connection, batch_id: str) -> int:
    return int(
        conn.execute(
            "SELECT COUNT(*) FROM project_data_rows p JOIN data_rows d ON d.id = p.data_row_id"
            " WHERE p.batch_id = ? AND d.deleted = 0",
            (batch_id,),
        ).fetchone()[0]
    )


def batch_to_gql(conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    settings = row["consensus_settings"]
    return {
        "id": row["id"],
        "name": row["name"],
        "size": batch_size(conn, row["id"]),
        "consensusSettingsJson": None if settings is None else json.loads(settings),
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "priority": row["priority"],
        "_created_by": row["created_by"],
        "_project_id": row["project_id"],
    }


def create_batch_row(
    c: Context,
    project_id: str,
    name: str,
    priority: int,
    consensus: dict[str, Any] | None,
) -> str:
    """Insert a batch, refusing a name the project already uses (RESOURCE_CONFLICT)."""
    taken = c.conn.execute(
        "SELECT 1 FROM batches WHERE project_id = ? AND name = ? AND deleted = 0",
        (project_id, name),
    ).fetchone()
    if taken:
        raise Conflict(f"A batch named {name!r} already exists in this project")
    batch_id, stamp = c.new_id(), now_iso()
    c.conn.execute(
        "INSERT INTO batches (id, project_id, name, priority, consensus_settings, created_by,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            batch_id,
            project_id,
            name,
            priority,
            None if consensus is None else dumps(consensus),
            c.user_id,
            stamp,
            stamp,
        ),
    )
    return batch_id


_QUEUE_ROWS = """
INSERT INTO project_data_rows (project_id, data_row_id, batch_id, queue_id, batch_priority,
    number_of_labels, added_at, updated_at)
SELECT ?1, d.id, ?2, ?3, ?4, ?5, ?6, ?6
FROM json_each(?7) j JOIN data_rows d ON d.id = j.value AND d.org_id = ?8 AND d.deleted = 0
WHERE (?9 = '' OR upper(d.media_type) = ?9)
    AND NOT EXISTS (SELECT 1 FROM project_data_rows p WHERE p.project_id = ?1
        AND p.data_row_id = d.id)
ORDER BY j.key
"""
"""Queue the live rows of the organisation that match the project's media type and are not in
the project yet, in the order given."""

_WHY_NOT_QUEUED = """
SELECT j.value, d.id IS NULL, d.media_type, b.name
FROM json_each(?1) j
LEFT JOIN data_rows d ON d.id = j.value AND d.org_id = ?2 AND d.deleted = 0
LEFT JOIN project_data_rows p ON p.project_id = ?3 AND p.data_row_id = j.value
LEFT JOIN batches b ON b.id = p.batch_id
ORDER BY j.key
"""


def add_rows(
    conn: sqlite3.Connection,
    org_id: str,
    project: sqlite3.Row,
    batch: sqlite3.Row,
    data_row_ids: Sequence[str],
) -> tuple[list[dict[str, str]], int]:
    """Queue these rows in the project through the batch: (failures, rows added).

    One statement queues every row that can be; only when some could not are they looked up
    again, to say why (unknown, another media type, already in a batch of the project).
    """
    ids = list(dict.fromkeys(data_row_ids))
    listed = json_strings(ids)
    if listed is None:  # ids holding a NUL: no data row has one (SQLite's JSON cuts them)
        listed = dumps([i for i in ids if "\x00" not in i])
    media_type = (project["media_type"] or "").upper()
    settings = batch["consensus_settings"]
    labels = 1 if settings is None else int(json.loads(settings)["numberOfLabels"])
    queue_id = initial_queue_id(conn, project["id"])
    stamp = now_iso()
    last_seq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM project_data_rows").fetchone()[0]
    added = conn.execute(
        _QUEUE_ROWS,
        (
            project["id"],
            batch["id"],
            queue_id,
            batch["priority"],
            labels,
            stamp,
            listed,
            org_id,
            media_type,
        ),
    ).rowcount
    failures: list[dict[str, str]] = []
    if added < len(ids):
        queued = {
            row[0]
            for row in conn.execute(
                "SELECT data_row_id FROM project_data_rows WHERE batch_id = ? AND seq > ?",
                (batch["id"], last_seq),
            )
        }
        missed = [data_row_id for data_row_id in ids if data_row_id not in queued]
        reasons = {
            row[0]: row[1:]
            for row in conn.execute(
                _WHY_NOT_QUEUED,
                (dumps([i for i in missed if "\x00" not in i]), org_id, project["id"]),
            )
        }
        for data_row_id in missed:
            unknown, row_media_type, batch_name = reasons.get(data_row_id, (True, None, None))
            if unknown:
                error = "Data row not found"
            elif media_type and (row_media_type or "").upper() != media_type:
                error = (
                    f"Data row media type {row_media_type} does not match the"
                    f" project media type {project['media_type']}"
                )
            else:
                error = f"Data row is already in batch {batch_name!r} of this project"
            failures.append({"dataRowId": data_row_id, "error": error})
    if added:
        conn.execute("UPDATE batches SET updated_at = ? WHERE id = ?", (stamp, batch["id"]))
        touch_project(conn, project["id"])
    return failures, added


def add_rows_work(org_id: str, project_id: str, batch_id: str, data_row_ids: Sequence[str]) -> Work:
    """Background work adding rows to a batch in bounded transactions."""

    def work(job: Job) -> Outcome:
        failures: list[dict[str, str]] = []
        added = done = 0
        for part in chunked(data_row_ids, WORK_CHUNK_ROWS):
            with job.store.transaction() as conn:
                job.check_cancelled(conn)
                project = conn.execute(
                    "SELECT * FROM projects WHERE id = ? AND deleted = 0", (project_id,)
                ).fetchone()
                batch = conn.execute(
                    "SELECT * FROM batches WHERE id = ? AND deleted = 0", (batch_id,)
                ).fetchone()
                if project is None or batch is None:
                    failures.extend(
                        {"dataRowId": dr, "error": "The batch or its project was deleted"}
                        for dr in part
                    )
                else:
                    part_failures, part_added = add_rows(conn, org_id, project, batch, part)
                    failures.extend(part_failures)
                    added += part_added
                done += len(part)
                job.progress(conn, done / max(len(data_row_ids), 1))
        return rows_outcome(failures, added)

    return work


def start_add_task(
    c: Context, project_id: str, batch_id: str, name: str, data_row_ids: Sequence[str]
) -> dict[str, Any]:
    return c.create_task(
        type=ADD_TASK_TYPE,
        name=name,
        work=add_rows_work(c.org_id, project_id, batch_id, data_row_ids),
        on_forced_failure=inline_failure,
        size=len(data_row_ids),
        metadata={"projectId": project_id, "batchId": batch_id},
    )


# -- queries ------------------------------------------------------------------------------------


@query.field("queryAllDataRowsHaveBeenProcessed")
def resolve_processed(
    _: Any, info: Info, dataRowIds: list[str] | None = None, globalKeys: list[str] | None = None
) -> Any:
    """Rows are processed once they exist; unknown global keys are an error, unknown ids are
    reported when the batch is created."""
    c = ctx(info)
    if globalKeys:
        found = lookup_data_rows(c.conn, c.org_id, globalKeys, by_global_key=True)
        missing = [key for key in dict.fromkeys(globalKeys) if key not in found]
        if missing:
            raise Malformed(missing_keys_message(missing))
    return {"allDataRowsHaveBeenProcessed": True}


@query.field("batch")
def resolve_batch(_: Any, info: Info, where: dict[str, Any]) -> Any:
    c = ctx(info)
    row = c.conn.execute(
        "SELECT b.* FROM batches b JOIN projects p ON p.id = b.project_id"
        " WHERE b.id = ? AND b.deleted = 0 AND p.org_id = ? AND p.deleted = 0",
        (where["id"], c.org_id),
    ).fetchone()
    if row is None:
        raise NotFound(f"Batch {where['id']} not found")
    return batch_to_gql(c.conn, row)


@project_type.field("batches")
def resolve_batches(
    project: dict[str, Any],
    info: Info,
    after: str | None = None,
    first: int | None = None,
    where: dict[str, Any] | None = None,
) -> Any:
    """Cursor pages in creation order; ``endCursor`` is null on the last page."""
    c = ctx(info)
    limit = 100 if first is None else first
    sql = "SELECT * FROM batches WHERE project_id = ? AND deleted = 0"
    params: list[Any] = [project["id"]]
    filters = where or {}
    for column in ("id", "name"):
        if filters.get(column) is not None:
            sql += f" AND {column} = ?"
            params.append(filters[column])
    if after:
        cursor = c.conn.execute(
            "SELECT seq FROM batches WHERE id = ? AND project_id = ?", (after, project["id"])
        ).fetchone()
        if cursor is None:
            raise BadInput(f"Unknown cursor {after!r}")
        sql += " AND seq > ?"
        params.append(cursor[0])
    rows = c.conn.execute(sql + " ORDER BY seq LIMIT ?", [*params, limit + 1]).fetchall()
    has_next = len(rows) > limit
    nodes = [batch_to_gql(c.conn, row) for row in rows[:limit]]
    end = nodes[-1]["id"] if has_next and nodes else None
    return {"nodes": nodes, "pageInfo": {"endCursor": end, "hasNextPage": has_next}}


batch_type.set_field("createdBy", resolve_creator)
batch_type.set_field("user", resolve_creator)


@batch_type.field("project")
def resolve_batch_project(batch: dict[str, Any], info: Info) -> Any:
    c = ctx(info)
    return project_to_gql(c.conn, load_project(c.conn, c.org_id, batch["_project_id"]))


# -- creation -----------------------------------------------------------------------------------


@mutations_type.field("createBatchV2")
def resolve_create_batch_v2(project: dict[str, Any], info: Info, input: dict[str, Any]) -> Any:
    c = ctx(info)
    name = check_name(input["name"])
    priority = check_priority(input)
    consensus = check_consensus(input.get("consensusSettings"))
    ids = requested_rows(c, input.get("dataRowIds"), input.get("globalKeys"), limit=MAX_BATCH_ROWS)
    project_row = load_project(c.conn, c.org_id, project["id"])
    batch_id = create_batch_row(c, project["id"], name, priority, consensus)
    batch = load_batch(c.conn, project["id"], batch_id)
    failures, added = add_rows(c.conn, c.org_id, project_row, batch, ids)
    if not added:  # refused whole: the batch inserted above is rolled back with the request
        raise Malformed(NO_VALID_ROWS)
    return {
        "batch": batch_to_gql(c.conn, load_batch(c.conn, project["id"], batch_id)),
        "failedDataRowIds": [f["dataRowId"] for f in failures],
    }


@mutations_type.field("createEmptyBatch")
def resolve_create_empty_batch(project: dict[str, Any], info: Info, input: dict[str, Any]) -> Any:
    c = ctx(info)
    name = check_name(input["name"])
    consensus = check_consensus(input.get("consensusSettings"))
    batch_id = create_batch_row(c, project["id"], name, 5, consensus)
    return batch_to_gql(c.conn, load_batch(c.conn, project["id"], batch_id))


@mutations_type.field("addDataRowsToBatchAsync")
def resolve_add_rows_async(project: dict[str, Any], info: Info, input: dict[str, Any]) -> Any:
    c = ctx(info)
    batch = load_batch(c.conn, project["id"], input["batchId"])
    priority = check_priority(input)
    ids = requested_rows(c, input.get("dataRowIds"), input.get("globalKeys"), limit=None)
    room = MAX_BATCH_ROWS - batch_size(c.conn, batch["id"])
    if len(ids) > room:
        raise BadInput(
            f"Batch exceeds max size of {MAX_BATCH_ROWS:,} data rows"
            f" ({len(ids):,} given, room for {room:,})"
        )
    c.conn.execute(
        "UPDATE batches SET priority = ?, updated_at = ? WHERE id = ?",
        (priority, now_iso(), batch["id"]),
    )
    task = start_add_task(c, project["id"], batch["id"], f"Add data rows to {batch['name']}", ids)
    return {"taskId": task["id"]}


def create_chunked_batches(
    c: Context,
    project_id: str,
    prefix: str,
    ids: Sequence[str],
    priority: int,
    consensus: dict[str, Any] | None,
) -> dict[str, Any]:
    """Batches ``prefix0000``, ``prefix0001``, ... of at most 100,000 rows, one task each."""
    if not prefix:
        raise BadInput("batchNamePrefix must not be empty")
    chunks = list(chunked(ids, MAX_BATCH_ROWS))
    if len(chunks) > 10_000:
        raise BadInput("Too many data rows: a prefix allows at most 10,000 batches")
    names = [f"{prefix}{index:04d}" for index in range(len(chunks))]
    taken = [
        name
        for part in chunked(names, 500)
        for (name,) in c.conn.execute(
            "SELECT name FROM batches WHERE project_id = ? AND deleted = 0"
            f" AND name IN ({','.join('?' * len(part))})",
            [project_id, *part],
        ).fetchall()
    ]
    if taken:
        raise Conflict(f"Batches with these names already exist in this project: {taken}")
    tasks = []
    for name, part in zip(names, chunks, strict=True):
        batch_id = create_batch_row(c, project_id, name, priority, consensus)
        task = start_add_task(c, project_id, batch_id, f"Create batch {name}", part)
        tasks.append({"batchUuid": batch_id, "taskId": task["id"]})
    return {"tasks": tasks}


@mutations_type.field("createBatches")
def resolve_create_batches(project: dict[str, Any], info: Info, input: dict[str, Any]) -> Any:
    c = ctx(info)
    priority = check_priority(input)
    consensus = check_consensus(input.get("consensusSettings"))
    ids = requested_rows(c, input.get("dataRowIds"), input.get("globalKeys"), limit=None)
    return create_chunked_batches(
        c, project["id"], input["batchNamePrefix"], ids, priority, consensus
    )


@mutations_type.field("createBatchesFromDataset")
def resolve_create_batches_from_dataset(
    project: dict[str, Any], info: Info, input: dict[str, Any]
) -> Any:
    """Every row of the dataset not already in the project."""
    c = ctx(info)
    priority = check_priority(input)
    consensus = check_consensus(input.get("consensusSettings"))
    dataset = c.conn.execute(
        "SELECT id FROM datasets WHERE id = ? AND org_id = ? AND deleted = 0",
        (input["datasetId"], c.org_id),
    ).fetchone()
    if dataset is None:
        raise NotFound(f"Dataset {input['datasetId']} not found")
    ids = [
        row[0]
        for row in c.conn.execute(
            "SELECT d.id FROM data_rows d WHERE d.dataset_id = ? AND d.deleted = 0"
            " AND NOT EXISTS (SELECT 1 FROM project_data_rows p"
            " WHERE p.project_id = ? AND p.data_row_id = d.id) ORDER BY d.seq",
            (dataset["id"], project["id"]),
        )
    ]
    return create_chunked_batches(
        c, project["id"], input["batchNamePrefix"], ids, priority, consensus
    )


# -- batch mutations (/_gql) --------------------------------------------------------------------


def _labelled_rows_sql() -> str:
    return (
        "EXISTS (SELECT 1 FROM labels l WHERE l.project_id = p.project_id"
        " AND l.data_row_id = p.data_row_id AND l.deleted = 0)"
    )


@mutations_type.field("removeQueuedDataRowsFromBatch")
def resolve_remove_queued(project: dict[str, Any], info: Info, batchId: str) -> Any:
    """Take the batch's rows still waiting to be labelled out of the batch and the project."""
    c = ctx(info)
    batch = load_batch(c.conn, project["id"], batchId)
    c.conn.execute(
        "DELETE FROM project_data_rows AS p WHERE p.batch_id = ? AND p.queue_id = ?"
        f" AND NOT {_labelled_rows_sql()}",
        (batch["id"], initial_queue_id(c.conn, project["id"])),
    )
    c.conn.execute("UPDATE batches SET updated_at = ? WHERE id = ?", (now_iso(), batch["id"]))
    touch_project(c.conn, project["id"])
    return {"id": batch["id"]}


@mutations_type.field("deleteBatch")
def resolve_delete_batch(project: dict[str, Any], info: Info, batchId: str) -> Any:
    """Delete a batch and take its rows out of the project; refused while it has labels."""
    c = ctx(info)
    batch = load_batch(c.conn, project["id"], batchId)
    labelled = c.conn.execute(
        f"SELECT 1 FROM project_data_rows AS p WHERE p.batch_id = ? AND {_labelled_rows_sql()}"
        " LIMIT 1",
        (batch["id"],),
    ).fetchone()
    if labelled:
        raise NotAllowed(
            f"Batch {batch['name']!r} has labels: delete its labels before deleting the batch"
        )
    c.conn.execute("DELETE FROM project_data_rows WHERE batch_id = ?", (batch["id"],))
    c.conn.execute(
        "UPDATE batches SET deleted = 1, updated_at = ? WHERE id = ?", (now_iso(), batch["id"])
    )
    touch_project(c.conn, project["id"])
    return {"deletedBatchId": batch["id"]}


@mutations_type.field("deleteBatchLabels")
def resolve_delete_batch_labels(
    project: dict[str, Any], info: Info, batchId: str, data: dict[str, Any]
) -> Any:
    """Delete the labels of the batch's rows and send those rows back to be labelled; with
    ``RequeueDataWithLabelAsTemplate`` the deleted labels are kept as templates."""
    c = ctx(info)
    batch = load_batch(c.conn, project["id"], batchId)
    rows = c.conn.execute(
        "SELECT l.id, l.data_row_id FROM labels l JOIN project_data_rows p"
        " ON p.project_id = l.project_id AND p.data_row_id = l.data_row_id"
        " WHERE p.batch_id = ? AND l.deleted = 0 ORDER BY l.created_at, l.id",
        (batch["id"],),
    ).fetchall()
    label_ids = [row["id"] for row in rows]
    template = int(data["type"] == "RequeueDataWithLabelAsTemplate")
    stamp = now_iso()
    c.conn.executemany(
        "UPDATE labels SET deleted = 1, is_template = ?, updated_at = ? WHERE id = ?",
        [(template, stamp, label_id) for label_id in label_ids],
    )
    queue_id = initial_queue_id(c.conn, project["id"])
    c.conn.executemany(
        "UPDATE project_data_rows SET queue_id = ?, updated_at = ?"
        " WHERE project_id = ? AND data_row_id = ?",
        [(queue_id, stamp, project["id"], dr) for dr in {row["data_row_id"] for row in rows}],
    )
    if label_ids:
        touch_project(c.conn, project["id"])
    return {"deletedLabelIds": label_ids}


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """Nothing to seed."""


BINDABLES = [query, project_type, mutations_type, batch_type]
