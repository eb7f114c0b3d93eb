"""Organisation administration: roles, members and their roles, invitations, resource tags, IAM
integrations, and the relationships of users, organisations and projects."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from aiolabel._operations import _builder as builder
from aiolabel._operations import admin as ops
from aiolabel._operations import iam as iam_ops
from aiolabel._operations._entities import ORGANIZATION, PROJECT, USER
from aiolabel._resources._base import Resource
from aiolabel._validation import no_duplicates
from aiolabel.errors import InputError, InputTypeError, LabelboxError, ResourceNotFoundError
from aiolabel.models.admin import Invite, InviteLimit, ProjectRole, ResourceTag
from aiolabel.models.base import WhereArg, as_where
from aiolabel.models.dataset import IAMIntegration
from aiolabel.models.member import Role
from aiolabel.models.user import Organization, User
from aiolabel.pagination import OffsetPaginator, dig

if TYPE_CHECKING:
    from aiolabel.models.project import Project
    from aiolabel.models.task import Task

__all__ = ["Admin", "check_color", "check_email", "format_role"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_COLOR = re.compile(r"^#?[0-9a-fA-F]{6}$")
EMAIL_MAX_LENGTH = 320
"""A longer address makes the service refuse the request (official SDK 7.17)."""


def format_role(name: str) -> str:
    """The official SDK's key of a role: ``Team Manager`` -> ``TEAM_MANAGER``."""
    return name.upper().replace(" ", "_")


def check_email(email: object) -> str:
    if not isinstance(email, str):
        raise InputTypeError(f"email must be a str, got {type(email).__name__}")
    if len(email) > EMAIL_MAX_LENGTH or not _EMAIL.match(email.strip()):
        raise InputError(f"not a valid email address: {email!r}")
    return email


def check_color(color: object) -> str:
    """Six hex digits (``ffffff``), optionally after ``#``."""
    if not isinstance(color, str) or not _COLOR.match(color):
        raise InputError(f"a resource tag color is six hex digits such as 'ffffff'; got {color!r}")
    return color


def _uid(value: object, argument: str) -> str:
    uid = getattr(value, "uid", value)
    if not isinstance(uid, str) or not uid.strip():
        raise InputTypeError(f"{argument} must be an object with a uid or a non-empty id string")
    return uid


def _role(value: object, argument: str = "role") -> Role:
    if not isinstance(value, Role):
        raise InputTypeError(
            f"{argument} must be a Role from client.get_roles(), got {type(value).__name__}"
        )
    return value


