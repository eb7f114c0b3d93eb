"""Labelling instructions (``setProjectInstructions``): the uploaded file's URL is kept with the
project's connected ontology and read back as ``ontology.options.instructionsUrl``. A project
without an ontology is refused, as the app requires one before instructions."""

from __future__ import annotations

import sqlite3
from typing import Any
from urllib.parse import urlsplit

from ariadne import MutationType, ObjectType

from aiolabel.emulator.context import Info, ctx
from aiolabel.emulator.errors import BadInput
from aiolabel.emulator.store import now_iso

DDL = """
CREATE TABLE IF NOT EXISTS ontology_instructions (
    ontology_id TEXT PRIMARY KEY, instructions_url TEXT NOT NULL, updated_at TEXT NOT NULL
);
"""

mutation = MutationType()
ontology_type = ObjectType("Ontology")


@ontology_type.field("options")
def resolve_options(ontology: dict[str, Any], info: Info) -> Any:
    row = (
        ctx(info)
        .conn.execute(
            "SELECT instructions_url FROM ontology_instructions WHERE ontology_id = ?",
            (ontology["id"],),
        )
        .fetchone()
    )
    return None if row is None else {"instructionsUrl": row["instructions_url"]}


@mutation.field("setProjectInstructions")
def resolve_set_instructions(
    _: Any, info: Info, where: dict[str, Any], data: dict[str, Any]
) -> Any:
    from aiolabel.emulator.resolvers.ontologies import (
        load_ontology,
        ontology_to_gql,
        project_ontology_id,
    )
    from aiolabel.emulator.resolvers.projects import load_project, project_to_gql

    c = ctx(info)
    project = load_project(c.conn, c.org_id, where["id"])
    url = data["instructionsUrl"]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput(f"instructionsUrl must be an http(s) URL, got {url!r}")
    ontology_id = project_ontology_id(c.conn, project["id"])
    if ontology_id is None:
        raise BadInput("Connect an ontology to the project before setting instructions")
    c.conn.execute(
        "INSERT INTO ontology_instructions (ontology_id, instructions_url, updated_at)"
        " VALUES (?,?,?) ON CONFLICT(ontology_id) DO UPDATE SET"
        " instructions_url = excluded.instructions_url, updated_at = excluded.updated_at",
        (ontology_id, url, now_iso()),
    )
    shape = project_to_gql(c.conn, project, count=False)
    shape["ontology"] = ontology_to_gql(c.conn, load_ontology(c.conn, c.org_id, ontology_id))
    return shape


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """No instructions at first."""


BINDABLES = [mutation, ontology_type]
