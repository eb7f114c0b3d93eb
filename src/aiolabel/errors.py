"""Exceptions raised by aiolabel, with the official SDK's class names, all under LabelboxError.

The tree mirrors ``lbox.exceptions`` so ``except AuthenticationError`` keeps working after a move
from ``labelbox``. Unlike the official SDK, every class derives from :class:`LabelboxError`
(``MalformedQueryException``, ``OperationNotAllowedException`` and ``ProcessingWaitTimeout`` too).
aiolabel adds :class:`InputError` / :class:`InputTypeError` (bad arguments, raised before any
request), :class:`TaskTimeout`, :class:`TaskFailedError` and :class:`PartialFailureError`.

:func:`error_from_response` is the wire-protocol §1.7 mapping from an HTTP response to an error.
"""

from __future__ import annotations

import builtins
import email.utils
import json
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic_core import from_json

if TYPE_CHECKING:
    from aiolabel._concurrency import ChunkFailure, ChunkSuccess

__all__ = [
    "ApiLimitError",
    "AuthenticationError",
    "AuthorizationError",
    "ConfidenceNotSupportedException",
    "CustomMetricsNotSupportedException",
    "ExportTaskException",
    "ExportTaskFailedError",
    "InconsistentOntologyException",
    "InputError",
    "InputTypeError",
    "InternalServerError",
    "InvalidAttributeError",
    "InvalidQueryError",
    "LabelboxError",
    "MALValidationError",
    "MalformedQueryException",
    "NetworkError",
    "OperationNotAllowedException",
    "OperationNotSupportedException",
    "PartialFailureError",
    "ProcessingWaitTimeout",
    "ResourceConflict",
    "ResourceCreationError",
    "ResourceNotFoundError",
    "TaskFailedError",
    "TaskTimeout",
    "TimeoutError",
    "UnprocessableEntityError",
    "UuidError",
    "ValidationFailedError",
    "error_from_response",
    "is_transient",
    "parse_retry_after",
]

_T = TypeVar("_T")
_R = TypeVar("_R")


class LabelboxError(Exception):
    """Base class of every aiolabel error.

    ``message`` and ``cause`` as in the official SDK. Errors built from a response also carry
    ``status_code`` (HTTP status), ``code`` (the GraphQL ``extensions.code``) and ``retry_after``
    (seconds, from a ``Retry-After`` header). ``request_sent`` is False only when the request
    provably never reached the server (connection refused, pool or connect timeout): only then is
    a non-idempotent mutation safe to resend. ``attempts`` is how many times the request was sent.
    ``maybe_applied`` is True when a mutation that cannot be reconciled failed after reaching the
    server (a timeout, a dropped connection, a 5xx): it was not resent, and it may have been
    applied.
    """

    request_sent: bool = True
    status_code: int | None = None
    code: str | None = None
    retry_after: float | None = None
    attempts: int = 1
    maybe_applied: bool = False

    def __init__(self, message: str, cause: object = None) -> None:
        super().__init__(message, cause)
        self.message = message
        self.cause = cause

    def __str__(self) -> str:
        text = self.message
        if self.cause is not None:
            text += f" (caused by: {self.cause})"
        return text


class AuthenticationError(LabelboxError):
    """The API key is missing or was rejected."""


class AuthorizationError(LabelboxError):
    """The key's user may not perform this request."""


class ResourceNotFoundError(LabelboxError):
    """The resource asked for does not exist (or is not visible to this key).

    Same signature as the official SDK: ``ResourceNotFoundError(Type, params)`` or
    ``ResourceNotFoundError(message=...)``.
    """

    def __init__(
        self,
        db_object_type: type | str | None = None,
        params: object = None,
        message: str | None = None,
    ) -> None:
        if message is None:
            name = (
                db_object_type
                if isinstance(db_object_type, str)
                else getattr(db_object_type, "__name__", repr(db_object_type))
            )
            message = f"Resource '{name}' not found for params: {params!r}"
        super().__init__(message)
        self.db_object_type = db_object_type
        self.params = params


class ResourceConflict(LabelboxError):
    """The resource conflicts with an existing one."""


class ValidationFailedError(LabelboxError):
    """The server refused the query during validation (complexity or depth)."""


class InternalServerError(LabelboxError):
    """A server-side failure (HTTP 5xx or a retryable INTERNAL_SERVER_ERROR)."""


class InvalidQueryError(LabelboxError):
    """A malformed or unsupported query, caught on either side."""


class UnprocessableEntityError(LabelboxError):
    """The server could not process the request (validation or transaction error)."""


class ResourceCreationError(LabelboxError):
    """A resource could not be created on the server."""


