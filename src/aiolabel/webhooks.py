"""Checking that a webhook request comes from Labelbox: the ``X-Hub-Signature`` header.

Labelbox signs each webhook POST with the webhook's secret: the header ``X-Hub-Signature`` is
``sha1=`` followed by the hex HMAC-SHA1 of the raw request body. Check it on the raw bytes,
before parsing the JSON.
"""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["SIGNATURE_HEADER", "verify_webhook_signature"]

SIGNATURE_HEADER = "X-Hub-Signature"
"""The request header carrying the signature."""


def verify_webhook_signature(body: bytes | str, secret: str | bytes, header: str | None) -> bool:
    """True when ``header`` (the ``X-Hub-Signature`` value) is the signature of ``body`` with
    ``secret``; compared in constant time. A missing or malformed header is False."""
    if not secret:
        raise ValueError("secret must be non-empty")
    if not isinstance(header, str) or not header.startswith("sha1="):
        return False
    raw = body.encode() if isinstance(body, str) else body
    key = secret.encode() if isinstance(secret, str) else secret
    expected = "sha1=" + hmac.new(key, raw, hashlib.sha1).hexdigest()
    return hmac.compare_digest(expected.encode(), header.strip().encode())
