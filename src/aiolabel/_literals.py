"""The one module that renders values as GraphQL literal text.

Values travel as variables everywhere except where the real schema's input type name is unknown,
so a variable cannot be declared. There are two such places, and only there are values rendered,
by this module:

* the LPO list of wire §5.5 (``setLabelingParameterOverrides``): :func:`lpo_list` (its one
  shape, fast), :class:`LpoColumns` (columns checked once, any run of them rendered as the
  document with its JSON string) or :func:`graphql_literal` (any value);
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
import functools
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import repeat
from json.encoder import encode_basestring

from aiolabel.errors import InputError, InputTypeError

__all__ = [
    "EnumLiteral",
    "LpoColumns",
    "enum_names",
    "graphql_literal",
    "graphql_string",
    "lpo_columns",
    "lpo_json",
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
"""What follows an item's priority when another item comes next (then the key's quote)."""


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
    :func:`graphql_string` (``json.dumps(key, ensure_ascii=False)``); keys holding nothing it
    escapes (the usual case) are copied between quotes as they are, which is the same text."""
    checked = _lpo_kinds(keys, id_types, priorities)
    if checked is None:
        return None
    kinds, escape_free = checked
    texts = _int_texts(priorities)
    if escape_free:
        return _lpo_text(keys, id_types, kinds, texts, '"')
    escaped = list(map(encode_basestring, keys))  # graphql-literal: escaped
    return _lpo_text(escaped, id_types, kinds, texts, "")


def lpo_json(
    keys: Sequence[str], id_types: Sequence[str], priorities: Sequence[int]
) -> tuple[str, str] | None:
    """``(literal, escaped)``: ``literal`` is :func:`lpo_columns` of the columns and ``escaped``
    the same text as the inside of a JSON string (``json.dumps(literal, ensure_ascii=False)``
    without its two quotes), both rendered in one pass, so a request body needs no second escape
    of the whole text. None where :func:`lpo_columns` gives None, and when a key holds a
    character JSON escapes (``"``, ``\\``, a control character): the caller then renders it
    with :func:`lpo_columns` and escapes the document as usual.

    Keys are copied as they are, between quotes (``"`` in the literal, ``\\"`` in the JSON
    text); what lies between the keys is fixed text and enum names, in which JSON escapes
    nothing but the quotes."""
    checked = _lpo_kinds(keys, id_types, priorities)
    if checked is None or not checked[1]:
        return None
    kinds = checked[0]
    texts = _int_texts(priorities)
    literal = _lpo_text(keys, id_types, kinds, texts, '"')  # graphql-literal: escaped
    return literal, _lpo_text(keys, id_types, kinds, texts, '\\"')  # graphql-literal: escaped


_JSON_ESCAPED = bytes(range(0x20)) + b'"\\'
"""The ASCII characters ``json.dumps`` escapes in a string: controls, the quote, the backslash."""


def _lpo_kinds(
    keys: Sequence[str], id_types: Sequence[str], priorities: Sequence[int]
) -> tuple[set[str], bool] | None:
    """``(kinds, escape_free)``: the id type names of the columns, each checked as an enum value
    name, and whether no key holds a character JSON (and so GraphQL) escapes, when every key is
    an ASCII ``str``, every id type a ``str`` and every priority an ``int``; None otherwise."""
    if set(map(type, keys)) != {str} or set(map(type, priorities)) != {int}:
        return None
    raw = "".join(keys)
    if not raw.isascii():
        return None  # ASCII has no lone surrogate; others are checked one by one
    kinds = set(id_types)
    if set(map(type, kinds)) != {str}:
        return None
    for kind in kinds:
        EnumLiteral(kind)  # refuses a name that is not an enum value's
    data = raw.encode("ascii")
    return kinds, len(data.translate(None, _JSON_ESCAPED)) == len(data)


def _lpo_parts(
    keys: Sequence[str],
    id_types: Sequence[str],
    kinds: set[str],
    priorities: Sequence[str],
    quote: str,
    head: str = "",
    tail: str = "",
) -> list[str]:
    """The pieces of ``head`` + the list of items ``{dataRowIdentifier: {id: <quote><key>
    <quote>, idType: <kind>}, priority: <priority>}`` + ``tail``, to be joined once; ``keys``
    are already escaped (or need no escape), ``priorities`` are the texts of ints.

    Piece 0 is ``head`` and the list's opening, piece ``4 * i + 1`` item i's key, ``4 * i + 2``
    what follows it up to the priority, ``4 * i + 3`` its priority, ``4 * i + 4`` what follows
    (the next item's opening, or the list's closing and ``tail`` for the last item)."""
    size = len(keys)
    # item i is KEY + MIDDLE[kind] + PRIORITY + BETWEEN (the last BETWEEN is "}]" + tail)
    middles = {kind: f"{quote}, idType: {kind}}}, priority: " for kind in kinds}
    parts: list[str] = [_LPO_BETWEEN + quote] * (4 * size + 1)
    parts[0] = head + "[" + _LPO_HEAD + quote
    parts[1::4] = keys
    if len(middles) == 1:
        parts[2::4] = repeat(middles.popitem()[1], size)
    else:
        parts[2::4] = map(middles.__getitem__, id_types)
    parts[3::4] = priorities
    parts[-1] = "}]" + tail
    return parts


