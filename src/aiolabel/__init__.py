"""aiolabel: an asyncio-native client for the Labelbox API."""

from aiolabel import _logs
from aiolabel._version import __version__
from aiolabel.client import AsyncClient
from aiolabel.enums import (
    AnnotationImportState,
    AttachmentType,
    BulkImportRequestState,
    CollectionJobStatus,
    DataRowMetadataKind,
    DeleteBatchLabelsType,
    IdType,
    MediaType,
    OntologyKind,
    QualityMode,
    StreamType,
    TaskStatus,
    WorkflowStatus,
)
from aiolabel.errors import (
    ApiLimitError,
    AuthenticationError,
    AuthorizationError,
    InconsistentOntologyException,
    InputError,
    InputTypeError,
    InternalServerError,
    InvalidQueryError,
    LabelboxError,
    MalformedQueryException,
    NetworkError,
    OperationNotAllowedException,
    PartialFailureError,
    ProcessingWaitTimeout,
    ResourceConflict,
    ResourceNotFoundError,
    TaskFailedError,
    TaskTimeout,
    TimeoutError,
    UnprocessableEntityError,
    ValidationFailedError,
)
from aiolabel.identifiers import DataRowIds, GlobalKey, GlobalKeys, UniqueId, UniqueIds
from aiolabel.models.admin import Invite, InviteLimit, ProjectRole, ResourceTag
from aiolabel.models.annotation_import import (
    BulkImportRequest,
    LabelImport,
    MALPredictionImport,
    MEAPredictionImport,
    MEAToMALPredictionImport,
)
from aiolabel.models.attachment import AssetAttachment
from aiolabel.models.batch import Batch, ConsensusSettings
from aiolabel.models.create_batches_task import CreateBatchesTask
from aiolabel.models.data_row import DataRow
from aiolabel.models.dataset import Dataset, IAMIntegration
from aiolabel.models.label import Benchmark, Label, Review
from aiolabel.models.labeling import LabelingParameterOverride
from aiolabel.models.member import ProjectMember, Role
from aiolabel.models.metadata import (
    DataRowMetadata,
    DataRowMetadataBatchResponse,
    DataRowMetadataField,
    DataRowMetadataOntology,
    DataRowMetadataSchema,
    DeleteDataRowMetadata,
)
from aiolabel.models.model import (
    ConflictResolutionStrategy,
    DataSplit,
    Model,
    ModelRun,
    ModelRunDataRow,
)
from aiolabel.models.ontology import (
    DeleteFeatureFromOntologyResult,
    FeatureSchema,
    LabelingFrontend,
    LabelingFrontendOptions,
    Ontology,
)
from aiolabel.models.ontology_builder import (
    Classification,
    FeatureSchemaAttribute,
    OntologyBuilder,
    Option,
    PromptResponseClassification,
    ResponseOption,
    Tool,
)
from aiolabel.models.project import Project
from aiolabel.models.project_activity import LabelerPerformance
from aiolabel.models.slice import (
    CatalogSlice,
    ModelSlice,
    SendToAnnotateFromCatalogParams,
    SendToAnnotateFromModelParams,
    Slice,
)
from aiolabel.models.task import (
    DataUpsertTask,
    DataUpsertTaskGroup,
    ExportTask,
    Task,
    UpsertPartialFailure,
)
from aiolabel.models.task_queue import TaskQueue
from aiolabel.models.user import Organization, User
from aiolabel.models.webhook import Webhook
from aiolabel.pagination import Paginator
from aiolabel.types import ExportFilters, ExportParams
from aiolabel.webhooks import verify_webhook_signature

_logs.setup_logging()  # AIOLABEL_LOG=debug|info


__all__ = [
    "AnnotationImportState",
    "ApiLimitError",
    "AssetAttachment",
    "AsyncClient",
    "AttachmentType",
    "AuthenticationError",
    "AuthorizationError",
    "Batch",
    "Benchmark",
    "BulkImportRequest",
    "BulkImportRequestState",
    "CatalogSlice",
    "Classification",
    "CollectionJobStatus",
    "ConflictResolutionStrategy",
    "ConsensusSettings",
    "CreateBatchesTask",
    "DataRow",
    "DataRowIds",
    "DataRowMetadata",
    "DataRowMetadataBatchResponse",
    "DataRowMetadataField",
    "DataRowMetadataKind",
    "DataRowMetadataOntology",
    "DataRowMetadataSchema",
    "DataSplit",
    "DataUpsertTask",
    "DataUpsertTaskGroup",
    "Dataset",
    "DeleteBatchLabelsType",
    "DeleteDataRowMetadata",
    "DeleteFeatureFromOntologyResult",
    "ExportFilters",
    "ExportParams",
    "ExportTask",
    "FeatureSchema",
    "FeatureSchemaAttribute",
    "GlobalKey",
    "GlobalKeys",
    "IAMIntegration",
    "IdType",
    "InconsistentOntologyException",
    "InputError",
    "InputTypeError",
    "InternalServerError",
    "InvalidQueryError",
    "Invite",
    "InviteLimit",
    "Label",
    "LabelImport",
    "LabelboxError",
    "LabelerPerformance",
    "LabelingFrontend",
    "LabelingFrontendOptions",
    "LabelingParameterOverride",
    "MALPredictionImport",
    "MEAPredictionImport",
    "MEAToMALPredictionImport",
    "MalformedQueryException",
    "MediaType",
    "Model",
    "ModelRun",
    "ModelRunDataRow",
    "ModelSlice",
    "NetworkError",
    "Ontology",
    "OntologyBuilder",
    "OntologyKind",
    "OperationNotAllowedException",
    "Option",
    "Organization",
    "Paginator",
    "PartialFailureError",
    "ProcessingWaitTimeout",
    "Project",
    "ProjectMember",
    "ProjectRole",
    "PromptResponseClassification",
    "QualityMode",
    "ResourceConflict",
    "ResourceNotFoundError",
    "ResourceTag",
    "ResponseOption",
    "Review",
    "Role",
    "SendToAnnotateFromCatalogParams",
    "SendToAnnotateFromModelParams",
    "Slice",
    "StreamType",
    "Task",
    "TaskFailedError",
    "TaskQueue",
    "TaskStatus",
    "TaskTimeout",
    "TimeoutError",
    "Tool",
    "UniqueId",
    "UniqueIds",
    "UnprocessableEntityError",
    "UpsertPartialFailure",
    "User",
    "ValidationFailedError",
    "Webhook",
    "WorkflowStatus",
    "__version__",
    "verify_webhook_signature",
]

_OTHER_SPELLINGS = {
    "Client": "the client is AsyncClient: `async with aiolabel.AsyncClient(api_key) as client:`",
    "QueueMode": "queue modes are gone from the service and from SDK 7.x: batch mode is the only"
    " mode, so leave out queue_mode=",
    **{
        name: "SDK 7.17 removed the export converters: read an export with"
        " `async for output in task.get_buffered_stream()` (`output.json` per line)"
        for name in ("FileConverter", "FileConverterOutput", "JsonConverter", "JsonConverterOutput")
    },
}


def __getattr__(name: str) -> object:
    """Names of the Labelbox documents that aiolabel spells differently fail naming the
    aiolabel spelling (``lb.Client`` -> ``AsyncClient``)."""
    hint = _OTHER_SPELLINGS.get(name)
    if hint is not None:
        raise AttributeError(f"aiolabel has no {name}: {hint}")
    raise AttributeError(f"module 'aiolabel' has no attribute {name!r}")
