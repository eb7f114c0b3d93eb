"""Ontologies, feature schemas, labelling frontends and a project's editor setup.

Model. A *feature schema* (``feature_schemas``) is one root tool or classification of the
organisation: its kind, name, colour and *definition* (the normalized node with a
``featureSchemaId`` on it and on every nested classification and option; no schema node ids).
An *ontology* (``ontologies``) is an ordered list of root feature schemas (``ontology_features``:
tools and classifications each ordered by ``position``, with a per-ontology ``archived`` flag).
Feature schemas are shared: renaming one renames it in every ontology that holds it.

Schema node ids are not stored: a node's ``schemaNodeId`` is derived from the ontology and the
feature schema id (:func:`schema_node_id`), so it is stable and identical on every read.

Usage. An ontology connected to a live project (``project_setup.ontology_id``) is *used*; a
feature schema held by a live ontology is *used*. The unused lists and the deletes honour that.
Labels arrive from another domain: :func:`labelled_feature_ids` is the one place that reads
them, by looking for feature schema ids in ``labels.annotations``.

For the label and annotation-import domains: :func:`project_ontology_id`,
:func:`ontology_nodes` (every node of an ontology, nested ones included, as :class:`FeatureNode`)
and :func:`resolve_feature` (a project's feature by schema id, schema node id or root name).

The maintenance calls of the official SDK are REST under ``/api/v1`` (:data:`REST`); refusals
answer with the service's JSON error body ``{"statusCode", "message", "error"}``.
"""

from __future__ import annotations

import colorsys
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ariadne import MutationType, ObjectType, QueryType

from aiolabel.emulator.context import Info, RestCall, ctx
from aiolabel.emulator.errors import BadInput, Conflict, NotAllowed, NotFound
from aiolabel.emulator.resolvers.base import bind_owner_relations, page, resolve_owner_organization
from aiolabel.emulator.resolvers.projects import (
    UPDATE_HOOKS,
    label_count,
    load_project,
    matches_where,
    project_to_gql,
)
from aiolabel.emulator.store import IdFactory, dumps, now_iso

if TYPE_CHECKING:
    from aiolabel.emulator.state import EmulatorState

DDL = """
CREATE TABLE IF NOT EXISTS feature_schemas (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE, org_id TEXT NOT NULL, kind TEXT NOT NULL,
    name TEXT NOT NULL, color TEXT, definition TEXT NOT NULL, created_by TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS feature_schemas_by_org ON feature_schemas (org_id, deleted, seq);

CREATE TABLE IF NOT EXISTS ontologies (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE, org_id TEXT NOT NULL, name TEXT NOT NULL, description TEXT,
    media_type TEXT, editor_task_type TEXT, created_by TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS ontologies_by_org ON ontologies (org_id, deleted, seq);

CREATE TABLE IF NOT EXISTS ontology_features (
    ontology_id TEXT NOT NULL, feature_schema_id TEXT NOT NULL, kind TEXT NOT NULL,
    position INTEGER NOT NULL, archived INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (ontology_id, feature_schema_id)
);
CREATE INDEX IF NOT EXISTS ontology_features_by_feature ON ontology_features (feature_schema_id);

CREATE TABLE IF NOT EXISTS labeling_frontends (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT, iframe_url_path TEXT
);

CREATE TABLE IF NOT EXISTS labeling_frontend_options (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE, project_id TEXT NOT NULL, labeling_frontend_id TEXT NOT NULL,
    org_id TEXT NOT NULL, customization_options TEXT, created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS labeling_frontend_options_by_project
    ON labeling_frontend_options (project_id, seq);

CREATE TABLE IF NOT EXISTS project_setup (
    project_id TEXT PRIMARY KEY, labeling_frontend_id TEXT, ontology_id TEXT
);
CREATE INDEX IF NOT EXISTS project_setup_by_ontology ON project_setup (ontology_id);
"""

TOOL_TYPES = frozenset(
    {
        "polygon",
        "superpixel",
        "raster-segmentation",
        "point",
        "rectangle",
        "line",
        "named-entity",
        "edge",
        "message-single-selection",
        "message-multi-selection",
        "message-ranking",
        "marker",
        "step-reasoning",
        "fact-checking",
        "prompt-issue",
    }
)
"""Tool types an ontology may hold (``Tool.Type`` and ``ToolType`` of the official SDK)."""

CLASSIFICATION_TYPES = frozenset(
    {"text", "checklist", "radio", "group", "prompt", "response-text", "response-checklist",
     "response-radio"}
)  # fmt: skip
"""Classification types (``Classification.Type`` and ``PromptResponseClassification.Type``)."""

NEEDS_OPTIONS = frozenset({"checklist", "radio", "response-checklist", "response-radio"})

UNUSED_PAGE = 100
"""Ids per page of the unused lists."""

DEFAULT_FRONTEND = ("Editor", "The Labelbox editor", "https://editor.labelbox.com")

query = QueryType()
mutation = MutationType()
ontology_type = ObjectType("Ontology")
project_type = ObjectType("Project")
project_mutations = ObjectType("ProjectMutations")
options_type = ObjectType("LabelingFrontendOptions")


# -- ids and lookups ----------------------------------------------------------------------------


def schema_node_id(scope: str, feature_schema_id: str) -> str:
    """The cuid-shaped schema node id of a feature in an ontology (``scope`` = its id) or, with
    ``scope=""``, of a feature schema's root node outside any ontology."""
    digest = hashlib.sha1(f"{scope}/{feature_schema_id}".encode()).hexdigest()
    return "c" + digest[:24]