def _lpo_text(
    keys: Sequence[str],
    id_types: Sequence[str],
    kinds: set[str],
    priorities: Sequence[str],
    quote: str,
) -> str:
    """The list of items ``{dataRowIdentifier: {id: <quote><key><quote>, idType: <kind>},
    priority: <priority>}``, joined once; ``keys`` are already escaped (or need no escape)."""
    if not keys:
        return "[]"
    return "".join(_lpo_parts(keys, id_types, kinds, priorities, quote))  # graphql-literal: escaped


_SMALL_INTS = 1 << 12
"""Priorities below this are rendered from one shared table of their texts."""


@functools.cache
def _small_int_texts() -> dict[int, str]:
    return {value: str(value) for value in range(_SMALL_INTS)}


def _int_texts(values: Sequence[int]) -> tuple[str, ...]:
    """``tuple(map(str, values))`` of ints (``int`` itself, checked by the caller), the small
    non-negative ones taken from a table: a lookup costs a fraction of making the text."""
    if len(values) >= 64:
        texts = tuple(map(_small_int_texts().get, values))
        if None not in texts:
            return texts  # type: ignore[return-value]  # (no None in it)
    return tuple(map(str, values))


class LpoColumns:
    """The columns of LPO items (keys, id type names, priorities), checked once as
    :func:`lpo_columns` checks them and found free of anything JSON escapes, so that any run of
    consecutive items renders as a document and its JSON string without a second look
    (:meth:`document`). Made by :meth:`of`, which gives None where :func:`lpo_json` does."""

    __slots__ = ("_keys", "_kinds", "_priorities", "_types")

    def __init__(
        self,
        keys: Sequence[str],
        id_types: Sequence[str],
        kinds: set[str],
        priorities: Sequence[str],
    ) -> None:
        self._keys = keys
        self._types = id_types
        self._kinds = kinds
        self._priorities = priorities

    @classmethod
    def of(
        cls, keys: Sequence[str], id_types: Sequence[str], priorities: Sequence[int]
    ) -> LpoColumns | None:
        """The checked columns, or None when :func:`lpo_json` of them would be None (a key not
        ASCII or holding a character JSON escapes, a value of another type); an id type that is
        not an enum value name raises :class:`InputError`."""
        checked = _lpo_kinds(keys, id_types, priorities)
        if checked is None or not checked[1]:
            return None
        kinds = checked[0]
        # Kept as tuples of str, which the garbage collector stops scanning once it has seen
        # them; the id types only when there are two kinds.
        types = tuple(id_types) if len(kinds) > 1 else ()
        return cls(tuple(keys), types, kinds, _int_texts(priorities))

    def __len__(self) -> int:
        return len(self._keys)

    def document(self, head: str, tail: str, start: int, end: int) -> tuple[str, bytes]:
        """``(document, json)`` for the items ``start:end``: ``document`` is ``head`` +
        :func:`lpo_columns` of them + ``tail``, ``json`` is ``json.dumps(document,
        ensure_ascii=False)`` as UTF-8 bytes, quotes included. Each is joined once from the
        same pieces: between the keys (copied as they are) there is fixed text, enum names and
        digits, in which JSON escapes nothing but the quotes; ``head`` and ``tail`` are escaped
        as :func:`json.dumps` escapes them."""
        keys = self._keys[start:end]
        if not keys:
            raise InputError("an LPO document needs at least one item")
        kinds = self._kinds
        types = self._types[start:end] if len(kinds) > 1 else ()
        parts = _lpo_parts(keys, types, kinds, self._priorities[start:end], '"', head, tail)
        document = "".join(parts)  # graphql-literal: escaped
        parts[0] = _JSON_STRING(head + "[" + _LPO_HEAD)[:-1] + '\\"'
        if len(kinds) == 1:
            parts[2::4] = repeat(f'\\", idType: {next(iter(kinds))}}}, priority: ', len(keys))
        else:
            middles = {kind: f'\\", idType: {kind}}}, priority: ' for kind in kinds}
            parts[2::4] = map(middles.__getitem__, types)
        parts[4::4] = repeat(_LPO_BETWEEN + '\\"', len(keys))
        parts[-1] = _JSON_STRING("}]" + tail)[1:]
        return document, "".join(parts).encode()  # graphql-literal: escaped


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
