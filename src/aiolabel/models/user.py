"""The API key's user and organization (minimal, with the official field names)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import Field

from aiolabel.models.base import DateTime, Model, WhereArg

if TYPE_CHECKING:
    from aiolabel.models.admin import Invite, InviteLimit, ProjectRole, ResourceTag
    from aiolabel.models.dataset import IAMIntegration
    from aiolabel.models.member import Role
    from aiolabel.models.project import Project
    from aiolabel.models.task import Task
    from aiolabel.models.webhook import Webhook
    from aiolabel.pagination import OffsetPaginator

__all__ = ["Organization", "User"]


class User(Model):
    """A Labelbox user.

    As in the official SDK, ``name`` holds the wire's ``nickname`` and ``nickname`` the wire's
    ``name`` (``labelbox/schema/user.py``).
    """

    uid: str = Field(alias="id")
    email: str | None = None
    name: str | None = Field(default=None, alias="nickname")
    nickname: str | None = Field(default=None, alias="name")
    picture: str | None = None
    is_viewer: bool | None = None
    is_external_user: bool | None = None
    created_at: DateTime | None = None
    updated_at: DateTime | None = None
    last_login_at: DateTime | None = None

    def projects(self, where: WhereArg | None = None) -> OffsetPaginator[Project]:
        """The projects this user created (``async for p in user.projects()``)."""
        return self.client._admin.user_projects(self.uid, where)

    def created_tasks(
        self, where: WhereArg | None = None, order_by: Any = None
    ) -> OffsetPaginator[Task]:
        return self.client._admin.user_created_tasks(self.uid, where, order_by)

    async def organization(self) -> Organization:
        return await self.client._admin.user_organization(self.uid)

    async def org_role(self) -> Role:
        return await self.client._admin.user_org_role(self.uid)

    async def update_org_role(self, role: Role) -> None:
        await self.client._admin.update_org_role(self.uid, role)

    async def upsert_project_role(self, project: Project, role: Role) -> None:
        """Only for project-based users (organisation role ``NONE``), as in the official SDK."""
        await self.client._admin.upsert_project_role(self.uid, project, role)

    async def remove_from_project(self, project: Project) -> None:
        await self.client._admin.remove_from_project(self.uid, project)


class Organization(Model):
    """The user's organization."""

    uid: str = Field(alias="id")
    name: str | None = None
    created_at: DateTime | None = None
    updated_at: DateTime | None = None

    def users(self, where: WhereArg | None = None) -> OffsetPaginator[User]:
        return self.client._admin.organization_users(where)

    def projects(self, where: WhereArg | None = None) -> OffsetPaginator[Project]:
        return self.client._admin.organization_projects(where)

    def webhooks(self) -> OffsetPaginator[Webhook]:
        return self.client._webhooks.organization_webhooks()

    async def invite_user(
        self, email: str, role: Role, project_roles: Sequence[ProjectRole] | None = None
    ) -> Invite:
        return await self.client._admin.invite_user(self.uid, email, role, project_roles)

    async def invite_limit(self) -> InviteLimit:
        return await self.client._admin.invite_limit(self.uid)

    async def remove_user(self, user: User) -> None:
        await self.client._admin.remove_user(user)

    async def create_resource_tag(self, tag: dict[str, str]) -> ResourceTag:
        return await self.client._admin.create_resource_tag(tag)

    async def get_resource_tags(self) -> list[ResourceTag]:
        return await self.client._admin.organization_resource_tags()

    async def get_iam_integrations(self) -> list[IAMIntegration]:
        return await self.client._admin.iam_integrations()

    async def get_default_iam_integration(self) -> IAMIntegration | None:
        return await self.client._admin.default_iam_integration()
