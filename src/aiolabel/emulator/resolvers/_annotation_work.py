"""The work of one annotation import, run as its background task: read the file, check every
line (:class:`_Checker`, with :mod:`._annotation_checks`), store what passed in chunks, write
the status and error files, and finish the import COMPLETE or FAILED (:func:`import_work`,
:func:`mea_to_mal_work`).
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from json.encoder import encode_basestring as _json_string
from typing import TYPE_CHECKING, Any

from pydantic_core import from_json

from aiolabel.emulator.context import Context
from aiolabel.emulator.jobs import Job, Outcome, Work
from aiolabel.emulator.resolvers._annotation_checks import (
    _UUID,
    Features,
    LineError,
    _any_features,
    check_annotation,
    check_line,
)
from aiolabel.emulator.resolvers.catalog import chunked, global_key_norm, json_strings, marks
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
    checked, so they hold nothing JSON escapes; a global key is escaped as the encoder does),
    anything else through the encoder."""
    if errors or data_row is None or line is None:
        return dumps(_status(line, errors or None, data_row)).encode() + b"\n"
    if len(data_row) == 1:
        return (
            f'{{"uuid":"{line["uuid"]}","dataRow":{{"id":"{data_row["id"]}"}},'
            '"status":"SUCCESS"}\n'
        ).encode()
    return (
        f'{{"uuid":"{line["uuid"]}","dataRow":{{"id":"{data_row["id"]}",'
        f'"globalKey":{_json_string(data_row["globalKey"])}}},"status":"SUCCESS"}}\n'
    ).encode()


_INVALID = object()
"""Stands for a line that is not JSON."""


