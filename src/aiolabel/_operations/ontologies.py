"""Ontology, feature-schema and editor-setup documents, as the official SDK 7.17 sends them
(``labelbox/client.py`` create/get ontology and feature-schema methods and
``Project.connect_ontology``), plus the REST paths of the maintenance calls under
``rest_endpoint``. The ORM documents (``GetOntologyPyApi``, ``GetProjectOntologyPyApi``,
``GetLabelingFrontendsPyApi``, ``CreateLabelingFrontendOptionsPyApi``...) are built by
:mod:`._builder` from the ONTOLOGY / LABELING_FRONTEND(_OPTIONS) entities."""

from __future__ import annotations

from urllib.parse import quote

from aiolabel._operations import Operation

__all__ = [
    "CONNECT_LABELING_FRONTEND",
    "CONNECT_ONTOLOGY",
    "GET_FEATURE_SCHEMA",
    "GET_FEATURE_SCHEMAS",
    "GET_ONTOLOGIES",
    "UPSERT_FEATURE_SCHEMA",
    "UPSERT_ONTOLOGY",
    "feature_schema_path",
    "ontology_feature_path",
    "ontology_path",
]

ONTOLOGY_FIELDS = (
    "classificationSchemaCount createdAt description mediaType name normalized "
    "objectSchemaCount id updatedAt"
)
"""The ORM's selection of an Ontology (``results_query_part(Ontology)``)."""
FEATURE_SCHEMA_FIELDS = "name name normalized id"
"""... of a FeatureSchema: the official ORM really selects ``name`` twice (its ``color`` field
is declared with the name ``name``)."""

UPSERT_ONTOLOGY = Operation(
    name="upsertRootSchemaNodePyApi",
    document=(
        "mutation upsertRootSchemaNodePyApi($data:  UpsertOntologyInput!){ "
        "upsertOntology(data: $data){ classificationSchemaCount createdAt description "
        "mediaType name normalized objectSchemaCount id updatedAt } }"
    ),
)
"""``create_ontology``: ``{"data": {"name", "normalized": json string, "mediaType": value|None,
["editorTaskType"]}}``; reads ``upsertOntology``. The official SDK names it like the feature
schema mutation. Not idempotent (a second ontology would be created)."""

UPSERT_FEATURE_SCHEMA = Operation(
    name="upsertRootSchemaNodePyApi",
    document=(
        "mutation upsertRootSchemaNodePyApi($data:  UpsertRootSchemaNodeInput!){ "
        "upsertRootSchemaNode(data: $data){ name name normalized id } }"
    ),
)
"""``create_feature_schema``: ``{"data": {"normalized": json string}}`` (falsy keys dropped);
reads ``upsertRootSchemaNode`` (its id is ``normalized.featureSchemaId``)."""

GET_ONTOLOGIES = Operation(
    name="getOntologiesPyApi",
    document=(
        "query getOntologiesPyApi($search: String, $filter: OntologyFilter, $from : String, "
        "$first: PageSize){ ontologies(where: {filter: $filter, search: $search}, after: "
        "$from, first: $first){ nodes {classificationSchemaCount createdAt description "
        "mediaType name normalized objectSchemaCount id updatedAt} nextCursor } }"
    ),
)
"""``get_ontologies``: ``{"search", "filter": {"status": "ALL"}, "from", "first"}``."""

GET_FEATURE_SCHEMA = Operation(
    name="rootSchemaNodePyApi",
    document=(
        "query rootSchemaNodePyApi($rootSchemaNodeWhere: RootSchemaNodeWhere!){ "
        "rootSchemaNode(where: $rootSchemaNodeWhere){name name normalized id} }"
    ),
)
"""``get_feature_schema``: ``{"rootSchemaNodeWhere": {"featureSchemaId": id}}``."""

GET_FEATURE_SCHEMAS = Operation(
    name="rootSchemaNodesPyApi",
    document=(
        "query rootSchemaNodesPyApi($search: String, $filter: RootSchemaNodeFilter, $from : "
        "String, $first: PageSize){ rootSchemaNodes(where: {filter: $filter, search: "
        "$search}, after: $from, first: $first){ nodes {name name normalized id} nextCursor } "
        "}"
    ),
)
"""``get_feature_schemas``: ``{"search", "filter": {"status": "ALL"}, "from", "first"}``."""

CONNECT_LABELING_FRONTEND = Operation(
    name="ConnectProjectAndLabelingFrontendPyApi",
    document=(
        "mutation ConnectProjectAndLabelingFrontendPyApi($projectId: ID!,"
        " $labelingFrontendId: ID!){updateProject( where: {id: $projectId} data:"
        " {labelingFrontend: {connect: {id: $labelingFrontendId}}}) {id}}"
    ),
    idempotent=True,
)
"""``{"projectId", "labelingFrontendId"}``: the project's editor (connecting it again is a
no-op)."""

CONNECT_ONTOLOGY = Operation(
    name="ConnectOntologyPyApi",
    document=(
        "mutation ConnectOntologyPyApi($projectId: ID!, $ontologyId: ID!){"
        " project(where: {id: $projectId}) {connectOntology(ontologyId: $ontologyId) {id}}}"
    ),
    idempotent=True,
)
"""``Project.connect_ontology``: ``{"ontologyId", "projectId"}`` (connecting the same ontology
again changes nothing)."""


# -- REST paths (relative to rest_endpoint), quoted as the official SDK quotes them -------------


def ontology_path(ontology_id: str) -> str:
    """``/ontologies/{id}``: GET (archived flags), DELETE (an unused ontology)."""
    return "/ontologies/" + quote(ontology_id)


def feature_schema_path(feature_schema_id: str) -> str:
    """``/feature-schemas/{id}``: PUT (upsert), DELETE (unused); ``+ "/definition"``: PATCH."""
    return "/feature-schemas/" + quote(feature_schema_id)


def ontology_feature_path(ontology_id: str, feature_schema_id: str) -> str:
    """``/ontologies/{id}/feature-schemas/{id}``: POST (insert), DELETE (remove or archive);
    ``+ "/unarchive"``: PATCH."""
    return ontology_path(ontology_id) + "/feature-schemas/" + quote(feature_schema_id)


UNUSED_ONTOLOGIES_PATH = "/ontologies/unused"
UNUSED_FEATURE_SCHEMAS_PATH = "/feature-schemas/unused"
NEW_FEATURE_SCHEMA_ID = "new_feature_schema_id"
"""The path id the official SDK upserts a feature schema without an id under."""
