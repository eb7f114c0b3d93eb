"""The ORM entities of the official SDK: fields, GraphQL names and types, relationships.

These tables are the allow-list of every name a built document may contain (wire doc §2.2); a name
not listed here never reaches a document. Field order is the official selection order
(alphabetical by Python attribute name), so selection sets come out exactly as the official SDK
emits them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = [
    "ASSET_ATTACHMENT",
    "BATCH",
    "DATASET",
    "DATA_ROW",
    "ENTITIES",
    "IAM_INTEGRATION",
    "LABELING_FRONTEND",
    "LABELING_FRONTEND_OPTIONS",
    "LABELING_PARAMETER_OVERRIDE",
    "ONTOLOGY",
    "ORGANIZATION",
    "ORG_ROLE",
    "PROJECT",
    "TASK",
    "TASK_QUEUE",
    "USER",
    "WEBHOOK",
    "Entity",
    "FieldSpec",
    "RelationshipSpec",
]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A field: Python name, GraphQL name, declared GraphQL type, optional sub-selection."""

    name: str
    """The official SDK's class attribute name: what ``where``, ``create`` and ``update`` use."""
    graphql: str
    type: str
    """The type name the official SDK declares for a variable of this field (before its ``!``)."""
    subfields: tuple[str, ...] = ()
    """For object-valued fields, the selected subfields (``customMetadata { schemaId value }``)."""


@dataclass(frozen=True, slots=True)
class RelationshipSpec:
    """A relationship fetched on demand (or, when ``cache``, selected with its owner)."""

    name: str
    graphql: str
    target: str
    to_many: bool
    filter_deleted: bool
    """A to-many fetch adds ``deleted == False`` to its where clause."""
    cache: bool = False


DELETED = FieldSpec("deleted", "deleted", "Boolean")
"""The soft-delete flag every entity may be filtered on (not selected)."""


