"""The ontology maintenance calls of the official SDK: REST under ``/api/v1`` (:data:`REST`,
listed by ``ontologies.py``); refusals answer with the service's JSON error body
``{"statusCode", "message", "error"}``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from aiolabel.emulator.context import RestCall
from aiolabel.emulator.errors import BadInput, Conflict, NotFound
from aiolabel.emulator.resolvers._ontology_checks import (
    _canonical,
    _parse_json,
    _text,
    kind_of,
)
from aiolabel.emulator.resolvers._ontology_store import (
    _check_names_in_ontologies,
    _live_projects_of,
    _ontology_roots,
    _touch_ontology,
    _upsert_root,
    feature_to_gql,
    labelled_feature_ids,
    load_feature_schema,
    load_ontology,
    normalized_ontology,
    schema_node_id,
)
from aiolabel.emulator.store import dumps, now_iso

UNUSED_PAGE = 100
"""Ids per page of the unused lists."""


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
