"""Test controls that make data the covered SDK surface cannot: data rows in bulk (fast set-up
for tests and the 300,000-row scale run) and labels (batch deletion and label deletion act on
them, and the label count counts them).

``emu.control("bulk_create_data_rows", count=1000, media_type="IMAGE")`` and
``emu.control("add_label", project_id=..., data_row_id=...)``, or over HTTP as
``POST /_emulator/actions/{name}``.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from aiolabel.emulator.context import Context
from aiolabel.emulator.resolvers.catalog import default_mime
from aiolabel.emulator.store import dumps, now_iso
from aiolabel.emulator.webhooks import emit_labels

if TYPE_CHECKING:
    from aiolabel.emulator.state import EmulatorState

DDL = ""
BINDABLES: list[Any] = []

INSERT_CHUNK = 20_000
"""Rows per transaction, so a large set-up does not hold the store for long."""


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """Nothing to seed."""


def bulk_create_data_rows(
    state: EmulatorState,
    count: int,
    media_type: str = "IMAGE",
    dataset_id: str | None = None,
    dataset_name: str | None = None,
    global_key_prefix: str | None = None,
    external_id_prefix: str | None = None,
    row_data_prefix: str = "https://storage.example.com/assets/",
    media_attributes: dict[str, Any] | None = None,
    attachments: list[dict[str, Any]] | None = None,
    metadata: dict[str, Any] | None = None,
    return_ids: bool = True,
) -> dict[str, Any]:
    """Insert ``count`` live data rows straight into the catalog, in bounded transactions.

    A new dataset is made unless ``dataset_id`` names one. ``global_key_prefix`` gives row ``i``
    the key ``f"{prefix}{i}"``. ``attachments`` (``[{type, value, name?}]``) and ``metadata``
    (``{schema name: value}``; for an enum schema the value is the option's name) apply to
    every row. Returns the dataset id and, unless ``return_ids`` is false, the row ids in order.
    """
    if not isinstance(count, int) or count < 0:
        raise ValueError("count must be an integer >= 0")
    store = state.store
    stamp = now_iso()
    with store.transaction() as conn:
        if dataset_id is None:
            dataset_id = store.new_id()
            conn.execute(
                "INSERT INTO datasets (id, org_id, created_by, name, description, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    dataset_id,
                    state.org_id,
                    state.user_id,
                    dataset_name or f"bulk dataset {dataset_id}",
                    "",
                    stamp,
                    stamp,
                ),
            )
        elif not conn.execute(
            "SELECT 1 FROM datasets WHERE id = ? AND org_id = ? AND deleted = 0",
            (dataset_id, state.org_id),
        ).fetchone():
            raise LookupError(f"dataset {dataset_id} not found")
        fields = _metadata_fields(conn, state.org_id, metadata or {})
    ids: list[str] = []
    attributes = dumps(
        {"mimeType": default_mime(media_type)} if media_attributes is None else media_attributes
    )
    for start in range(0, count, INSERT_CHUNK):
        batch = []
        for i in range(start, min(count, start + INSERT_CHUNK)):
            row_id = store.new_id()
            ids.append(row_id)
            batch.append(
                (
                    row_id,
                    state.org_id,
                    dataset_id,
                    None if global_key_prefix is None else f"{global_key_prefix}{i}",
                    None if external_id_prefix is None else f"{external_id_prefix}{i}",
                    f"{row_data_prefix}{i}",
                    media_type,
                    attributes,
                    state.user_id,
                    stamp,
                    stamp,
                )
            )
        with store.transaction() as conn:
            conn.executemany(
                "INSERT INTO data_rows (id, org_id, dataset_id, global_key, external_id,"
                " row_data, media_type, media_attributes, created_by, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                batch,
            )
            new_ids = [b[0] for b in batch]
            if attachments:
                conn.executemany(
                    "INSERT INTO attachments (id, data_row_id, type, value, name, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        (store.new_id(), dr, a["type"], a["value"], a.get("name"), stamp)
                        for dr in new_ids
                        for a in attachments
                    ],
                )
            if fields:
                conn.executemany(
                    "INSERT INTO data_row_metadata (data_row_id, schema_id, value)"
                    " VALUES (?, ?, ?)",
                    [(dr, schema_id, value) for dr in new_ids for schema_id, value in fields],
                )
    result: dict[str, Any] = {"dataset_id": dataset_id, "count": count}
    if return_ids:
        result["ids"] = ids
    return result


def _metadata_fields(
    conn: sqlite3.Connection, org_id: str, metadata: dict[str, Any]
) -> list[tuple[str, str]]:
    """``{name: value}`` as stored ``(schema_id, value)`` pairs; an enum stores its option id."""
    pairs: list[tuple[str, str]] = []
    for name, value in metadata.items():
        schema = conn.execute(
            "SELECT id, kind FROM metadata_schemas WHERE org_id = ? AND name = ? AND deleted = 0"
            " AND parent_id IS NULL",
            (org_id, name),
        ).fetchone()
        if schema is None:
            raise LookupError(f"no metadata schema named {name!r}")
        if schema["kind"] == "CustomMetadataEnum":
            option = conn.execute(
                "SELECT id FROM metadata_schemas WHERE parent_id = ? AND name = ?",
                (schema["id"], value),
            ).fetchone()
            if option is None:
                raise LookupError(f"{name!r} has no option {value!r}")
            pairs.append((schema["id"], dumps(option["id"])))
        else:
            pairs.append((schema["id"], dumps(value)))
    return pairs


def add_label(
    state: EmulatorState,
    project_id: str,
    data_row_id: str,
    seconds_to_create: float = 10.0,
    annotations: dict[str, Any] | None = None,
    created_at: str | None = None,
    move_to: str = "review",
) -> dict[str, Any]:
    """A label on a data row of the project, as if a labeller submitted it.

    ``move_to`` is where the row goes: ``"review"`` (the default workflow's next step),
    ``"done"`` or ``"stay"``.
    """
    if move_to not in ("review", "done", "stay"):
        raise ValueError("move_to must be 'review', 'done' or 'stay'")
    stamp = created_at or now_iso()
    with state.store.transaction() as conn:
        entry = conn.execute(
            "SELECT p.seq FROM project_data_rows p JOIN projects j ON j.id = p.project_id"
            " WHERE p.project_id = ? AND p.data_row_id = ? AND j.org_id = ?",
            (project_id, data_row_id, state.org_id),
        ).fetchone()
        if entry is None:
            raise LookupError(f"data row {data_row_id} is not in project {project_id}")
        label_id = state.store.new_id()
        conn.execute(
            "INSERT INTO labels (id, project_id, data_row_id, created_by, created_at, updated_at,"
            " seconds_to_create, annotations) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                label_id,
                project_id,
                data_row_id,
                state.user_id,
                stamp,
                stamp,
                seconds_to_create,
                dumps(annotations or {"objects": [], "classifications": [], "relationships": []}),
            ),
        )
        if move_to != "stay":
            queue = None
            if move_to == "review":
                queue = conn.execute(
                    "SELECT id FROM task_queues WHERE project_id = ? AND queue_type = ?",
                    (project_id, "MANUAL_REVIEW_QUEUE"),
                ).fetchone()[0]
            conn.execute(
                "UPDATE project_data_rows SET queue_id = ?, updated_at = ? WHERE seq = ?",
                (queue, stamp, entry["seq"]),
            )
        conn.execute("UPDATE projects SET last_activity_time = ? WHERE id = ?", (stamp, project_id))
        event = Context(state, conn, state.user_id, state.org_id, base_url="")
        emit_labels(event, "LABEL_CREATED", [label_id])
    event.run_after_commit()
    return {"id": label_id}


CONTROLS = {"bulk_create_data_rows": bulk_create_data_rows, "add_label": add_label}
