"""Data-row upsert: uploaded descriptor chunks + a manifest + ``upsertDataRows``, a task of type
``adv-upsert-data-rows`` whose results page through ``successesfulDataRowImports`` and
``failedDataRowImports`` (wire doc §4.1, §7.4).

Each spec is ``{"id": {"type": AUTO|ID|GKEY, "value"}, "payload": {...}}``. AUTO creates; ID
updates that row; GKEY updates the row holding the key, or creates one with it. A spec is applied
whole or refused whole, with a message saying why (unknown dataset or row, missing row_data,
invalid or duplicate global key, metadata that does not fit its schema, bad attachment, bad
media type). Updates replace the fields given; ``metadata_fields`` and ``attachments``, when
given, replace the row's whole set. Specs apply in manifest order, in transactions of
``BATCH_SIZE`` specs, so other requests interleave with a large upsert.

The parse and checks of one spec live in ``_upsert_specs.py`` (a helper module: its leading
``_`` keeps discovery from taking it for a domain).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from ariadne import MutationType, QueryType

from aiolabel.emulator.context import Info, ctx, file_id_from_url, read_file
from aiolabel.emulator.errors import BadInput, NotFound
from aiolabel.emulator.jobs import Job, Outcome
from aiolabel.emulator.resolvers._upsert_specs import _EMPTY_SPEC, Spec, SpecError, _failed, _parse
from aiolabel.emulator.resolvers.base import task_to_gql
from aiolabel.emulator.resolvers.catalog import (
    InvalidGlobalKey,
    chunked,
    global_key_norm,
    marks,
    new_ids,
    rows_by_global_key,
    rows_by_id,
    sanitize_global_key,
    upload_types,
)
from aiolabel.emulator.resolvers.metadata import Ontology
from aiolabel.emulator.store import dumps, now_iso

__all__ = [
    "BINDABLES",
    "DDL",
    "Spec",
    "SpecError",
    "seed",
]
"""What this module offers: its domain (``DDL``, ``BINDABLES``, ``seed``...) and the helpers
other code imports from here, some of them defined in the ``_``-prefixed modules beside it."""

TASK_TYPE = "adv-upsert-data-rows"
BATCH_SIZE = 2000
"""Specs per transaction."""
PAGE_MAX = 10_000


query = QueryType()
mutation = MutationType()


# -- the mutation -------------------------------------------------------------------------------


def _manifest(conn: sqlite3.Connection, uri: str) -> tuple[list[str], int]:
    """The chunk file ids and item count of an uploaded manifest, or ``BadInput``."""
    raw = read_file(conn, uri)
    if raw is None:
        raise BadInput(f"manifestUri {uri!r} is not a file uploaded to this emulator")
    try:
        manifest = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadInput("The manifest is not valid JSON") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("chunk_uris"), list):
        raise BadInput("The manifest must be an object with a chunk_uris list")
    count = manifest.get("item_count", 0)
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise BadInput("The manifest's item_count must be a non-negative integer")
    file_ids: list[str] = []
    for chunk_uri in manifest["chunk_uris"]:
        file_id = file_id_from_url(chunk_uri) if isinstance(chunk_uri, str) else None
        if file_id is None:
            raise BadInput(f"Chunk URI {chunk_uri!r} is not a file uploaded to this emulator")
        file_ids.append(file_id)
    for part in chunked(sorted(set(file_ids))):
        found = conn.execute(
            f"SELECT count(*) FROM files WHERE id IN ({marks(len(part))})", tuple(part)
        ).fetchone()[0]
        if found != len(part):
            raise BadInput("A chunk URI of the manifest points at no uploaded file")
    return file_ids, count


@mutation.field("upsertDataRows")
def resolve_upsert(_: Any, info: Info, data: dict[str, Any]) -> Any:
    c = ctx(info)
    file_ids, count = _manifest(c.conn, data["manifestUri"])
    org_id, user_id, base_url = c.org_id, c.user_id, c.base_url

    def work(job: Job) -> Outcome:
        run_upsert(job, org_id, user_id, file_ids, count)
        return Outcome(result=_result_file(job, base_url))

    def forced_failure(job: Job, errors: list[Any]) -> Outcome:
        with job.store.transaction() as conn:
            job.add_items(
                conn,
                "error",
                [
                    {"message": e if isinstance(e, str) else dumps(e), "spec": _EMPTY_SPEC}
                    for e in errors
                ],
            )
        url = _result_file(job, base_url, error=dumps(errors))
        return Outcome(status="FAILED", result=url, errors=dumps(errors))

    task = c.create_task(
        type=TASK_TYPE,
        name="Upsert data rows",
        work=work,
        on_forced_failure=forced_failure,
        size=count,
    )
    return task_to_gql(task)


_RESULT_JSON = """
SELECT json_object(
    'createdDataRows', (SELECT json_group_array(json(payload)) FROM (
        SELECT payload FROM task_items WHERE task_id = ?1 AND kind = 'ok' ORDER BY seq)),
    'errors', (SELECT json_group_array(json_object(
        'message', json_extract(payload, '$.message'),
        'failedDataRows', json_array(json(json_extract(payload, '$.spec'))))) FROM (
        SELECT payload FROM task_items WHERE task_id = ?1 AND kind = 'error' ORDER BY seq))
)
"""


def _result_file(job: Job, base_url: str, error: str | None = None) -> str:
    """The task's ``result`` URL: a JSON file of ``createdDataRows`` and ``errors`` (and, for a
    failed task, ``error``), what the official SDK's ``Task.result`` / ``errors`` download for a
    creation task."""
    with job.store.transaction() as conn:
        try:
            text = str(conn.execute(_RESULT_JSON, (job.task_id,)).fetchone()[0])
        except sqlite3.OperationalError:  # an item SQLite's JSON cannot read (NaN)
            items = conn.execute(
                "SELECT kind, payload FROM task_items WHERE task_id = ? ORDER BY kind, seq",
                (job.task_id,),
            ).fetchall()
            text = dumps(
                {
                    "createdDataRows": [json.loads(r[1]) for r in items if r[0] == "ok"],
                    "errors": [
                        {"message": p["message"], "failedDataRows": [p["spec"]]}
                        for p in (json.loads(r[1]) for r in items if r[0] == "error")
                    ],
                }
            )
        if error is not None:
            text = text[:-1] + ',"error":' + dumps(error) + "}"
        file_id = job.store.new_id()
        data = text.encode("utf-8", "surrogatepass")
        conn.execute(
            "INSERT INTO files (id, filename, content_type, size, data, created_at)"
            " VALUES (?, 'result.json', 'application/json', ?, ?, ?)",
            (file_id, len(data), data, now_iso()),
        )
    return f"{base_url}/files/{file_id}"


def run_upsert(job: Job, org_id: str, user_id: str, file_ids: list[str], count: int) -> None:
    """Apply every chunk, ``BATCH_SIZE`` specs per transaction."""
    done = 0
    for file_id in file_ids:
        with job.store.reading() as conn:
            row = conn.execute("SELECT data FROM files WHERE id = ?", (file_id,)).fetchone()
        try:
            specs = json.loads(bytes(row["data"])) if row is not None else None
        except (ValueError, UnicodeDecodeError):
            specs = None
        if not isinstance(specs, list):
            with job.store.transaction() as conn:
                message = f"Descriptor chunk {file_id} is not a JSON list of data row specs"
                job.add_items(conn, "error", [{"message": message, "spec": _EMPTY_SPEC}])
            continue
        for start in range(0, len(specs), BATCH_SIZE):
            batch = specs[start : start + BATCH_SIZE]
            with job.store.transaction() as conn:
                job.check_cancelled(conn)
                ok, errors = apply_specs(conn, org_id, user_id, batch)
                job.add_items(conn, "ok", ok)
                job.add_items(conn, "error", errors)
                done += len(batch)
                job.progress(conn, done / max(count, done, 1))


def _live_datasets(conn: sqlite3.Connection, org_id: str, ids: set[str]) -> set[str]:
    found: set[str] = set()
    for part in chunked(sorted(ids)):
        found.update(
            r[0]
            for r in conn.execute(
                f"SELECT id FROM datasets WHERE id IN ({marks(len(part))}) AND org_id = ?"
                " AND deleted = 0",
                (*part, org_id),
            )
        )
    return found


_ROW_COLUMNS = ("global_key", "external_id", "row_data", "media_type", "media_attributes")


def apply_specs(
    conn: sqlite3.Connection,
    org_id: str,
    user_id: str,
    raws: list[Any],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Apply a batch of specs in order; returns the success and error items."""
    ontology = Ontology(conn, org_id)
    upload_type = upload_types(conn)
    parsed: list[Spec | SpecError] = []
    for raw in raws:
        try:
            parsed.append(_parse(raw, ontology, upload_type))
        except SpecError as exc:
            parsed.append(exc)
    specs = [p for p in parsed if isinstance(p, Spec)]
    datasets = _live_datasets(conn, org_id, {s.dataset_id for s in specs})
    fetched: dict[str, Any] = dict(
        rows_by_id(conn, org_id, [s.key_value for s in specs if s.key_type == "ID"])
    )
    keys = [s.key_value for s in specs if s.key_type == "GKEY"]
    keys += [s.sets["global_key"] for s in specs if s.sets.get("global_key")]
    for row in rows_by_global_key(conn, org_id, keys).values():
        fetched[row["id"]] = row
    state: dict[str, dict[str, Any]] = {i: dict(r) for i, r in fetched.items()}
    holder = {global_key_norm(r["global_key"]): i for i, r in state.items() if r["global_key"]}
    original_keys = {i: r["global_key"] for i, r in state.items()}
    created: dict[str, None] = {}
    """Rows this batch creates, in order (a dict: membership is tested for every spec)."""
    updated: set[str] = set()
    metadata: dict[str, dict[str, str]] = {}
    attachments: dict[str, list[tuple[str, str, str | None]]] = {}
    ok: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    stamp = now_iso()
    fresh_ids = new_ids(len(raws))

    for raw, spec in zip(raws, parsed, strict=True):
        if isinstance(spec, SpecError):
            errors.append(_failed(raw, str(spec)))
            continue
        try:
            row_id = _apply_one(spec, state, holder, datasets, created, fresh_ids.pop)
        except SpecError as exc:
            errors.append(_failed(raw, str(exc)))
            continue
        current = state[row_id]
        current["updated_at"] = stamp
        if row_id not in created:
            updated.add(row_id)
        if spec.metadata is not None:
            metadata[row_id] = spec.metadata
        if spec.attachments is not None:
            attachments[row_id] = spec.attachments
        ok.append(
            {
                "id": row_id,
                "externalId": current["external_id"],
                "globalKey": current["global_key"],
                "rowData": current["row_data"],
            }
        )

    rekeyed = [i for i in updated if state[i]["global_key"] != original_keys[i]]
    conn.executemany("UPDATE data_rows SET global_key = NULL WHERE id = ?", [(i,) for i in rekeyed])
    conn.executemany(
        "UPDATE data_rows SET global_key = ?, external_id = ?, row_data = ?, media_type = ?,"
        " media_attributes = ?, updated_at = ? WHERE id = ?",
        [
            (*(state[i][c] for c in _ROW_COLUMNS), state[i]["updated_at"], i)
            for i in sorted(updated, key=lambda i: state[i]["seq"])
        ],
    )
    conn.executemany(
        "INSERT INTO data_rows (id, org_id, dataset_id, global_key, external_id, row_data,"
        " media_type, media_attributes, created_by, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                i,
                org_id,
                state[i]["dataset_id"],
                *(state[i][c] for c in _ROW_COLUMNS),
                user_id,
                stamp,
                stamp,
            )
            for i in created
        ],
    )
    replaced = [(i,) for i in updated if i in metadata]
    conn.executemany("DELETE FROM data_row_metadata WHERE data_row_id = ?", replaced)
    conn.executemany(
        "INSERT INTO data_row_metadata (data_row_id, schema_id, value) VALUES (?, ?, ?)",
        [(i, k, v) for i, values in metadata.items() for k, v in values.items()],
    )
    replaced = [(i,) for i in updated if i in attachments]
    conn.executemany("DELETE FROM attachments WHERE data_row_id = ?", replaced)
    conn.executemany(
        "INSERT INTO attachments (id, data_row_id, type, value, name, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [
            (attachment_id, i, *a, stamp)
            for attachment_id, (i, a) in zip(
                new_ids(sum(len(v) for v in attachments.values())),
                [(i, a) for i, items in attachments.items() for a in items],
                strict=True,
            )
        ],
    )
    return ok, errors


