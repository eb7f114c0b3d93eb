"""The work of one annotation import, run as its background task: read the file, check every
line (:class:`_Checker`, with :mod:`._annotation_checks`), store what passed in chunks, write
the status and error files, and finish the import COMPLETE or FAILED (:func:`import_work`,
:func:`mea_to_mal_work`).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiolabel.emulator.context import Context
from aiolabel.emulator.jobs import Job, Outcome, Work
from aiolabel.emulator.resolvers._annotation_checks import (
    _UUID,
    Features,
    LineError,
    _any_features,
    check_annotation,
)
from aiolabel.emulator.resolvers.catalog import chunked, marks
from aiolabel.emulator.resolvers.ontologies import normalized_ontology, project_ontology_id
from aiolabel.emulator.resolvers.projects import (
    lookup_data_rows,
    touch_project,
)
from aiolabel.emulator.store import dumps, now_iso
from aiolabel.emulator.webhooks import emit_labels

if TYPE_CHECKING:
    from aiolabel.emulator.state import EmulatorState

MAX_ANNOTATIONS_PER_IMPORT = 100_000
"""Lines one import may hold; a longer file FAILS as a whole."""
MAX_IMPORT_BYTES = 100 * 1024 * 1024
"""Bytes one import file may hold; a larger file FAILS as a whole."""
MAX_ANNOTATIONS_PER_DATA_ROW = 5_000
"""Annotations one import may put on one data row (the official SDK's per-label limit)."""
WORK_CHUNK_LINES = 5_000
"""Lines checked and stored per transaction, so requests interleave with a large import."""

# -- the ontology an import is checked against --------------------------------------------------


def project_ontology(conn: sqlite3.Connection, project_id: str) -> dict[str, Any] | None:
    """The normalized ontology (``{"tools": [...], "classifications": [...]}``) of a project,
    or ``None`` when it has none: the ontology connected to it (``connect_ontology``), else one
    given by the ``set_project_ontology`` control."""
    ontology_id = project_ontology_id(conn, project_id)
    if ontology_id is not None:
        return normalized_ontology(conn, ontology_id)
    row = conn.execute(
        "SELECT ontology FROM import_ontologies WHERE project_id = ?", (project_id,)
    ).fetchone()
    return None if row is None else dict(json.loads(row[0]))


# -- the import's work ----------------------------------------------------------------------------


@dataclass
class ImportSpec:
    import_id: str
    kind: str
    org_id: str
    user_id: str
    parent_id: str
    project_id: str | None


def _status(
    line: dict[str, Any] | None, errors: list[str] | None, data_row: dict[str, Any] | None
) -> dict[str, Any]:
    uid = line.get("uuid") if isinstance(line, dict) else None
    status: dict[str, Any] = {
        "uuid": uid if isinstance(uid, str) else None,
        "dataRow": data_row,
        "status": "FAILURE" if errors else "SUCCESS",
    }
    if errors:
        status["errors"] = [
            {"name": "ValidationError", "message": message, "additionalInfo": None}
            for message in errors
        ]
    return status


def _status_line(
    line: dict[str, Any] | None, errors: list[str], data_row: dict[str, Any] | None
) -> bytes:
    """One status file line; a success by plain concatenation (its uuid and data row id were
    checked, so they hold nothing JSON escapes), anything else through the encoder."""
    if errors or data_row is None or len(data_row) != 1 or line is None:
        return dumps(_status(line, errors or None, data_row)).encode() + b"\n"
    return (
        f'{{"uuid":"{line["uuid"]}","dataRow":{{"id":"{data_row["id"]}"}},"status":"SUCCESS"}}\n'
    ).encode()


def _lines(data: bytes) -> Iterator[str]:
    for raw in data.splitlines():
        text = raw.decode("utf-8").strip()
        if text:
            yield text


class _Checker:
    """Checks and stores one import's lines, chunk by chunk."""

    def __init__(self, spec: ImportSpec, features: Features | None) -> None:
        self.spec = spec
        self.features = features
        self.seen: set[str] = set()
        self.per_row: dict[str, int] = {}
        self.labels: dict[str, dict[str, list[dict[str, Any]]]] = {}
        self.statuses = bytearray()
        self.errors = bytearray()
        self.lines = self.failed = 0

    def chunk(self, conn: sqlite3.Connection, texts: list[str]) -> None:
        parsed: list[tuple[dict[str, Any] | None, str | None]] = []
        for text in texts:
            try:
                value = json.loads(text)
            except ValueError:
                parsed.append((None, "Invalid JSON"))
                continue
            if not isinstance(value, dict):
                parsed.append((None, "Each line must be a JSON object"))
            else:
                parsed.append((value, None))
        raw = iter(texts)
        ids, keys = [], []
        for value, _ in parsed:
            ref = value.get("dataRow") if value is not None else None
            if isinstance(ref, dict):
                if isinstance(ref.get("id"), str):
                    ids.append(ref["id"])
                elif isinstance(ref.get("globalKey"), str):
                    keys.append(ref["globalKey"])
        by_id = lookup_data_rows(conn, self.spec.org_id, ids, by_global_key=False)
        by_key = lookup_data_rows(conn, self.spec.org_id, keys, by_global_key=True)
        found = [r["id"] for r in (*by_id.values(), *by_key.values())]
        in_project = self._in_project(conn, found)
        stored: list[tuple[str, str, str, str, str]] = []
        for value, problem in parsed:
            text = next(raw)
            self.lines += 1
            errors: list[str] = [problem] if problem else []
            data_row: dict[str, Any] | None = None
            row_id: str | None = None
            if value is not None:
                row_id, data_row = self._data_row(value, by_id, by_key, in_project, errors)
                self._uuid(value, errors)
            kind_and_annotation = None
            if value is not None and not errors:
                try:
                    kind_and_annotation = check_annotation(self.features, value)
                except LineError as exc:
                    errors.append(str(exc))
            if not errors and row_id is not None:
                count = self.per_row.get(row_id, 0) + 1
                if count > MAX_ANNOTATIONS_PER_DATA_ROW:
                    errors.append(
                        f"More than {MAX_ANNOTATIONS_PER_DATA_ROW} annotations for data row"
                        f" {row_id} in one import"
                    )
                else:
                    self.per_row[row_id] = count
            status = _status_line(value, errors, data_row)
            self.statuses += status
            if errors:
                self.failed += 1
                self.errors += status
                continue
            assert value is not None
            assert row_id is not None
            assert kind_and_annotation is not None
            kind, annotation = kind_and_annotation
            if self.spec.kind == "label":
                groups = self.labels.setdefault(row_id, {"objects": [], "classifications": []})
                groups[kind].append(annotation)
            else:
                stored.append(
                    (self.spec.import_id, self.spec.parent_id, row_id, value["uuid"], text)
                )
        if stored and self.spec.kind == "mea":
            conn.executemany(
                "INSERT INTO model_run_predictions (import_id, model_run_id, data_row_id, uuid,"
                " annotation) VALUES (?, ?, ?, ?, ?)",
                stored,
            )
        elif stored:
            conn.executemany(
                "INSERT INTO prelabels (import_id, project_id, data_row_id, uuid, annotation)"
                " VALUES (?, ?, ?, ?, ?)",
                stored,
            )

    def _in_project(self, conn: sqlite3.Connection, ids: list[str]) -> set[str]:
        if self.spec.project_id is None:
            return set(ids)
        present: set[str] = set()
        for part in chunked(sorted(set(ids))):
            present.update(
                r[0]
                for r in conn.execute(
                    "SELECT data_row_id FROM project_data_rows WHERE project_id = ?"
                    f" AND data_row_id IN ({marks(len(part))})",
                    [self.spec.project_id, *part],
                )
            )
        return present

    @staticmethod
    def _data_row(
        value: dict[str, Any],
        by_id: dict[str, sqlite3.Row],
        by_key: dict[str, sqlite3.Row],
        in_project: set[str],
        errors: list[str],
    ) -> tuple[str | None, dict[str, Any] | None]:
        ref = value.get("dataRow")
        if not isinstance(ref, dict):
            errors.append("dataRow is missing: give {id} or {globalKey}")
            return None, None
        has_id, has_key = ref.get("id") is not None, ref.get("globalKey") is not None
        if has_id == has_key:
            errors.append("dataRow needs exactly one of id and globalKey")
            return None, dict(ref)
        key = ref["id"] if has_id else ref["globalKey"]
        if not isinstance(key, str):
            errors.append("dataRow id and globalKey must be strings")
            return None, dict(ref)
        row = by_id.get(key) if has_id else by_key.get(key)
        if row is None:
            errors.append(f"Data row {key} not found")
            return None, dict(ref)
        shown = {"id": row["id"]} if has_id else {"id": row["id"], "globalKey": key}
        if row["id"] not in in_project:
            errors.append(f"Data row {key} is not in the project")
            return None, shown
        return str(row["id"]), shown

    def _uuid(self, value: dict[str, Any], errors: list[str]) -> None:
        uid = value.get("uuid")
        if not isinstance(uid, str) or not uid:
            errors.append("uuid is missing")
            return
        if _UUID.fullmatch(uid) is None:
            errors.append(f"uuid {uid!r} is not a UUID")
            return
        if uid in self.seen:
            errors.append(f"uuid {uid} appears more than once in the import")
            return
        self.seen.add(uid)

    def store_labels(self, job: Job, state: EmulatorState | None) -> None:
        """Store the labels chunk by chunk; with ``state``, each chunk's ``LABEL_CREATED``
        events go out once it commits."""
        items = list(self.labels.items())
        for part in chunked(items, WORK_CHUNK_LINES):
            with job.store.transaction() as conn:
                stamp = now_iso()
                ids = [job.store.new_id() for _ in part]
                conn.executemany(
                    "INSERT INTO labels (id, project_id, data_row_id, created_by, created_at,"
                    " updated_at, seconds_to_create, annotations) VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
                    [
                        (
                            label_id,
                            self.spec.project_id,
                            row_id,
                            self.spec.user_id,
                            stamp,
                            stamp,
                            dumps({**groups, "relationships": []}),
                        )
                        for label_id, (row_id, groups) in zip(ids, part, strict=True)
                    ],
                )
                event = None
                if state is not None:
                    event = Context(state, conn, self.spec.user_id, self.spec.org_id, base_url="")
                    emit_labels(event, "LABEL_CREATED", ids)
            if event is not None:
                event.run_after_commit()


def import_work(
    spec: ImportSpec,
    data: bytes | None,
    problem: str | None,
    state: EmulatorState | None = None,
) -> Work:
    """The import's work; with ``state``, the labels a label import makes are announced to
    webhooks (``LABEL_CREATED``) as they are stored."""

    def work(job: Job) -> Outcome:
        started = time.perf_counter()
        failure = problem
        checker: _Checker | None = None
        if failure is None and data is not None:
            failure = _file_problem(data)
        if failure is None and data is not None:
            with job.store.transaction() as conn:
                ontology = (
                    project_ontology(conn, spec.project_id) if spec.project_id is not None else None
                )
            features = Features.of(ontology) if spec.kind != "mea" else _any_features()
            checker = _Checker(spec, features)
            texts = list(_lines(data))
            for start in range(0, len(texts), WORK_CHUNK_LINES):
                with job.store.transaction() as conn:
                    checker.chunk(conn, texts[start : start + WORK_CHUNK_LINES])
                    job.progress(conn, (start + WORK_CHUNK_LINES) / max(len(texts), 1))
            if spec.kind == "label":
                checker.store_labels(job, state)
        _finish(job, spec, checker, time.perf_counter() - started)
        if failure is not None:
            return Outcome(status="FAILED", errors=dumps([failure]))
        return Outcome(status="COMPLETE")

    return work


def _file_problem(data: bytes) -> str | None:
    if len(data) > MAX_IMPORT_BYTES:
        return f"The file is larger than {MAX_IMPORT_BYTES} bytes"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "The file is not UTF-8 text"
    lines = sum(1 for line in text.splitlines() if line.strip())
    if lines == 0:
        return "The file holds no annotations"
    if lines > MAX_ANNOTATIONS_PER_IMPORT:
        return (
            f"The file holds {lines} annotations; an import may hold {MAX_ANNOTATIONS_PER_IMPORT}"
        )
    return None


def _finish(job: Job, spec: ImportSpec, checker: _Checker | None, seconds: float) -> None:
    with job.store.transaction() as conn:
        stamp = now_iso()
        files: list[str | None] = [None, None]
        if checker is not None:
            for i, body in enumerate((checker.statuses, checker.errors)):
                file_id = job.store.new_id()
                conn.execute(
                    "INSERT INTO files (id, filename, content_type, size, data, created_at)"
                    " VALUES (?, ?, 'application/x-ndjson', ?, ?, ?)",
                    (file_id, f"{spec.import_id}-{i}.ndjson", len(body), bytes(body), stamp),
                )
                files[i] = file_id
        conn.execute(
            "UPDATE annotation_imports SET status_file_id = ?, error_file_id = ?,"
            " processing_seconds = ?, lines = ?, failed_lines = ? WHERE id = ?",
            (
                files[0],
                files[1],
                seconds,
                None if checker is None else checker.lines,
                None if checker is None else checker.failed,
                spec.import_id,
            ),
        )
        if spec.project_id is not None:
            touch_project(conn, spec.project_id)


def mea_to_mal_work(spec: ImportSpec, model_run_id: str, data_row_ids: list[str]) -> Work:
    """Copy a model run's predictions on these rows into the project as pre-labels."""

    def work(job: Job) -> Outcome:
        started = time.perf_counter()
        checker = _Checker(spec, None)
        with job.store.transaction() as conn:
            present = checker._in_project(conn, data_row_ids)
            for part in chunked(list(dict.fromkeys(data_row_ids))):
                rows = conn.execute(
                    "SELECT data_row_id, uuid, annotation FROM model_run_predictions"
                    f" WHERE model_run_id = ? AND data_row_id IN ({marks(len(part))})",
                    [model_run_id, *part],
                ).fetchall()
                for row in rows:
                    checker.lines += 1
                    errors = (
                        [] if row[0] in present else [f"Data row {row[0]} is not in the project"]
                    )
                    status = dumps(_status({"uuid": row[1]}, errors, {"id": row[0]})).encode()
                    checker.statuses += status + b"\n"
                    if errors:
                        checker.failed += 1
                        checker.errors += status + b"\n"
                        continue
                    conn.execute(
                        "INSERT INTO prelabels (import_id, project_id, data_row_id, uuid,"
                        " annotation) VALUES (?, ?, ?, ?, ?)",
                        (spec.import_id, spec.project_id, row[0], row[1], row[2]),
                    )
        _finish(job, spec, checker, time.perf_counter() - started)
        return Outcome(status="COMPLETE")

    return work
