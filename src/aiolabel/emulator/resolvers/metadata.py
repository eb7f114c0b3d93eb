"""Data-row metadata: the ontology of reserved and custom schemas, and values per row
(wire doc §8.2-8.3): ``customMetadataOntology``, ``upsertCustomMetadataSchema``,
``deleteCustomMetadataSchema``, ``upsertDataRowCustomMetadata``, ``deleteDataRowCustomMetadata``,
``dataRowCustomMetadata``, and ``DataRow.customMetadata`` / ``metadataFields``.

Values are checked against their schema's kind (``normalize_fields``, shared with the upsert and
``updateDataRow``): String ≤ 4,096 characters, Number a finite number, DateTime an ISO 8601
instant (stored as UTC ``…000Z``), Enum one of its options (given as the official SDK sends it,
``{enum: {}}`` plus ``{option: {}}``, or as the option id), Embedding 128 numbers.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ariadne import MutationType, ObjectType, QueryType

from aiolabel.emulator.context import Info, ctx
from aiolabel.emulator.errors import BadInput, Malformed, NotAllowed, NotFound
from aiolabel.emulator.resolvers.catalog import (
    chunked,
    global_key_norm,
    marks,
    rows_by_global_key,
    rows_by_id,
)
from aiolabel.emulator.store import dumps

STRING = "CustomMetadataString"
NUMBER = "CustomMetadataNumber"
DATETIME = "CustomMetadataDateTime"
ENUM = "CustomMetadataEnum"
OPTION = "CustomMetadataEnumOption"
EMBEDDING = "CustomMetadataEmbedding"
SCHEMA_KINDS = (STRING, NUMBER, DATETIME, ENUM, EMBEDDING)

STRING_MAX_LENGTH = 4096
EMBEDDING_LENGTH = 128
NAME_MAX_LENGTH = 100

RESERVED: tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...] = (
    ("cko8s9r5v0001h2dk9elqdidh", "tag", STRING, ()),
    (
        "cko8sbczn0002h2dkdaxb5kal",
        "split",
        ENUM,
        (
            ("cko8sbscr0003h2dk04w86hof", "train"),
            ("cko8sc2yr0004h2dku3l8qbx8", "valid"),
            ("cko8scbz70005h2dkastwhgqt", "test"),
        ),
    ),
    ("cko8sdzv70006h2dk8jg64zvb", "captureDateTime", DATETIME, ()),
    ("cko8sdzv70007h2dkskipnfrm", "skipNFrames", NUMBER, ()),
    ("cko8sdzv70008h2dkembeddng", "embedding", EMBEDDING, ()),
)
"""The reserved schemas every organisation has, with fixed ids (``tag``'s is the service's)."""

query = QueryType()
mutation = MutationType()
data_row_type = ObjectType("DataRow")


class MetadataError(ValueError):
    """A metadata field refused (the message names the field and why)."""


@dataclass(frozen=True)
class Schema:
    id: str
    name: str
    kind: str
    reserved: bool
    parent_id: str | None


class Ontology:
    """The live schemas of one organisation."""

    def __init__(self, conn: sqlite3.Connection, org_id: str) -> None:
        rows = conn.execute(
            "SELECT id, name, kind, reserved, parent_id FROM metadata_schemas"
            " WHERE org_id = ? AND deleted = 0 ORDER BY rowid",
            (org_id,),
        ).fetchall()
        self.by_id = {
            r["id"]: Schema(r["id"], r["name"], r["kind"], bool(r["reserved"]), r["parent_id"])
            for r in rows
        }
        self.by_name = {s.name: s for s in self.by_id.values() if s.kind != OPTION}

    def options(self, enum_id: str) -> list[Schema]:
        return [s for s in self.by_id.values() if s.parent_id == enum_id]

    def resolve(self, field: Mapping[str, Any]) -> Schema:
        schema_id = field.get("schemaId", field.get("schema_id"))
        if schema_id is not None:
            schema = self.by_id.get(str(schema_id))
            if schema is None:
                raise MetadataError(f"Unknown metadata schema id {schema_id}")
            return schema
        name = field.get("name")
        if name is None:
            raise MetadataError("A metadata field needs a schemaId or a name")
        found = self.by_name.get(str(name))
        if found is None:
            raise MetadataError(f"Unknown metadata schema name {name!r}")
        return found


def _check_value(schema: Schema, value: Any) -> Any:
    if schema.kind == STRING:
        if not isinstance(value, str):
            raise MetadataError(f"Metadata {schema.name!r} expects a string, got {value!r}")
        if len(value) > STRING_MAX_LENGTH:
            raise MetadataError(
                f"Metadata {schema.name!r} is longer than {STRING_MAX_LENGTH} characters"
            )
        return value
    if schema.kind == NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise MetadataError(f"Metadata {schema.name!r} expects a number, got {value!r}")
        if not math.isfinite(value):
            raise MetadataError(f"Metadata {schema.name!r} expects a finite number")
        return float(value)
    if schema.kind == DATETIME:
        from aiolabel.emulator.resolvers.catalog import normalize_datetime

        try:
            return normalize_datetime(value)
        except BadInput:
            raise MetadataError(
                f"Metadata {schema.name!r} expects an ISO 8601 date-time, got {value!r}"
            ) from None
    if schema.kind == EMBEDDING:
        if (
            not isinstance(value, list)
            or len(value) != EMBEDDING_LENGTH
            or any(isinstance(v, bool) or not isinstance(v, int | float) for v in value)
        ):
            raise MetadataError(
                f"Metadata {schema.name!r} expects a list of {EMBEDDING_LENGTH} numbers"
            )
        return [float(v) for v in value]
    raise MetadataError(f"Metadata schema {schema.name!r} of kind {schema.kind} takes no value")


def normalize_fields(ontology: Ontology, fields: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Fields as stored: ``{schema id: JSON value}``; ``MetadataError`` if any is refused."""
    values: dict[str, str] = {}
    enums_needing_option: set[str] = set()
    resolved: list[tuple[Mapping[str, Any], Schema]] = []
    given: set[str] = set()
    repeated: list[str] = []
    for field in fields:
        if not isinstance(field, Mapping):
            raise MetadataError(f"A metadata field must be an object, got {field!r}")
        schema = ontology.resolve(field)
        if schema.id in given and schema.id not in repeated:
            repeated.append(schema.id)
        given.add(schema.id)
        resolved.append((field, schema))
    if repeated:
        raise MetadataError(
            f"A schemaId can only be specified once per DataRow : [{', '.join(repeated)}]"
        )
    for field, schema in resolved:
        value = field.get("value")
        if schema.kind == OPTION:
            assert schema.parent_id is not None
            parent = ontology.by_id[schema.parent_id]
            chosen = values.get(parent.id)
            if chosen is not None and json.loads(chosen) != schema.id:
                raise MetadataError(f"Metadata {parent.name!r} is given more than one option")
            values[parent.id] = dumps(schema.id)
            enums_needing_option.discard(parent.id)
        elif schema.kind == ENUM:
            options = {o.id: o for o in ontology.options(schema.id)}
            by_name = {o.name: o for o in options.values()}
            if value in (None, {}):
                if schema.id not in values:
                    enums_needing_option.add(schema.id)
            elif isinstance(value, str) and (value in options or value in by_name):
                option = options.get(value) or by_name[value]
                values[schema.id] = dumps(option.id)
                enums_needing_option.discard(schema.id)
            else:
                raise MetadataError(f"{value!r} is not an option of metadata {schema.name!r}")
        else:
            values[schema.id] = dumps(_check_value(schema, value))
    if enums_needing_option:
        names = sorted(ontology.by_id[i].name for i in enums_needing_option)
        raise MetadataError(f"Enum metadata {', '.join(names)} is given without an option")
    return values


