"""The one function that renders values as GraphQL literal text.

Values travel as variables everywhere except where the real schema's input type name is unknown,
so a variable cannot be declared: the LPO list of wire §5.5 (``setLabelingParameterOverrides``).
There, and only there, :func:`graphql_literal` renders the values. Every string is escaped so that
graphql-core's parser reads back exactly the original text (a hypothesis test proves it).
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Mapping, Sequence

from aiolabel.errors import InputError, InputTypeError

__all__ = ["EnumLiteral", "graphql_literal", "graphql_string"]

_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*\Z")
_RESERVED_ENUM_NAMES = frozenset({"true", "false", "null"})
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f]')


class EnumLiteral(str):
    """A GraphQL enum value, rendered bare (``ID``), not quoted."""

    __slots__ = ()

    def __new__(cls, name: str) -> EnumLiteral:
        if not isinstance(name, str):
            raise InputTypeError(f"an enum literal is a str, got {type(name).__name__}")
        if not _NAME.match(name) or name in _RESERVED_ENUM_NAMES:
            raise InputError(f"not a GraphQL enum value name: {name!r}")
        return super().__new__(cls, name)


def _escape_char(match: re.Match[str]) -> str:
    ch = match.group()
    return _ESCAPES.get(ch) or f"\\u{ord(ch):04x}"


def graphql_string(value: str) -> str:
    """A quoted GraphQL string literal whose parsed value is exactly ``value``."""
    if not isinstance(value, str):
        raise InputTypeError(f"expected str, got {type(value).__name__}")
    for ch in value:
        if 0xD800 <= ord(ch) <= 0xDFFF:
            raise InputError("a string holding a lone surrogate cannot be sent as GraphQL text")
    return '"' + _NEEDS_ESCAPE.sub(_escape_char, value) + '"'  # graphql-literal: escaped


def graphql_literal(value: object) -> str:
    """Render ``value`` as GraphQL literal text.

    ``str`` becomes an escaped string; ``EnumLiteral`` and ``enum.Enum`` members become bare enum
    values (a member renders its ``value``, so ``IdType.GlobalKey`` gives ``GKEY``); ``bool``,
    ``int``, finite ``float`` and ``None`` become ``true``/``false``, numbers and ``null``;
    sequences become lists; mappings with name-like ``str`` keys become input objects.
    Anything else raises :class:`InputTypeError`.
    """
    if isinstance(value, EnumLiteral):
        return str.__str__(value)  # graphql-literal: escaped
    if isinstance(value, enum.Enum):
        return graphql_literal(EnumLiteral(value.value))  # graphql-literal: escaped
    if isinstance(value, str):
        return graphql_string(value)  # graphql-literal: escaped
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)  # graphql-literal: escaped
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(f"GraphQL has no literal for {value!r}")
        text = repr(value)
        return text if any(c in text for c in ".eE") else text + ".0"  # graphql-literal: escaped
    if isinstance(value, Mapping):
        fields = []
        for key, item in value.items():
            if not isinstance(key, str) or not _NAME.match(key):
                raise InputError(f"not a GraphQL field name: {key!r}")
            fields.append(f"{key}: {graphql_literal(item)}")  # graphql-literal: escaped
        return "{" + ", ".join(fields) + "}"  # graphql-literal: escaped
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        return "[" + ", ".join(graphql_literal(v) for v in value) + "]"  # graphql-literal: escaped
    raise InputTypeError(f"cannot render a {type(value).__name__} as a GraphQL literal")
