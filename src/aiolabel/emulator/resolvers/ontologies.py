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

Layout: this module holds the DDL, the GraphQL resolvers, the test control and the seed;
``_ontology_store.py`` the lookups, feature nodes, writes and GraphQL shapes;
``_ontology_checks.py`` the checks and canonical form of normalized ontology JSON;
``_ontologies_rest.py`` the REST handlers. Helper modules start with ``_`` so that discovery
(:func:`aiolabel.emulator.resolvers.domains`) does not take them for domains.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from ariadne import MutationType, ObjectType, QueryType

from aiolabel.emulator.context import Context, Info, ctx
from aiolabel.emulator.errors import BadInput, NotAllowed, NotFound
from aiolabel.emulator.resolvers._ontologies_rest import (
    REST,
    UNUSED_PAGE,
    RestResult,
)
from aiolabel.emulator.resolvers._ontology_checks import (
    CLASSIFICATION_TYPES,
    NEEDS_OPTIONS,
    TOOL_TYPES,
    _parse_json,
    _text,
    canonical_ontology,
    kind_of,
)
from aiolabel.emulator.resolvers._ontology_store import (
    FeatureNode,
    _cursor_page,
    _frontend_to_gql,
    _live_projects_of,
    _store_feature,
    feature_to_gql,
    labelled_feature_ids,
    load_feature_schema,
    load_ontology,
    normalized_ontology,
    ontology_nodes,
    ontology_to_gql,
    project_ontology_id,
    resolve_feature,
    schema_node_id,
    upsert_feature,
)
from aiolabel.emulator.resolvers.base import bind_owner_relations, page, resolve_owner_organization
from aiolabel.emulator.resolvers.projects import (
    UPDATE_HOOKS,
    load_project,
    matches_where,
    project_to_gql,
)
from aiolabel.emulator.store import IdFactory, dumps, now_iso
from aiolabel.emulator.webhooks import emit_labels

if TYPE_CHECKING:
    from aiolabel.emulator.state import EmulatorState

__all__ = [
    "BINDABLES",
    "CLASSIFICATION_TYPES",
    "CONTROLS",
    "DDL",
    "NEEDS_OPTIONS",
    "REST",
    "TOOL_TYPES",
    "UNUSED_PAGE",
    "FeatureNode",
    "RestResult",
    "add_label",
    "canonical_ontology",
    "feature_to_gql",
    "kind_of",
    "labelled_feature_ids",
    "load_feature_schema",
    "load_ontology",
    "normalized_ontology",
    "ontology_nodes",
    "ontology_to_gql",
    "project_ontology_id",
    "resolve_feature",
    "schema_node_id",
    "seed",
    "upsert_feature",
]
"""The domain (``DDL``, ``BINDABLES``, ``seed``, ``REST``, ``CONTROLS``) and the helpers other
domains import from here (defined in ``_ontology_store``, ``_ontology_checks`` and
``_ontologies_rest``)."""

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

DEFAULT_FRONTEND = ("Editor", "The Labelbox editor", "https://editor.labelbox.com")

query = QueryType()
mutation = MutationType()
ontology_type = ObjectType("Ontology")
project_type = ObjectType("Project")
project_mutations = ObjectType("ProjectMutations")
options_type = ObjectType("LabelingFrontendOptions")


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
        event = Context(state, conn, state.user_id, state.org_id, base_url="")
        emit_labels(event, "LABEL_CREATED", [label_id])
    event.run_after_commit()
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
