"""The data-row upsert pipeline behind ``Dataset.create_data_rows`` / ``upsert_data_rows``.

Wire protocol (wire doc §4.1): specs ``{"id": {"type", "value"}, "payload": {...}}`` are written
into JSON descriptor files of at most 10 MB, each uploaded with ``uploadFile``; a manifest
``{"source": "SDK", "item_count", "chunk_uris"}`` is uploaded; ``upsertDataRows(manifestUri)``
starts a task.

How aiolabel runs it:

* every item is checked before it is sent (a list: all of them before the first request; an
  iterable: each as it is read, and a bad one stops the job like a failing iterator);
* each spec is serialised once, appended to the current descriptor file, and the file is
  closed when the next spec would pass the byte bound (:class:`DescriptorChunker`): one pass,
  input order kept, deterministic;
* descriptor files are written to a temporary directory (removed when the call ends), not
  held in memory, and each is deleted once uploaded: memory stays the same whatever the input
  size and however many files are in flight;
* descriptor files are uploaded concurrently through the client's chunk runner;
* inputs above :data:`ITEMS_PER_TASK` items are split into several upsert tasks (one manifest
  each), submitted while the next task's files upload; the caller gets one
  :class:`DataUpsertTaskGroup` over all of them.
"""

from __future__ import annotations

import contextlib
import json
import os
import pathlib
import re
import tempfile
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Iterable, Mapping, Sized
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

import anyio

from aiolabel import _reconcile
from aiolabel._concurrency import (
    ChunkFailure,
    ChunkSuccess,
    FailureLedger,
    Progress,
    report_progress,
)
from aiolabel._operations import data_rows as ops
from aiolabel._operations._builder import FieldRef
from aiolabel._validation import (
    InvalidItemAttribute,
    check_attachment_type,
    check_attachment_value,
)
from aiolabel.enums import MediaType
from aiolabel.errors import (
    InputError,
    InputTypeError,
    LabelboxError,
    PartialFailureError,
)
from aiolabel.identifiers import GlobalKey, UniqueId
from aiolabel.models.task import UPSERT_TASK_TYPE, Task

if TYPE_CHECKING:
    from aiolabel.client import AsyncClient
    from aiolabel.models.metadata import DataRowMetadataOntology

__all__ = [
    "ITEMS_PER_TASK",
    "UPSERT_CHUNK_SIZE_BYTES",
    "DataUpsertTaskGroup",
    "DescriptorChunk",
    "DescriptorChunker",
    "UpsertPartialFailure",
    "prepare_item",
    "upsert",
]

UPSERT_CHUNK_SIZE_BYTES = 10_000_000
"""Bytes per descriptor file at most (the official ``UPSERT_CHUNK_SIZE_BYTES``)."""
ITEMS_PER_TASK = 100_000
"""Items per upsert task at most. The official SDK sends any number in one task; aiolabel
splits larger inputs so each server task (and its manifest) stays bounded, the same bound as
rows per batch."""
UPLOAD_CONCURRENCY = 4
"""Descriptor files uploaded at once by default."""
FILE_UPLOAD_CONCURRENCY = 20
"""Local files uploaded at once by default (the official ``FILE_UPLOAD_THREAD_COUNT``)."""
WINDOW = 256
"""Items prepared together, so their local files upload concurrently."""

_ALLOWED_KEYS = frozenset(
    {
        "row_data",
        "global_key",
        "external_id",
        "metadata_fields",
        "metadata",
        "attachments",
        "media_type",
        "media_attributes",
        "dataset_id",
        "embeddings",
    }
)
_MESSAGE_KEYS = frozenset({"messageId", "timestampUsec", "content", "user", "align", "canLabel"})
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_AUTO = {"type": "AUTO", "value": ""}
_SEP = b", "
"""Between specs, as ``json.dumps`` writes a list: a one-file descriptor is byte-identical to
the official SDK's."""


# -- one item ------------------------------------------------------------------------------------


