"""Canned wire objects the way the service answers them (all keys of the selection sets)."""

from __future__ import annotations

from typing import Any

TS = "2024-01-01T00:00:00.000Z"
"""The timestamp every canned object carries."""


def user(user_id: str = "user-1", **over: Any) -> dict[str, Any]:
    """A ``User`` as the service answers it (every key of the official SDK's selection set)."""
    return {
        "createdAt": TS,
        "email": "a@b.c",
        "isExternalUser": False,
        "isViewer": False,
        "lastLoginAt": None,
        "nickname": "nick",
        "name": "Name",
        "picture": None,
        "id": user_id,
        "updatedAt": TS,
    } | over
