"""Batch input checks (name, priority, consensus, the requested rows) and storage: loading and
shaping batches, creating one, and adding rows to it (inline or as an ``add-data-rows-to-batch``
task, :func:`start_add_task`).

Used by the batch resolvers in :mod:`aiolabel.emulator.resolvers.batches`, which re-exports them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from aiolabel.emulator.context import Context
from aiolabel.emulator.errors import BadInput, Conflict, Malformed, NotFound
from aiolabel.emulator.jobs import Job, Outcome, Work, inline_failure
from aiolabel.emulator.resolvers.catalog import chunked, json_strings
from aiolabel.emulator.resolvers.projects import (
    WORK_CHUNK_ROWS,
    initial_queue_id,
    lookup_data_rows,
    rows_outcome,
    touch_project,
)
from aiolabel.emulator.store import dumps, now_iso

ADD_TASK_TYPE = "add-data-rows-to-batch"

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
    number_of_labels, added_at, updated_at, project_seq)
SELECT ?1, d.id, ?2, ?3, ?4, ?5, ?6, ?6, ?10
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
            project["seq"],
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
