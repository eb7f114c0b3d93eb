"""aiolabel: an asyncio-native client for the Labelbox API."""

from aiolabel._version import __version__
from aiolabel.enums import (
    AttachmentType,
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
from aiolabel.identifiers import GlobalKey, GlobalKeys, UniqueId, UniqueIds

__all__ = [
    "AttachmentType",
    "CollectionJobStatus",
    "DataRowMetadataKind",
    "DeleteBatchLabelsType",
    "GlobalKey",
    "GlobalKeys",
    "IdType",
    "MediaType",
    "QualityMode",
    "StreamType",
    "TaskStatus",
    "UniqueId",
    "UniqueIds",
    "WorkflowStatus",
    "__version__",
]
