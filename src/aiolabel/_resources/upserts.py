"""The data-row upsert pipeline behind ``Dataset.create_data_rows`` / ``upsert_data_rows``.

Wire protocol (wire doc §4.1): specs ``{"id": {"type", "value"}, "payload": {...}}`` are written
into JSON descriptor files of at most 10 MB, each uploaded with ``uploadFile``; a manifest
``{"source": "SDK", "item_count", "chunk_uris"}`` is uploaded; ``upsertDataRows(manifestUri)``
starts a task.

How aiolabel runs it:

* every item is checked before it is sent (a list: all of them before the first request; an
  iterable: a window of items at a time as it is read, and a bad one stops the job like a
  failing iterator);
* a plain item (the usual keys with values that need no conversion) is checked and written as
  its spec's JSON in one pass (:func:`aiolabel._bulk.specs.render_plain`), any other by
  :func:`~aiolabel._bulk.specs.prepare_item`, with the same bytes as ``json.dumps``;
* each spec is serialised once, a window's specs together, appended to the current
  descriptor file, and the file is closed when the next spec would pass the byte bound
  (:class:`DescriptorChunker`): one pass, input order kept, deterministic;
* descriptor files are written to a temporary directory (removed when the call ends), not
  held in memory, and each is deleted once uploaded: memory stays the same whatever the input
  size and however many files are in flight;
* descriptor files are uploaded concurrently through the client's chunk runner;
* inputs above :data:`ITEMS_PER_TASK` items are split into several upsert tasks (one manifest
  each), submitted while the next task's files upload; the caller gets one
  :class:`DataUpsertTaskGroup` over all of them.
"""

from __future__ import annotations

import json
import os
import pathlib
import tempfile
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Iterable, Mapping, Sized
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

import anyio

from aiolabel._bulk import reconcile as _reconcile
from aiolabel._bulk.descriptors import (
    FILE_UPLOAD_CONCURRENCY,
    ITEMS_PER_TASK,
    UPLOAD_CONCURRENCY,
    UPSERT_CHUNK_SIZE_BYTES,
    DescriptorChunk,
    DescriptorChunker,
    spec_texts,
)
from aiolabel._bulk.reconcile import PROBE_ROWS
from aiolabel._bulk.specs import (
    Prepared,
    Rendered,
    bad_item,
    encode_specs,
    prepare_item,
    prepare_rows,
)
from aiolabel._concurrency import (
    ChunkFailure,
    ChunkSuccess,
    FailureLedger,
    Progress,
    report_progress,
)
from aiolabel._content import guess_content_type
from aiolabel._operations import data_rows as ops
from aiolabel._resources._base import Resource
from aiolabel._validation import check_progress
from aiolabel.errors import InputError, InputTypeError, LabelboxError, PartialFailureError
from aiolabel.models.metadata import DataRowMetadataOntology
from aiolabel.models.task import UPSERT_TASK_TYPE, DataUpsertTaskGroup, Task, UpsertPartialFailure

if TYPE_CHECKING:
    from aiolabel.client import AsyncClient

__all__ = ["Upserts"]

_Spec = Prepared | Rendered

WINDOW = 256
"""Items prepared together, so their local files upload concurrently."""


# -- the pipeline --------------------------------------------------------------------------------