def load_ontology(conn: sqlite3.Connection, org_id: str, ontology_id: str) -> sqlite3.Row:
    """A live ontology of the organisation, or RESOURCE_NOT_FOUND."""
    row = conn.execute(
        "SELECT * FROM ontologies WHERE id = ? AND org_id = ? AND deleted = 0",
        (ontology_id, org_id),
    ).fetchone()
    if row is None:
        raise NotFound(f"Ontology {ontology_id} not found")
    assert isinstance(row, sqlite3.Row)
    return row


def load_feature_schema(
    conn: sqlite3.Connection, org_id: str, feature_schema_id: str
) -> sqlite3.Row:
    """A live feature schema of the organisation, or RESOURCE_NOT_FOUND."""
    row = conn.execute(
        "SELECT * FROM feature_schemas WHERE id = ? AND org_id = ? AND deleted = 0",
        (feature_schema_id, org_id),
    ).fetchone()
    if row is None:
        raise NotFound(f"Feature schema {feature_schema_id} not found")
    assert isinstance(row, sqlite3.Row)
    return row


def project_ontology_id(conn: sqlite3.Connection, project_id: str) -> str | None:
    """The ontology connected to a project, or ``None``."""
    row = conn.execute(
        "SELECT ontology_id FROM project_setup WHERE project_id = ?", (project_id,)
    ).fetchone()
    return None if row is None else row[0]


def labelled_feature_ids(
    conn: sqlite3.Connection, project_id: str, candidates: set[str]
) -> set[str]:
    """Which of ``candidates`` (feature schema ids) the project's live labels mention."""
    if not candidates or label_count(conn, project_id) == 0:
        return set()
    found: set[str] = set()
    for (text,) in conn.execute(
        "SELECT annotations FROM labels WHERE project_id = ? AND deleted = 0"
        " AND annotations IS NOT NULL",
        (project_id,),
    ):
        found.update(fid for fid in candidates if fid in text)
    return found


def _live_projects_of(conn: sqlite3.Connection, ontology_id: str) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT s.project_id FROM project_setup s JOIN projects p ON p.id = s.project_id"
            " WHERE s.ontology_id = ? AND p.deleted = 0 ORDER BY p.seq",
            (ontology_id,),
        )
    ]


# -- the normalized tree ------------------------------------------------------------------------


@dataclass(frozen=True)
class FeatureNode:
    """One node of an ontology: a root tool or classification, a nested classification or an
    option. ``name`` is the option's value for options."""

    feature_schema_id: str
    schema_node_id: str
    kind: str  # "tool" | "classification" | "option"
    type: str | None  # tool or classification type; None for options
    name: str
    root_feature_schema_id: str
    parent_feature_schema_id: str | None
    archived: bool
    node: dict[str, Any]


def _walk(
    node: dict[str, Any], kind: str, root: str, parent: str | None
) -> Iterator[tuple[dict[str, Any], str, str | None]]:
    yield node, kind, parent
    fid = node.get("featureSchemaId")
    if kind == "tool":
        for child in node.get("classifications") or []:
            yield from _walk(child, "classification", root, fid)
    elif kind == "classification":
        for child in node.get("options") or []:
            yield from _walk(child, "option", root, fid)
    else:
        for child in node.get("options") or []:
            yield from _walk(child, "classification", root, fid)


def _stamp_node_ids(node: dict[str, Any], kind: str, scope: str) -> dict[str, Any]:
    """A copy of a definition with every node's ``schemaNodeId`` set for ``scope``."""
    out: dict[str, Any] = json.loads(dumps(node))
    for each, _kind, _parent in _walk(out, kind, out["featureSchemaId"], None):
        each["schemaNodeId"] = schema_node_id(scope, each["featureSchemaId"])
    return out


def _ontology_roots(conn: sqlite3.Connection, ontology_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT f.*, o.kind AS root_kind, o.position, o.archived FROM ontology_features o"
        " JOIN feature_schemas f ON f.id = o.feature_schema_id"
        " WHERE o.ontology_id = ? ORDER BY o.kind = 'classification', o.position",
        (ontology_id,),
    ).fetchall()


def ontology_nodes(conn: sqlite3.Connection, ontology_id: str) -> list[FeatureNode]:
    """Every node of an ontology in order, roots before their nested nodes."""
    out: list[FeatureNode] = []
    for row in _ontology_roots(conn, ontology_id):
        root = _stamp_node_ids(json.loads(row["definition"]), row["kind"], ontology_id)
        for node, kind, parent in _walk(root, row["kind"], row["id"], None):
            out.append(
                FeatureNode(
                    feature_schema_id=node["featureSchemaId"],
                    schema_node_id=node["schemaNodeId"],
                    kind=kind,
                    type=node.get("tool") if kind == "tool" else node.get("type"),
                    name=str(node.get("value") if kind == "option" else node.get("name")),
                    root_feature_schema_id=row["id"],
                    parent_feature_schema_id=parent,
                    archived=bool(row["archived"]),
                    node=node,
                )
            )
    return out


def resolve_feature(
    conn: sqlite3.Connection,
    project_id: str,
    *,
    schema_id: str | None = None,
    name: str | None = None,
) -> FeatureNode | None:
    """A feature of the project's ontology by feature schema id or schema node id (any node), or
    by name (root tools and classifications only); ``None`` when there is none."""
    ontology_id = project_ontology_id(conn, project_id)
    if ontology_id is None:
        return None
    for node in ontology_nodes(conn, ontology_id):
        if schema_id is not None and schema_id in (node.feature_schema_id, node.schema_node_id):
            return node
        if (
            schema_id is None
            and name is not None
            and node.parent_feature_schema_id is None
            and node.name == name
        ):
            return node
    return None


def normalized_ontology(conn: sqlite3.Connection, ontology_id: str) -> dict[str, Any]:
    """``{"tools": [...], "classifications": [...]}`` as the service answers it."""
    out: dict[str, Any] = {"tools": [], "classifications": []}
    for row in _ontology_roots(conn, ontology_id):
        node = _stamp_node_ids(json.loads(row["definition"]), row["kind"], ontology_id)
        out["tools" if row["kind"] == "tool" else "classifications"].append(node)
    return out


