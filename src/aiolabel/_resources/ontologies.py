"""Ontologies, feature schemas, labelling frontends and a project's editor setup.

GraphQL for creating and reading (``upsertRootSchemaNodePyApi``, ``GetOntologyPyApi``,
``getOntologiesPyApi``, ``rootSchemaNode(s)PyApi``, ``ConnectOntologyPyApi`` ...), REST under the
client's ``rest_endpoint`` for the maintenance calls, exactly as the official SDK 7.17 sends them.
Arguments are checked before any request: names, ids, media types, and the normalized JSON (types,
empty names, duplicate names) by :func:`aiolabel.models.ontology_builder.check_normalized`.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aiolabel._operations import _builder as b
from aiolabel._operations import ontologies as ops
from aiolabel._operations._entities import (
    LABELING_FRONTEND,
    LABELING_FRONTEND_OPTIONS,
    ONTOLOGY,
    PROJECT,
)
from aiolabel._resources._base import Resource
from aiolabel.enums import MediaType, OntologyKind
from aiolabel.errors import (
    InputError,
    InputTypeError,
    LabelboxError,
    ResourceConflict,
    ResourceNotFoundError,
)
from aiolabel.models.base import WhereArg, as_where
from aiolabel.models.ontology import (
    DeleteFeatureFromOntologyResult,
    FeatureSchema,
    LabelingFrontend,
    LabelingFrontendOptions,
    Ontology,
)
from aiolabel.models.ontology_builder import check_feature, check_normalized
from aiolabel.models.project import Project
from aiolabel.models.user import User
from aiolabel.pagination import CursorPaginator, OffsetPaginator

if TYPE_CHECKING:
    from aiolabel.client import AsyncClient  # noqa: F401

__all__ = ["DEFAULT_EDITOR", "EMPTY_EDITOR_OPTIONS", "Ontologies"]

DEFAULT_EDITOR = "Editor"
"""The labelling frontend ``connect_ontology`` connects when a project has none."""
EMPTY_EDITOR_OPTIONS = json.dumps({"tools": [], "classifications": []})
"""The editor options the official SDK creates with the default editor."""


def _id(value: object, argument: str) -> str:
    if not isinstance(value, str):
        raise InputTypeError(f"{argument} must be a str, got {type(value).__name__}")
    if not value.strip():
        raise InputError(f"{argument} must not be empty")
    return value


def _media_type(value: object) -> str | None:
    """The wire value of an ontology's media type (``None``: no media type)."""
    if value is None:
        return None
    media = value if isinstance(value, MediaType) else None
    if media is None and isinstance(value, str):
        media = MediaType(value)
    if media is None or not MediaType.is_supported(media):
        raise InputError(
            f"media_type: {value!r} is not a valid media type; use one of "
            f"{[m.name for m in MediaType.supported()]}"
        )
    return media.value


def _editor_task_type(kind: object, media_type: str | None) -> tuple[str | None, str | None]:
    """``(mediaType, editorTaskType)`` as the official ``create_ontology`` settles them."""
    if kind is None:
        return media_type, None
    if not isinstance(kind, OntologyKind):
        raise InputTypeError(
            f"ontology_kind: {kind!r} is not a valid ontology kind;"
            " use OntologyKind.ModelEvaluation"
        )
    if kind is OntologyKind.Missing:
        return media_type, None
    if media_type not in (None, MediaType.Conversational.value):
        raise InputError("ontology_kind: for chat evaluation, media_type must be Conversational")
    return MediaType.Conversational.value, "MODEL_CHAT_EVALUATION"