class NetworkError(LabelboxError):
    """The connection failed (refused, reset, DNS, protocol error)."""

    def __init__(self, cause: object, *, request_sent: bool = True) -> None:
        super().__init__(str(cause) or type(cause).__name__, cause)
        self.request_sent = request_sent

    def __str__(self) -> str:
        return self.message


class TimeoutError(LabelboxError):
    """A request or a wait took longer than allowed.

    It shadows the builtin of the same name, as in the official SDK.
    """


class InvalidAttributeError(LabelboxError):
    """A field is not valid on a given type."""

    def __init__(self, db_object_type: type | str, field: object) -> None:
        name = (
            db_object_type
            if isinstance(db_object_type, str)
            else getattr(db_object_type, "__name__", str(db_object_type))
        )
        super().__init__(f"Field(s) '{field!r}' not valid on DB type '{name}'")
        self.db_object_type = db_object_type
        self.field = field


class ApiLimitError(LabelboxError):
    """The server's rate limit was exceeded ("You have exceeded ...")."""


class MalformedQueryException(LabelboxError):
    """The server reported MALFORMED_REQUEST."""


class UuidError(LabelboxError):
    """Repeated UUIDs in a bulk import request."""


class InconsistentOntologyException(LabelboxError):
    """An ontology is inconsistent with the data given."""


class MALValidationError(LabelboxError):
    """Invalid input for a model-assisted-labeling import."""


class OperationNotAllowedException(LabelboxError):
    """The key's user lacks permission or exceeded a usage limit."""


class OperationNotSupportedException(LabelboxError):
    """The SDK does not support the requested operation."""


class ConfidenceNotSupportedException(LabelboxError):
    """Confidence was given for an annotation type that has none."""


class CustomMetricsNotSupportedException(LabelboxError):
    """Custom metrics were given for an annotation type that has none."""


class ProcessingWaitTimeout(TimeoutError):
    """Waiting for data rows to be processed took longer than allowed."""


# --- aiolabel's own -------------------------------------------------------------------------


class InputError(LabelboxError, builtins.ValueError):
    """An argument has a bad value (empty, out of range, too large). Raised before any request."""


class InputTypeError(LabelboxError, builtins.TypeError):
    """An argument has the wrong type. Raised before any request."""


class TaskTimeout(TimeoutError):
    """A task (or several) did not finish in time. ``tasks`` holds the unfinished ones."""

    def __init__(self, message: str, tasks: Sequence[Any] = ()) -> None:
        super().__init__(message)
        self.tasks = list(tasks)


class TaskFailedError(LabelboxError):
    """A task ended FAILED where a result was asked for. ``task`` is the task."""

    def __init__(self, message: str, task: Any = None) -> None:
        super().__init__(message)
        self.task = task


class ExportTaskException(LabelboxError):
    """An export task's stream, totals or result were asked for while it is not ready yet or has
    failed (the official ``ExportTask.ExportTaskException``, also ``Task.ExportTaskException``)."""


class ExportTaskFailedError(TaskFailedError, ExportTaskException):
    """The export task asked for ended FAILED (a TaskFailedError and an ExportTaskException)."""


class PartialFailureError(LabelboxError, Generic[_T, _R]):
    """Some chunks of a chunked job failed; says exactly which items failed and what succeeded.

    * ``failures``: every failed chunk, with its index, its items and its error;
    * ``succeeded``: every chunk that completed, with its items and result;
    * ``not_started``: chunks read from the input but never sent (cancelled before they ran);
    * ``input_error``: the exception raised by the input iterable, if it raised midway;
    * ``input_exhausted``: False when the job stopped before reading all of the input, so items
      after the last chunk listed here were never read (they are still in the caller's iterator).

    Items of a chunk that was cancelled while its request was in flight are listed in
    ``failures`` with a cancellation error: the server may or may not have applied them.
    """

    def __init__(
        self,
        message: str,
        *,
        failures: Sequence[ChunkFailure[_T]],
        succeeded: Sequence[ChunkSuccess[_T, _R]],
        not_started: Sequence[Sequence[_T]] = (),
        input_error: BaseException | None = None,
        input_exhausted: bool = True,
    ) -> None:
        super().__init__(message)
        self.failures = list(failures)
        self.succeeded = list(succeeded)
        self.not_started = [list(c) for c in not_started]
        self.input_error = input_error
        self.input_exhausted = input_exhausted

    @property
    def failed_items(self) -> list[_T]:
        """Items of every failed chunk, in input order."""
        return [item for f in self.failures for item in f.items]

    @property
    def results(self) -> list[_R]:
        """Results of the chunks that succeeded, in input order."""
        return [s.result for s in self.succeeded]


# --- the §1.7 mapping ---------------------------------------------------------------------

_UPSTREAM_RESET = "upstream connect error or disconnect/reset before headers"