class _Upsert:
    def __init__(
        self,
        client: AsyncClient,
        dataset_id: str,
        *,
        upsert: bool,
        sdk_method: str,
        max_concurrency: int | None,
        file_concurrency: int,
        progress: Progress | None,
        max_chunk_bytes: int,
        items_per_task: int,
    ) -> None:
        self.client = client
        self.dataset_id = dataset_id
        self.upsert = upsert
        self.sdk_method = sdk_method
        self.max_concurrency = min(max_concurrency or UPLOAD_CONCURRENCY, client.max_concurrency)
        self.file_concurrency = file_concurrency
        self.progress = progress
        self.chunker = DescriptorChunker(max_chunk_bytes, items_per_task)
        self.ontology: DataRowMetadataOntology | None = None
        self.total: int | None = None
        self.uploaded = 0
        self.read = 0
        """Items read from the input (checked and in a window, a buffer or a chunk)."""
        self.sent_any = False
        self.unchecked: list[int] = []
        """Positions read from a streamed input past the bad item that stopped it (the input is
        read a window at a time): read, never checked, not sent."""
        self.position = 0
        """Items handed to the chunker."""
        self.probes: dict[int, list[_reconcile.Identity]] = {}
        """Task index -> identities of its first rows (see :mod:`aiolabel._reconcile`)."""

    async def _ontology(self) -> DataRowMetadataOntology:
        if self.ontology is None:
            self.ontology = await self.client.get_data_row_metadata_ontology()
        return self.ontology

    async def _prepare_rows(
        self, rows: list[Any], start: int, out: list[_Spec], repeats: _Repeats | None = None
    ) -> None:
        """Check ``rows`` (items ``start``...) into ``out`` (and against ``repeats``, item by
        item as each is checked); the ontology is fetched when the first row with metadata is
        reached, not before (a bad row before it sends nothing)."""
        done = 0
        while done < len(rows):
            checked = len(out)
            try:
                done += prepare_rows(
                    rows[done:] if done else rows,
                    start + done,
                    out,
                    dataset_id=self.dataset_id,
                    upsert=self.upsert,
                    ontology=self.ontology,
                )
            finally:  # a repeat before a bad item is the first error
                if repeats is not None:
                    repeats.check(out, checked, start + checked)
            if done < len(rows):
                await self._ontology()

    async def check_all(self, items: Iterable[Any]) -> list[_Batch]:
        """A sized input: every item checked before any request (repeats included).

        Items are kept as the JSON list of each window (a spec is a few hundred bytes; its dict
        several times that); only windows with a local file to upload keep their checked
        items until the upload.
        """
        batches: list[_Batch] = []
        repeats = _Repeats()
        total = 0
        source = iter(items)
        while rows := list(islice(source, WINDOW)):
            prepared: list[_Spec] = []
            await self._prepare_rows(rows, total, prepared, repeats)
            if any(isinstance(p, Prepared) and p.local_path is not None for p in prepared):
                batches.append(_Batch(len(prepared), prepared=prepared))
            else:
                batches.append(_Batch(len(prepared), text=encode_specs(prepared)))
            total += len(prepared)
        if not total:
            raise InputError("items must not be empty")
        return batches

    async def _stream_batches(
        self, items: Iterable[Any] | AsyncIterable[Any]
    ) -> AsyncIterator[_Batch]:
        """Any (async) iterable, read and checked a window at a time. An input that raises
        midway, or a bad item, stops the job once the items read before it are checked and
        counted in :attr:`read` (they are reported as not started, as are the items of the
        bad item's window read after it: :attr:`unchecked`)."""
        start = 0
        sync = iter(items) if not isinstance(items, AsyncIterable) else None
        source = aiter(items) if isinstance(items, AsyncIterable) else None
        while True:
            rows: list[Any] = []
            failure: Exception | None = None
            try:
                if sync is not None:  # (extend keeps the items read before a raise)
                    rows.extend(islice(sync, WINDOW))
                else:
                    assert source is not None
                    while len(rows) < WINDOW:
                        try:
                            rows.append(await anext(source))
                        except StopAsyncIteration:
                            break
            except Exception as exc:  # raised once the items read before it are checked
                failure = exc
            prepared: list[_Spec] = []
            try:
                await self._prepare_rows(rows, start, prepared)
            except BaseException:
                self.read += len(prepared)
                self.unchecked = list(range(start + len(prepared) + 1, start + len(rows)))
                raise
            if failure is not None:
                self.read += len(prepared)
                raise failure
            if not prepared:
                if start == 0:
                    raise InputError("items must not be empty")
                return
            yield _Batch(len(prepared), prepared=prepared)
            start += len(prepared)
            if len(prepared) < WINDOW:
                return

    async def _upload_local(self, window: list[_Spec]) -> None:
        local = [p for p in window if isinstance(p, Prepared) and p.local_path is not None]
        if not local:
            return

        async def upload(batch: list[Prepared]) -> None:
            for p in batch:
                assert p.local_path is not None
                p.payload["row_data"] = await self.client._transport.upload(
                    pathlib.Path(p.local_path),
                    filename=os.path.basename(p.local_path),
                    content_type=_content_type(p.local_path),
                    sdk_method="Client:upload_file",
                )
                p.local_path = None

        await self.client._run_chunks(
            local, upload, chunk_size=1, max_concurrency=self.file_concurrency, on_error="cancel"
        )

    async def _chunks(
        self, batches: AsyncIterator[_Batch]
    ) -> AsyncGenerator[DescriptorChunk, None]:
        async for batch in batches:
            self.read += batch.count
            text = batch.text
            if batch.prepared is not None:
                await self._upload_local(batch.prepared)
                text = encode_specs(batch.prepared)
            assert text is not None
            self._probe(self.position, batch, text)
            self.position += batch.count
            for chunk in self.chunker.add_list(text, batch.count):
                yield chunk
        last = self.chunker.close()
        if last is not None:
            yield last

    async def _upload_chunk(self, batch: list[DescriptorChunk]) -> str:
        [chunk] = batch
        self.sent_any = True
        try:
            url = await self.client._transport.upload(
                chunk.content(),
                filename="json_import.json",
                content_type="application/json",
                sdk_method=self.sdk_method,
            )
        finally:
            chunk.discard()
        self.uploaded += chunk.count
        await report_progress(self.progress, self.uploaded, self.total)
        return url

    def _probe(self, position: int, batch: _Batch, text: str) -> None:
        """Remember how the first rows of each task are recognised (for :meth:`_submit`)."""
        size = self.chunker.items_per_task
        end = position + batch.count
        specs: list[bytes] | None = None
        task = position // size
        while task * size < end:
            for at in range(max(task * size, position), min(task * size + PROBE_ROWS, end)):
                p = batch.prepared[at - position] if batch.prepared is not None else None
                if isinstance(p, Prepared):
                    key, payload = p.key, p.payload
                elif p is not None:
                    parsed = json.loads(p[0])
                    key, payload = parsed["id"], parsed["payload"]
                else:
                    specs = specs if specs is not None else spec_texts(text)
                    parsed = json.loads(specs[at - position])
                    key, payload = parsed.get("id"), parsed.get("payload") or {}
                found = _reconcile.identity(payload, key)
                if found is not None:
                    self.probes.setdefault(task, []).append(found)
            task += 1

    async def _submit(self, urls: list[str], count: int, task_index: int) -> Task:
        manifest = json.dumps({"source": "SDK", "item_count": count, "chunk_uris": urls}).encode()
        uri = await self.client._transport.upload(
            manifest,
            filename="manifest.json",
            content_type="application/json",
            sdk_method=self.sdk_method,
        )
        probe = self.probes.pop(task_index, [])
        started = _reconcile.now()

        async def reconcile(error: LabelboxError) -> dict[str, Any] | None:
            node = await _reconcile.find_upsert_task(
                self.client, UPSERT_TASK_TYPE, probe, started, error, sdk_method=self.sdk_method
            )
            return None if node is None else {"upsertDataRows": node}

        data = await self.client._execute_operation(
            ops.UPSERT_DATA_ROWS,
            {"manifestUri": uri},
            sdk_method=self.sdk_method,
            reconcile=reconcile,
        )
        raw = data.get("upsertDataRows")
        if not isinstance(raw, dict):
            raise LabelboxError("the upsert task is missing from the response")
        task = Task._build(self.client, raw)
        self.client._task_ledger.add(task.uid)
        return task

    async def run(self, items: Iterable[Any] | AsyncIterable[Any]) -> DataUpsertTaskGroup:
        if isinstance(items, str | bytes | Mapping) or not isinstance(
            items, Iterable | AsyncIterable
        ):
            raise InputTypeError(
                f"items must be a list or an (async) iterable of dicts, got {type(items).__name__}"
            )
        with tempfile.TemporaryDirectory(prefix="aiolabel-descriptors-") as spool:
            self.chunker.spool_dir = spool
            try:
                return await self._run(items)
            finally:
                self.chunker.discard()

    async def _run(self, items: Iterable[Any] | AsyncIterable[Any]) -> DataUpsertTaskGroup:
        source: AsyncIterator[_Batch]
        if isinstance(items, Sized) and isinstance(items, Iterable):
            checked = await self.check_all(items)
            self.total = sum(b.count for b in checked)
            source = _aiter(checked)
        else:
            source = self._stream_batches(items)
        chunks = self._chunks(source)
        ledger: FailureLedger[int, str] = FailureLedger()
        failures, succeeded, not_started = ledger.failures, ledger.succeeded, ledger.not_started
        started: dict[int, tuple[Task, int]] = {}
        finished = False

        async def task_chunks() -> AsyncIterator[DescriptorChunk]:
            nonlocal finished
            while True:
                try:
                    chunk = await anext(chunks)
                except StopAsyncIteration:
                    finished = True
                    return
                yield chunk
                if chunk.last_in_task:
                    return

        async def submit(task_index: int, uploaded: list[_Sent], urls: list[str]) -> None:
            count = sum(c.count for c in uploaded)
            try:
                task = await self._submit(urls, count, task_index)
            except Exception as exc:
                for c in uploaded:
                    failures.append(ChunkFailure(c.index, c.start, _positions(c), exc))
                return
            started[task_index] = (task, count)
            for c in uploaded:
                succeeded.append(ChunkSuccess(c.index, c.start, c.count, task.uid))

        async def upload(batch: list[DescriptorChunk]) -> tuple[_Sent, str]:
            url = await self._upload_chunk(batch)
            [chunk] = batch
            return _Sent(chunk.index, chunk.start, chunk.count), url  # bodies are not kept

        task_index = 0
        stop = False
        try:
            async with anyio.create_task_group() as group:
                while not finished and not stop:
                    try:
                        pairs = await self.client._run_chunks(
                            task_chunks(),
                            upload,
                            chunk_size=1,
                            max_concurrency=self.max_concurrency,
                        )
                    except PartialFailureError as exc:
                        stop = True  # later tasks would meet the same trouble
                        pairs = list(exc.results)
                        for f in exc.failures:
                            for c in f.items:
                                failures.append(
                                    ChunkFailure(c.index, c.start, _positions(c), f.error)
                                )
                        for left in exc.not_started:
                            not_started.extend(_positions(c) for c in left)
                        if exc.input_error is not None:
                            ledger.input_error = exc.input_error
                            start = self.chunker.pending[0]
                            if self.read > start:
                                not_started.append(list(range(start, self.read)))
                            if self.unchecked:
                                not_started.append(self.unchecked)
                    if pairs:
                        uploaded = [c for c, _ in pairs]
                        urls = [u for _, u in pairs]
                        group.start_soon(submit, task_index, uploaded, urls)
                        task_index += 1
        finally:
            with anyio.CancelScope(shield=True):
                await chunks.aclose()

        tasks = [started[i] for i in sorted(started)]
        handle = (
            DataUpsertTaskGroup(self.client, [t for t, _ in tasks], [n for _, n in tasks])
            if tasks
            else None
        )
        if not ledger:
            if handle is None:  # pragma: no cover - an empty input is refused earlier
                raise LabelboxError("no upsert task was started")
            return handle
        if ledger.input_error is not None and not self.sent_any:
            if self.unchecked:
                first, last = self.unchecked[0], self.unchecked[-1]
                ledger.input_error.add_note(
                    f"items[{first}]..items[{last}] had been read from the input with it (it is "
                    f"read {WINDOW} items at a time) and were not sent"
                )
            raise ledger.input_error
        error = ledger.error(
            f"{ledger.failed_items} items not submitted",
            input_exhausted=finished and ledger.input_error is None,
            kind=UpsertPartialFailure,
        )
        assert isinstance(error, UpsertPartialFailure)
        error.task = handle
        raise error from ledger.cause()


