"""Organisation administration with aiolabel against the in-process emulator: roles, invitations
and the seat limit, members' organisation and project roles, removal, resource tags, IAM
integrations, relationships. Each test reads the server's state afterwards."""

from __future__ import annotations

import pytest

from aiolabel import (
    AsyncClient,
    InputError,
    InputTypeError,
    MediaType,
    OperationNotAllowedException,
    ProjectRole,
    Role,
)
from aiolabel.emulator import Emulator
from tests.integration._support import requests, sql


async def test_get_roles_is_fetched_once(client: AsyncClient, emu: Emulator) -> None:
    roles = await client.get_roles()
    assert set(roles) == {"NONE", "LABELER", "REVIEWER", "TEAM_MANAGER", "ADMIN"}
    stored = {r["name"]: r["id"] for r in sql(emu, "SELECT * FROM roles")}
    assert roles["TEAM_MANAGER"].uid == stored["Team Manager"]
    await client.get_roles()
    assert requests(emu)["GetAvailableUserRolesPyApi"] == 1


async def test_invite_and_the_limit(client: AsyncClient, emu: Emulator) -> None:
    org = await client.get_organization()
    roles = await client.get_roles()
    emu.control("set_invite_limit", limit=2)
    limit = await org.invite_limit()
    assert (limit.used, limit.limit, limit.remaining) == (1, 2, 1)
    invite = await org.invite_user("a@example.com", roles["REVIEWER"])
    assert (invite.email, invite.organization_role_name) == ("a@example.com", "Reviewer")
    [stored] = sql(emu, "SELECT * FROM invites")
    assert (stored["id"], stored["email"]) == (invite.uid, "a@example.com")
    with pytest.raises(OperationNotAllowedException, match="Invite limit"):
        await org.invite_user("b@example.com", roles["REVIEWER"])
    assert len(sql(emu, "SELECT * FROM invites")) == 1


async def test_bad_invites_fail_before_any_request(client: AsyncClient, emu: Emulator) -> None:
    org = await client.get_organization()
    roles = await client.get_roles()
    project = await client.create_project("p", MediaType.Image)
    before = sum(requests(emu).values())
    with pytest.raises(InputError, match="email"):
        await org.invite_user("nope", roles["LABELER"])
    with pytest.raises(InputError, match="no role"):
        await org.invite_user("a@example.com", Role(id="cghost000000000000000000", name="X"))
    with pytest.raises(InputTypeError, match="Role"):
        await org.invite_user("a@example.com", "LABELER")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="expected `NONE`"):
        await org.invite_user(
            "a@example.com",
            roles["LABELER"],
            project_roles=[ProjectRole(project=project, role=roles["REVIEWER"])],
        )
    assert sum(requests(emu).values()) == before
    assert sql(emu, "SELECT * FROM invites") == []


async def test_project_based_member_roles(client: AsyncClient, emu: Emulator) -> None:
    org = await client.get_organization()
    roles = await client.get_roles()
    project = await client.create_project("p", MediaType.Image)
    other = await client.create_project("q", MediaType.Image)
    invite = await org.invite_user(
        "pb@example.com",
        roles["NONE"],
        project_roles=[ProjectRole(project=project, role=roles["LABELER"])],
    )
    assert invite.organization_role_name == "None"
    user_id = emu.control("accept_invite", email="pb@example.com")
    user = next(u for u in await org.users().to_list() if u.uid == user_id)
    assert (await user.org_role()).name == "NONE"

    await user.upsert_project_role(other, roles["REVIEWER"])
    stored = sql(
        emu, "SELECT project_id, role_id FROM project_memberships WHERE user_id = ?", user_id
    )
    assert {(r[0], r[1]) for r in stored} == {
        (project.uid, roles["LABELER"].uid),
        (other.uid, roles["REVIEWER"].uid),
    }
    await user.remove_from_project(project)
    stored = sql(emu, "SELECT project_id FROM project_memberships WHERE user_id = ?", user_id)
    assert [r[0] for r in stored] == [other.uid]

    await user.update_org_role(roles["LABELER"])
    assert (await user.org_role()).name == "LABELER"
    with pytest.raises(InputError, match="not project based"):
        await user.upsert_project_role(other, roles["REVIEWER"])


async def test_remove_user(client: AsyncClient, emu: Emulator) -> None:
    org = await client.get_organization()
    await org.invite_user("gone@example.com", (await client.get_roles())["LABELER"])
    user_id = emu.control("accept_invite", email="gone@example.com")
    [user] = [u for u in await org.users().to_list() if u.uid == user_id]
    await org.remove_user(user)
    assert sql(emu, "SELECT * FROM users WHERE id = ?", user_id) == []
    assert user_id not in {u.uid for u in await org.users().to_list()}


async def test_resource_tags(client: AsyncClient, emu: Emulator) -> None:
    org = await client.get_organization()
    red = await org.create_resource_tag({"text": "red", "color": "ff0000"})
    green = await org.create_resource_tag({"text": "green", "color": "00ff00"})
    assert [t.uid for t in await org.get_resource_tags()] == [red.uid, green.uid]
    before = sum(requests(emu).values())
    for bad in ({"text": "x", "color": "red"}, {"text": "x", "color": "fffff"}, {"text": "x"}):
        with pytest.raises(InputError):
            await org.create_resource_tag(bad)
    assert sum(requests(emu).values()) == before
    project = await client.create_project("p", MediaType.Image)
    tags = await project.update_project_resource_tags([green.uid, red.uid])
    assert [t.text for t in tags] == ["green", "red"]
    stored = sql(
        emu,
        "SELECT tag_id FROM project_resource_tags WHERE project_id = ? ORDER BY position",
        project.uid,
    )
    assert [r[0] for r in stored] == [green.uid, red.uid]
    assert [t.uid for t in await project.get_resource_tags()] == [green.uid, red.uid]


async def test_iam_integrations(client: AsyncClient, emu: Emulator) -> None:
    org = await client.get_organization()
    assert await org.get_default_iam_integration() is None
    made = emu.control("add_iam_integration", integration_name="aws")
    emu.control("add_iam_integration", integration_name="gcp", provider="GCP", is_org_default=False)
    assert [i.name for i in await org.get_iam_integrations()] == ["aws", "gcp"]
    default = await org.get_default_iam_integration()
    assert default is not None
    assert default.uid == made


async def test_relationships(client: AsyncClient, emu: Emulator) -> None:
    user = await client.get_user()
    org = await client.get_organization()
    project = await client.create_project("mine", MediaType.Image)
    assert [p.uid for p in await user.projects().to_list()] == [project.uid]
    assert [p.uid for p in await org.projects().to_list()] == [project.uid]
    assert (await user.organization()).uid == org.uid
    assert (await project.created_by()).uid == user.uid
    assert (await project.organization()).uid == org.uid
    dataset = await client.create_dataset("d", iam_integration=None)
    task = await dataset.export()
    await task.wait_till_done()
    assert task.uid in {t.uid for t in await user.created_tasks().to_list()}
