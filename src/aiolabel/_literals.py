"""The one module that renders values as GraphQL literal text.

Values travel as variables everywhere except where the real schema's input type name is unknown,
so a variable cannot be declared. There are two such places, and only there are values rendered,
by this module:

* the LPO list of wire §5.5 (``setLabelingParameterOverrides``): :func:`lpo_list` (its one
  shape, fast) or :func:`graphql_literal` (any value);
* the topic and status names of the webhook documents (``CreateWebhookPyApi``,
  ``UpdateWebhookPyApi``): the schema's enum type names for them are unknown, so they go in as
  bare enum values, rendered by :func:`enum_names` from members of
  :class:`~aiolabel.enums.WebhookTopic` / :class:`~aiolabel.enums.WebhookStatus` (or their
  names) and nothing else.

Every string is escaped so that graphql-core's parser reads back exactly the original text, and
every enum name is a member's (hypothesis tests prove both).

Strings are escaped as JSON does (``json.dumps(s, ensure_ascii=False)``, in C). Every escape
JSON writes is a GraphQL escape with the same meaning (``\\"``, ``\\\\``, ``\\b``, ``\\f``,
``\\n``, ``\\r``, ``\\t``, and ``\\u00XX`` for the other control characters), and every
character it leaves as is (U+0020 and above but ``"`` and ``\\``) is a GraphQL string character
(GraphQL spec, October 2021 edition, *String Value*; the June 2018 edition too, for the Basic
Multilingual Plane). A string holding a lone surrogate has no UTF-8 form and is refused.
"""

from __future__ import annotations

import enum
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import repeat
from json.encoder import encode_basestring
from operator import add

from aiolabel.errors import InputError, InputTypeError

__all__ = [
    "EnumLiteral",
    "enum_names",
    "graphql_literal",
    "graphql_string",
    "lpo_columns",
    "lpo_list",
]

_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*\Z")
_RESERVED_ENUM_NAMES = frozenset({"true", "false", "null"})
_JSON_STRING = json.JSONEncoder(ensure_ascii=False).encode
"""``json.dumps(s, ensure_ascii=False)`` for a str, without building an encoder per call."""
_LPO_ITEM = "{{dataRowIdentifier: {{id: {}, idType: {}}}, priority: {}}}"
"""One LPO item; its slots take an escaped string, an enum name and an int."""
_LPO_HEAD = "{dataRowIdentifier: {id: "
_LPO_BETWEEN = "}, " + _LPO_HEAD
"""What follows an item's priority when another item comes next."""


class EnumLiteral(str):
    """A GraphQL enum value, rendered bare (``ID``), not quoted."""

    __slots__ = ()

    def __new__(cls, name: str) -> EnumLiteral:
        if not isinstance(name, str):
            raise InputTypeError(f"an enum literal is a str, got {type(name).__name__}")
        if not _NAME.match(name) or name in _RESERVED_ENUM_NAMES:
            raise InputError(f"not a GraphQL enum value name: {name!r}")
        return super().__new__(cls, name)


def enum_names(values: Iterable[object], kind: type[enum.Enum]) -> str:
    """The bare names of ``values``, separated by spaces (``LABEL_CREATED LABEL_UPDATED``): each a
    member of ``kind`` or the ``str`` value of one; anything else is refused before any request
    (:class:`InputTypeError` for what is neither a ``str`` nor a member, :class:`InputError` for a
    ``str`` that names no member). ``kind`` is an enum whose values are GraphQL names."""
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise InputTypeError(f"expected a list of {kind.__name__} names, got {values!r}")
    members = {member.value: member for member in kind}
    names: list[str] = []
    for value in values:
        if isinstance(value, kind):
            value = value.value
        if isinstance(value, str):
            name = str.__str__(value)
        else:
            raise InputTypeError(
                f"a {kind.__name__} is a member or its name, got {type(value).__name__}"
            )
        if name not in members:
            raise InputError(
                f"{name!r} is not a {kind.__name__}; expected one of {sorted(members)}"
            )
        names.append(str.__str__(EnumLiteral(name)))
    return " ".join(names)  # graphql-literal: escaped