@dataclass(slots=True)
class Prepared:
    """A checked item: its spec, and the local file to upload first (if any)."""

    key: dict[str, str]
    payload: dict[str, Any]
    local_path: str | None = None

    def dumps(self) -> bytes:
        return json.dumps({"id": self.key, "payload": self.payload}).encode()


def _bad(where: str, message: str) -> InputError:
    return InputError(f"{where}: {message}")


def _check_attachments(value: object, where: str) -> list[dict[str, Any]]:
    if not isinstance(value, list | tuple):
        raise InputTypeError(f"{where}.attachments must be a list, got {type(value).__name__}")
    out = []
    for j, att in enumerate(value):
        at = f"{where}.attachments[{j}]"
        if not isinstance(att, Mapping):
            raise InputTypeError(f"{at} must be a dict with type and value")
        unknown = set(att) - {"type", "value", "name"}
        if unknown:
            raise _bad(at, f"unknown keys {sorted(map(str, unknown))}")
        if "type" not in att or "value" not in att:
            raise _bad(at, "an attachment needs a 'type' and a 'value'")
        item = {
            "type": check_attachment_type(att["type"], f"{at}.type"),
            "value": check_attachment_value(att["value"], f"{at}.value"),
        }
        if att.get("name") is not None:
            if not isinstance(att["name"], str):
                raise InputTypeError(f"{at}.name must be a str")
            item["name"] = att["name"]
        out.append(item)
    return out


def _check_embeddings(value: object, where: str) -> list[dict[str, Any]]:
    if not isinstance(value, list | tuple):
        raise InputTypeError(f"{where}.embeddings must be a list")
    out = []
    for j, emb in enumerate(value):
        at = f"{where}.embeddings[{j}]"
        if not isinstance(emb, Mapping) or not isinstance(emb.get("embedding_id"), str):
            raise InputTypeError(f"{at} must be a dict with embedding_id and vector")
        vector = emb.get("vector")
        if not isinstance(vector, list | tuple) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in vector
        ):
            raise InputTypeError(f"{at}.vector must be a list of numbers")
        item: dict[str, Any] = {"embeddingId": emb["embedding_id"], "vector": list(vector)}
        clusters = emb.get("clusters")
        if clusters:
            item["clusters"] = list(clusters)
        out.append(item)
    return out


def _conversational(item: dict[str, Any], where: str) -> None:
    """The legacy ``conversationalData`` form, as the official SDK rewrites it."""
    messages = item.pop("conversationalData")
    version = item.pop("version", 1)
    kind = item.pop("type", "application/vnd.labelbox.conversational")
    if "externalId" in item:
        item["external_id"] = item.pop("externalId")
    if "globalKey" in item:
        item["global_key"] = item.pop("globalKey")
    if not isinstance(messages, list):
        raise InputTypeError(f"{where}.conversationalData must be a list")
    for j, message in enumerate(messages):
        unknown = set(message) - _MESSAGE_KEYS if isinstance(message, Mapping) else {"?"}
        if unknown:
            raise _bad(f"{where}.conversationalData[{j}]", f"unknown keys {sorted(unknown)}")
    item["row_data"] = {"type": kind, "version": version, "messages": messages}


