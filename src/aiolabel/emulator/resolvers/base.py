"""The platform's resolvers: current user and organisation, tasks, uploads, cancellation."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ariadne import MutationType, ObjectType, QueryType, ScalarType

from aiolabel.emulator.context import Info, ctx
from aiolabel.emulator.errors import BadInput, NotAllowed, NotFound
from aiolabel.emulator.resolvers.catalog import normalize_datetime
from aiolabel.emulator.store import now_iso

query = QueryType()
mutation = MutationType()
user_type = ObjectType("User")
org_type = ObjectType("Organization")
task_type = ObjectType("Task")

CANCELABLE_TASK_TYPES = ["adv-upsert-data-rows", "export-data-rows", "add-data-rows-to-batch"]


# -- scalars ------------------------------------------------------------------------------------

datetime_scalar = ScalarType("DateTime")
json_scalar = ScalarType("Json")
upload_scalar = ScalarType("Upload")
page_size_scalar = ScalarType("PageSize")
uint64_scalar = ScalarType("UInt64")


@datetime_scalar.value_parser
def _parse_datetime(value: Any) -> str:
    """Any ISO 8601 instant, kept in the one form every DateTime is answered in
    (``%Y-%m-%dT%H:%M:%S.%fZ`` with milliseconds: the official SDK parses no other)."""
    try:
        return normalize_datetime(value)
    except BadInput:
        raise ValueError("DateTime must be an ISO 8601 string") from None


@page_size_scalar.value_parser
def _parse_page_size(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10_000:
        raise ValueError("PageSize must be an integer between 0 and 10000")
    return value


@uint64_scalar.value_parser
def _parse_uint64(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("UInt64 must be a non-negative integer")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError("UInt64 must be a non-negative integer") from None
    if number < 0 or number >= 2**64:
        raise ValueError("UInt64 out of range")
    return number


@uint64_scalar.serializer
def _serialize_uint64(value: Any) -> str:
    return str(value)


# -- shapes -------------------------------------------------------------------------------------


def user_to_gql(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "email": row["email"],
        "name": row["name"],
        "nickname": row["nickname"],
        "picture": None,
        "isViewer": bool(row["is_viewer"]),
        "isExternalUser": bool(row["is_external"]),
        "lastLoginAt": None,
        "timezone": row["timezone"],
        "_org_id": row["org_id"],
    }


def org_to_gql(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
    }


def task_to_gql(task: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": task["id"],
        "name": task["name"],
        "type": task["type"],
        "status": task["status"],
        "completionPercentage": float(task["completion"]),
        "result": task["result"],
        "errors": task["errors"],
        "metadata": {} if task["metadata"] is None else json.loads(task["metadata"]),
        "createdAt": task["created_at"],
        "updatedAt": task["updated_at"],
        "_created_by": task["created_by"],
        "_org_id": task["org_id"],
    }


def load_task(info: Info, task_id: str) -> dict[str, Any] | None:
    """A task of the caller's organisation as a reader sees it now (rules applied)."""
    c = ctx(info)
    row = c.conn.execute(
        "SELECT * FROM tasks WHERE id = ? AND org_id = ?", (task_id, c.org_id)
    ).fetchone()
    if row is None:
        return None
    return c.state.jobs.observe(c.conn, row)


def page(skip: int | None, first: int | None) -> tuple[int, int]:
    """``(offset, limit)`` of an offset page: 100 rows by default, at most 10,000."""
    skip = skip or 0
    first = 100 if first is None else first
    if skip < 0 or first < 0:
        raise BadInput("skip and first must be >= 0")
    return skip, min(first, 10_000)


# -- queries ------------------------------------------------------------------------------------


@query.field("user")
def resolve_user(_: Any, info: Info, where: dict[str, Any] | None = None) -> Any:
    c = ctx(info)
    wanted = (where or {}).get("id") or c.user_id
    row = c.conn.execute(
        "SELECT * FROM users WHERE id = ? AND org_id = ?", (wanted, c.org_id)
    ).fetchone()
    if row is None:
        raise NotFound(f"User {wanted} not found")
    return user_to_gql(row)


