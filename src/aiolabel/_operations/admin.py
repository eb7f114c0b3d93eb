"""Organisation administration documents: roles, invitations, members' roles, removal, resource
tags (official SDK 7.17: ``schema/role.py``, ``organization.py``, ``user.py``, ``project.py``).

Relationship fetches (``organization.users()``, ``user.projects()``, ``user.organization()``,
``user.org_role()``, ``project.created_by()``...) are built with
``_builder.relationship(ENTITY, id, name)``.
"""

from __future__ import annotations

from aiolabel._operations import Operation

__all__ = [
    "CREATE_INVITES",
    "CREATE_RESOURCE_TAG",
    "DELETE_MEMBER",
    "GET_ORGANIZATION_RESOURCE_TAGS",
    "GET_PROJECT_RESOURCE_TAGS",
    "GET_ROLES",
    "INVITES_LIMIT",
    "SET_ORGANIZATION_ROLE",
    "SET_PROJECT_MEMBERSHIP",
    "UPDATE_PROJECT_RESOURCE_TAGS",
]

_USER = "createdAt email isExternalUser isViewer lastLoginAt nickname name picture id updatedAt"

GET_ROLES = Operation(
    name="GetAvailableUserRolesPyApi",
    document="query GetAvailableUserRolesPyApi { roles { id name } }",
)
"""``client.get_roles()``; variables ``null``; reads ``roles[] {id name}``."""

CREATE_INVITES = Operation(
    name="createInvitesPyApi",
    document=(
        "mutation createInvitesPyApi($data: [CreateInviteInput!]){ createInvites(data: "
        "$data){  invite { id createdAt organizationRoleName inviteeEmail inviter { createdAt "
        "email isExternalUser isViewer lastLoginAt nickname name picture id updatedAt } }}}"
    ),
)
"""``organization.invite_user``: ``{"data": [{inviterId, inviteeEmail, organizationId,
organizationRoleId, projects: [{projectId, projectRoleId}], userGroupIds: [],
userGroupWithRoleIds: []}]}``. Not idempotent (a second invitation is sent)."""

INVITES_LIMIT = Operation(
    name="InvitesLimitPyApi",
    document=(
        "query InvitesLimitPyApi($organizationId: ID!) { invitesLimit(where: {id: "
        "$organizationId}) { used limit remaining } }"
    ),
)
"""``organization.invite_limit()``; reads ``invitesLimit {used limit remaining}``."""

DELETE_MEMBER = Operation(
    name="DeleteMemberPyApi",
    document=(
        "mutation DeleteMemberPyApi($userId: ID!) { updateUser(where: {id: $userId}, data: "
        "{deleted: true}) { id deleted } }"
    ),
    idempotent=True,
)
"""``organization.remove_user(user)``: ``{"userId"}``."""

SET_ORGANIZATION_ROLE = Operation(
    name="SetOrganizationRolePyApi",
    document=(
        "mutation SetOrganizationRolePyApi($userId: ID!, $roleId: ID!) { setOrganizationRole("
        "data: {userId: $userId, roleId: $roleId}) { id name }}"
    ),
    idempotent=True,
)
"""``user.update_org_role(role)``: ``{"userId", "roleId"}``."""

SET_PROJECT_MEMBERSHIP = Operation(
    name="SetProjectMembershipPyApi",
    document=(
        "mutation SetProjectMembershipPyApi($userId: ID!, $roleId: ID!, $projectId: ID!) { "
        "setProjectMembership(data: {userId: $userId, roleId: $roleId, projectId: $projectId}) "
        "{id}}"
    ),
    idempotent=True,
)
"""``user.upsert_project_role`` / ``remove_from_project`` (role NONE):
``{"projectId", "userId", "roleId"}``."""

CREATE_RESOURCE_TAG = Operation(
    name="CreateResourceTagPyApi",
    document=(
        "mutation CreateResourceTagPyApi($text:String!,$color:String!) { createResourceTag("
        "input:{text:$text,color:$color}) {color text id}}"
    ),
)
"""``organization.create_resource_tag({"text", "color"})``: ``{"text", "color"}``."""

GET_ORGANIZATION_RESOURCE_TAGS = Operation(
    name="GetOrganizationResourceTagsPyApi",
    document=("query GetOrganizationResourceTagsPyApi{organization{resourceTag{color text id}}}"),
)
"""``organization.get_resource_tags()``; variables ``null``."""

UPDATE_PROJECT_RESOURCE_TAGS = Operation(
    name="UpdateProjectResourceTagsPyApi",
    document=(
        "mutation UpdateProjectResourceTagsPyApi($projectId:ID!,$resourceTagIds:[String!]) { "
        "project(where:{id:$projectId}){updateProjectResourceTags(input:{resourceTagIds:"
        "$resourceTagIds}){color text id}}}"
    ),
    idempotent=True,
)
"""``project.update_project_resource_tags(ids)``: ``{"projectId", "resourceTagIds"}`` (the
project's tags become exactly these)."""

GET_PROJECT_RESOURCE_TAGS = Operation(
    name="GetProjectResourceTagsPyApi",
    document=(
        "query GetProjectResourceTagsPyApi($projectId: ID!) { project(where: {id: $projectId}) "
        "{ name resourceTags {color text id} } }"
    ),
)
"""``project.get_resource_tags()``: ``{"projectId"}``."""
