"""Where the API key may go: never over plain http to another machine unless the caller says so,
never an emulator key to Labelbox, and always over verified TLS."""

from __future__ import annotations

import ssl

import httpx
import pytest

from aiolabel import AsyncClient
from aiolabel.client import is_loopback
from aiolabel.errors import AuthenticationError, InputError, InputTypeError, LabelboxError

KEY = "sk-test-0123456789"
EMULATOR_KEY = "lbemu_abcdefghijklmnop"


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://api.labelbox.com/graphql",
        "http://example.com/graphql",
        "http://10.0.0.7:8080/graphql",
        "http://192.168.1.10/graphql",
        "http://[2001:db8::1]/graphql",
        "http://localhost.example.com/graphql",
        "http://127.0.0.1.nip.io/graphql",
    ],
)
def test_plain_http_to_another_host_is_refused(endpoint: str) -> None:
    with pytest.raises(InputError, match="allow_insecure_http") as info:
        AsyncClient(api_key=KEY, endpoint=endpoint)
    assert KEY not in str(info.value)
    assert (
        AsyncClient(api_key=KEY, endpoint=endpoint, allow_insecure_http=True).endpoint == endpoint
    )


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://127.0.0.1:8765/graphql",
        "http://127.9.8.7/graphql",
        "http://[::1]:8765/graphql",
        "http://localhost:8765/graphql",
        "http://LOCALHOST/graphql",
        "http://emulator.localhost/graphql",
        "http://a.b.localhost./graphql",
        "https://example.com/graphql",
        "https://10.0.0.7/graphql",
    ],
)
def test_loopback_and_https_are_accepted(endpoint: str) -> None:
    assert AsyncClient(api_key=KEY, endpoint=endpoint).endpoint == endpoint


def test_in_memory_transports_reach_no_network() -> None:
    mock = httpx.MockTransport(lambda request: httpx.Response(200, json={"data": {}}))
    assert AsyncClient(api_key=KEY, endpoint="http://mock.invalid/graphql", transport=mock)
    asgi = httpx.ASGITransport(app=lambda scope, receive, send: None)
    assert AsyncClient(api_key=KEY, endpoint="http://app.invalid/graphql", transport=asgi)
    real = httpx.AsyncHTTPTransport()
    with pytest.raises(InputError, match="plain http"):
        AsyncClient(api_key=KEY, endpoint="http://app.invalid/graphql", transport=real)


def test_the_environment_endpoint_is_checked_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABELBOX_ENDPOINT", "http://labelbox.internal/graphql")
    with pytest.raises(InputError, match="plain http"):
        AsyncClient(api_key=KEY)


def test_allow_insecure_http_must_be_a_bool() -> None:
    with pytest.raises(InputTypeError):
        AsyncClient(api_key=KEY, endpoint="http://x.test/graphql", allow_insecure_http="yes")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "endpoint",
    [
        None,  # the default endpoint is Labelbox's
        "https://api.labelbox.com/graphql",
        "https://API.Labelbox.com/_gql",
        "https://labelbox.com/graphql",
        "https://eu.api.labelbox.com/graphql",
    ],
)
def test_an_emulator_key_is_never_sent_to_labelbox(
    endpoint: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LABELBOX_ENDPOINT", raising=False)
    with pytest.raises(AuthenticationError, match="emulator") as info:
        AsyncClient(api_key=EMULATOR_KEY, endpoint=endpoint)
    assert EMULATOR_KEY not in str(info.value)
    assert "lbemu_..." in str(info.value)


def test_an_emulator_key_goes_to_an_emulator_anywhere_else() -> None:
    for endpoint in ("http://127.0.0.1:9/graphql", "https://emulator.example.com/graphql"):
        assert AsyncClient(api_key=EMULATOR_KEY, endpoint=endpoint)
    with pytest.raises(LabelboxError):  # a look-alike host is not Labelbox's: only http is refused
        AsyncClient(api_key=EMULATOR_KEY, endpoint="http://notlabelbox.com/graphql")
    assert AsyncClient(api_key=EMULATOR_KEY, endpoint="https://notlabelbox.com/graphql")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.255.255.254", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("x.localhost", True),
        ("0.0.0.0", False),
        ("128.0.0.1", False),
        ("localhost.evil.com", False),
        ("mylocalhost", False),
        ("::2", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("transport", [None, "aiohttp"])
def test_tls_certificates_are_verified_by_default(transport: str | None) -> None:
    client = AsyncClient(
        api_key=KEY, endpoint="https://api.example.com/graphql", transport=transport
    )  # type: ignore[arg-type]
    inner = client._transport.http._transport
    context = (
        inner._pool._ssl_context  # type: ignore[attr-defined]
        if isinstance(inner, httpx.AsyncHTTPTransport)
        else inner.ssl_context  # type: ignore[attr-defined]
    )
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is True


def test_redirects_are_not_followed_with_the_key() -> None:
    client = AsyncClient(api_key=KEY, endpoint="https://api.example.com/graphql")
    assert client._transport.http.follow_redirects is False