def replace_row_metadata(
    conn: sqlite3.Connection, data_row_id: str, values: Mapping[str, str]
) -> None:
    conn.execute("DELETE FROM data_row_metadata WHERE data_row_id = ?", (data_row_id,))
    conn.executemany(
        "INSERT INTO data_row_metadata (data_row_id, schema_id, value) VALUES (?, ?, ?)",
        [(data_row_id, k, v) for k, v in values.items()],
    )


# -- reading values back ------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    schema_id: str
    name: str
    kind: str
    value: Any
    option_name: str | None


def load_entries(conn: sqlite3.Connection, data_row_ids: Sequence[str]) -> dict[str, list[Entry]]:
    """Stored metadata of these rows (live schemas only), in schema order."""
    found: dict[str, list[Entry]] = {i: [] for i in data_row_ids}
    for part in chunked(list(dict.fromkeys(data_row_ids))):
        rows = conn.execute(
            "SELECT m.data_row_id, m.schema_id, m.value, s.name, s.kind, o.name AS option_name"
            " FROM data_row_metadata m JOIN metadata_schemas s ON s.id = m.schema_id"
            " LEFT JOIN metadata_schemas o ON s.kind = 'CustomMetadataEnum'"
            "   AND o.id = json_extract(m.value, '$')"
            f" WHERE m.data_row_id IN ({marks(len(part))}) AND s.deleted = 0"
            " ORDER BY s.rowid",
            tuple(part),
        ).fetchall()
        for r in rows:
            found[r["data_row_id"]].append(
                Entry(
                    r["schema_id"], r["name"], r["kind"], json.loads(r["value"]), r["option_name"]
                )
            )
    return found


