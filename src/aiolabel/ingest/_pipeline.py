"""The ingestion pipeline behind ``aiolabel ingest``: a manifest in; a dataset, batches and
per-row priorities out.

``await ingest(client, "assets.ndjson", IngestOptions(...))`` runs four stages, each driven by
the SDK:

1. **read and upload** — the manifest is streamed (see :mod:`aiolabel.ingest._manifest`);
   each line is checked (fields, media type, the SDK's own item check), duplicates within
   the manifest are refused, the global keys of each chunk of 1,000 are looked up
   (``client.get_data_row_ids_for_global_keys``) and only rows whose key does not exist yet
   are streamed into ``Dataset.create_data_rows``; then every upsert task is waited for and
   its results and errors are read back.
2. **batches** — landed rows go to the batch named by their ``batch`` field, or to
   ``<batch prefix>0000``, ``0001``... by groups of 100,000 in manifest order; a ``batch`` group
   of more than 100,000 rows continues in ``<name>-0001``... A batch that does not exist is
   created (``Project.create_batch``); one that exists is completed with the rows it lacks
   (its members are read by export), so a half-created batch is finished, not duplicated.
   Rows the project already holds in another batch count as already present.
3. **priorities** — each landed row with a ``priority`` gets it as a labelling-parameter
   override (``Project.set_labeling_parameter_overrides``: 1,000 per request, concurrent);
   setting the same override again is harmless.
4. **summary** — counts, and a failure per line that did not fully land, with its reason.

Global keys are the identity, so the run is idempotent and resumable: running the same
manifest again, after an interruption at any point, creates nothing twice and finishes what
was missing. Local state lives only in a scratch file deleted at the end (memory stays flat
however long the manifest); everything a rerun needs is read back from the server.

How each write is made safe to repeat or to lose the answer of:

* dataset, project — found by name (of several, the oldest) before one is created; a create
  that fails is followed by a lookup by name, which adopts it if it was applied;
* data rows — created only for keys the lookup did not find; rows sent but not reported
  created are looked up again (created by this run, or by an interrupted one whose task went
  on), else reported failed; the service refuses a second row with a key, so none is doubled;
* batches — found by name; a failed create or fill is followed by a lookup by name and the
  batch is completed with the rows its export does not list; rows the project holds in
  another batch are refused by the service and counted as already batched;
* priorities — setting an override is idempotent, so every run sets them all again.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
from anyio.abc import ObjectSendStream

from aiolabel.enums import MediaType
from aiolabel.errors import (
    InputError,
    InputTypeError,
    LabelboxError,
    PartialFailureError,
)
from aiolabel.ingest._batches import BatchStage
from aiolabel.ingest._lock import target_lock
from aiolabel.ingest._manifest import LineError, Manifest, ManifestError, ManifestRow
from aiolabel.ingest._report import check_report_path, finish_report
from aiolabel.ingest._scratch import Batched, FailedRow, Scratch, State, norm_key
from aiolabel.ingest._targets import TargetStage
from aiolabel.ingest._types import (
    LOOKUP_CHUNK,
    LOOKUP_CONCURRENCY,
    MAX_BATCH_ROWS,
    READ_REPORT_EVERY,
    UPLOAD_CONCURRENCY,
    IngestError,
    IngestOptions,
    IngestResult,
    IngestSummary,
    MessageCallback,
    ProgressCallback,
    Stage,
    batch_name,
    manifest_stem,
    short,
)
from aiolabel.models.dataset import Dataset
from aiolabel.models.project import Project
from aiolabel.models.task import UpsertPartialFailure

if TYPE_CHECKING:
    from aiolabel.client import AsyncClient
    from aiolabel.models.metadata import DataRowMetadataOntology
    from aiolabel.models.task import Task


async def ingest(
    client: AsyncClient,
    manifest: str | Path,
    options: IngestOptions | None = None,
    *,
    progress: ProgressCallback | None = None,
    message: MessageCallback | None = None,
    report: Path | None = None,
    failures_kept: int = 1_000,
) -> IngestResult:
    """Ingest a manifest (see the module docstring); returns the summary and failures.

    ``report``: a file to write every failure to (written only when there are failures; an
    old report at that path is removed otherwise). A report path that names the manifest, or
    an existing file that is not a report, is refused before anything is sent. Raises
    :class:`IngestError` for problems that stop the run; a row that fails does not stop it.
    """
    options = options or IngestOptions()
    path = Path(manifest)
    if report is not None:
        check_report_path(Path(report), [path])
    try:
        opened = Manifest(
            path,
            format=options.format,
            allow_missing_global_keys=options.allow_missing_global_keys,
        )
    except ManifestError as exc:
        raise IngestError(str(exc)) from None
    with opened, tempfile.TemporaryDirectory(prefix="aiolabel-ingest-") as scratch_dir:
        scratch = Scratch(Path(scratch_dir))
        try:
            run = _Run(client, opened, options, scratch, progress, message)
            try:
                summary = await run.run()
            except BaseExceptionGroup as group:
                error = _unwrap(group)
                if error is group:
                    raise
                raise error from None
            failures_total = scratch.failed_lines()
            kept = list(scratch.failures(failures_kept))
            written = finish_report(report, scratch) if report is not None else None
            return IngestResult(summary, kept, failures_total, written)
        finally:
            scratch.close()


def _check_options(options: IngestOptions, stem: str) -> tuple[MediaType | None, str, str, str]:
    media: MediaType | None = None
    if options.media_type is not None:
        media = MediaType(options.media_type)
        if not MediaType.is_supported(media):
            names = ", ".join(sorted({m.value for m in MediaType.supported()}))
            raise IngestError(f"--media-type {options.media_type!r} is not one of {names}")
    if isinstance(options.batch_priority, bool) or not isinstance(options.batch_priority, int):
        raise IngestError("--batch-priority must be a whole number from 1 to 5")
    if not 1 <= options.batch_priority <= 5:
        raise IngestError(
            f"--batch-priority must be from 1 (highest) to 5, got {options.batch_priority}"
        )
    if options.max_concurrency is not None and options.max_concurrency < 1:
        raise IngestError("--max-concurrency must be at least 1")
    for label, value in (
        ("--dataset", options.dataset),
        ("--project", options.project),
        ("--batch-prefix", options.batch_prefix),
    ):
        if value is not None and not value.strip():
            raise IngestError(f"{label} must not be blank")
        if value is not None and any("\ud800" <= c <= "\udfff" for c in value):
            raise IngestError(f"{label} is not valid text (it holds bytes that are not UTF-8)")
    dataset = options.dataset or stem
    project = options.project or stem
    prefix = options.batch_prefix if options.batch_prefix is not None else f"{stem}-"
    return media, dataset, project, prefix


class _Run:
    """One run of the pipeline (see the module docstring)."""

    def __init__(
        self,
        client: AsyncClient,
        manifest: Manifest,
        options: IngestOptions,
        scratch: Scratch,
        progress: ProgressCallback | None,
        message: MessageCallback | None,
    ) -> None:
        self.client = client
        self.manifest = manifest
        self.options = options
        self.scratch = scratch
        self._progress = progress
        self._message = message
        stem = manifest_stem(manifest.path)
        self.media, self.dataset_name, self.project_name, self.prefix = _check_options(
            options, stem
        )
        self.max_batch_rows = MAX_BATCH_ROWS
        self.concurrency = min(options.max_concurrency or client.max_concurrency, 64)
        self.dataset: Dataset | None = None
        self.project: Project | None = None
        self.dataset_created = self.project_created = False
        self.ontology: DataRowMetadataOntology | None = None
        self.groups: dict[str | None, int] = {}
        self.sent = 0
        self.uploaded = 0
        self.batch_rows_done = 0
        self.batch_rows_total = 0
        self.batches_created = 0
        self.batch_count = 0
        self.priorities_done = 0
        self.priorities_set = 0
        self.tasks_done = 0
        self.tasks_total = 0
        self.stopped: str | None = None
        self.sent_all = False
        """Every row read was handed to the upload (so each is accounted for)."""
        self.nothing = False
        """No line of the manifest can be ingested: nothing was created."""

    # -- callbacks ---------------------------------------------------------------------------

    def progress(self, stage: Stage, done: int, total: int | None) -> None:
        if self._progress is not None:
            self._progress(stage, done, total)

    def say(self, text: str) -> None:
        if self._message is not None:
            self._message(text)

    # -- the run -----------------------------------------------------------------------------

    async def run(self) -> IngestSummary:
        started = time.monotonic()
        stats = self.client.retry_stats
        retries_before, reconciled_before = stats.retries, stats.reconciled
        if self.options.dry_run:
            await self._stages()
        else:
            organization = (await self.client.get_organization()).uid
            parts = (self.client.endpoint, organization, self.dataset_name, self.project_name)
            async with target_lock(parts, self.say):
                await self._stages()
        self.scratch.commit()
        seconds = time.monotonic() - started
        s = self.scratch
        read = self.manifest.records
        landed = s.count(State.CREATED) + s.count(State.PRESENT)
        created = s.count(State.SENT) if self.options.dry_run else s.count(State.CREATED)
        return IngestSummary(
            manifest=str(self.manifest.path),
            dry_run=self.options.dry_run,
            dataset_id=None if self.dataset is None else self.dataset.uid,
            dataset_name=self.dataset_name if self.dataset is None else self.dataset.name or "",
            dataset_created=self.dataset_created,
            project_id=None if self.project is None else self.project.uid,
            project_name=self.project_name if self.project is None else self.project.name or "",
            project_created=self.project_created,
            media_type=(self.media or MediaType.Image).value,
            rows_read=read,
            rows_invalid=s.count_invalid(),
            rows_created=created,
            rows_already_present=s.count(State.PRESENT),
            rows_failed=s.failed_lines(),
            rows_batched=s.count_batched(Batched.ADDED),
            rows_already_batched=s.count_batched(Batched.ALREADY),
            batches=self.batch_count,
            batches_created=self.batches_created,
            priorities_set=self.priorities_set,
            seconds=round(seconds, 3),
            rows_per_second=round((landed if not self.options.dry_run else read) / seconds, 1)
            if seconds > 0
            else 0.0,
            stopped=self.stopped,
            retries=stats.retries - retries_before,
            reconciled=stats.reconciled - reconciled_before,
        )

    async def _stages(self) -> None:
        await TargetStage(self).resolve()
        await self._read_and_upload()
        if not self.options.dry_run and not self.nothing:
            stage = BatchStage(self)
            await stage.batches()
            await stage.priorities()

    # -- stage 1: read, look up, upload ------------------------------------------------------

    def check_row(self, row: ManifestRow) -> LineError | None:
        """The media-type check and the SDK's own item check, as a line error."""
        if row.media_type is not None and row.media_type != self.media:
            assert self.media is not None
            return LineError(
                row.line,
                "media_type",
                f"{row.media_type.value} does not match the project's media type "
                f"{self.media.value}",
                row.global_key,
            )
        try:
            self.client._upserts.check_item(
                row.data_row(),
                dataset_id=self.dataset.uid if self.dataset is not None else "dry-run",
                ontology=self.ontology,
            )
        except (InputError, InputTypeError) as exc:
            text = str(exc).removeprefix("items[0]").lstrip(".: ")
            field_name = "metadata" if "metadata" in text else None
            return LineError(row.line, field_name, text, row.global_key)
        return None

    def _group_batch(self, row: ManifestRow) -> str:
        seen = self.groups.get(row.batch, 0)
        self.groups[row.batch] = seen + 1
        return batch_name(row.batch, seen // self.max_batch_rows, self.prefix)

    def _read_chunks(self) -> Iterator[list[ManifestRow]]:
        """Checked, de-duplicated rows recorded in the scratch table, by chunks of 1,000."""
        pending: list[tuple[ManifestRow, str]] = []
        size = self.manifest.size()
        for item in self._read_lines():
            if isinstance(item, LineError):
                self._invalid(item)
            else:
                name = self._group_batch(item)
                problem = self.check_row(item)
                if problem is not None:
                    self._invalid(problem)
                else:
                    pending.append((item, name))
            if self.manifest.records % READ_REPORT_EVERY == 0:
                self.progress("read", self.manifest.bytes_read, size)
            if len(pending) >= LOOKUP_CHUNK:
                yield self._record(pending)
                pending = []
        if pending:
            yield self._record(pending)
        self.progress("read", self.manifest.bytes_read, max(self.manifest.bytes_read, size or 0))

    def _read_lines(self) -> Iterator[ManifestRow | LineError]:
        """The manifest's lines; a file that cannot be read to its end (a truncated ``.gz``)
        stops the reading, and the run goes on with the lines read."""
        try:
            yield from self.manifest
        except ManifestError as exc:
            self.stopped = f"{exc}; the lines before it were ingested: fix the file and run again"
            self.say(self.stopped)

    def _invalid(self, error: LineError) -> None:
        self.scratch.fail(
            [FailedRow(error.line, error.global_key, "read", error.field, error.message)]
        )

    def _record(self, pending: list[tuple[ManifestRow, str]]) -> list[ManifestRow]:
        keys = [row.global_key for row, _ in pending if row.global_key is not None]
        first = self.scratch.first_lines(keys)
        rows: list[ManifestRow] = []
        records: list[tuple[int, str | None, str, int | None, str | None, str | None]] = []
        for row, name in pending:
            if row.global_key is not None:
                norm = norm_key(row.global_key)
                if norm in first:
                    self._invalid(
                        LineError(
                            row.line,
                            "global_key",
                            f"duplicate global key {row.global_key!r} (first on line "
                            f"{first[norm]}; keys are compared case-insensitively)",
                            row.global_key,
                        )
                    )
                    continue
                first[norm] = row.line
                records.append((row.line, row.global_key, name, row.priority, None, None))
            else:
                records.append((row.line, None, name, row.priority, row.row_data, row.external_id))
            rows.append(row)
        self.scratch.add_rows(records)
        return rows

    async def _existing(self, keys: list[str]) -> set[str]:
        """Normalised keys (of at most 1,000) that exist in the organisation."""
        if not keys:
            return set()
        answer = await self.client.get_data_row_ids_for_global_keys(keys)
        results = answer.get("results") or []
        return {norm_key(k) for k, found in zip(keys, results, strict=False) if found}

    async def _look_up(
        self,
        rows: list[ManifestRow],
        send: ObjectSendStream[dict[str, Any]],
        slots: anyio.Semaphore,
    ) -> None:
        try:
            existing = await self._existing([r.global_key for r in rows if r.global_key])
            present = [r for r in rows if r.global_key and norm_key(r.global_key) in existing]
            new = [r for r in rows if not r.global_key or norm_key(r.global_key) not in existing]
            self.scratch.set_state((r.line for r in present), State.PRESENT)
            self.scratch.set_state((r.line for r in new), State.SENT)
            self.sent += len(new)
            for row in new:
                await send.send(row.data_row())
        except anyio.BrokenResourceError:
            pass  # the upload stopped; these rows stay SENT and are confirmed by lookup
        finally:
            slots.release()

    async def _produce(self, send: ObjectSendStream[dict[str, Any]]) -> None:
        slots = anyio.Semaphore(LOOKUP_CONCURRENCY)
        async with send, anyio.create_task_group() as group:
            if self.ontology is None:
                self.ontology = await self.client.get_data_row_metadata_ontology()
            for chunk in self._read_chunks():
                await slots.acquire()
                group.start_soon(self._look_up, chunk, send, slots)
                self.scratch.commit()

    async def _read_and_upload(self) -> None:
        send, receive = anyio.create_memory_object_stream[dict[str, Any]](LOOKUP_CHUNK)
        upload_error: BaseException | None = None
        handle: Any = None
        async with anyio.create_task_group() as group:
            group.start_soon(self._produce, send)
            async with receive:
                try:
                    first = await receive.receive()
                except anyio.EndOfStream:
                    first = None
                if first is not None and self.options.dry_run:
                    async for _ in receive:
                        pass
                elif first is not None:
                    assert self.dataset is not None

                    async def items() -> AsyncIterator[dict[str, Any]]:
                        yield first
                        async for item in receive:
                            yield item
                        self.sent_all = True

                    def uploaded(done: int, _total: int | None) -> None:
                        self.uploaded = done
                        self.progress("upload", done, self.sent)

                    try:
                        handle = await self.dataset.create_data_rows(
                            items(),
                            max_concurrency=min(self.concurrency, UPLOAD_CONCURRENCY),
                            progress=uploaded,
                        )
                    except UpsertPartialFailure as exc:
                        upload_error, handle = exc, exc.task
                        group.cancel_scope.cancel()  # stop reading: rerun after fixing the cause
                    except PartialFailureError as exc:
                        upload_error = exc
                        group.cancel_scope.cancel()
        if upload_error is not None and not self.sent_all:
            self.stopped = (
                f"the upload stopped after line {self.manifest.line}: {short(upload_error)}; "
                "run again to resume"
            )
            self.say(self.stopped)
        elif upload_error is not None:
            self.say(f"the upload reported {short(upload_error)}; checking each row")
        self.scratch.commit()
        self.progress("upload", self.sent, self.sent)
        if self.options.dry_run:
            return
        if handle is not None:
            await self._harvest(handle)
        await self._confirm(upload_error)
        self.scratch.commit()

    async def _harvest(self, handle: Any) -> None:
        """Wait for the upsert tasks, then record what they created and refused."""
        tasks: list[Task] = list(handle.tasks)
        await self.wait(tasks)
        page: list[tuple[str | None, str | None, str | None, str | None]] = []
        async with contextlib.aclosing(handle.result()) as results:
            try:
                async for row in results:
                    page.append(
                        (
                            row.get("id"),
                            row.get("global_key"),
                            row.get("row_data"),
                            row.get("external_id"),
                        )
                    )
                    if len(page) >= 5_000:
                        self.scratch.mark_created(page)
                        page = []
            except LabelboxError:
                pass  # a FAILED task: its rows are confirmed one by one below
        self.scratch.mark_created(page)
        errors: list[tuple[str, str]] = []
        async with contextlib.aclosing(handle.errors()) as refused:
            async for error in refused:
                reason = str(error.get("message") or "refused by the server")
                for spec in error.get("failedDataRows") or []:
                    key = spec.get("globalKey") if isinstance(spec, dict) else None
                    if isinstance(key, str):
                        errors.append((key, reason))
                if len(errors) >= 5_000:
                    self.scratch.upload_error(errors)
                    errors = []
        self.scratch.upload_error(errors)

    async def _confirm(self, upload_error: BaseException | None) -> None:
        """Rows sent but not reported created: look their keys up (created by this run or
        by an earlier, interrupted one) or record them failed."""
        fallback = (
            "not confirmed: the upload failed "
            f"({short(upload_error)}); the server may still create it: run again"
            if upload_error is not None
            else "not created"
        )
        while True:
            rows = self.scratch.unconfirmed(LOOKUP_CHUNK)
            if not rows:
                return
            keys = [key for _, key, _ in rows if key is not None]
            existing = await self._existing(keys)
            created: list[int] = []
            present: list[int] = []
            failed: list[FailedRow] = []
            for line, key, reason in rows:
                if key is not None and norm_key(key) in existing:
                    (present if reason else created).append(line)
                else:
                    failed.append(FailedRow(line, key, "upload", None, reason or fallback))
            self.scratch.set_state(created, State.CREATED)
            self.scratch.set_state(present, State.PRESENT)
            self.scratch.fail(failed)
            self.scratch.set_state((f.line for f in failed), State.FAILED)

    async def wait(self, tasks: Sequence[Task]) -> None:
        self.tasks_total += len(tasks)
        self.progress("tasks", self.tasks_done, self.tasks_total)
        await self.client.wait_for_tasks(list(tasks), timeout_seconds=self.options.task_timeout)
        self.tasks_done += len(tasks)
        self.progress("tasks", self.tasks_done, self.tasks_total)


def _unwrap(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The exception a task group's group stands for: an interruption, else the first error
    that is not a cancellation (the others were cancelled because of it)."""
    found: list[BaseException] = []

    def walk(error: BaseException) -> None:
        if isinstance(error, BaseExceptionGroup):
            for inner in error.exceptions:
                walk(inner)
        else:
            found.append(error)

    walk(group)
    cancelled = anyio.get_cancelled_exc_class()
    for leaf in found:
        if isinstance(leaf, KeyboardInterrupt):
            return leaf
    for leaf in found:
        if not isinstance(leaf, cancelled):
            return leaf
    return group
