"""The client's options: defaults, the environment (``LABELBOX_API_KEY``,
``LABELBOX_ENDPOINT``), and where the API key may be sent."""

from __future__ import annotations

import ipaddress
import os

from aiolabel._secrets import is_labelbox_host
from aiolabel.errors import AuthenticationError, InputError, InputTypeError

__all__ = [
    "API_KEY_ENV",
    "DEFAULT_APP_URL",
    "DEFAULT_ENDPOINT",
    "DEFAULT_REST_ENDPOINT",
    "EMULATOR_KEY_PREFIX",
    "ENDPOINT_ENV",
    "api_key_option",
    "check_key_destination",
    "endpoint_option",
    "in_memory",
    "is_loopback",
    "rest_endpoint_for",
]

DEFAULT_ENDPOINT = "https://api.labelbox.com/graphql"
DEFAULT_REST_ENDPOINT = "https://api.labelbox.com/api/v1"
DEFAULT_APP_URL = "https://app.labelbox.com"
API_KEY_ENV = "LABELBOX_API_KEY"
ENDPOINT_ENV = "LABELBOX_ENDPOINT"

EMULATOR_KEY_PREFIX = "lbemu_"
"""The aiolabel emulator's keys start with this; they are never sent to Labelbox itself."""


def is_loopback(host: str) -> bool:
    """True for hosts that resolve to this machine: 127.0.0.0/8, ::1, localhost, *.localhost."""
    host = host.lower().rstrip(".").strip("[]")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def in_memory(transport: object) -> bool:
    """Transports that never open a connection (a mock, an ASGI app in this process)."""
    import httpx

    return isinstance(transport, httpx.MockTransport | httpx.ASGITransport)


def check_key_destination(
    api_key: str, endpoint: str, transport: object, allow_insecure_http: bool
) -> None:
    """Refuse to send the key where it could be read or where it does not belong."""
    import httpx

    host = httpx.URL(endpoint).host  # a valid URL: checked by check_url
    plain = endpoint.startswith("http://") and not allow_insecure_http
    if plain and not is_loopback(host) and not in_memory(transport):
        raise InputError(
            f"refusing to send the API key over plain http to {host!r}: use an https "
            "endpoint, or pass allow_insecure_http=True if this network is trusted"
        )
    if is_labelbox_host(host) and api_key.startswith(EMULATOR_KEY_PREFIX):
        raise AuthenticationError(
            f"this API key is an aiolabel emulator key ({EMULATOR_KEY_PREFIX}...); it is not "
            f"sent to {host}: set the emulator's endpoint, or use a Labelbox API key"
        )


def rest_endpoint_for(endpoint: str) -> str:
    """The REST base beside a GraphQL endpoint: the official default for the official
    endpoint, else ``{scheme}://{host}/api/v1`` (where the emulator serves it)."""
    if endpoint == DEFAULT_ENDPOINT:
        return DEFAULT_REST_ENDPOINT
    import httpx

    try:
        url = httpx.URL(endpoint)
    except httpx.InvalidURL as exc:
        raise InputError(f"endpoint {endpoint!r} is not a valid URL: {exc}") from None
    return str(url.copy_with(path="/api/v1", query=None, fragment=None))


def api_key_option(api_key: object) -> str:
    """``api_key``, else ``LABELBOX_API_KEY``: present, a str, printable ASCII."""
    if api_key is None:
        api_key = os.environ.get(API_KEY_ENV)
    if api_key is None or (isinstance(api_key, str) and not api_key.strip()):
        raise AuthenticationError(
            f"Labelbox API key not provided: pass api_key=... or set {API_KEY_ENV} (an "
            "emulator's key is printed by `aiolabel emulator serve`)"
        )
    if not isinstance(api_key, str):
        raise InputTypeError(f"api_key must be a str, got {type(api_key).__name__}")
    if any(c in api_key for c in "\r\n\x00") or not api_key.isascii():
        raise InputError("api_key must be printable ASCII")
    return api_key


def endpoint_option(endpoint: object) -> object:
    """``endpoint``, else ``LABELBOX_ENDPOINT``, else the official endpoint (checked by the
    caller as a URL)."""
    if endpoint is None:
        endpoint = os.environ.get(ENDPOINT_ENV) or DEFAULT_ENDPOINT
    return endpoint
