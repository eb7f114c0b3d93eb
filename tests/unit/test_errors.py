"""The §1.7 error mapping, row by row, compared with the official RequestClient where it is sane."""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

import httpx
import pytest
import requests
import respx
from lbox import exceptions as lbox_exc
from lbox.request_client import RequestClient

import aiolabel.errors as errors
from aiolabel.errors import error_from_response

from .conftest import ENDPOINT


def official(status: int, body: Any, reason: str = "", **kw: Any) -> tuple[str, Any]:
    """Run the official (unretried) execute() against one canned response."""
    text = body if isinstance(body, str) else json.dumps(body)

    def send(self: Any, prepared: Any, **_: Any) -> requests.Response:
        r = requests.Response()
        r.status_code = status
        r.reason = reason
        r._content = text.encode()
        return r

    client = RequestClient("7.17.0", api_key="k", endpoint=ENDPOINT)
    with mock.patch.object(requests.Session, "send", send):
        try:
            result = RequestClient.execute.__wrapped__(client, "query Q{a}", {}, **kw)
        except Exception as exc:
            return type(exc).__name__, str(exc)
    return "data", result


def ours(status: int, body: Any, reason: str = "", **kw: Any) -> tuple[str, Any]:
    text = body if isinstance(body, str) else json.dumps(body)
    err, parsed = error_from_response(status, reason, text.encode(), **kw)
    if err is not None:
        return type(err).__name__, str(err)
    return "data", parsed.get("data") or {}


def errs(*items: dict[str, Any]) -> dict[str, Any]:
    return {"data": None, "errors": list(items)}


def coded(code: str, message: str = "boom", **ext: Any) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": code, **ext}}


# Rows where both SDKs must agree: (status, body, reason).
SAME = {
    "500": (500, "oops", "Internal Server Error"),
    "502": (502, "bad gateway", "Bad Gateway"),
    "503": (503, "", "Service Unavailable"),
    "504": (504, "{}", "Gateway Timeout"),
    "upstream reset": (503, "upstream connect error or disconnect/reset before headers", ""),
    "not json": (200, "<html>", "OK"),
    "authentication": (200, errs(coded("AUTHENTICATION_ERROR", "no")), "OK"),
    "authorization": (200, errs(coded("AUTHORIZATION_ERROR", "denied")), "OK"),
    "complexity": (
        200,
        errs(coded("GRAPHQL_VALIDATION_FAILED", "Query complexity limit exceeded")),
        "",
    ),
    "validation": (200, errs(coded("GRAPHQL_VALIDATION_FAILED", "Unknown field x")), ""),
    "parse": (200, errs(coded("GRAPHQL_PARSE_FAILED", "Syntax Error")), ""),
    "api limit 200": (200, {"message": "You have exceeded the rate limit"}, "OK"),
    "api limit 429": (429, {"message": "You have exceeded the rate limit"}, "Too Many Requests"),
    "conflict": (200, errs(coded("RESOURCE_CONFLICT", "exists")), ""),
    "malformed": (200, errs(coded("MALFORMED_REQUEST", "bad input")), ""),
    "ise 400": (200, errs(coded("INTERNAL_SERVER_ERROR", "m", exception={"status": 400})), ""),
    "ise 422": (200, errs(coded("INTERNAL_SERVER_ERROR", "m", exception={"status": 422})), ""),
    "ise 426": (200, errs(coded("INTERNAL_SERVER_ERROR", "m", exception={"status": 426})), ""),
    "ise 500": (200, errs(coded("INTERNAL_SERVER_ERROR", "m", exception={"status": 500})), ""),
    "ise no status": (200, errs(coded("INTERNAL_SERVER_ERROR", "m")), ""),
    "ise 503": (200, errs(coded("INTERNAL_SERVER_ERROR", "m", exception={"status": 503})), ""),
    "not allowed": (200, errs(coded("OPERATION_NOT_ALLOWED", "nope")), ""),
    "unknown code": (200, errs(coded("SOMETHING_NEW", "what")), ""),
    "401 no errors": (401, {"message": "API access disabled"}, "Unauthorized"),
    "403 no errors": (403, {}, "Forbidden"),
    "success": (200, {"data": {"a": 1}}, "OK"),
    "precedence": (
        200,
        errs(
            coded("RESOURCE_CONFLICT"),
            coded("AUTHORIZATION_ERROR", "z"),
            coded("AUTHENTICATION_ERROR"),
        ),
        "",
    ),
    "precedence 2": (
        200,
        errs(coded("OPERATION_NOT_ALLOWED"), coded("RESOURCE_CONFLICT", "c")),
        "",
    ),
}


@pytest.mark.parametrize("row", sorted(SAME))
def test_mapping_matches_the_official_sdk(row: str) -> None:
    status, body, reason = SAME[row]
    assert ours(status, body, reason) == official(status, body, reason)


EXPECTED_CLASS = {
    "500": errors.InternalServerError,
    "upstream reset": errors.InternalServerError,
    "not json": errors.LabelboxError,
    "authentication": errors.AuthenticationError,
    "authorization": errors.AuthorizationError,
    "complexity": errors.ValidationFailedError,
    "validation": errors.InvalidQueryError,
    "parse": errors.InvalidQueryError,
    "api limit 200": errors.ApiLimitError,
    "api limit 429": errors.ApiLimitError,
    "conflict": errors.ResourceConflict,
    "malformed": errors.MalformedQueryException,
    "ise 400": errors.InvalidQueryError,
    "ise 422": errors.UnprocessableEntityError,
    "ise 426": errors.OperationNotAllowedException,
    "ise 503": errors.InternalServerError,
    "not allowed": errors.OperationNotAllowedException,
}