def graphql_string(value: str) -> str:
    """A quoted GraphQL string literal whose parsed value is exactly ``value``."""
    if not isinstance(value, str):
        raise InputTypeError(f"expected str, got {type(value).__name__}")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise InputError(
                "a string holding a lone surrogate cannot be sent as GraphQL text"
            ) from None
    return _JSON_STRING(value)  # graphql-literal: escaped


def lpo_list(items: Iterable[tuple[str, str, int]]) -> str:
    """``[{dataRowIdentifier: {id: "…", idType: ID}, priority: N}, …]`` from ``(key,
    id_type, priority)`` triples: what :func:`graphql_literal` renders for that shape, in a
    fraction of its time. ``id_type`` must be an enum value name, ``priority`` an int."""
    if not isinstance(items, list):
        items = list(items)
    fast = _lpo_list_plain(items)
    if fast is not None:
        return fast
    names: dict[str, str] = {}
    parts: list[str] = []
    for key, id_type, priority in items:
        name = names.get(id_type)
        if name is None:
            name = names[id_type] = str.__str__(EnumLiteral(id_type))
        if type(priority) is not int:  # bool and int subclasses render differently
            if isinstance(priority, bool) or not isinstance(priority, int):
                raise InputTypeError(f"a priority is an int, got {type(priority).__name__}")
            priority = int(priority)
        parts.append(
            _LPO_ITEM.format(graphql_string(key), name, priority)  # graphql-literal: escaped
        )
    return "[" + ", ".join(parts) + "]"  # graphql-literal: escaped


def _lpo_list_plain(items: list[tuple[str, str, int]]) -> str | None:
    """:func:`lpo_list` of plain triples (3-tuples of an ASCII ``str`` key, a ``str`` id type,
    an ``int`` priority), checked and rendered column by column at C speed; None for anything
    else (the item-by-item path then renders it or names what is wrong). The keys are escaped
    by the same C function as :func:`graphql_string` (``json.dumps(key, ensure_ascii=False)``)."""
    if not items or set(map(type, items)) != {tuple} or set(map(len, items)) != {3}:
        return None
    keys, id_types, priorities = zip(*items, strict=True)
    return lpo_columns(keys, id_types, priorities)


def lpo_columns(
    keys: Sequence[str], id_types: Sequence[str], priorities: Sequence[int]
) -> str | None:
    """:func:`lpo_list` of the triples ``zip(keys, id_types, priorities)`` when every key is an
    ASCII ``str``, every id type a ``str`` and every priority an ``int``, checked and rendered
    column by column at C speed; None otherwise (then :func:`lpo_list` renders them item by
    item, or names what is wrong). Keys are escaped by the C function behind
    :func:`graphql_string` (``json.dumps(key, ensure_ascii=False)``)."""
    if set(map(type, keys)) != {str} or set(map(type, priorities)) != {int}:
        return None
    if not all(map(str.isascii, keys)):
        return None  # ASCII has no lone surrogate; others are checked one by one
    kinds = set(id_types)
    if set(map(type, kinds)) != {str}:
        return None
    for kind in kinds:
        EnumLiteral(kind)  # refuses a name that is not an enum value's
    if not keys:
        return "[]"
    # item i is _LPO_HEAD + key + _LPO_MIDDLE[kind] + priority + "}": the parts are joined once
    middles = {kind: f", idType: {kind}}}, priority: " for kind in kinds}
    parts: list[str] = [""] * (2 * len(keys))
    parts[0::2] = map(add, map(encode_basestring, keys), map(middles.__getitem__, id_types))
    parts[1::2] = map(add, map(str, priorities), repeat(_LPO_BETWEEN))
    text = "".join(parts)  # graphql-literal: escaped
    return "[" + _LPO_HEAD + text[: -len(_LPO_BETWEEN) + 1] + "]"  # graphql-literal: escaped


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
