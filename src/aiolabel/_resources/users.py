"""Users and organizations: the API key's user and its organization (their ids are cached)."""

from __future__ import annotations

from aiolabel._operations import users as user_ops
from aiolabel._resources._base import Resource
from aiolabel.errors import ResourceNotFoundError
from aiolabel.models.user import Organization, User

__all__ = ["Users"]


class Users(Resource):
    """The key's user and organization."""

    __slots__ = ()

    async def get_user(self) -> User:
        data = await self._client._execute_operation(
            user_ops.GET_USER, {}, sdk_method="Client:get_user", expect_one=True
        )
        if not isinstance(data.get("user"), dict):
            raise ResourceNotFoundError(User, {})
        user = User.from_wire(self._client, data["user"])
        self._client._user_id = user.uid
        return user

    async def get_organization(self) -> Organization:
        data = await self._client._execute_operation(
            user_ops.GET_ORGANIZATION, {}, sdk_method="Client:get_organization", expect_one=True
        )
        if not isinstance(data.get("organization"), dict):
            raise ResourceNotFoundError(Organization, {})
        org = Organization.from_wire(self._client, data["organization"])
        self._client._org_id = org.uid
        return org