class Admin(Resource):
    """Roles, members, invitations, resource tags and IAM integrations of the organisation."""

    __slots__ = ("_roles",)

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self._roles: dict[str, Role] | None = None

    # -- roles ----------------------------------------------------------------------------------

    async def get_roles(self) -> dict[str, Role]:
        """Every role by its official key (``LABELER``, ``NONE``...), fetched once per client."""
        if self._roles is None:
            data = await self._client._execute_operation(
                ops.GET_ROLES, None, sdk_method="Client:get_roles"
            )
            roles: dict[str, Role] = {}
            for raw in data.get("roles") or []:
                role = Role.from_wire(self._client, {**raw, "name": format_role(raw["name"])})
                roles[role.name or ""] = role
            self._roles = roles
        return dict(self._roles)

    async def _checked_role(self, value: object, argument: str = "role") -> Role:
        """A role argument that must exist (checked against ``get_roles``; no request after the
        first)."""
        role = _role(value, argument)
        if role.uid not in {r.uid for r in (await self.get_roles()).values()}:
            raise InputError(f"{argument}: no role with id {role.uid!r} exists")
        return role

    # -- relationships --------------------------------------------------------------------------

    async def _to_one(self, entity: Any, uid: str | None, name: str, sdk_method: str) -> Any:
        built = builder.relationship(entity, uid, name)
        data = await self._client._execute_operation(
            built.operation, built.variables, sdk_method=sdk_method, expect_one=True
        )
        spec = entity.relationship(name)
        value = dig(data, (entity.root, spec.graphql))
        if not isinstance(value, dict):
            raise ResourceNotFoundError(spec.target, {entity.root: uid})
        return value

    def _to_many(
        self,
        entity: Any,
        uid: str | None,
        name: str,
        parse: Any,
        sdk_method: str,
        where: Any = None,
        order_by: Any = None,
    ) -> OffsetPaginator[Any]:
        spec = entity.relationship(name)
        built = builder.relationship(
            entity, uid, name, as_where(where, spec.target), order_by=order_by
        )
        return self._client._paginate_offset(
            built.operation,
            built.variables,
            (entity.root, spec.graphql),
            lambda raw: parse(self._client, raw),
            sdk_method=sdk_method,
        )

    def organization_users(self, where: WhereArg | None = None) -> OffsetPaginator[User]:
        return self._to_many(
            ORGANIZATION, None, "users", User.from_wire, "Organization:users", where
        )

    def organization_projects(self, where: WhereArg | None = None) -> OffsetPaginator[Project]:
        from aiolabel.models.project import Project

        return self._to_many(
            ORGANIZATION, None, "projects", Project.from_wire, "Organization:projects", where
        )

    def user_projects(
        self, user_id: str, where: WhereArg | None = None
    ) -> OffsetPaginator[Project]:
        from aiolabel.models.project import Project

        return self._to_many(USER, user_id, "projects", Project.from_wire, "User:projects", where)

    def user_created_tasks(
        self, user_id: str, where: WhereArg | None = None, order_by: Any = None
    ) -> OffsetPaginator[Task]:
        from aiolabel.models.task import Task

        return self._to_many(
            USER, user_id, "created_tasks", Task.from_wire, "User:created_tasks", where, order_by
        )

    async def user_organization(self, user_id: str) -> Organization:
        raw = await self._to_one(USER, user_id, "organization", "User:organization")
        return Organization.from_wire(self._client, raw)

    async def user_org_role(self, user_id: str) -> Role:
        raw = await self._to_one(USER, user_id, "org_role", "User:org_role")
        return Role.from_wire(self._client, {**raw, "name": format_role(raw.get("name") or "")})

    async def project_created_by(self, project_id: str) -> User:
        raw = await self._to_one(PROJECT, project_id, "created_by", "Project:created_by")
        return User.from_wire(self._client, raw)

    async def project_organization(self, project_id: str) -> Organization:
        raw = await self._to_one(PROJECT, project_id, "organization", "Project:organization")
        return Organization.from_wire(self._client, raw)

    # -- members' roles -------------------------------------------------------------------------

    async def update_org_role(self, user_id: str, role: Role) -> None:
        role = await self._checked_role(role)
        await self._client._execute_operation(
            ops.SET_ORGANIZATION_ROLE,
            {"userId": user_id, "roleId": role.uid},
            sdk_method="User:update_org_role",
        )

    async def upsert_project_role(self, user_id: str, project: object, role: Role) -> None:
        """The user's role on one project; only for project-based users (org role NONE)."""
        project_id = _uid(project, "project")
        role = await self._checked_role(role)
        org_role = await self.user_org_role(user_id)
        if (org_role.name or "").upper() != "NONE":
            raise InputError("User is not project based and has access to all projects")
        await self._client._execute_operation(
            ops.SET_PROJECT_MEMBERSHIP,
            {"projectId": project_id, "userId": user_id, "roleId": role.uid},
            sdk_method="User:upsert_project_role",
        )

    async def remove_from_project(self, user_id: str, project: object) -> None:
        none = (await self.get_roles()).get("NONE")
        if none is None:
            raise LabelboxError("the service has no NONE role")
        await self.upsert_project_role(user_id, project, none)

    # -- organisation members and invitations ---------------------------------------------------

    async def invite_user(
        self,
        organization_id: str,
        email: str,
        role: Role,
        project_roles: Sequence[ProjectRole] | None = None,
    ) -> Invite:
        email = check_email(email)
        role = await self._checked_role(role)
        projects = []
        for item in project_roles or []:
            if not isinstance(item, ProjectRole):
                raise InputTypeError("project_roles must be ProjectRole(project=..., role=...)")
            item_role = await self._checked_role(item.role, "project_roles[].role")
            projects.append(
                {
                    "projectId": _uid(item.project, "project_roles[].project"),
                    "projectRoleId": item_role.uid,
                }
            )
        if projects and role.name != "NONE":
            raise InputError(
                "Project roles cannot be set for a user with organization level permissions."
                f" Found role name `{role.name}`, expected `NONE`"
            )
        inviter = await self._client._current_user_id()
        data = await self._client._execute_operation(
            ops.CREATE_INVITES,
            {
                "data": [
                    {
                        "inviterId": inviter,
                        "inviteeEmail": email,
                        "organizationId": organization_id,
                        "organizationRoleId": role.uid,
                        "projects": projects,
                        "userGroupIds": [],
                        "userGroupWithRoleIds": [],
                    }
                ]
            },
            sdk_method="Organization:invite_user",
        )
        results = data.get("createInvites") or [{}]
        raw = results[0].get("invite") if isinstance(results[0], dict) else None
        if not isinstance(raw, dict):
            raise LabelboxError(f"Unable to send invite for email {email}")
        return Invite.from_wire(self._client, raw)

    async def invite_limit(self, organization_id: str) -> InviteLimit:
        data = await self._client._execute_operation(
            ops.INVITES_LIMIT,
            {"organizationId": organization_id},
            sdk_method="Organization:invite_limit",
        )
        return InviteLimit.from_wire(self._client, data.get("invitesLimit") or {})

    async def remove_user(self, user: object) -> None:
        await self._client._execute_operation(
            ops.DELETE_MEMBER, {"userId": _uid(user, "user")}, sdk_method="Organization:remove_user"
        )

    # -- resource tags --------------------------------------------------------------------------

    async def create_resource_tag(self, tag: dict[str, str]) -> ResourceTag:
        if not isinstance(tag, dict):
            raise InputTypeError("tag must be a dict {'text': ..., 'color': ...}")
        text, color = tag.get("text"), tag.get("color")
        if not isinstance(text, str) or not text.strip() or not color:
            raise InputError(f"tag must contain 'text' and 'color' keys. received: {tag}")
        data = await self._client._execute_operation(
            ops.CREATE_RESOURCE_TAG,
            {"text": text, "color": check_color(color)},
            sdk_method="Organization:create_resource_tag",
        )
        return ResourceTag.from_wire(self._client, data["createResourceTag"])

    async def organization_resource_tags(self) -> list[ResourceTag]:
        data = await self._client._execute_operation(
            ops.GET_ORGANIZATION_RESOURCE_TAGS, None, sdk_method="Organization:get_resource_tags"
        )
        tags = dig(data, ("organization", "resourceTag")) or []
        return [ResourceTag.from_wire(self._client, raw) for raw in tags]

    async def update_project_resource_tags(
        self, project_id: str, resource_tag_ids: Sequence[str]
    ) -> list[ResourceTag]:
        if (
            isinstance(resource_tag_ids, str | bytes)
            or not isinstance(resource_tag_ids, Sequence)
            or not all(isinstance(t, str) and t.strip() for t in resource_tag_ids)
        ):
            raise InputTypeError("resource_tag_ids must be a list of tag id strings")
        no_duplicates(list(resource_tag_ids), "resource_tag_ids")
        data = await self._client._execute_operation(
            ops.UPDATE_PROJECT_RESOURCE_TAGS,
            {"projectId": project_id, "resourceTagIds": list(resource_tag_ids)},
            sdk_method="Project:update_project_resource_tags",
        )
        tags = dig(data, ("project", "updateProjectResourceTags")) or []
        return [ResourceTag.from_wire(self._client, raw) for raw in tags]

    async def project_resource_tags(self, project_id: str) -> list[ResourceTag]:
        data = await self._client._execute_operation(
            ops.GET_PROJECT_RESOURCE_TAGS,
            {"projectId": project_id},
            sdk_method="Project:get_resource_tags",
            expect_one=True,
        )
        tags = dig(data, ("project", "resourceTags")) or []
        return [ResourceTag.from_wire(self._client, raw) for raw in tags]

    # -- IAM integrations -----------------------------------------------------------------------

    async def iam_integrations(self) -> list[IAMIntegration]:
        data = await self._client._execute_operation(
            iam_ops.GET_ALL_IAM_INTEGRATIONS, None, sdk_method="Organization:get_iam_integrations"
        )
        return [
            IAMIntegration.from_wire(self._client, raw) for raw in data.get("iamIntegrations") or []
        ]

    async def default_iam_integration(self) -> IAMIntegration | None:
        found = [i for i in await self.iam_integrations() if i.is_org_default]
        if len(found) > 1:
            raise LabelboxError(
                "Found more than one default signer. Please contact Labelbox to resolve"
            )
        return found[0] if found else None