@query.field("organization")
def resolve_organization(_: Any, info: Info) -> Any:
    c = ctx(info)
    row = c.conn.execute("SELECT * FROM organizations WHERE id = ?", (c.org_id,)).fetchone()
    return org_to_gql(row)


@query.field("task")
def resolve_task(_: Any, info: Info, where: dict[str, Any] | None = None) -> Any:
    if not where or not where.get("id"):
        raise BadInput("task(where: {id}) needs an id")
    task = load_task(info, where["id"])
    if task is None:
        raise NotFound(f"Task {where['id']} not found")
    return task_to_gql(task)


@query.field("cancelableTaskTypes")
def resolve_cancelable(_: Any, info: Info) -> list[str]:
    return list(CANCELABLE_TASK_TYPES)


@user_type.field("organization")
def resolve_user_org(user: dict[str, Any], info: Info) -> Any:
    row = (
        ctx(info)
        .conn.execute("SELECT * FROM organizations WHERE id = ?", (user["_org_id"],))
        .fetchone()
    )
    return org_to_gql(row)


def _task_filter(where: dict[str, Any] | None) -> tuple[str, list[Any]]:
    if not where:
        return "", []
    clauses: list[str] = []
    params: list[Any] = []
    for key, value in where.items():
        if key == "AND":
            for sub in value or []:
                sql, sub_params = _task_filter(sub)
                if sql:
                    clauses.append(sql.removeprefix(" AND "))
                    params.extend(sub_params)
            continue
        column, op = {
            "id": ("id", "="),
            "id_not": ("id", "!="),
            "type": ("type", "="),
            "status": ("status", "="),
            "createdAt_gt": ("created_at", ">"),
            "createdAt_lt": ("created_at", "<"),
        }[key]
        clauses.append(f"{column} {op} ?")
        params.append("CANCELING" if key == "status" and value == "CANCELLING" else value)
    return ("".join(" AND " + c for c in clauses), params)


_TASK_ORDER = {
    "id": "id",
    "createdAt": "created_at",
    "updatedAt": "updated_at",
    "name": "name",
    "status": "status",
    "type": "type",
    "completionPercentage": "completion",
}


def _tasks(
    info: Info,
    owner_sql: str,
    owner: str,
    where: Any,
    skip: Any,
    first: Any,
    order_by: str | None = None,
) -> Any:
    c = ctx(info)
    offset, limit = page(skip, first)
    sql, params = _task_filter(where)
    order = "created_at DESC, id DESC"
    if order_by:
        field, _, direction = order_by.rpartition("_")
        order = f"{_TASK_ORDER[field]} {direction}, id {direction}"
    rows = c.conn.execute(
        f"SELECT * FROM tasks WHERE {owner_sql} = ?{sql} ORDER BY {order} LIMIT ? OFFSET ?",
        [owner, *params, limit, offset],
    ).fetchall()
    return [task_to_gql(c.state.jobs.observe(c.conn, row)) for row in rows]


@user_type.field("createdTasks")
def resolve_created_tasks(
    user: dict[str, Any],
    info: Info,
    where: dict[str, Any] | None = None,
    skip: int | None = None,
    first: int | None = None,
    orderBy: str | None = None,
) -> Any:
    return _tasks(info, "created_by", user["id"], where, skip, first, orderBy)


@org_type.field("tasks")
def resolve_org_tasks(
    org: dict[str, Any],
    info: Info,
    where: dict[str, Any] | None = None,
    skip: int | None = None,
    first: int | None = None,
) -> Any:
    return _tasks(info, "org_id", org["id"], where, skip, first)


@org_type.field("users")
def resolve_org_users(
    org: dict[str, Any],
    info: Info,
    where: dict[str, Any] | None = None,
    skip: int | None = None,
    first: int | None = None,
) -> Any:
    return [user_to_gql(row) for row in org_users(info, org["id"], skip, first, where)]


