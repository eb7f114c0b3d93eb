"""Data-row attachments: create, update, delete, and ``DataRow.attachments`` (wire doc §8.1).

The type is checked by the schema (enum ``AttachmentType``); the value must be a non-empty
string of at most ``VALUE_MAX_LENGTH`` characters (``check_attachment``, shared with the upsert).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from ariadne import MutationType, ObjectType

from aiolabel.emulator.context import Info, ctx
from aiolabel.emulator.errors import BadInput, NotFound
from aiolabel.emulator.resolvers.base import page
from aiolabel.emulator.resolvers.catalog import live_row
from aiolabel.emulator.store import now_iso

ATTACHMENT_TYPES = frozenset(
    {
        "AUDIO",
        "VIDEO",
        "IMAGE",
        "IMAGE_OVERLAY",
        "HTML",
        "RAW_TEXT",
        "TEXT_URL",
        "PDF_URL",
        "CAMERA_IMAGE",
    }
)
VALUE_MAX_LENGTH = 1_000_000

mutation = MutationType()
data_row_type = ObjectType("DataRow")


def check_attachment(attachment: Any) -> tuple[str, str, str | None]:
    """``(type, value, name)`` of one attachment, or ``ValueError`` saying what is wrong."""
    if not isinstance(attachment, Mapping):
        raise ValueError(f"An attachment must be an object, got {attachment!r}")
    kind, value, name = attachment.get("type"), attachment.get("value"), attachment.get("name")
    if kind not in ATTACHMENT_TYPES:
        raise ValueError(
            f"Invalid attachment type {kind!r}; expected one of {sorted(ATTACHMENT_TYPES)}"
        )
    if not isinstance(value, str) or not value:
        raise ValueError(f"Attachment value must be a non-empty string, got {value!r}")
    if len(value) > VALUE_MAX_LENGTH:
        raise ValueError(f"Attachment value is longer than {VALUE_MAX_LENGTH} characters")
    if name is not None and not isinstance(name, str):
        raise ValueError(f"Attachment name must be a string, got {name!r}")
    return kind, value, name


def _to_gql(row: sqlite3.Row | Mapping[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "type": row["type"], "value": row["value"], "name": row["name"]}


def _load(info: Info, attachment_id: str) -> sqlite3.Row:
    c = ctx(info)
    row = c.conn.execute(
        "SELECT a.* FROM attachments a JOIN data_rows r ON r.id = a.data_row_id"
        " WHERE a.id = ? AND r.org_id = ? AND r.deleted = 0",
        (attachment_id, c.org_id),
    ).fetchone()
    if row is None:
        raise NotFound(f"Attachment {attachment_id} not found")
    found: sqlite3.Row = row
    return found


@mutation.field("createDataRowAttachment")
def resolve_create(_: Any, info: Info, data: dict[str, Any]) -> Any:
    c = ctx(info)
    if live_row(c.conn, c.org_id, data["dataRowId"]) is None:
        raise NotFound(f"Data row {data['dataRowId']} not found")
    try:
        kind, value, name = check_attachment(data)
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    attachment_id = c.new_id()
    c.conn.execute(
        "INSERT INTO attachments (id, data_row_id, type, value, name, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (attachment_id, data["dataRowId"], kind, value, name, now_iso()),
    )
    return {"id": attachment_id, "type": kind, "value": value, "name": name}


@mutation.field("updateDataRowAttachment")
def resolve_update(_: Any, info: Info, where: dict[str, Any], data: dict[str, Any]) -> Any:
    c = ctx(info)
    row = dict(_load(info, where["id"]))
    merged = {
        "type": data.get("type") or row["type"],
        "value": row["value"] if data.get("value") is None else data["value"],
        "name": data["name"] if data.get("name") is not None else row["name"],
    }
    try:
        kind, value, name = check_attachment(merged)
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    c.conn.execute(
        "UPDATE attachments SET type = ?, value = ?, name = ? WHERE id = ?",
        (kind, value, name, row["id"]),
    )
    return {"id": row["id"], "type": kind, "value": value, "name": name}


@mutation.field("deleteDataRowAttachment")
def resolve_delete(_: Any, info: Info, where: dict[str, Any]) -> Any:
    row = _load(info, where["id"])
    ctx(info).conn.execute("DELETE FROM attachments WHERE id = ?", (row["id"],))
    return _to_gql(row)


@data_row_type.field("attachments")
def resolve_attachments(
    data_row: dict[str, Any], info: Info, skip: int | None = None, first: int | None = None
) -> Any:
    offset, limit = page(skip, first)
    rows = (
        ctx(info)
        .conn.execute(
            "SELECT * FROM attachments WHERE data_row_id = ? ORDER BY created_at, rowid"
            " LIMIT ? OFFSET ?",
            (data_row["id"], limit, offset),
        )
        .fetchall()
    )
    return [_to_gql(r) for r in rows]


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """Nothing to seed."""


DDL = ""
BINDABLES = [mutation, data_row_type]