@dataclass(slots=True)
class _Batch:
    """``count`` consecutive checked items: ``prepared`` while some have a local file to upload
    (they are encoded after it), else ``text``, their specs as one JSON list."""

    count: int
    prepared: list[_Spec] | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class _Sent:
    """An uploaded descriptor file, without its body."""

    index: int
    start: int
    count: int


def _positions(chunk: DescriptorChunk | _Sent) -> list[int]:
    return list(range(chunk.start, chunk.start + chunk.count))


async def _aiter(batches: Iterable[_Batch]) -> AsyncIterator[_Batch]:
    for batch in batches:
        yield batch


class _Repeats:
    """The global keys and keys of the items checked so far."""

    def __init__(self) -> None:
        self.global_keys: set[str] = set()
        self.keys: set[str] = set()

    def check(self, specs: list[_Spec], offset: int, index: int) -> None:
        """Refuse the first of ``specs[offset:]`` (item ``index``...) whose global key or key
        an earlier item has."""
        global_keys, keys = self.global_keys, self.keys
        for at, p in enumerate(specs[offset:] if offset else specs, index):
            if not isinstance(p, Prepared):
                _, key, global_key = p
            else:
                found = p.payload.get("global_key")
                global_key = found if isinstance(found, str) else None
                key = f"{p.key['type']}:{p.key['value']}" if p.key["value"] else None
            if global_key:
                if global_key in global_keys:
                    raise bad_item(
                        f"items[{at}]", f"global key {global_key!r} appears more than once"
                    )
                global_keys.add(global_key)
            if key:
                if key in keys:
                    raise bad_item(f"items[{at}]", f"key {key!r} appears more than once")
                keys.add(key)


