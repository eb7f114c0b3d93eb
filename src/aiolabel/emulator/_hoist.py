"""Hoisting of the LPO literal list out of the document text, read and coerced at C speed.

The official SDK (and aiolabel) paste ``setLabelingParameterOverrides`` lists of up to 1,000
items into the document text. graphql-core's lexer and its input coercion are pure Python, so a
pasted 1,000-item list costs tens of milliseconds to parse, validate and coerce, and every such
document is new. Here the list is turned into JSON text by plain replacements (strings masked
while the rest is rewritten), read by ``json.loads`` and checked against the input type by a
dedicated coercer; the list is replaced by a variable, and the remaining text, which repeats from
call to call, goes through the ordinary cached parse and validation. The coerced value is handed
to execution as that variable's value.

Only what is certainly valid, and certainly read as graphql-core reads it, is hoisted: anything
unusual (comments, block strings, variables, floats, escapes of surrogates, duplicate fields, a
string where an enum belongs, a value out of range...) leaves the document untouched, so the slow
path gives the exact GraphQL answer, errors included.

The list as both SDKs write it (``{dataRowIdentifier: {id: "…", idType: ID}, priority: N}`` items,
keys without escapes, priorities of at most 9 digits) is recognised whole in the document text by
one regular expression, before any other work, and read by a second as two columns, keys and
priorities' digits (:class:`PlainOverrides`), without building an object per item; the coerced
value is made from them only if asked for.
"""

from __future__ import annotations

import json
import re
from typing import Any

HOISTED_NAME = "aiolabelHoisted0"

MIN_CHARS = 4_096
"""Shorter documents are cheap to parse as they are."""

HOISTABLE = {
    "SetLabelingParameterOverridesPyApi": (
        "setLabelingParameterOverrides",
        "dataWithDataRowIdentifiers",
        "[LabelingParameterOverrideInput!]",
    ),
}
"""operation name → (field, argument, the argument's input type): the one list hoisted."""

_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
_ID_TYPES = frozenset({"ID", "GKEY"})
"""``IdType``'s values (coerced, each is its name)."""

_IGNORED = "[\t \n\r,\ufeff]"
"""GraphQL's ignored characters, comments aside (``\\s`` would take more)."""
_START = {
    name: re.compile(rf"\b{field}{_IGNORED}*\({_IGNORED}*{argument}{_IGNORED}*:{_IGNORED}*\[")
    for name, (field, argument, _type) in HOISTABLE.items()
}
_OPERATION = re.compile(r"^\s*mutation\s+([_A-Za-z][_0-9A-Za-z]*)\s*")
_STRING = re.compile(r'("[^"\\\n\r]*(?:\\.[^"\\\n\r]*)*")')
"""A string literal (captured, so ``split`` keeps it); block strings are caught afterwards."""
_SKELETON_CHARS = re.compile("[\\]\\[{}:,\t \n\r\ufeff\x00_0-9A-Za-z-]*")
"""All a list may hold outside its strings to be hoisted (no comments, variables, floats...)."""
_SURROGATES = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPES = re.compile(r"(?<!\\)(?:\\\\)*\\u[dD][89a-fA-F]")
"""graphql-core refuses lone surrogates, which JSON accepts."""


_SDK_KEY = r"[^\"\\\x00-\x1f\ud800-\udfff]*"
"""A key written as it is (no escape, no control character, no lone surrogate)."""
_SDK_PRIORITY = "0|-?[1-9][0-9]{0,8}"
"""In range by its form (at most 9 digits), and as JSON reads it (no ``-0``); other integers
are read by the general path."""


_SDK_ITEM = (
    r'\{dataRowIdentifier: \{id: "'
    + _SDK_KEY
    + r'", idType: ID\}, priority: (?:'
    + _SDK_PRIORITY
    + r")\}"
)
_SDK_LIST = re.compile(rf"\[(?:{_IGNORED}*{_SDK_ITEM})*{_IGNORED}*\](?={_IGNORED}*\))")
"""A list of items as the SDKs write them (data-row ids and a priority each, nothing else),
read in the document as it is, up to its ``]`` (the argument's ``)`` follows): nothing in it is a
string, comment or escape the GraphQL lexer could read otherwise."""
_SDK_PRIORITIES = re.compile(r"priority: (-?[0-9]+)\}")
"""The priorities of such a list, its keys cut out."""


