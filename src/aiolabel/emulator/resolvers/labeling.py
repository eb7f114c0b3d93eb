"""Labelling-parameter overrides: ``setLabelingParameterOverrides`` (at most 1,000 rows per call,
any signed 32-bit priority, by data-row id or global key), ``createQueuePriorityUpdateTask`` (up to
1,000,000 rows, as a task) and the ``labelingParameterOverrides`` listing in queue order.

Every queued row has an override: its priority starts as its batch's priority, an override
replaces it, and the queue is ordered by that priority, then the batch priority, then arrival.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ariadne import ObjectType

from aiolabel.emulator.context import Info, ctx
from aiolabel.emulator.errors import BadInput
from aiolabel.emulator.resolvers.catalog import data_row_to_gql, live_row
from aiolabel.emulator.resolvers.projects import (
    load_project,
    lookup_data_rows,
    lpo_id,
    project_rows,
    touch_project,
    update_rows_work,
)
from aiolabel.emulator.store import now_iso

if TYPE_CHECKING:
    from aiolabel.emulator.state import EmulatorState

DDL = ""

MAX_OVERRIDES_PER_CALL = 1_000
MAX_PRIORITY_UPDATE_ROWS = 1_000_000
PRIORITY_TASK_TYPE = "update-queue-priority"

QUEUE_ORDER = "COALESCE(p.lpo_priority, p.batch_priority), p.batch_priority, p.seq"
"""SQL ordering of a project's rows in its labelling queue."""

project_type = ObjectType("Project")
mutations_type = ObjectType("ProjectMutations")
lpo_type = ObjectType("LabelingParameterOverride")


def lpo_to_gql(row: sqlite3.Row) -> dict[str, Any]:
    priority = row["lpo_priority"] if row["lpo_priority"] is not None else row["batch_priority"]
    return {
        "id": lpo_id(row["seq"]),
        "priority": priority,
        "numberOfLabels": row["number_of_labels"],
        "_data_row_id": row["data_row_id"],
        "_project_id": row["project_id"],
    }


@project_type.field("labelingParameterOverrides")
def resolve_overrides(
    project: dict[str, Any], info: Info, skip: int | None = None, first: int | None = None
) -> Any:
    offset, limit = skip or 0, 100 if first is None else first
    if offset < 0 or limit < 0:
        raise BadInput("skip and first must be >= 0")
    rows = (
        ctx(info)
        .conn.execute(
            "SELECT p.* FROM project_data_rows p JOIN data_rows d ON d.id = p.data_row_id"
            f" WHERE p.project_id = ? AND d.deleted = 0 ORDER BY {QUEUE_ORDER} LIMIT ? OFFSET ?",
            (project["id"], min(limit, 10_000), offset),
        )
        .fetchall()
    )
    return [lpo_to_gql(row) for row in rows]


@lpo_type.field("dataRow")
def resolve_lpo_data_row(lpo: dict[str, Any], info: Info) -> Any:
    c = ctx(info)
    row = live_row(c.conn, c.org_id, lpo["_data_row_id"])
    return None if row is None else data_row_to_gql(dict(row))


def _describe(keys: Sequence[str]) -> str:
    return ", ".join(keys[:20]) + (f" and {len(keys) - 20} more" if len(keys) > 20 else "")


