"""Slices and send-to-annotate.

A slice is a saved catalog query (``saved_queries``; a model slice also names its model run):
a list of filters evaluated over the organisation's live data rows each time it is read. The
filters understood are those ``build_catalog_query`` produces, ``{"type": "data_row_id" |
"global_key", "operator": "is", "ids": [...]}``; a filter of any other type is refused.
Slices are made in the app, not through the API: tests make them with the ``create_slice``
control.

``sendToAnnotateFromCatalog`` / ``sendToAnnotateFromMea`` check everything first (destination
project, task queue, source project or model run, feature-schema mapping, batch name) and refuse
the whole request on the first problem, creating nothing. Then, in one transaction: a batch in
the destination project holding the rows (at the batch's priority), moved to the task queue
named (or to Done), and the source's annotations copied onto each row: from a project they
become labels when the rows go to Done and pre-labels otherwise; predictions of a model run
become pre-labels. A row already in the destination project stays where it is (unless
``excludeDataRowsInProject`` leaves it out) and only receives the copy: if it already has labels
or pre-labels there, they are kept under ``KEEP_EXISTING`` and replaced under the two override
strategies. Rows that
could not be sent (unknown, already in the project) are the task's per-row errors, as JSON in
its ``result`` (the task FAILS when no row was sent), as for batch tasks.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ariadne import MutationType, QueryType

from aiolabel.emulator.context import Context, Info, ctx
from aiolabel.emulator.errors import BadInput, NotFound
from aiolabel.emulator.jobs import Job, Outcome
from aiolabel.emulator.resolvers.batches import add_rows, check_name, create_batch_row
from aiolabel.emulator.resolvers.models import load_run
from aiolabel.emulator.resolvers.projects import load_project, rows_outcome, touch_project
from aiolabel.emulator.store import dumps, now_iso
from aiolabel.emulator.webhooks import emit_labels

DDL = """
CREATE TABLE IF NOT EXISTS saved_queries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE, org_id TEXT NOT NULL, name TEXT NOT NULL, description TEXT,
    filter TEXT NOT NULL, model_run_id TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