def prepare_item(
    raw: object,
    index: int,
    *,
    dataset_id: str,
    upsert: bool,
    ontology: DataRowMetadataOntology | None,
) -> Prepared:
    """Check and normalise one item into its spec; raises naming ``items[index]``.

    ``ontology`` must be given when the item has ``metadata_fields``. The caller's dict is
    never modified.
    """
    where = f"items[{index}]"
    if isinstance(raw, str):
        if upsert:
            raise InputTypeError(f"{where}: upsert_data_rows takes dicts, not paths")
        if not os.path.isfile(raw):
            raise _bad(where, f"the file {raw!r} does not exist")
        raw = {"row_data": raw, "external_id": raw}
    if not isinstance(raw, Mapping):
        raise InputTypeError(
            f"{where} must be a dict (or a local file path), got {type(raw).__name__}"
        )
    item: dict[str, Any] = {}
    for k, v in raw.items():
        name = k.name if isinstance(k, FieldRef) else k
        if not isinstance(name, str):
            raise InputTypeError(f"{where}: keys must be str, got {type(name).__name__}")
        item[name] = v
    key = _AUTO
    raw_key = item.pop("key", None)
    if raw_key is not None:
        if not upsert:
            raise _bad(where, "create_data_rows takes no 'key'; use upsert_data_rows")
        if not isinstance(raw_key, UniqueId | GlobalKey):
            raise InputTypeError(
                f"{where}.key must be a UniqueId or a GlobalKey, got {type(raw_key).__name__}"
            )
        key = {"type": raw_key.id_type.value, "value": raw_key.key}
    item["dataset_id"] = dataset_id
    item = {k: v for k, v in item.items() if v is not None}
    if "tileLayerUrl" in item:
        if "attachments" in item:
            item["attachments"] = _check_attachments(item["attachments"], where)
        return Prepared(key, item)
    if "conversationalData" in item:
        _conversational(item, where)
    unknown = set(item) - _ALLOWED_KEYS
    if unknown:
        raise InvalidItemAttribute("DataRow", unknown, where)

    row_data = item.get("row_data")
    local_path = None
    if row_data is None:
        if not upsert:
            raise _bad(where, "row_data is required to create a data row")
    elif isinstance(row_data, str):
        if not row_data:
            raise _bad(where, "row_data must not be empty")
        if row_data.startswith("s3:/"):
            raise _bad(where, "row_data: s3 assets must start with 'https'")
        if not _URL.match(row_data) and os.path.isfile(row_data):
            local_path = row_data
            item.setdefault("external_id", row_data)
    elif isinstance(row_data, Mapping):
        if not row_data:
            raise _bad(where, "row_data must not be empty")
    else:
        raise InputTypeError(f"{where}.row_data must be a str or a dict")
    for name in ("global_key", "external_id"):
        if name in item:
            if not isinstance(item[name], str):
                raise InputTypeError(f"{where}.{name} must be a str")
            if name == "global_key" and not item[name]:
                raise _bad(where, "global_key must not be empty")
    if "media_type" in item:
        media = item["media_type"]
        if isinstance(media, str):
            media = MediaType(media)
        if not MediaType.is_supported(media):
            raise _bad(where, f"unknown media_type {item['media_type']!r}")
        item["media_type"] = media.value
    if "attachments" in item:
        item["attachments"] = _check_attachments(item["attachments"], where)
    if "embeddings" in item:
        item["embeddings"] = _check_embeddings(item["embeddings"], where)
    if "metadata_fields" in item:
        if ontology is None:  # pragma: no cover - the pipeline fetches it first
            raise LabelboxError("the metadata ontology is needed to check metadata_fields")
        item["metadata_fields"] = ontology._upsert_fields(
            item["metadata_fields"], f"{where}.metadata_fields"
        )
    if upsert and len(item) == 1:
        raise _bad(where, f"nothing to change for {key['value'] or 'a new data row'}")
    return Prepared(key, item, local_path)


def _has_metadata(raw: object) -> bool:
    return isinstance(raw, Mapping) and raw.get("metadata_fields") is not None


# -- descriptor chunks ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DescriptorChunk:
    """One descriptor file: items ``start .. start+count-1`` of task ``task``; its bytes are
    ``body``, or the file at ``path`` when the chunker spools (``body`` is then empty)."""

    index: int
    task: int
    start: int
    count: int
    body: bytes
    last_in_task: bool
    path: str | None = None

    def content(self) -> bytes | pathlib.Path:
        """What to upload: the bytes, or the spooled file."""
        return self.body if self.path is None else pathlib.Path(self.path)

    def read(self) -> bytes:
        if self.path is None:
            return self.body
        with open(self.path, "rb") as f:
            return f.read()

    def discard(self) -> None:
        """Delete the spooled file (once uploaded or given up)."""
        if self.path is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)