def is_transient(exc: BaseException) -> bool:
    """A failure that says nothing about the request's content: the network, a server error, a
    rate limit (429) or a request timeout (a task wait that timed out is not one)."""
    if not isinstance(exc, LabelboxError) or isinstance(exc, TaskTimeout):
        return False
    if isinstance(exc, InternalServerError | ApiLimitError | TimeoutError | NetworkError):
        return True
    return exc.status_code == 429


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def _codes(errors: Sequence[Any]) -> list[tuple[Mapping[str, Any], str | None]]:
    out: list[tuple[Mapping[str, Any], str | None]] = []
    for error in errors:
        if not isinstance(error, Mapping):
            error = {"message": str(error)}
        ext = error.get("extensions")
        code = ext.get("code") if isinstance(ext, Mapping) else None
        out.append((error, code if isinstance(code, str) else None))
    return out


def _first(
    pairs: list[tuple[Mapping[str, Any], str | None]], code: str
) -> Mapping[str, Any] | None:
    for error, c in pairs:
        if c == code:
            return error
    return None


def _message(error: Mapping[str, Any], key: str = "message") -> str:
    value = error.get(key)
    if value is None and key != "message":
        value = error.get("message")
    if isinstance(value, str):
        return value
    return json.dumps(value) if value is not None else "(no message)"


def _extension_status(error: Mapping[str, Any]) -> int:
    try:
        return int(error["extensions"]["exception"]["status"])
    except (KeyError, TypeError, ValueError):
        return 500


_ErrorT = TypeVar("_ErrorT", bound=LabelboxError)


def _tag(err: _ErrorT, status: int, code: str | None, retry_after: float | None) -> _ErrorT:
    err.status_code = status
    err.code = code
    err.retry_after = retry_after
    return err


SNIPPET = 500
"""Characters of an unexpected response body kept in an error message."""


def _snippet(text: str, redact: Callable[[str], str] | None) -> str:
    """The start of a body for a message: secrets masked first, then cut."""
    if redact is None:
        return text[:SNIPPET]
    return redact(text[: SNIPPET * 4])[:SNIPPET]


_REST_ERRORS: dict[int, type[LabelboxError]] = {
    400: InvalidQueryError,
    401: AuthenticationError,
    403: AuthorizationError,
    409: ResourceConflict,
    422: UnprocessableEntityError,
}


def rest_error(
    status: int,
    reason: str,
    body: bytes | str,
    *,
    retry_after: str | None = None,
    redact: Callable[[str], str] | None = None,
) -> LabelboxError:
    """The error of a REST answer outside the statuses the call expects: the body's
    ``message`` (``{"statusCode", "message", "error"}``) in a typed error; 5xx and 429 as for
    GraphQL, so the retry policy treats them alike."""
    wait = parse_retry_after(retry_after)
    text = body.decode("utf-8", "replace") if isinstance(body, bytes | bytearray) else body
    if 500 <= status < 600:
        return _tag(InternalServerError(f"Internal server http error {status}"), status, None, wait)
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    message = parsed.get("message") if isinstance(parsed, Mapping) else None
    if isinstance(message, list):  # validation errors come as a list of sentences
        message = "; ".join(str(m) for m in message)
    if not isinstance(message, str) or not message:
        message = f"{status} {reason}: {_snippet(text, redact)}".strip()
    elif redact is not None:
        message = redact(message)
    if status == 429:
        return _tag(ApiLimitError(message), status, None, wait)
    if status == 404:
        return _tag(ResourceNotFoundError(message=message), status, None, wait)
    return _tag(_REST_ERRORS.get(status, LabelboxError)(message), status, None, wait)