"""

FILTER_TYPES = ("data_row_id", "global_key")
SEND_TASK_TYPE = "send-to-annotate"
STRATEGIES = ("KEEP_EXISTING", "OVERRIDE_WITH_ANNOTATIONS", "OVERRIDE_WITH_PREDICTIONS")

query = QueryType()
mutation = MutationType()


def check_filters(filters: Any) -> list[dict[str, Any]]:
    if not isinstance(filters, list) or not filters:
        raise BadInput("A catalog query is a non-empty list of filters")
    for f in filters:
        if not isinstance(f, dict) or f.get("type") not in FILTER_TYPES:
            raise BadInput(f"Unsupported catalog filter {f!r}; types: {', '.join(FILTER_TYPES)}")
        if f.get("operator", "is") != "is" or not isinstance(f.get("ids"), list):
            raise BadInput(f"A {f['type']} filter needs operator 'is' and a list of ids")
    return filters


def evaluate(
    conn: sqlite3.Connection, org_id: str, filters: list[dict[str, Any]]
) -> tuple[list[sqlite3.Row], list[str]]:
    """(live data rows matching every filter in first-filter order, keys that matched none)."""
    matched: list[sqlite3.Row] | None = None
    missing: list[str] = []
    for f in filters:
        column = "id" if f["type"] == "data_row_id" else "global_key"
        rows = []
        for key in dict.fromkeys(str(k) for k in f["ids"]):
            row = conn.execute(
                f"SELECT * FROM data_rows WHERE {column} = ? AND org_id = ? AND deleted = 0",
                (key, org_id),
            ).fetchone()
            (rows.append(row) if row is not None else missing.append(key))
        if matched is None:
            matched = rows
        else:
            keep = {r["id"] for r in rows}
            matched = [r for r in matched if r["id"] in keep]
    return matched or [], missing


def load_slice(conn: sqlite3.Connection, org_id: str, slice_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM saved_queries WHERE id = ? AND org_id = ?", (slice_id, org_id)
    ).fetchone()
    return row


def slice_rows(
    conn: sqlite3.Connection, org_id: str, saved: sqlite3.Row, model_run_id: str | None = None
) -> list[sqlite3.Row]:
    """The live rows a slice matches now; a model slice only those in the model run."""
    rows, _ = evaluate(conn, org_id, json.loads(saved["filter"]))
    run_id = model_run_id or saved["model_run_id"]
    if run_id is not None:
        in_run = {
            r[0]
            for r in conn.execute(
                "SELECT data_row_id FROM model_run_data_rows WHERE model_run_id = ?", (run_id,)
            )
        }
        rows = [r for r in rows if r["id"] in in_run]
    return rows


def slice_to_gql(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "description": row["description"],
        "filter": json.loads(row["filter"]),
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
    }


@query.field("getSavedQuery")
def resolve_saved_query(_: Any, info: Info, id: str) -> Any:
    c = ctx(info)
    row = load_slice(c.conn, c.org_id, id)
    return None if row is None else slice_to_gql(row)


@query.field("catalogSavedQueries")
def resolve_catalog_slices(_: Any, info: Info) -> Any:
    c = ctx(info)
    rows = c.conn.execute(
        "SELECT * FROM saved_queries WHERE org_id = ? AND model_run_id IS NULL ORDER BY seq",
        (c.org_id,),
    ).fetchall()
    return [slice_to_gql(r) for r in rows]


@query.field("getDataRowIdentifiersBySavedModelQuery")
def resolve_model_slice_identifiers(_: Any, info: Info, input: dict[str, Any]) -> Any:
    c = ctx(info)
    saved = load_slice(c.conn, c.org_id, input["savedQueryId"])
    if saved is None:
        raise NotFound(f"Slice {input['savedQueryId']} not found")
    run_id = input.get("modelRunId")
    if run_id is not None:
        load_run(c.conn, c.org_id, run_id)
    rows = slice_rows(c.conn, c.org_id, saved, run_id)
    start = 0
    after = input.get("after")
    if after:
        ids = [r["id"] for r in rows]
        if after["dataRowId"] not in ids:
            raise BadInput("after is not a cursor of this slice")
        start = ids.index(after["dataRowId"]) + 1
    if input["first"] < 1:
        raise BadInput("first must be positive")
    page = rows[start : start + input["first"]]
    more = start + len(page) < len(rows)
    last = page[-1] if page and more else None
    return {
        "totalCount": len(rows),
        "nodes": [{"id": r["id"], "globalKey": r["global_key"]} for r in page],
        "pageInfo": {
            "endCursor": None
            if last is None
            else {"dataRowId": last["id"], "globalKey": last["global_key"]},
            "hasNextPage": more,
        },
    }


@query.field("getDataRowIdentifiersBySavedQuery")
def resolve_slice_identifiers(_: Any, info: Info, input: dict[str, Any]) -> Any:
    c = ctx(info)
    saved = load_slice(c.conn, c.org_id, input["savedQueryId"])
    if saved is None:
        raise NotFound(f"Slice {input['savedQueryId']} not found")
    rows = slice_rows(c.conn, c.org_id, saved)
    start = int(input.get("after") or 0)
    first = input["first"]
    if first < 1:
        raise BadInput("first must be positive")
    page = rows[start : start + first]
    more = start + first < len(rows)
    return {
        "totalCount": len(rows),
        "nodes": [{"id": r["id"], "globalKey": r["global_key"]} for r in page],
        "pageInfo": {"endCursor": str(start + first) if more else None, "hasNextPage": more},
    }


# -- send to annotate ---------------------------------------------------------------------------


def _mapping(raw: Any, what: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise BadInput(f"{what}.featureSchemaIdsMapping must map feature schema ids to ids")
    return raw


def _ontology_of(conn: sqlite3.Connection, project_id: str) -> str | None:
    row = conn.execute(
        "SELECT ontology_id FROM project_setup WHERE project_id = ?", (project_id,)
    ).fetchone()
    return None if row is None else row[0]


def _source(c: Context, data: dict[str, Any], destination: str) -> tuple[str, str, dict[str, str]]:
    """(kind, id, mapping) of the annotation source, checked."""
    annotations, predictions = data.get("annotationsInput"), data.get("predictionsInput")
    if annotations and predictions:
        raise BadInput("Give annotationsInput or predictionsInput, not both")
    if annotations:
        project = load_project(c.conn, c.org_id, annotations["projectId"])
        mapping = _mapping(annotations.get("featureSchemaIdsMapping"), "annotationsInput")
        source_ontology = _ontology_of(c.conn, project["id"])
        if not mapping and source_ontology != _ontology_of(c.conn, destination):
            raise BadInput(
                "The source project's ontology differs from the destination's:"
                " annotationsInput.featureSchemaIdsMapping is required"
            )
        return "project", project["id"], mapping
    if predictions:
        run = load_run(c.conn, c.org_id, predictions["modelRunId"])
        mapping = _mapping(predictions.get("featureSchemaIdsMapping"), "predictionsInput")
        return "model_run", run["id"], mapping
    return "none", "", {}


def _remap(annotation: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any] | None:
    """The annotation with its feature schema id mapped; ``None`` when a mapping leaves it out."""
    key = "schemaId" if "schemaId" in annotation else "feature_schema_id"
    schema_id = annotation.get(key)
    if not mapping or schema_id is None:
        return annotation
    if schema_id not in mapping:
        return None
    return {**annotation, key: mapping[schema_id]}


def _bucket(annotation: dict[str, Any]) -> str:
    classification = "answer" in annotation or "radio_answer" in annotation
    return "classifications" if classification or "checklist_answers" in annotation else "objects"


def _source_annotations(
    conn: sqlite3.Connection, kind: str, source_id: str, data_row_id: str
) -> list[tuple[str, dict[str, Any]]]:
    """(objects | classifications, annotation) of a row in the source project or model run."""
    found: list[tuple[str, dict[str, Any]]] = []
    if kind == "project":
        for (text,) in conn.execute(
            "SELECT annotations FROM labels WHERE project_id = ? AND data_row_id = ?"
            " AND deleted = 0 ORDER BY created_at",
            (source_id, data_row_id),
        ):
            stored = json.loads(text or "[]")
            if isinstance(stored, dict):
                for bucket in ("objects", "classifications"):
                    found += [(bucket, a) for a in stored.get(bucket) or []]
            else:
                found += [(_bucket(a), a) for a in stored]
    elif kind == "model_run":
        for (text,) in conn.execute(
            "SELECT annotation FROM model_run_predictions WHERE model_run_id = ?"
            " AND data_row_id = ? ORDER BY rowid",
            (source_id, data_row_id),
        ):
            annotation = json.loads(text)
            found.append((_bucket(annotation), annotation))
    return found


def _copy(
    c: Context,
    source: tuple[str, str, dict[str, str]],
    destination: str,
    data_row_id: str,
    as_labels: bool,
    strategy: str,
) -> tuple[list[str], str | None]:
    """Copy the source's annotations onto the row; the ids of the labels it replaced and of the
    label it made (webhook events are the caller's)."""
    kind, source_id, mapping = source
    copied = [
        (bucket, mapped)
        for bucket, a in _source_annotations(c.conn, kind, source_id, data_row_id)
        if (mapped := _remap(a, mapping)) is not None
    ]
    if not copied:
        return [], None
    existing = c.conn.execute(
        "SELECT (SELECT COUNT(*) FROM labels WHERE project_id = ?1 AND data_row_id = ?2"
        " AND deleted = 0) + (SELECT COUNT(*) FROM prelabels WHERE project_id = ?1"
        " AND data_row_id = ?2)",
        (destination, data_row_id),
    ).fetchone()[0]
    if existing and strategy == "KEEP_EXISTING":
        return [], None
    replaced: list[str] = []
    if existing:
        replaced = [
            r[0]
            for r in c.conn.execute(
                "SELECT id FROM labels WHERE project_id = ? AND data_row_id = ? AND deleted = 0",
                (destination, data_row_id),
            )
        ]
        c.conn.execute(
            "UPDATE labels SET deleted = 1, updated_at = ? WHERE project_id = ? AND data_row_id = ?"
            " AND deleted = 0",
            (now_iso(), destination, data_row_id),
        )
        c.conn.execute(
            "DELETE FROM prelabels WHERE project_id = ? AND data_row_id = ?",
            (destination, data_row_id),
        )
    if as_labels:
        stamp = now_iso()
        label = {
            "objects": [a for b, a in copied if b == "objects"],
            "classifications": [a for b, a in copied if b == "classifications"],
            "relationships": [],
        }
        label_id = c.new_id()
        c.conn.execute(
            "INSERT INTO labels (id, project_id, data_row_id, created_by, created_at, updated_at,"
            " annotations) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (label_id, destination, data_row_id, c.user_id, stamp, stamp, dumps(label)),
        )
        return replaced, label_id
    for _, annotation in copied:
        c.conn.execute(
            "INSERT INTO prelabels (import_id, project_id, data_row_id, uuid, annotation)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                f"send-to-annotate:{source_id}",
                destination,
                data_row_id,
                str(annotation.get("uuid") or c.new_id()),
                dumps(annotation),
            ),
        )
    return replaced, None


