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

from aiolabel.emulator.context import Context, Info, ctx
from aiolabel.emulator.errors import BadInput, NotFound
from aiolabel.emulator.resolvers.base import page
from aiolabel.emulator.resolvers.catalog import data_row_to_gql, json_strings, live_row
from aiolabel.emulator.resolvers.metadata import prefetch
from aiolabel.emulator.resolvers.projects import (
    load_project,
    lookup_data_rows,
    lpo_id,
    project_rows,
    touch_project,
    update_rows_work,
)
from aiolabel.emulator.store import PageEnds, dumps, now_iso

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


_LIVE_QUEUE = (
    "SELECT p.seq, p.project_id, p.data_row_id, p.batch_priority, p.lpo_priority,"
    " p.number_of_labels, d.* FROM project_data_rows p JOIN data_rows d ON d.id = p.data_row_id"
    " WHERE p.project_seq = (SELECT seq FROM projects WHERE id = ?) AND d.deleted = 0"
)
"""A project's live queue rows, each with its data row's columns (read in the same search of
the queue-order index, which is keyed by the project's seq)."""
_QUEUE_KEY = "COALESCE(p.lpo_priority, p.batch_priority)"
_AFTER_KEY = (
    f" AND {_QUEUE_KEY} = ? AND p.batch_priority = ? AND p.seq > ? ORDER BY p.seq LIMIT ?",
    f" AND {_QUEUE_KEY} = ? AND p.batch_priority > ? ORDER BY p.batch_priority, p.seq LIMIT ?",
    f" AND {_QUEUE_KEY} > ? ORDER BY {QUEUE_ORDER} LIMIT ?",
)
"""The rows after a queue key ``(priority, batch priority, seq)``, in queue order: three ranges
of the ``project_data_rows_queue`` index, each read from its start."""


def _queue_key(row: sqlite3.Row) -> tuple[int, int, int]:
    priority = row["lpo_priority"] if row["lpo_priority"] is not None else row["batch_priority"]
    return (priority, row["batch_priority"], row["seq"])


def queue_page(
    conn: sqlite3.Connection, ends: PageEnds, project_id: str, offset: int, limit: int
) -> list[sqlite3.Row]:
    """Rows ``offset .. offset + limit`` of a project's live queue, in queue order; a page that
    starts where an earlier one ended continues from its queue key (:class:`PageEnds`)."""
    known = ends.after(conn, ("queue", project_id), offset)
    rows: list[sqlite3.Row]
    if known is not None:
        k1, k2, k3 = known
        rows = []
        for extra, params in zip(_AFTER_KEY, ((k1, k2, k3), (k1, k2), (k1,)), strict=True):
            if len(rows) >= limit:
                break
            rows += conn.execute(
                _LIVE_QUEUE + extra, (project_id, *params, limit - len(rows))
            ).fetchall()
    elif offset:
        rows = conn.execute(
            _LIVE_QUEUE + f" ORDER BY {QUEUE_ORDER} LIMIT ? OFFSET ?", (project_id, limit, offset)
        ).fetchall()
    else:
        rows = conn.execute(
            _LIVE_QUEUE + f" ORDER BY {QUEUE_ORDER} LIMIT ?", (project_id, limit)
        ).fetchall()
    if rows:
        ends.ended(conn, ("queue", project_id), offset + len(rows), _queue_key(rows[-1]))
    return rows


@project_type.field("labelingParameterOverrides")
def resolve_overrides(
    project: dict[str, Any], info: Info, skip: int | None = None, first: int | None = None
) -> Any:
    c = ctx(info)
    offset, limit = page(skip, first)
    overrides: list[dict[str, Any]] = []
    data_rows: list[dict[str, Any]] = []
    for row in queue_page(c.conn, c.state.store.page_ends, project["id"], offset, limit):
        override = lpo_to_gql(row)
        # the page's data rows come with the page, their metadata in one query for the page
        data_row = data_row_to_gql(row) if row["org_id"] == c.org_id else None
        if data_row is not None:
            data_rows.append(data_row)
        override["_data_row"] = data_row
        overrides.append(override)
    if data_rows:
        prefetch(c.conn, data_rows)
    return overrides


@lpo_type.field("dataRow")
def resolve_lpo_data_row(lpo: dict[str, Any], info: Info) -> Any:
    if "_data_row" in lpo:
        return lpo["_data_row"]
    c = ctx(info)
    row = live_row(c.conn, c.org_id, lpo["_data_row_id"])
    return None if row is None else data_row_to_gql(dict(row))