def error_from_response(
    status: int,
    reason: str,
    body: bytes | str,
    *,
    retry_after: str | None = None,
    error_log_key: str = "message",
    redact: Callable[[str], str] | None = None,
) -> tuple[LabelboxError | None, Any]:
    """Map one GraphQL HTTP response to ``(error, body)`` per wire §1.7, without its crashes.

    Returns ``(None, parsed_body)`` on success. Otherwise the error to raise and the parsed body
    (or None). ``redact`` masks secrets in a body before it is cut to a snippet (a secret cut
    in two would no longer match). Differences from the official SDK, on purpose:

    * any 2xx without errors is success (the SDK fails on 201);
    * an error without ``extensions.code`` is still typed (LabelboxError "Unknown error");
    * RESOURCE_NOT_FOUND always becomes ResourceNotFoundError here; the caller decides whether
      that means "raise" (it asked for one thing) or "return the data with nulls";
    * MALFORMED_REQUEST without the ``error_log_key`` falls back to ``message``;
    * a 429 without a "You have exceeded" body is an ApiLimitError too (it is a rate limit);
    * a missing ``data`` member on success gives ``{}``.
    """
    if 200 <= status < 300 and isinstance(body, bytes):
        # The common answer (data, no errors) in one pass; anything else takes the full path.
        try:  # pydantic-core's parser: json.loads's values, in half its time
            parsed = from_json(body)
        except ValueError:  # (what it refuses, json.loads decides)
            try:
                parsed = json.loads(body.decode("utf-8"))
            except ValueError:
                parsed = None
        if type(parsed) is dict and not parsed.get("errors"):
            message = parsed.get("message")
            if not (isinstance(message, str) and message.startswith("You have exceeded")):
                return None, parsed
    wait = parse_retry_after(retry_after)
    text = body.decode("utf-8", "replace") if isinstance(body, bytes | bytearray) else body
    if 500 <= status < 600:
        if _UPSTREAM_RESET in text:
            msg = "Connection reset"
        elif status == 502:
            msg = "502 Bad Gateway"
        else:
            msg = f"Internal server http error {status}"
        return _tag(InternalServerError(msg), status, None, wait), None
    try:
        parsed = json.loads(text)
    except ValueError:
        snippet = _snippet(text, redact)
        if status == 429:
            err: LabelboxError = ApiLimitError(f"429 {reason}: {snippet}".strip())
            return _tag(err, status, None, wait), None
        err = LabelboxError(f"Failed to parse response as JSON: {snippet}")
        return _tag(err, status, None, wait), None
    if not isinstance(parsed, Mapping):
        err = LabelboxError(f"Unexpected response body: {_snippet(text, redact)}")
        return _tag(err, status, None, wait), None

    raw_errors = parsed.get("errors") or []
    if not isinstance(raw_errors, list):
        raw_errors = [raw_errors]
    pairs = _codes(raw_errors)

    def found(code: str) -> Mapping[str, Any] | None:
        return _first(pairs, code)

    def tag(e: LabelboxError, code: str | None) -> tuple[LabelboxError, Any]:
        return _tag(e, status, code, wait), parsed

    if found("AUTHENTICATION_ERROR") is not None:
        return tag(AuthenticationError("Invalid API key"), "AUTHENTICATION_ERROR")
    if (e := found("AUTHORIZATION_ERROR")) is not None:
        return tag(AuthorizationError(_message(e)), "AUTHORIZATION_ERROR")
    if (e := found("GRAPHQL_VALIDATION_FAILED")) is not None:
        msg = _message(e)
        if msg == "Query complexity limit exceeded":
            return tag(ValidationFailedError(msg), "GRAPHQL_VALIDATION_FAILED")
        return tag(InvalidQueryError(msg), "GRAPHQL_VALIDATION_FAILED")
    if (e := found("GRAPHQL_PARSE_FAILED")) is not None:
        return tag(InvalidQueryError(_message(e)), "GRAPHQL_PARSE_FAILED")
    top_message = parsed.get("message")
    if isinstance(top_message, str) and top_message.startswith("You have exceeded"):
        return tag(ApiLimitError(top_message), None)
    if (e := found("RESOURCE_NOT_FOUND")) is not None:
        return tag(ResourceNotFoundError(message=_message(e)), "RESOURCE_NOT_FOUND")
    if (e := found("RESOURCE_CONFLICT")) is not None:
        return tag(ResourceConflict(_message(e)), "RESOURCE_CONFLICT")
    if (e := found("MALFORMED_REQUEST")) is not None:
        return tag(MalformedQueryException(_message(e, error_log_key)), "MALFORMED_REQUEST")
    if (e := found("INTERNAL_SERVER_ERROR")) is not None:
        msg = _message(e)
        ext_status = _extension_status(e)
        mapped: LabelboxError
        if ext_status == 400:
            mapped = InvalidQueryError(msg)
        elif ext_status == 422:
            mapped = UnprocessableEntityError(msg)
        elif ext_status == 426:
            mapped = OperationNotAllowedException(msg)
        elif ext_status == 500:
            mapped = LabelboxError(msg)
        else:
            mapped = InternalServerError(msg)
        return tag(mapped, "INTERNAL_SERVER_ERROR")
    if (e := found("OPERATION_NOT_ALLOWED")) is not None:
        return tag(OperationNotAllowedException(_message(e)), "OPERATION_NOT_ALLOWED")
    if pairs:
        summary = [{"message": err.get("message"), "code": code} for err, code in pairs]
        first_code = next((c for _, c in pairs if c), None)
        return tag(LabelboxError(f"Unknown error: {summary}"), first_code)
    if status == 429:
        cause = top_message if isinstance(top_message, str) else None
        return tag(ApiLimitError(f"429 {reason}".strip(), cause), None)
    if not 200 <= status < 300:
        cause = top_message if isinstance(top_message, str) else None
        return tag(LabelboxError(f"{status} {reason}".strip(), cause), None)
    return None, parsed