def send_to_annotate(c: Context, data: dict[str, Any], filters: Any, run_id: str | None) -> Any:
    project = load_project(c.conn, c.org_id, data["destinationProjectId"])
    queue = data.get("destinationTaskQueue") or {"type": "done"}
    queue_id: str | None = None
    if queue["type"] == "id":
        row = c.conn.execute(
            "SELECT id FROM task_queues WHERE id = ? AND project_id = ?",
            (queue.get("value"), project["id"]),
        ).fetchone()
        if row is None:
            raise NotFound(f"Task queue {queue.get('value')} not found in project {project['id']}")
        queue_id = row[0]
    elif queue["type"] != "done":
        raise BadInput(f"destinationTaskQueue.type must be 'id' or 'done', not {queue['type']!r}")
    source = _source(c, data, project["id"])
    strategy = data.get("conflictLabelsResolutionStrategy") or "KEEP_EXISTING"
    batch = data["batchInput"]
    priority = batch.get("batchPriority") or 5
    if not 1 <= priority <= 5:
        raise BadInput("batchInput.batchPriority must be between 1 and 5")
    name = check_name(batch["batchName"])
    rows, missing = evaluate(c.conn, c.org_id, check_filters(filters))
    if run_id is not None:
        in_run = {
            r[0]
            for r in c.conn.execute(
                "SELECT data_row_id FROM model_run_data_rows WHERE model_run_id = ?", (run_id,)
            )
        }
        missing += [r["id"] for r in rows if r["id"] not in in_run]
        rows = [r for r in rows if r["id"] in in_run]
    failures = [{"dataRowId": key, "error": "Data row not found"} for key in missing]
    ids = [r["id"] for r in rows]
    present = {
        r[0]
        for r in c.conn.execute(
            "SELECT data_row_id FROM project_data_rows WHERE project_id = ?", (project["id"],)
        )
    }
    if data.get("excludeDataRowsInProject"):
        ids = [i for i in ids if i not in present]
    new = [i for i in ids if i not in present]
    if not ids and not failures:
        raise BadInput("No data rows to send: every row is already in the project")
    if not ids:
        raise NotFound("None of the data rows were found")
    batch_id = None
    if new:
        batch_id = create_batch_row(c, project["id"], name, priority, None)
        batch_row = c.conn.execute("SELECT * FROM batches WHERE id = ?", (batch_id,)).fetchone()
        add_failures, _added = add_rows(c.conn, c.org_id, project, batch_row, new)
        failures += add_failures
        refused = {f["dataRowId"] for f in add_failures}
        new = [i for i in new if i not in refused]
        for data_row_id in new:
            c.conn.execute(
                "UPDATE project_data_rows SET queue_id = ? WHERE project_id = ?"
                " AND data_row_id = ?",
                (queue_id, project["id"], data_row_id),
            )
    sent = [i for i in ids if i in present or i in new]
    replaced: list[str] = []
    made: list[str] = []
    for data_row_id in sent:
        as_labels = queue_id is None and source[0] == "project"
        gone, label_id = _copy(c, source, project["id"], data_row_id, as_labels, strategy)
        replaced += gone
        made += [label_id] if label_id is not None else []
    touch_project(c.conn, project["id"])
    emit_labels(c, "LABEL_DELETED", replaced)
    emit_labels(c, "LABEL_CREATED", made)
    outcome = rows_outcome(failures, len(sent))

    def work(job: Job) -> Outcome:
        return outcome

    task = c.create_task(
        type=SEND_TASK_TYPE,
        name=f"Send to annotate: {name}",
        work=work,
        size=len(ids),
        metadata={"projectId": project["id"], "batchId": batch_id, "sent": len(sent)},
    )
    return {"taskId": task["id"]}