def _describe(keys: Sequence[str]) -> str:
    return ", ".join(keys[:20]) + (f" and {len(keys) - 20} more" if len(keys) > 20 else "")


_RESOLVE_OVERRIDES = """
SELECT COALESCE(di.id, dg.id), p.data_row_id IS NOT NULL
FROM json_each(?1) j
LEFT JOIN data_rows di ON substr(j.value, 1, 1) = 'I' AND di.id = substr(j.value, 2)
    AND di.org_id = ?2 AND di.deleted = 0
LEFT JOIN data_rows dg ON substr(j.value, 1, 1) = 'G'
    AND lower(dg.global_key) = lower(substr(j.value, 2))
    AND dg.org_id = ?2 AND dg.global_key IS NOT NULL AND dg.deleted = 0
LEFT JOIN project_data_rows p ON p.project_id = ?3 AND p.data_row_id = COALESCE(di.id, dg.id)
ORDER BY j.key
"""
"""Per item (``"I" + id`` or ``"G" + global key``, in order): the live data row it names (global
keys match case-insensitively, as the catalog stores them) and whether it is in the project."""

_APPLY_OVERRIDES = """
UPDATE project_data_rows SET lpo_priority = u.value->>1,
    number_of_labels = COALESCE(u.value->>2, number_of_labels), updated_at = ?1
FROM json_each(?2) u WHERE +project_id = ?3 AND data_row_id = u.value->>0
"""
"""Set ``[data row id, priority, numberOfLabels]`` triples (ids distinct, all in the project)."""

_APPLY_LIVE_OVERRIDES = (
    _APPLY_OVERRIDES
    + """ AND EXISTS (SELECT 1 FROM data_rows d
    WHERE d.id = u.value->>0 AND d.org_id = ?4 AND d.deleted = 0)"""
)
"""The same for triples whose ids are not checked yet: only live rows of the organisation."""


_APPLY_PLAIN_OVERRIDES_UNCHECKED = """
UPDATE project_data_rows SET lpo_priority = u.value, updated_at = ?1
FROM json_each(?2) u WHERE +project_id = ?3 AND data_row_id = u.key
"""
_APPLY_PLAIN_OVERRIDES = (
    _APPLY_PLAIN_OVERRIDES_UNCHECKED
    + """    AND NOT EXISTS (SELECT 1 FROM data_rows d INDEXED BY data_rows_deleted
        WHERE d.id = u.key AND d.deleted = 1)
"""
)
""":data:`_APPLY_LIVE_OVERRIDES` of ``{data row id: priority}`` (distinct ids, no numberOfLabels;
an object's members are read without parsing an array per item): a project's rows are rows of
its organisation (only those are queued), so a row is live when the small index of deleted rows
does not hold it, which costs less than reading the row; when that index is empty (no row is
deleted), :data:`_APPLY_PLAIN_OVERRIDES_UNCHECKED` skips the check."""
_ANY_DELETED = "SELECT 1 FROM data_rows INDEXED BY data_rows_deleted WHERE deleted = 1 LIMIT 1"


def apply_plain_overrides(c: Context, project_id: str, keys: Sequence[str], updates: str) -> bool:
    """``project(where: {id}) {setLabelingParameterOverrides(...) {success}}`` for a list of
    data-row ids and priorities only (``updates``: the JSON object ``{id: priority}`` of the
    ``keys``, none needing an escape), when it succeeds as it is: True, the overrides applied.
    False when the request needs the full path (more than 1,000 items, a repeat, a row missing,
    deleted or not in the project, an unknown project): the caller rolls back and runs it
    through graphql-core, which gives the exact answer."""
    try:
        load_project(c.conn, c.org_id, project_id)  # what the project(where:) resolver checks
    except NotFound:
        return False
    if len(keys) > MAX_OVERRIDES_PER_CALL or len(set(keys)) != len(keys):
        return False
    if not keys:
        return True
    deleted = c.conn.execute(_ANY_DELETED).fetchone() is not None
    apply = _APPLY_PLAIN_OVERRIDES if deleted else _APPLY_PLAIN_OVERRIDES_UNCHECKED
    applied = c.conn.execute(apply, (now_iso(), updates, project_id))
    if applied.rowcount != len(keys):
        return False
    touch_project(c.conn, project_id)
    return True


