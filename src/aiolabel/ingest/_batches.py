"""Stages 2 and 3 of the ingest pipeline: put the landed rows in their batches, then set their
priorities (see :mod:`aiolabel.ingest._pipeline`)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import anyio

from aiolabel.errors import (
    LabelboxError,
    MalformedQueryException,
    PartialFailureError,
    is_transient,
)
from aiolabel.identifiers import GlobalKey, Identifiable, UniqueId
from aiolabel.ingest._scratch import Batched, BatchRow, FailedRow, norm_key
from aiolabel.ingest._types import (
    BATCH_CONCURRENCY,
    LOOKUP_CHUNK,
    PRIORITY_WINDOW,
    short,
)
from aiolabel.models.create_batches_task import inline_failures

if TYPE_CHECKING:
    from aiolabel.ingest._pipeline import _Run
    from aiolabel.models.batch import Batch

_ALREADY_BATCHED = re.compile(r"already in (a )?batch", re.IGNORECASE)
NO_VALID_ROWS = "No valid data rows to be added from the list provided!"
"""The service's answer to a createBatchV2 in which no row can be added (no batch is made)."""


class BatchStage:
    """The batches and priorities of one run (its counters live on the run)."""

    def __init__(self, run: _Run) -> None:
        self.run = run

    # -- stage 2: batches --------------------------------------------------------------------

    async def batches(self) -> None:
        assert self.run.project is not None
        names = self.run.scratch.batch_names()
        self.run.batch_count = len(names)
        if not names:
            return
        self.run.batch_rows_total = self.run.scratch.landed_count()
        self.run.progress("batches", 0, self.run.batch_rows_total)
        existing = {b.name: b async for b in self.run.project.batches() if b.name is not None}
        slots = anyio.Semaphore(BATCH_CONCURRENCY)

        async def one(name: str, rows: list[BatchRow]) -> None:
            try:
                try:
                    await self._batch(name, rows, existing.get(name))
                except LabelboxError:
                    # reconcile: the request may have been applied, or half (an empty batch)
                    again = await self._find_batch(name)
                    if again is None:
                        raise
                    await self._batch(name, rows, again, diff=True)
            except LabelboxError as exc:
                self._batch_failed(rows, f"batch {name!r}: {short(exc)}")
            finally:
                self.run.batch_rows_done += len(rows)
                self.run.progress("batches", self.run.batch_rows_done, self.run.batch_rows_total)
                slots.release()

        async with anyio.create_task_group() as group:
            for name in names:
                await slots.acquire()
                group.start_soon(one, name, self.run.scratch.batch_rows(name))
        self.run.scratch.commit()
        now = {b.name async for b in self.run.project.batches()}
        self.run.batches_created = sum(1 for n in names if n in now and n not in existing)

    async def _batch(
        self, name: str, rows: list[BatchRow], batch: Batch | None, *, diff: bool = False
    ) -> None:
        """Create the batch with these rows, or complete it with those it lacks (read by export
        when it is not empty, or always with ``diff``)."""
        assert self.run.project is not None
        if batch is not None and (diff or (batch.size or 0) > 0):
            members, held = await self._members(batch)
            inside = [r for r in rows if _member(r, members)]
            self.run.scratch.set_batched((r.line for r in inside), Batched.ALREADY)
            rows = [r for r in rows if not _member(r, members)]
            room = max(self.run.max_batch_rows - held, 0)
            if len(rows) > room:
                over, rows = rows[room:], rows[:room]
                self._batch_failed(
                    over, f"batch {name!r} is full ({self.run.max_batch_rows:,} rows)"
                )
        if not rows:
            return
        keyed = [r for r in rows if r.global_key is not None]
        by_id = [r for r in rows if r.global_key is None and r.data_row_id is not None]
        refused: list[str] = []
        dropped_if_empty = False
        if batch is None:
            first = keyed or by_id
            try:
                created = await self.run.project.create_batch(
                    name,
                    data_rows=None if keyed else [r.data_row_id or "" for r in by_id],
                    global_keys=[r.global_key or "" for r in keyed] if keyed else None,
                    priority=self.run.options.batch_priority,
                )
            except MalformedQueryException as exc:
                if NO_VALID_ROWS not in str(exc):
                    raise
                # no row could be added, so the service made no batch and gave no reasons: ask
                # through an empty batch (the tasks name them), dropped again if it stays empty
                batch = await self._empty_batch(name)
                dropped_if_empty = True
                rest = rows
            else:
                batch = created
                refused = list(created.failed_data_row_ids)
                done = {id(r) for r in first}
                rest = [r for r in rows if id(r) not in done]
        else:
            rest = rows
        reasons: dict[str, str] = {}
        if refused:  # createBatchV2 gives no reasons: ask again, the task names them
            reasons.update(await self._add(batch, keys=[], ids=refused))
        keys = [r.global_key for r in rest if r.global_key is not None]
        ids = [r.data_row_id for r in rest if r.global_key is None and r.data_row_id is not None]
        if keys:
            reasons.update(await self._add(batch, keys=keys, ids=[]))
        if ids:
            reasons.update(await self._add(batch, keys=[], ids=ids))
        await self._settle(rows, reasons)
        if dropped_if_empty and len(reasons) >= len(rows):
            await batch.delete()

    async def _empty_batch(self, name: str) -> Batch:
        assert self.run.project is not None
        sdk = "Project:create_batch"
        creation = self.run.client._batch_creation
        batch_id = await creation._create_empty(self.run.project.uid, name, None, sdk_method=sdk)
        return await self.run.client._batches.get_batch(
            self.run.project.uid, batch_id, sdk_method=sdk
        )

    async def _add(self, batch: Batch, *, keys: list[str], ids: list[str]) -> dict[str, str]:
        """Add rows to an existing batch; the refused ``{data row id: reason}``."""
        assert self.run.project is not None
        kind: Literal["global_keys", "data_rows"] = "global_keys" if keys else "data_rows"
        values = keys or ids
        sdk = "Project:create_batch"
        await self.run.client._batch_creation.wait_until_processed(
            kind, values, timeout=self.run.options.task_timeout, sdk_method=sdk
        )
        task = await self.run.client._batch_creation.add_rows(
            self.run.project.uid,
            batch.uid,
            kind,
            values,
            self.run.options.batch_priority,
            sdk_method=sdk,
        )
        await self.run.wait([task])
        reasons: dict[str, str] = {}
        for item in inline_failures(task):
            if isinstance(item, dict) and isinstance(item.get("dataRowId"), str):
                reasons[item["dataRowId"]] = str(item.get("error") or "refused by the batch")
        if task.status == "FAILED" and not reasons:
            raise LabelboxError(f"adding rows to batch {batch.name!r} failed")
        return reasons

    async def _settle(self, rows: list[BatchRow], reasons: dict[str, str]) -> None:
        """Record the outcome of a batch's rows given the refusals by data-row id."""
        if not reasons:
            self.run.scratch.set_batched((r.line for r in rows), Batched.ADDED)
            return
        ids = {r.data_row_id: r for r in rows if r.data_row_id is not None}
        missing = [r.global_key for r in rows if r.data_row_id is None and r.global_key]
        by_key = {norm_key(r.global_key): r for r in rows if r.global_key}
        for start in range(0, len(missing), LOOKUP_CHUNK):
            part = [k for k in missing[start : start + LOOKUP_CHUNK] if k is not None]
            answer = await self.run.client.get_data_row_ids_for_global_keys(part)
            for key, found in zip(part, answer.get("results") or [], strict=False):
                if found:
                    ids[found] = by_key[norm_key(key)]
        already: list[int] = []
        failed: list[BatchRow] = []
        failed_reason: dict[int, str] = {}
        refused_lines: set[int] = set()
        for data_row_id, reason in reasons.items():
            row = ids.get(data_row_id)
            if row is None:
                continue
            refused_lines.add(row.line)
            if _ALREADY_BATCHED.search(reason):
                already.append(row.line)
            else:
                failed.append(row)
                failed_reason[row.line] = reason
        self.run.scratch.set_batched(already, Batched.ALREADY)
        self.run.scratch.set_batched(
            (r.line for r in rows if r.line not in refused_lines), Batched.ADDED
        )
        for row in failed:
            self._batch_failed([row], failed_reason[row.line])

    def _batch_failed(self, rows: Sequence[BatchRow], reason: str) -> None:
        self.run.scratch.fail(
            FailedRow(r.line, r.global_key, "batch", "batch", reason) for r in rows
        )
        self.run.scratch.set_batched((r.line for r in rows), Batched.FAILED)

    async def _find_batch(self, name: str) -> Batch | None:
        assert self.run.project is not None
        async for batch in self.run.project.batches():
            if batch.name == name:
                return batch
        return None

    async def _members(self, batch: Batch) -> tuple[set[str], int]:
        """Normalised global keys and ids of the rows in a batch (read by export), and how
        many rows it holds (a row gives two entries: its key and its id)."""
        members: set[str] = set()
        held = 0
        task = await batch.export()
        await self.run.wait([task])
        async with contextlib.aclosing(task.result()) as rows:
            async for line in rows:
                held += 1
                row = line.get("data_row") or {}
                if isinstance(row.get("global_key"), str):
                    members.add("k:" + norm_key(row["global_key"]))
                if isinstance(row.get("id"), str):
                    members.add("i:" + row["id"])
        return members, held

    # -- stage 3: priorities -----------------------------------------------------------------

    async def priorities(self) -> None:
        assert self.run.project is not None
        total = self.run.scratch.priority_count()
        if not total:
            return
        self.run.progress("priorities", 0, total)
        after = 0
        while True:
            window = self.run.scratch.priorities(after, PRIORITY_WINDOW)
            if not window:
                break
            after = window[-1][0]
            pairs: list[tuple[Identifiable, int]] = []
            lines: dict[Identifiable, tuple[int, str | None]] = {}
            for line, key, data_row_id, priority in window:
                ident: Identifiable = (
                    GlobalKey(key) if key is not None else UniqueId(data_row_id or "")
                )
                if key is None and not data_row_id:
                    continue
                pairs.append((ident, priority))
                lines[ident] = (line, key)
            base = self.run.priorities_done

            def step(done: int, _total: int | None, base: int = base) -> None:
                self.run.progress("priorities", base + done, total)

            try:
                await self.run.project.set_labeling_parameter_overrides(
                    pairs, max_concurrency=self.run.concurrency, progress=step
                )
                self.run.priorities_set += len(pairs)
            except PartialFailureError as exc:
                self.run.priorities_set += sum(s.size for s in exc.succeeded)
                for failure in exc.failures:
                    await self._bisect(list(failure.items), lines, failure.error)
                for chunk in exc.not_started:
                    await self._bisect(list(chunk), lines, exc)
            self.run.priorities_done += len(window)
            self.run.progress("priorities", self.run.priorities_done, total)
            self.run.scratch.commit()

    async def _bisect(
        self,
        pairs: list[tuple[Identifiable, int]],
        lines: dict[Identifiable, tuple[int, str | None]],
        error: BaseException,
    ) -> None:
        """A refused request's overrides: the service refuses a whole request for one bad row,
        so a request refused for its content is retried in halves down to the rows at fault;
        one that failed for another reason (network, server) fails all its rows."""
        assert self.run.project is not None
        if not pairs:
            return
        if is_transient(error) or len(pairs) == 1:
            self.run.scratch.fail(
                FailedRow(*lines[ident], "priority", "priority", short(error)) for ident, _ in pairs
            )
            return
        half = len(pairs) // 2
        for part in (pairs[:half], pairs[half:]):
            try:
                await self.run.project.set_labeling_parameter_overrides(part, max_concurrency=1)
                self.run.priorities_set += len(part)
            except PartialFailureError as exc:
                cause = exc.failures[0].error if exc.failures else exc
                await self._bisect(part, lines, cause)
            except LabelboxError as exc:
                await self._bisect(part, lines, exc)


def _member(row: BatchRow, members: set[str]) -> bool:
    if row.global_key is not None and "k:" + norm_key(row.global_key) in members:
        return True
    return row.data_row_id is not None and "i:" + row.data_row_id in members