class DescriptorChunker:
    """Appends serialised specs to a JSON list until the next would pass ``max_bytes``.

    ``add`` returns the chunks it closed; ``close`` returns the last one (or None). A spec larger
    than ``max_bytes`` makes a chunk of its own. A chunk never spans two tasks of
    ``items_per_task`` items. With ``spool_dir`` each list is written to a file there as it
    grows, so neither the chunk being filled nor those in flight are held in memory.
    """

    def __init__(
        self,
        max_bytes: int = UPSERT_CHUNK_SIZE_BYTES,
        items_per_task: int = ITEMS_PER_TASK,
        *,
        spool_dir: str | None = None,
    ) -> None:
        if max_bytes < 2 or items_per_task < 1:
            raise InputError("max_bytes must be at least 2 and items_per_task at least 1")
        self.max_bytes = max_bytes
        self.items_per_task = items_per_task
        self.spool_dir = spool_dir
        self._buf = bytearray(b"[")
        self._file: BinaryIO | None = None
        self._size = 1
        """Bytes of the list being filled, its opening bracket included."""
        self._count = 0
        self._start = 0
        self._task = 0
        self._in_task = 0
        self._index = 0

    @property
    def pending(self) -> tuple[int, int]:
        """(start, count) of the items held but not yet in a chunk."""
        return self._start, self._count

    def _path(self) -> str:
        assert self.spool_dir is not None
        return os.path.join(self.spool_dir, f"descriptor-{self._index:06d}.json")

    def _write(self, data: bytes) -> None:
        self._size += len(data)
        if self.spool_dir is None:
            self._buf += data
            return
        if self._file is None:
            self._file = open(self._path(), "wb")  # noqa: SIM115 - closed by _close/discard
            self._file.write(b"[")
        self._file.write(data)

    def _close(self, last: bool) -> DescriptorChunk:
        path = None
        if self._file is not None:
            self._file.write(b"]")
            self._file.close()
            self._file, path, body = None, self._path(), b""
        else:
            self._buf += b"]"
            body = bytes(self._buf)
        chunk = DescriptorChunk(self._index, self._task, self._start, self._count, body, last, path)
        self._index += 1
        self._start += self._count
        self._count = 0
        self._buf = bytearray(b"[")
        self._size = 1
        if last:
            self._task += 1
            self._in_task = 0
        return chunk

    def add(self, spec: bytes) -> tuple[DescriptorChunk, ...]:
        """Append one spec; return the chunks this closed (none, one, or two when the spec
        both overflowed the buffer and ended a task)."""
        closed: tuple[DescriptorChunk, ...] = ()
        if self._count and self._size + len(_SEP) + len(spec) + 1 > self.max_bytes:
            closed = (self._close(last=False),)
        if self._count:
            self._write(_SEP)
        self._write(spec)
        self._count += 1
        self._in_task += 1
        if self._in_task >= self.items_per_task:
            closed += (self._close(last=True),)
        return closed

    def close(self) -> DescriptorChunk | None:
        return self._close(last=True) if self._count else None

    def discard(self) -> None:
        """Close the file of a list left unfinished (a job stopped midway)."""
        if self._file is not None:
            self._file.close()
            self._file = None


# -- the task handle -----------------------------------------------------------------------------