# -- validation and canonical form --------------------------------------------------------------


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"{what} must be a non-empty string")
    return value


def _unique(names: list[Any], what: str) -> None:
    seen: set[Any] = set()
    for name in names:
        if name in seen:
            raise BadInput(f"Duplicate {what} {name!r}")
        seen.add(name)


def kind_of(node: Any, where: str) -> str:
    """``tool`` or ``classification``: what a root node is, or BadInput."""
    if not isinstance(node, dict):
        raise BadInput(f"{where} must be an object")
    if "tool" in node:
        return "tool"
    if "type" in node:
        return "classification"
    raise BadInput(f"{where} has neither 'tool' nor 'type'")


def _canonical(node: dict[str, Any], kind: str, where: str, new_id: Callable[[], str]) -> Any:
    """A validated copy of a node with defaults filled in and a featureSchemaId on every node
    (kept when given); schema node ids are dropped."""
    if not isinstance(node, dict):
        raise BadInput(f"{where} must be an object")
    out = {k: v for k, v in node.items() if k != "schemaNodeId"}
    given = out.get("featureSchemaId")
    if given is not None and not isinstance(given, str):
        raise BadInput(f"{where}.featureSchemaId must be a string")
    out["featureSchemaId"] = given or new_id()
    if kind == "tool":
        if out.get("tool") not in TOOL_TYPES:
            raise BadInput(f"{where}: unknown tool type {out.get('tool')!r}")
        _text(out.get("name"), f"{where}.name")
        out.setdefault("required", False)
        out.setdefault("color", None)
        children = out.get("classifications") or []
        if not isinstance(children, list):
            raise BadInput(f"{where}.classifications must be a list")
        out["classifications"] = [
            _canonical(c, "classification", f"{where}.classifications[{i}]", new_id)
            for i, c in enumerate(children)
        ]
        _unique([c["name"] for c in out["classifications"]], f"classification name in {where}")
    elif kind == "classification":
        if out.get("type") not in CLASSIFICATION_TYPES:
            raise BadInput(f"{where}: unknown classification type {out.get('type')!r}")
        name = out.get("name") or out.get("instructions")
        out["name"] = _text(name, f"{where}.name")
        if out.get("instructions") is None:
            out["instructions"] = out["name"]
        out.setdefault("required", False)
        options = out.get("options") or []
        if not isinstance(options, list):
            raise BadInput(f"{where}.options must be a list")
        if out["type"] in NEEDS_OPTIONS and not options:
            raise BadInput(f"{where}: a {out['type']} classification needs options")
        out["options"] = [
            _canonical(o, "option", f"{where}.options[{i}]", new_id) for i, o in enumerate(options)
        ]
        _unique([o["value"] for o in out["options"]], f"option value in {where}")
    else:
        value = out.get("value")
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise BadInput(f"{where}.value must be a string or an integer")
        if isinstance(value, str):
            _text(value, f"{where}.value")
        if out.get("label") is None:
            out["label"] = value
        children = out.get("options") or []
        out["options"] = [
            _canonical(c, "classification", f"{where}.options[{i}]", new_id)
            for i, c in enumerate(children)
        ]
        _unique([c["name"] for c in out["options"]], f"classification name in {where}")
    return out


def _parse_json(text: Any, what: str) -> Any:
    if isinstance(text, dict):
        return text
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        raise BadInput(f"{what} is not valid JSON") from None


def _palette(index: int, count: int) -> str:
    red, green, blue = (int(255 * x) for x in colorsys.hsv_to_rgb(index / max(count, 1), 1, 1))
    return f"#{red:02x}{green:02x}{blue:02x}"


def canonical_ontology(normalized: Any, new_id: Callable[[], str]) -> list[tuple[str, Any]]:
    """The roots of an ontology's normalized JSON as ``(kind, canonical node)``, tools first, or
    BadInput (unknown types, empty names, duplicate names among tools or classifications)."""
    if not isinstance(normalized, dict):
        raise BadInput("normalized must be an object with 'tools' and 'classifications'")
    unknown = set(normalized) - {"tools", "classifications", "relationships"}
    if unknown:
        raise BadInput(f"normalized has unknown keys: {', '.join(sorted(unknown))}")
    roots: list[tuple[str, Any]] = []
    for key, kind in (("tools", "tool"), ("classifications", "classification")):
        nodes = normalized.get(key) or []
        if not isinstance(nodes, list):
            raise BadInput(f"normalized.{key} must be a list")
        canonical = [_canonical(n, kind, f"{key}[{i}]", new_id) for i, n in enumerate(nodes)]
        _unique([n["name"] for n in canonical], f"{kind} name")
        _unique([n["featureSchemaId"] for n in canonical], "feature schema")
        if kind == "tool":
            for index, node in enumerate(canonical):
                if not node.get("color"):
                    node["color"] = _palette(index, len(canonical))
        roots.extend((kind, n) for n in canonical)
    return roots


# -- writes -------------------------------------------------------------------------------------


def _store_feature(
    conn: sqlite3.Connection, org_id: str, user_id: str, kind: str, node: dict[str, Any],
    *, created: bool,
) -> str:  # fmt: skip
    """Insert a new feature schema or replace an existing one's definition; its id."""
    stamp = now_iso()
    if created:
        conn.execute(
            "INSERT INTO feature_schemas (id, org_id, kind, name, color, definition, created_by,"
            " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
            (node["featureSchemaId"], org_id, kind, node["name"], node.get("color"), dumps(node),
             user_id, stamp, stamp),
        )  # fmt: skip
    else:
        conn.execute(
            "UPDATE feature_schemas SET name = ?, color = ?, definition = ?, updated_at = ?"
            " WHERE id = ?",
            (node["name"], node.get("color"), dumps(node), stamp, node["featureSchemaId"]),
        )
    return str(node["featureSchemaId"])


