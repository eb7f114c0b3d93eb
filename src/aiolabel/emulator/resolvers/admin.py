"""Organisation administration: roles, invitations and the invite limit, organisation and project
roles of members, removal of members, resource tags of the organisation and of projects.

Access model (as the Labelbox app shows it): a member whose organisation role is not ``None``
reaches every project with that role (``accessFrom: ORGANIZATION``); a member with the role
``None`` is project-based and reaches only the projects of their memberships
(``accessFrom: PROJECT_MEMBERSHIP``). The key's own user starts as ``Admin``.

Invitations stay pending (nobody reads the e-mail); the test control ``accept_invite`` turns one
into a member with the invited roles. Seats: ``used`` = members + pending invites, and an
invitation past ``limit`` is refused (the control ``set_invite_limit`` changes the limit).
"""

from __future__ import annotations

import json
import re
import sqlite3
from typing import TYPE_CHECKING, Any

from ariadne import MutationType, ObjectType, QueryType

from aiolabel.emulator.context import Info, ctx
from aiolabel.emulator.errors import BadInput, NotAllowed, NotFound
from aiolabel.emulator.resolvers.base import user_to_gql
from aiolabel.emulator.store import Store, now_iso

if TYPE_CHECKING:
    from aiolabel.emulator.state import EmulatorState

DDL = """
CREATE TABLE IF NOT EXISTS roles (
    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, position INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS user_org_roles (
    user_id TEXT PRIMARY KEY, role_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS project_memberships (
    id TEXT PRIMARY KEY, project_id TEXT NOT NULL, user_id TEXT NOT NULL, role_id TEXT NOT NULL,
    created_at TEXT NOT NULL, UNIQUE (project_id, user_id)
);
CREATE TABLE IF NOT EXISTS invites (
    id TEXT PRIMARY KEY, org_id TEXT NOT NULL, email TEXT NOT NULL, role_id TEXT NOT NULL,
    inviter_id TEXT NOT NULL, projects TEXT NOT NULL, created_at TEXT NOT NULL,
    accepted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS removed_users (
    id TEXT PRIMARY KEY, org_id TEXT NOT NULL, email TEXT NOT NULL, removed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS resource_tags (
    id TEXT PRIMARY KEY, org_id TEXT NOT NULL, text TEXT NOT NULL, color TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS project_resource_tags (
    project_id TEXT NOT NULL, tag_id TEXT NOT NULL, position INTEGER NOT NULL,
    PRIMARY KEY (project_id, tag_id)
);
"""

ROLES = {
    "None": "cjlvi90vr00017g8vr7xxcnwr",
    "Labeler": "cjlvi914y000w7g8vr7ty0dmc",
    "Reviewer": "cjlvi919b00127g8vayipbaie",
    "Team Manager": "cjlvi919q00137g8vh7gitfdc",
    "Admin": "cjlvi91a900147g8v8pyvnruo",
}
"""The roles, as the service names them (the official SDK upper-cases them: ``TEAM_MANAGER``),
with ids that never change: the official SDK caches the roles for the life of the process, so
they must survive an emulator reset."""
DEFAULT_ROLE = "Admin"
DEFAULT_INVITE_LIMIT = 25
INVITE_LIMIT_KEY = "invite_limit"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
"""An address with a local part, a domain and a dot in the domain."""
COLOR = re.compile(r"^#?[0-9a-fA-F]{6}$")
"""A resource tag colour: six hex digits (``ffffff``), optionally after ``#``."""
TAG_TEXT_MAX = 100

query = QueryType()
mutation = MutationType()
user_type = ObjectType("User")
org_type = ObjectType("Organization")
project_type = ObjectType("Project")
mutations_type = ObjectType("ProjectMutations")
invite_type = ObjectType("Invite")


# -- roles --------------------------------------------------------------------------------------


def role_to_gql(row: sqlite3.Row) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"]}


def _role(conn: sqlite3.Connection, role_id: str) -> sqlite3.Row:
    """A role by id; an unknown id is bad input (a role is an argument, not the target)."""
    row = conn.execute("SELECT * FROM roles WHERE id = ?", (role_id,)).fetchone()
    if row is None:
        raise BadInput(f"Role {role_id} does not exist")
    assert isinstance(row, sqlite3.Row)
    return row