@mutation.field("sendToAnnotateFromCatalog")
def resolve_send_from_catalog(_: Any, info: Info, input: dict[str, Any]) -> Any:
    return send_to_annotate(ctx(info), input, input["searchQuery"]["query"], None)


@mutation.field("sendToAnnotateFromMea")
def resolve_send_from_mea(_: Any, info: Info, input: dict[str, Any]) -> Any:
    c = ctx(info)
    run = load_run(c.conn, c.org_id, input["sourceModelRunId"])
    return send_to_annotate(c, input, input["searchQuery"], run["id"])


# -- controls -----------------------------------------------------------------------------------


def create_slice(
    state: Any,
    slice_name: str,
    filter: list[dict[str, Any]],
    description: str | None = None,
    model_run_id: str | None = None,
) -> dict[str, Any]:
    """Save a catalog query (a slice), as the app does; with ``model_run_id``, a model slice."""
    check_filters(filter)
    with state.store.transaction() as conn:
        if model_run_id is not None:
            load_run(conn, state.org_id, model_run_id)
        slice_id, stamp = state.store.new_id(), now_iso()
        conn.execute(
            "INSERT INTO saved_queries (id, org_id, name, description, filter, model_run_id,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                slice_id,
                state.org_id,
                slice_name,
                description,
                dumps(filter),
                model_run_id,
                stamp,
                stamp,
            ),
        )
    return {"id": slice_id}


def project_annotations(state: Any, project_id: str) -> dict[str, list[Any]]:
    """A project's live labels' stored annotations by data row, oldest first."""
    with state.store.reading() as conn:
        found: dict[str, list[Any]] = {}
        for data_row_id, text in conn.execute(
            "SELECT data_row_id, annotations FROM labels WHERE project_id = ? AND deleted = 0"
            " ORDER BY created_at, rowid",
            (project_id,),
        ):
            found.setdefault(data_row_id, []).append(json.loads(text or "null"))
        return found


CONTROLS = {"create_slice": create_slice, "project_annotations": project_annotations}


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """Nothing: slices are saved by the create_slice control."""


BINDABLES = [query, mutation]
