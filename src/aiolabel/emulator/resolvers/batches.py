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

The input checks and the storage (load, shape, create, add rows) live in ``_batch_store.py``
(a helper module: its leading ``_`` keeps discovery from taking it for a domain) and are
re-exported here; :data:`MAX_BATCH_ROWS` stays here, where the resolvers read it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from ariadne import ObjectType, QueryType

from aiolabel.emulator.context import Context, Info, ctx
from aiolabel.emulator.errors import BadInput, Conflict, Malformed, NotAllowed, NotFound
from aiolabel.emulator.resolvers._batch_store import (
    ADD_TASK_TYPE,
    add_rows,
    add_rows_work,
    batch_size,
    batch_to_gql,
    check_consensus,
    check_name,
    check_priority,
    create_batch_row,
    load_batch,
    missing_keys_message,
    requested_rows,
    start_add_task,
)
from aiolabel.emulator.resolvers.base import resolve_creator
from aiolabel.emulator.resolvers.catalog import chunked
from aiolabel.emulator.resolvers.projects import (
    initial_queue_id,
    load_project,
    lookup_data_rows,
    project_to_gql,
    touch_project,
)
from aiolabel.emulator.store import now_iso
from aiolabel.emulator.webhooks import emit_labels

__all__ = [
    "ADD_TASK_TYPE",
    "BINDABLES",
    "DDL",
    "add_rows",
    "add_rows_work",
    "batch_size",
    "batch_to_gql",
    "check_consensus",
    "check_name",
    "check_priority",
    "create_batch_row",
    "load_batch",
    "missing_keys_message",
    "requested_rows",
    "seed",
    "start_add_task",
]
"""What this module offers: its domain (``DDL``, ``BINDABLES``, ``seed``...) and the helpers
other code imports from here, some of them defined in the ``_``-prefixed modules beside it."""

DDL = ""

MAX_BATCH_ROWS = 100_000
"""Rows one batch may hold (and one createBatches chunk holds)."""

NO_VALID_ROWS = "No valid data rows to be added from the list provided!"

query = QueryType()
project_type = ObjectType("Project")
mutations_type = ObjectType("ProjectMutations")
batch_type = ObjectType("Batch")


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
    emit_labels(c, "LABEL_DELETED", label_ids)
    return {"deletedLabelIds": label_ids}


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """Nothing to seed."""


BINDABLES = [query, project_type, mutations_type, batch_type]
