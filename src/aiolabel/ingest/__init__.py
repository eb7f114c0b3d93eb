"""The ingestion pipeline behind ``aiolabel ingest``: a manifest in; a dataset, batches and
per-row priorities out (see :mod:`aiolabel.ingest._pipeline` for how each stage is made safe
to repeat).

``await ingest(client, "assets.ndjson", IngestOptions(...))`` returns an :class:`IngestResult`.
"""

from aiolabel.ingest._pipeline import ingest
from aiolabel.ingest._report import write_report
from aiolabel.ingest._scratch import FailedRow
from aiolabel.ingest._types import (
    MAX_BATCH_ROWS,
    STAGES,
    IngestError,
    IngestOptions,
    IngestResult,
    IngestSummary,
    MessageCallback,
    ProgressCallback,
    Stage,
    batch_name,
    manifest_stem,
)

__all__ = [
    "MAX_BATCH_ROWS",
    "STAGES",
    "FailedRow",
    "IngestError",
    "IngestOptions",
    "IngestResult",
    "IngestSummary",
    "MessageCallback",
    "ProgressCallback",
    "Stage",
    "batch_name",
    "ingest",
    "manifest_stem",
    "write_report",
]
