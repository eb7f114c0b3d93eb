"""Exports: ``exportDataRowsInProject`` / ``exportDataRowsInCatalog`` tasks (type
``export-data-rows``) with the search terms the official SDK builds (last activity, label
creation, data-row ids, global keys, batches, workflow status, datasets) and its include* params,
producing NDJSON in the export v2 format, one JSON object per data row.

The result stream is stored as files of about ``export_chunk_bytes`` each, ending on line
boundaries; ``exportMetadataHeader`` gives its size and line count and ``exportFileFromOffset``
the chunk at an offset, as a URL serving exactly ``offsets.start..offsets.end`` (the SDK checks).
Refused filters are MALFORMED_REQUEST errors, which carry the ``errors`` key export calls read.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ariadne import MutationType, ObjectType

from aiolabel.emulator.context import Context, Info, ctx
from aiolabel.emulator.errors import Malformed
from aiolabel.emulator.jobs import Job, Outcome, Work
from aiolabel.emulator.resolvers.catalog import (
    chunked,
    export_media_attributes,
    global_key_norm,
    marks,
)
from aiolabel.emulator.resolvers.labeling import QUEUE_ORDER
from aiolabel.emulator.resolvers.projects import WORKFLOW_STATUS, load_project
from aiolabel.emulator.store import Store, dumps, now_iso

if TYPE_CHECKING:
    from aiolabel.emulator.state import EmulatorState

DDL = """
CREATE TABLE IF NOT EXISTS export_chunks (
    task_id TEXT NOT NULL, stream TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    line_start INTEGER NOT NULL, line_end INTEGER NOT NULL, file_id TEXT NOT NULL,
    PRIMARY KEY (task_id, stream, start)
) WITHOUT ROWID;
"""

EXPORT_TASK_TYPE = "export-data-rows"
DEFAULT_CHUNK_BYTES = 1 << 20
ROWS_PER_TRANSACTION = 2_000
MAX_IDS_PER_TERM = 2_000
MAX_PARAM_IDS = 30
WORKFLOW_FILTERS = {
    "InReview": "MANUAL_REVIEW_QUEUE",
    "InRework": "MANUAL_REWORK_QUEUE",
    "ToLabel": "INITIAL_LABELING_QUEUE",
}

mutation = MutationType()
task_type = ObjectType("Task")


# -- filters ------------------------------------------------------------------------------------


@dataclass
class ExportSpec:
    """Everything the export work needs, as plain data (it runs after the request)."""

    kind: str
    """``project`` or ``catalog``."""
    org_id: str
    project_id: str | None
    conditions: list[str] = field(default_factory=list)
    """SQL over ``d`` (data_rows) and, for a project export, ``p`` and ``q``."""
    params: list[Any] = field(default_factory=list)
    include: dict[str, bool] = field(default_factory=dict)
    project_ids: list[str] | None = None
    """Projects a catalog export reports on (``None``: none)."""


def _activity_sql(kind: str) -> str:
    """The last activity on a data row: its own update, its labels, its queue moves."""
    if kind == "project":
        return (
            "MAX(d.updated_at, p.updated_at, COALESCE((SELECT MAX(l.updated_at) FROM labels l"
            " WHERE l.project_id = p.project_id AND l.data_row_id = d.id), ''))"
        )
    return (
        "MAX(d.updated_at, COALESCE((SELECT MAX(l.updated_at) FROM labels l"
        " WHERE l.data_row_id = d.id), ''), COALESCE((SELECT MAX(pp.updated_at)"
        " FROM project_data_rows pp WHERE pp.data_row_id = d.id), ''))"
    )


def _ids(term: dict[str, Any]) -> list[str]:
    ids = term.get("ids")
    if term.get("operator", "is") != "is":
        raise Malformed(f"Unsupported operator {term.get('operator')!r} for {term['type']}")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise Malformed(f"The {term['type']} filter needs a non-empty list of strings")
    if len(ids) > MAX_IDS_PER_TERM:
        raise Malformed(
            f"The {term['type']} filter accepts at most {MAX_IDS_PER_TERM:,} ids ({len(ids):,})"
        )
    return ids


def _instant(text: Any, zone: ZoneInfo, *, end_of_day: bool) -> str:
    """A filter date in the stored timestamp format (UTC); a bare date covers its whole day."""
    if not isinstance(text, str):
        raise Malformed(f"Expected a date string, got {text!r}")
    for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            moment = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if fmt == "%Y-%m-%d" and end_of_day:
            moment = datetime.combine(moment.date(), time.max)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        moment = moment.astimezone(UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    raise Malformed(
        f"Incorrect date {text!r}: use YYYY-MM-DD, YYYY-MM-DD hh:mm:ss or YYYY-MM-DDThh:mm:ss±hhmm"
    )


def _date_range(term: dict[str, Any]) -> tuple[str | None, str | None]:
    value = term.get("value")
    if not isinstance(value, dict):
        raise Malformed(f"The {term['type']} filter needs a value object")
    try:
        zone = ZoneInfo(value.get("timezone") or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise Malformed(f"Unknown timezone {value.get('timezone')!r}") from None
    operator, bounds = value.get("operator"), value.get("value")
    if operator == "BETWEEN":
        if not isinstance(bounds, dict):
            raise Malformed("BETWEEN needs {min, max}")
        low = _instant(bounds.get("min"), zone, end_of_day=False)
        high = _instant(bounds.get("max"), zone, end_of_day=True)
        return low, high
    if operator == "GREATER_THAN_OR_EQUAL":
        return _instant(bounds, zone, end_of_day=False), None
    if operator == "LESS_THAN_OR_EQUAL":
        return None, _instant(bounds, zone, end_of_day=True)
    raise Malformed(f"Unsupported date operator {operator!r}")


def _bounded(expression: str, low: str | None, high: str | None) -> tuple[str, list[str]]:
    parts, params = [], []
    if low is not None:
        parts.append(f"{expression} >= ?")
        params.append(low)
    if high is not None:
        parts.append(f"{expression} <= ?")
        params.append(high)
    return " AND ".join(parts) or "1", params


def compile_terms(spec: ExportSpec, terms: list[Any]) -> None:
    """Turn the SDK's search terms into SQL conditions on ``spec`` (MALFORMED_REQUEST if bad)."""
    for term in terms:
        if not isinstance(term, dict) or not isinstance(term.get("type"), str):
            raise Malformed(f"Each search query term must be an object with a type: {term!r}")
        kind = term["type"]
        if kind == "data_row_id":
            ids = _ids(term)
            spec.conditions.append(f"d.id IN ({marks(len(ids))})")
            spec.params.extend(ids)
        elif kind == "global_key":
            keys = [global_key_norm(k) for k in _ids(term)]
            spec.conditions.append(
                f"d.global_key IS NOT NULL AND lower(d.global_key) IN ({marks(len(keys))})"
            )
            spec.params.extend(keys)
        elif kind == "dataset" and spec.kind == "catalog":
            ids = _ids(term)
            spec.conditions.append(f"d.dataset_id IN ({marks(len(ids))})")
            spec.params.extend(ids)
        elif kind == "batch" and spec.kind == "project":
            ids = _ids(term)
            spec.conditions.append(f"p.batch_id IN ({marks(len(ids))})")
            spec.params.extend(ids)
        elif kind == "data_row_last_activity_at":
            sql, params = _bounded(_activity_sql(spec.kind), *_date_range(term))
            spec.conditions.append(sql)
            spec.params.extend(params)
        elif kind == "labeled_at":
            low, high = _date_range(term)
            sql, params = _bounded("l.created_at", low, high)
            scope = "l.project_id = p.project_id AND " if spec.kind == "project" else ""
            spec.conditions.append(
                f"EXISTS (SELECT 1 FROM labels l WHERE {scope}l.data_row_id = d.id"
                f" AND l.deleted = 0 AND {sql})"
            )
            spec.params.extend(params)
        elif kind == "task_queue_status" and spec.kind == "project":
            status = term.get("status")
            if status == "Done":
                spec.conditions.append("p.queue_id IS NULL")
            elif status in WORKFLOW_FILTERS:
                spec.conditions.append("q.queue_type = ?")
                spec.params.append(WORKFLOW_FILTERS[status])
            else:
                raise Malformed(f"Unknown workflow status {status!r}")
        elif kind == "task_queue_not_exist" and spec.kind == "project":
            spec.conditions.append("q.queue_type = ?")
            spec.params.append(WORKFLOW_FILTERS["ToLabel"])
        else:
            raise Malformed(f"Unsupported filter type {kind!r} for a {spec.kind} export")


