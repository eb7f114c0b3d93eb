"""Global-key jobs (wire doc §3.7): ``dataRowsForGlobalKeys``, ``assignGlobalKeysToDataRows``,
``clearGlobalKeys``, each a job id polled through its ``…Result`` query.

Jobs are tasks (types below), so transition rules apply to them; ``jobStatus`` is ``COMPLETE``
once the task is, ``FAILED`` if it failed or was cancelled, else ``IN_PROGRESS``. What the SDK
derives from the lists:

- get: ``fetchedDataRows`` is aligned with the input, ``{"id": ""}`` where a key was not found;
- assign, in input order: a missing row, an invalid key (``catalog.sanitize_global_key``, or
  one with leading, trailing or doubled spaces) or a key held by another live row →
  ``invalidGlobalKeyAssignments`` (the SDK words each "Invalid assignment. Either DataRow does
  not exist, or globalKey is invalid"); a key that had to be
  sanitised → ``sanitizedAssignments`` (with the stored key); otherwise
  ``unmodifiedAssignments``. A row's previous key is released;
- clear: keys held by a live row are cleared, others are ``notFoundGlobalKeys`` (repeats count
  once).

Nothing is ever access-denied: the emulator has one organisation.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from ariadne import MutationType, QueryType

from aiolabel.emulator.context import Info, ctx
from aiolabel.emulator.errors import NotFound
from aiolabel.emulator.jobs import Job, Outcome
from aiolabel.emulator.resolvers.base import load_task
from aiolabel.emulator.resolvers.catalog import (
    InvalidGlobalKey,
    badly_spaced,
    global_key_norm,
    rows_by_global_key,
    rows_by_id,
    sanitize_global_key,
)
from aiolabel.emulator.store import now_iso

GET_TYPE = "get-data-rows-for-global-keys"
ASSIGN_TYPE = "assign-global-keys-to-data-rows"
CLEAR_TYPE = "clear-global-keys"

query = QueryType()
mutation = MutationType()


def _start(
    info: Info, type: str, size: int, compute: Callable[[sqlite3.Connection], dict[str, Any]]
) -> dict[str, str]:
    def work(job: Job) -> Outcome:
        with job.store.transaction() as conn:
            data = compute(conn)
            job.add_items(conn, "data", [data])
        return Outcome()

    task = ctx(info).create_task(type=type, name=type, work=work, size=size)
    return {"jobId": task["id"]}


def _result(info: Info, job_id: str, type: str) -> dict[str, Any]:
    task = load_task(info, job_id)
    if task is None or task["type"] != type:
        raise NotFound(f"Job {job_id} not found")
    if task["status"] == "COMPLETE":
        row = (
            ctx(info)
            .conn.execute(
                "SELECT payload FROM task_items WHERE task_id = ? AND kind = 'data'", (job_id,)
            )
            .fetchone()
        )
        return {"jobStatus": "COMPLETE", "data": json.loads(row["payload"])}
    if task["status"] in ("FAILED", "CANCELED"):
        return {"jobStatus": "FAILED", "data": None}
    return {"jobStatus": "IN_PROGRESS", "data": None}


# -- get ----------------------------------------------------------------------------------------


@query.field("dataRowsForGlobalKeys")
def resolve_get(_: Any, info: Info, where: dict[str, Any]) -> Any:
    c = ctx(info)
    keys: list[str] = list(where["ids"])
    org_id = c.org_id

    def compute(conn: sqlite3.Connection) -> dict[str, Any]:
        found = rows_by_global_key(conn, org_id, keys)
        fetched, missing = [], []
        for key in keys:
            row = found.get(global_key_norm(key))
            fetched.append({"id": row["id"] if row is not None else ""})
            if row is None:
                missing.append(key)
        return {
            "fetchedDataRows": fetched,
            "notFoundGlobalKeys": missing,
            "accessDeniedGlobalKeys": [],
        }

    return _start(info, GET_TYPE, len(keys), compute)


@query.field("dataRowsForGlobalKeysResult")
def resolve_get_result(_: Any, info: Info, jobId: dict[str, Any]) -> Any:
    return _result(info, jobId["id"], GET_TYPE)


# -- assign -------------------------------------------------------------------------------------


def assign_keys(
    conn: sqlite3.Connection, org_id: str, links: list[dict[str, Any]]
) -> dict[str, list[dict[str, str]]]:
    """Apply assignments in order; returns the four lists of the result."""
    sanitized: list[dict[str, str]] = []
    invalid: list[dict[str, str]] = []
    unmodified: list[dict[str, str]] = []
    rows = {
        i: dict(r) for i, r in rows_by_id(conn, org_id, [x["dataRowId"] for x in links]).items()
    }
    cleaned: list[str | None] = []
    for link in links:
        try:
            key = sanitize_global_key(link["globalKey"])
        except InvalidGlobalKey:
            key = None
        cleaned.append(None if key is None or badly_spaced(key) else key)
    holders = rows_by_global_key(conn, org_id, [k for k in cleaned if k is not None])
    holder = {k: r["id"] for k, r in holders.items()}
    for r in rows.values():
        if r["global_key"] is not None:
            holder.setdefault(global_key_norm(r["global_key"]), r["id"])
    original = {i: r["global_key"] for i, r in rows.items()}
    for link, key in zip(links, cleaned, strict=True):
        data_row_id, given = link["dataRowId"], link["globalKey"]
        row = rows.get(data_row_id)
        if row is None or key is None:
            invalid.append({"dataRowId": data_row_id, "globalKey": given})
            continue
        owner = holder.get(global_key_norm(key))
        if owner is not None and owner != data_row_id:
            invalid.append({"dataRowId": data_row_id, "globalKey": given})
            continue
        old = row["global_key"]
        if old is not None and holder.get(global_key_norm(old)) == data_row_id:
            del holder[global_key_norm(old)]
        row["global_key"] = key
        holder[global_key_norm(key)] = data_row_id
        target = sanitized if key != given else unmodified
        target.append({"dataRowId": data_row_id, "globalKey": key})
    changed = [i for i, r in rows.items() if r["global_key"] != original[i]]
    stamp = now_iso()
    conn.executemany("UPDATE data_rows SET global_key = NULL WHERE id = ?", [(i,) for i in changed])
    conn.executemany(
        "UPDATE data_rows SET global_key = ?, updated_at = ? WHERE id = ?",
        [(rows[i]["global_key"], stamp, i) for i in changed],
    )
    return {
        "sanitizedAssignments": sanitized,
        "invalidGlobalKeyAssignments": invalid,
        "unmodifiedAssignments": unmodified,
        "accessDeniedAssignments": [],
    }


@mutation.field("assignGlobalKeysToDataRows")
def resolve_assign(_: Any, info: Info, data: dict[str, Any]) -> Any:
    links: list[dict[str, Any]] = list(data["assignInputs"])
    org_id = ctx(info).org_id
    return _start(info, ASSIGN_TYPE, len(links), lambda conn: assign_keys(conn, org_id, links))


@query.field("assignGlobalKeysToDataRowsResult")
def resolve_assign_result(_: Any, info: Info, jobId: dict[str, Any]) -> Any:
    return _result(info, jobId["id"], ASSIGN_TYPE)


# -- clear --------------------------------------------------------------------------------------


@mutation.field("clearGlobalKeys")
def resolve_clear(_: Any, info: Info, where: dict[str, Any]) -> Any:
    keys: list[str] = list(dict.fromkeys(where["ids"]))
    org_id = ctx(info).org_id

    def compute(conn: sqlite3.Connection) -> dict[str, Any]:
        found = rows_by_global_key(conn, org_id, keys)
        cleared = [k for k in keys if global_key_norm(k) in found]
        missing = [k for k in keys if global_key_norm(k) not in found]
        stamp = now_iso()
        conn.executemany(
            "UPDATE data_rows SET global_key = NULL, updated_at = ? WHERE id = ?",
            [(stamp, r["id"]) for r in found.values()],
        )
        return {
            "clearedGlobalKeys": cleared,
            "failedToClearGlobalKeys": [],
            "notFoundGlobalKeys": missing,
            "accessDeniedGlobalKeys": [],
        }

    return _start(info, CLEAR_TYPE, len(keys), compute)


@query.field("clearGlobalKeysResult")
def resolve_clear_result(_: Any, info: Info, jobId: dict[str, Any]) -> Any:
    return _result(info, jobId["id"], CLEAR_TYPE)


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """Nothing to seed."""


DDL = ""
BINDABLES = [query, mutation]
