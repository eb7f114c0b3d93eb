"""Enumerations shared by the SDK and the emulator (pure: no I/O, no imports from either side)."""

from __future__ import annotations

import re
from enum import Enum, StrEnum


def _camel_case(value: str) -> str:
    parts = [p.lower() for p in re.findall(r"[A-Z][a-z0-9]*|[a-z][a-z0-9]*", value)]
    return "".join(p if i == 0 else p[:1].upper() + p[1:] for i, p in enumerate(parts))


def _name_matches(value: str, name: str) -> bool:
    """The official SDK's tolerant match of a wire string against a member name."""
    wanted = name.upper()
    underscored = value.replace("-", "_")
    return wanted in (value.upper(), underscored.upper(), _camel_case(underscored).upper())


class MediaType(StrEnum):
    """Asset media types, with the official SDK's member names, aliases and tolerant parsing."""

    Audio = "AUDIO"
    Conversational = "CONVERSATIONAL"
    Document = "PDF"
    Geospatial_Tile = "TMS_GEO"
    Html = "HTML"
    Image = "IMAGE"
    Pdf = "PDF"
    Simple_Tile = "TMS_SIMPLE"
    Text = "TEXT"
    Tms_Geo = "TMS_GEO"
    Tms_Simple = "TMS_SIMPLE"
    Unknown = "UNKNOWN"
    Unsupported = "UNSUPPORTED"
    Video = "VIDEO"
    Point_Cloud = "POINT_CLOUD"
    LLM = "LLM"

    @classmethod
    def _missing_(cls, value: object) -> MediaType:
        if value is None:
            return cls.Unknown
        if isinstance(value, str):
            for name, member in cls.__members__.items():
                if _name_matches(value, name):
                    return member
        return cls.Unsupported

    @classmethod
    def is_supported(cls, value: object) -> bool:
        return isinstance(value, cls) and value not in (cls.Unknown, cls.Unsupported)

    @classmethod
    def supported(cls) -> list[MediaType]:
        """Canonical members a project or data row may carry (aliases folded)."""
        return [m for m in cls if m not in (cls.Unknown, cls.Unsupported)]


class OntologyKind(Enum):
    """What an ontology is for: ``ModelEvaluation`` (chat evaluation) or ``Missing``."""

    ModelEvaluation = "MODEL_EVALUATION"
    Missing = None


class TaskStatus(StrEnum):
    """Server-side task states; unknown strings map to ``Unknown``."""

    In_Progress = "IN_PROGRESS"
    Complete = "COMPLETE"
    Canceling = "CANCELLING"
    Canceled = "CANCELED"
    Failed = "FAILED"
    Unknown = "UNKNOWN"

    @classmethod
    def _missing_(cls, value: object) -> TaskStatus:
        return cls.Unknown

    @property
    def is_final(self) -> bool:
        return self in (TaskStatus.Complete, TaskStatus.Failed, TaskStatus.Canceled)


class IdType(StrEnum):
    """How a data row is identified: by its id or by its global key."""

    DataRowId = "ID"
    GlobalKey = "GKEY"


class AttachmentType(StrEnum):
    """Kinds of data-row attachment (``AssetAttachment.type``)."""

    AUDIO = "AUDIO"
    VIDEO = "VIDEO"
    IMAGE = "IMAGE"
    IMAGE_OVERLAY = "IMAGE_OVERLAY"
    HTML = "HTML"
    RAW_TEXT = "RAW_TEXT"
    TEXT_URL = "TEXT_URL"
    PDF_URL = "PDF_URL"
    CAMERA_IMAGE = "CAMERA_IMAGE"


class DataRowMetadataKind(StrEnum):
    """Kinds of metadata schema: number, datetime, enum and its options, string, embedding."""

    number = "CustomMetadataNumber"
    datetime = "CustomMetadataDateTime"
    enum = "CustomMetadataEnum"
    string = "CustomMetadataString"
    option = "CustomMetadataEnumOption"
    embedding = "CustomMetadataEmbedding"


class QualityMode(StrEnum):
    """Project quality modes: benchmark and consensus."""

    Benchmark = "BENCHMARK"
    Consensus = "CONSENSUS"


class CollectionJobStatus(StrEnum):
    """Summary of a job over a collection (global-key jobs)."""

    SUCCESS = "SUCCESS"
    PARTIAL_SUCCESS = "PARTIAL SUCCESS"
    FAILURE = "FAILURE"


class DeleteBatchLabelsType(StrEnum):
    """What ``Batch.delete_labels`` does with the rows: requeue them, or requeue with the label as
    a template."""

    RequeueData = "RequeueData"
    RequeueDataWithLabelAsTemplate = "RequeueDataWithLabelAsTemplate"


class StreamType(StrEnum):
    """Export task streams."""

    RESULT = "RESULT"
    ERRORS = "ERRORS"


class WorkflowStatus(StrEnum):
    """Export filter on a data row's place in the project workflow."""

    ToLabel = "ToLabel"
    InReview = "InReview"
    InRework = "InRework"
    Done = "Done"


class AnnotationImportState(StrEnum):
    """State of an annotation import (MAL, label import, MEA)."""

    RUNNING = "RUNNING"
    FAILED = "FAILED"
    FINISHED = "FINISHED"


BulkImportRequestState = AnnotationImportState
"""The state of a :class:`~aiolabel.BulkImportRequest` (the same three values)."""


class WebhookTopic(Enum):
    """``Webhook.Topic``: the events a webhook can subscribe to (the official SDK's names)."""

    LABEL_CREATED = "LABEL_CREATED"
    LABEL_UPDATED = "LABEL_UPDATED"
    LABEL_DELETED = "LABEL_DELETED"
    WORKFLOW_ACTION = "WORKFLOW_ACTION"


class WebhookStatus(Enum):
    """``Webhook.Status``: whether a webhook delivers (ACTIVE) or not (INACTIVE, REVOKED)."""

    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    REVOKED = "REVOKED"
