"""Errors a resolver raises; each becomes a Labelbox-shaped GraphQL error (wire doc §1.7)."""

from __future__ import annotations

from typing import Any


class EmulatorError(Exception):
    """Base class: a GraphQL error with an ``extensions.code`` the official SDK understands."""

    code = "INTERNAL_SERVER_ERROR"
    status: int | None = None
    """``extensions.exception.status``: 400, 422 and 426 pick the SDK's exception class."""

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def extensions(self) -> dict[str, Any]:
        ext: dict[str, Any] = {"code": self.code}
        if self.status is not None:
            ext["exception"] = {"status": self.status}
        if self.details is not None:
            ext["details"] = self.details
        return ext


class AuthenticationError(EmulatorError):
    code = "AUTHENTICATION_ERROR"


class AuthorizationError(EmulatorError):
    code = "AUTHORIZATION_ERROR"


class NotFound(EmulatorError):
    """RESOURCE_NOT_FOUND."""

    code = "RESOURCE_NOT_FOUND"


class Conflict(EmulatorError):
    """RESOURCE_CONFLICT: the request clashes with existing state (a name already taken)."""

    code = "RESOURCE_CONFLICT"


class BadInput(EmulatorError):
    """Arguments refused: INTERNAL_SERVER_ERROR with status 400 (the SDK's InvalidQueryError)."""

    status = 400


class Unprocessable(EmulatorError):
    """INTERNAL_SERVER_ERROR with status 422 (UnprocessableEntityError)."""

    status = 422


class NotAllowed(EmulatorError):
    """OPERATION_NOT_ALLOWED."""

    code = "OPERATION_NOT_ALLOWED"


class Malformed(EmulatorError):
    """MALFORMED_REQUEST. The error object also carries an ``errors`` key (export calls read it)."""

    code = "MALFORMED_REQUEST"


class InternalError(EmulatorError):
    """An unexpected failure inside a resolver (status 500: the SDK does not retry it)."""

    status = 500
