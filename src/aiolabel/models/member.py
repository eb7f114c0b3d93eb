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
    """One member of a project: the user, the role, and how the access was granted.

    ``await member.user()`` and ``await member.role()`` are methods, as in the official SDK;
    both come with the member (no request).
    """

    uid: str = Field(alias="id")
    cached_user: User = Field(alias="user")
    cached_role: Role = Field(alias="role")
    access_from: str | None = None

    async def user(self) -> User:
        return self.cached_user

    async def role(self) -> Role:
        return self.cached_role