def _role_by_name(conn: sqlite3.Connection, name: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM roles WHERE name = ?", (name,)).fetchone()
    assert isinstance(row, sqlite3.Row), f"role {name} not seeded"
    return row


def org_role(conn: sqlite3.Connection, user_id: str) -> sqlite3.Row:
    """A member's organisation role (``Admin`` unless set)."""
    row = conn.execute(
        "SELECT r.* FROM user_org_roles u JOIN roles r ON r.id = u.role_id WHERE u.user_id = ?",
        (user_id,),
    ).fetchone()
    return row if isinstance(row, sqlite3.Row) else _role_by_name(conn, DEFAULT_ROLE)


@query.field("roles")
def resolve_roles(_: Any, info: Info) -> Any:
    rows = ctx(info).conn.execute("SELECT * FROM roles ORDER BY position").fetchall()
    return [role_to_gql(r) for r in rows]


@user_type.field("orgRole")
def resolve_org_role(user: dict[str, Any], info: Info) -> Any:
    return role_to_gql(org_role(ctx(info).conn, user["id"]))


@user_type.field("deleted")
def resolve_user_deleted(user: dict[str, Any], info: Info) -> bool:
    return bool(user.get("_deleted", False))


def _member(conn: sqlite3.Connection, org_id: str, user_id: str) -> sqlite3.Row:
    row = conn.execute(
        "SELECT * FROM users WHERE id = ? AND org_id = ?", (user_id, org_id)
    ).fetchone()
    if row is None:
        raise NotFound(f"User {user_id} not found")
    assert isinstance(row, sqlite3.Row)
    return row


@mutation.field("setOrganizationRole")
def resolve_set_org_role(_: Any, info: Info, data: dict[str, Any]) -> Any:
    c = ctx(info)
    user = _member(c.conn, c.org_id, data["userId"])
    role = _role(c.conn, data["roleId"])
    if user["id"] == c.user_id and role["name"] != DEFAULT_ROLE:
        raise NotAllowed("You cannot change your own organization role")
    c.conn.execute(
        "INSERT INTO user_org_roles (user_id, role_id) VALUES (?, ?)"
        " ON CONFLICT(user_id) DO UPDATE SET role_id = excluded.role_id",
        (user["id"], role["id"]),
    )
    return role_to_gql(role)


@mutation.field("setProjectMembership")
def resolve_set_project_membership(_: Any, info: Info, data: dict[str, Any]) -> Any:
    """Give a project-based member a role on one project; role ``None`` removes it."""
    from aiolabel.emulator.resolvers.projects import load_project

    c = ctx(info)
    user = _member(c.conn, c.org_id, data["userId"])
    role = _role(c.conn, data["roleId"])
    project = load_project(c.conn, c.org_id, data["projectId"])
    if org_role(c.conn, user["id"])["name"] != "None":
        raise BadInput("User is not project based and has access to all projects")
    if role["name"] == "None":
        found = c.conn.execute(
            "SELECT id FROM project_memberships WHERE project_id = ? AND user_id = ?",
            (project["id"], user["id"]),
        ).fetchone()
        c.conn.execute(
            "DELETE FROM project_memberships WHERE project_id = ? AND user_id = ?",
            (project["id"], user["id"]),
        )
        membership_id = found["id"] if found is not None else c.new_id()
    else:
        membership_id = c.new_id()
        c.conn.execute(
            "INSERT INTO project_memberships (id, project_id, user_id, role_id, created_at)"
            " VALUES (?,?,?,?,?) ON CONFLICT(project_id, user_id) DO UPDATE SET"
            " role_id = excluded.role_id",
            (membership_id, project["id"], user["id"], role["id"], now_iso()),
        )
        membership_id = c.conn.execute(
            "SELECT id FROM project_memberships WHERE project_id = ? AND user_id = ?",
            (project["id"], user["id"]),
        ).fetchone()["id"]
    return {"id": membership_id, "role": role_to_gql(role), "accessFrom": "PROJECT_MEMBERSHIP"}


def project_members(
    conn: sqlite3.Connection, org_id: str, project_id: str, offset: int, limit: int
) -> list[dict[str, Any]]:
    """One page of a project's members: members with an organisation role (that role, from
    ORGANIZATION), then project-based members with a membership (from PROJECT_MEMBERSHIP)."""
    rows = conn.execute(
        "SELECT u.*, COALESCE(o.role_id, (SELECT id FROM roles WHERE name = ?)) AS org_role_id,"
        " m.role_id AS member_role_id, m.id AS membership_id"
        " FROM users u LEFT JOIN user_org_roles o ON o.user_id = u.id"
        " LEFT JOIN project_memberships m ON m.user_id = u.id AND m.project_id = ?"
        " WHERE u.org_id = ? ORDER BY u.created_at, u.id",
        (DEFAULT_ROLE, project_id, org_id),
    ).fetchall()
    none_id = _role_by_name(conn, "None")["id"]
    members: list[dict[str, Any]] = []
    for row in rows:
        if row["org_role_id"] != none_id:
            role, access, member_id = row["org_role_id"], "ORGANIZATION", row["id"]
        elif row["member_role_id"] is not None:
            role, access, member_id = row["member_role_id"], "PROJECT_MEMBERSHIP", row["id"]
        else:
            continue
        members.append(
            {
                "id": member_id,
                "user": user_to_gql(row),
                "role": role_to_gql(_role(conn, role)),
                "accessFrom": access,
            }
        )
    return members[offset : offset + limit]


# -- removal ------------------------------------------------------------------------------------


@mutation.field("updateUser")
def resolve_update_user(_: Any, info: Info, where: dict[str, Any], data: dict[str, Any]) -> Any:
    """Only ``deleted: true``: the member leaves the organisation (their work stays)."""
    c = ctx(info)
    if data.get("deleted") is not True:
        raise BadInput("updateUser accepts only data: {deleted: true}")
    user = _member(c.conn, c.org_id, where["id"])
    if user["id"] == c.user_id:
        raise NotAllowed("You cannot remove yourself from the organization")
    shape = user_to_gql(user) | {"_deleted": True}
    c.conn.execute(
        "INSERT OR REPLACE INTO removed_users (id, org_id, email, removed_at) VALUES (?,?,?,?)",
        (user["id"], c.org_id, user["email"], now_iso()),
    )
    for table, column in (
        ("users", "id"),
        ("user_org_roles", "user_id"),
        ("project_memberships", "user_id"),
    ):
        c.conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (user["id"],))
    return shape


