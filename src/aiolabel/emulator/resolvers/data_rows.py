"""Data rows: ``dataRow``, ``datasetDataRows`` (cursor pages), ``externalIdsToDataRowIds``,
``updateDataRow``, ``deleteDataRows`` and the ``DataRow`` type's relations (wire doc §3.6, §3.8,
§4.3, §8.1).

``datasetDataRows`` pages newest first (the SDK's documented order); the cursor the SDK reads is
``pageInfo.startCursor``: the id of the last row of this page, passed back as ``from`` (the next
page starts after it, as the service's does), ``null`` after the last page. Deleted rows never
appear.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ariadne import MutationType, ObjectType, QueryType

from aiolabel.emulator.context import Info, ctx
from aiolabel.emulator.errors import BadInput, Conflict, NotFound
from aiolabel.emulator.resolvers.base import bind_owner_relations
from aiolabel.emulator.resolvers.catalog import (
    Column,
    ContentMismatch,
    InvalidGlobalKey,
    check_content,
    chunked,
    compile_where,
    content_mime,
    data_row_to_gql,
    dataset_to_gql,
    document_url,
    global_key_norm,
    is_document,
    live_row,
    marks,
    media_attributes_json,
    media_type_for,
    media_type_of_mime,
    rows_by_global_key,
    sanitize_global_key,
    upload_types,
)
from aiolabel.emulator.resolvers.datasets import live_dataset
from aiolabel.emulator.resolvers.metadata import (
    MetadataError,
    Ontology,
    normalize_fields,
    prefetch,
    replace_row_metadata,
)
from aiolabel.emulator.store import now_iso

query = QueryType()
mutation = MutationType()
data_row_type = ObjectType("DataRow")

PAGE_MAX = 1000
"""Largest ``first`` of ``datasetDataRows`` (the official SDK asks for 500)."""

_COLUMNS = {
    "id": Column("id"),
    "externalId": Column("external_id"),
    "globalKey": Column("global_key"),
    "rowData": Column("row_data"),
    "mediaType": Column("media_type"),
    "createdAt": Column("created_at", "datetime"),
    "updatedAt": Column("updated_at", "datetime"),
}


@query.field("dataRow")
def resolve_data_row(_: Any, info: Info, where: dict[str, Any]) -> Any:
    c = ctx(info)
    if where.get("id"):
        row = live_row(c.conn, c.org_id, where["id"])
    elif where.get("globalKey"):
        row = rows_by_global_key(c.conn, c.org_id, [where["globalKey"]]).get(
            global_key_norm(where["globalKey"])
        )
    else:
        raise BadInput("dataRow(where:) needs an id or a globalKey")
    if row is None:
        raise NotFound(f"Data row {where.get('id') or where.get('globalKey')} not found")
    return data_row_to_gql(row)


@query.field("datasetDataRows")
def resolve_dataset_data_rows(
    _: Any,
    info: Info,
    id: str,
    first: int | None = None,
    where: dict[str, Any] | None = None,
    **kwargs: Any,
) -> Any:
    c = ctx(info)
    cursor = kwargs.get("from")
    if live_dataset(c.conn, c.org_id, id) is None:
        raise NotFound(f"Dataset {id} not found")
    size = 100 if first is None else first
    if not 1 <= size <= PAGE_MAX:
        raise BadInput(f"first must be between 1 and {PAGE_MAX}")
    sql, params, _fields = compile_where(where, _COLUMNS)
    start = ""
    if cursor:
        found = c.conn.execute(
            "SELECT seq FROM data_rows WHERE id = ? AND dataset_id = ?", (cursor, id)
        ).fetchone()
        if found is None:
            raise BadInput(f"Unknown cursor {cursor!r} for dataset {id}")
        start = " AND seq < ?"
        params = [found["seq"], *params]
    rows = c.conn.execute(
        "SELECT * FROM data_rows WHERE dataset_id = ? AND org_id = ? AND deleted = 0"
        f"{start} AND ({sql}) ORDER BY seq DESC LIMIT ?",
        (id, c.org_id, *params, size + 1),
    ).fetchall()
    nodes = [data_row_to_gql(r) for r in rows[:size]]
    prefetch(c.conn, nodes)
    more = len(rows) > size
    return {
        "nodes": nodes,
        "pageInfo": {
            "hasNextPage": more,
            "startCursor": nodes[-1]["id"] if more else None,
            "endCursor": nodes[-1]["id"] if nodes else None,
        },
    }


@query.field("externalIdsToDataRowIds")
def resolve_external_ids(_: Any, info: Info, externalId_in: list[str]) -> Any:
    c = ctx(info)
    out: list[dict[str, Any]] = []
    for part in chunked(list(dict.fromkeys(externalId_in))):
        out.extend(
            {"dataRowId": r["id"], "externalId": r["external_id"]}
            for r in c.conn.execute(
                "SELECT id, external_id FROM data_rows WHERE org_id = ? AND deleted = 0"
                f" AND external_id IN ({marks(len(part))}) ORDER BY seq",
                (c.org_id, *part),
            )
        )
    return out


def check_key_free(conn: sqlite3.Connection, org_id: str, key: str, data_row_id: str) -> None:
    """``Conflict`` when another live row of the organisation holds ``key``."""
    holder = rows_by_global_key(conn, org_id, [key]).get(global_key_norm(key))
    if holder is not None and holder["id"] != data_row_id:
        raise Conflict(f"Global key {key!r} is already used by data row {holder['id']}")


@mutation.field("updateDataRow")
def resolve_update_data_row(_: Any, info: Info, where: dict[str, Any], data: dict[str, Any]) -> Any:
    c = ctx(info)
    row = live_row(c.conn, c.org_id, where.get("id") or "")
    if row is None:
        raise NotFound(f"Data row {where.get('id')} not found")
    changes: dict[str, Any] = {}
    if "globalKey" in data:
        key = data["globalKey"]
        if key is not None:
            try:
                key = sanitize_global_key(key)
            except InvalidGlobalKey as exc:
                raise BadInput(str(exc)) from None
            check_key_free(c.conn, c.org_id, key, row["id"])
        changes["global_key"] = key
    if "externalId" in data:
        changes["external_id"] = data["externalId"]
    if "rowData" in data:
        content = data["rowData"]
        if not content or not content.strip():
            raise BadInput("rowData must not be empty")
        if is_document(content):
            url = document_url(content)
            if url is None:
                raise BadInput("Document row data needs a pdf_url")
            changes["row_data"] = url
        else:
            changes["row_data"] = content
        mime = content_mime(content, upload_types(c.conn))
        inferred = media_type_of_mime(mime) if mime is not None else None
        if inferred is None or content[:1] == "{":
            inferred = media_type_for(content)
        changes["media_type"] = inferred
        if data.get("mediaType") is not None:
            try:
                check_content(data["mediaType"], mime)
            except ContentMismatch as exc:
                raise BadInput(str(exc)) from None
            changes["media_type"] = data["mediaType"]
        changes["media_attributes"] = media_attributes_json(
            changes["media_type"], changes["row_data"], mime
        )
    if data.get("mediaType") is not None:
        changes["media_type"] = data["mediaType"]
    if data.get("metadataFields") is not None:
        try:
            values = normalize_fields(Ontology(c.conn, c.org_id), data["metadataFields"])
        except MetadataError as exc:
            raise BadInput(str(exc)) from None
        replace_row_metadata(c.conn, row["id"], values)
    changes["updated_at"] = now_iso()
    assignments = ", ".join(f"{column} = ?" for column in changes)
    c.conn.execute(
        f"UPDATE data_rows SET {assignments} WHERE id = ?", (*changes.values(), row["id"])
    )
    fresh = c.conn.execute("SELECT * FROM data_rows WHERE id = ?", (row["id"],)).fetchone()
    return data_row_to_gql(fresh)


@mutation.field("deleteDataRows")
def resolve_delete_data_rows(_: Any, info: Info, where: dict[str, Any]) -> Any:
    """Soft-delete the live rows among ``dataRowIds`` (their global keys become free)."""
    c = ctx(info)
    ids = list(dict.fromkeys(where["dataRowIds"]))
    deleted: list[dict[str, Any]] = []
    stamp = now_iso()
    for part in chunked(ids):
        rows = c.conn.execute(
            f"SELECT * FROM data_rows WHERE id IN ({marks(len(part))}) AND org_id = ?"
            " AND deleted = 0",
            (*part, c.org_id),
        ).fetchall()
        c.conn.executemany(
            "UPDATE data_rows SET deleted = 1, updated_at = ? WHERE id = ?",
            [(stamp, r["id"]) for r in rows],
        )
        deleted.extend(data_row_to_gql(r) for r in rows)
    return deleted


# -- relations ----------------------------------------------------------------------------------


@data_row_type.field("dataset")
def resolve_dataset(data_row: dict[str, Any], info: Info) -> Any:
    row = (
        ctx(info)
        .conn.execute("SELECT * FROM datasets WHERE id = ?", (data_row["_dataset_id"],))
        .fetchone()
    )
    return None if row is None else dataset_to_gql(row)


bind_owner_relations(data_row_type)


@data_row_type.field("mediaAttributes")
def resolve_media_attributes(data_row: dict[str, Any], info: Info) -> Any:
    value = data_row.get("mediaAttributes")
    return json.loads(value) if isinstance(value, str) else (value or {})


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """A fresh organisation has no data rows."""


DDL = ""
BINDABLES = [query, mutation, data_row_type]
