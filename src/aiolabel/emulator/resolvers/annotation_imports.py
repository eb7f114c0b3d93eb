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
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ariadne import MutationType, ObjectType, QueryType

from aiolabel.emulator.context import Info, ctx, read_file
from aiolabel.emulator.errors import BadInput, Conflict, NotFound
from aiolabel.emulator.jobs import Job, Outcome, Work
from aiolabel.emulator.resolvers.base import read_upload, resolve_creator
from aiolabel.emulator.resolvers.catalog import chunked, marks
from aiolabel.emulator.resolvers.ontologies import normalized_ontology, project_ontology_id
from aiolabel.emulator.resolvers.projects import (
    load_project,
    lookup_data_rows,
    project_to_gql,
    touch_project,
)
from aiolabel.emulator.store import dumps, now_iso

if TYPE_CHECKING:
    from aiolabel.emulator.state import EmulatorState

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

MAX_ANNOTATIONS_PER_IMPORT = 100_000
"""Lines one import may hold; a longer file FAILS as a whole."""
MAX_IMPORT_BYTES = 100 * 1024 * 1024
"""Bytes one import file may hold; a larger file FAILS as a whole."""
MAX_ANNOTATIONS_PER_DATA_ROW = 5_000
"""Annotations one import may put on one data row (the official SDK's per-label limit)."""
WORK_CHUNK_LINES = 5_000
"""Lines checked and stored per transaction, so requests interleave with a large import."""

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


TOOL_SHAPES = {
    "rectangle": "bbox",
    "polygon": "polygon",
    "point": "point",
    "line": "line",
    "raster-segmentation": "mask",
    "named-entity": "location",
}
"""Ontology tool type -> the NDJSON key holding its geometry."""

ANNOTATION_KINDS = {
    "bbox": "ImageBoundingBox",
    "polygon": "ImagePolygon",
    "point": "ImagePoint",
    "line": "ImagePolyline",
    "mask": "ImageSegmentationMask",
    "location": "TextEntity",
}


