"""Models and model runs: a model is bound to an ontology; a run holds data rows (each with a
split and optionally a label), a training-metadata config, a training-pipeline status and the
predictions imported through MEA annotation imports (``model_run_predictions``, owned by
annotation_imports). Registering data rows or labels and assigning splits are tasks whose status
the ``MEA...TaskStatus`` queries read; the change is applied when the request is accepted, and
a request naming an unknown data row, label, project or split is refused whole.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ariadne import MutationType, ObjectType, QueryType

from aiolabel.emulator.context import Context, Info, ctx
from aiolabel.emulator.errors import BadInput, NotFound
from aiolabel.emulator.jobs import Job, Outcome
from aiolabel.emulator.resolvers.base import load_task
from aiolabel.emulator.resolvers.catalog import data_row_to_gql, live_row, marks
from aiolabel.emulator.resolvers.ontologies import load_ontology
from aiolabel.emulator.resolvers.projects import load_project
from aiolabel.emulator.store import dumps, now_iso

DDL = """
CREATE TABLE IF NOT EXISTS models (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE, org_id TEXT NOT NULL, name TEXT NOT NULL, ontology_id TEXT NOT NULL,
    created_by TEXT NOT NULL, created_at TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS model_runs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE, org_id TEXT NOT NULL, model_id TEXT NOT NULL, name TEXT NOT NULL,
    training_metadata TEXT, status TEXT, status_metadata TEXT, error_message TEXT,
    created_by TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS model_runs_by_model ON model_runs (model_id, deleted, seq);
CREATE TABLE IF NOT EXISTS model_run_data_rows (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE, model_run_id TEXT NOT NULL, data_row_id TEXT NOT NULL,
    label_id TEXT, split TEXT NOT NULL DEFAULT 'UNASSIGNED'
);
CREATE UNIQUE INDEX IF NOT EXISTS model_run_data_rows_key
    ON model_run_data_rows (model_run_id, data_row_id);
"""

SPLITS = ("TRAINING", "TEST", "VALIDATION", "UNASSIGNED")
MEA_TASK_TYPE = "mea-registration"

query = QueryType()
mutation = MutationType()
model_type = ObjectType("Model")


def model_to_gql(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "ontologyId": row["ontology_id"],
        "createdAt": row["created_at"],
    }


def run_to_gql(row: sqlite3.Row) -> dict[str, Any]:
    metadata = row["training_metadata"]
    return {
        "id": row["id"],
        "name": row["name"],
        "modelId": row["model_id"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "createdBy": row["created_by"],
        "trainingMetadata": None if metadata is None else json.loads(metadata),
        "modelAppId": None,
    }


def load_model(conn: sqlite3.Connection, org_id: str, model_id: str) -> sqlite3.Row:
    row = conn.execute(
        "SELECT * FROM models WHERE id = ? AND org_id = ? AND deleted = 0", (model_id, org_id)
    ).fetchone()
    if row is None:
        raise NotFound(f"Model {model_id} not found")
    assert isinstance(row, sqlite3.Row)
    return row


def load_run(conn: sqlite3.Connection, org_id: str, run_id: str) -> sqlite3.Row:
    """A live model run of the organisation, or RESOURCE_NOT_FOUND."""
    row = conn.execute(
        "SELECT * FROM model_runs WHERE id = ? AND org_id = ? AND deleted = 0", (run_id, org_id)
    ).fetchone()
    if row is None:
        raise NotFound(f"Model run {run_id} not found")
    assert isinstance(row, sqlite3.Row)
    return row


def resolve_rows(
    conn: sqlite3.Connection,
    org_id: str,
    data_row_ids: list[str] | None,
    global_keys: list[str] | None,
) -> list[str]:
    """The ids of these data rows, in order, refusing the whole list if one is unknown."""
    found: list[str] = []
    missing: list[str] = []
    for key in dict.fromkeys(data_row_ids or []):
        row = live_row(conn, org_id, key)
        (found.append(key) if row is not None else missing.append(key))
    for key in dict.fromkeys(global_keys or []):
        row = conn.execute(
            "SELECT id FROM data_rows WHERE global_key = ? AND org_id = ? AND deleted = 0",
            (key, org_id),
        ).fetchone()
        (found.append(row[0]) if row is not None else missing.append(key))
    if missing:
        shown = ", ".join(missing[:10])
        raise NotFound(f"Data rows not found: {shown}" + (" ..." if len(missing) > 10 else ""))
    return list(dict.fromkeys(found))


def register_rows(c: Context, run_id: str, rows: list[tuple[str, str | None]]) -> None:
    """Add (data row, label) pairs to a run; a row already in it keeps its split."""
    for data_row_id, label_id in rows:
        c.conn.execute(
            "INSERT INTO model_run_data_rows (id, model_run_id, data_row_id, label_id)"
            " VALUES (?, ?, ?, ?) ON CONFLICT(model_run_id, data_row_id) DO UPDATE SET"
            " label_id = COALESCE(excluded.label_id, label_id)",
            (c.new_id(), run_id, data_row_id, label_id),
        )
    c.conn.execute("UPDATE model_runs SET updated_at = ? WHERE id = ?", (now_iso(), run_id))


def done_task(c: Context, name: str, run_id: str, size: int) -> str:
    """The task reporting a registration applied with the request."""

    def work(job: Job) -> Outcome:
        return Outcome(status="COMPLETE")

    task = c.create_task(
        type=MEA_TASK_TYPE, name=name, work=work, size=size, metadata={"modelRunId": run_id}
    )
    return str(task["id"])


# -- queries ------------------------------------------------------------------------------------


@query.field("model")
def resolve_model(_: Any, info: Info, where: dict[str, Any]) -> Any:
    c = ctx(info)
    return model_to_gql(load_model(c.conn, c.org_id, where["id"]))


@query.field("models")
def resolve_models(
    _: Any,
    info: Info,
    where: dict[str, Any] | None = None,
    skip: int | None = None,
    first: int | None = None,
) -> Any:
    c = ctx(info)
    sql, params = "", []
    for key, column in (("id", "id"), ("name", "name")):
        if (where or {}).get(key) is not None:
            sql += f" AND {column} = ?"
            params.append(where[key])  # type: ignore[index]
    rows = c.conn.execute(
        f"SELECT * FROM models WHERE org_id = ? AND deleted = 0{sql} ORDER BY seq LIMIT ? OFFSET ?",
        (c.org_id, *params, first if first is not None else -1, skip or 0),
    ).fetchall()
    return [model_to_gql(r) for r in rows]


@model_type.field("modelRuns")
def resolve_model_runs(
    model: dict[str, Any], info: Info, skip: int | None = None, first: int | None = None
) -> Any:
    rows = (
        ctx(info)
        .conn.execute(
            "SELECT * FROM model_runs WHERE model_id = ? AND deleted = 0 ORDER BY seq"
            " LIMIT ? OFFSET ?",
            (model["id"], first if first is not None else -1, skip or 0),
        )
        .fetchall()
    )
    return [run_to_gql(r) for r in rows]


@query.field("modelRun")
def resolve_model_run(_: Any, info: Info, where: dict[str, Any]) -> Any:
    c = ctx(info)
    return run_to_gql(load_run(c.conn, c.org_id, where["id"]))


@query.field("annotationGroups")
def resolve_annotation_groups(
    _: Any, info: Info, where: dict[str, Any], after: str | None = None, first: int | None = None
) -> Any:
    c = ctx(info)
    run = load_run(c.conn, c.org_id, where["modelRunId"]["id"])
    start = int(after) if after else 0
    limit = first if first is not None else 100
    rows = c.conn.execute(
        "SELECT m.*, d.id AS d_id FROM model_run_data_rows m JOIN data_rows d"
        " ON d.id = m.data_row_id AND d.deleted = 0 WHERE m.model_run_id = ? AND m.seq > ?"
        " ORDER BY m.seq LIMIT ?",
        (run["id"], start, limit),
    ).fetchall()
    nodes = []
    for r in rows:
        data_row = live_row(c.conn, c.org_id, r["data_row_id"])
        nodes.append(
            {
                "id": r["id"],
                "dataSplit": r["split"],
                "labelId": r["label_id"],
                "modelRunId": run["id"],
                "dataRow": None if data_row is None else data_row_to_gql(dict(data_row)),
            }
        )
    end = str(rows[-1]["seq"]) if len(rows) == limit else None
    return {"nodes": nodes, "pageInfo": {"endCursor": end}}


def _task_status(info: Info, task_id: str) -> Any:
    task = load_task(info, task_id)
    if task is None or task["type"] != MEA_TASK_TYPE:
        raise NotFound(f"Task {task_id} not found")
    return {"status": task["status"], "errorMessage": task["errors"]}


@query.field("MEALabelRegistrationTaskStatus")
@query.field("MEADataRowRegistrationTaskStatus")
@query.field("assignDataRowsToDataSplitTaskStatus")
def resolve_mea_status(_: Any, info: Info, where: dict[str, Any]) -> Any:
    return _task_status(info, where["id"])


@query.field("modelFoundryModelRunInfo")
def resolve_foundry_info(_: Any, info: Info, where: dict[str, Any]) -> Any:
    c = ctx(info)
    load_run(c.conn, c.org_id, where["modelRunId"])
    raise NotFound("No cost information for this model run")


# -- mutations ----------------------------------------------------------------------------------


@mutation.field("createModel")
def resolve_create_model(_: Any, info: Info, data: dict[str, Any]) -> Any:
    c = ctx(info)
    name = data["name"].strip()
    if not name:
        raise BadInput("A model needs a name")
    load_ontology(c.conn, c.org_id, data["ontologyId"])
    model_id = c.new_id()
    c.conn.execute(
        "INSERT INTO models (id, org_id, name, ontology_id, created_by, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (model_id, c.org_id, name, data["ontologyId"], c.user_id, now_iso()),
    )
    return model_to_gql(load_model(c.conn, c.org_id, model_id))


@mutation.field("deleteModels")
def resolve_delete_models(_: Any, info: Info, where: dict[str, Any]) -> Any:
    c = ctx(info)
    for model_id in where["ids"]:
        load_model(c.conn, c.org_id, model_id)
    for model_id in where["ids"]:
        c.conn.execute("UPDATE models SET deleted = 1 WHERE id = ?", (model_id,))
        c.conn.execute("UPDATE model_runs SET deleted = 1 WHERE model_id = ?", (model_id,))
    return True


@mutation.field("createModelRun")
def resolve_create_run(_: Any, info: Info, data: dict[str, Any]) -> Any:
    c = ctx(info)
    load_model(c.conn, c.org_id, data["modelId"])
    name = data["name"].strip()
    if not name:
        raise BadInput("A model run needs a name")
    run_id, stamp = c.new_id(), now_iso()
    metadata = data.get("trainingMetadata")
    c.conn.execute(
        "INSERT INTO model_runs (id, org_id, model_id, name, training_metadata, created_by,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            run_id,
            c.org_id,
            data["modelId"],
            name,
            None if metadata is None else dumps(metadata),
            c.user_id,
            stamp,
            stamp,
        ),
    )
    return run_to_gql(load_run(c.conn, c.org_id, run_id))


@mutation.field("deleteModelRuns")
def resolve_delete_runs(_: Any, info: Info, where: dict[str, Any]) -> Any:
    c = ctx(info)
    for run_id in where["ids"]:
        load_run(c.conn, c.org_id, run_id)
    c.conn.execute(
        f"UPDATE model_runs SET deleted = 1 WHERE id IN ({marks(len(where['ids']))})",
        where["ids"],
    )
    return True


@mutation.field("deleteModelRunDataRows")
def resolve_delete_run_rows(_: Any, info: Info, where: dict[str, Any]) -> Any:
    c = ctx(info)
    run = load_run(c.conn, c.org_id, where["modelRunId"])
    for data_row_id in where["dataRowIds"]:
        c.conn.execute(
            "DELETE FROM model_run_data_rows WHERE model_run_id = ? AND data_row_id = ?",
            (run["id"], data_row_id),
        )
    return True


@mutation.field("createMEAModelRunDataRowRegistrationTask")
def resolve_register_rows(_: Any, info: Info, where: dict[str, Any], data: dict[str, Any]) -> Any:
    c = ctx(info)
    run = load_run(c.conn, c.org_id, where["id"])
    ids, keys = data.get("dataRowIds"), data.get("globalKeys")
    if not ids and not keys:
        raise BadInput("Provide dataRowIds or globalKeys")
    rows = resolve_rows(c.conn, c.org_id, ids, keys)
    register_rows(c, run["id"], [(r, None) for r in rows])
    return done_task(c, "Register data rows in model run", run["id"], len(rows))


def _register_labels(c: Context, run_id: str, labels: list[sqlite3.Row]) -> str:
    register_rows(c, run_id, [(label["data_row_id"], label["id"]) for label in labels])
    return done_task(c, "Register labels in model run", run_id, len(labels))


@mutation.field("createMEAModelRunLabelRegistrationTask")
def resolve_register_labels(_: Any, info: Info, where: dict[str, Any], data: dict[str, Any]) -> Any:
    c = ctx(info)
    run = load_run(c.conn, c.org_id, where["id"])
    labels = []
    for label_id in dict.fromkeys(data["labelIds"]):
        label = c.conn.execute(
            "SELECT l.* FROM labels l JOIN projects p ON p.id = l.project_id"
            " WHERE l.id = ? AND l.deleted = 0 AND p.org_id = ?",
            (label_id, c.org_id),
        ).fetchone()
        if label is None:
            raise NotFound(f"Label {label_id} not found")
        labels.append(label)
    if not labels:
        raise BadInput("labelIds must not be empty")
    return _register_labels(c, run["id"], labels)


@mutation.field("createMEAModelRunProjectLabelRegistrationTask")
def resolve_register_project_labels(_: Any, info: Info, where: dict[str, Any]) -> Any:
    c = ctx(info)
    run = load_run(c.conn, c.org_id, where["modelRunId"])
    project = load_project(c.conn, c.org_id, where["projectId"])
    labels = c.conn.execute(
        "SELECT * FROM labels WHERE project_id = ? AND deleted = 0 AND is_template = 0"
        " ORDER BY created_at",
        (project["id"],),
    ).fetchall()
    return _register_labels(c, run["id"], labels)


@mutation.field("createAssignDataRowsToDataSplitTask")
def resolve_assign_split(_: Any, info: Info, modelRun: dict[str, Any], data: dict[str, Any]) -> Any:
    c = ctx(info)
    run = load_run(c.conn, c.org_id, modelRun["id"])
    plans = []
    for assignment in data["assignments"]:
        if assignment["split"] not in SPLITS:
            raise BadInput(f"Unknown split {assignment['split']!r}; one of {', '.join(SPLITS)}")
        rows = resolve_rows(
            c.conn, c.org_id, assignment.get("dataRowIds"), assignment.get("globalKeys")
        )
        absent = [
            r
            for r in rows
            if c.conn.execute(
                "SELECT 1 FROM model_run_data_rows WHERE model_run_id = ? AND data_row_id = ?",
                (run["id"], r),
            ).fetchone()
            is None
        ]
        if absent:
            raise BadInput(f"Data rows not in model run {run['id']}: {', '.join(absent[:10])}")
        plans.append((assignment["split"], rows))
    for split, rows in plans:
        for r in rows:
            c.conn.execute(
                "UPDATE model_run_data_rows SET split = ?"
                " WHERE model_run_id = ? AND data_row_id = ?",
                (split, run["id"], r),
            )
    return done_task(c, "Assign data rows to split", run["id"], sum(len(r) for _, r in plans))


@mutation.field("updateTrainingPipeline")
def resolve_update_status(
    _: Any, info: Info, modelRun: dict[str, Any], data: dict[str, Any]
) -> Any:
    c = ctx(info)
    run = load_run(c.conn, c.org_id, modelRun["id"])
    metadata = data.get("metadata")
    c.conn.execute(
        "UPDATE model_runs SET status = ?, status_metadata = ?, error_message = ?, updated_at = ?"
        " WHERE id = ?",
        (
            data["status"],
            None if metadata is None else dumps(metadata),
            data.get("errorMessage"),
            now_iso(),
            run["id"],
        ),
    )
    return {"status": data["status"]}


@mutation.field("updateModelRunConfig")
def resolve_update_config(
    _: Any, info: Info, modelRun: dict[str, Any], data: dict[str, Any]
) -> Any:
    c = ctx(info)
    run = load_run(c.conn, c.org_id, modelRun["id"])
    config = data.get("config") or {}
    if not isinstance(config, dict):
        raise BadInput("config must be an object")
    current = json.loads(run["training_metadata"] or "null") or {}
    merged = {**current, **config}
    c.conn.execute(
        "UPDATE model_runs SET training_metadata = ?, updated_at = ? WHERE id = ?",
        (dumps(merged), now_iso(), run["id"]),
    )
    return {"trainingMetadata": merged}


@mutation.field("resetModelRunConfig")
def resolve_reset_config(_: Any, info: Info, modelRun: dict[str, Any]) -> Any:
    c = ctx(info)
    run = load_run(c.conn, c.org_id, modelRun["id"])
    c.conn.execute(
        "UPDATE model_runs SET training_metadata = NULL, updated_at = ? WHERE id = ?",
        (now_iso(), run["id"]),
    )
    return {"trainingMetadata": None}


# -- controls -----------------------------------------------------------------------------------


def model_run_state(state: Any, model_run_id: str) -> dict[str, Any]:
    """A run's stored state: status, config and its data rows with split and label."""
    with state.store.reading() as conn:
        run = load_run(conn, state.org_id, model_run_id)
        rows = conn.execute(
            "SELECT data_row_id, split, label_id FROM model_run_data_rows"
            " WHERE model_run_id = ? ORDER BY seq",
            (model_run_id,),
        ).fetchall()
        return {
            "status": run["status"],
            "errorMessage": run["error_message"],
            "statusMetadata": json.loads(run["status_metadata"] or "null"),
            "trainingMetadata": json.loads(run["training_metadata"] or "null"),
            "dataRows": {r[0]: {"split": r[1], "labelId": r[2]} for r in rows},
        }


CONTROLS = {"model_run_state": model_run_state}


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """Nothing: models come from requests."""


BINDABLES = [query, mutation, model_type]