class PlainOverrides:
    """A ``[LabelingParameterOverrideInput!]`` of data-row ids and priorities only, as columns:
    ``keys[i]`` (``idType: ID``) has the priority written ``digits[i]``."""

    __slots__ = ("digits", "keys")

    def __init__(self, keys: list[str], digits: list[str]) -> None:
        self.keys = keys
        self.digits = digits

    @property
    def priorities(self) -> list[int]:
        return list(map(int, self.digits))

    def coerced(self) -> list[dict[str, Any]]:
        """The value graphql-core coerces the list to."""
        return [
            {"dataRowIdentifier": {"id": key, "idType": "ID"}, "priority": priority}
            for key, priority in zip(self.keys, self.priorities, strict=True)
        ]

    def json_object(self) -> str:
        """``{key: priority, ...}`` as JSON text (the keys need no escape: see ``_SDK_KEY``)."""
        pairs = zip(self.keys, self.digits, strict=True)
        return "{" + ",".join([f'"{key}":{digits}' for key, digits in pairs]) + "}"


def _read_plain(text: str, start: int) -> tuple[PlainOverrides, int] | None:
    """The columns of a list at ``text[start] == "["`` written as the SDKs write it and the
    offset after its ``]``, or None."""
    found = _SDK_LIST.match(text, start)
    if found is None:
        return None
    # its keys hold no quote: between the quotes are the keys, in turn with the rest
    parts = text[start : found.end()].split('"')
    keys = parts[1::2]
    digits = _SDK_PRIORITIES.findall("".join(parts[2::2]))
    if len(digits) != len(keys):  # pragma: no cover - the expression pairs them
        return None
    return PlainOverrides(keys, digits), found.end()


class _Bail(Exception):
    pass


def _constant(name: str) -> Any:
    raise _Bail  # NaN / Infinity: JSON reads them, GraphQL does not


def _coerce_overrides(value: Any, fields: int) -> list[dict[str, Any]] | None:
    """``value`` if it is a ``[LabelingParameterOverrideInput!]`` as graphql-core coerces one,
    else ``None``. JSON gives the same dicts (the enum's values are its names).

    ``fields`` is the number of object fields the literal wrote: JSON keeps only the last of
    repeated ones, which GraphQL refuses.
    """
    if type(value) is not list:
        return None
    seen = 0
    for item in value:
        if type(item) is not dict:
            return None
        identifier = item.get("dataRowIdentifier")
        priority = item.get("priority")
        if type(identifier) is not dict or len(identifier) != 2:
            return None
        if type(priority) is not int or not _INT_MIN <= priority <= _INT_MAX:
            return None
        kind = identifier.get("idType")
        if type(identifier.get("id")) is not str or type(kind) is not str or kind not in _ID_TYPES:
            return None
        size = len(item)
        if size == 3:
            labels = item.get("numberOfLabels", False)
            if labels is not None and (
                type(labels) is not int or not _INT_MIN <= labels <= _INT_MAX
            ):
                return None
        elif size != 2:
            return None
        seen += size + 2
    return value if seen == fields else None


_OVERRIDE_KEYS = ("dataRowIdentifier", "id", "idType", "priority", "numberOfLabels")
_QUOTES = [
    (f"{before}{key}:", f'{before}"{key}":') for key in _OVERRIDE_KEYS for before in "{,"
] + [
    (f'"idType":{kind}{after}', f'"idType":"{kind}"{after}') for kind in _ID_TYPES for after in ",}"
]
"""Field names and enum values made JSON, each only where it is a whole token (between
delimiters); any other name stays bare and JSON refuses it."""
_TIDY = ((":,", ":"), ("{,", "{"), ("[,", "["), (",}", "}"), (",]", "]"), (",:", ":"))
_TO_COMMAS = str.maketrans(dict.fromkeys("\t \n\r\ufeff", ","))


