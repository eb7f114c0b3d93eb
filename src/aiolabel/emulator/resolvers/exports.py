"""Exports: ``exportDataRowsInProject`` / ``exportDataRowsInCatalog`` tasks (type
``export-data-rows``) with the search terms the official SDK builds (last activity, label
creation, data-row ids, global keys, batches, workflow status, datasets) and its include* params,
producing NDJSON in the export v2 format, one JSON object per data row.

The result stream is stored as files of about ``export_chunk_bytes`` each, ending on line
boundaries; ``exportMetadataHeader`` gives its size and line count and ``exportFileFromOffset``
the chunk at an offset, as a URL serving exactly ``offsets.start..offsets.end`` (the SDK checks).
Refused filters are MALFORMED_REQUEST errors, which carry the ``errors`` key export calls read.

Layout: this module holds the DDL, the mutations, the stream reads and the test control;
``_export_filters.py`` the search terms and include* params, ``_export_work.py`` the task's
work. Helper modules start with ``_`` so that discovery does not take them for domains.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from ariadne import MutationType, ObjectType

from aiolabel.emulator.context import Context, Info, ctx
from aiolabel.emulator.errors import Malformed
from aiolabel.emulator.resolvers._export_filters import (
    MAX_IDS_PER_TERM,
    MAX_PARAM_IDS,
    WORKFLOW_FILTERS,
    ExportSpec,
    _include,
    compile_terms,
)
from aiolabel.emulator.resolvers._export_work import (
    DEFAULT_CHUNK_BYTES,
    ROWS_PER_TRANSACTION,
    export_work,
)
from aiolabel.emulator.resolvers.catalog import (
    marks,
)
from aiolabel.emulator.resolvers.projects import load_project
from aiolabel.emulator.store import Store

if TYPE_CHECKING:
    from aiolabel.emulator.state import EmulatorState


__all__ = [
    "BINDABLES",
    "CONTROLS",
    "DDL",
    "DEFAULT_CHUNK_BYTES",
    "MAX_IDS_PER_TERM",
    "MAX_PARAM_IDS",
    "ROWS_PER_TRANSACTION",
    "WORKFLOW_FILTERS",
    "ExportSpec",
    "compile_terms",
    "export_work",
    "seed",
]
"""What this module offers: its domain (``DDL``, ``BINDABLES``, ``seed``...) and the helpers
other code imports from here, some of them defined in the ``_``-prefixed modules beside it."""

DDL = """
CREATE TABLE IF NOT EXISTS export_chunks (
    task_id TEXT NOT NULL, stream TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    line_start INTEGER NOT NULL, line_end INTEGER NOT NULL, file_id TEXT NOT NULL,
    PRIMARY KEY (task_id, stream, start)
) WITHOUT ROWID;
"""

EXPORT_TASK_TYPE = "export-data-rows"

mutation = MutationType()
task_type = ObjectType("Task")


# -- mutations ----------------------------------------------------------------------------------


def _search_terms(filters: dict[str, Any]) -> list[Any]:
    search = filters.get("searchQuery") or {}
    return list(search.get("query") or [])


@mutation.field("exportDataRowsInProject")
def resolve_export_project(_: Any, info: Info, input: dict[str, Any]) -> Any:
    c = ctx(info)
    project = load_project(c.conn, c.org_id, input["filters"]["projectId"])
    spec = ExportSpec("project", c.org_id, project["id"], include=_include(input.get("params")))
    compile_terms(spec, _search_terms(input["filters"]))
    size = c.conn.execute(
        "SELECT COUNT(*) FROM project_data_rows WHERE project_id = ?", (project["id"],)
    ).fetchone()[0]
    name = input.get("taskName") or f"Export v2: project - {project['name']}"
    return _start(c, spec, name, int(size))


@mutation.field("exportDataRowsInCatalog")
def resolve_export_catalog(_: Any, info: Info, input: dict[str, Any]) -> Any:
    c = ctx(info)
    params = input.get("params") or {}
    spec = ExportSpec("catalog", c.org_id, None, include=_include(params))
    terms = _search_terms(input["filters"])
    compile_terms(spec, terms)
    if params.get("allProjects"):
        spec.project_ids = [
            row[0]
            for row in c.conn.execute(
                "SELECT id FROM projects WHERE org_id = ? AND deleted = 0", (c.org_id,)
            )
        ]
    elif params.get("projectIds"):
        spec.project_ids = list(params["projectIds"])
    datasets = [t["ids"] for t in terms if t.get("type") == "dataset"]
    ids = [t["ids"] for t in terms if t.get("type") in ("data_row_id", "global_key")]
    if ids:
        size = min(len(i) for i in ids)
    elif datasets:
        size = c.conn.execute(
            f"SELECT COUNT(*) FROM data_rows WHERE deleted = 0 AND dataset_id IN"
            f" ({marks(len(datasets[0]))})",
            datasets[0],
        ).fetchone()[0]
    else:
        size = c.conn.execute(
            "SELECT COUNT(*) FROM data_rows WHERE org_id = ? AND deleted = 0", (c.org_id,)
        ).fetchone()[0]
    return _start(c, spec, input.get("taskName") or "Export v2: catalog", int(size))


def _start(c: Context, spec: ExportSpec, name: str, size: int) -> dict[str, Any]:
    task = c.create_task(
        type=EXPORT_TASK_TYPE,
        name=name,
        work=export_work(spec),
        size=size,
        metadata={"projectId": spec.project_id} if spec.project_id else None,
    )
    return {"taskId": task["id"], "isStreamable": True}


# -- reading the stream -------------------------------------------------------------------------


def _ready(task: dict[str, Any]) -> bool:
    """Whether the parent task (already observed by ``task(where:)``) is a finished export."""
    return bool(task["type"] == EXPORT_TASK_TYPE and task["status"] == "COMPLETE")


@task_type.field("exportMetadataHeader")
def resolve_metadata_header(task: dict[str, Any], info: Info, streamType: str) -> Any:
    if not _ready(task):
        return None
    row = (
        ctx(info)
        .conn.execute(
            'SELECT MAX("end") + 1 AS size, MAX(line_end) + 1 AS lines, COUNT(*) AS chunks'
            " FROM export_chunks WHERE task_id = ? AND stream = ?",
            (task["id"], streamType),
        )
        .fetchone()
    )
    if not row["chunks"]:
        return None
    return {"totalSize": row["size"], "totalLines": row["lines"]}


@task_type.field("exportFileFromOffset")
def resolve_file_from_offset(task: dict[str, Any], info: Info, streamType: str, offset: int) -> Any:
    c = ctx(info)
    if not _ready(task):
        return None
    chunk = c.conn.execute(
        "SELECT * FROM export_chunks WHERE task_id = ? AND stream = ? AND start <= ?"
        " ORDER BY start DESC LIMIT 1",
        (task["id"], streamType, offset),
    ).fetchone()
    if chunk is None or offset > chunk["end"]:
        raise Malformed(f"Offset {offset} is beyond the end of the {streamType} stream")
    url = c.file_url(chunk["file_id"])
    if offset != chunk["start"]:
        url += f"?start={offset - chunk['start']}&end={chunk['end'] - chunk['start']}"
    return {
        "offsets": {"start": offset, "end": chunk["end"]},
        "lines": {"start": chunk["line_start"], "end": chunk["line_end"]},
        "file": url,
    }


def set_export_chunk_bytes(state: EmulatorState, size: int) -> dict[str, int]:
    """Test control: the size export streams are cut into (so tests can see several chunks)."""
    if not isinstance(size, int) or size < 1:
        raise ValueError("size must be a positive integer")
    with state.store.transaction() as conn:
        Store.set_meta(conn, "export_chunk_bytes", str(size))
    return {"size": size}


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """Nothing to seed."""


CONTROLS = {"set_export_chunk_bytes": set_export_chunk_bytes}
BINDABLES = [mutation, task_type]
