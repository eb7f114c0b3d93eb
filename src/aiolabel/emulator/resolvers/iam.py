"""IAM integrations (delegated access) and the calls ``client.create_dataset`` makes (wire doc
§3.4): ``iamIntegrations``, ``setSignerForDataset``, ``clearSignerForDataset``,
``validateDataset``.

A fresh organisation has none, so the official SDK stops after listing them. The test control
``add_iam_integration`` seeds one (``is_org_default=True`` makes ``create_dataset`` use it;
``valid=False`` makes the SDK refuse it and soft-delete the new dataset).
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from ariadne import MutationType, ObjectType, QueryType, UnionType

from aiolabel.emulator.context import Info, ctx
from aiolabel.emulator.errors import NotFound
from aiolabel.emulator.resolvers.catalog import dataset_to_gql
from aiolabel.emulator.resolvers.datasets import live_dataset
from aiolabel.emulator.store import dumps, now_iso

if TYPE_CHECKING:
    from aiolabel.emulator.state import EmulatorState

DDL = """
CREATE TABLE IF NOT EXISTS iam_integrations (
    id TEXT PRIMARY KEY, org_id TEXT NOT NULL, name TEXT NOT NULL, provider TEXT NOT NULL,
    valid INTEGER NOT NULL, is_org_default INTEGER NOT NULL, settings TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, last_valid_at TEXT
);
"""

PROVIDERS = {
    "AWS": "AwsIamIntegrationSettings",
    "GCP": "GcpIamIntegrationSettings",
    "Azure": "AzureIamIntegrationSettings",
}

query = QueryType()
mutation = MutationType()
dataset_type = ObjectType("Dataset")
org_type = ObjectType("Organization")
settings_union = UnionType("IamIntegrationSettings")


def integration_to_gql(row: sqlite3.Row) -> dict[str, Any]:
    settings = json.loads(row["settings"]) if row["settings"] else None
    if settings is not None:
        settings["__typename"] = PROVIDERS[row["provider"]]
    return {
        "id": row["id"],
        "name": row["name"],
        "provider": row["provider"],
        "valid": bool(row["valid"]),
        "isOrgDefault": bool(row["is_org_default"]),
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "lastValidAt": row["last_valid_at"],
        "settings": settings,
    }


@settings_union.type_resolver
def resolve_settings_type(obj: dict[str, Any], *_: Any) -> str:
    return str(obj["__typename"])


def _integrations(info: Info) -> list[dict[str, Any]]:
    c = ctx(info)
    rows = c.conn.execute(
        "SELECT * FROM iam_integrations WHERE org_id = ? ORDER BY rowid", (c.org_id,)
    ).fetchall()
    return [integration_to_gql(r) for r in rows]


@query.field("iamIntegrations")
def resolve_integrations(_: Any, info: Info) -> Any:
    return _integrations(info)


@org_type.field("iamIntegrations")
def resolve_org_integrations(_: Any, info: Info) -> Any:
    return _integrations(info)


def _dataset(info: Info, dataset_id: str) -> sqlite3.Row:
    c = ctx(info)
    row = live_dataset(c.conn, c.org_id, dataset_id)
    if row is None:
        raise NotFound(f"Dataset {dataset_id} not found")
    return row


@mutation.field("setSignerForDataset")
def resolve_set_signer(_: Any, info: Info, data: dict[str, Any], where: dict[str, Any]) -> Any:
    c = ctx(info)
    dataset = _dataset(info, where["id"])
    signer = c.conn.execute(
        "SELECT id FROM iam_integrations WHERE id = ? AND org_id = ?", (data["signerId"], c.org_id)
    ).fetchone()
    if signer is None:
        raise NotFound(f"IAM integration {data['signerId']} not found")
    c.conn.execute(
        "UPDATE datasets SET iam_integration_id = ?, updated_at = ? WHERE id = ?",
        (signer["id"], now_iso(), dataset["id"]),
    )
    return dataset_to_gql(_dataset(info, dataset["id"]))


@mutation.field("clearSignerForDataset")
def resolve_clear_signer(_: Any, info: Info, where: dict[str, Any]) -> Any:
    c = ctx(info)
    dataset = _dataset(info, where["id"])
    c.conn.execute(
        "UPDATE datasets SET iam_integration_id = NULL, updated_at = ? WHERE id = ?",
        (now_iso(), dataset["id"]),
    )
    return dataset_to_gql(_dataset(info, dataset["id"]))


@mutation.field("validateDataset")
def resolve_validate(_: Any, info: Info, where: dict[str, Any]) -> Any:
    """Valid when the dataset has a signer and that integration is valid."""
    c = ctx(info)
    dataset = _dataset(info, where["id"])
    signer = None
    if dataset["iam_integration_id"] is not None:
        signer = c.conn.execute(
            "SELECT valid FROM iam_integrations WHERE id = ?", (dataset["iam_integration_id"],)
        ).fetchone()
    configured = signer is not None
    signer_valid = bool(signer is not None and signer["valid"])
    return {
        "valid": configured and signer_valid,
        "checks": [
            {"name": "signerConfigured", "success": configured},
            {"name": "signerValid", "success": signer_valid},
        ],
    }


@dataset_type.field("signer")
def resolve_signer(dataset: dict[str, Any], info: Info) -> Any:
    if dataset["_signer"] is None:
        return None
    row = (
        ctx(info)
        .conn.execute("SELECT * FROM iam_integrations WHERE id = ?", (dataset["_signer"],))
        .fetchone()
    )
    return None if row is None else integration_to_gql(row)


def add_iam_integration(
    state: EmulatorState,
    integration_name: str = "emulator-integration",
    provider: str = "AWS",
    is_org_default: bool = True,
    valid: bool = True,
    settings: dict[str, Any] | None = None,
) -> str:
    """Test control: add an IAM integration to the organisation; returns its id.

    (``integration_name``, not ``name``: ``control(name, **kwargs)`` takes the control's name.)

    Another default integration stops being the default (the SDK refuses two).
    """
    if provider not in PROVIDERS:
        raise ValueError(f"provider must be one of {sorted(PROVIDERS)}")
    if settings is None:
        defaults: dict[str, dict[str, Any]] = {
            "AWS": {"roleArn": "arn:aws:iam::000000000000:role/emulator", "readBucket": None},
            "GCP": {"serviceAccountEmailId": "emulator@example.iam", "readBucket": "bucket"},
            "Azure": {"readContainerUrl": "https://example.blob/container", "tenantId": "t"},
        }
        settings = defaults[provider]
    integration_id = state.store.new_id()
    stamp = now_iso()
    with state.store.transaction() as conn:
        if is_org_default:
            conn.execute(
                "UPDATE iam_integrations SET is_org_default = 0 WHERE org_id = ?", (state.org_id,)
            )
        conn.execute(
            "INSERT INTO iam_integrations (id, org_id, name, provider, valid, is_org_default,"
            " settings, created_at, updated_at, last_valid_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                integration_id,
                state.org_id,
                integration_name,
                provider,
                int(valid),
                int(is_org_default),
                dumps(settings),
                stamp,
                stamp,
                stamp if valid else None,
            ),
        )
    return integration_id


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """No integration by default: the official SDK's create_dataset then makes one request."""


BINDABLES = [query, mutation, dataset_type, org_type, settings_union]
CONTROLS = {"add_iam_integration": add_iam_integration}
