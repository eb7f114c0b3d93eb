"""The ontology store: lookups, feature nodes, writes and GraphQL shapes of ontologies, feature
schemas and labelling frontends (see :mod:`aiolabel.emulator.resolvers.ontologies` for the model).

Shared by the GraphQL resolvers (``ontologies.py``), the REST handlers (``_ontologies_rest.py``)
and the label and annotation-import domains (through ``ontologies.py``, which re-exports them).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from aiolabel.emulator.errors import BadInput, NotFound
from aiolabel.emulator.resolvers._ontology_checks import _canonical, _palette, kind_of
from aiolabel.emulator.resolvers.projects import label_count
from aiolabel.emulator.store import dumps, now_iso

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
