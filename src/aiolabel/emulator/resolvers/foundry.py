"""Foundry apps and model jobs, run by a deterministic fake model.

An app names a model, an ontology, inference parameters and ``classToSchemaId`` (class name to
feature schema id). ``createModelJobForDataRows`` creates a model run named as asked under the
app's model, registers the data rows (refusing the whole job if one is unknown) and stores one
prediction per row: a whole-image bounding box (or, for an app with no classes, nothing) of the
class picked by a hash of the data row id, with a confidence derived from the same hash. The
same rows always get the same predictions; no real inference happens.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Any

from ariadne import MutationType, QueryType

from aiolabel.emulator.context import Info, ctx
from aiolabel.emulator.errors import BadInput
from aiolabel.emulator.jobs import Job, Outcome
from aiolabel.emulator.resolvers.models import load_model, register_rows, resolve_rows
from aiolabel.emulator.resolvers.ontologies import load_ontology
from aiolabel.emulator.store import dumps, now_iso

DDL = """
CREATE TABLE IF NOT EXISTS foundry_apps (
    id TEXT PRIMARY KEY, org_id TEXT NOT NULL, model_id TEXT NOT NULL, name TEXT NOT NULL,
    description TEXT, inference_params TEXT NOT NULL, class_to_schema_id TEXT NOT NULL,
    ontology_id TEXT NOT NULL, created_by TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0
);
"""

JOB_TASK_TYPE = "model-job"

query = QueryType()
mutation = MutationType()


def app_to_gql(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "modelId": row["model_id"],
        "name": row["name"],
        "description": row["description"],
        "inferenceParams": json.loads(row["inference_params"]),
        "classToSchemaId": json.loads(row["class_to_schema_id"]),
        "ontologyId": row["ontology_id"],
        "createdBy": row["created_by"],
    }


def fake_prediction(data_row_id: str, classes: dict[str, str]) -> dict[str, Any] | None:
    """The fake model's prediction for one row: deterministic in the row id."""
    if not classes:
        return None
    digest = hashlib.sha256(data_row_id.encode()).digest()
    name = sorted(classes)[digest[0] % len(classes)]
    return {
        "uuid": hashlib.sha256(b"foundry:" + data_row_id.encode()).hexdigest()[:32],
        "dataRow": {"id": data_row_id},
        "name": name,
        "schemaId": classes[name],
        "bbox": {"top": 0, "left": 0, "height": 1, "width": 1},
        "confidence": round(0.5 + digest[1] / 510, 3),
    }


@query.field("findModelFoundryApp")
def resolve_app(_: Any, info: Info, where: dict[str, Any]) -> Any:
    c = ctx(info)
    row = c.conn.execute(
        "SELECT * FROM foundry_apps WHERE id = ? AND org_id = ? AND deleted = 0",
        (where["id"], c.org_id),
    ).fetchone()
    if row is None:  # the service answers a generic error saying "not found"
        raise BadInput(f"Foundry app {where['id']} not found")
    return app_to_gql(row)


@mutation.field("createModelFoundryApp")
def resolve_create_app(_: Any, info: Info, input: dict[str, Any]) -> Any:
    c = ctx(info)
    load_model(c.conn, c.org_id, input["modelId"])
    load_ontology(c.conn, c.org_id, input["ontologyId"])
    classes = input["classToSchemaId"]
    if not isinstance(classes, dict) or not all(isinstance(v, str) for v in classes.values()):
        raise BadInput("classToSchemaId must map class names to feature schema ids")
    app_id = c.new_id()
    c.conn.execute(
        "INSERT INTO foundry_apps (id, org_id, model_id, name, description, inference_params,"
        " class_to_schema_id, ontology_id, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (app_id, c.org_id, input["modelId"], input["name"], input.get("description"),
         dumps(input["inferenceParams"]), dumps(classes), input["ontologyId"], c.user_id),
    )  # fmt: skip
    return resolve_app(None, info, {"id": app_id})


@mutation.field("deleteModelFoundryApp")
def resolve_delete_app(_: Any, info: Info, id: str) -> Any:
    c = ctx(info)
    resolve_app(None, info, {"id": id})
    c.conn.execute("UPDATE foundry_apps SET deleted = 1 WHERE id = ?", (id,))
    return {"success": True}


@mutation.field("createModelJobForDataRows")
def resolve_model_job(_: Any, info: Info, input: dict[str, Any]) -> Any:
    c = ctx(info)
    model = load_model(c.conn, c.org_id, input["modelId"])
    name = str(input["name"]).strip()
    if not name:
        raise BadInput("A model run needs a name")
    ids, keys = input.get("dataRowIds"), input.get("globalKeys")
    if not ids and not keys:
        raise BadInput("Provide dataRowIds or globalKeys")
    rows = resolve_rows(c.conn, c.org_id, ids, keys)
    classes = input.get("classToSchemaId") or {}
    if input.get("modelAppId"):
        app = resolve_app(None, info, {"id": input["modelAppId"]})
        classes = classes or app["classToSchemaId"]
    run_id, stamp = c.new_id(), now_iso()
    c.conn.execute(
        "INSERT INTO model_runs (id, org_id, model_id, name, training_metadata, created_by,"
        " created_at, updated_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'COMPLETE')",
        (run_id, c.org_id, model["id"], name, dumps(input.get("inferenceParams") or {}),
         c.user_id, stamp, stamp),
    )  # fmt: skip
    register_rows(c, run_id, [(r, None) for r in rows])
    for data_row_id in rows:
        prediction = fake_prediction(data_row_id, classes)
        if prediction is not None:
            c.conn.execute(
                "INSERT INTO model_run_predictions (import_id, model_run_id, data_row_id, uuid,"
                " annotation) VALUES (?, ?, ?, ?, ?)",
                (f"foundry:{run_id}", run_id, data_row_id, prediction["uuid"], dumps(prediction)),
            )

    def work(job: Job) -> Outcome:
        return Outcome(status="COMPLETE", result=dumps({"modelRunId": run_id}))

    task = c.create_task(
        type=JOB_TASK_TYPE,
        name=f"Model job: {name}",
        work=work,
        size=len(rows),
        metadata={"modelRunId": run_id},
    )
    return {"taskId": task["id"]}


def model_run_predictions(state: Any, model_run_id: str) -> list[Any]:
    """A model run's stored predictions, oldest first."""
    with state.store.reading() as conn:
        return [
            json.loads(r[0])
            for r in conn.execute(
                "SELECT annotation FROM model_run_predictions WHERE model_run_id = ?"
                " ORDER BY rowid",
                (model_run_id,),
            )
        ]


def create_foundry_app(
    state: Any, model_id: str, classes: dict[str, str], name: str = "app"
) -> dict[str, Any]:
    """An app over a model and its ontology, as ``createModelFoundryApp`` makes it."""
    with state.store.transaction() as conn:
        model = load_model(conn, state.org_id, model_id)
        app_id = state.store.new_id()
        conn.execute(
            "INSERT INTO foundry_apps (id, org_id, model_id, name, inference_params,"
            " class_to_schema_id, ontology_id, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (app_id, state.org_id, model_id, name, "{}", dumps(classes), model["ontology_id"],
             state.user_id),
        )  # fmt: skip
    return {"id": app_id}


CONTROLS = {
    "model_run_predictions": model_run_predictions,
    "create_foundry_app": create_foundry_app,
}


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """Nothing: apps come from requests."""


BINDABLES = [query, mutation]