def upsert_feature(
    conn: sqlite3.Connection, org_id: str, user_id: str, new_id: Callable[[], str],
    raw: Any, *, where: str = "normalized",
) -> str:  # fmt: skip
    """Create a feature schema from one normalized node, or update the one its featureSchemaId
    names; its id."""
    kind = kind_of(raw, where)
    node = _canonical(raw, kind, where, new_id)
    return _upsert_root(conn, org_id, user_id, kind, node, raw.get("featureSchemaId"))


def _upsert_root(
    conn: sqlite3.Connection, org_id: str, user_id: str, kind: str, node: dict[str, Any],
    given_id: Any,
) -> str:  # fmt: skip
    if kind == "tool" and not node.get("color"):
        node["color"] = _palette(0, 1)
    if given_id:
        existing = load_feature_schema(conn, org_id, given_id)
        if existing["kind"] != kind:
            raise BadInput(f"Feature schema {given_id} is a {existing['kind']}, not a {kind}")
        _check_names_in_ontologies(conn, given_id, node["name"], kind)
        return _store_feature(conn, org_id, user_id, kind, node, created=False)
    return _store_feature(conn, org_id, user_id, kind, node, created=True)


def _check_names_in_ontologies(
    conn: sqlite3.Connection, feature_schema_id: str, name: str, kind: str
) -> None:
    """A renamed feature must not collide with another root of the same kind in its ontologies."""
    clash = conn.execute(
        "SELECT o.ontology_id FROM ontology_features o JOIN ontology_features other"
        " ON other.ontology_id = o.ontology_id AND other.feature_schema_id != o.feature_schema_id"
        " AND other.kind = o.kind JOIN feature_schemas f ON f.id = other.feature_schema_id"
        " JOIN ontologies n ON n.id = o.ontology_id AND n.deleted = 0"
        " WHERE o.feature_schema_id = ? AND f.name = ? LIMIT 1",
        (feature_schema_id, name),
    ).fetchone()
    if clash is not None:
        raise BadInput(f"Duplicate {kind} name {name!r} in ontology {clash[0]}")


def _touch_ontology(conn: sqlite3.Connection, ontology_id: str) -> None:
    conn.execute("UPDATE ontologies SET updated_at = ? WHERE id = ?", (now_iso(), ontology_id))


# -- GraphQL shapes -----------------------------------------------------------------------------


