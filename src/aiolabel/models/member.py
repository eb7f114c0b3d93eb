"""ProjectMember: a user's membership of a project, with its role."""

from __future__ import annotations

from pydantic import Field

from aiolabel.models.base import Model
from aiolabel.models.user import User

__all__ = ["ProjectMember", "Role"]


class Role(Model):
    """A role (``LABELER``, ``REVIEWER``, ``ADMIN``...)."""

    uid: str = Field(alias="id")
    name: str | None = None


class ProjectMember(Model):
    """One member of a project: the user, the role, and how the access was granted."""

    uid: str = Field(alias="id")
    user: User
    role: Role
    access_from: str | None = None
