"""Labels, reviews and benchmarks.

Labels live in the projects domain's ``labels`` table (imports and the ``add_label`` control
write them); this module adds what a label carries beyond that (its ``label`` text), reviews,
benchmarks and the project's model-assisted-labelling switch. Deleting a label is a soft delete
that takes its reviews and its benchmark with it.

Webhook events (:mod:`aiolabel.emulator.webhooks`): ``LABEL_UPDATED`` for ``updateLabel``,
``LABEL_DELETED`` per label ``deleteLabels`` removes, and a review's creation, change or removal
as ``LABEL_UPDATED`` of its label (plus the older ``REVIEW_CREATED`` / ``REVIEW_UPDATED``).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from ariadne import MutationType, ObjectType, QueryType

from aiolabel.emulator.context import Info, ctx
from aiolabel.emulator.errors import BadInput, NotFound
from aiolabel.emulator.resolvers.base import bind_owner_relations, page, resolve_creator
from aiolabel.emulator.resolvers.catalog import chunked, data_row_to_gql, live_row, marks
from aiolabel.emulator.resolvers.projects import load_project, project_to_gql, touch_project
from aiolabel.emulator.store import now_iso
from aiolabel.emulator.webhooks import emit_labels, emit_review

DDL = """
CREATE TABLE IF NOT EXISTS label_texts (
    label_id TEXT PRIMARY KEY, label TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS reviews (
    id TEXT PRIMARY KEY, org_id TEXT NOT NULL, project_id TEXT NOT NULL, label_id TEXT NOT NULL,
    score REAL NOT NULL, created_by TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS reviews_by_label ON reviews (label_id, deleted);
CREATE INDEX IF NOT EXISTS reviews_by_project ON reviews (project_id, deleted);
CREATE TABLE IF NOT EXISTS benchmarks (
    id TEXT PRIMARY KEY, project_id TEXT NOT NULL, label_id TEXT NOT NULL,
    created_by TEXT NOT NULL, created_at TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS benchmarks_by_label ON benchmarks (label_id) WHERE deleted = 0;
CREATE INDEX IF NOT EXISTS benchmarks_by_project ON benchmarks (project_id, deleted);
-- deleted data rows (few) by id: lets a project's live row count skip the per-row join
CREATE INDEX IF NOT EXISTS data_rows_deleted ON data_rows (id) WHERE deleted = 1;
CREATE TABLE IF NOT EXISTS project_predictions (
    project_id TEXT PRIMARY KEY, showing INTEGER NOT NULL
);
"""

query = QueryType()
mutation = MutationType()
label_type = ObjectType("Label")
review_type = ObjectType("Review")
benchmark_type = ObjectType("Benchmark")
project_type = ObjectType("Project")
data_row_type = ObjectType("DataRow")
mutations_type = ObjectType("ProjectMutations")
metrics_type = ObjectType("ReviewMetrics")

_ORDER = {
    "createdAt": "l.created_at",
    "updatedAt": "l.updated_at",
    "secondsToLabel": "l.seconds_to_create",
    "id": "l.id",
}

_LABEL_SELECT = (
    "SELECT l.*, t.label AS label_text,"
    " EXISTS (SELECT 1 FROM benchmarks b WHERE b.label_id = l.id AND b.deleted = 0) AS reference"
    " FROM labels l LEFT JOIN label_texts t ON t.label_id = l.id"
)


def label_to_gql(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "label": row["label_text"] if row["label_text"] is not None else "",
        "secondsToLabel": row["seconds_to_create"],
        "agreement": None,
        "benchmarkAgreement": None,
        "isBenchmarkReference": bool(row["reference"]),
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "deleted": bool(row["deleted"]),
        "_created_by": row["created_by"],
        "_project_id": row["project_id"],
        "_data_row_id": row["data_row_id"],
    }


def review_to_gql(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "score": row["score"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "_created_by": row["created_by"],
        "_org_id": row["org_id"],
        "_project_id": row["project_id"],
        "_label_id": row["label_id"],
    }


def benchmark_to_gql(conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    """A benchmark: its agreement and count come from the labels of its data row."""
    label = conn.execute(
        "SELECT data_row_id, project_id FROM labels WHERE id = ?", (row["label_id"],)
    ).fetchone()
    others = 0
    last = row["created_at"]
    if label is not None:
        found = conn.execute(
            "SELECT COUNT(*), MAX(updated_at) FROM labels WHERE project_id = ? AND data_row_id = ?"
            " AND deleted = 0 AND id != ?",
            (label["project_id"], label["data_row_id"], row["label_id"]),
        ).fetchone()
        others = int(found[0])
        last = found[1] or last
    return {
        "id": row["id"],
        "createdAt": row["created_at"],
        "lastActivity": last,
        "averageAgreement": 0.0,
        "completedCount": others,
        "_created_by": row["created_by"],
        "_label_id": row["label_id"],
    }


def load_label(conn: sqlite3.Connection, org_id: str, label_id: str) -> sqlite3.Row:
    """A live label of a live project of the organisation, or RESOURCE_NOT_FOUND."""
    row = conn.execute(
        _LABEL_SELECT + " JOIN projects p ON p.id = l.project_id"
        " WHERE l.id = ? AND l.deleted = 0 AND p.org_id = ? AND p.deleted = 0",
        (label_id, org_id),
    ).fetchone()
    if row is None:
        raise NotFound(f"Label {label_id} not found")
    assert isinstance(row, sqlite3.Row)
    return row


def _label_where(where: dict[str, Any] | None) -> tuple[str, list[Any]]:
    """SQL for a ``LabelWhereInput`` (deleted labels are never listed, whatever it says)."""
    clauses: list[str] = []
    params: list[Any] = []
    for key, value in (where or {}).items():
        if key == "deleted":
            if value:
                clauses.append("0")
        elif key == "id":
            clauses.append("l.id = ?")
            params.append(value)
        elif key == "createdBy":
            if (value or {}).get("id") is not None:
                clauses.append("l.created_by = ?")
                params.append(value["id"])
        elif key == "dataRow":
            value = value or {}
            if value.get("id") is not None:
                clauses.append("l.data_row_id = ?")
                params.append(value["id"])
            dataset = value.get("dataset") or {}
            ids = list(dataset.get("id_in") or [])
            if dataset.get("id") is not None:
                ids.append(dataset["id"])
            if dataset:
                clauses.append(
                    "l.data_row_id IN (SELECT id FROM data_rows WHERE dataset_id IN"
                    f" ({marks(len(ids)) if ids else 'NULL'}))"
                )
                params.extend(ids)
    return "".join(" AND " + c for c in clauses), params


def _labels(
    info: Info,
    column: str,
    owner: str,
    skip: int | None,
    first: int | None,
    where: dict[str, Any] | None,
    order_by: str | None = None,
) -> list[dict[str, Any]]:
    """An offset page of the live labels of a project or data row, oldest first unless
    ``order_by`` says otherwise. In the default order, read by the ``labels_of_project`` /
    ``labels_of_data_row`` index, a page that starts where an earlier one ended continues from
    its last ``(created_at, id)`` (:class:`~aiolabel.emulator.store.PageEnds`), so the
    official SDK's pages of 100 cost O(page) each, not O(offset)."""
    offset, limit = page(skip, first)
    sql, params = _label_where(where)
    c = ctx(info)
    conn, ends = c.conn, c.state.store.page_ends
    head = f"{_LABEL_SELECT} WHERE l.{column} = ? AND l.deleted = 0{sql}"
    if order_by:
        field, _, direction = order_by.rpartition("_")
        order = f" ORDER BY {_ORDER[field]} {direction}, l.id {direction} LIMIT ? OFFSET ?"
        rows = conn.execute(head + order, [owner, *params, limit, offset]).fetchall()
        return [label_to_gql(r) for r in rows]
    listing = ("labels", column, owner, sql, tuple(params))
    known = ends.after(conn, listing, offset)
    if known is not None:
        rows = conn.execute(
            head + " AND (l.created_at, l.id) > (?, ?) ORDER BY l.created_at, l.id LIMIT ?",
            [owner, *params, *known, limit],
        ).fetchall()
    else:
        rows = conn.execute(
            head + " ORDER BY l.created_at, l.id LIMIT ? OFFSET ?", [owner, *params, limit, offset]
        ).fetchall()
    if rows:
        last = rows[-1]
        ends.ended(conn, listing, offset + len(rows), (last["created_at"], last["id"]))
    return [label_to_gql(r) for r in rows]


# -- queries ------------------------------------------------------------------------------------


@project_type.field("labels")
def resolve_project_labels(
    project: dict[str, Any],
    info: Info,
    skip: int | None = None,
    first: int | None = None,
    where: dict[str, Any] | None = None,
    orderBy: str | None = None,
) -> Any:
    return _labels(info, "project_id", project["id"], skip, first, where, orderBy)


@data_row_type.field("labels")
def resolve_data_row_labels(
    data_row: dict[str, Any],
    info: Info,
    skip: int | None = None,
    first: int | None = None,
    where: dict[str, Any] | None = None,
) -> Any:
    return _labels(info, "data_row_id", data_row["id"], skip, first, where)


@project_type.field("benchmarks")
def resolve_project_benchmarks(
    project: dict[str, Any], info: Info, skip: int | None = None, first: int | None = None
) -> Any:
    c = ctx(info)
    offset, limit = page(skip, first)
    rows = c.conn.execute(
        "SELECT * FROM benchmarks WHERE project_id = ? AND deleted = 0"
        " ORDER BY created_at, id LIMIT ? OFFSET ?",
        (project["id"], limit, offset),
    ).fetchall()
    return [benchmark_to_gql(c.conn, r) for r in rows]


@project_type.field("reviewMetrics")
def resolve_review_metrics(project: dict[str, Any], info: Info) -> Any:
    return {"_project_id": project["id"]}


@metrics_type.field("labelAggregate")
def resolve_label_aggregate(
    metrics: dict[str, Any], info: Info, netScore: str | None = None
) -> Any:
    """Labels of the project by the sum of their reviews' scores (``None``: not reviewed)."""
    having = {
        None: None,
        "None": None,
        "Negative": "< 0",
        "Zero": "= 0",
        "Positive": "> 0",
    }[netScore]
    c = ctx(info)
    if having is None:
        sql = (
            "SELECT COUNT(*) FROM labels l WHERE l.project_id = ? AND l.deleted = 0 AND NOT EXISTS"
            " (SELECT 1 FROM reviews r WHERE r.label_id = l.id AND r.deleted = 0)"
        )
    else:
        sql = (
            "SELECT COUNT(*) FROM (SELECT r.label_id FROM reviews r JOIN labels l"
            " ON l.id = r.label_id AND l.deleted = 0 WHERE r.project_id = ? AND r.deleted = 0"
            f" GROUP BY r.label_id HAVING SUM(r.score) {having})"
        )
    return {"count": int(c.conn.execute(sql, (metrics["_project_id"],)).fetchone()[0])}


@project_type.field("showingPredictionsToLabelers")
def resolve_showing(project: dict[str, Any], info: Info) -> bool:
    return showing_predictions(ctx(info).conn, project["id"])


def showing_predictions(conn: sqlite3.Connection, project_id: str) -> bool:
    row = conn.execute(
        "SELECT showing FROM project_predictions WHERE project_id = ?", (project_id,)
    ).fetchone()
    return bool(row[0]) if row is not None else False


@query.field("label")
def resolve_label(_: Any, info: Info, where: dict[str, Any]) -> Any:
    c = ctx(info)
    return label_to_gql(load_label(c.conn, c.org_id, _need_id(where)))


@query.field("review")
def resolve_review(_: Any, info: Info, where: dict[str, Any]) -> Any:
    c = ctx(info)
    return review_to_gql(_load_review(c.conn, c.org_id, _need_id(where)))


@query.field("benchmark")
def resolve_benchmark(_: Any, info: Info, where: dict[str, Any]) -> Any:
    c = ctx(info)
    row = c.conn.execute(
        "SELECT b.* FROM benchmarks b JOIN projects p ON p.id = b.project_id"
        " WHERE b.id = ? AND b.deleted = 0 AND p.org_id = ?",
        (_need_id(where), c.org_id),
    ).fetchone()
    if row is None:
        raise NotFound(f"Benchmark {where['id']} not found")
    return benchmark_to_gql(c.conn, row)


def _need_id(where: dict[str, Any]) -> str:
    if not where.get("id"):
        raise BadInput("where needs an id")
    return str(where["id"])


def _load_review(conn: sqlite3.Connection, org_id: str, review_id: str) -> sqlite3.Row:
    row = conn.execute(
        "SELECT * FROM reviews WHERE id = ? AND org_id = ? AND deleted = 0", (review_id, org_id)
    ).fetchone()
    if row is None:
        raise NotFound(f"Review {review_id} not found")
    assert isinstance(row, sqlite3.Row)
    return row


# -- relations ----------------------------------------------------------------------------------


@label_type.field("project")
@review_type.field("project")
def resolve_owner_project(owned: dict[str, Any], info: Info) -> Any:
    c = ctx(info)
    row = c.conn.execute(
        "SELECT * FROM projects WHERE id = ? AND org_id = ?", (owned["_project_id"], c.org_id)
    ).fetchone()
    return None if row is None else project_to_gql(c.conn, row)


@label_type.field("dataRow")
def resolve_label_data_row(label: dict[str, Any], info: Info) -> Any:
    c = ctx(info)
    row = live_row(c.conn, c.org_id, label["_data_row_id"])
    return None if row is None else data_row_to_gql(dict(row))


@label_type.field("reviews")
def resolve_label_reviews(
    label: dict[str, Any], info: Info, skip: int | None = None, first: int | None = None
) -> Any:
    offset, limit = page(skip, first)
    rows = (
        ctx(info)
        .conn.execute(
            "SELECT * FROM reviews WHERE label_id = ? AND deleted = 0"
            " ORDER BY created_at, id LIMIT ? OFFSET ?",
            (label["id"], limit, offset),
        )
        .fetchall()
    )
    return [review_to_gql(r) for r in rows]


@review_type.field("label")
@benchmark_type.field("referenceLabel")
def resolve_owner_label(owned: dict[str, Any], info: Info) -> Any:
    c = ctx(info)
    row = c.conn.execute(_LABEL_SELECT + " WHERE l.id = ?", (owned["_label_id"],)).fetchone()
    return None if row is None else label_to_gql(row)


bind_owner_relations(review_type)
label_type.set_field("createdBy", resolve_creator)
benchmark_type.set_field("createdBy", resolve_creator)


# -- mutations ----------------------------------------------------------------------------------


@mutation.field("deleteLabels")
def resolve_delete_labels(_: Any, info: Info, labelIds: list[str]) -> Any:
    """Soft-delete the organisation's labels among ``labelIds`` (others are ignored)."""
    c = ctx(info)
    deleted: list[dict[str, Any]] = []
    stamp = now_iso()
    projects: set[str] = set()
    for part in chunked(list(dict.fromkeys(labelIds))):
        rows = c.conn.execute(
            "SELECT l.id, l.project_id FROM labels l JOIN projects p ON p.id = l.project_id"
            f" WHERE l.id IN ({marks(len(part))}) AND l.deleted = 0 AND p.org_id = ?",
            [*part, c.org_id],
        ).fetchall()
        ids = [r["id"] for r in rows]
        if not ids:
            continue
        projects.update(r["project_id"] for r in rows)
        holes = marks(len(ids))
        c.conn.execute(
            f"UPDATE labels SET deleted = 1, updated_at = ? WHERE id IN ({holes})", [stamp, *ids]
        )
        c.conn.execute(
            f"UPDATE reviews SET deleted = 1, updated_at = ? WHERE label_id IN ({holes})",
            [stamp, *ids],
        )
        c.conn.execute(f"UPDATE benchmarks SET deleted = 1 WHERE label_id IN ({holes})", ids)
        deleted.extend({"id": i} for i in ids)
    for project_id in projects:
        touch_project(c.conn, project_id)
    emit_labels(c, "LABEL_DELETED", [d["id"] for d in deleted])
    return deleted


@mutation.field("updateLabel")
def resolve_update_label(_: Any, info: Info, where: dict[str, Any], data: dict[str, Any]) -> Any:
    c = ctx(info)
    label = load_label(c.conn, c.org_id, _need_id(where))
    stamp = now_iso()
    if "label" in data:
        if data["label"] is None:
            raise BadInput("label must not be null")
        c.conn.execute(
            "INSERT INTO label_texts (label_id, label) VALUES (?, ?)"
            " ON CONFLICT(label_id) DO UPDATE SET label = excluded.label",
            (label["id"], data["label"]),
        )
    if data.get("secondsToLabel") is not None:
        c.conn.execute(
            "UPDATE labels SET seconds_to_create = ? WHERE id = ?",
            (data["secondsToLabel"], label["id"]),
        )
    c.conn.execute("UPDATE labels SET updated_at = ? WHERE id = ?", (stamp, label["id"]))
    emit_labels(c, "LABEL_UPDATED", [label["id"]])
    return label_to_gql(load_label(c.conn, c.org_id, label["id"]))


@mutation.field("createReview")
def resolve_create_review(_: Any, info: Info, data: dict[str, Any]) -> Any:
    c = ctx(info)
    label = load_label(c.conn, c.org_id, _connect_id(data, "label"))
    if data.get("project") is not None and _connect_id(data, "project") != label["project_id"]:
        raise BadInput("The review's project is not the label's project")
    score = float(data["score"])
    if score != score or score in (float("inf"), float("-inf")):
        raise BadInput("score must be a finite number")
    review_id, stamp = c.new_id(), now_iso()
    c.conn.execute(
        "INSERT INTO reviews (id, org_id, project_id, label_id, score, created_by, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (review_id, c.org_id, label["project_id"], label["id"], score, c.user_id, stamp, stamp),
    )
    review = _load_review(c.conn, c.org_id, review_id)
    emit_review(c, review, "created")
    return review_to_gql(review)


def _connect_id(data: dict[str, Any], key: str) -> str:
    value = ((data.get(key) or {}).get("connect") or {}).get("id")
    if not value:
        raise BadInput(f"{key}: {{connect: {{id}}}} needs an id")
    return str(value)


@mutation.field("updateReview")
def resolve_update_review(_: Any, info: Info, where: dict[str, Any], data: dict[str, Any]) -> Any:
    """Change a review's score, or soft-delete it with ``data: {deleted: true}``."""
    c = ctx(info)
    review = _load_review(c.conn, c.org_id, _need_id(where))
    stamp = now_iso()
    if data.get("deleted"):
        c.conn.execute(
            "UPDATE reviews SET deleted = 1, updated_at = ? WHERE id = ?", (stamp, review["id"])
        )
        removed = c.conn.execute("SELECT * FROM reviews WHERE id = ?", (review["id"],)).fetchone()
        emit_review(c, removed, "deleted")
        return review_to_gql(review)
    if data.get("score") is not None:
        c.conn.execute(
            "UPDATE reviews SET score = ?, updated_at = ? WHERE id = ?",
            (float(data["score"]), stamp, review["id"]),
        )
        emit_review(c, _load_review(c.conn, c.org_id, review["id"]), "updated")
    return review_to_gql(_load_review(c.conn, c.org_id, review["id"]))


@mutation.field("createBenchmark")
def resolve_create_benchmark(_: Any, info: Info, data: dict[str, Any]) -> Any:
    """Make a label its data row's benchmark (one per label)."""
    c = ctx(info)
    label = load_label(c.conn, c.org_id, data["labelId"])
    if label["reference"]:
        raise BadInput(f"Label {label['id']} is already a benchmark")
    benchmark_id = c.new_id()
    c.conn.execute(
        "INSERT INTO benchmarks (id, project_id, label_id, created_by, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (benchmark_id, label["project_id"], label["id"], c.user_id, now_iso()),
    )
    row = c.conn.execute("SELECT * FROM benchmarks WHERE id = ?", (benchmark_id,)).fetchone()
    return benchmark_to_gql(c.conn, row)


@mutation.field("deleteBenchmark")
def resolve_delete_benchmark(_: Any, info: Info, where: dict[str, Any]) -> Any:
    c = ctx(info)
    label = load_label(c.conn, c.org_id, where["labelId"])
    row = c.conn.execute(
        "SELECT * FROM benchmarks WHERE label_id = ? AND deleted = 0", (label["id"],)
    ).fetchone()
    if row is None:
        raise NotFound(f"Label {label['id']} is not a benchmark")
    c.conn.execute("UPDATE benchmarks SET deleted = 1 WHERE id = ?", (row["id"],))
    return benchmark_to_gql(c.conn, row)


@mutations_type.field("showPredictionsToLabelers")
def resolve_show_predictions(project: dict[str, Any], info: Info, show: bool) -> Any:
    c = ctx(info)
    load_project(c.conn, c.org_id, project["id"])
    c.conn.execute(
        "INSERT INTO project_predictions (project_id, showing) VALUES (?, ?)"
        " ON CONFLICT(project_id) DO UPDATE SET showing = excluded.showing",
        (project["id"], int(show)),
    )
    return {"id": project["id"], "showingPredictionsToLabelers": bool(show)}


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """Nothing: labels come from imports and the ``add_label`` control."""


BINDABLES = [
    query,
    mutation,
    label_type,
    review_type,
    benchmark_type,
    project_type,
    data_row_type,
    mutations_type,
    metrics_type,
]
