"""Creating batches: the processing wait, one batch (sync or async path), many batches.

* :meth:`BatchCreation.wait_until_processed` — ``queryAllDataRowsHaveBeenProcessed`` for up to
  100,000 keys, asked again with exponential backoff (the official SDK sleeps a fixed 30 s),
  bounded by a deadline (:class:`ProcessingWaitTimeout`).
* :meth:`BatchCreation.create_batch` (:meth:`BatchCreation._create_one`) — under 1,000 rows
  ``createBatchV2``; from 1,000 rows ``createEmptyBatch`` + ``addDataRowsToBatchAsync``, then
  the task and ``get_batch``; exactly the official requests.
* :meth:`BatchCreation.create_batches` (:meth:`BatchCreation._create_many`) — rows streamed into
  batches of at most 100,000 named ``<prefix>0000``, ``<prefix>0001``... A job that fits one
  batch sends the official ``createBatches`` mutation (the server names the batch
  ``<prefix>0000``). A larger job creates each batch by name with ``createEmptyBatch`` +
  ``addDataRowsToBatchAsync`` (the requests of the official ``create_batch`` for a batch of
  1,000 rows or more), several at once through the chunk runner. The names are looked up while
  the batches' processing checks go out (both are reads); no batch is created before the lookup
  found none of its names taken, and a taken name stops the job with nothing created. One
  ``createBatches`` request with all the rows would hold millions of ids in one body that cannot
  be streamed, retried or reported on per batch; the server splits it the same way and names the
  batches the same, so the per-batch requests produce the same batches with requests the service
  accepts. Each batch's keys are held as one JSON array (:class:`KeyBatch`), not as ``str``
  objects, so memory stays flat: a list input is checked whole for repeated rows, a stream batch
  by batch.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import (
    AsyncIterable,
    Iterable,
    Mapping,
    Sequence,
    Sized,
)
from typing import Any

import anyio

from aiolabel import _concurrency
from aiolabel._bulk import reconcile as _reconcile
from aiolabel._bulk.keys import (
    FilledBatch,
    KeyBatch,
    KeyBatches,
    Keys,
    ListBatches,
    RowKind,
    encode_keys,
    key_variables,
    per_batch,
)
from aiolabel._operations import batches as ops
from aiolabel._polling import poll_delays
from aiolabel._resources._base import Resource
from aiolabel._resources._rows import (
    bounded_list,
    check_sequence,
    checked_keys,
    consensus_wire,
    pick_rows,
    stream_items,
)
from aiolabel._validation import (
    check_batch_priority,
    check_positive_int,
    check_progress,
    check_str,
)
from aiolabel.errors import (
    InputError,
    InputTypeError,
    LabelboxError,
    PartialFailureError,
    ProcessingWaitTimeout,
    ResourceConflict,
)
from aiolabel.models.batch import Batch, ConsensusSettings
from aiolabel.models.create_batches_task import (
    ADD_TASK_TYPE,
    CreateBatchesTask,
    failed_row_ids,
    inline_failures,
    new_batch_task,
)
from aiolabel.models.project import Project
from aiolabel.models.task import Task
from aiolabel.pagination import dig

__all__ = [
    "DEFAULT_BATCH_CONCURRENCY",
    "MAX_BATCHES_PER_PREFIX",
    "MAX_BATCH_ROWS",
    "PROCESSING_CAP_DELAY",
    "PROCESSING_FIRST_DELAY",
    "BatchCreation",
]

MAX_BATCH_ROWS = 100_000
"""Rows one batch holds at most (and keys one processing check carries)."""
MAX_BATCHES_PER_PREFIX = 10_000
"""A 4-digit suffix names at most this many batches."""
DEFAULT_BATCH_CONCURRENCY = 2
"""Batches of a stream created at once by default. Each holds its keys (~1.5 MB per 100,000)
while it is sent; the server runs the batches' tasks after the requests that start them, so more
at once mostly buys request latency. The batches of a list (whose keys the caller holds already)
are all created at once, up to the client's ``max_concurrency``."""
PROCESSING_FIRST_DELAY = 1.0
"""Seconds before the processing check is asked again; doubles up to the cap below."""
PROCESSING_CAP_DELAY = 30.0
"""The longest pause between processing checks (the official SDK's fixed interval)."""