def ontology_to_gql(conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    normalized = normalized_ontology(conn, row["id"])
    return {
        "id": row["id"],
        "name": row["name"],
        "description": row["description"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "normalized": normalized,
        "objectSchemaCount": len(normalized["tools"]),
        "classificationSchemaCount": len(normalized["classifications"]),
        "mediaType": row["media_type"],
        "editorTaskType": row["editor_task_type"],
        "_created_by": row["created_by"],
        "_org_id": row["org_id"],
    }


def feature_to_gql(row: sqlite3.Row) -> dict[str, Any]:
    normalized = _stamp_node_ids(json.loads(row["definition"]), row["kind"], "")
    return {
        "id": normalized["schemaNodeId"],
        "name": row["name"],
        "color": row["color"],
        "normalized": normalized,
        "featureSchemaId": row["id"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
    }


def _frontend_to_gql(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "description": row["description"],
        "iframeUrlPath": row["iframe_url_path"],
    }


def _cursor_page(
    conn: sqlite3.Connection,
    table: str,
    org_id: str,
    search: str | None,
    after: str | None,
    first: int | None,
) -> tuple[list[sqlite3.Row], str | None]:
    """One page of live rows by creation order, names containing ``search`` (any case)."""
    limit = 100 if first is None else first
    start = 0
    if after:
        found = conn.execute(
            f"SELECT seq FROM {table} WHERE id = ? AND org_id = ?", (after, org_id)
        ).fetchone()
        if found is None:
            raise BadInput(f"Unknown cursor {after!r}")
        start = found[0]
    rows = conn.execute(
        f"SELECT * FROM {table} WHERE org_id = ? AND deleted = 0 AND seq > ?"
        " AND instr(lower(name), lower(?)) > 0 ORDER BY seq LIMIT ?",
        (org_id, start, search or "", limit + 1),
    ).fetchall()
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1]["id"] if more and rows else None)


# -- queries ------------------------------------------------------------------------------------


@query.field("ontology")
def resolve_ontology(_: Any, info: Info, where: dict[str, Any]) -> Any:
    c = ctx(info)
    row = c.conn.execute(
        "SELECT * FROM ontologies WHERE id = ? AND org_id = ? AND deleted = 0",
        (where["id"], c.org_id),
    ).fetchone()
    return None if row is None else ontology_to_gql(c.conn, row)


@query.field("ontologies")
def resolve_ontologies(
    _: Any, info: Info, where: dict[str, Any] | None = None, after: str | None = None,
    first: int | None = None,
) -> Any:  # fmt: skip
    c = ctx(info)
    search = (where or {}).get("search")
    rows, cursor = _cursor_page(c.conn, "ontologies", c.org_id, search, after, first)
    return {"nodes": [ontology_to_gql(c.conn, r) for r in rows], "nextCursor": cursor}


@query.field("rootSchemaNode")
def resolve_root_schema_node(_: Any, info: Info, where: dict[str, Any]) -> Any:
    c = ctx(info)
    feature_id = where.get("featureSchemaId")
    if feature_id is None and where.get("schemaNodeId"):
        for row in c.conn.execute(
            "SELECT id FROM feature_schemas WHERE org_id = ? AND deleted = 0", (c.org_id,)
        ):
            if schema_node_id("", row[0]) == where["schemaNodeId"]:
                feature_id = row[0]
                break
    if feature_id is None:
        raise NotFound("Feature schema not found")
    return feature_to_gql(load_feature_schema(c.conn, c.org_id, feature_id))


@query.field("rootSchemaNodes")
def resolve_root_schema_nodes(
    _: Any, info: Info, where: dict[str, Any] | None = None, after: str | None = None,
    first: int | None = None,
) -> Any:  # fmt: skip
    c = ctx(info)
    search = (where or {}).get("search")
    rows, cursor = _cursor_page(c.conn, "feature_schemas", c.org_id, search, after, first)
    return {"nodes": [feature_to_gql(r) for r in rows], "nextCursor": cursor}


@query.field("labelingFrontend")
def resolve_labeling_frontend(_: Any, info: Info, where: dict[str, Any]) -> Any:
    row = (
        ctx(info)
        .conn.execute("SELECT * FROM labeling_frontends WHERE id = ?", (where["id"],))
        .fetchone()
    )
    return None if row is None else _frontend_to_gql(row)


@query.field("labelingFrontends")
def resolve_labeling_frontends(
    _: Any, info: Info, where: dict[str, Any] | None = None, skip: int | None = None,
    first: int | None = None,
) -> Any:  # fmt: skip
    offset, limit = page(skip, first)
    rows = ctx(info).conn.execute("SELECT * FROM labeling_frontends ORDER BY rowid").fetchall()
    found = [f for f in map(_frontend_to_gql, rows) if _frontend_matches(f, where)]
    return found[offset : offset + limit]


def _frontend_matches(frontend: dict[str, Any], where: dict[str, Any] | None) -> bool:
    """The ORM's where on a frontend: fields, ``_not`` suffixes, ``AND``; frontends are never
    deleted."""
    for key, value in (where or {}).items():
        if key == "AND":
            if not all(_frontend_matches(frontend, sub) for sub in value or []):
                return False
        elif key == "deleted":
            if value:
                return False
        elif key.endswith("_not"):
            if frontend[key.removesuffix("_not")] == value:
                return False
        elif frontend[key] != value:
            return False
    return True


@ontology_type.field("projects")
def resolve_ontology_projects(
    ontology: dict[str, Any], info: Info, where: dict[str, Any] | None = None,
    skip: int | None = None, first: int | None = None,
) -> Any:  # fmt: skip
    c = ctx(info)
    offset, limit = page(skip, first)
    projects = [
        project_to_gql(c.conn, load_project(c.conn, c.org_id, i))
        for i in _live_projects_of(c.conn, ontology["id"])
    ]
    return [p for p in projects if matches_where(p, where)][offset : offset + limit]


bind_owner_relations(ontology_type)


@project_type.field("ontology")
def resolve_project_ontology(project: dict[str, Any], info: Info) -> Any:
    c = ctx(info)
    ontology_id = project_ontology_id(c.conn, project["id"])
    if ontology_id is None:
        return None
    return ontology_to_gql(c.conn, load_ontology(c.conn, c.org_id, ontology_id))


@project_type.field("labelingFrontend")
def resolve_project_frontend(project: dict[str, Any], info: Info) -> Any:
    row = (
        ctx(info)
        .conn.execute(
            "SELECT f.* FROM project_setup s JOIN labeling_frontends f"
            " ON f.id = s.labeling_frontend_id WHERE s.project_id = ?",
            (project["id"],),
        )
        .fetchone()
    )
    return None if row is None else _frontend_to_gql(row)


def _options_to_gql(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "customizationOptions": row["customization_options"],
        "_project_id": row["project_id"],
        "_frontend_id": row["labeling_frontend_id"],
        "_org_id": row["org_id"],
    }


@project_type.field("labelingFrontendOptions")
def resolve_project_frontend_options(
    project: dict[str, Any], info: Info, skip: int | None = None, first: int | None = None
) -> Any:
    offset, limit = page(skip, first)
    rows = (
        ctx(info)
        .conn.execute(
            "SELECT * FROM labeling_frontend_options WHERE project_id = ? ORDER BY seq"
            " LIMIT ? OFFSET ?",
            (project["id"], limit, offset),
        )
        .fetchall()
    )
    return [_options_to_gql(r) for r in rows]


@options_type.field("project")
def resolve_options_project(options: dict[str, Any], info: Info) -> Any:
    c = ctx(info)
    row = c.conn.execute(
        "SELECT * FROM projects WHERE id = ?", (options["_project_id"],)
    ).fetchone()
    return None if row is None else project_to_gql(c.conn, row)


@options_type.field("labelingFrontend")
def resolve_options_frontend(options: dict[str, Any], info: Info) -> Any:
    row = (
        ctx(info)
        .conn.execute("SELECT * FROM labeling_frontends WHERE id = ?", (options["_frontend_id"],))
        .fetchone()
    )
    return None if row is None else _frontend_to_gql(row)


options_type.set_field("organization", resolve_owner_organization)


# -- mutations ----------------------------------------------------------------------------------


@mutation.field("upsertOntology")
def resolve_upsert_ontology(_: Any, info: Info, data: dict[str, Any]) -> Any:
    """Create an ontology; roots naming a featureSchemaId reuse (and update) that schema."""
    c = ctx(info)
    name = _text(data.get("name"), "name")
    if data.get("mediaType") == "UNSUPPORTED":
        raise BadInput("UNSUPPORTED is not a media type an ontology can have")
    if data.get("id"):
        raise BadInput("Updating an ontology through upsertOntology is not supported")
    normalized = _parse_json(data.get("normalized"), "normalized")
    roots = canonical_ontology(normalized, c.new_id)
    given = {
        n.get("featureSchemaId")
        for key in ("tools", "classifications")
        for n in normalized.get(key) or []
        if isinstance(n, dict) and n.get("featureSchemaId")
    }
    for kind, node in roots:
        if node["featureSchemaId"] in given:
            existing = load_feature_schema(c.conn, c.org_id, node["featureSchemaId"])
            if existing["kind"] != kind:
                raise BadInput(
                    f"Feature schema {existing['id']} is a {existing['kind']}, not a {kind}"
                )
    ontology_id, stamp = c.new_id(), now_iso()
    c.conn.execute(
        "INSERT INTO ontologies (id, org_id, name, description, media_type, editor_task_type,"
        " created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
        (ontology_id, c.org_id, name, data.get("description"), data.get("mediaType"),
         data.get("editorTaskType"), c.user_id, stamp, stamp),
    )  # fmt: skip
    positions = {"tool": 0, "classification": 0}
    for kind, node in roots:
        created = node["featureSchemaId"] not in given
        feature_id = _store_feature(c.conn, c.org_id, c.user_id, kind, node, created=created)
        c.conn.execute(
            "INSERT INTO ontology_features (ontology_id, feature_schema_id, kind, position)"
            " VALUES (?,?,?,?)",
            (ontology_id, feature_id, kind, positions[kind]),
        )
        positions[kind] += 1
    return ontology_to_gql(c.conn, load_ontology(c.conn, c.org_id, ontology_id))


@mutation.field("upsertRootSchemaNode")
def resolve_upsert_root_schema_node(_: Any, info: Info, data: dict[str, Any]) -> Any:
    c = ctx(info)
    raw = _parse_json(data.get("normalized"), "normalized")
    feature_id = upsert_feature(c.conn, c.org_id, c.user_id, c.new_id, raw)
    return feature_to_gql(load_feature_schema(c.conn, c.org_id, feature_id))


@mutation.field("createLabelingFrontendOptions")
def resolve_create_frontend_options(_: Any, info: Info, data: dict[str, Any]) -> Any:
    c = ctx(info)
    project = load_project(c.conn, c.org_id, data["project"]["connect"]["id"])
    frontend_id = data["labelingFrontend"]["connect"]["id"]
    if (
        c.conn.execute("SELECT 1 FROM labeling_frontends WHERE id = ?", (frontend_id,)).fetchone()
        is None
    ):
        raise NotFound(f"Labeling frontend {frontend_id} not found")
    options_id = c.new_id()
    c.conn.execute(
        "INSERT INTO labeling_frontend_options (id, project_id, labeling_frontend_id, org_id,"
        " customization_options, created_at) VALUES (?,?,?,?,?,?)",
        (options_id, project["id"], frontend_id, c.org_id, data["customizationOptions"], now_iso()),
    )
    row = c.conn.execute(
        "SELECT * FROM labeling_frontend_options WHERE id = ?", (options_id,)
    ).fetchone()
    return _options_to_gql(row)


def _connect_frontend(conn: sqlite3.Connection, project: sqlite3.Row, value: Any) -> None:
    """``updateProject(data: {labelingFrontend: {connect: {id}}})``."""
    frontend_id = value["connect"]["id"]
    if (
        conn.execute("SELECT 1 FROM labeling_frontends WHERE id = ?", (frontend_id,)).fetchone()
        is None
    ):
        raise NotFound(f"Labeling frontend {frontend_id} not found")
    conn.execute(
        "INSERT INTO project_setup (project_id, labeling_frontend_id) VALUES (?, ?)"
        " ON CONFLICT(project_id) DO UPDATE"
        " SET labeling_frontend_id = excluded.labeling_frontend_id",
        (project["id"], frontend_id),
    )


UPDATE_HOOKS["labelingFrontend"] = _connect_frontend


@project_mutations.field("connectOntology")
def resolve_connect_ontology(project: dict[str, Any], info: Info, ontologyId: str) -> Any:
    """Refused when the media types differ (an ontology without one fits any project), and when
    the project has labels whose features the new ontology does not hold."""
    c = ctx(info)
    ontology = load_ontology(c.conn, c.org_id, ontologyId)
    if ontology["media_type"] not in (None, "UNKNOWN", project["allowedMediaType"]):
        raise BadInput(
            f"Ontology media type {ontology['media_type']} does not match the project's"
            f" {project['allowedMediaType']}"
        )
    current = project_ontology_id(c.conn, project["id"])
    if current is not None and current != ontologyId:
        held = {n.feature_schema_id for n in ontology_nodes(c.conn, current)}
        used = labelled_feature_ids(c.conn, project["id"], held)
        missing = used - {n.feature_schema_id for n in ontology_nodes(c.conn, ontologyId)}
        if missing:
            raise NotAllowed(
                "Project has labels: the new ontology must contain every feature they use"
                f" (missing {', '.join(sorted(missing))})"
            )
    c.conn.execute(
        "INSERT INTO project_setup (project_id, ontology_id) VALUES (?, ?)"
        " ON CONFLICT(project_id) DO UPDATE SET ontology_id = excluded.ontology_id",
        (project["id"], ontologyId),
    )
    c.conn.execute("UPDATE projects SET updated_at = ? WHERE id = ?", (now_iso(), project["id"]))
    return project


# -- REST ---------------------------------------------------------------------------------------


RestResult = tuple[int, Any]
"""``(status, JSON body or None)``."""


def _rest_ontology(call: RestCall, ontology_id: str) -> RestResult:
    row = load_ontology(call.conn, call.org_id, ontology_id)
    nodes: dict[str, list[Any]] = {"tools": [], "classifications": [], "relationships": []}
    for root in _ontology_roots(call.conn, ontology_id):
        key = "tools" if root["kind"] == "tool" else "classifications"
        if key == "tools" and json.loads(root["definition"]).get("tool") == "edge":
            key = "relationships"
        nodes[key].append(
            {
                "featureSchemaId": root["id"],
                "schemaNodeId": schema_node_id(ontology_id, root["id"]),
                "name": root["name"],
                "color": root["color"],
                "archived": bool(root["archived"]),
                "position": root["position"],
            }
        )
    return 200, {
        "id": row["id"],
        "name": row["name"],
        "description": row["description"],
        "mediaType": row["media_type"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "normalized": normalized_ontology(call.conn, ontology_id),
        "featureSchemaNodes": nodes,
    }


def _after(call: RestCall) -> str | None:
    body = call.body if isinstance(call.body, dict) else {}
    after = body.get("after")
    if after is not None and not isinstance(after, str):
        raise BadInput("after must be a string")
    return after


def _id_page(ids: list[str], after: str | None) -> list[str]:
    if after:
        if after not in ids:
            return []
        ids = ids[ids.index(after) + 1 :]
    return ids[:UNUSED_PAGE]


def _rest_unused_ontologies(call: RestCall) -> RestResult:
    ids = [
        r[0]
        for r in call.conn.execute(
            "SELECT o.id FROM ontologies o WHERE o.org_id = ? AND o.deleted = 0 AND NOT EXISTS"
            " (SELECT 1 FROM project_setup s JOIN projects p ON p.id = s.project_id"
            " WHERE s.ontology_id = o.id AND p.deleted = 0) ORDER BY o.seq",
            (call.org_id,),
        )
    ]
    return 200, _id_page(ids, _after(call))


def _rest_unused_features(call: RestCall) -> RestResult:
    ids = [
        r[0]
        for r in call.conn.execute(
            "SELECT f.id FROM feature_schemas f WHERE f.org_id = ? AND f.deleted = 0 AND NOT EXISTS"
            " (SELECT 1 FROM ontology_features o JOIN ontologies n ON n.id = o.ontology_id"
            " WHERE o.feature_schema_id = f.id AND n.deleted = 0) ORDER BY f.seq",
            (call.org_id,),
        )
    ]
    return 200, _id_page(ids, _after(call))


def _rest_delete_ontology(call: RestCall, ontology_id: str) -> RestResult:
    load_ontology(call.conn, call.org_id, ontology_id)
    projects = _live_projects_of(call.conn, ontology_id)
    if projects:
        raise Conflict(f"Ontology {ontology_id} is used by projects: {', '.join(projects)}")
    call.conn.execute(
        "UPDATE ontologies SET deleted = 1, updated_at = ? WHERE id = ?", (now_iso(), ontology_id)
    )
    return 204, None


def _rest_delete_feature(call: RestCall, feature_schema_id: str) -> RestResult:
    load_feature_schema(call.conn, call.org_id, feature_schema_id)
    used = [
        r[0]
        for r in call.conn.execute(
            "SELECT o.ontology_id FROM ontology_features o JOIN ontologies n"
            " ON n.id = o.ontology_id WHERE o.feature_schema_id = ? AND n.deleted = 0",
            (feature_schema_id,),
        )
    ]
    if used:
        raise Conflict(
            f"Feature schema {feature_schema_id} is used by ontologies: {', '.join(used)}"
        )
    call.conn.execute(
        "UPDATE feature_schemas SET deleted = 1, updated_at = ? WHERE id = ?",
        (now_iso(), feature_schema_id),
    )
    return 204, None


def _rest_update_title(call: RestCall, feature_schema_id: str) -> RestResult:
    row = load_feature_schema(call.conn, call.org_id, feature_schema_id)
    body = call.body if isinstance(call.body, dict) else {}
    title = _text(body.get("title"), "title")
    _check_names_in_ontologies(call.conn, feature_schema_id, title, row["kind"])
    definition = json.loads(row["definition"])
    definition["name"] = title
    if row["kind"] == "classification":
        definition["instructions"] = title
    call.conn.execute(
        "UPDATE feature_schemas SET name = ?, definition = ?, updated_at = ? WHERE id = ?",
        (title, dumps(definition), now_iso(), feature_schema_id),
    )
    return 200, _feature_json(load_feature_schema(call.conn, call.org_id, feature_schema_id))


def _feature_json(row: sqlite3.Row) -> dict[str, Any]:
    gql = feature_to_gql(row)
    return {
        "schemaId": row["id"],
        "featureSchemaId": row["id"],
        "name": row["name"],
        "color": row["color"],
        "normalized": gql["normalized"],
    }


NEW_FEATURE_SCHEMA_ID = "new_feature_schema_id"


def _rest_upsert_feature(call: RestCall, feature_schema_id: str) -> RestResult:
    body = call.body if isinstance(call.body, dict) else {}
    raw = _parse_json(body.get("normalized"), "normalized")
    kind = kind_of(raw, "normalized")
    if feature_schema_id != NEW_FEATURE_SCHEMA_ID:
        load_feature_schema(call.conn, call.org_id, feature_schema_id)
        if raw.get("featureSchemaId") not in (None, feature_schema_id):
            raise BadInput("normalized.featureSchemaId does not match the path")
        raw = {**raw, "featureSchemaId": feature_schema_id}
    node = _canonical(raw, kind, "normalized", call.new_id)
    given = raw.get("featureSchemaId")
    feature_id = _upsert_root(call.conn, call.org_id, call.user_id, kind, node, given)
    return 200, _feature_json(load_feature_schema(call.conn, call.org_id, feature_id))


def _rest_insert_feature(call: RestCall, ontology_id: str, feature_schema_id: str) -> RestResult:
    load_ontology(call.conn, call.org_id, ontology_id)
    feature = load_feature_schema(call.conn, call.org_id, feature_schema_id)
    body = call.body if isinstance(call.body, dict) else {}
    position = body.get("position")
    if isinstance(position, bool) or not isinstance(position, int) or position < 0:
        raise BadInput("position must be an integer >= 0")
    kind = feature["kind"]
    order = [
        r[0]
        for r in call.conn.execute(
            "SELECT feature_schema_id FROM ontology_features WHERE ontology_id = ? AND kind = ?"
            " ORDER BY position",
            (ontology_id, kind),
        )
    ]
    if feature_schema_id not in order:
        clash = call.conn.execute(
            "SELECT 1 FROM ontology_features o JOIN feature_schemas f ON f.id = o.feature_schema_id"
            " WHERE o.ontology_id = ? AND o.kind = ? AND f.name = ?",
            (ontology_id, kind, feature["name"]),
        ).fetchone()
        if clash is not None:
            raise BadInput(f"Duplicate {kind} name {feature['name']!r} in ontology {ontology_id}")
        call.conn.execute(
            "INSERT INTO ontology_features (ontology_id, feature_schema_id, kind, position)"
            " VALUES (?,?,?,0)",
            (ontology_id, feature_schema_id, kind),
        )
    else:
        order.remove(feature_schema_id)
    order.insert(min(position, len(order)), feature_schema_id)
    call.conn.executemany(
        "UPDATE ontology_features SET position = ? WHERE ontology_id = ? AND feature_schema_id = ?",
        [(index, ontology_id, fid) for index, fid in enumerate(order)],
    )
    _touch_ontology(call.conn, ontology_id)
    return 201, {
        "ontologyId": ontology_id,
        "featureSchemaId": feature_schema_id,
        "position": min(position, len(order) - 1),
    }


def _membership(call: RestCall, ontology_id: str, feature_schema_id: str) -> sqlite3.Row:
    load_ontology(call.conn, call.org_id, ontology_id)
    row = call.conn.execute(
        "SELECT * FROM ontology_features WHERE ontology_id = ? AND feature_schema_id = ?",
        (ontology_id, feature_schema_id),
    ).fetchone()
    if row is None:
        raise NotFound(f"Feature schema {feature_schema_id} is not in ontology {ontology_id}")
    assert isinstance(row, sqlite3.Row)
    return row


def _rest_remove_feature(call: RestCall, ontology_id: str, feature_schema_id: str) -> RestResult:
    """Archive a root feature that labels use; remove it otherwise."""
    _membership(call, ontology_id, feature_schema_id)
    labelled = any(
        labelled_feature_ids(call.conn, project_id, {feature_schema_id})
        for project_id in _live_projects_of(call.conn, ontology_id)
    )
    if labelled:
        call.conn.execute(
            "UPDATE ontology_features SET archived = 1"
            " WHERE ontology_id = ? AND feature_schema_id = ?",
            (ontology_id, feature_schema_id),
        )
    else:
        call.conn.execute(
            "DELETE FROM ontology_features WHERE ontology_id = ? AND feature_schema_id = ?",
            (ontology_id, feature_schema_id),
        )
    _touch_ontology(call.conn, ontology_id)
    return 200, {"archived": labelled, "deleted": not labelled}


def _rest_unarchive(call: RestCall, ontology_id: str, feature_schema_id: str) -> RestResult:
    _membership(call, ontology_id, feature_schema_id)
    call.conn.execute(
        "UPDATE ontology_features SET archived = 0 WHERE ontology_id = ? AND feature_schema_id = ?",
        (ontology_id, feature_schema_id),
    )
    _touch_ontology(call.conn, ontology_id)
    return 200, {"unarchived": True}


_ONE = "/ontologies/{ontology_id}/feature-schemas/{feature_schema_id}"

REST: list[tuple[str, str, Callable[..., RestResult]]] = [
    ("GET", "/ontologies/unused", _rest_unused_ontologies),
    ("GET", "/feature-schemas/unused", _rest_unused_features),
    ("GET", "/ontologies/{ontology_id}", _rest_ontology),
    ("DELETE", "/ontologies/{ontology_id}", _rest_delete_ontology),
    ("POST", _ONE, _rest_insert_feature),
    ("DELETE", _ONE, _rest_remove_feature),
    ("PATCH", _ONE + "/unarchive", _rest_unarchive),
    ("DELETE", "/feature-schemas/{feature_schema_id}", _rest_delete_feature),
    ("PUT", "/feature-schemas/{feature_schema_id}", _rest_upsert_feature),
    ("PATCH", "/feature-schemas/{feature_schema_id}/definition", _rest_update_title),
]
"""``(method, path under /api/v1, handler(call, **path params) -> (status, body))``."""


def add_label(state: EmulatorState, project_id: str, annotations: Any) -> str:
    """Test control: a label on the project's first data row (none needed) whose annotations
    (JSON) name feature schemas, until labels have their own domain; the label's id."""
    with state.store.transaction() as conn:
        project = load_project(conn, state.org_id, project_id)
        label_id, stamp = state.store.new_id(), now_iso()
        row = conn.execute(
            "SELECT data_row_id FROM project_data_rows WHERE project_id = ? ORDER BY seq LIMIT 1",
            (project_id,),
        ).fetchone()
        conn.execute(
            "INSERT INTO labels (id, project_id, data_row_id, created_by, created_at, updated_at,"
            " annotations) VALUES (?,?,?,?,?,?,?)",
            (label_id, project["id"], row[0] if row else "", state.user_id, stamp, stamp,
             dumps(annotations)),
        )  # fmt: skip
    return label_id


CONTROLS = {"ontologies_add_label": add_label}


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """The default labelling frontend, "Editor"."""
    if conn.execute(
        "SELECT 1 FROM labeling_frontends WHERE name = ?", (DEFAULT_FRONTEND[0],)
    ).fetchone():
        return
    conn.execute(
        "INSERT INTO labeling_frontends (id, name, description, iframe_url_path) VALUES (?,?,?,?)",
        (IdFactory()(), *DEFAULT_FRONTEND),
    )


BINDABLES = [query, mutation, ontology_type, project_type, project_mutations, options_type]