@mutations_type.field("setLabelingParameterOverrides")
def resolve_set_overrides(
    project: dict[str, Any],
    info: Info,
    dataWithDataRowIdentifiers: list[dict[str, Any]] | None = None,
) -> Any:
    """All or nothing: an unknown row, or one not in the project, refuses the whole list."""
    c = ctx(info)
    items = dataWithDataRowIdentifiers or []
    if len(items) > MAX_OVERRIDES_PER_CALL:
        raise BadInput(
            f"Cannot set labeling parameter overrides for more than {MAX_OVERRIDES_PER_CALL:,}"
            f" data rows at once ({len(items):,} given); use createQueuePriorityUpdateTask"
        )
    by_type: dict[str, list[str]] = {"ID": [], "GKEY": []}
    for item in items:
        identifier = item["dataRowIdentifier"]
        by_type[identifier["idType"]].append(identifier["id"])
    resolved = {
        ("ID", key): row["id"]
        for key, row in lookup_data_rows(
            c.conn, c.org_id, by_type["ID"], by_global_key=False
        ).items()
    }
    resolved.update(
        {
            ("GKEY", key): row["id"]
            for key, row in lookup_data_rows(
                c.conn, c.org_id, by_type["GKEY"], by_global_key=True
            ).items()
        }
    )
    unknown = [
        i["dataRowIdentifier"]["id"]
        for i in items
        if (i["dataRowIdentifier"]["idType"], i["dataRowIdentifier"]["id"]) not in resolved
    ]
    if unknown:
        raise BadInput(f"Data rows not found: {_describe(unknown)}")
    present = project_rows(c.conn, project["id"], list(resolved.values()))
    outside = [
        i["dataRowIdentifier"]["id"]
        for i in items
        if resolved[(i["dataRowIdentifier"]["idType"], i["dataRowIdentifier"]["id"])] not in present
    ]
    if outside:
        raise BadInput(f"Data rows are not in this project: {_describe(outside)}")
    if any((i.get("numberOfLabels") or 1) < 1 for i in items):
        raise BadInput("numberOfLabels must be >= 1")
    stamp = now_iso()
    c.conn.executemany(
        "UPDATE project_data_rows SET lpo_priority = ?,"
        " number_of_labels = COALESCE(?, number_of_labels), updated_at = ?"
        " WHERE project_id = ? AND data_row_id = ?",
        [
            (
                item["priority"],
                item.get("numberOfLabels"),
                stamp,
                project["id"],
                resolved[(item["dataRowIdentifier"]["idType"], item["dataRowIdentifier"]["id"])],
            )
            for item in items
        ],
    )
    if items:
        touch_project(c.conn, project["id"])
    return {"success": True}


@mutations_type.field("createQueuePriorityUpdateTask")
def resolve_priority_task(project: dict[str, Any], info: Info, data: dict[str, Any]) -> Any:
    c = ctx(info)
    load_project(c.conn, c.org_id, project["id"])
    identifiers = data.get("dataRowIdentifiers")
    if not identifiers:
        raise BadInput("dataRowIdentifiers is required")
    keys = list(dict.fromkeys(identifiers["ids"]))
    if not keys:
        raise BadInput("dataRowIdentifiers.ids must not be empty")
    if len(keys) > MAX_PRIORITY_UPDATE_ROWS:
        raise BadInput(
            f"At most {MAX_PRIORITY_UPDATE_ROWS:,} data rows per priority update"
            f" ({len(keys):,} given)"
        )
    task = c.create_task(
        type=PRIORITY_TASK_TYPE,
        name=f"Update queue priority to {data['priority']}",
        work=update_rows_work(
            c.org_id,
            project["id"],
            keys,
            by_global_key=identifiers["idType"] == "GKEY",
            column="lpo_priority",
            value=data["priority"],
            errors_field=True,
        ),
        size=len(keys),
        metadata={"projectId": project["id"]},
    )
    return {"taskId": task["id"]}


def labeling_queue(
    state: EmulatorState, project_id: str, queue_type: str = "INITIAL_LABELING_QUEUE"
) -> list[dict[str, Any]]:
    """Test control: the rows of one task queue of a project, in the order they are served."""
    with state.store.reading() as conn:
        rows = conn.execute(
            "SELECT p.data_row_id, p.lpo_priority, p.batch_priority, b.name AS batch_name"
            " FROM project_data_rows p JOIN task_queues q ON q.id = p.queue_id"
            " JOIN batches b ON b.id = p.batch_id JOIN data_rows d ON d.id = p.data_row_id"
            " WHERE p.project_id = ? AND q.queue_type = ? AND d.deleted = 0"
            f" ORDER BY {QUEUE_ORDER}",
            (project_id, queue_type),
        ).fetchall()
    return [
        {
            "data_row_id": row["data_row_id"],
            "priority": row["lpo_priority"]
            if row["lpo_priority"] is not None
            else row["batch_priority"],
            "batch_priority": row["batch_priority"],
            "batch_name": row["batch_name"],
        }
        for row in rows
    ]


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """Nothing to seed."""


CONTROLS = {"labeling_queue": labeling_queue}
BINDABLES = [project_type, mutations_type, lpo_type]