def _resolve(
    conn: sqlite3.Connection, org_id: str, project_id: str, items: list[dict[str, Any]]
) -> list[tuple[str | None, bool]]:
    """Per item: the live data row it names, and whether that row is in the project."""
    identifiers = json_strings(
        [
            ("I" if i["dataRowIdentifier"]["idType"] == "ID" else "G")
            + i["dataRowIdentifier"]["id"]
            for i in items
        ]
    )
    if identifiers is not None:
        rows = conn.execute(_RESOLVE_OVERRIDES, (identifiers, org_id, project_id)).fetchall()
        return [(row[0], bool(row[1])) for row in rows]
    keys: dict[str, list[str]] = {
        "ID": [],
        "GKEY": [],
    }  # a key holding a NUL: look the rows up one by one
    for item in items:
        keys[item["dataRowIdentifier"]["idType"]].append(item["dataRowIdentifier"]["id"])
    found = {
        (kind, key): row["id"]
        for kind in keys
        for key, row in lookup_data_rows(
            conn, org_id, keys[kind], by_global_key=kind == "GKEY"
        ).items()
    }
    present = project_rows(conn, project_id, list(found.values()))
    out: list[tuple[str | None, bool]] = []
    for item in items:
        row_id = found.get((item["dataRowIdentifier"]["idType"], item["dataRowIdentifier"]["id"]))
        out.append((row_id, row_id in present))
    return out


def _refusal(items: list[dict[str, Any]], resolved: list[Any]) -> BadInput | None:
    """Why the list is refused (the first of unknown rows, rows outside the project, bad
    numberOfLabels), or ``None``."""
    unknown = [
        i["dataRowIdentifier"]["id"]
        for i, row in zip(items, resolved, strict=True)
        if row[0] is None
    ]
    if unknown:
        return BadInput(f"Data rows not found: {_describe(unknown)}")
    outside = [
        i["dataRowIdentifier"]["id"] for i, row in zip(items, resolved, strict=True) if not row[1]
    ]
    if outside:
        return BadInput(f"Data rows are not in this project: {_describe(outside)}")
    if any((i.get("numberOfLabels") or 1) < 1 for i in items):
        return BadInput("numberOfLabels must be >= 1")
    return None


@mutations_type.field("setLabelingParameterOverrides")
def resolve_set_overrides(
    project: dict[str, Any],
    info: Info,
    dataWithDataRowIdentifiers: list[dict[str, Any]] | None = None,
) -> Any:
    """All or nothing: an unknown row, or one not in the project, refuses the whole list.

    Distinct data-row ids with valid numberOfLabels (what clients send) are applied in one
    statement that touches only live rows of the project; if it touched fewer rows than given,
    the list is refused (the request rolls back) and the rows are looked up for the reason.
    """
    c = ctx(info)
    items = dataWithDataRowIdentifiers or []
    if len(items) > MAX_OVERRIDES_PER_CALL:
        raise BadInput(
            f"Cannot set labeling parameter overrides for more than {MAX_OVERRIDES_PER_CALL:,}"
            f" data rows at once ({len(items):,} given); use createQueuePriorityUpdateTask"
        )
    if not items:
        return {"success": True}
    stamp = now_iso()
    by_id = [
        i["dataRowIdentifier"]["id"] for i in items if i["dataRowIdentifier"]["idType"] == "ID"
    ]
    if (
        len(by_id) == len(items)
        and len(set(by_id)) == len(by_id)
        and all((i.get("numberOfLabels") or 1) >= 1 for i in items)
        and json_strings(by_id) is not None
    ):
        updates = dumps(
            [
                [key, i["priority"], i.get("numberOfLabels")]
                for key, i in zip(by_id, items, strict=True)
            ]
        )
        applied = c.conn.execute(_APPLY_LIVE_OVERRIDES, (stamp, updates, project["id"], c.org_id))
        if applied.rowcount == len(items):
            touch_project(c.conn, project["id"])
            return {"success": True}
    resolved = _resolve(c.conn, c.org_id, project["id"], items)
    refusal = _refusal(items, resolved)
    if refusal is not None:
        raise refusal
    merged: dict[str | None, list[Any]] = {}
    for (row_id, _present), item in zip(resolved, items, strict=True):
        # a row named twice: the later item wins, as if applied one after the other
        labels = item.get("numberOfLabels")
        entry = merged.setdefault(row_id, [row_id, None, None])
        entry[1] = item["priority"]
        if labels is not None:
            entry[2] = labels
    c.conn.execute(_APPLY_OVERRIDES, (stamp, dumps(list(merged.values())), project["id"]))
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