@dataclass(frozen=True, slots=True)
class Entity:
    """An entity of the official ORM: its type name and tables."""

    name: str
    fields: tuple[FieldSpec, ...]
    relationships: tuple[RelationshipSpec, ...] = ()
    create_extras: tuple[FieldSpec, ...] = ()
    """Fields that only ``create`` accepts (``Client._create_project``'s extra parameters)."""
    _by_name: MappingProxyType[str, FieldSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        table = {f.name: f for f in self.fields}
        object.__setattr__(self, "_by_name", MappingProxyType(table))

    @property
    def root(self) -> str:
        """The GraphQL root field for one object (``dataRow``)."""
        return self.name[:1].lower() + self.name[1:]

    def field(self, name: str) -> FieldSpec | None:
        """The field with this Python name (or ``deleted``), or None."""
        if name == DELETED.name:
            return DELETED
        return self._by_name.get(name)

    def relationship(self, name: str) -> RelationshipSpec | None:
        for rel in self.relationships:
            if rel.name == name:
                return rel
        return None

    def create_field(self, name: str) -> FieldSpec | None:
        found = self._by_name.get(name)
        if found is not None:
            return found
        for extra in self.create_extras:
            if extra.name == name:
                return extra
        return None


def _f(name: str, graphql: str, type_: str, *subfields: str) -> FieldSpec:
    return FieldSpec(name, graphql, type_, tuple(subfields))


def _rel(
    name: str,
    graphql: str,
    target: str,
    *,
    to_many: bool,
    filter_deleted: bool,
    cache: bool = False,
) -> RelationshipSpec:
    return RelationshipSpec(name, graphql, target, to_many, filter_deleted, cache)


PROJECT = Entity(
    "Project",
    (
        _f("auto_audit_number_of_labels", "autoAuditNumberOfLabels", "Int"),
        _f("auto_audit_percentage", "autoAuditPercentage", "Float"),
        _f("created_at", "createdAt", "DateTime"),
        _f("data_row_count", "dataRowCount", "Int"),
        _f("description", "description", "String"),
        _f("editor_task_type", "editorTaskType", "EditorTaskType"),
        _f("is_benchmark_enabled", "isBenchmarkEnabled", "Boolean"),
        _f("is_consensus_enabled", "isConsensusEnabled", "Boolean"),
        _f("last_activity_time", "lastActivityTime", "DateTime"),
        _f("media_type", "allowedMediaType", "MediaType"),
        _f("model_setup_complete", "modelSetupComplete", "Boolean"),
        _f("name", "name", "String"),
        _f("setup_complete", "setupComplete", "DateTime"),
        _f("uid", "id", "ID"),
        _f("updated_at", "updatedAt", "DateTime"),
        _f("upload_type", "uploadType", "UploadType"),
    ),
    (
        _rel("created_by", "createdBy", "User", to_many=False, filter_deleted=False),
        _rel(
            "labeling_parameter_overrides",
            "labelingParameterOverrides",
            "LabelingParameterOverride",
            to_many=True,
            filter_deleted=False,
        ),
        _rel("organization", "organization", "Organization", to_many=False, filter_deleted=False),
        _rel("ontology", "ontology", "Ontology", to_many=False, filter_deleted=True),
        _rel(
            "labeling_frontend",
            "labelingFrontend",
            "LabelingFrontend",
            to_many=False,
            filter_deleted=True,
        ),
        _rel(
            "labeling_frontend_options",
            "labelingFrontendOptions",
            "LabelingFrontendOptions",
            to_many=True,
            filter_deleted=False,
        ),
        _rel("webhooks", "webhooks", "Webhook", to_many=True, filter_deleted=False),
    ),
    create_extras=(
        _f("dataset_name_or_id", "datasetNameOrId", "String"),
        _f("append_to_existing_dataset", "appendToExistingDataset", "Boolean"),
    ),
)

DATASET = Entity(
    "Dataset",
    (
        _f("created_at", "createdAt", "DateTime"),
        _f("description", "description", "String"),
        _f("name", "name", "String"),
        _f("row_count", "rowCount", "Int"),
        _f("uid", "id", "ID"),
        _f("updated_at", "updatedAt", "DateTime"),
    ),
    (
        _rel("created_by", "createdBy", "User", to_many=False, filter_deleted=False),
        _rel("iam_integration", "signer", "IAMIntegration", to_many=False, filter_deleted=False),
        _rel("organization", "organization", "Organization", to_many=False, filter_deleted=False),
    ),
)

DATA_ROW = Entity(
    "DataRow",
    (
        _f("created_at", "createdAt", "DateTime"),
        _f("external_id", "externalId", "String"),
        _f("global_key", "globalKey", "String"),
        _f("media_attributes", "mediaAttributes", "Json"),
        _f("metadata", "customMetadata", "[DataRowMetadataField]", "schemaId", "value"),
        _f(
            "metadata_fields",
            "metadataFields",
            "[DataRowCustomMetadataUpsertInput!]",
            "schemaId",
            "name",
            "value",
            "kind",
        ),
        _f("row_data", "rowData", "String"),
        _f("uid", "id", "ID"),
        _f("updated_at", "updatedAt", "DateTime"),
    ),
    (
        _rel("attachments", "attachments", "AssetAttachment", to_many=True, filter_deleted=False),
        _rel("created_by", "createdBy", "User", to_many=False, filter_deleted=False),
        _rel("dataset", "dataset", "Dataset", to_many=False, filter_deleted=True),
        _rel("organization", "organization", "Organization", to_many=False, filter_deleted=False),
    ),
)

BATCH = Entity(
    "Batch",
    (
        _f("consensus_settings", "consensusSettingsJson", "Json"),
        _f("created_at", "createdAt", "DateTime"),
        _f("name", "name", "String"),
        _f("size", "size", "Int"),
        _f("uid", "id", "ID"),
        _f("updated_at", "updatedAt", "DateTime"),
    ),
    (_rel("user", "user", "User", to_many=False, filter_deleted=True),),
)

TASK = Entity(
    "Task",
    (
        _f("completion_percentage", "completionPercentage", "Float"),
        _f("created_at", "createdAt", "DateTime"),
        _f("errors_url", "errors", "String"),
        _f("metadata", "metadata", "Json"),
        _f("name", "name", "String"),
        _f("result_url", "result", "String"),
        _f("status", "status", "String"),
        # The official SDK selects ``status`` twice (``status`` and ``status_as_enum``).
        _f("status_as_enum", "status", "TaskStatus"),
        _f("type", "type", "String"),
        _f("uid", "id", "ID"),
        _f("updated_at", "updatedAt", "DateTime"),
    ),
    (
        _rel("created_by", "createdBy", "User", to_many=False, filter_deleted=False),
        _rel("organization", "organization", "Organization", to_many=False, filter_deleted=True),
    ),
)

LABELING_PARAMETER_OVERRIDE = Entity(
    "LabelingParameterOverride",
    (
        _f("number_of_labels", "numberOfLabels", "Int"),
        _f("priority", "priority", "Int"),
        _f("uid", "id", "ID"),
    ),
    (_rel("data_row", "dataRow", "DataRow", to_many=False, filter_deleted=True, cache=True),),
)

TASK_QUEUE = Entity(
    "TaskQueue",
    (
        _f("data_row_count", "dataRowCount", "Int"),
        _f("description", "description", "String"),
        _f("name", "name", "String"),
        _f("queue_type", "queueType", "String"),
        _f("uid", "id", "ID"),
    ),
)

USER = Entity(
    "User",
    (
        _f("created_at", "createdAt", "DateTime"),
        _f("email", "email", "String"),
        _f("is_external_user", "isExternalUser", "Boolean"),
        _f("is_viewer", "isViewer", "Boolean"),
        _f("last_login_at", "lastLoginAt", "DateTime"),
        # Swapped in the official SDK: its attribute ``name`` is the GraphQL field ``nickname``
        # and its attribute ``nickname`` the field ``name`` (so ``User.name == x`` filters on
        # ``nickname``); the selection follows the attributes' order.
        _f("name", "nickname", "String"),
        _f("nickname", "name", "String"),
        _f("picture", "picture", "String"),
        _f("uid", "id", "ID"),
        _f("updated_at", "updatedAt", "DateTime"),
    ),
    (
        _rel("created_tasks", "createdTasks", "Task", to_many=True, filter_deleted=False),
        _rel("org_role", "orgRole", "OrgRole", to_many=False, filter_deleted=False),
        _rel("organization", "organization", "Organization", to_many=False, filter_deleted=True),
        _rel("projects", "projects", "Project", to_many=True, filter_deleted=False),
    ),
)

ORGANIZATION = Entity(
    "Organization",
    (
        _f("created_at", "createdAt", "DateTime"),
        _f("name", "name", "String"),
        _f("uid", "id", "ID"),
        _f("updated_at", "updatedAt", "DateTime"),
    ),
    (
        _rel("projects", "projects", "Project", to_many=True, filter_deleted=True),
        _rel("tasks", "tasks", "Task", to_many=True, filter_deleted=False),
        _rel("users", "users", "User", to_many=True, filter_deleted=False),
        _rel("webhooks", "webhooks", "Webhook", to_many=True, filter_deleted=False),
    ),
)

ASSET_ATTACHMENT = Entity(
    "AssetAttachment",
    (
        _f("attachment_name", "name", "String"),
        _f("attachment_type", "type", "String"),
        _f("attachment_value", "value", "String"),
        _f("uid", "id", "ID"),
    ),
)

IAM_INTEGRATION = Entity(
    "IAMIntegration",
    (
        _f("created_at", "createdAt", "DateTime"),
        _f("is_org_default", "isOrgDefault", "Boolean"),
        _f("last_valid_at", "lastValidAt", "DateTime"),
        _f("name", "name", "String"),
        _f("provider", "provider", "String"),
        _f("uid", "id", "ID"),
        _f("updated_at", "updatedAt", "DateTime"),
        _f("valid", "valid", "Boolean"),
    ),
)

ONTOLOGY = Entity(
    "Ontology",
    (
        _f("classification_schema_count", "classificationSchemaCount", "Int"),
        _f("created_at", "createdAt", "DateTime"),
        _f("description", "description", "String"),
        _f("media_type", "mediaType", "MediaType"),
        _f("name", "name", "String"),
        _f("normalized", "normalized", "Json"),
        _f("object_schema_count", "objectSchemaCount", "Int"),
        _f("uid", "id", "ID"),
        _f("updated_at", "updatedAt", "DateTime"),
    ),
    (
        _rel("projects", "projects", "Project", to_many=True, filter_deleted=True),
        _rel("created_by", "createdBy", "User", to_many=False, filter_deleted=False),
    ),
)

MODEL = Entity(
    "Model",
    (
        _f("name", "name", "String"),
        _f("ontology_id", "ontologyId", "String"),
        _f("uid", "id", "ID"),
    ),
    (_rel("model_runs", "modelRuns", "ModelRun", to_many=True, filter_deleted=False),),
)

MODEL_RUN = Entity(
    "ModelRun",
    (
        _f("created_at", "createdAt", "DateTime"),
        _f("created_by_id", "createdBy", "String"),
        _f("model_app_id", "modelAppId", "String"),
        _f("model_id", "modelId", "String"),
        _f("name", "name", "String"),
        _f("training_metadata", "trainingMetadata", "Json"),
        _f("uid", "id", "ID"),
        _f("updated_at", "updatedAt", "DateTime"),
    ),
)

LABELING_FRONTEND = Entity(
    "LabelingFrontend",
    (
        _f("description", "description", "String"),
        _f("iframe_url_path", "iframeUrlPath", "String"),
        _f("name", "name", "String"),
        _f("uid", "id", "ID"),
    ),
)

LABELING_FRONTEND_OPTIONS = Entity(
    "LabelingFrontendOptions",
    (
        _f("customization_options", "customizationOptions", "String"),
        _f("uid", "id", "ID"),
    ),
    (
        _rel("project", "project", "Project", to_many=False, filter_deleted=True),
        _rel(
            "labeling_frontend",
            "labelingFrontend",
            "LabelingFrontend",
            to_many=False,
            filter_deleted=True,
        ),
        _rel("organization", "organization", "Organization", to_many=False, filter_deleted=True),
    ),
)

ORG_ROLE = Entity("OrgRole", (_f("name", "name", "String"), _f("uid", "id", "ID")))

WEBHOOK = Entity(
    "Webhook",
    (
        _f("created_at", "createdAt", "DateTime"),
        _f("status", "status", "String"),
        _f("topics", "topics", "String"),
        _f("uid", "id", "ID"),
        _f("updated_at", "updatedAt", "DateTime"),
        _f("url", "url", "String"),
    ),
    (
        _rel("created_by", "createdBy", "User", to_many=False, filter_deleted=False),
        _rel("organization", "organization", "Organization", to_many=False, filter_deleted=True),
        _rel("project", "project", "Project", to_many=False, filter_deleted=True),
    ),
)

ENTITIES: MappingProxyType[str, Entity] = MappingProxyType(
    {
        e.name: e
        for e in (
            PROJECT,
            DATASET,
            DATA_ROW,
            BATCH,
            TASK,
            LABELING_PARAMETER_OVERRIDE,
            TASK_QUEUE,
            USER,
            ORGANIZATION,
            ASSET_ATTACHMENT,
            IAM_INTEGRATION,
            ONTOLOGY,
            MODEL,
            MODEL_RUN,
            LABELING_FRONTEND,
            LABELING_FRONTEND_OPTIONS,
            ORG_ROLE,
            WEBHOOK,
        )
    }
)
"""Every entity by type name."""
