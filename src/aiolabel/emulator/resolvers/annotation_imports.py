"""Annotation imports: MAL pre-labels, label imports, MEA predictions and MEA-to-MAL copies.

An import is created RUNNING with one background task (its type names the import kind, so the
usual transition rules control it: ``annotation-import-mal``, ``annotation-import-label``,
``annotation-import-mea``, ``annotation-import-mea-to-mal``). The work reads the NDJSON from the
emulator's own file store (uploaded with the mutation, or an emulator file URL), checks every
line, stores what passed, and writes two NDJSON files: the status of every line (in input
order, blank lines skipped) and the failures alone. The import then reads FINISHED, or FAILED
when the file as a whole cannot be used (unreadable, not UTF-8, over the per-import limits).

Per line: a JSON object; a ``uuid`` (a UUID, unique in the import); a ``dataRow`` with exactly
one of ``id`` / ``globalKey`` naming a live row of the organisation that is in the project; a
feature (``name`` or ``schemaId``) of the project's ontology whose tool or classification type
fits the annotation's shape (bbox, polygon, point, line, mask, ner location, radio / checklist /
text answers, with answers among the feature's options); at most
:data:`MAX_ANNOTATIONS_PER_DATA_ROW` annotations per data row.

A label import makes one label per data row (its annotations in export v2's
``objects``/``classifications`` shape), visible to ``labels()``, ``labelCount`` and exports. A
MAL import stores pre-labels, which, as in Labelbox, are not labels: labellers see them in the
editor. The ontology comes from :func:`project_ontology`.

Layout: this module holds the DDL, the GraphQL shapes, queries, mutations, test controls and
the seed; ``_annotation_checks.py`` the per-line checks (features, geometry, answers);
``_annotation_work.py`` the import's background work (read, check, store, status files,
finish). Helper modules start with ``_`` so that discovery does not take them for domains.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ariadne import MutationType, ObjectType, QueryType

from aiolabel.emulator.context import Info, ctx, read_file
from aiolabel.emulator.errors import BadInput, Conflict, NotFound
from aiolabel.emulator.jobs import Work
from aiolabel.emulator.resolvers._annotation_checks import (
    ANNOTATION_KINDS,
    TOOL_SHAPES,
    Feature,
    Features,
    LineError,
    check_annotation,
    check_classification,
    check_geometry,
)
from aiolabel.emulator.resolvers._annotation_work import (
    MAX_ANNOTATIONS_PER_DATA_ROW,
    MAX_ANNOTATIONS_PER_IMPORT,
    MAX_IMPORT_BYTES,
    WORK_CHUNK_LINES,
    ImportSpec,
    _status_line,
    import_work,
    mea_to_mal_work,
    project_ontology,
)
from aiolabel.emulator.resolvers.base import read_upload, resolve_creator
from aiolabel.emulator.resolvers.projects import (
    load_project,
    project_to_gql,
)
from aiolabel.emulator.store import dumps, now_iso

if TYPE_CHECKING:
    from aiolabel.emulator.state import EmulatorState


__all__ = [
    "ANNOTATION_KINDS",
    "BINDABLES",
    "CONTROLS",
    "DDL",
    "MAX_ANNOTATIONS_PER_DATA_ROW",
    "MAX_ANNOTATIONS_PER_IMPORT",
    "MAX_IMPORT_BYTES",
    "TOOL_SHAPES",
    "WORK_CHUNK_LINES",
    "Feature",
    "Features",
    "ImportSpec",
    "LineError",
    "_status_line",
    "check_annotation",
    "check_classification",
    "check_geometry",
    "import_work",
    "mea_to_mal_work",
    "project_ontology",
    "seed",
]
"""What this module offers: its domain (``DDL``, ``BINDABLES``, ``seed``...) and the helpers
other code imports from here, some of them defined in the ``_``-prefixed modules beside it."""

DDL = """
CREATE TABLE IF NOT EXISTS annotation_imports (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE, org_id TEXT NOT NULL, kind TEXT NOT NULL, parent_id TEXT NOT NULL,
    project_id TEXT, name TEXT NOT NULL, task_id TEXT NOT NULL, input_file_id TEXT,
    input_url TEXT, status_file_id TEXT, error_file_id TEXT, created_by TEXT NOT NULL,
    created_at TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,
    processing_seconds REAL, lines INTEGER, failed_lines INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS annotation_imports_name
    ON annotation_imports (kind, parent_id, name) WHERE deleted = 0;
CREATE TABLE IF NOT EXISTS prelabels (
    import_id TEXT NOT NULL, project_id TEXT NOT NULL, data_row_id TEXT NOT NULL,
    uuid TEXT NOT NULL, annotation TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS prelabels_by_row ON prelabels (project_id, data_row_id);
CREATE INDEX IF NOT EXISTS prelabels_by_import ON prelabels (import_id);
CREATE TABLE IF NOT EXISTS model_run_predictions (
    import_id TEXT NOT NULL, model_run_id TEXT NOT NULL, data_row_id TEXT NOT NULL,
    uuid TEXT NOT NULL, annotation TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS model_run_predictions_by_row
    ON model_run_predictions (model_run_id, data_row_id);
CREATE TABLE IF NOT EXISTS import_ontologies (
    project_id TEXT PRIMARY KEY, ontology TEXT NOT NULL
);
"""


KINDS = {
    "mal": "annotation-import-mal",
    "label": "annotation-import-label",
    "mea": "annotation-import-mea",
    "mea_to_mal": "annotation-import-mea-to-mal",
}
"""Import kind -> the type of its task (the key of its transition rule)."""

query = QueryType()
mutation = MutationType()
mal_type = ObjectType("ModelAssistedLabelingPredictionImport")
label_import_type = ObjectType("LabelImport")
mea_type = ObjectType("ModelErrorAnalysisPredictionImport")
mea_to_mal_type = ObjectType("MEAToMALPredictionImport")


# -- shapes ---------------------------------------------------------------------------------------


_STATES = {"IN_PROGRESS": "RUNNING", "CANCELLING": "RUNNING", "COMPLETE": "FINISHED"}


def import_to_gql(info: Info, row: sqlite3.Row) -> dict[str, Any]:
    c = ctx(info)
    task_row = c.conn.execute("SELECT * FROM tasks WHERE id = ?", (row["task_id"],)).fetchone()
    task = c.state.jobs.observe(c.conn, task_row) if task_row is not None else None
    state = "FAILED" if task is None else _STATES.get(task["status"], "FAILED")
    running = state == "RUNNING"
    percent = 100 if not running else int(100 * (task["completion"] if task else 0))
    input_url = c.file_url(row["input_file_id"]) if row["input_file_id"] else row["input_url"]
    return {
        "id": row["id"],
        "name": row["name"],
        "state": state,
        "progress": f"{percent}%",
        "inputFileUrl": input_url,
        "statusFileUrl": None
        if running or not row["status_file_id"]
        else c.file_url(row["status_file_id"]),
        "errorFileUrl": None
        if running or not row["error_file_id"]
        else c.file_url(row["error_file_id"]),
        "createdAt": row["created_at"],
        "modelRunId": row["parent_id"],
        "_created_by": row["created_by"],
        "_project_id": row["project_id"],
    }


def live_row_count(conn: sqlite3.Connection, project_id: str) -> int:
    """The project's live data rows: its entries (an index-only count) less those whose row is
    deleted (a partial index of the few deleted rows). The same number as the join
    ``project_to_gql`` counts, without a lookup per row: imports are polled often."""
    entries = conn.execute(
        "SELECT COUNT(*) FROM project_data_rows WHERE project_id = ?", (project_id,)
    ).fetchone()[0]
    deleted = conn.execute(
        "SELECT COUNT(*) FROM data_rows d WHERE d.deleted = 1 AND EXISTS (SELECT 1 FROM"
        " project_data_rows p WHERE p.project_id = ? AND p.data_row_id = d.id)",
        (project_id,),
    ).fetchone()[0]
    return int(entries) - int(deleted)


def _resolve_import_project(imported: dict[str, Any], info: Info) -> Any:
    c = ctx(info)
    row = c.conn.execute(
        "SELECT * FROM projects WHERE id = ?", (imported["_project_id"],)
    ).fetchone()
    if row is None:
        return None
    return {
        **project_to_gql(c.conn, row, count=False),
        "dataRowCount": live_row_count(c.conn, row["id"]),
    }


for _type in (mal_type, label_import_type, mea_to_mal_type):
    _type.set_field("project", _resolve_import_project)
for _type in (mal_type, label_import_type, mea_type, mea_to_mal_type):
    _type.set_field("createdBy", resolve_creator)


# -- queries --------------------------------------------------------------------------------------


def _find(info: Info, kind: str, parent_id: str, name: str) -> Any:
    c = ctx(info)
    row = c.conn.execute(
        "SELECT * FROM annotation_imports WHERE kind = ? AND parent_id = ? AND name = ?"
        " AND org_id = ? AND deleted = 0",
        (kind, parent_id, name, c.org_id),
    ).fetchone()
    if row is None:
        raise NotFound(f"No import named {name!r} for {parent_id}")
    return import_to_gql(info, row)


@query.field("modelAssistedLabelingPredictionImport")
def resolve_mal(_: Any, info: Info, where: dict[str, Any]) -> Any:
    return _find(info, "mal", where["projectId"], where["name"])


@query.field("labelImport")
def resolve_label_import(_: Any, info: Info, where: dict[str, Any]) -> Any:
    return _find(info, "label", where["projectId"], where["name"])


@query.field("modelErrorAnalysisPredictionImport")
def resolve_mea(_: Any, info: Info, where: dict[str, Any]) -> Any:
    return _find(info, "mea", where["modelRunId"], where["name"])


@query.field("meaToMalPredictionImport")
def resolve_mea_to_mal(_: Any, info: Info, where: dict[str, Any]) -> Any:
    return _find(info, "mea_to_mal", where["projectId"], where["name"])


# -- mutations ------------------------------------------------------------------------------------


def _create(
    info: Info,
    kind: str,
    data: dict[str, Any],
    *,
    parent_id: str,
    project_id: str | None,
    make_work: Callable[[ImportSpec], Work] | None = None,
) -> Any:
    """Record an import and start its task; the file comes with the mutation or by URL."""
    c = ctx(info)
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise BadInput("name must be a non-empty string")
    taken = c.conn.execute(
        "SELECT 1 FROM annotation_imports WHERE kind = ? AND parent_id = ? AND name = ?"
        " AND deleted = 0",
        (kind, parent_id, name),
    ).fetchone()
    if taken is not None:
        raise Conflict(f"An import named {name!r} already exists")
    import_id = c.new_id()
    spec = ImportSpec(import_id, kind, c.org_id, c.user_id, parent_id, project_id)
    input_file_id = input_url = None
    if make_work is not None:
        work = make_work(spec)
    else:
        url, payload = data.get("fileUrl"), data.get("filePayload")
        if (url is None) == (payload is None):
            raise BadInput("Give exactly one of fileUrl and filePayload")
        content: bytes | None = None
        problem = None
        if payload is not None:
            content = read_upload(payload["file"])
            if payload.get("contentLength") is None or payload["contentLength"] < 0:
                raise BadInput("contentLength must be >= 0")
            input_file_id = c.new_id()
            c.conn.execute(
                "INSERT INTO files (id, filename, content_type, size, data, created_at)"
                " VALUES (?, ?, 'application/x-ndjson', ?, ?, ?)",
                (input_file_id, f"{parent_id}__{name}.ndjson", len(content), content, now_iso()),
            )
        else:
            input_url = str(url)
            content = read_file(c.conn, input_url)
            if content is None:
                problem = f"Could not download {input_url}"
        work = import_work(spec, content, problem, c.state)
    task = c.create_task(type=KINDS[kind], name=f"{kind} import {name}", work=work)
    c.conn.execute(
        "INSERT INTO annotation_imports (id, org_id, kind, parent_id, project_id, name, task_id,"
        " input_file_id, input_url, created_by, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            import_id,
            c.org_id,
            kind,
            parent_id,
            project_id,
            name,
            task["id"],
            input_file_id,
            input_url,
            c.user_id,
            now_iso(),
        ),
    )
    row = c.conn.execute("SELECT * FROM annotation_imports WHERE id = ?", (import_id,)).fetchone()
    return import_to_gql(info, row)


@mutation.field("createModelAssistedLabelingPredictionImport")
def resolve_create_mal(_: Any, info: Info, data: dict[str, Any]) -> Any:
    c = ctx(info)
    project = load_project(c.conn, c.org_id, data["projectId"])
    return _create(info, "mal", data, parent_id=project["id"], project_id=project["id"])


@mutation.field("createLabelImport")
def resolve_create_label_import(_: Any, info: Info, data: dict[str, Any]) -> Any:
    c = ctx(info)
    project = load_project(c.conn, c.org_id, data["projectId"])
    return _create(info, "label", data, parent_id=project["id"], project_id=project["id"])


@mutation.field("createModelErrorAnalysisPredictionImport")
def resolve_create_mea(_: Any, info: Info, data: dict[str, Any]) -> Any:
    model_run_id = data.get("modelRunId")
    if not model_run_id:
        raise BadInput("modelRunId is required")
    return _create(info, "mea", data, parent_id=str(model_run_id), project_id=None)


@mutation.field("createMalPredictionImportForModelRunDataRows")
def resolve_create_mea_to_mal(_: Any, info: Info, data: dict[str, Any]) -> Any:
    c = ctx(info)
    project = load_project(c.conn, c.org_id, data["projectId"])
    if not data["dataRowIds"]:
        raise BadInput("dataRowIds must not be empty")
    return _create(
        info,
        "mea_to_mal",
        data,
        parent_id=project["id"],
        project_id=project["id"],
        make_work=lambda spec: mea_to_mal_work(spec, data["modelRunId"], data["dataRowIds"]),
    )


@mutation.field("deleteModelAssistedLabelingPredictionImport")
def resolve_delete_mal(_: Any, info: Info, where: dict[str, Any]) -> Any:
    """Delete a MAL import and the pre-labels it made."""
    c = ctx(info)
    row = c.conn.execute(
        "SELECT id FROM annotation_imports WHERE id = ? AND org_id = ? AND kind = 'mal'"
        " AND deleted = 0",
        (where["id"], c.org_id),
    ).fetchone()
    if row is None:
        raise NotFound(f"MAL import {where['id']} not found")
    c.conn.execute("UPDATE annotation_imports SET deleted = 1 WHERE id = ?", (row["id"],))
    c.conn.execute("DELETE FROM prelabels WHERE import_id = ?", (row["id"],))
    return {"id": row["id"]}


# -- test controls ------------------------------------------------------------------------------


def set_project_ontology(
    state: EmulatorState, project_id: str, ontology: dict[str, Any]
) -> dict[str, Any]:
    """Give a project the normalized ontology its imports are checked against."""
    if not isinstance(ontology, dict):
        raise ValueError("ontology must be an object {tools, classifications}")
    with state.store.transaction() as conn:
        load_project(conn, state.org_id, project_id)
        conn.execute(
            "INSERT INTO import_ontologies (project_id, ontology) VALUES (?, ?)"
            " ON CONFLICT(project_id) DO UPDATE SET ontology = excluded.ontology",
            (project_id, dumps(ontology)),
        )
    return {"projectId": project_id}


def import_stats(state: EmulatorState, project_id: str | None = None) -> dict[str, Any]:
    """The emulator's own side of imports: how long their work took, lines and pre-labels."""
    with state.store.reading() as conn:
        where, params = ("WHERE project_id = ?", [project_id]) if project_id else ("", [])
        row = conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(processing_seconds), 0), COALESCE(SUM(lines), 0),"
            f" COALESCE(SUM(failed_lines), 0) FROM annotation_imports {where}",
            params,
        ).fetchone()
        prelabels = conn.execute(f"SELECT COUNT(*) FROM prelabels {where}", params).fetchone()[0]
    return {
        "imports": int(row[0]),
        "processingSeconds": float(row[1]),
        "lines": int(row[2]),
        "failedLines": int(row[3]),
        "prelabels": int(prelabels),
    }


def prelabels(state: EmulatorState, project_id: str, data_row_id: str | None = None) -> list[Any]:
    """A project's pre-labels (MAL), as imported, oldest first."""
    with state.store.reading() as conn:
        sql = "SELECT annotation FROM prelabels WHERE project_id = ?"
        params = [project_id]
        if data_row_id is not None:
            sql += " AND data_row_id = ?"
            params.append(data_row_id)
        return [json.loads(r[0]) for r in conn.execute(sql + " ORDER BY rowid", params)]


CONTROLS = {
    "set_project_ontology": set_project_ontology,
    "import_stats": import_stats,
    "prelabels": prelabels,
}


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """Nothing: imports come from requests."""


BINDABLES = [query, mutation, mal_type, label_import_type, mea_type, mea_to_mal_type]
