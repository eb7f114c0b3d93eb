"""Keeping the API key secret: masking it in text, and telling where it may be sent."""

from __future__ import annotations

from urllib.parse import unquote

MASK = "<redacted>"
MIN_RUN = 8
"""A run of this many characters of the key is masked too (a body cut short, or a server that
echoes a prefix, must not leave part of the key readable)."""


def redact(text: str, key: str | None) -> str:
    """``text`` with the key, and every run of ``MIN_RUN`` or more of its characters, masked."""
    if not key or not text:
        return text
    if len(key) < MIN_RUN:
        return text.replace(key, MASK)
    text = text.replace(key, MASK)
    grams = {key[i : i + MIN_RUN] for i in range(len(key) - MIN_RUN + 1)}
    hidden = bytearray(len(text))
    found = False
    for i in range(len(text) - MIN_RUN + 1):
        if text[i : i + MIN_RUN] in grams:
            hidden[i : i + MIN_RUN] = b"\x01" * MIN_RUN
            found = True
    if not found:
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        if hidden[i]:
            while i < len(text) and hidden[i]:
                i += 1
            out.append(MASK)
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def canonical_host(host: str) -> str:
    """A host name as DNS sees it: percent-decoded, lower case, without brackets or the final
    dots of a fully qualified name (``API.Labelbox.COM.`` is ``api.labelbox.com``)."""
    host = unquote(host).strip().lower().strip("[]").rstrip(".")
    try:
        return host.encode("idna").decode("ascii").lower().rstrip(".")
    except UnicodeError:
        return host


def is_labelbox_host(host: str) -> bool:
    """Whether ``host``, however spelled, is ``labelbox.com`` or one of its subdomains."""
    name = canonical_host(host)
    return name == "labelbox.com" or name.endswith(".labelbox.com")