def custom_metadata_out(entries: Iterable[Entry]) -> list[dict[str, Any]]:
    """``{schemaId value}`` pairs; an enum as the official SDK sends it (schema, then option)."""
    out: list[dict[str, Any]] = []
    for e in entries:
        if e.kind == ENUM:
            out.append({"schemaId": e.schema_id, "value": {}})
            out.append({"schemaId": e.value, "value": {}})
        else:
            out.append({"schemaId": e.schema_id, "value": e.value})
    return out


def metadata_fields_out(entries: Iterable[Entry]) -> list[dict[str, Any]]:
    """``{schemaId name value kind}``; an enum's value is the name of its option (``"train"``)."""
    out: list[dict[str, Any]] = []
    for e in entries:
        value = e.option_name if e.kind == ENUM else e.value
        out.append({"schemaId": e.schema_id, "name": e.name, "value": value, "kind": e.kind})
    return out


def _entries_of(data_row: dict[str, Any], info: Info) -> list[Entry]:
    """Prefetched by list resolvers (``_metadata``), or loaded for this one row."""
    cached = data_row.get("_metadata")
    if cached is None:
        cached = load_entries(ctx(info).conn, [data_row["id"]])[data_row["id"]]
        data_row["_metadata"] = cached
    return list(cached)


def prefetch(conn: sqlite3.Connection, data_rows: list[dict[str, Any]]) -> None:
    """Load the metadata of many ``DataRow`` objects in one query."""
    entries = load_entries(conn, [d["id"] for d in data_rows])
    for d in data_rows:
        d["_metadata"] = entries[d["id"]]


@data_row_type.field("customMetadata")
def resolve_custom_metadata(data_row: dict[str, Any], info: Info) -> Any:
    return custom_metadata_out(_entries_of(data_row, info))


@data_row_type.field("metadataFields")
def resolve_metadata_fields(data_row: dict[str, Any], info: Info) -> Any:
    return metadata_fields_out(_entries_of(data_row, info))


# -- the ontology -------------------------------------------------------------------------------


def _schema_to_gql(ontology: Ontology, schema: Schema) -> dict[str, Any]:
    options = [
        {"id": o.id, "name": o.name, "kind": o.kind, "reserved": o.reserved}
        for o in ontology.options(schema.id)
    ]
    return {
        "id": schema.id,
        "name": schema.name,
        "kind": schema.kind,
        "reserved": schema.reserved,
        "options": options,
    }


@query.field("customMetadataOntology")
def resolve_ontology(_: Any, info: Info) -> Any:
    c = ctx(info)
    ontology = Ontology(c.conn, c.org_id)
    return [_schema_to_gql(ontology, s) for s in ontology.by_id.values() if s.kind != OPTION]


def _check_schema_name(given: Any, what: str = "Metadata schema") -> str:
    if not isinstance(given, str) or not given.strip():
        raise BadInput(f"{what} name must not be empty")
    name = given.strip()
    if len(name) > NAME_MAX_LENGTH:
        raise BadInput(f"{what} name must be at most {NAME_MAX_LENGTH} characters")
    return name


