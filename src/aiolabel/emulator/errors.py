"""Errors a resolver raises; each becomes a Labelbox-shaped GraphQL error (wire doc §1.7)."""

from __future__ import annotations

from typing import Any


class EmulatorError(Exception):
    """Base class: a GraphQL error with an ``extensions.code`` the official SDK understands."""

    code = "INTERNAL_SERVER_ERROR"
    status: int | None = None
    """``extensions.exception.status``: 400, 422 and 426 pick the SDK's exception class."""
    http_status: int | None = None
    """The HTTP status a REST endpoint answers with (``status``, else 500, when unset)."""

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

    @property
    def rest_status(self) -> int:
        return self.http_status or self.status or 500


class AuthenticationError(EmulatorError):
    http_status = 401
    code = "AUTHENTICATION_ERROR"


class AuthorizationError(EmulatorError):
    http_status = 403
    code = "AUTHORIZATION_ERROR"


class NotFound(EmulatorError):
    """RESOURCE_NOT_FOUND."""

    code = "RESOURCE_NOT_FOUND"
    http_status = 404


class Conflict(EmulatorError):
    """RESOURCE_CONFLICT: the request clashes with existing state (a name already taken)."""

    code = "RESOURCE_CONFLICT"
    http_status = 409


class BadInput(EmulatorError):
    """Arguments refused: INTERNAL_SERVER_ERROR with status 400 (the SDK's InvalidQueryError)."""

    status = 400


class Unprocessable(EmulatorError):
    """INTERNAL_SERVER_ERROR with status 422 (UnprocessableEntityError)."""

    status = 422


class NotAllowed(EmulatorError):
    http_status = 403
    """OPERATION_NOT_ALLOWED."""

    code = "OPERATION_NOT_ALLOWED"


class Malformed(EmulatorError):
    http_status = 400
    """MALFORMED_REQUEST. The error object also carries an ``errors`` key (export calls read it)."""

    code = "MALFORMED_REQUEST"


class InternalError(EmulatorError):
    """An unexpected failure inside a resolver (status 500: the SDK does not retry it)."""

    status = 500
