"""The ingest pipeline's public types: options, summary, result, stage names and limits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from aiolabel.enums import MediaType
from aiolabel.ingest._manifest import ManifestFormat
from aiolabel.ingest._scratch import FailedRow

Stage = Literal["read", "upload", "tasks", "batches", "priorities"]
STAGES: tuple[Stage, ...] = ("read", "upload", "tasks", "batches", "priorities")

MAX_BATCH_ROWS = 100_000
"""Rows one batch holds at most."""
LOOKUP_CHUNK = 1_000
"""Global keys per lookup (the service resolves up to 1,000 in one quick job)."""
LOOKUP_CONCURRENCY = 4
BATCH_CONCURRENCY = 4
"""Batches created or completed at once (each may hold 100,000 keys in memory)."""
UPLOAD_CONCURRENCY = 4
"""Descriptor files uploaded at once at most (each holds up to 10 MB)."""
PRIORITY_WINDOW = 20_000
"""Overrides handed to the SDK per call (bounded memory; 20 requests of 1,000 each)."""
TASK_TIMEOUT = 7_200.0
"""Seconds any one server task may take."""
READ_REPORT_EVERY = 1_000


ProgressCallback = Callable[[Stage, int, int | None], Any]
"""``progress(stage, done, total_or_None)``: ``read`` counts bytes, the others rows (``tasks``
counts tasks)."""
MessageCallback = Callable[[str], Any]


class IngestError(Exception):
    """The run cannot start or go on (bad options, an unreadable manifest, a dataset or
    project that does not fit): nothing more is sent. A usage error for the CLI."""


@dataclass(frozen=True)
class IngestOptions:
    """What to ingest into, and how (defaults: names from the manifest's file name)."""

    dataset: str | None = None
    """Dataset name or id; created if no dataset has that name (default: the file's stem)."""
    project: str | None = None
    """Project name or id; created if missing (default: the file's stem)."""
    media_type: MediaType | str | None = None
    """Media type of a new project, and of every row (default: the project's, else IMAGE)."""
    batch_prefix: str | None = None
    """Prefix of the batches of rows without a ``batch`` field (default: ``<stem>-``)."""
    batch_priority: int = 5
    """Priority of the batches created, 1 (highest) to 5."""
    max_concurrency: int | None = None
    """Requests in flight per stage (default: the client's ``max_concurrency``)."""
    dry_run: bool = False
    """Check the manifest and look keys up; create nothing."""
    allow_missing_global_keys: bool = False
    """Ingest rows without a global key (they are created again by every run)."""
    format: ManifestFormat | None = None
    """``"ndjson"`` or ``"csv"`` (default: from the file name)."""
    task_timeout: float = TASK_TIMEOUT


@dataclass(frozen=True)
class IngestSummary:
    """What one run did (the JSON summary of ``aiolabel ingest --json``)."""

    manifest: str
    dry_run: bool
    dataset_id: str | None
    dataset_name: str
    dataset_created: bool
    project_id: str | None
    project_name: str
    project_created: bool
    media_type: str
    rows_read: int
    """Non-blank manifest lines."""
    rows_invalid: int
    """Lines refused before anything was sent (bad fields, duplicates)."""
    rows_created: int
    """Data rows created by this run (in a dry run: that would be)."""
    rows_already_present: int
    """Rows whose global key existed already."""
    rows_failed: int
    """Lines that did not fully land, invalid ones included (each is in the failure report)."""
    rows_batched: int
    """Rows added to a batch by this run."""
    rows_already_batched: int
    """Rows already in a batch of the project."""
    batches: int
    """Batches the manifest's rows go to."""
    batches_created: int
    priorities_set: int
    seconds: float
    rows_per_second: float
    stopped: str | None = None
    """Why the run stopped before the end of the manifest (then rerun it), or None."""
    retries: int = 0
    """Requests sent again after a transient failure (timeouts, dropped connections, 5xx,
    429s), over the whole run."""
    reconciled: int = 0
    """Lost answers recovered by a lookup instead of a resend (see the README, Reliability)."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class IngestResult:
    """The summary, and the failures (the first ``failures_kept`` of them, by line)."""

    summary: IngestSummary
    failures: list[FailedRow] = field(default_factory=list)
    failures_total: int = 0
    report_path: Path | None = None

    @property
    def ok(self) -> bool:
        """Every line landed: no failure, and the whole manifest was read."""
        return self.summary.rows_failed == 0 and self.summary.stopped is None


def batch_name(group: str | None, part: int, prefix: str) -> str:
    """The batch of the ``part``-th 100,000 rows of a group (``None``: rows with no ``batch``)."""
    if group is None:
        return f"{prefix}{part:04d}"
    return group if part == 0 else f"{group}-{part:04d}"


def manifest_stem(path: Path) -> str:
    """The manifest's name without its format suffixes: the default dataset, project and batch
    prefix (``assets.v2.ndjson.gz`` → ``assets.v2``)."""
    name = path.name
    for suffix in (".gz", ".ndjson", ".jsonl", ".ldjson", ".json", ".csv"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name or "manifest"


def short(error: BaseException | None, limit: int = 500) -> str:
    text = str(error) if error is not None else ""
    text = text or type(error).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"