@mutation.field("upsertCustomMetadataSchema")
def resolve_upsert_schema(_: Any, info: Info, data: dict[str, Any]) -> Any:
    """Create a custom schema, or (with ``id``) rename it and set its options."""
    c = ctx(info)
    ontology = Ontology(c.conn, c.org_id)
    name = _check_schema_name(data["name"])
    kind = data["kind"]
    if kind not in SCHEMA_KINDS:
        raise BadInput(f"Unknown metadata kind {kind!r}; expected one of {list(SCHEMA_KINDS)}")
    options = data.get("options") or []
    if options and kind != ENUM:
        raise BadInput("Only CustomMetadataEnum schemas have options")
    schema_id = data.get("id")
    clash = ontology.by_name.get(name)
    if clash is not None and clash.id != schema_id:
        raise Malformed(f"A metadata schema named {name!r} already exists")
    if schema_id is None:
        schema_id = c.new_id()
        c.conn.execute(
            "INSERT INTO metadata_schemas (id, org_id, name, kind) VALUES (?, ?, ?, ?)",
            (schema_id, c.org_id, name, kind),
        )
        existing: dict[str, Schema] = {}
    else:
        current = ontology.by_id.get(schema_id)
        if current is None or current.kind == OPTION:
            raise NotFound(f"Metadata schema {schema_id} not found")
        if current.reserved:
            raise NotAllowed(f"Reserved metadata schema {current.name!r} cannot be changed")
        if current.kind != kind:
            raise BadInput(f"The kind of metadata schema {current.name!r} cannot change")
        c.conn.execute("UPDATE metadata_schemas SET name = ? WHERE id = ?", (name, schema_id))
        existing = {o.id: o for o in ontology.options(schema_id)}
    seen_names: set[str] = set()
    kept: set[str] = set()
    for option in options:
        option_name = _check_schema_name(option["name"], "Enum option")
        if option_name in seen_names:
            raise BadInput(f"Enum option {option_name!r} is given twice")
        seen_names.add(option_name)
        option_id = option.get("id")
        if option_id is not None:
            if option_id not in existing:
                raise NotFound(f"Enum option {option_id} not found in schema {name!r}")
            c.conn.execute(
                "UPDATE metadata_schemas SET name = ? WHERE id = ?", (option_name, option_id)
            )
            kept.add(option_id)
        else:
            c.conn.execute(
                "INSERT INTO metadata_schemas (id, org_id, name, kind, parent_id)"
                " VALUES (?, ?, ?, ?, ?)",
                (c.new_id(), c.org_id, option_name, OPTION, schema_id),
            )
    for removed in set(existing) - kept:
        c.conn.execute("UPDATE metadata_schemas SET deleted = 1 WHERE id = ?", (removed,))
        c.conn.execute(
            "DELETE FROM data_row_metadata WHERE schema_id = ? AND value = ?",
            (schema_id, dumps(removed)),
        )
    fresh = Ontology(c.conn, c.org_id)
    result = _schema_to_gql(fresh, fresh.by_id[schema_id])
    return result


@mutation.field("deleteCustomMetadataSchema")
def resolve_delete_schema(_: Any, info: Info, schema: dict[str, Any]) -> Any:
    """Delete a custom schema (and its options), and every value stored under it."""
    c = ctx(info)
    ontology = Ontology(c.conn, c.org_id)
    found = ontology.by_id.get(schema["id"])
    if found is None or found.kind == OPTION:
        raise NotFound(f"Metadata schema {schema['id']} not found")
    if found.reserved:
        raise NotAllowed(f"Reserved metadata schema {found.name!r} cannot be deleted")
    c.conn.execute(
        "UPDATE metadata_schemas SET deleted = 1 WHERE id = ? OR parent_id = ?",
        (found.id, found.id),
    )
    c.conn.execute("DELETE FROM data_row_metadata WHERE schema_id = ?", (found.id,))
    return {"success": True}


# -- values of rows -----------------------------------------------------------------------------


def _echo(fields: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"schemaId": str(f.get("schemaId") or f.get("name") or ""), "value": f.get("value")}
        for f in fields
        if isinstance(f, Mapping)
    ]


@mutation.field("upsertDataRowCustomMetadata")
def resolve_upsert_values(_: Any, info: Info, data: list[dict[str, Any]]) -> Any:
    """Set the given fields of each row (others stay); returns the items refused, whole."""
    c = ctx(info)
    ontology = Ontology(c.conn, c.org_id)
    by_id = rows_by_id(c.conn, c.org_id, [d["dataRowId"] for d in data if d.get("dataRowId")])
    by_key = rows_by_global_key(
        c.conn, c.org_id, [d["globalKey"] for d in data if d.get("globalKey")]
    )
    failures: list[dict[str, Any]] = []
    writes: list[tuple[str, str, str]] = []
    for item in data:
        data_row_id, global_key = item.get("dataRowId"), item.get("globalKey")

        def fail(message: str, item: dict[str, Any] = item) -> None:
            failures.append(
                {
                    "dataRowId": item.get("dataRowId"),
                    "globalKey": item.get("globalKey"),
                    "error": message,
                    "fields": _echo(item["fields"]),
                }
            )

        if data_row_id:
            row = by_id.get(data_row_id)
        elif global_key:
            row = by_key.get(global_key_norm(global_key))
        else:
            fail("Either dataRowId or globalKey is required")
            continue
        if row is None:
            fail(f"Data row {data_row_id or global_key} not found")
            continue
        try:
            values = normalize_fields(ontology, item["fields"])
        except MetadataError as exc:
            fail(str(exc))
            continue
        writes.extend((row["id"], k, v) for k, v in values.items())
    c.conn.executemany(
        "INSERT INTO data_row_metadata (data_row_id, schema_id, value) VALUES (?, ?, ?)"
        " ON CONFLICT (data_row_id, schema_id) DO UPDATE SET value = excluded.value",
        writes,
    )
    return failures