@dataclass
class Feature:
    name: str
    schema_id: str
    kind: str
    """A tool type (``rectangle``...) or a classification type (``radio``, ``checklist``,
    ``text``, ``dropdown``)."""
    options: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Answer name or schema id -> (name, schema id)."""
    nested: Features | None = None


@dataclass
class Features:
    by_key: dict[str, Feature] = field(default_factory=dict)

    @classmethod
    def of(cls, ontology: dict[str, Any] | None) -> Features | None:
        if ontology is None:
            return None
        found = cls()
        for tool in ontology.get("tools") or []:
            found._add(tool, str(tool.get("tool")))
        for classification in ontology.get("classifications") or []:
            found._add(classification, str(classification.get("type")))
        return found

    def _add(self, node: dict[str, Any], kind: str) -> None:
        name = str(node.get("name") or node.get("instructions") or "")
        schema_id = str(node.get("featureSchemaId") or node.get("schemaNodeId") or name)
        feature = Feature(name=name, schema_id=schema_id, kind=kind)
        for option in node.get("options") or []:
            label = str(option.get("value") or option.get("label") or "")
            option_id = str(option.get("featureSchemaId") or option.get("schemaNodeId") or label)
            for key in (label, str(option.get("label") or label), option_id):
                feature.options[key] = (label, option_id)
        if node.get("classifications"):
            feature.nested = Features.of({"classifications": node["classifications"]})
        self.by_key.setdefault(schema_id, feature)
        self.by_key.setdefault(name, feature)

    def find(self, annotation: dict[str, Any]) -> Feature | None:
        key = annotation.get("schemaId") or annotation.get("featureSchemaId")
        if key is None:
            key = annotation.get("name")
        return self.by_key.get(key) if isinstance(key, str) else None


# -- checking one line ---------------------------------------------------------------------------


_UUID = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
)
"""A UUID in its hex form, hyphens optional (what ``uuid.UUID`` parses, braces aside)."""


class LineError(Exception):
    """Why one annotation line is refused."""


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def _points(value: Any, least: int, what: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or len(value) < least:
        raise LineError(f"{what} needs a list of at least {least} points {{x, y}}")
    for point in value:
        if not isinstance(point, dict) or not (_number(point.get("x")) and _number(point.get("y"))):
            raise LineError(f"every {what} point needs numeric x and y")
    return value


def check_geometry(shape: str, value: Any) -> dict[str, Any]:
    """The export-v2 geometry of one tool annotation, or :class:`LineError`."""
    if shape == "bbox":
        keys = ("top", "left", "height", "width")
        if not isinstance(value, dict) or not (
            _number(value.get("top"))
            and _number(value.get("left"))
            and _number(value.get("height"))
            and _number(value.get("width"))
        ):
            raise LineError("bbox needs numeric top, left, height and width")
        if value["height"] <= 0 or value["width"] <= 0:
            raise LineError("bbox height and width must be positive")
        return {"bounding_box": {k: value[k] for k in keys}}
    if shape == "polygon":
        return {"polygon": _points(value, 3, "polygon")}
    if shape == "line":
        return {"line": _points(value, 2, "line")}
    if shape == "point":
        if not isinstance(value, dict) or not (_number(value.get("x")) and _number(value.get("y"))):
            raise LineError("point needs numeric x and y")
        return {"point": {"x": value["x"], "y": value["y"]}}
    if shape == "mask":
        if not isinstance(value, dict):
            raise LineError("mask must be an object")
        source = value.get("instanceURI") or value.get("url") or value.get("png")
        if not isinstance(source, str) or not source:
            raise LineError("mask needs an instanceURI, url or png")
        color = value.get("colorRGB")
        if color is not None and not (
            isinstance(color, list)
            and len(color) == 3
            and all(isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= 255 for c in color)
        ):
            raise LineError("mask colorRGB must be three integers 0-255")
        return {"mask": {"url": source, **({"color_rgb": color} if color is not None else {})}}
    if shape == "location":
        if not isinstance(value, dict):
            raise LineError("location must be an object {start, end}")
        start, end = value.get("start"), value.get("end")
        if not (
            isinstance(start, int)
            and isinstance(end, int)
            and not isinstance(start, bool)
            and not isinstance(end, bool)
            and 0 <= start <= end
        ):
            raise LineError("location needs integers 0 <= start <= end")
        return {"location": {"start": start, "end": end}}
    raise LineError(f"unknown shape {shape}")  # pragma: no cover - shapes come from TOOL_SHAPES


def _answer(feature: Feature, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise LineError(
            f"the answer to {feature.name!r} must be an object {{name}} or {{schemaId}}"
        )
    key = value.get("schemaId") or value.get("featureSchemaId") or value.get("name")
    found = feature.options.get(key) if isinstance(key, str) else None
    if found is None:
        raise LineError(f"{key!r} is not an answer of {feature.name!r}")
    return {"feature_schema_id": found[1], "name": found[0], "value": found[0]}


def check_classification(feature: Feature, annotation: dict[str, Any]) -> dict[str, Any]:
    """The export-v2 classification of one answer, or :class:`LineError`."""
    base = {
        "feature_schema_id": feature.schema_id,
        "name": feature.name,
        "value": feature.name,
    }
    answer = annotation.get("answer", annotation.get("answers"))
    if feature.kind in ("radio", "dropdown"):
        if isinstance(answer, list):
            raise LineError(f"{feature.name!r} is a radio question: give one answer, not a list")
        return {**base, "radio_answer": {**_answer(feature, answer), "classifications": []}}
    if feature.kind == "checklist":
        if not isinstance(answer, list) or not answer:
            raise LineError(f"{feature.name!r} is a checklist: give a list of answers")
        return {**base, "checklist_answers": [_answer(feature, a) for a in answer]}
    if feature.kind == "text":
        if not isinstance(answer, str):
            raise LineError(f"{feature.name!r} is a text question: the answer must be a string")
        return {**base, "text_answer": {"content": answer}}
    raise LineError(f"{feature.name!r} is a {feature.kind} tool, not a classification")


def check_annotation(
    features: Features | None, annotation: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    """``("objects" | "classifications", export-v2 annotation)`` for one line's annotation."""
    if features is None:
        raise LineError("The project has no ontology")
    if "name" not in annotation and "schemaId" not in annotation:
        raise LineError("The annotation needs a name or a schemaId")
    feature = features.find(annotation)
    if feature is None:
        key = annotation.get("schemaId", annotation.get("name"))
        raise LineError(f"Feature {key!r} is not in the project's ontology")
    uid = annotation["uuid"]
    shapes = [key for key in TOOL_SHAPES.values() if key in annotation]
    if feature.kind in TOOL_SHAPES:
        wanted = TOOL_SHAPES[feature.kind]
        if shapes != [wanted]:
            given = ", ".join(shapes) or "no geometry"
            raise LineError(
                f"{feature.name!r} is a {feature.kind} tool: it needs {wanted}, got {given}"
            )
        obj = {
            "feature_id": uid,
            "feature_schema_id": feature.schema_id,
            "name": feature.name,
            "value": feature.name,
            "annotation_kind": ANNOTATION_KINDS[wanted],
            "classifications": _nested(feature, annotation),
            **check_geometry(wanted, annotation[wanted]),
        }
        return "objects", obj
    if shapes:
        raise LineError(f"{feature.name!r} is a {feature.kind} classification, not a tool")
    return "classifications", {"feature_id": uid, **check_classification(feature, annotation)}


