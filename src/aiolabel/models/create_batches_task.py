"""CreateBatchesTask: the handle on batches being filled by server-side tasks (wire doc §5.2)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from aiolabel.errors import InputTypeError
from aiolabel.models.batch import Batch
from aiolabel.models.task import Task

if TYPE_CHECKING:
    from aiolabel.client import AsyncClient

__all__ = ["CreateBatchesTask", "inline_failures"]

ADD_TASK_TYPE = "add-data-rows-to-batch"
"""Type of the tasks that fill a batch."""


def inline_failures(task: Task) -> list[Any]:
    """The items of the JSON a batch task holds in ``result`` (its refused rows), or ``[]``.

    A FAILED batch task carries its errors there (wire doc §7.4); a COMPLETE one may carry the
    rows it could not add.
    """
    text = task.result_url
    if not text or text.startswith(("http://", "https://")):
        return []
    try:
        doc = json.loads(text)
    except ValueError:
        return [text]
    return doc if isinstance(doc, list) else [doc]


def failed_row_ids(task: Task) -> list[str]:
    """Data-row ids named by a batch task's inline failures."""
    out: list[str] = []
    for item in inline_failures(task):
        if isinstance(item, dict) and isinstance(item.get("dataRowId"), str):
            out.append(item["dataRowId"])
    return out


def new_batch_task(client: AsyncClient, task_id: str) -> Task:
    """A task the server just started, known by id only (its first refresh fills it in)."""
    client._task_ledger.add(task_id)
    return Task._started(client, task_id, ADD_TASK_TYPE)


class CreateBatchesTask:
    """Batches created empty and being filled by one server-side task each.

    ``batches`` holds the batch ids and ``tasks`` the tasks, index by index, as in the official
    SDK. :meth:`wait_till_done` waits for every task in the client's one polling loop;
    :meth:`result` then fetches the batches concurrently and :meth:`errors` reports what the
    tasks refused.
    """

    def __init__(
        self,
        client: AsyncClient,
        project_id: str,
        batch_ids: Sequence[str],
        tasks: Iterable[Task],
        *,
        known_batches: Sequence[Batch] | None = None,
    ) -> None:
        self.client = client
        self.project_id = project_id
        self.batches: list[str] = list(batch_ids)
        self.tasks: list[Task] = list(tasks)
        for task in self.tasks:
            if not isinstance(task, Task):
                raise InputTypeError(f"tasks must hold Task objects, got {type(task).__name__}")
        self._result: list[Batch] | None = None if known_batches is None else list(known_batches)

    def __repr__(self) -> str:
        return (
            f"CreateBatchesTask(project_id={self.project_id!r}, batches={len(self.batches)}, "
            f"tasks={len(self.tasks)}, done={self.done})"
        )

    @property
    def done(self) -> bool:
        """Every task has left IN_PROGRESS."""
        return all(task.done for task in self.tasks)

    async def wait_till_done(self, timeout_seconds: float = 300.0) -> None:
        """Wait for every task (one polling loop for all); :class:`TaskTimeout` names those
        still running after ``timeout_seconds``."""
        await self.client.wait_for_tasks(self.tasks, timeout_seconds=timeout_seconds)

    async def wait_until_done(self, timeout_seconds: float = 300.0) -> None:
        """Deprecated name of :meth:`wait_till_done` (kept as in the official SDK)."""
        await self.wait_till_done(timeout_seconds)

    async def errors(self) -> dict[str, Any] | None:
        """What the tasks refused, keyed by task id, or None when nothing was.

        As in the official SDK a FAILED task maps to the JSON held in its ``result``; unlike it,
        a COMPLETE task that refused some rows is listed too (so every refused row is
        reported). Waits for the tasks first.
        """
        if not self.done:
            await self.wait_till_done()
        errors: dict[str, Any] = {}
        for task in self.tasks:
            items = inline_failures(task)
            if task.status == "FAILED":
                errors[task.uid] = items if items else [{"message": "Task failed"}]
            elif items:
                errors[task.uid] = items
        return errors or None

    async def result(self) -> list[Batch]:
        """The batches, fetched concurrently once every task is done (and then kept).

        Each batch's ``failed_data_row_ids`` lists the rows its task refused.
        """
        if self._result is not None:
            return list(self._result)
        if not self.done:
            await self.wait_till_done()
        refused = {i: failed_row_ids(task) for i, task in enumerate(self.tasks)}
        batches = await self.client._batches.fetch_created(self.project_id, self.batches, refused)
        self._result = batches
        return list(batches)