class DataUpsertTaskGroup:
    """The upsert task(s) of one ``create_data_rows`` / ``upsert_data_rows`` call.

    Behaves like one task: ``wait_till_done`` waits for all of them in the client's shared
    polling loop; ``result()`` and ``errors()`` stream every task's rows, task after task, in
    input order of the tasks. ``tasks`` lists the server tasks (one per
    :data:`ITEMS_PER_TASK` items); ``uid`` is the first task's id.
    """

    def __init__(self, client: AsyncClient, tasks: list[Task], item_counts: list[int]) -> None:
        if not tasks:
            raise LabelboxError("an upsert task group needs at least one task")
        self._client = client
        self.tasks = tasks
        self.item_counts = item_counts

    def __repr__(self) -> str:
        return (
            f"DataUpsertTaskGroup({len(self.tasks)} task(s), {self.item_count} items, "
            f"{self.status})"
        )

    @property
    def client(self) -> AsyncClient:
        return self._client

    @property
    def uid(self) -> str:
        return self.tasks[0].uid

    @property
    def item_count(self) -> int:
        """Items submitted (across tasks)."""
        return sum(self.item_counts)

    @property
    def status(self) -> str:
        """``IN_PROGRESS`` while any task runs, then ``FAILED`` if any failed, ``COMPLETE`` when
        all completed, else the first other status."""
        statuses = [t.status or "UNKNOWN" for t in self.tasks]
        if any(not t.done for t in self.tasks):
            return "IN_PROGRESS"
        if "FAILED" in statuses:
            return "FAILED"
        return next((s for s in statuses if s != "COMPLETE"), "COMPLETE")

    @property
    def done(self) -> bool:
        return all(t.done for t in self.tasks)

    @property
    def completion_percentage(self) -> float:
        total = self.item_count or 1
        return (
            sum(
                (t.completion_percentage or (100.0 if t.done else 0.0)) * n
                for t, n in zip(self.tasks, self.item_counts, strict=True)
            )
            / total
        )

    async def refresh(self) -> DataUpsertTaskGroup:
        """Refresh every task (concurrently)."""
        async with anyio.create_task_group() as group:
            for task in self.tasks:
                group.start_soon(task.refresh)
        return self

    async def wait_till_done(self, timeout_seconds: float = 300.0) -> DataUpsertTaskGroup:
        """Wait until every task is done (raises :class:`TaskTimeout` naming those that are
        not); a FAILED task is a status, check :attr:`status`."""
        await self._client.wait_for_tasks(self.tasks, timeout_seconds=timeout_seconds)
        return self

    async def result(self) -> AsyncGenerator[dict[str, Any], None]:
        """Created or updated rows ``{"id", "external_id", "row_data", "global_key"}``, task by
        task; a FAILED task raises :class:`TaskFailedError` when reached."""
        for task in self.tasks:
            async with contextlib.aclosing(task.result()) as rows:
                async for row in rows:
                    yield row

    async def errors(self) -> AsyncGenerator[dict[str, Any], None]:
        """Refused rows, ``{"message", "failedDataRows": [{"externalId", "globalKey",
        "rowData", "metadata", "attachments"}]}``, task by task."""
        for task in self.tasks:
            async with contextlib.aclosing(task.errors()) as errors:
                async for error in errors:
                    yield error

    async def has_errors(self) -> bool:
        async with contextlib.aclosing(self.errors()) as errors:
            async for _ in errors:
                return True
        return False