@pytest.mark.parametrize("row", sorted(EXPECTED_CLASS))
def test_each_row_gives_its_typed_error(row: str) -> None:
    status, body, reason = SAME[row]
    text = body if isinstance(body, str) else json.dumps(body)
    err, _ = error_from_response(status, reason, text)
    assert type(err) is EXPECTED_CLASS[row]
    assert isinstance(err, errors.LabelboxError)
    assert err.status_code == status


# Rows where the official SDK crashes or misbehaves, and what we do instead.


def test_error_without_extensions_code_is_typed() -> None:
    body = errs({"message": "no code here"})
    assert official(200, body)[0] == "KeyError"
    err, _ = error_from_response(200, "OK", json.dumps(body))
    assert type(err) is errors.LabelboxError
    assert "no code here" in str(err)


def test_resource_not_found_is_typed_where_the_official_sdk_returns_none() -> None:
    body = errs(coded("RESOURCE_NOT_FOUND", "Project not found"))
    assert official(200, body) == ("data", None)
    assert official(200, body, raise_return_resource_not_found=True) == (
        "ResourceNotFoundError",
        "Project not found",
    )
    err, _ = error_from_response(200, "OK", json.dumps(body))
    assert isinstance(err, errors.ResourceNotFoundError)
    assert err.message == "Project not found"
    assert err.code == "RESOURCE_NOT_FOUND"


def test_any_2xx_is_success() -> None:
    body = {"data": {"a": 1}}
    assert official(201, body, "Created")[0] == "LabelboxError"
    for status in (200, 201, 202, 204, 299):
        assert error_from_response(status, "", json.dumps(body)) == (None, body)


def test_missing_data_is_an_empty_result_not_a_crash() -> None:
    assert official(200, {})[0] == "KeyError"
    assert ours(200, {}) == ("data", {})


def test_malformed_request_without_the_log_key_falls_back_to_message() -> None:
    body = errs(coded("MALFORMED_REQUEST", "bad filters"))
    assert official(200, body, error_log_key="errors")[0] == "KeyError"
    err, _ = error_from_response(200, "", json.dumps(body), error_log_key="errors")
    assert isinstance(err, errors.MalformedQueryException)
    assert err.message == "bad filters"
    body = errs({**coded("MALFORMED_REQUEST", "m"), "errors": "detail"})
    err, _ = error_from_response(200, "", json.dumps(body), error_log_key="errors")
    assert isinstance(err, errors.MalformedQueryException)
    assert err.message == "detail"


def test_429_without_the_limit_message_is_an_api_limit_error() -> None:
    err, _ = error_from_response(429, "Too Many Requests", "{}", retry_after="7")
    assert isinstance(err, errors.ApiLimitError)
    assert err.retry_after == 7.0
    err, _ = error_from_response(429, "Too Many Requests", "slow down")
    assert isinstance(err, errors.ApiLimitError)


def test_retry_after_is_parsed_as_seconds_or_http_date() -> None:
    assert errors.parse_retry_after("3") == 3.0
    assert errors.parse_retry_after("2.5") == 2.5
    assert errors.parse_retry_after("-4") == 0.0
    assert errors.parse_retry_after(None) is None
    assert errors.parse_retry_after("soon") is None
    when = "Wed, 21 Oct 2015 07:28:00 GMT"
    assert errors.parse_retry_after(when, now=1445412480 - 30) == pytest.approx(30.0)


def test_every_official_exception_class_exists_and_derives_from_labelbox_error() -> None:
    official_names = [
        name
        for name, value in vars(lbox_exc).items()
        if isinstance(value, type) and issubclass(value, Exception)
    ]
    assert len(official_names) >= 20
    for name in official_names:
        ours_cls = getattr(errors, name)
        assert issubclass(ours_cls, errors.LabelboxError), name
    assert issubclass(errors.ProcessingWaitTimeout, errors.TimeoutError)
    assert issubclass(errors.TaskTimeout, errors.TimeoutError)


def test_input_errors_are_also_builtin_value_and_type_errors() -> None:
    assert issubclass(errors.InputError, ValueError)
    assert issubclass(errors.InputTypeError, TypeError)
    assert issubclass(errors.InputError, errors.LabelboxError)


def test_labelbox_error_str_and_cause_like_the_official() -> None:
    assert str(errors.LabelboxError("m", "c")) == str(lbox_exc.LabelboxError("m", "c"))
    assert str(errors.ResourceNotFoundError(message="x")) == "x"
    assert (
        str(errors.ResourceNotFoundError(dict, {"a": 1}))
        == "Resource 'dict' not found for params: {'a': 1}"
    )


@respx.mock
async def test_client_raises_the_mapped_error_and_honours_expect_one(make_client: Any) -> None:
    client = make_client()
    respx.post(ENDPOINT).mock(
        return_value=httpx.Response(
            200,
            json={"data": {"project": None}, "errors": [coded("RESOURCE_NOT_FOUND", "gone")]},
        )
    )
    assert await client.execute("query Q{project{id}}") == {"project": None}
    with pytest.raises(errors.ResourceNotFoundError, match="gone"):
        await client.execute("query Q{project{id}}", expect_one=True)
    respx.post(ENDPOINT).mock(
        return_value=httpx.Response(200, json=errs(coded("RESOURCE_CONFLICT", "dup")))
    )
    with pytest.raises(errors.ResourceConflict, match="dup"):
        await client.execute("mutation M{x}")