Progress = _concurrency.Progress


def _prefixed(prefix: str) -> re.Pattern[str]:
    return re.compile(re.escape(prefix) + r"\d{4}")


class BatchCreation(Resource):
    """Creating batches (one, many, from a dataset) and filling them."""

    __slots__ = ()

    async def wait_until_processed(
        self,
        kind: RowKind,
        keys: Keys,
        *,
        timeout: float,  # noqa: ASYNC109 - a deadline over many requests and pauses
        sdk_method: str,
    ) -> None:
        """Ask until the server says these rows (at most 100,000) are processed."""
        variables: dict[str, Keys]
        if kind == "data_rows":
            op, variables = ops.CHECK_DATA_ROWS_PROCESSED, {"dataRowIds": keys}
        else:
            op, variables = ops.CHECK_GLOBAL_KEYS_PROCESSED, {"globalKeys": keys}
        path = ("queryAllDataRowsHaveBeenProcessed", "allDataRowsHaveBeenProcessed")

        async def check() -> bool | None:
            data = await self._client._execute_operation(op, variables, sdk_method=sdk_method)
            return True if dig(data, path) is True else None

        pauses = poll_delays(
            initial=PROCESSING_FIRST_DELAY, cap=PROCESSING_CAP_DELAY, random=self._client._random
        )
        await self._client._poll_until(
            check,
            timeout=timeout,
            delays=lambda _attempt, _elapsed: next(pauses),
            timeout_error=lambda: ProcessingWaitTimeout(
                f"the data rows were still being processed after {timeout:g}s; "
                "try creating the batch a bit later"
            ),
            at_deadline="give_up",
        )

    def created_but_unanswered(self, project_id: str, name: str, sdk_method: str) -> Any:
        """A reconcile step for a batch-creating mutation whose answer was lost: if the batch
        exists the mutation was applied, and what it answered (failed ids, task ids) cannot be
        recovered, so say so instead of creating it twice; otherwise let it be resent."""

        async def reconcile(error: LabelboxError) -> Any:
            names = await self._client._batches.batch_names(project_id, sdk_method=sdk_method)
            if name in names:
                raise LabelboxError(
                    f"batch {name!r} ({names[name]}) was created but the answer was lost "
                    f"({error}); fetch it with client.get_batch"
                ) from error
            return None

        return reconcile

    def _created_and_filling(self, project_id: str, name: str, root: str, sdk_method: str) -> Any:
        """A reconcile step for ``createBatches``-like mutations (one batch and the task filling
        it): the batch by name, then its task by the batch id it carries; the answer is rebuilt
        from both. A batch found without its task raises (the rows it was given are unknown)."""
        started = _reconcile.now()

        async def reconcile(error: LabelboxError) -> Any:
            names = await self._client._batches.batch_names(project_id, sdk_method=sdk_method)
            batch_id = names.get(name)
            if batch_id is None:
                return None
            task_id = await _reconcile.find_batch_task(
                self._client, ADD_TASK_TYPE, batch_id, started, sdk_method=sdk_method
            )
            if task_id is None:
                raise LabelboxError(
                    f"batch {name!r} ({batch_id}) was created but the answer was lost ({error}) "
                    "and its filling task was not found; fetch it with client.get_batch"
                ) from error
            return {"project": {root: {"tasks": [{"batchUuid": batch_id, "taskId": task_id}]}}}

        return reconcile

    async def _create_empty(
        self,
        project_id: str,
        name: str,
        consensus: dict[str, Any] | None,
        *,
        sdk_method: str,
    ) -> str:
        async def reconcile(error: LabelboxError) -> Any:
            names = await self._client._batches.batch_names(project_id, sdk_method=sdk_method)
            if name in names:  # the first attempt was applied: use that batch
                return {"project": {"createEmptyBatch": {"id": names[name]}}}
            return None

        data = await self._client._execute_operation(
            ops.CREATE_EMPTY_BATCH,
            {"projectId": project_id, "input": {"name": name, "consensusSettings": consensus}},
            sdk_method=sdk_method,
            reconcile=reconcile,
            expect_one=True,
        )
        batch_id = dig(data, ("project", "createEmptyBatch", "id"))
        if not isinstance(batch_id, str):
            raise LabelboxError(f"createEmptyBatch answered no batch id for {name!r}")
        return batch_id

    async def add_rows(
        self,
        project_id: str,
        batch_id: str,
        kind: RowKind,
        keys: Keys,
        priority: int,
        *,
        sdk_method: str,
    ) -> Task:
        ids, global_keys = key_variables(kind, keys)
        started = _reconcile.now()

        async def reconcile(error: LabelboxError) -> Any:
            task_id = await _reconcile.find_batch_task(
                self._client, ADD_TASK_TYPE, batch_id, started, sdk_method=sdk_method
            )
            if task_id is None:
                return None
            return {"project": {"addDataRowsToBatchAsync": {"taskId": task_id}}}

        data = await self._client._execute_operation(
            ops.ADD_DATA_ROWS_TO_BATCH_ASYNC,
            {
                "projectId": project_id,
                "input": {
                    "batchId": batch_id,
                    "dataRowIds": ids,
                    "globalKeys": global_keys,
                    "priority": priority,
                },
            },
            sdk_method=sdk_method,
            reconcile=reconcile,
            expect_one=True,
        )
        task_id = dig(data, ("project", "addDataRowsToBatchAsync", "taskId"))
        if not isinstance(task_id, str):
            raise LabelboxError("addDataRowsToBatchAsync answered no task id")
        return new_batch_task(self._client, task_id)

    async def _create_one(
        self,
        project_id: str,
        name: str,
        kind: RowKind,
        keys: list[str],
        priority: int,
        consensus: dict[str, Any] | None,
        *,
        wait: bool,
        processing_timeout: float,
    ) -> Batch | CreateBatchesTask:
        """One batch of at most 100,000 checked keys (see the module docstring)."""
        sdk = "Project:create_batch"
        await self.wait_until_processed(kind, keys, timeout=processing_timeout, sdk_method=sdk)
        if len(keys) < ops.MAX_SYNC_BATCH_ROW_COUNT:
            ids, global_keys = key_variables(kind, keys)
            data = await self._client._execute_operation(
                ops.CREATE_BATCH_V2,
                {
                    "projectId": project_id,
                    "batchInput": {
                        "name": name,
                        "dataRowIds": ids,
                        "globalKeys": global_keys,
                        "priority": priority,
                        "consensusSettings": consensus,
                    },
                },
                sdk_method=sdk,
                reconcile=self.created_but_unanswered(project_id, name, sdk),
                expect_one=True,
            )
            made = dig(data, ("project", "createBatchV2"))
            if not isinstance(made, dict) or not isinstance(made.get("batch"), dict):
                raise LabelboxError(f"createBatchV2 answered no batch for {name!r}")
            failed = made.get("failedDataRowIds") or []
            batch = Batch._parse(self._client, project_id, made["batch"], [str(f) for f in failed])
            if wait:
                return batch
            return CreateBatchesTask(
                self._client, project_id, [batch.uid], [], known_batches=[batch]
            )
        batch_id = await self._create_empty(project_id, name, consensus, sdk_method=sdk)
        task = await self.add_rows(project_id, batch_id, kind, keys, priority, sdk_method=sdk)
        handle = CreateBatchesTask(self._client, project_id, [batch_id], [task])
        if not wait:
            return handle
        await task.wait_till_done()
        if task.status != "COMPLETE":
            raise LabelboxError(
                "Batch was not created successfully: " + json.dumps(inline_failures(task))
            )
        batch = await self._client._batches.get_batch(project_id, batch_id, sdk_method=sdk)
        return batch.model_copy(update={"failed_data_row_ids": failed_row_ids(task)})

    async def _create_many(
        self,
        project_id: str,
        prefix: str,
        kind: RowKind,
        source: Iterable[Any] | AsyncIterable[Any],
        priority: int,
        consensus: dict[str, Any] | None,
        *,
        max_concurrency: int | None,
        progress: Progress | None,
        processing_timeout: float,
    ) -> CreateBatchesTask:
        """Batches ``<prefix>0000``... of at most 100,000 rows each (see the module docstring).

        Raises :class:`PartialFailureError` when some batches could not be created or the input
        raised midway: ``failures`` hold the keys of each batch not created (``index`` is the batch
        number), ``succeeded`` the ``(batch_id, Task)`` of those created, ``not_started`` the keys
        read but not sent.
        """
        sdk = "Project:create_batches"
        total = len(source) if isinstance(source, Sized) else None
        # a list is checked whole (repeats across batches included) and its batches encoded
        # from slices of it; a stream is checked key by key as it is read, and for repeats batch
        # by batch (KeyBatch.close)
        chunks: KeyBatches | ListBatches
        if isinstance(source, list | tuple):
            keys = checked_keys(source, kind)  # (not a copy: used before the next await)
            if len(keys) <= MAX_BATCH_ROWS:
                return await self._one_request(
                    project_id,
                    prefix,
                    kind,
                    encode_keys(keys, kind),
                    len(keys),
                    priority,
                    consensus,
                    progress,
                    processing_timeout=processing_timeout,
                )
            # the keys are held by the caller's list already: all its batches at once
            default_limit = -(-len(keys) // MAX_BATCH_ROWS)
            at_once = min(max_concurrency or default_limit, self._client.max_concurrency)
            chunks = ListBatches(keys, MAX_BATCH_ROWS, kind, at_once=default_limit <= at_once)
            del keys
        else:
            stream = stream_items(source, kind)
            first = KeyBatch(0)
            extra: str | None = None  # the first key past one batch
            async for key in stream:
                if first.count == MAX_BATCH_ROWS:
                    extra = key
                    break
                first.add(key)
            if not first.count:
                raise InputError(f"{kind} must not be empty")
            first_keys = first.close(kind)  # a repeat in it: nothing is sent
            if extra is None:
                return await self._one_request(
                    project_id,
                    prefix,
                    kind,
                    first_keys,
                    first.count,
                    priority,
                    consensus,
                    progress,
                    processing_timeout=processing_timeout,
                )
            filled = FilledBatch(0, 0, first.count, first_keys)
            del first, first_keys
            chunks = KeyBatches(filled, extra, stream, MAX_BATCH_ROWS, kind, check=True)
            del filled
            default_limit = DEFAULT_BATCH_CONCURRENCY

        # Many batches: refuse before creating any if a name is taken. The names are looked up
        # while the processing checks (reads too) go out; no batch passes the gate below to
        # createEmptyBatch before the lookup found every name free.
        count = None if total is None else -(-total // MAX_BATCH_ROWS)
        if count is not None and count > MAX_BATCHES_PER_PREFIX:
            raise InputError(
                f"{kind}: {total:,} rows need {count:,} batches; a prefix names at most "
                f"{MAX_BATCHES_PER_PREFIX:,}"
            )
        names_free = anyio.Event()
        refused: list[Exception] = []

        async def check_names(cancel: anyio.CancelScope) -> None:
            try:
                existing = await self._client._batches.batch_names(project_id, sdk_method=sdk)
                if count is not None:
                    wanted = {f"{prefix}{i:04d}" for i in range(count)}
                    taken = sorted(wanted & existing.keys())
                else:  # the number of batches is unknown until the input ends: none may be taken
                    pattern = _prefixed(prefix)
                    taken = sorted(name for name in existing if pattern.fullmatch(name))
                if taken:
                    shown = ", ".join(taken[:10]) + (" ..." if len(taken) > 10 else "")
                    raise ResourceConflict(
                        f"name_prefix {prefix!r}: batches with these names already exist in the "
                        f"project: {shown}; nothing was created"
                    )
            except Exception as exc:  # the job stops: the batches waiting at the gate with it
                refused.append(exc)
                cancel.cancel()
            else:
                names_free.set()

        limit = default_limit if max_concurrency is None else max_concurrency
        done_rows = 0
        sizes: dict[int, int] = {}

        async def one(items: list[FilledBatch]) -> tuple[str, Task]:
            nonlocal done_rows
            [batch] = items
            index, keys = batch.index, batch.keys
            sizes[index] = batch.count
            name = f"{prefix}{index:04d}"
            stopped = False
            try:
                if index >= MAX_BATCHES_PER_PREFIX:
                    raise InputError(
                        f"{kind}: more rows than {MAX_BATCHES_PER_PREFIX:,} batches hold"
                    )
                await self.wait_until_processed(
                    kind, keys, timeout=processing_timeout, sdk_method=sdk
                )
                await names_free.wait()
                batch_id = await self._create_empty(project_id, name, consensus, sdk_method=sdk)
                try:
                    task = await self.add_rows(
                        project_id, batch_id, kind, keys, priority, sdk_method=sdk
                    )
                except LabelboxError as exc:
                    raise type(exc)(
                        f"batch {name!r} ({batch_id}) was created empty; "
                        f"adding its rows failed: {exc}"
                    ) from exc
                return batch_id, task
            except anyio.get_cancelled_exc_class():
                stopped = True  # a refused job reports no progress
                raise
            finally:
                if not stopped:
                    done_rows += batch.count
                    await _concurrency.report_progress(progress, done_rows, total)

        failed: PartialFailureError[FilledBatch, tuple[str, Task]] | None = None
        async with anyio.create_task_group() as group:
            group.start_soon(check_names, group.cancel_scope)
            group.start_soon(lambda: self._user_id())  # a call: docs/api.md follows it
            try:
                made = await self._client._run_chunks(
                    chunks,
                    one,
                    chunk_size=1,
                    max_concurrency=min(limit, self._client.max_concurrency),
                )
            except PartialFailureError as exc:
                failed = exc
        if refused:
            raise refused[0]
        if failed is not None:
            raise per_batch(failed, chunks.unread(), sizes, MAX_BATCH_ROWS) from failed.__cause__
        return CreateBatchesTask(
            self._client, project_id, [batch_id for batch_id, _ in made], [task for _, task in made]
        )

    async def _one_request(
        self,
        project_id: str,
        prefix: str,
        kind: RowKind,
        keys: Keys,
        count: int,
        priority: int,
        consensus: dict[str, Any] | None,
        progress: Progress | None,
        *,
        processing_timeout: float,
    ) -> CreateBatchesTask:
        """Every row (``count`` of them) fits one batch: the official ``createBatches`` request
        (the user id its task is polled with asked for meanwhile)."""
        failed: list[Exception] = []
        async with anyio.create_task_group() as group:
            group.start_soon(lambda: self._user_id())  # a call: docs/api.md follows it
            try:
                handle = await self._create_prefixed(
                    project_id, prefix, kind, keys, priority, consensus, processing_timeout
                )
            except Exception as exc:
                failed.append(exc)
                group.cancel_scope.cancel()
        if failed:
            raise failed[0]
        await _concurrency.report_progress(progress, count, count)
        return handle

    async def _user_id(self) -> None:
        """The batches' tasks are polled as the current user's: asked for while the batches are
        created, not after them (once per client; a failure is the poll's to report)."""
        with contextlib.suppress(Exception):
            await self._client._current_user_id()

    async def _create_prefixed(
        self,
        project_id: str,
        prefix: str,
        kind: RowKind,
        keys: Keys,
        priority: int,
        consensus: dict[str, Any] | None,
        processing_timeout: float,
    ) -> CreateBatchesTask:
        sdk = "Project:create_batches"
        await self.wait_until_processed(kind, keys, timeout=processing_timeout, sdk_method=sdk)
        ids, global_keys = key_variables(kind, keys)
        name = f"{prefix}0000"
        data = await self._client._execute_operation(
            ops.CREATE_BATCHES,
            {
                "projectId": project_id,
                "input": {
                    "batchNamePrefix": prefix,
                    "dataRowIds": ids,
                    "globalKeys": global_keys,
                    "priority": priority,
                    "consensusSettings": consensus,
                },
            },
            sdk_method=sdk,
            reconcile=self._created_and_filling(project_id, name, "createBatches", sdk),
            expect_one=True,
        )
        return self.tasks_handle(project_id, dig(data, ("project", "createBatches", "tasks")))

    def tasks_handle(self, project_id: str, tasks: Any) -> CreateBatchesTask:
        """A CreateBatchesTask from ``tasks { batchUuid taskId }`` (the tasks are not fetched)."""
        if not isinstance(tasks, list):
            raise LabelboxError("the answer lists no batch tasks")
        batch_ids: list[str] = []
        handles: list[Task] = []
        for item in tasks:
            if not isinstance(item, dict) or not item.get("batchUuid") or not item.get("taskId"):
                raise LabelboxError(f"unexpected batch task in the answer: {item!r}")
            batch_ids.append(str(item["batchUuid"]))
            handles.append(new_batch_task(self._client, str(item["taskId"])))
        return CreateBatchesTask(self._client, project_id, batch_ids, handles)

    async def create_batch(
        self,
        project: Project,
        name: str,
        data_rows: Iterable[Any] | None = None,
        priority: int = 5,
        consensus_settings: ConsensusSettings | Mapping[str, Any] | None = None,
        global_keys: Iterable[str] | None = None,
        *,
        wait: bool = True,
    ) -> Batch | CreateBatchesTask:
        name = check_str("name", name)
        priority = check_batch_priority(priority)
        consensus = consensus_wire(consensus_settings)
        if not isinstance(wait, bool):
            raise InputTypeError("wait must be a bool")
        kind, source = pick_rows(data_rows, global_keys)
        if isinstance(source, AsyncIterable) or not isinstance(source, Sequence):
            source = bounded_list(source, kind, MAX_BATCH_ROWS)
        keys = check_sequence(source, kind, max_rows=MAX_BATCH_ROWS)
        project._check_batchable()
        return await self._create_one(
            project.uid,
            name,
            kind,
            keys,
            priority,
            consensus,
            wait=wait,
            processing_timeout=project._wait_processing_max_seconds,
        )

    async def create_batches(
        self,
        project: Project,
        name_prefix: str,
        data_rows: Iterable[Any] | AsyncIterable[Any] | None = None,
        global_keys: Iterable[str] | AsyncIterable[str] | None = None,
        priority: int = 5,
        consensus_settings: ConsensusSettings | Mapping[str, Any] | None = None,
        *,
        max_concurrency: int | None = None,
        progress: Progress | None = None,
    ) -> CreateBatchesTask:
        prefix = check_str("name_prefix", name_prefix)
        priority = check_batch_priority(priority)
        consensus = consensus_wire(consensus_settings)
        if max_concurrency is not None:
            max_concurrency = check_positive_int("max_concurrency", max_concurrency)
        check_progress(progress)
        kind, source = pick_rows(data_rows, global_keys)
        project._check_batchable()
        return await self._create_many(
            project.uid,
            prefix,
            kind,
            source,
            priority,
            consensus,
            max_concurrency=max_concurrency,
            progress=progress,
            processing_timeout=project._wait_processing_max_seconds,
        )

    async def create_batches_from_dataset(
        self,
        project: Project,
        name_prefix: str,
        dataset_id: str,
        priority: int = 5,
        consensus_settings: ConsensusSettings | Mapping[str, Any] | None = None,
    ) -> CreateBatchesTask:
        prefix = check_str("name_prefix", name_prefix)
        dataset_id = check_str("dataset_id", dataset_id)
        priority = check_batch_priority(priority)
        consensus = consensus_wire(consensus_settings)
        sdk = project._sdk("create_batches_from_dataset")
        data = await self._client._execute_operation(
            ops.CREATE_BATCHES_FROM_DATASET,
            {
                "projectId": project.uid,
                "input": {
                    "batchNamePrefix": prefix,
                    "datasetId": dataset_id,
                    "priority": priority,
                    "consensusSettings": consensus,
                },
            },
            sdk_method=sdk,
            reconcile=self.created_but_unanswered(project.uid, f"{prefix}0000", sdk),
            expect_one=True,
        )
        tasks = dig(data, ("project", "createBatchesFromDataset", "tasks"))
        return self.tasks_handle(project.uid, tasks)