class UpsertPartialFailure(PartialFailureError[int, str]):
    """Some items of a ``create_data_rows`` call were not submitted.

    Items are input positions (0-based). ``failures`` holds the descriptor files (or whole
    tasks) that failed, ``not_started`` the items read but never uploaded; ``task`` is the
    :class:`DataUpsertTaskGroup` of the tasks that were started (``None`` if none was), whose
    rows the server is applying.
    """

    task: DataUpsertTaskGroup | None = None


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
        self.position = 0
        """Items handed to the chunker."""
        self.probes: dict[int, list[_reconcile.Identity]] = {}
        """Task index -> identities of its first rows (see :mod:`aiolabel._reconcile`)."""

    async def _ontology(self) -> DataRowMetadataOntology:
        if self.ontology is None:
            self.ontology = await self.client.get_data_row_metadata_ontology()
        return self.ontology

    async def _prepare(self, raw: object, index: int) -> Prepared:
        ontology = await self._ontology() if _has_metadata(raw) else None
        return prepare_item(
            raw, index, dataset_id=self.dataset_id, upsert=self.upsert, ontology=ontology
        )

    async def check_all(self, items: Iterable[Any]) -> list[Prepared | bytes]:
        """A sized input: every item checked before any request (duplicates included).

        Items are kept serialised (a spec is a few hundred bytes; its dict several times that);
        only those with a local file to upload stay :class:`Prepared` until the upload.
        """
        prepared: list[Prepared | bytes] = []
        keys: set[tuple[str, str]] = set()
        for index, raw in enumerate(items):
            p = await self._prepare(raw, index)
            for kind, value in (
                ("global key", p.payload.get("global_key")),
                ("key", p.key["value"] and f"{p.key['type']}:{p.key['value']}"),
            ):
                if isinstance(value, str) and value:
                    if (kind, value) in keys:
                        raise _bad(f"items[{index}]", f"{kind} {value!r} appears more than once")
                    keys.add((kind, value))
            prepared.append(p if p.local_path is not None else p.dumps())
        if not prepared:
            raise InputError("items must not be empty")
        return prepared

    async def _stream_prepared(
        self, items: Iterable[Any] | AsyncIterable[Any]
    ) -> AsyncIterator[Prepared]:
        index = 0
        if isinstance(items, AsyncIterable):
            async for raw in items:
                yield await self._prepare(raw, index)
                index += 1
        else:
            for raw in items:
                yield await self._prepare(raw, index)
                index += 1
        if index == 0:
            raise InputError("items must not be empty")

    async def _upload_local(self, window: list[Prepared | bytes]) -> None:
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
        self, prepared: AsyncIterator[Prepared | bytes]
    ) -> AsyncGenerator[DescriptorChunk, None]:
        window: list[Prepared | bytes] = []

        def flush() -> Iterable[DescriptorChunk]:
            for p in window:
                self._probe(self.position, p)
                self.position += 1
                yield from self.chunker.add(p if isinstance(p, bytes) else p.dumps())

        async for p in prepared:
            self.read += 1
            window.append(p)
            if len(window) >= WINDOW:
                await self._upload_local(window)
                for chunk in flush():
                    yield chunk
                window = []
        await self._upload_local(window)
        for chunk in flush():
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

    def _probe(self, position: int, spec: Prepared | bytes) -> None:
        """Remember how the first rows of each task are recognised (for :meth:`_submit`)."""
        task, offset = divmod(position, self.chunker.items_per_task)
        if offset >= _reconcile.PROBE_ROWS:
            return
        if isinstance(spec, bytes):
            parsed = json.loads(spec)
            key, payload = parsed.get("id"), parsed.get("payload") or {}
        else:
            key, payload = spec.key, spec.payload
        found = _reconcile.identity(payload, key)
        if found is not None:
            self.probes.setdefault(task, []).append(found)

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
        source: AsyncIterator[Prepared | bytes]
        if isinstance(items, Sized) and isinstance(items, Iterable):
            checked = await self.check_all(items)
            self.total = len(checked)
            source = _aiter(checked)
        else:
            source = self._stream_prepared(items)
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
            raise ledger.input_error
        error = ledger.error(
            f"{ledger.failed_items} items not submitted",
            input_exhausted=finished and ledger.input_error is None,
            kind=UpsertPartialFailure,
        )
        assert isinstance(error, UpsertPartialFailure)
        error.task = handle
        raise error from ledger.cause()


@dataclass(frozen=True, slots=True)
class _Sent:
    """An uploaded descriptor file, without its body."""

    index: int
    start: int
    count: int


def _positions(chunk: DescriptorChunk | _Sent) -> list[int]:
    return list(range(chunk.start, chunk.start + chunk.count))


async def _aiter(items: Iterable[Prepared | bytes]) -> AsyncIterator[Prepared | bytes]:
    for item in items:
        yield item


def _content_type(path: str) -> str | None:
    from aiolabel._transport import guess_content_type

    return guess_content_type(path)


async def upsert(
    client: AsyncClient,
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
    if progress is not None and not callable(progress):
        raise InputTypeError("progress must be a callable (done, total)")
    job = _Upsert(
        client,
        dataset_id,
        upsert=upsert,
        sdk_method=sdk_method,
        max_concurrency=max_concurrency,
        file_concurrency=min(file_upload_thread_count, client.max_concurrency),
        progress=progress,
        max_chunk_bytes=max_chunk_bytes,
        items_per_task=items_per_task,
    )
    return await job.run(items)
