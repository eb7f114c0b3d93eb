"""The API key's user and organization (minimal, with the official field names)."""

from __future__ import annotations

from pydantic import Field

from aiolabel.models.base import DateTime, Model

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


class Organization(Model):
    """The user's organization."""

    uid: str = Field(alias="id")
    name: str | None = None
    created_at: DateTime | None = None
    updated_at: DateTime | None = None