def _nested(feature: Feature, annotation: dict[str, Any]) -> list[dict[str, Any]]:
    nested = annotation.get("classifications") or []
    if not isinstance(nested, list):
        raise LineError("classifications must be a list")
    out = []
    for item in nested:
        if not isinstance(item, dict):
            raise LineError("every nested classification must be an object")
        sub = feature.nested.find(item) if feature.nested is not None else None
        if sub is None:
            key = item.get("schemaId", item.get("name"))
            raise LineError(f"{key!r} is not a classification of {feature.name!r}")
        out.append(check_classification(sub, item))
    return out


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

    def store_labels(self, job: Job) -> None:
        items = list(self.labels.items())
        for part in chunked(items, WORK_CHUNK_LINES):
            with job.store.transaction() as conn:
                stamp = now_iso()
                conn.executemany(
                    "INSERT INTO labels (id, project_id, data_row_id, created_by, created_at,"
                    " updated_at, seconds_to_create, annotations) VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
                    [
                        (
                            job.store.new_id(),
                            self.spec.project_id,
                            row_id,
                            self.spec.user_id,
                            stamp,
                            stamp,
                            dumps({**groups, "relationships": []}),
                        )
                        for row_id, groups in part
                    ],
                )


def import_work(spec: ImportSpec, data: bytes | None, problem: str | None) -> Work:
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
                checker.store_labels(job)
        _finish(job, spec, checker, time.perf_counter() - started)
        if failure is not None:
            return Outcome(status="FAILED", errors=dumps([failure]))
        return Outcome(status="COMPLETE")

    return work


class _AnyOption(dict[str, tuple[str, str]]):
    def get(self, key: str, default: Any = None) -> tuple[str, str]:
        return (key, key)


class _AnyFeatures(Features):
    """A model run's features: the emulator does not hold a model run's ontology, so any
    feature is taken as given and only the annotation's own shape is checked."""

    def find(self, annotation: dict[str, Any]) -> Feature | None:
        key = annotation.get("schemaId") or annotation.get("name")
        if not isinstance(key, str):
            return None
        shape = next((k for k, v in TOOL_SHAPES.items() if v in annotation), None)
        if shape is None:
            answer = annotation.get("answer", annotation.get("answers"))
            shape = (
                "text"
                if isinstance(answer, str)
                else "checklist"
                if isinstance(answer, list)
                else "radio"
            )
        return Feature(name=key, schema_id=key, kind=shape, options=_AnyOption())


def _any_features() -> Features:
    return _AnyFeatures()


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
        work = import_work(spec, content, problem)
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