# -- invitations --------------------------------------------------------------------------------


def invite_limit(conn: sqlite3.Connection, org_id: str) -> dict[str, int]:
    limit = int(Store.get_meta(conn, INVITE_LIMIT_KEY) or DEFAULT_INVITE_LIMIT)
    members = conn.execute("SELECT COUNT(*) FROM users WHERE org_id = ?", (org_id,)).fetchone()[0]
    pending = conn.execute(
        "SELECT COUNT(*) FROM invites WHERE org_id = ? AND accepted = 0", (org_id,)
    ).fetchone()[0]
    used = int(members) + int(pending)
    return {"used": used, "limit": limit, "remaining": max(limit - used, 0)}


@query.field("invitesLimit")
def resolve_invites_limit(_: Any, info: Info, where: dict[str, Any]) -> Any:
    c = ctx(info)
    if where["id"] != c.org_id:
        raise NotFound(f"Organization {where['id']} not found")
    return invite_limit(c.conn, c.org_id)


def invite_to_gql(conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    projects = json.loads(row["projects"])
    return {
        "id": row["id"],
        "createdAt": row["created_at"],
        "organizationRoleName": _role(conn, row["role_id"])["name"],
        "inviteeEmail": row["email"],
        "_inviter": row["inviter_id"],
        "projectInvites": [
            {
                "id": f"{row['id']}-{i}",
                "projectId": p["projectId"],
                "projectRoleName": _role(conn, p["projectRoleId"])["name"],
            }
            for i, p in enumerate(projects)
        ],
    }


@invite_type.field("inviter")
def resolve_inviter(invite: dict[str, Any], info: Info) -> Any:
    row = ctx(info).conn.execute("SELECT * FROM users WHERE id = ?", (invite["_inviter"],))
    found = row.fetchone()
    return None if found is None else user_to_gql(found)


def _check_invite(c: Any, spec: dict[str, Any], batch_emails: set[str]) -> dict[str, Any]:
    from aiolabel.emulator.resolvers.projects import load_project

    email = spec["inviteeEmail"].strip()
    if not EMAIL.match(email) or len(email) > 320:
        raise BadInput(f"Invalid email address: {spec['inviteeEmail']!r}")
    if spec["organizationId"] != c.org_id:
        raise NotFound(f"Organization {spec['organizationId']} not found")
    _member(c.conn, c.org_id, spec["inviterId"])
    role = _role(c.conn, spec["organizationRoleId"])
    projects = spec.get("projects") or []
    if projects and role["name"] != "None":
        raise BadInput("Project roles can only be given to a user with the organization role None")
    if spec.get("userGroupIds") or spec.get("userGroupWithRoleIds"):
        raise NotFound("User group not found")
    for project in projects:
        load_project(c.conn, c.org_id, project["projectId"])
        _role(c.conn, project["projectRoleId"])
    key = email.lower()
    if key in batch_emails:
        raise BadInput(f"{email} is invited twice in this request")
    member = c.conn.execute(
        "SELECT 1 FROM users WHERE org_id = ? AND lower(email) = ?", (c.org_id, key)
    ).fetchone()
    if member is not None:
        raise BadInput(f"{email} is already a member of the organization")
    return {"email": email, "role": role, "projects": projects}


@mutation.field("createInvites")
def resolve_create_invites(_: Any, info: Info, data: list[dict[str, Any]] | None = None) -> Any:
    """One invitation per entry; all or nothing. Past the seat limit: refused."""
    c = ctx(info)
    specs = data or []
    seen: set[str] = set()
    checked = []
    for spec in specs:
        item = _check_invite(c, spec, seen)
        seen.add(item["email"].lower())
        checked.append(item)
    seats = invite_limit(c.conn, c.org_id)
    if len(checked) > seats["remaining"]:
        raise NotAllowed(
            f"Invite limit reached: {seats['used']} of {seats['limit']} seats used,"
            f" {len(checked)} invites requested"
        )
    results = []
    stamp = now_iso()
    for spec, item in zip(specs, checked, strict=True):
        invite_id = c.new_id()
        c.conn.execute(
            "INSERT INTO invites (id, org_id, email, role_id, inviter_id, projects, created_at)"
            " VALUES (?,?,?,?,?,?,?)",
            (
                invite_id,
                c.org_id,
                item["email"],
                item["role"]["id"],
                spec["inviterId"],
                json.dumps(item["projects"]),
                stamp,
            ),
        )
        row = c.conn.execute("SELECT * FROM invites WHERE id = ?", (invite_id,)).fetchone()
        results.append({"invite": invite_to_gql(c.conn, row)})
    return results


# -- resource tags ------------------------------------------------------------------------------


def tag_to_gql(row: sqlite3.Row) -> dict[str, Any]:
    return {"id": row["id"], "text": row["text"], "color": row["color"]}


@mutation.field("createResourceTag")
def resolve_create_resource_tag(_: Any, info: Info, input: dict[str, Any]) -> Any:
    c = ctx(info)
    text, color = input["text"].strip(), input["color"]
    if not text or len(text) > TAG_TEXT_MAX:
        raise BadInput(f"Resource tag text must be 1 to {TAG_TEXT_MAX} characters")
    if not COLOR.match(color):
        raise BadInput(f"Resource tag color must be six hex digits (ffffff), got {color!r}")
    taken = c.conn.execute(
        "SELECT 1 FROM resource_tags WHERE org_id = ? AND text = ?", (c.org_id, text)
    ).fetchone()
    if taken is not None:
        raise BadInput(f"A resource tag named {text!r} already exists")
    tag_id = c.new_id()
    c.conn.execute(
        "INSERT INTO resource_tags (id, org_id, text, color, created_at) VALUES (?,?,?,?,?)",
        (tag_id, c.org_id, text, color, now_iso()),
    )
    return {"id": tag_id, "text": text, "color": color}


@org_type.field("resourceTag")
def resolve_org_tags(org: dict[str, Any], info: Info) -> Any:
    rows = (
        ctx(info)
        .conn.execute(
            "SELECT * FROM resource_tags WHERE org_id = ? ORDER BY created_at, id", (org["id"],)
        )
        .fetchall()
    )
    return [tag_to_gql(r) for r in rows]


def _project_tags(conn: sqlite3.Connection, project_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT t.* FROM project_resource_tags p JOIN resource_tags t ON t.id = p.tag_id"
        " WHERE p.project_id = ? ORDER BY p.position",
        (project_id,),
    ).fetchall()
    return [tag_to_gql(r) for r in rows]


@project_type.field("resourceTags")
def resolve_project_tags(project: dict[str, Any], info: Info) -> Any:
    return _project_tags(ctx(info).conn, project["id"])


@mutations_type.field("updateProjectResourceTags")
def resolve_update_project_tags(project: dict[str, Any], info: Info, input: dict[str, Any]) -> Any:
    c = ctx(info)
    ids = list(dict.fromkeys(input.get("resourceTagIds") or []))
    for tag_id in ids:
        found = c.conn.execute(
            "SELECT 1 FROM resource_tags WHERE id = ? AND org_id = ?", (tag_id, c.org_id)
        ).fetchone()
        if found is None:
            raise BadInput(f"Resource tag {tag_id} does not exist")
    c.conn.execute("DELETE FROM project_resource_tags WHERE project_id = ?", (project["id"],))
    c.conn.executemany(
        "INSERT INTO project_resource_tags (project_id, tag_id, position) VALUES (?,?,?)",
        [(project["id"], tag_id, i) for i, tag_id in enumerate(ids)],
    )
    return _project_tags(c.conn, project["id"])


# -- seed and test controls ---------------------------------------------------------------------


def seed(conn: sqlite3.Connection, org_id: str, user_id: str) -> None:
    """The roles."""
    for position, (name, role_id) in enumerate(ROLES.items()):
        conn.execute(
            "INSERT OR IGNORE INTO roles (id, name, position) VALUES (?,?,?)",
            (role_id, name, position),
        )


def set_invite_limit(state: EmulatorState, limit: int) -> dict[str, int]:
    """Test control: the organisation's seat limit; returns the new invite limit."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise ValueError("limit must be a non-negative integer")
    with state.store.transaction() as conn:
        Store.set_meta(conn, INVITE_LIMIT_KEY, str(limit))
        return invite_limit(conn, state.org_id)


def accept_invite(state: EmulatorState, email: str) -> str:
    """Test control: the pending invitation of ``email`` is accepted; returns the new user id.

    The user gets the invited organisation role and project memberships.
    """
    with state.store.transaction() as conn:
        invite = conn.execute(
            "SELECT * FROM invites WHERE org_id = ? AND lower(email) = ? AND accepted = 0"
            " ORDER BY created_at DESC LIMIT 1",
            (state.org_id, email.strip().lower()),
        ).fetchone()
        if invite is None:
            raise KeyError(f"no pending invitation for {email}")
        user_id = state.store.new_id()
        stamp = now_iso()
        local = invite["email"].split("@")[0]
        conn.execute(
            "INSERT INTO users (id, org_id, email, name, nickname, timezone, created_at,"
            " updated_at) VALUES (?,?,?,?,?,?,?,?)",
            (user_id, state.org_id, invite["email"], local, local, None, stamp, stamp),
        )
        conn.execute(
            "INSERT INTO user_org_roles (user_id, role_id) VALUES (?,?)",
            (user_id, invite["role_id"]),
        )
        for project in json.loads(invite["projects"]):
            conn.execute(
                "INSERT OR REPLACE INTO project_memberships"
                " (id, project_id, user_id, role_id, created_at) VALUES (?,?,?,?,?)",
                (
                    state.store.new_id(),
                    project["projectId"],
                    user_id,
                    project["projectRoleId"],
                    stamp,
                ),
            )
        conn.execute("UPDATE invites SET accepted = 1 WHERE id = ?", (invite["id"],))
    return user_id


BINDABLES = [query, mutation, user_type, org_type, project_type, mutations_type, invite_type]
CONTROLS = {"set_invite_limit": set_invite_limit, "accept_invite": accept_invite}