class Ontologies(Resource):
    """Ontologies and feature schemas of the organisation."""

    __slots__ = ()

    # -- ontologies ----------------------------------------------------------------------------

    async def create_ontology(
        self,
        name: str,
        normalized: dict[str, Any],
        media_type: MediaType | None = None,
        ontology_kind: OntologyKind | None = None,
    ) -> Ontology:
        _id(name, "name")
        check_normalized(normalized)
        media = _media_type(media_type)  # sent as given, even when the kind forces another
        _, editor_task_type = _editor_task_type(ontology_kind, media)
        data: dict[str, Any] = {
            "name": name,
            "normalized": json.dumps(normalized),
            "mediaType": media,
        }
        if editor_task_type:
            data["editorTaskType"] = editor_task_type
        answer = await self._client._execute_operation(
            ops.UPSERT_ONTOLOGY,
            {"data": data},
            sdk_method="Client:create_ontology",
            expect_one=True,  # a featureSchemaId the organisation does not have
        )
        return self._ontology(answer.get("upsertOntology"), "upsertOntology")

    async def create_ontology_from_feature_schemas(
        self,
        name: str,
        feature_schema_ids: Iterable[str],
        media_type: MediaType | None = None,
        ontology_kind: OntologyKind | None = None,
    ) -> Ontology:
        _id(name, "name")
        if isinstance(feature_schema_ids, str | bytes | Mapping) or not isinstance(
            feature_schema_ids, Iterable
        ):
            raise InputTypeError("feature_schema_ids must be a list of feature schema ids")
        ids = [_id(i, "feature_schema_ids[]") for i in feature_schema_ids]
        if not ids:
            raise InputError("feature_schema_ids must name at least one feature schema")
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise InputError(f"feature_schema_ids: {repeated} named more than once")
        _media_type(media_type)
        _editor_task_type(ontology_kind, None)
        tools: list[dict[str, Any]] = []
        classifications: list[dict[str, Any]] = []
        for feature_id in ids:  # one at a time, as the official SDK reads them
            feature = await self.get_feature_schema(feature_id)
            kind = check_feature(feature.normalized, f"feature schema {feature_id}")
            (tools if kind == "tool" else classifications).append(feature.normalized)
        return await self.create_ontology(
            name,
            {"tools": tools, "classifications": classifications},
            media_type=media_type,
            ontology_kind=ontology_kind,
        )

    async def get_ontology(self, ontology_id: str) -> Ontology:
        built = b.get_one(ONTOLOGY, _id(ontology_id, "ontology_id"))
        return await self._client._get_one(
            built.operation,
            built.variables,
            ("ontology",),
            lambda node: Ontology.from_wire(self._client, node),
            sdk_method="Client:get_ontology",
            what="Ontology",
        )

    def get_ontologies(self, name_contains: str | None) -> CursorPaginator[Ontology]:
        if name_contains is not None and not isinstance(name_contains, str):
            raise InputTypeError("name_contains must be a str or None")
        return self._client._paginate_cursor(
            ops.GET_ONTOLOGIES,
            {"search": name_contains, "filter": {"status": "ALL"}},
            nodes_path=("ontologies", "nodes"),
            cursor_path=("ontologies", "nextCursor"),
            parse=lambda node: Ontology.from_wire(self._client, node),
            sdk_method="Client:get_ontologies",
        )

    def ontology_projects(self, ontology_id: str) -> OffsetPaginator[Project]:
        built = b.relationship(ONTOLOGY, ontology_id, "projects")
        return self._client._paginate_offset(
            built.operation,
            built.variables,
            ("ontology", "projects"),
            lambda node: Project.from_wire(self._client, node),
            sdk_method="Ontology:projects",
        )

    async def ontology_created_by(self, ontology_id: str) -> User | None:
        built = b.relationship(ONTOLOGY, ontology_id, "created_by")
        data = await self._client._execute_operation(
            built.operation, built.variables, sdk_method="Ontology:created_by", expect_one=True
        )
        node = (data.get("ontology") or {}).get("createdBy")
        return None if node is None else User.from_wire(self._client, node)

    async def delete_unused_ontology(self, ontology_id: str) -> None:
        await self._client._rest(
            "DELETE",
            ops.ontology_path(_id(ontology_id, "ontology_id")),
            expected=204,
            sdk_method="Client:delete_unused_ontology",
            retry_safe=False,
        )

    async def get_unused_ontologies(self, after: str | None = None) -> list[str]:
        return await self._unused(ops.UNUSED_ONTOLOGIES_PATH, after, "get_unused_ontologies")

    # -- feature schemas -------------------------------------------------------------------------

    async def create_feature_schema(self, normalized: dict[str, Any]) -> FeatureSchema:
        check_feature(normalized)
        sent = {k: v for k, v in normalized.items() if v}
        answer = await self._client._execute_operation(
            ops.UPSERT_FEATURE_SCHEMA,
            {"data": {"normalized": json.dumps(sent)}},
            sdk_method="Client:create_feature_schema",
            expect_one=True,
        )
        return self._feature(answer.get("upsertRootSchemaNode"), "upsertRootSchemaNode")

    async def get_feature_schema(self, feature_schema_id: str) -> FeatureSchema:
        feature_id = _id(feature_schema_id, "feature_schema_id")
        return await self._client._get_one(
            ops.GET_FEATURE_SCHEMA,
            {"rootSchemaNodeWhere": {"featureSchemaId": feature_id}},
            ("rootSchemaNode",),
            lambda node: FeatureSchema.from_node(self._client, node),
            sdk_method="Client:get_feature_schema",
            what="FeatureSchema",
        )

    def get_feature_schemas(self, name_contains: str | None) -> CursorPaginator[FeatureSchema]:
        if name_contains is not None and not isinstance(name_contains, str):
            raise InputTypeError("name_contains must be a str or None")
        return self._client._paginate_cursor(
            ops.GET_FEATURE_SCHEMAS,
            {"search": name_contains, "filter": {"status": "ALL"}},
            nodes_path=("rootSchemaNodes", "nodes"),
            cursor_path=("rootSchemaNodes", "nextCursor"),
            parse=lambda node: FeatureSchema.from_node(self._client, node),
            sdk_method="Client:get_feature_schemas",
        )

    async def upsert_feature_schema(self, feature_schema: dict[str, Any]) -> FeatureSchema:
        check_feature(feature_schema, "feature_schema")
        feature_id = feature_schema.get("featureSchemaId") or ops.NEW_FEATURE_SCHEMA_ID
        answer = await self._client._rest(
            "PUT",
            ops.feature_schema_path(_id(feature_id, "feature_schema['featureSchemaId']")),
            json_body={"normalized": json.dumps(feature_schema)},
            expected=200,
            sdk_method="Client:upsert_feature_schema",
            retry_safe=feature_id != ops.NEW_FEATURE_SCHEMA_ID,
        )
        schema_id = answer.get("schemaId") if isinstance(answer, dict) else None
        if not isinstance(schema_id, str):
            raise LabelboxError("upsert_feature_schema: the answer has no schemaId")
        return await self.get_feature_schema(schema_id)

    async def update_feature_schema_title(
        self, feature_schema_id: str, title: str
    ) -> FeatureSchema:
        feature_id = _id(feature_schema_id, "feature_schema_id")
        await self._client._rest(
            "PATCH",
            ops.feature_schema_path(feature_id) + "/definition",
            json_body={"title": _id(title, "title")},
            expected=200,
            sdk_method="Client:update_feature_schema_title",
            retry_safe=True,
        )
        return await self.get_feature_schema(feature_id)

    async def insert_feature_schema_into_ontology(
        self, feature_schema_id: str, ontology_id: str, position: int
    ) -> None:
        if isinstance(position, bool) or not isinstance(position, int):
            raise InputTypeError(f"position must be an int, got {type(position).__name__}")
        if position < 0:
            raise InputError("position must be >= 0")
        await self._client._rest(
            "POST",
            ops.ontology_feature_path(
                _id(ontology_id, "ontology_id"), _id(feature_schema_id, "feature_schema_id")
            ),
            json_body={"position": position},
            expected=201,
            sdk_method="Client:insert_feature_schema_into_ontology",
            retry_safe=True,  # inserting at a position again leaves it there
        )

    async def delete_feature_schema_from_ontology(
        self, ontology_id: str, feature_schema_id: str
    ) -> DeleteFeatureFromOntologyResult:
        answer = await self._client._rest(
            "DELETE",
            ops.ontology_feature_path(
                _id(ontology_id, "ontology_id"), _id(feature_schema_id, "feature_schema_id")
            ),
            expected=200,
            sdk_method="Client:delete_feature_schema_from_ontology",
            retry_safe=False,
        )
        if not isinstance(answer, dict):
            raise LabelboxError("delete_feature_schema_from_ontology: unexpected answer")
        return DeleteFeatureFromOntologyResult(
            archived=bool(answer.get("archived")), deleted=bool(answer.get("deleted"))
        )

    async def delete_unused_feature_schema(self, feature_schema_id: str) -> None:
        await self._client._rest(
            "DELETE",
            ops.feature_schema_path(_id(feature_schema_id, "feature_schema_id")),
            expected=204,
            sdk_method="Client:delete_unused_feature_schema",
            retry_safe=False,
        )

    async def get_unused_feature_schemas(self, after: str | None = None) -> list[str]:
        return await self._unused(
            ops.UNUSED_FEATURE_SCHEMAS_PATH, after, "get_unused_feature_schemas"
        )

    async def is_feature_schema_archived(self, ontology_id: str, feature_schema_id: str) -> bool:
        feature_id = _id(feature_schema_id, "feature_schema_id")
        try:
            answer = await self._client._rest(
                "GET",
                ops.ontology_path(_id(ontology_id, "ontology_id")),
                expected=200,
                sdk_method="Client:is_feature_schema_archived",
                retry_safe=True,
            )
        except ResourceNotFoundError:
            raise ResourceNotFoundError("Ontology", ontology_id) from None
        nodes = answer.get("featureSchemaNodes") if isinstance(answer, dict) else None
        if not isinstance(nodes, dict):
            raise LabelboxError("is_feature_schema_archived: the answer has no featureSchemaNodes")
        every = [
            *nodes.get("tools", []),
            *nodes.get("classifications", []),
            *nodes.get("relationships", []),
        ]
        for node in every:
            if node.get("featureSchemaId") == feature_id:
                return bool(node.get("archived"))
        raise LabelboxError("The specified feature schema was not in the ontology.")

    async def unarchive_feature_schema_node(
        self, ontology_id: str, root_feature_schema_id: str
    ) -> None:
        answer = await self._client._rest(
            "PATCH",
            ops.ontology_feature_path(
                _id(ontology_id, "ontology_id"),
                _id(root_feature_schema_id, "root_feature_schema_id"),
            )
            + "/unarchive",
            expected=200,
            sdk_method="Client:unarchive_feature_schema_node",
            retry_safe=True,
        )
        if not (isinstance(answer, dict) and answer.get("unarchived")):
            raise LabelboxError("Failed to unarchive the feature schema.")

    # -- labelling frontends and the editor of a project ----------------------------------------

    def get_labeling_frontends(
        self, where: WhereArg | None = None
    ) -> OffsetPaginator[LabelingFrontend]:
        built = b.get_all(
            LABELING_FRONTEND, as_where(where, "LabelingFrontend"), exclude_deleted=True
        )
        return self._client._paginate_offset(
            built.operation,
            built.variables,
            ("labelingFrontends",),
            lambda node: LabelingFrontend.from_wire(self._client, node),
            sdk_method="Client:get_labeling_frontends",
        )

    async def project_ontology(self, project_id: str) -> Ontology | None:
        built = b.relationship(PROJECT, project_id, "ontology")
        data = await self._client._execute_operation(
            built.operation, built.variables, sdk_method="Project:ontology", expect_one=True
        )
        node = (data.get("project") or {}).get("ontology")
        return None if node is None else Ontology.from_wire(self._client, node)

    async def project_labeling_frontend(self, project_id: str) -> LabelingFrontend | None:
        built = b.relationship(PROJECT, project_id, "labeling_frontend")
        data = await self._client._execute_operation(
            built.operation,
            built.variables,
            sdk_method="Project:labeling_frontend",
            expect_one=True,
        )
        node = (data.get("project") or {}).get("labelingFrontend")
        return None if node is None else LabelingFrontend.from_wire(self._client, node)

    def project_labeling_frontend_options(
        self, project_id: str
    ) -> OffsetPaginator[LabelingFrontendOptions]:
        built = b.relationship(PROJECT, project_id, "labeling_frontend_options")
        return self._client._paginate_offset(
            built.operation,
            built.variables,
            ("project", "labelingFrontendOptions"),
            lambda node: LabelingFrontendOptions.from_wire(self._client, node),
            sdk_method="Project:labeling_frontend_options",
        )

    async def connect_ontology(self, project: Project, ontology: Ontology) -> None:
        """Make ``ontology`` the project's, connecting the default editor first when the project
        has none (the official sequence of requests and warnings)."""
        self._check_ontology(ontology)
        if ontology.media_type not in (None, MediaType.Unknown, project.media_type):
            raise InputError(
                "ontology: ontology and project must share the same type, unless the ontology"
                " has no type"
            )
        if await project.get_label_count() > 0:
            warnings.warn(
                "Project has labels. The new ontology must contain all annotation types.",
                stacklevel=3,
            )
        if await self.project_labeling_frontend(project.uid) is None:
            warnings.warn("Connecting default labeling editor for the project.", stacklevel=3)
            await self._connect_default_editor(project.uid, "Project:connect_ontology")
        await self._connect(project.uid, ontology.uid, "Project:connect_ontology")

    async def setup_editor(self, project: Project, ontology: Ontology) -> Project:
        """Connect the default editor and ``ontology`` to a project that has no editor yet, and
        mark its setup complete; the updated project."""
        self._check_ontology(ontology)
        if await self.project_labeling_frontend(project.uid) is not None:
            raise ResourceConflict("Editor is already set up.")
        await self._connect_default_editor(project.uid, "Project:setup_editor")
        await self._connect(project.uid, ontology.uid, "Project:setup_editor")
        return await project.update(setup_complete=datetime.now(UTC))

    # -- helpers ---------------------------------------------------------------------------------

    @staticmethod
    def _check_ontology(ontology: object) -> None:
        if not isinstance(ontology, Ontology):
            raise InputTypeError(f"ontology must be an Ontology, got {type(ontology).__name__}")

    async def _connect_default_editor(self, project_id: str, sdk_method: str) -> None:
        editor = await self.get_labeling_frontends(
            where=b.FieldRef("name") == DEFAULT_EDITOR
        ).get_one()
        if editor is None:
            raise ResourceNotFoundError("LabelingFrontend", {"name": DEFAULT_EDITOR})
        await self._client._execute_operation(
            ops.CONNECT_LABELING_FRONTEND,
            {"projectId": project_id, "labelingFrontendId": editor.uid},
            sdk_method=sdk_method,
        )
        built = b.create(
            LABELING_FRONTEND_OPTIONS,
            {
                "project": project_id,
                "labeling_frontend": editor.uid,
                "customization_options": EMPTY_EDITOR_OPTIONS,
            },
        )
        await self._client._execute_operation(
            built.operation, built.variables, sdk_method=sdk_method
        )

    async def _connect(self, project_id: str, ontology_id: str, sdk_method: str) -> None:
        await self._client._execute_operation(
            ops.CONNECT_ONTOLOGY,
            {"ontologyId": ontology_id, "projectId": project_id},
            sdk_method=sdk_method,
            expect_one=True,
        )

    async def _unused(self, path: str, after: str | None, method: str) -> list[str]:
        if after is not None:
            _id(after, "after")
        answer = await self._client._rest(
            "GET",
            path,
            json_body={"after": after},
            expected=200,
            sdk_method=f"Client:{method}",
            retry_safe=True,
        )
        if not isinstance(answer, list) or not all(isinstance(i, str) for i in answer):
            raise LabelboxError(f"{method}: expected a list of ids")
        return answer

    def _ontology(self, node: Any, root: str) -> Ontology:
        if not isinstance(node, dict):
            raise LabelboxError(f"{root} answered no ontology")
        return Ontology.from_wire(self._client, node)

    def _feature(self, node: Any, root: str) -> FeatureSchema:
        if not isinstance(node, dict):
            raise LabelboxError(f"{root} answered no feature schema")
        return FeatureSchema.from_node(self._client, node)
