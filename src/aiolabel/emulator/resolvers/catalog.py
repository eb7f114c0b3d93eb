"""Catalog tables shared by every domain: datasets, data rows, their metadata and attachments.

The columns below are a contract other domains (projects, batches, exports) read; add columns
freely, but do not rename or drop these.

- ``data_rows.seq`` grows with every insert: order of creation, and the key of cursors.
- ``data_rows.media_type`` is always set (explicit, or inferred from the asset; see data_rows.py).
- ``deleted = 1`` rows are invisible everywhere; a deleted row's global key is free again.
- A global key is unique among an organisation's live rows.
"""

from __future__ import annotations

import sqlite3
from typing import Any

DDL = """
CREATE TABLE IF NOT EXISTS datasets (
    id TEXT PRIMARY KEY, org_id TEXT NOT NULL, created_by TEXT NOT NULL,
    name TEXT NOT NULL, description TEXT, iam_integration_id TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS datasets_by_org ON datasets (org_id, deleted, created_at);

CREATE TABLE IF NOT EXISTS data_rows (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE, org_id TEXT NOT NULL, dataset_id TEXT NOT NULL,
    global_key TEXT, external_id TEXT, row_data TEXT NOT NULL, media_type TEXT NOT NULL,
    media_attributes TEXT, created_by TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS data_rows_by_dataset ON data_rows (dataset_id, deleted, seq);
CREATE UNIQUE INDEX IF NOT EXISTS data_rows_global_key
    ON data_rows (org_id, global_key) WHERE global_key IS NOT NULL AND deleted = 0;
CREATE INDEX IF NOT EXISTS data_rows_external_id ON data_rows (org_id, external_id)
    WHERE external_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS metadata_schemas (
    id TEXT PRIMARY KEY, org_id TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,
    reserved INTEGER NOT NULL DEFAULT 0, parent_id TEXT, deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS metadata_schemas_by_org ON metadata_schemas (org_id, deleted);

CREATE TABLE IF NOT EXISTS data_row_metadata (
    data_row_id TEXT NOT NULL, schema_id TEXT NOT NULL, value TEXT,
    PRIMARY KEY (data_row_id, schema_id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS attachments (
    id TEXT PRIMARY KEY, data_row_id TEXT NOT NULL, type TEXT NOT NULL, value TEXT NOT NULL,
    name TEXT, created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS attachments_by_row ON attachments (data_row_id, created_at);
"""

BINDABLES: list[Any] = []


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """Nothing: the reserved metadata schemas are seeded by the metadata domain."""
