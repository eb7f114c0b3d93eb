"""The work of one export task (:func:`export_work`): the data rows an :class:`ExportSpec`
selects, one export v2 NDJSON line per row, written as chunk files of about
``export_chunk_bytes`` each that end on line boundaries.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from aiolabel.emulator.jobs import Job, Outcome, Work
from aiolabel.emulator.resolvers._export_filters import ExportSpec
from aiolabel.emulator.resolvers.catalog import (
    chunked,
    export_media_attributes,
    marks,
)
from aiolabel.emulator.resolvers.labeling import QUEUE_ORDER
from aiolabel.emulator.resolvers.projects import WORKFLOW_STATUS
from aiolabel.emulator.store import Store, dumps, now_iso

DEFAULT_CHUNK_BYTES = 1 << 20
ROWS_PER_TRANSACTION = 2_000

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
            " WHERE p.project_seq = (SELECT seq FROM projects WHERE id = ?) AND d.deleted = 0"
            f" AND {where} ORDER BY {QUEUE_ORDER}"
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
