"""The one retry policy: what is retried, backoff, Retry-After, bounds, mutation safety."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx
import tenacity

from aiolabel._operations import Operation
from aiolabel._retry import RetryPolicy
from aiolabel.errors import (
    ApiLimitError,
    AuthenticationError,
    InputError,
    InputTypeError,
    InternalServerError,
    LabelboxError,
    NetworkError,
    TimeoutError,
)

from .conftest import ENDPOINT, FakeTime, data, gql_error

QUERY = Operation(name="Q", document="query Q { a }")
MUTATION = Operation(name="M", document="mutation M { m }")
IDEMPOTENT = Operation(name="M", document="mutation M { m }", idempotent=True)
OK = data({"a": 1})


def test_backoff_is_exponential_with_full_jitter_and_a_cap() -> None:
    top = RetryPolicy(initial_backoff=0.5, max_backoff=4.0, random=lambda: 1.0)
    assert [top.backoff(n) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    bottom = RetryPolicy(random=lambda: 0.0)
    assert bottom.backoff(5) == 0.0
    half = RetryPolicy(initial_backoff=1.0, random=lambda: 0.5)
    assert half.backoff(3) == 2.0


def test_retry_after_is_a_floor() -> None:
    policy = RetryPolicy(random=lambda: 1.0, initial_backoff=0.5)
    assert policy.backoff(1, retry_after=7.0) == 7.0
    assert policy.backoff(4, retry_after=1.0) == 4.0


@pytest.mark.parametrize(
    ("kw", "error"),
    [
        ({"max_retries": -1}, InputError),
        ({"max_retries": 1.5}, InputTypeError),
        ({"max_retries": True}, InputTypeError),
        ({"deadline": 0}, InputError),
        ({"initial_backoff": "1"}, InputTypeError),
    ],
)
def test_bad_configuration_is_refused(kw: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        RetryPolicy(**kw)


@respx.mock
@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(500, text="x"),
        httpx.Response(502, text="x"),
        httpx.Response(503, text="x"),
        httpx.Response(504, text="x"),
        httpx.Response(429, json={"message": "You have exceeded the rate limit"}),
        httpx.Response(200, json={"message": "You have exceeded the rate limit"}),
        gql_error("INTERNAL_SERVER_ERROR", exception={"status": 503}),
        httpx.ReadTimeout("slow"),
        httpx.ConnectTimeout("no route"),
        httpx.ConnectError("refused"),
        httpx.RemoteProtocolError("reset"),
        httpx.ReadError("reset"),
    ],
    ids=lambda f: f.__class__.__name__ + str(getattr(f, "status_code", "")),
)
async def test_queries_are_retried_on_transient_failures(
    make_client: Any, fake_time: FakeTime, failure: Any
) -> None:
    route = respx.post(ENDPOINT).mock(side_effect=[failure, failure, OK])
    client = make_client()
    assert await client._execute_operation(QUERY, sdk_method="T:t") == {"a": 1}
    assert route.call_count == 3
    assert len(fake_time.sleeps) == 2


@respx.mock
@pytest.mark.parametrize(
    "failure",
    [
        gql_error("AUTHENTICATION_ERROR"),
        gql_error("GRAPHQL_VALIDATION_FAILED"),
        gql_error("INTERNAL_SERVER_ERROR", exception={"status": 500}),
        gql_error("RESOURCE_CONFLICT"),
        httpx.Response(401, json={}),
        httpx.Response(200, text="not json"),
    ],
)
async def test_permanent_failures_are_not_retried(make_client: Any, failure: Any) -> None:
    route = respx.post(ENDPOINT).mock(side_effect=[failure, OK])
    with pytest.raises(LabelboxError):
        await make_client()._execute_operation(QUERY, sdk_method="T:t")
    assert route.call_count == 1


@respx.mock
async def test_retry_after_is_honoured(make_client: Any, fake_time: FakeTime) -> None:
    limited = httpx.Response(
        429, json={"message": "You have exceeded the rate limit"}, headers={"Retry-After": "7"}
    )
    respx.post(ENDPOINT).mock(side_effect=[limited, OK])
    await make_client()._execute_operation(QUERY, sdk_method="T:t")
    assert fake_time.sleeps == [7.0]


@respx.mock
async def test_attempts_are_bounded_and_the_last_typed_error_is_raised(
    make_client: Any, fake_time: FakeTime
) -> None:
    responses = [httpx.Response(500, text="a")] * 3 + [httpx.Response(502, text="b")]
    route = respx.post(ENDPOINT).mock(side_effect=responses)
    client = make_client(max_retries=3)
    with pytest.raises(InternalServerError) as info:
        await client._execute_operation(QUERY, sdk_method="T:t")
    assert not isinstance(info.value, tenacity.RetryError)
    assert str(info.value) == "502 Bad Gateway"
    assert info.value.attempts == 4
    assert route.call_count == 4
    assert len(fake_time.sleeps) == 3


@respx.mock
async def test_the_overall_deadline_stops_retries(make_client: Any, fake_time: FakeTime) -> None:
    limited = httpx.Response(429, json={}, headers={"Retry-After": "6"})
    route = respx.post(ENDPOINT).mock(side_effect=[limited] * 10)
    client = make_client(max_retries=10, retry_deadline=10.0)
    with pytest.raises(ApiLimitError):
        await client._execute_operation(QUERY, sdk_method="T:t")
    # the first wait (6 s) fits in 10 s; the second would end at 12 s, so it is not started
    assert fake_time.sleeps == [6.0]
    assert route.call_count == 2


@respx.mock
@pytest.mark.parametrize(
    ("failure", "retried"),
    [
        (httpx.Response(500, text="x"), False),
        (httpx.Response(504, text="x"), False),
        (gql_error("INTERNAL_SERVER_ERROR", exception={"status": 503}), False),
        (httpx.ReadTimeout("sent, no answer"), False),
        (httpx.RemoteProtocolError("dropped after sending"), False),
        (httpx.Response(502, text="x"), False),  # a gateway's 502 may follow an applied request
        (httpx.Response(503, text="x"), True),
        (httpx.Response(429, json={}), True),
        (httpx.Response(200, json={"message": "You have exceeded the limit"}), True),
        (httpx.ConnectError("refused"), True),
        (httpx.ConnectTimeout("never connected"), True),
        (httpx.PoolTimeout("no connection free"), True),
    ],
    ids=repr,
)
async def test_mutations_are_retried_only_when_safe(
    make_client: Any, failure: Any, retried: bool
) -> None:
    route = respx.post(ENDPOINT).mock(side_effect=[failure, data({"m": 1})])
    client = make_client()
    if retried:
        assert await client._execute_operation(MUTATION, sdk_method="T:t") == {"m": 1}
        assert route.call_count == 2
    else:
        with pytest.raises(LabelboxError) as info:
            await client._execute_operation(MUTATION, sdk_method="T:t")
        assert isinstance(info.value, InternalServerError | TimeoutError | NetworkError)
        assert route.call_count == 1


@respx.mock
async def test_idempotent_mutations_are_retried_like_queries(make_client: Any) -> None:
    route = respx.post(ENDPOINT).mock(side_effect=[httpx.ReadTimeout("x"), data({"m": 1})])
    assert await make_client()._execute_operation(IDEMPOTENT, sdk_method="T:t") == {"m": 1}
    assert route.call_count == 2


@respx.mock
async def test_raw_execute_classifies_mutations(make_client: Any) -> None:
    route = respx.post(ENDPOINT).mock(side_effect=[httpx.Response(500, text=""), OK])
    client = make_client()
    with pytest.raises(InternalServerError):
        await client.execute("mutation M { m }")
    assert route.call_count == 1
    route.side_effect = [httpx.Response(500, text=""), OK]
    assert await client.execute("query Q { a }") == {"a": 1}


@respx.mock
async def test_reconcile_returns_what_the_first_attempt_did(make_client: Any) -> None:
    route = respx.post(ENDPOINT).mock(side_effect=[httpx.ReadTimeout("x"), data({"m": 2})])
    seen: list[LabelboxError] = []

    async def reconcile(error: LabelboxError) -> dict[str, Any] | None:
        seen.append(error)
        return {"m": "found by name"}

    result = await make_client()._execute_operation(MUTATION, sdk_method="T:t", reconcile=reconcile)
    assert result == {"m": "found by name"}
    assert route.call_count == 1
    assert len(seen) == 1
    assert isinstance(seen[0], TimeoutError)


@respx.mock
async def test_reconcile_none_means_resend_and_stays_sticky(make_client: Any) -> None:
    route = respx.post(ENDPOINT).mock(
        side_effect=[httpx.ReadTimeout("x"), httpx.Response(503, text=""), data({"m": 3})]
    )
    calls = 0

    async def reconcile(error: LabelboxError) -> None:
        nonlocal calls
        calls += 1

    result = await make_client()._execute_operation(MUTATION, sdk_method="T:t", reconcile=reconcile)
    assert result == {"m": 3}
    assert route.call_count == 3
    assert calls == 2  # before each resend, since the first attempt may have been applied


@respx.mock
async def test_reconcile_is_not_consulted_for_safe_retries(make_client: Any) -> None:
    respx.post(ENDPOINT).mock(side_effect=[httpx.ConnectError("x"), data({"m": 4})])

    async def reconcile(error: LabelboxError) -> None:
        raise AssertionError("not needed: the request never left")

    assert await make_client()._execute_operation(
        MUTATION, sdk_method="T:t", reconcile=reconcile
    ) == {"m": 4}


@respx.mock
async def test_non_retryable_error_is_raised_at_once(make_client: Any, fake_time: FakeTime) -> None:
    respx.post(ENDPOINT).mock(return_value=gql_error("AUTHENTICATION_ERROR"))
    with pytest.raises(AuthenticationError):
        await make_client()._execute_operation(QUERY, sdk_method="T:t")
    assert fake_time.sleeps == []
