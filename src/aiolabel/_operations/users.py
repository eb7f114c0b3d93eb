"""User and organization documents (wire doc §2.3, §3.1, §4.5), as the official SDK sends them."""

from __future__ import annotations

from aiolabel._operations import Operation

__all__ = ["CURRENT_USER_TIMEZONE", "GET_ORGANIZATION", "GET_USER"]

GET_USER = Operation(
    name="GetUserPyApi",
    document=(
        "query GetUserPyApi{user{createdAt email isExternalUser isViewer lastLoginAt nickname "
        "name picture id updatedAt}}"
    ),
)
"""The API key's user (⟨U⟩). Variables ``{}``; read ``data.user``."""

GET_ORGANIZATION = Operation(
    name="GetOrganizationPyApi",
    document="query GetOrganizationPyApi{organization{createdAt name id updatedAt}}",
)
"""The user's organization (⟨O⟩). Variables ``{}``; read ``data.organization``."""

CURRENT_USER_TIMEZONE = Operation(
    name="CurrentUserPyApi",
    document="query CurrentUserPyApi { user { timezone } }",
)
"""The user's timezone (export date filters). Variables ``null``; read ``data.user.timezone``."""