def _include(params: dict[str, Any] | None) -> dict[str, bool]:
    params = params or {}
    for key in ("projectIds", "modelRunIds"):
        if len(params.get(key) or []) > MAX_PARAM_IDS:
            raise Malformed(f"{key} cannot exceed {MAX_PARAM_IDS} items")
    names = (
        "Attachments",
        "Embeddings",
        "Metadata",
        "DataRowDetails",
        "ProjectDetails",
        "PerformanceDetails",
        "LabelDetails",
    )
    return {name: bool(params.get(f"include{name}")) for name in names}


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


# -- the work -----------------------------------------------------------------------------------


def _wire_time(stamp: str | None) -> str | None:
    """Stored ``...000Z`` as the export format's ``...000+00:00``."""
    return None if stamp is None else stamp.replace("Z", "+00:00")


class _ChunkWriter:
    """Collects NDJSON lines into stored chunk files that end on line boundaries."""

    def __init__(self, store: Store, task_id: str, chunk_bytes: int) -> None:
        self.store, self.task_id, self.chunk_bytes = store, task_id, chunk_bytes
        self.buffer: list[bytes] = []
        self.buffered = self.offset = self.lines = self.chunk_first_line = 0

    def add(self, conn: sqlite3.Connection, line: bytes) -> None:
        if self.buffer and self.buffered + len(line) > self.chunk_bytes:
            self.flush(conn)
        self.buffer.append(line)
        self.buffered += len(line)
        self.lines += 1

    def flush(self, conn: sqlite3.Connection) -> None:
        if not self.buffer:
            return
        data = b"".join(self.buffer)
        file_id = self.store.new_id()
        conn.execute(
            "INSERT INTO files (id, filename, content_type, size, data, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                file_id,
                f"export-{self.task_id}.ndjson",
                "application/x-ndjson",
                len(data),
                data,
                now_iso(),
            ),
        )
        conn.execute(
            'INSERT INTO export_chunks (task_id, stream, start, "end", line_start, line_end,'
            " file_id) VALUES (?, 'RESULT', ?, ?, ?, ?, ?)",
            (
                self.task_id,
                self.offset,
                self.offset + len(data) - 1,
                self.chunk_first_line,
                self.lines - 1,
                file_id,
            ),
        )
        self.offset += len(data)
        self.chunk_first_line = self.lines
        self.buffer, self.buffered = [], 0


