"""aiolabel: an asyncio-native client for the Labelbox API."""

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
    QualityMode,
    StreamType,
    TaskStatus,
    WorkflowStatus,
)
from aiolabel.errors import (
    ApiLimitError,
    AuthenticationError,
    AuthorizationError,
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
from aiolabel.identifiers import GlobalKey, GlobalKeys, UniqueId, UniqueIds
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
from aiolabel.models.dataset import (
    Dataset,
    DataUpsertTaskGroup,
    IAMIntegration,
    UpsertPartialFailure,
)
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
from aiolabel.models.project import Project
from aiolabel.models.task import DataUpsertTask, Task
from aiolabel.models.task_queue import TaskQueue
from aiolabel.models.user import Organization, User
from aiolabel.pagination import Paginator

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
    "CollectionJobStatus",
    "ConsensusSettings",
    "CreateBatchesTask",
    "DataRow",
    "DataRowMetadata",
    "DataRowMetadataBatchResponse",
    "DataRowMetadataField",
    "DataRowMetadataKind",
    "DataRowMetadataOntology",
    "DataRowMetadataSchema",
    "DataUpsertTask",
    "DataUpsertTaskGroup",
    "Dataset",
    "DeleteBatchLabelsType",
    "DeleteDataRowMetadata",
    "GlobalKey",
    "GlobalKeys",
    "IAMIntegration",
    "IdType",
    "InputError",
    "InputTypeError",
    "InternalServerError",
    "InvalidQueryError",
    "Label",
    "LabelImport",
    "LabelboxError",
    "LabelingParameterOverride",
    "MALPredictionImport",
    "MEAPredictionImport",
    "MEAToMALPredictionImport",
    "MalformedQueryException",
    "MediaType",
    "NetworkError",
    "OperationNotAllowedException",
    "Organization",
    "Paginator",
    "PartialFailureError",
    "ProcessingWaitTimeout",
    "Project",
    "ProjectMember",
    "QualityMode",
    "ResourceConflict",
    "ResourceNotFoundError",
    "Review",
    "Role",
    "StreamType",
    "Task",
    "TaskFailedError",
    "TaskQueue",
    "TaskStatus",
    "TaskTimeout",
    "TimeoutError",
    "UniqueId",
    "UniqueIds",
    "UnprocessableEntityError",
    "UpsertPartialFailure",
    "User",
    "ValidationFailedError",
    "WorkflowStatus",
    "__version__",
]
