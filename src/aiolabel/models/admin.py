"""Organisation administration data: invitations, the invite limit, resource tags, project
roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from pydantic import Field

from aiolabel.models.base import DateTime, Model
from aiolabel.models.member import Role

if TYPE_CHECKING:
    from aiolabel.models.project import Project

__all__ = ["Invite", "InviteLimit", "ProjectInvite", "ProjectRole", "ResourceTag"]


@dataclass(frozen=True)
class ProjectRole:
    """A role on one project, for ``organization.invite_user(..., project_roles=[...])``."""

    project: Project
    role: Role


class ProjectInvite(Model):
    """One project of an invitation, with the role the invitee will have there."""

    uid: str = Field(alias="id")
    project_id: str
    project_role_name: str


class Invite(Model):
    """A pending invitation to the organisation."""

    uid: str = Field(alias="id")
    created_at: DateTime | None = None
    organization_role_name: str | None = None
    email: str | None = Field(default=None, alias="inviteeEmail")
    project_invites: tuple[ProjectInvite, ...] = ()


class InviteLimit(Model):
    """Seats of the organisation: ``used`` counts members and pending invitations."""

    remaining: int
    used: int
    limit: int


class ResourceTag(Model):
    """A tag (text and colour) of the organisation that projects can carry."""

    uid: str = Field(alias="id")
    text: str
    color: str

    _OTHER_SPELLINGS: ClassVar[dict[str, str]] = {
        "update": "SDK 7.17 sends no operation the service documents for it: create tags with"
        " `organization.create_resource_tag(...)`, set a project's with"
        " `project.update_project_resource_tags(ids)`",
        "project_resource_tag": "SDK 7.17 sends no operation the service documents for it:"
        " `await project.get_resource_tags()`",
    }