def _candidate_ids(conn: sqlite3.Connection, spec: ExportSpec) -> list[str]:
    where = " AND ".join(f"({c})" for c in spec.conditions) or "1"
    if spec.kind == "project":
        sql = (
            "SELECT d.id FROM project_data_rows p JOIN data_rows d ON d.id = p.data_row_id"
            " LEFT JOIN task_queues q ON q.id = p.queue_id"
            f" WHERE p.project_id = ? AND d.deleted = 0 AND {where} ORDER BY {QUEUE_ORDER}"
        )
        params = [spec.project_id, *spec.params]
    else:
        sql = (
            "SELECT d.id FROM data_rows d WHERE d.org_id = ? AND d.deleted = 0"
            f" AND {where} ORDER BY d.seq"
        )
        params = [spec.org_id, *spec.params]
    return [row[0] for row in conn.execute(sql, params)]


class _Lines:
    """Builds the export object of each data row of a chunk, with small caches across chunks."""

    def __init__(self, conn: sqlite3.Connection, spec: ExportSpec) -> None:
        self.spec = spec
        self.users = {r["id"]: r["email"] for r in conn.execute("SELECT id, email FROM users")}
        self.schemas = {
            r["id"]: r
            for r in conn.execute(
                "SELECT id, name, kind, parent_id FROM metadata_schemas WHERE org_id = ?",
                (spec.org_id,),
            )
        }
        self.datasets: dict[str, str | None] = {}
        self.projects: dict[str, str] = {}
        self.batches: dict[str, str] = {}
        self.queues: dict[str, sqlite3.Row] = {}

    def build(self, conn: sqlite3.Connection, ids: Sequence[str]) -> list[dict[str, Any]]:
        spec, include = self.spec, self.spec.include
        where = f"IN ({marks(len(ids))})"
        rows = {r["id"]: r for r in conn.execute(f"SELECT * FROM data_rows WHERE id {where}", ids)}
        attachments: dict[str, list[dict[str, Any]]] = {}
        if include["Attachments"]:
            for r in conn.execute(
                f"SELECT * FROM attachments WHERE data_row_id {where} ORDER BY created_at, id", ids
            ):
                attachments.setdefault(r["data_row_id"], []).append(
                    {"id": r["id"], "type": r["type"], "value": r["value"], "name": r["name"]}
                )
        metadata: dict[str, list[dict[str, Any]]] = {}
        if include["Metadata"]:
            for r in conn.execute(
                f"SELECT * FROM data_row_metadata WHERE data_row_id {where}", ids
            ):
                metadata.setdefault(r["data_row_id"], []).append(self._metadata(r))
        entries: dict[str, list[sqlite3.Row]] = {}
        project_ids = [spec.project_id] if spec.kind == "project" else spec.project_ids or []
        labels: dict[tuple[str, str], list[sqlite3.Row]] = {}
        if project_ids:
            scope = f"project_id IN ({marks(len(project_ids))})"
            for r in conn.execute(
                f"SELECT * FROM project_data_rows WHERE {scope} AND data_row_id {where}",
                [*project_ids, *ids],
            ):
                entries.setdefault(r["data_row_id"], []).append(r)
            for r in conn.execute(
                f"SELECT * FROM labels WHERE deleted = 0 AND {scope} AND data_row_id {where}"
                " ORDER BY created_at, id",
                [*project_ids, *ids],
            ):
                labels.setdefault((r["project_id"], r["data_row_id"]), []).append(r)
        lines = []
        for data_row_id in ids:
            row = rows.get(data_row_id)
            if row is None:
                continue
            line: dict[str, Any] = {"data_row": self._data_row(conn, row, entries)}
            line["media_attributes"] = export_media_attributes(row["media_attributes"])
            if include["Attachments"]:
                line["attachments"] = attachments.get(data_row_id, [])
            if include["Metadata"]:
                line["metadata_fields"] = metadata.get(data_row_id, [])
            if include["Embeddings"]:
                line["embeddings"] = []
            if spec.kind == "project" or spec.project_ids is not None:
                line["projects"] = {
                    entry["project_id"]: self._project(conn, entry, labels)
                    for entry in entries.get(data_row_id, [])
                }
            lines.append(line)
        return lines

    def _data_row(
        self, conn: sqlite3.Connection, row: sqlite3.Row, entries: dict[str, list[sqlite3.Row]]
    ) -> dict[str, Any]:
        out: dict[str, Any] = {"id": row["id"]}
        if row["global_key"] is not None:
            out["global_key"] = row["global_key"]
        if row["external_id"] is not None:
            out["external_id"] = row["external_id"]
        out["row_data"] = row["row_data"]
        if self.spec.include["DataRowDetails"]:
            activity = [row["updated_at"], *(e["updated_at"] for e in entries.get(row["id"], []))]
            out["details"] = {
                "dataset_id": row["dataset_id"],
                "dataset_name": self._dataset(conn, row["dataset_id"]),
                "created_at": _wire_time(row["created_at"]),
                "updated_at": _wire_time(row["updated_at"]),
                "last_activity_at": _wire_time(max(activity)),
                "created_by": self.users.get(row["created_by"]),
            }
        return out

    def _metadata(self, r: sqlite3.Row) -> dict[str, Any]:
        schema = self.schemas.get(r["schema_id"])
        value = None if r["value"] is None else json.loads(r["value"])
        if schema is not None and schema["kind"] == "CustomMetadataEnum":
            option = self.schemas.get(value) if isinstance(value, str) else None
            value = {"schema_id": value, "schema_name": None if option is None else option["name"]}
        return {
            "schema_id": r["schema_id"],
            "schema_name": None if schema is None else schema["name"],
            "value": value,
        }

    def _dataset(self, conn: sqlite3.Connection, dataset_id: str) -> str | None:
        if dataset_id not in self.datasets:
            found = conn.execute("SELECT name FROM datasets WHERE id = ?", (dataset_id,)).fetchone()
            self.datasets[dataset_id] = None if found is None else found[0]
        return self.datasets[dataset_id]

    def _project(
        self,
        conn: sqlite3.Connection,
        entry: sqlite3.Row,
        labels: dict[tuple[str, str], list[sqlite3.Row]],
    ) -> dict[str, Any]:
        include = self.spec.include
        project_id = entry["project_id"]
        if project_id not in self.projects:
            found = conn.execute("SELECT name FROM projects WHERE id = ?", (project_id,)).fetchone()
            self.projects[project_id] = "" if found is None else found[0]
        own = labels.get((project_id, entry["data_row_id"]), [])
        out: dict[str, Any] = {
            "name": self.projects[project_id],
            "labels": [self._label(label) for label in own],
        }
        if include["ProjectDetails"]:
            queue = self._queue(conn, entry["queue_id"])
            priority = entry["lpo_priority"]
            out["project_details"] = {
                "ontology_id": None,
                "task_id": entry["queue_id"],
                "task_name": "Done" if queue is None else queue["name"],
                "batch_id": entry["batch_id"],
                "batch_name": self._batch(conn, entry["batch_id"]),
                "workflow_status": WORKFLOW_STATUS[None if queue is None else queue["queue_type"]],
                "priority": entry["batch_priority"] if priority is None else priority,
                "consensus_expected_label_count": entry["number_of_labels"],
                "workflow_history": [],
                "selected_label_id": own[-1]["id"] if own else None,
            }
        return out

    def _queue(self, conn: sqlite3.Connection, queue_id: str | None) -> sqlite3.Row | None:
        if queue_id is None:
            return None
        if queue_id not in self.queues:
            self.queues[queue_id] = conn.execute(
                "SELECT name, queue_type FROM task_queues WHERE id = ?", (queue_id,)
            ).fetchone()
        return self.queues[queue_id]

    def _batch(self, conn: sqlite3.Connection, batch_id: str) -> str:
        if batch_id not in self.batches:
            found = conn.execute("SELECT name FROM batches WHERE id = ?", (batch_id,)).fetchone()
            self.batches[batch_id] = "" if found is None else found[0]
        return self.batches[batch_id]

    def _label(self, label: sqlite3.Row) -> dict[str, Any]:
        include = self.spec.include
        annotations = label["annotations"]
        out: dict[str, Any] = {"label_kind": "Default", "version": "1.0.0", "id": label["id"]}
        if include["LabelDetails"]:
            out["label_details"] = {
                "created_at": _wire_time(label["created_at"]),
                "updated_at": _wire_time(label["updated_at"]),
                "created_by": self.users.get(label["created_by"]),
                "content_last_updated_at": _wire_time(label["updated_at"]),
                "reviews": [],
            }
        if include["PerformanceDetails"]:
            out["performance_details"] = {
                "seconds_to_create": label["seconds_to_create"],
                "seconds_to_review": 0,
                "skipped": False,
            }
        out["annotations"] = (
            {"objects": [], "classifications": [], "relationships": []}
            if annotations is None
            else json.loads(annotations)
        )
        return out


def export_work(spec: ExportSpec) -> Work:
    def work(job: Job) -> Outcome:
        with job.store.transaction() as conn:
            ids = _candidate_ids(conn, spec)
            configured = Store.get_meta(conn, "export_chunk_bytes")
            builder = _Lines(conn, spec)
        chunk_bytes = DEFAULT_CHUNK_BYTES if configured is None else int(configured)
        writer = _ChunkWriter(job.store, job.task_id, chunk_bytes)
        done = 0
        for part in chunked(ids, ROWS_PER_TRANSACTION):
            with job.store.transaction() as conn:
                job.check_cancelled(conn)
                for line in builder.build(conn, part):
                    writer.add(conn, (dumps(line) + "\n").encode())
                done += len(part)
                job.progress(conn, done / max(len(ids), 1))
        with job.store.transaction() as conn:
            writer.flush(conn)
        return Outcome(status="COMPLETE")

    return work


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
