"""Webhooks: ``createWebhook``, ``updateWebhook`` and the ``webhooks`` lists of organisations and
projects. Delivery lives in :mod:`aiolabel.emulator.webhooks` (``emit``).

A webhook with a project hears that project's events; one without hears the whole organisation.
``status`` INACTIVE (what ``Webhook.delete()`` sets) or REVOKED stops delivery.

Test controls: ``emit_webhook_event(topic, payload, project_id=None)`` sends an event as the
service would (returns how many webhooks it was queued for); ``webhook_deliveries()`` lists every
delivery attempt's outcome (``wait=True`` first waits for deliveries in progress).
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ariadne import MutationType, ObjectType

from aiolabel.emulator.context import Context, Info, ctx
from aiolabel.emulator.errors import BadInput, NotFound
from aiolabel.emulator.resolvers.base import bind_owner_relations, page
from aiolabel.emulator.store import now_iso
from aiolabel.emulator.webhooks import emit

if TYPE_CHECKING:
    from aiolabel.emulator.state import EmulatorState

DDL = """
CREATE TABLE IF NOT EXISTS webhooks (
    id TEXT PRIMARY KEY, org_id TEXT NOT NULL, project_id TEXT, created_by TEXT NOT NULL,
    url TEXT NOT NULL, secret TEXT NOT NULL, topics TEXT NOT NULL, status TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS webhooks_by_org ON webhooks (org_id, project_id);
"""

mutation = MutationType()
webhook_type = ObjectType("Webhook")
org_type = ObjectType("Organization")
project_type = ObjectType("Project")


def check_url(url: str) -> str:
    """An absolute http(s) URL with a host."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput(f"Webhook URL must be an http(s) URL with a host, got {url!r}")
    return url.strip()


def webhook_to_gql(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "url": row["url"],
        "topics": json.loads(row["topics"]),
        "status": row["status"],
        "_created_by": row["created_by"],
        "_org_id": row["org_id"],
        "_project_id": row["project_id"],
    }


def _topics(value: dict[str, Any]) -> list[str]:
    topics = list(dict.fromkeys(value.get("set") or []))
    if not topics:
        raise BadInput("Topics must be a non-empty list")
    return topics


def _load(c: Context, webhook_id: str) -> sqlite3.Row:
    row = c.conn.execute(
        "SELECT * FROM webhooks WHERE id = ? AND org_id = ?", (webhook_id, c.org_id)
    ).fetchone()
    if row is None:
        raise NotFound(f"Webhook {webhook_id} not found")
    assert isinstance(row, sqlite3.Row)
    return row


@mutation.field("createWebhook")
def resolve_create_webhook(_: Any, info: Info, data: dict[str, Any]) -> Any:
    from aiolabel.emulator.resolvers.projects import load_project

    c = ctx(info)
    url = check_url(data["url"])
    if not data["secret"]:
        raise BadInput("Secret must be a non-empty string")
    topics = _topics(data["topics"])
    project_id = None
    if data.get("project") is not None:
        project_id = load_project(c.conn, c.org_id, data["project"]["id"])["id"]
    webhook_id = c.new_id()
    stamp = now_iso()
    c.conn.execute(
        "INSERT INTO webhooks (id, org_id, project_id, created_by, url, secret, topics, status,"
        " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (
            webhook_id,
            c.org_id,
            project_id,
            c.user_id,
            url,
            data["secret"],
            json.dumps(topics),
            "ACTIVE",
            stamp,
            stamp,
        ),
    )
    return webhook_to_gql(_load(c, webhook_id))


@mutation.field("updateWebhook")
def resolve_update_webhook(_: Any, info: Info, where: dict[str, Any], data: dict[str, Any]) -> Any:
    c = ctx(info)
    row = _load(c, where["id"])
    changes: dict[str, Any] = {}
    if data.get("url") is not None:
        changes["url"] = check_url(data["url"])
    if data.get("topics") is not None:
        changes["topics"] = json.dumps(_topics(data["topics"]))
    if data.get("status") is not None:
        changes["status"] = data["status"]
    if changes:
        sets = ", ".join(f"{column} = ?" for column in changes)
        c.conn.execute(
            f"UPDATE webhooks SET {sets}, updated_at = ? WHERE id = ?",
            (*changes.values(), now_iso(), row["id"]),
        )
    return webhook_to_gql(_load(c, row["id"]))


def _list(c: Context, project_id: str | None, skip: int | None, first: int | None) -> Any:
    offset, limit = page(skip, first)
    sql, params = "org_id = ?", [c.org_id]
    if project_id is not None:
        sql, params = "org_id = ? AND project_id = ?", [c.org_id, project_id]
    rows = c.conn.execute(
        f"SELECT * FROM webhooks WHERE {sql} ORDER BY created_at, id LIMIT ? OFFSET ?",
        (*params, limit, offset),
    ).fetchall()
    return [webhook_to_gql(r) for r in rows]


@org_type.field("webhooks")
def resolve_org_webhooks(
    _: Any, info: Info, skip: int | None = None, first: int | None = None
) -> Any:
    return _list(ctx(info), None, skip, first)


@project_type.field("webhooks")
def resolve_project_webhooks(
    project: dict[str, Any], info: Info, skip: int | None = None, first: int | None = None
) -> Any:
    return _list(ctx(info), project["id"], skip, first)


@webhook_type.field("project")
def resolve_webhook_project(webhook: dict[str, Any], info: Info) -> Any:
    from aiolabel.emulator.resolvers.projects import project_to_gql

    if webhook["_project_id"] is None:
        return None
    c = ctx(info)
    row = c.conn.execute("SELECT * FROM projects WHERE id = ?", (webhook["_project_id"],))
    found = row.fetchone()
    return None if found is None else project_to_gql(c.conn, found, count=False)


bind_owner_relations(webhook_type)


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """No webhooks at first."""


def emit_webhook_event(
    state: EmulatorState,
    topic: str,
    payload: dict[str, Any] | None = None,
    project_id: str | None = None,
) -> int:
    """Test control: send ``topic`` with ``payload`` as the service would; returns how many
    webhooks it was queued for."""
    with state.store.transaction() as conn:
        c = Context(state, conn, state.user_id, state.org_id, base_url="")
        queued = emit(c, topic, payload or {}, project_id=project_id)
    c.run_after_commit()
    return queued


def webhook_deliveries(state: EmulatorState, wait: bool = True) -> list[dict[str, Any]]:
    """Test control: every delivery attempt's outcome, oldest first."""
    if wait:
        state.webhooks.wait_idle()
    return state.webhooks.history()


BINDABLES = [mutation, webhook_type, org_type, project_type]
CONTROLS = {"emit_webhook_event": emit_webhook_event, "webhook_deliveries": webhook_deliveries}
