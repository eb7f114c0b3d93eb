"""Datasets: create, get, list with the ORM's ``where``, update, soft delete (wire doc §2, §3.4-3.5,
§4.6). Deleting a dataset deletes its data rows too, which frees their global keys."""

from __future__ import annotations

import sqlite3
from typing import Any

from ariadne import MutationType, ObjectType, QueryType

from aiolabel.emulator.context import Info, ctx
from aiolabel.emulator.errors import BadInput, NotFound
from aiolabel.emulator.resolvers.base import bind_owner_relations, page
from aiolabel.emulator.resolvers.catalog import Column, compile_where, dataset_to_gql
from aiolabel.emulator.store import now_iso

query = QueryType()
mutation = MutationType()
dataset_type = ObjectType("Dataset")

NAME_MAX_LENGTH = 255

_COLUMNS = {
    "id": Column("d.id"),
    "name": Column("d.name"),
    "description": Column("d.description"),
    "createdAt": Column("d.created_at", "datetime"),
    "updatedAt": Column("d.updated_at", "datetime"),
    "deleted": Column("d.deleted", "bool"),
    "rowCount": Column(
        "(SELECT count(*) FROM data_rows r WHERE r.dataset_id = d.id AND r.deleted = 0)", "int"
    ),
}


def live_dataset(conn: sqlite3.Connection, org_id: str, dataset_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM datasets WHERE id = ? AND org_id = ? AND deleted = 0",
        (dataset_id, org_id),
    ).fetchone()
    return row


def _require(info: Info, dataset_id: str) -> sqlite3.Row:
    c = ctx(info)
    row = live_dataset(c.conn, c.org_id, dataset_id)
    if row is None:
        raise NotFound(f"Dataset {dataset_id} not found")
    return row


def _check_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise BadInput("Dataset name must not be empty")
    if len(name) > NAME_MAX_LENGTH:
        raise BadInput(f"Dataset name must be at most {NAME_MAX_LENGTH} characters")
    return name


@query.field("dataset")
def resolve_dataset(_: Any, info: Info, where: dict[str, Any]) -> Any:
    return dataset_to_gql(_require(info, where["id"]))


@query.field("datasets")
def resolve_datasets(
    _: Any,
    info: Info,
    where: dict[str, Any] | None = None,
    skip: int | None = None,
    first: int | None = None,
) -> Any:
    c = ctx(info)
    offset, limit = page(skip, first)
    sql, params, mentioned = compile_where(where, _COLUMNS)
    if "deleted" not in mentioned:
        sql += " AND d.deleted = 0"
    rows = c.conn.execute(
        f"SELECT d.* FROM datasets d WHERE d.org_id = ? AND ({sql}) ORDER BY d.rowid"
        " LIMIT ? OFFSET ?",
        (c.org_id, *params, limit, offset),
    ).fetchall()
    return [dataset_to_gql(r) for r in rows]


@mutation.field("createDataset")
def resolve_create_dataset(_: Any, info: Info, data: dict[str, Any]) -> Any:
    c = ctx(info)
    name = _check_name(data["name"])
    stamp = now_iso()
    dataset_id = c.new_id()
    c.conn.execute(
        "INSERT INTO datasets (id, org_id, created_by, name, description, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (dataset_id, c.org_id, c.user_id, name, data.get("description") or "", stamp, stamp),
    )
    return dataset_to_gql(_require(info, dataset_id))


@mutation.field("updateDataset")
def resolve_update_dataset(_: Any, info: Info, where: dict[str, Any], data: dict[str, Any]) -> Any:
    c = ctx(info)
    row = _require(info, where["id"])
    changes: dict[str, Any] = {}
    if "name" in data:
        changes["name"] = _check_name(data["name"])
    if "description" in data:
        changes["description"] = data["description"]
    if data.get("deleted"):
        changes["deleted"] = 1
        c.conn.execute(
            "UPDATE data_rows SET deleted = 1, updated_at = ? WHERE dataset_id = ? AND deleted = 0",
            (now_iso(), row["id"]),
        )
    if changes:
        changes["updated_at"] = now_iso()
        assignments = ", ".join(f"{column} = ?" for column in changes)
        c.conn.execute(
            f"UPDATE datasets SET {assignments} WHERE id = ?", (*changes.values(), row["id"])
        )
    fresh = c.conn.execute("SELECT * FROM datasets WHERE id = ?", (row["id"],)).fetchone()
    return dataset_to_gql(fresh)


@dataset_type.field("rowCount")
def resolve_row_count(dataset: dict[str, Any], info: Info) -> int:
    row = (
        ctx(info)
        .conn.execute(
            "SELECT count(*) FROM data_rows WHERE dataset_id = ? AND deleted = 0",
            (dataset["id"],),
        )
        .fetchone()
    )
    return int(row[0])


bind_owner_relations(dataset_type)


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """A fresh organisation has no datasets."""


DDL = ""
BINDABLES = [query, mutation, dataset_type]
