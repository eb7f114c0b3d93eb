"""Exports of a model run and of a slice: catalog exports (``export-data-rows`` tasks, the same
lines and streams) over the data rows the run holds or the slice matches when the export starts.
A model run's export carries each row's catalog fields; it has no ``experiments`` section (the
run's predictions and splits are read with ``model_run_data_rows`` and the MEA imports)."""

from __future__ import annotations

import sqlite3
from typing import Any

from ariadne import MutationType

from aiolabel.emulator.context import Context, Info, ctx
from aiolabel.emulator.errors import NotFound
from aiolabel.emulator.resolvers.catalog import marks
from aiolabel.emulator.resolvers.exports import EXPORT_TASK_TYPE, ExportSpec, export_work
from aiolabel.emulator.resolvers.models import load_run
from aiolabel.emulator.resolvers.slices import load_slice, slice_rows

DDL = ""

mutation = MutationType()


def _include(params: dict[str, Any] | None) -> dict[str, bool]:
    params = params or {}
    names = ("Attachments", "Embeddings", "Metadata", "DataRowDetails", "ProjectDetails",
             "PerformanceDetails", "LabelDetails")  # fmt: skip
    return {name: bool(params.get(f"include{name}")) for name in names}


def _start(
    c: Context, condition: str, values: list[str], size: int, params: Any, name: str
) -> dict[str, Any]:
    spec = ExportSpec("catalog", c.org_id, None, include=_include(params))
    spec.conditions.append(condition)
    spec.params.extend(values)
    task = c.create_task(type=EXPORT_TASK_TYPE, name=name, work=export_work(spec), size=size)
    return {"taskId": task["id"], "isStreamable": True}


@mutation.field("exportDataRowsInModelRun")
def resolve_export_model_run(_: Any, info: Info, input: dict[str, Any]) -> Any:
    c = ctx(info)
    run = load_run(c.conn, c.org_id, input["filters"]["modelRunId"])
    size = c.conn.execute(
        "SELECT COUNT(*) FROM model_run_data_rows WHERE model_run_id = ?", (run["id"],)
    ).fetchone()[0]
    condition = "d.id IN (SELECT data_row_id FROM model_run_data_rows WHERE model_run_id = ?)"
    name = input.get("taskName") or "Export v2: model run"
    return _start(c, condition, [run["id"]], int(size), input.get("params"), name)


@mutation.field("exportDataRowsInSlice")
def resolve_export_slice(_: Any, info: Info, input: dict[str, Any]) -> Any:
    c = ctx(info)
    saved = load_slice(c.conn, c.org_id, input["filters"]["sliceId"])
    if saved is None:
        raise NotFound(f"Slice {input['filters']['sliceId']} not found")
    ids = [r["id"] for r in slice_rows(c.conn, c.org_id, saved)]
    condition = f"d.id IN ({marks(len(ids))})" if ids else "0"
    name = input.get("taskName") or f"Export v2: slice - {saved['name']}"
    return _start(c, condition, ids, len(ids), input.get("params"), name)


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """Nothing: exports come from requests."""


BINDABLES = [mutation]