def _identified_rows(
    conn: sqlite3.Connection, org_id: str, ids: Sequence[str], id_type: str
) -> dict[str, sqlite3.Row]:
    """Rows by the identifier given (id, or global key as given)."""
    if id_type == "ID":
        return dict(rows_by_id(conn, org_id, ids))
    by_norm = rows_by_global_key(conn, org_id, ids)
    return {k: by_norm[global_key_norm(k)] for k in ids if global_key_norm(k) in by_norm}


def _row_has(held: Mapping[str, str], schema: Schema) -> bool:
    """Whether a row's stored values (``{schema id: JSON value}``) include this schema (an
    option: its enum set to it)."""
    if schema.kind == OPTION:
        return schema.parent_id is not None and held.get(schema.parent_id) == dumps(schema.id)
    return schema.id in held


@mutation.field("deleteDataRowCustomMetadata")
def resolve_delete_values(
    _: Any, info: Info, dataRowIdentifiers: list[dict[str, Any]] | None = None
) -> Any:
    """Remove fields from rows; an enum is removed by its schema id or by its chosen option.

    A row is refused whole ("Schema did not exist", naming the fields) when it lacks a field."""
    c = ctx(info)
    items = dataRowIdentifiers or []
    ontology = Ontology(c.conn, c.org_id)
    failures: list[dict[str, Any]] = []
    for item in items:
        ident = item["dataRowIdentifier"]
        rows = _identified_rows(c.conn, c.org_id, [ident["id"]], ident["idType"])
        row = rows.get(ident["id"])
        echo = [{"schemaId": s, "value": None} for s in item["schemaIds"]]
        if row is None:
            failures.append(
                {"dataRowId": ident["id"], "error": "Data row not found", "fields": echo}
            )
            continue
        unknown = [s for s in item["schemaIds"] if s not in ontology.by_id]
        if unknown:
            failures.append(
                {
                    "dataRowId": row["id"],
                    "error": f"Unknown metadata schema ids: {', '.join(unknown)}",
                    "fields": echo,
                }
            )
            continue
        held: dict[str, str] = {
            r["schema_id"]: r["value"]
            for r in c.conn.execute(
                "SELECT schema_id, value FROM data_row_metadata WHERE data_row_id = ?",
                (row["id"],),
            )
        }
        absent = [s for s in item["schemaIds"] if not _row_has(held, ontology.by_id[s])]
        if absent:
            failures.append(
                {
                    "dataRowId": row["id"],
                    "error": "Schema did not exist",
                    "fields": [{"schemaId": s, "value": None} for s in absent],
                }
            )
            continue
        for schema_id in item["schemaIds"]:
            schema = ontology.by_id[schema_id]
            if schema.kind == OPTION:
                c.conn.execute(
                    "DELETE FROM data_row_metadata WHERE data_row_id = ? AND schema_id = ?"
                    " AND value = ?",
                    (row["id"], schema.parent_id, dumps(schema.id)),
                )
            else:
                c.conn.execute(
                    "DELETE FROM data_row_metadata WHERE data_row_id = ? AND schema_id = ?",
                    (row["id"], schema.id),
                )
    return failures


@query.field("dataRowCustomMetadata")
def resolve_export_values(_: Any, info: Info, where: dict[str, Any]) -> Any:
    c = ctx(info)
    identifiers = where.get("dataRowIdentifiers")
    if identifiers is None:
        raise BadInput("dataRowCustomMetadata needs where.dataRowIdentifiers")
    ids: list[str] = identifiers["ids"]
    rows = _identified_rows(c.conn, c.org_id, ids, identifiers["idType"])
    ordered = [rows[i] for i in dict.fromkeys(ids) if i in rows]
    entries = load_entries(c.conn, [r["id"] for r in ordered])
    return [
        {
            "dataRowId": r["id"],
            "globalKey": r["global_key"],
            "fields": custom_metadata_out(entries[r["id"]]),
        }
        for r in ordered
    ]


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """The reserved schemas."""
    for schema_id, name, kind, options in RESERVED:
        conn.execute(
            "INSERT INTO metadata_schemas (id, org_id, name, kind, reserved)"
            " VALUES (?, ?, ?, ?, 1)",
            (schema_id, org_id, name, kind),
        )
        for option_id, option_name in options:
            conn.execute(
                "INSERT INTO metadata_schemas (id, org_id, name, kind, reserved, parent_id)"
                " VALUES (?, ?, ?, ?, 1, ?)",
                (option_id, org_id, option_name, OPTION, schema_id),
            )


DDL = ""
BINDABLES = [query, mutation, data_row_type]
