"""The official SDK's administration calls against the emulator over HTTP: roles, invitations and
the invite limit, organisation and project roles, removal, resource tags, IAM integrations."""

from __future__ import annotations

import labelbox
import pytest
from labelbox.schema.role import ProjectRole
from lbox import exceptions as lbx

from aiolabel.emulator import EmulatorServer


def test_roles_are_the_services_and_stable(lb_client: labelbox.Client) -> None:
    roles = lb_client.get_roles()
    assert set(roles) == {"NONE", "LABELER", "REVIEWER", "TEAM_MANAGER", "ADMIN"}
    assert all(role.uid for role in roles.values())


def test_invite_counts_against_the_limit_and_is_refused_past_it(
    lb_client: labelbox.Client, emulator: EmulatorServer
) -> None:
    org = lb_client.get_organization()
    roles = lb_client.get_roles()
    emulator.control("set_invite_limit", limit=3)
    before = org.invite_limit()
    assert (before.used, before.limit, before.remaining) == (1, 3, 2)
    invite = org.invite_user("new@example.com", roles["LABELER"])
    assert invite.email == "new@example.com"
    assert invite.organization_role_name == "Labeler"
    assert org.invite_limit().remaining == 1
    org.invite_user("second@example.com", roles["REVIEWER"])
    with pytest.raises(lbx.OperationNotAllowedException, match="Invite limit"):
        org.invite_user("third@example.com", roles["REVIEWER"])
    assert org.invite_limit().used == 3


def test_invalid_email_and_unknown_role_are_refused(lb_client: labelbox.Client) -> None:
    org = lb_client.get_organization()
    roles = lb_client.get_roles()
    with pytest.raises(lbx.LabelboxError, match="Invalid email"):
        org.invite_user("not-an-address", roles["LABELER"])
    ghost = labelbox.Role(lb_client, {"id": "cnosuchrole00000000000000", "name": "GHOST"})
    with pytest.raises(lbx.LabelboxError):
        org.invite_user("x@example.com", ghost)
    assert org.invite_limit().used == 1


def test_project_based_invite_becomes_a_project_member(
    lb_client: labelbox.Client, emulator: EmulatorServer
) -> None:
    org = lb_client.get_organization()
    roles = lb_client.get_roles()
    project = lb_client.create_project(name="p", media_type=labelbox.MediaType.Image)
    other = lb_client.create_project(name="q", media_type=labelbox.MediaType.Image)
    invite = org.invite_user(
        "pb@example.com",
        roles["NONE"],
        project_roles=[ProjectRole(project=project, role=roles["REVIEWER"])],
    )
    assert invite.organization_role_name == "None"
    user_id = emulator.control("accept_invite", email="pb@example.com")
    user = next(u for u in org.users() if u.uid == user_id)
    assert user.org_role().name == "None"
    members = {m.user().uid: m for m in project.members()}
    assert members[user_id].role().name == "Reviewer"
    assert members[user_id].access_from == "PROJECT_MEMBERSHIP"
    assert user_id not in {m.user().uid for m in other.members()}

    user.upsert_project_role(other, roles["LABELER"])
    assert {m.user().uid: m.role().name for m in other.members()}[user_id] == "Labeler"
    user.remove_from_project(project)
    assert user_id not in {m.user().uid for m in project.members()}

    user.update_org_role(roles["LABELER"])
    assert user.org_role().name == "Labeler"
    access = {m.user().uid: m.access_from for m in project.members()}
    assert access[user_id] == "ORGANIZATION"
    with pytest.raises(ValueError, match="not project based"):
        user.upsert_project_role(project, roles["REVIEWER"])


def test_remove_user_takes_the_member_out(
    lb_client: labelbox.Client, emulator: EmulatorServer
) -> None:
    org = lb_client.get_organization()
    org.invite_user("gone@example.com", lb_client.get_roles()["LABELER"])
    user_id = emulator.control("accept_invite", email="gone@example.com")
    assert user_id in {u.uid for u in org.users()}
    user = next(u for u in org.users() if u.uid == user_id)
    org.remove_user(user)
    assert user_id not in {u.uid for u in org.users()}
    with pytest.raises(lbx.OperationNotAllowedException, match="yourself"):
        org.remove_user(lb_client.get_user())


def test_resource_tags_of_the_organisation_and_a_project(lb_client: labelbox.Client) -> None:
    org = lb_client.get_organization()
    red = org.create_resource_tag({"text": "red", "color": "ff0000"})
    blue = org.create_resource_tag({"text": "blue", "color": "0000ff"})
    assert (red.text, red.color) == ("red", "ff0000")
    assert [t.uid for t in org.get_resource_tags()] == [red.uid, blue.uid]
    with pytest.raises(lbx.LabelboxError, match="color"):
        org.create_resource_tag({"text": "bad", "color": "not-a-colour"})
    project = lb_client.create_project(name="p", media_type=labelbox.MediaType.Image)
    assert project.get_resource_tags() == []
    tags = project.update_project_resource_tags([blue.uid, red.uid])
    assert [t.uid for t in tags] == [blue.uid, red.uid]
    assert [t.text for t in project.get_resource_tags()] == ["blue", "red"]
    project.update_project_resource_tags([red.uid])
    assert [t.uid for t in project.get_resource_tags()] == [red.uid]
    with pytest.raises(lbx.LabelboxError):
        project.update_project_resource_tags(["cnosuchtag000000000000000"])


def test_iam_integrations_and_the_default(
    lb_client: labelbox.Client, emulator: EmulatorServer
) -> None:
    org = lb_client.get_organization()
    assert org.get_iam_integrations() == []
    assert org.get_default_iam_integration() is None
    emulator.control("add_iam_integration", integration_name="aws", is_org_default=True)
    emulator.control(
        "add_iam_integration", integration_name="gcp", provider="GCP", is_org_default=False
    )
    names = [i.name for i in org.get_iam_integrations()]
    assert names == ["aws", "gcp"]
    default = org.get_default_iam_integration()
    assert default is not None
    assert default.name == "aws"


def test_user_relationships(lb_client: labelbox.Client) -> None:
    user = lb_client.get_user()
    project = lb_client.create_project(name="mine", media_type=labelbox.MediaType.Image)
    assert project.uid in {p.uid for p in user.projects()}
    assert user.organization().uid == lb_client.get_organization().uid
    assert project.created_by().uid == user.uid
    assert project.organization().uid == lb_client.get_organization().uid