def _content_type(path: str) -> str | None:
    return guess_content_type(path)


class Upserts(Resource):
    """``create_data_rows`` / ``upsert_data_rows`` of a dataset."""

    __slots__ = ()

    def check_item(
        self, raw: object, *, dataset_id: str, ontology: DataRowMetadataOntology | None
    ) -> None:
        """Check one ``create_data_rows`` item as the call would, without sending anything
        (:class:`InputError` / :class:`InputTypeError` naming ``items[0]``)."""
        prepare_item(raw, 0, dataset_id=dataset_id, upsert=False, ontology=ontology)

    async def run(
        self,
        dataset_id: str,
        items: Iterable[Any] | AsyncIterable[Any],
        *,
        upsert: bool,
        sdk_method: str,
        max_concurrency: int | None = None,
        file_upload_thread_count: int = FILE_UPLOAD_CONCURRENCY,
        progress: Progress | None = None,
        max_chunk_bytes: int = UPSERT_CHUNK_SIZE_BYTES,
        items_per_task: int = ITEMS_PER_TASK,
    ) -> DataUpsertTaskGroup:
        """Run the pipeline; see the module docstring. Raises :class:`UpsertPartialFailure` when
        some items were not submitted (``.task`` has what was)."""
        for name, value in (
            ("file_upload_thread_count", file_upload_thread_count),
            ("max_chunk_bytes", max_chunk_bytes),
            ("items_per_task", items_per_task),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InputError(f"{name} must be a positive int")
        if max_concurrency is not None and (
            isinstance(max_concurrency, bool)
            or not isinstance(max_concurrency, int)
            or max_concurrency < 1
        ):
            raise InputError("max_concurrency must be a positive int")
        check_progress(progress)
        job = _Upsert(
            self._client,
            dataset_id,
            upsert=upsert,
            sdk_method=sdk_method,
            max_concurrency=max_concurrency,
            file_concurrency=min(file_upload_thread_count, self._client.max_concurrency),
            progress=progress,
            max_chunk_bytes=max_chunk_bytes,
            items_per_task=items_per_task,
        )
        return await job.run(items)