def org_users(
    info: Info,
    org_id: str,
    skip: int | None,
    first: int | None,
    where: dict[str, Any] | None = None,
) -> list[sqlite3.Row]:
    """One offset page of an organisation's users, oldest first, those matching ``where``
    (field equality on the GraphQL shape) only."""
    offset, limit = page(skip, first)
    rows = (
        ctx(info)
        .conn.execute("SELECT * FROM users WHERE org_id = ? ORDER BY created_at, id", (org_id,))
        .fetchall()
    )
    if where:
        rows = [r for r in rows if all(user_to_gql(r).get(k) == v for k, v in where.items())]
    return rows[offset : offset + limit]


def resolve_creator(owned: dict[str, Any], info: Info) -> Any:
    """``createdBy`` of anything whose shape carries ``_created_by``."""
    row = (
        ctx(info)
        .conn.execute("SELECT * FROM users WHERE id = ?", (owned["_created_by"],))
        .fetchone()
    )
    return None if row is None else user_to_gql(row)


def resolve_owner_organization(owned: dict[str, Any], info: Info) -> Any:
    """``organization`` of anything whose shape carries ``_org_id``."""
    row = (
        ctx(info)
        .conn.execute("SELECT * FROM organizations WHERE id = ?", (owned["_org_id"],))
        .fetchone()
    )
    return org_to_gql(row)


def bind_owner_relations(object_type: ObjectType, *, creator_field: str = "createdBy") -> None:
    """Resolve an object's creator and organisation from its ``_created_by`` / ``_org_id``."""
    object_type.set_field(creator_field, resolve_creator)
    object_type.set_field("organization", resolve_owner_organization)


bind_owner_relations(task_type)


# -- mutations ----------------------------------------------------------------------------------


@mutation.field("uploadFile")
def resolve_upload_file(
    _: Any,
    info: Info,
    file: Any,
    contentLength: int,
    sign: bool | None = None,
) -> Any:
    """Store an uploaded part and hand back a URL the emulator can resolve later.

    The declared content type and file name are recorded but never trusted: the official SDK
    swaps them for descriptor chunks, and counts characters rather than bytes in contentLength.
    """
    c = ctx(info)
    data = read_upload(file)
    if contentLength < 0:
        raise BadInput("contentLength must be >= 0")
    file_id = c.new_id()
    filename = getattr(file, "filename", None)
    content_type = getattr(file, "content_type", None)
    c.conn.execute(
        "INSERT INTO files (id, filename, content_type, size, data, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (file_id, filename, content_type, len(data), data, now_iso()),
    )
    return {"url": c.file_url(file_id), "filename": filename}


def read_upload(file: Any) -> bytes:
    """The bytes of a multipart file part (starlette's UploadFile) or of a plain value."""
    if isinstance(file, bytes):
        return file
    if isinstance(file, str):
        raise BadInput("uploadFile expects a multipart file part, not a string")
    handle = getattr(file, "file", None)
    if handle is None:
        raise BadInput("uploadFile expects a multipart file part")
    handle.seek(0)
    data = handle.read()
    if not isinstance(data, bytes):
        raise BadInput("uploadFile could not read the file part")
    return data


@mutation.field("cancelBulkOperationJob")
def resolve_cancel(_: Any, info: Info, id: str) -> Any:
    c = ctx(info)
    task = load_task(info, id)
    if task is None:
        raise NotFound(f"Task {id} not found")
    if task["type"] not in CANCELABLE_TASK_TYPES:
        raise NotAllowed(f"Tasks of type {task['type']} cannot be cancelled")
    if task["status"] != "IN_PROGRESS":
        return {"success": False}
    c.state.jobs.request_cancel(c.conn, id)
    return {"success": True}


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """The platform seeds nothing beyond the organisation and user."""


DDL = ""
BINDABLES = [
    query,
    mutation,
    user_type,
    org_type,
    task_type,
    datetime_scalar,
    json_scalar,
    upload_scalar,
    page_size_scalar,
    uint64_scalar,
]