def _read_overrides(text: str, start: int) -> tuple[Any, int] | None:
    """The coerced LPO list at ``text[start] == "["`` and the offset after its ``]``, or ``None``
    when the list is unusual or does not fit ``[LabelingParameterOverrideInput!]``.

    Strings are cut out (``\x00`` marks each), the rest is made JSON by plain replacements,
    the strings go back verbatim (GraphQL's string escapes are JSON's) and ``json.loads``
    reads it all.
    """
    plain = _read_plain(text, start)
    if plain is not None:
        return plain
    rest = text[start:]
    if "\x00" in rest:
        return None
    parts = _STRING.split(rest)
    skeleton = "\x00".join(parts[0::2])
    close = skeleton.find(")")
    end = skeleton.rfind("]", 0, close) if close > 0 else -1
    if end < 0:
        return None
    body = skeleton[: end + 1]
    strings = body.count("\x00")
    if "\x00\x00" in body or not _SKELETON_CHARS.fullmatch(body):
        return None
    list_end = sum(map(len, parts[: 2 * strings])) + end - body.rfind("\x00") + start
    literals = parts[1 : 2 * strings : 2]
    if not text.isascii() and _SURROGATES.search(text, start, list_end):
        return None
    if "\\u" in rest and _SURROGATE_ESCAPES.search(text, start, list_end):
        return None
    body = body.translate(_TO_COMMAS)
    while ",," in body:
        body = body.replace(",,", ",")
    for old, new in _TIDY:
        body = body.replace(old, new)
    for old, new in _QUOTES:
        body = body.replace(old, new)
    body = body.replace("}{", "},{")
    if body.count('"id":\x00') != strings:  # a string literal where no string belongs
        return None
    pieces = body.split("\x00")
    joined: list[str] = [""] * (2 * len(pieces) - 1)
    joined[0::2] = pieces
    joined[1::2] = literals
    try:
        value = json.loads("".join(joined), strict=False, parse_constant=_constant)
    except (ValueError, RecursionError, _Bail):
        return None
    coerced = _coerce_overrides(value, body.count('":'))
    if coerced is None:
        return None
    return coerced, list_end


class Hoisted:
    """A document whose literal list became the variable ``HOISTED_NAME``."""

    __slots__ = ("_value", "plain", "query")

    def __init__(self, query: str, value: Any) -> None:
        self.query = query
        self.plain = value if isinstance(value, PlainOverrides) else None
        """The list as columns, when it is written as the SDKs write it."""
        self._value = None if self.plain is not None else value

    @property
    def value(self) -> Any:
        """The list, coerced to the variable's type: execution takes it as it is."""
        if self._value is None and self.plain is not None:
            self._value = self.plain.coerced()
        return self._value


def hoistable(query: str) -> bool:
    """Whether ``query`` may have a list to hoist (a cheap test before ``hoist``)."""
    if len(query) < MIN_CHARS:
        return False
    operation = _OPERATION.match(query)
    return operation is not None and operation.group(1) in HOISTABLE


def hoist(query: str, variables: dict[str, Any] | None) -> Hoisted | None:
    """The query with its literal list made a variable, with the list's coerced value; ``None``
    when there is nothing to hoist or anything looks unusual."""
    if not hoistable(query) or HOISTED_NAME in query:
        return None
    if variables is not None and HOISTED_NAME in variables:
        return None
    operation = _OPERATION.match(query)
    assert operation is not None
    name = operation.group(1)
    found = _START[name].search(query, operation.end())
    if found is None:
        return None
    list_start = found.end() - 1
    head = query[:list_start]
    if '"' in head or "#" in head:  # strings or comments before the list: let the parser read it
        return None
    read = _read_overrides(query, list_start)
    if read is None:
        return None
    value, list_end = read
    declaration = f"${HOISTED_NAME}: {HOISTABLE[name][2]}"
    if query.startswith("(", operation.end()):
        head = query[: operation.end()] + "(" + declaration + ", "
        middle = query[operation.end() + 1 : list_start]
    else:
        head = query[: operation.end()] + "(" + declaration + ")"
        middle = query[operation.end() : list_start]
    return Hoisted(head + middle + "$" + HOISTED_NAME + query[list_end:], value)