def _apply_one(
    spec: Spec,
    state: dict[str, dict[str, Any]],
    holder: dict[str, str],
    datasets: set[str],
    created: dict[str, None],
    new_id: Callable[[], str],
) -> str:
    """Apply one valid spec to the in-memory state; returns the row id, or ``SpecError``."""
    if spec.dataset_id not in datasets:
        raise SpecError(f"Dataset {spec.dataset_id} not found")
    target: dict[str, Any] | None = None
    sets = dict(spec.sets)
    if spec.key_type == "ID":
        target = state.get(spec.key_value)
        if target is None:
            raise SpecError(f"Data row {spec.key_value} not found")
    elif spec.key_type == "GKEY":
        try:
            key = sanitize_global_key(spec.key_value)
        except InvalidGlobalKey as exc:
            raise SpecError(str(exc)) from None
        holder_id = holder.get(global_key_norm(key))
        if holder_id is not None:
            target = state[holder_id]
        else:
            sets.setdefault("global_key", key)
    if target is not None and target["dataset_id"] != spec.dataset_id:
        raise SpecError(f"Data row {target['id']} belongs to another dataset")
    row_id: str | None = target["id"] if target is not None else None
    new_key = sets.get("global_key")
    if new_key is not None:
        owner = holder.get(global_key_norm(new_key))
        if owner is not None and owner != row_id:
            raise SpecError(f"Duplicate global key: '{new_key}'")
    if target is None:
        if "row_data" not in sets:
            raise SpecError("row_data is required to create a data row")
        row_id = new_id()
        target = {
            "id": row_id,
            "seq": 0,
            "dataset_id": spec.dataset_id,
            "global_key": None,
            "external_id": None,
            "row_data": sets["row_data"],
            "media_type": sets["media_type"],
            "media_attributes": None,
        }
        state[row_id] = target
        created[row_id] = None
    assert row_id is not None
    old_key = target["global_key"]
    target.update(sets)
    if target["global_key"] != old_key:
        if old_key is not None and holder.get(global_key_norm(old_key)) == row_id:
            del holder[global_key_norm(old_key)]
        if target["global_key"] is not None:
            holder[global_key_norm(target["global_key"])] = row_id
    return row_id


