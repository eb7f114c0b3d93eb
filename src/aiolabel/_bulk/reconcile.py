"""Reconcile steps: after a mutation's answer was lost, find out whether it was applied.

A step is handed to the retry policy (``reconcile=``); before any resend it returns the answer
the lost response would have carried (the caller goes on as if it had arrived), ``None`` when
the first attempt was not applied (the mutation is sent again), or raises :func:`cannot_tell`
when it cannot decide. The steps of the SDK, by mutation:

* ``upsertDataRows`` — the newest upsert tasks of the key's user, started since the attempt and
  unknown to this client, are waited for and read back: the one whose results (created or
  refused rows) hold the first rows of the manifest is the lost task (:func:`find_upsert_task`);
* ``addDataRowsToBatchAsync`` / ``createBatches`` — the batch is looked up by name and its
  filling task among the user's newest tasks by the batch id they carry
  (:func:`find_batch_task`);
* ``createEmptyBatch`` / ``createBatchV2`` — the batch by name (:mod:`aiolabel._resources.batches`);
* ``createDataRowAttachment`` — the row's attachments, by type, value and name;
* ``upsertCustomMetadataSchema`` — the ontology, by name (:mod:`aiolabel._resources.metadata`).

Tasks are matched only when they were created after the attempt began (less
:data:`CLOCK_SKEW` seconds, for the server's clock) and were not already handed to this client
by an answer (:class:`TaskLedger`).
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aiolabel._operations import tasks as task_ops
from aiolabel.errors import LabelboxError, TaskTimeout
from aiolabel.pagination import dig

if TYPE_CHECKING:
    from aiolabel._base_client import BaseClient

__all__ = [
    "CLOCK_SKEW",
    "TaskLedger",
    "cannot_tell",
    "find_batch_task",
    "find_upsert_task",
    "identity",
    "recent_tasks",
]

CLOCK_SKEW = 300.0
"""Seconds a task may seem to predate the attempt that started it (server clock behind ours)."""
RECENT_TASKS = 100
"""Newest tasks of one type looked at."""
PROBE_ROWS = 20
"""Rows of an upsert identified by their key, to recognise its task."""
PROBE_PAGE = 200
"""Result rows of a candidate task read to find them (they come in manifest order)."""
RECONCILE_WAIT = 600.0
"""Seconds to wait for candidate tasks to finish before they can be recognised."""

Identity = tuple[str, ...]


class TaskLedger:
    """Ids of tasks this client learnt from answers (bounded: the newest ``size``)."""

    def __init__(self, size: int = 10_000) -> None:
        self._order: deque[str] = deque()
        self._ids: set[str] = set()
        self._size = size

    def add(self, task_id: str) -> None:
        if task_id in self._ids:
            return
        self._order.append(task_id)
        self._ids.add(task_id)
        if len(self._order) > self._size:
            self._ids.discard(self._order.popleft())

    def __contains__(self, task_id: object) -> bool:
        return task_id in self._ids


def cannot_tell(what: str, error: LabelboxError, why: str) -> LabelboxError:
    """The error of a reconcile step that cannot decide: not resent, maybe applied."""
    out = LabelboxError(
        f"{what} failed ({error}) and {why}; it was not sent again, as it may have been applied"
    )
    out.maybe_applied = True
    out.attempts = error.attempts
    return out


def _since(started: float) -> str:
    moment = datetime.fromtimestamp(started - CLOCK_SKEW, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _metadata(raw: dict[str, Any]) -> dict[str, Any]:
    value = raw.get("metadata")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


async def recent_tasks(
    client: BaseClient, task_type: str, started: float, *, sdk_method: str
) -> list[dict[str, Any]]:
    """The user's tasks of ``task_type`` created since ``started`` (epoch seconds, less the
    skew allowance), newest first, less those this client already knows."""
    user_id = await client._current_user_id()
    data = await client._execute_operation(
        task_ops.GET_USER_RECENT_TASKS,
        {"userId": user_id, "type": task_type, "since": _since(started), "first": RECENT_TASKS},
        sdk_method=sdk_method,
    )
    nodes = dig(data, ("user", "createdTasks"))
    if not isinstance(nodes, list):
        return []
    ledger = client._task_ledger
    return [
        n
        for n in nodes
        if isinstance(n, dict) and isinstance(n.get("id"), str) and n["id"] not in ledger
    ]


async def find_batch_task(
    client: BaseClient, task_type: str, batch_id: str, started: float, *, sdk_method: str
) -> str | None:
    """The id of a recent task filling ``batch_id`` (by the batch id in its metadata)."""
    for node in await recent_tasks(client, task_type, started, sdk_method=sdk_method):
        if _metadata(node).get("batchId") == batch_id:
            return str(node["id"])
    return None


def identity(payload: dict[str, Any], key: dict[str, str] | None = None) -> Identity | None:
    """How a row of an upsert is recognised in its task's results: its global key, its id, or
    its external id with its row data (None when it has none of these)."""
    if key is not None and key.get("value"):
        return ("gk", key["value"]) if key.get("type") == "GKEY" else ("id", key["value"])
    global_key = payload.get("global_key")
    if isinstance(global_key, str) and global_key:
        return ("gk", global_key)
    row_data, external_id = payload.get("row_data"), payload.get("external_id")
    if isinstance(row_data, str) and isinstance(external_id, str):
        return ("xr", external_id, row_data)
    return None


def _identities(node: Any, row_id: bool) -> Iterable[Identity]:
    if not isinstance(node, dict):
        return
    if row_id and isinstance(node.get("id"), str):
        yield ("id", node["id"])
    if isinstance(node.get("globalKey"), str):
        yield ("gk", node["globalKey"])
    if isinstance(node.get("externalId"), str) and isinstance(node.get("rowData"), str):
        yield ("xr", node["externalId"], node["rowData"])


async def _task_holds(
    client: BaseClient, task_id: str, probe: set[Identity], sdk_method: str
) -> bool:
    variables = {"taskId": task_id, "first": PROBE_PAGE, "from": None}
    done = await client._execute_operation(
        task_ops.SUCCESSFUL_DATA_ROW_IMPORTS, variables, sdk_method=sdk_method
    )
    for node in dig(done, ("successesfulDataRowImports", "nodes")) or []:
        if probe.intersection(_identities(node, row_id=True)):
            return True
    refused = await client._execute_operation(
        task_ops.FAILED_DATA_ROW_IMPORTS, variables, sdk_method=sdk_method
    )
    for item in dig(refused, ("failedDataRowImports", "results")) or []:
        spec = item.get("spec") if isinstance(item, dict) else None
        if probe.intersection(_identities(spec, row_id=False)):
            return True
    return False


async def find_upsert_task(
    client: BaseClient,
    task_type: str,
    probe: Sequence[Identity],
    started: float,
    error: LabelboxError,
    *,
    sdk_method: str,
) -> dict[str, Any] | None:
    """The wire object of the recent upsert task whose results hold the ``probe`` rows (the
    first rows of its manifest), or None when no such task exists."""
    what = "upsertDataRows"
    if not probe:
        raise cannot_tell(what, error, "its rows have no global key to recognise its task by")
    nodes = await recent_tasks(client, task_type, started, sdk_method=sdk_method)
    if not nodes:
        return None
    tasks = [client._task_from_wire(node) for node in nodes]
    try:
        await client._poller.wait(tasks, RECONCILE_WAIT)
    except TaskTimeout as exc:
        raise cannot_tell(what, error, f"candidate tasks are still running ({exc})") from exc
    wanted = set(probe)
    for node, task in zip(nodes, tasks, strict=True):
        if await _task_holds(client, task.uid, wanted, sdk_method):
            return node
    return None


def now() -> float:
    """Wall-clock seconds, for :func:`recent_tasks` (the server stamps tasks in wall time)."""
    return time.time()