def _parse(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return _INVALID


def _values(raws: list[bytes]) -> list[Any]:
    """Each line's JSON value, or :data:`_INVALID`. The Rust parser pydantic ships reads them
    all; if it refuses one, each line is read alone and what it refuses (a lone surrogate
    escape) goes to :func:`json.loads`, so the values are exactly those ``json.loads`` gives."""
    try:
        return list(map(from_json, raws))
    except ValueError:
        pass
    values: list[Any] = []
    for raw in raws:
        try:
            values.append(from_json(raw))
        except ValueError:
            values.append(_parse(raw))
    return values


_Found = tuple[str, bool] | None
"""A data row reference resolved: ``(row id, in the project)``, ``None`` if no live row."""


class _Rows:
    """The data rows an import's lines name, looked up once per import (one query per chunk
    for the references not seen before): id or global key -> :data:`_Found`."""

    def __init__(self, org_id: str, project_id: str | None) -> None:
        self.org_id = org_id
        self.project_id = project_id
        self.by_id: dict[str, _Found] = {}
        self.by_key: dict[str, _Found] = {}

    def resolve(self, conn: sqlite3.Connection, ids: set[str], keys: set[str]) -> None:
        ids = {key for key in ids if key not in self.by_id}
        keys = {key for key in keys if key not in self.by_key}
        if ids:
            found = self._found(conn, sorted(ids), by_global_key=False)
            for key in ids:
                self.by_id[key] = found.get(key)
        if keys:
            norms = {key: global_key_norm(key) for key in keys}
            found = self._found(conn, sorted(set(norms.values())), by_global_key=True)
            for key, norm in norms.items():
                self.by_key[key] = found.get(norm)

    def _found(
        self, conn: sqlite3.Connection, wanted: list[str], *, by_global_key: bool
    ) -> dict[str, tuple[str, bool]]:
        """Wanted id (or normalised global key) -> (row id, in the project)."""
        listed = json_strings(wanted)
        if listed is None:  # a NUL in a key: the lookups that bind values one by one
            rows = lookup_data_rows(conn, self.org_id, wanted, by_global_key=by_global_key)
            present = self._in_project(conn, [r["id"] for r in rows.values()])
            return {
                (global_key_norm(k) if by_global_key else k): (r["id"], r["id"] in present)
                for k, r in rows.items()
            }
        match = "lower(d.global_key) = j.value" if by_global_key else "d.id = j.value"
        member = (
            "1"
            if self.project_id is None
            else "EXISTS (SELECT 1 FROM project_data_rows p WHERE p.project_id = ?3"
            " AND p.data_row_id = d.id)"
        )
        params: tuple[str, ...] = (listed, self.org_id)
        if self.project_id is not None:
            params += (self.project_id,)
        return {
            key: (row_id, bool(present))
            for key, row_id, present in conn.execute(
                f"SELECT j.value, d.id, {member} FROM json_each(?1) j CROSS JOIN data_rows d"
                f" ON {match} AND d.org_id = ?2 AND d.deleted = 0"
                + (" AND d.global_key IS NOT NULL" if by_global_key else ""),
                params,
            )
        }

    def _in_project(self, conn: sqlite3.Connection, ids: list[str]) -> set[str]:
        if self.project_id is None:
            return set(ids)
        present: set[str] = set()
        for part in chunked(sorted(set(ids))):
            present.update(
                r[0]
                for r in conn.execute(
                    "SELECT data_row_id FROM project_data_rows WHERE project_id = ?"
                    f" AND data_row_id IN ({marks(len(part))})",
                    [self.project_id, *part],
                )
            )
        return present


def _references(values: list[Any]) -> tuple[set[str], set[str]]:
    """The data row ids and global keys the lines name."""
    ids: set[str] = set()
    keys: set[str] = set()
    for value in values:
        ref = value.get("dataRow") if type(value) is dict else None
        if type(ref) is dict:
            key = ref.get("id")
            if type(key) is str:
                ids.add(key)
            else:
                key = ref.get("globalKey")
                if type(key) is str:
                    keys.add(key)
    return ids, keys


class _Checker:
    """Checks and stores one import's lines, chunk by chunk."""

    def __init__(self, spec: ImportSpec, features: Features | None) -> None:
        self.spec = spec
        self.features = features
        self.rows = _Rows(spec.org_id, spec.project_id)
        self.seen: set[str] = set()
        self.per_row: dict[str, int] = {}
        self.labels: dict[str, dict[str, list[dict[str, Any]]]] = {}
        self.statuses = bytearray()
        self.errors = bytearray()
        self.lines = self.failed = 0

    def chunk(self, conn: sqlite3.Connection, raws: list[bytes]) -> None:
        """Check and store these lines (each stripped and not blank)."""
        values = _values(raws)
        self.rows.resolve(conn, *_references(values))
        self._store(conn, self._check(raws, values))

    def _check(self, raws: list[bytes], values: list[Any]) -> list[tuple[str, str, str, str, str]]:
        """Check the lines (their data rows resolved), write their status lines and keep the
        labels of a label import; the rows a MAL or MEA import stores."""
        label = self.spec.kind == "label"
        features, per_row, seen = self.features, self.per_row, self.seen
        stored: list[tuple[str, str, str, str, str]] = []
        import_id, parent_id = self.spec.import_id, self.spec.parent_id
        self.lines += len(raws)
        for raw, value in zip(raws, values, strict=True):
            if type(value) is not dict:
                problem = "Invalid JSON" if value is _INVALID else "Each line must be a JSON object"
                self._refuse(None, [problem], None)
                continue
            errors: list[str] = []
            row_id, data_row = self._data_row(value, errors)
            uid: Any = value.get("uuid")
            if type(uid) is str and _UUID.fullmatch(uid) is not None and uid not in seen:
                seen.add(uid)
            else:
                self._uuid(value, errors)
            exported = None
            if not errors:
                try:
                    if label:
                        exported = check_annotation(features, value)
                    else:
                        check_line(features, value)
                except LineError as exc:
                    errors.append(str(exc))
            if not errors and row_id is not None:
                count = per_row.get(row_id, 0) + 1
                if count > MAX_ANNOTATIONS_PER_DATA_ROW:
                    errors.append(
                        f"More than {MAX_ANNOTATIONS_PER_DATA_ROW} annotations for data row"
                        f" {row_id} in one import"
                    )
                else:
                    per_row[row_id] = count
            if errors or row_id is None or data_row is None:
                self._refuse(value, errors, data_row)
                continue
            self.statuses += _status_line(value, errors, data_row)
            if exported is not None:
                kind, annotation = exported
                groups = self.labels.setdefault(row_id, {"objects": [], "classifications": []})
                groups[kind].append(annotation)
            else:
                stored.append((import_id, parent_id, row_id, uid, raw.decode("utf-8")))
        return stored

    def _store(
        self, conn: sqlite3.Connection, stored: list[tuple[str, str, str, str, str]]
    ) -> None:
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

    def _refuse(
        self, value: dict[str, Any] | None, errors: list[str], data_row: dict[str, Any] | None
    ) -> None:
        status = _status_line(value, errors, data_row)
        self.statuses += status
        self.errors += status
        self.failed += 1

    def _data_row(
        self, value: dict[str, Any], errors: list[str]
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
        found = (self.rows.by_id if has_id else self.rows.by_key).get(key)
        if found is None:
            errors.append(f"Data row {key} not found")
            return None, dict(ref)
        row_id, in_project = found
        shown = {"id": row_id} if has_id else {"id": row_id, "globalKey": key}
        if not in_project:
            errors.append(f"Data row {key} is not in the project")
            return None, shown
        return row_id, shown

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
        started = _Clock()
        failure = problem
        checker: _Checker | None = None
        lines: list[bytes] = []
        if failure is None and data is not None:
            lines = _nonblank_lines(data)
            failure = _file_problem(data, len(lines))
        if failure is None and data is not None:
            with job.store.transaction() as conn:
                ontology = (
                    project_ontology(conn, spec.project_id) if spec.project_id is not None else None
                )
            features = Features.of(ontology) if spec.kind != "mea" else _any_features()
            checker = _Checker(spec, features)
            for start in range(0, len(lines), WORK_CHUNK_LINES):
                with job.store.transaction() as conn:
                    checker.chunk(conn, lines[start : start + WORK_CHUNK_LINES])
                    job.progress(conn, (start + WORK_CHUNK_LINES) / len(lines))
            if spec.kind == "label":
                checker.store_labels(job, state)
        _finish(job, spec, checker, started)
        if failure is not None:
            return Outcome(status="FAILED", errors=dumps([failure]))
        return Outcome(status="COMPLETE")

    return work


def _nonblank_lines(data: bytes) -> list[bytes]:
    """The file's lines, stripped, blank ones skipped (NDJSON ends lines with LF or CRLF)."""
    return [line for line in (raw.strip() for raw in data.splitlines()) if line]


def _file_problem(data: bytes, lines: int) -> str | None:
    if len(data) > MAX_IMPORT_BYTES:
        return f"The file is larger than {MAX_IMPORT_BYTES} bytes"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "The file is not UTF-8 text"
    if lines == 0:
        return "The file holds no annotations"
    if lines > MAX_ANNOTATIONS_PER_IMPORT:
        return (
            f"The file holds {lines} annotations; an import may hold {MAX_ANNOTATIONS_PER_IMPORT}"
        )
    return None


class _Clock:
    """When an import's work started: wall time, and the CPU time of the thread doing it."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.thread_time()

    def elapsed(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.thread_time() - self.cpu


def _finish(job: Job, spec: ImportSpec, checker: _Checker | None, started: _Clock) -> None:
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
            " processing_seconds = ?, processing_cpu_seconds = ?, lines = ?, failed_lines = ?"
            " WHERE id = ?",
            (
                files[0],
                files[1],
                *started.elapsed(),
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
        started = _Clock()
        checker = _Checker(spec, None)
        with job.store.transaction() as conn:
            present = checker.rows._in_project(conn, data_row_ids)
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
        _finish(job, spec, checker, started)
        return Outcome(status="COMPLETE")

    return work