# -- results ------------------------------------------------------------------------------------


def _items(info: Info, data: dict[str, Any], kind: str) -> tuple[list[Any], str | None, int]:
    c = ctx(info)
    task = c.conn.execute(
        "SELECT id FROM tasks WHERE id = ? AND org_id = ?", (data["taskId"], c.org_id)
    ).fetchone()
    if task is None:
        raise NotFound(f"Task {data['taskId']} not found")
    size = 100 if data.get("first") is None else data["first"]
    if not 1 <= size <= PAGE_MAX:
        raise BadInput(f"first must be between 1 and {PAGE_MAX}")
    cursor = data.get("from")
    try:
        start = int(cursor) if cursor else 0
    except ValueError:
        raise BadInput(f"Unknown cursor {cursor!r}") from None
    rows = c.conn.execute(
        "SELECT seq, payload FROM task_items WHERE task_id = ? AND kind = ? AND seq >= ?"
        " ORDER BY seq LIMIT ?",
        (task["id"], kind, start, size + 1),
    ).fetchall()
    total = c.conn.execute(
        "SELECT count(*) FROM task_items WHERE task_id = ? AND kind = ?", (task["id"], kind)
    ).fetchone()[0]
    after = str(rows[size]["seq"]) if len(rows) > size else None
    return [json.loads(r["payload"]) for r in rows[:size]], after, int(total)


@query.field("successesfulDataRowImports")
def resolve_successes(_: Any, info: Info, data: dict[str, Any]) -> Any:
    nodes, after, total = _items(info, data, "ok")
    return {"nodes": nodes, "after": after, "total": total}


@query.field("failedDataRowImports")
def resolve_failures(_: Any, info: Info, data: dict[str, Any]) -> Any:
    results, after, total = _items(info, data, "error")
    return {"results": results, "after": after, "total": total}


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """Nothing to seed."""


DDL = ""
BINDABLES = [query, mutation]
