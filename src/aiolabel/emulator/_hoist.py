"""Hoisting of large literal lists into variables, before parsing.

The official SDK pastes ``set_labeling_parameter_overrides`` lists of up to 1,000 items into the
document text. graphql-core's lexer is pure Python, so parsing such a document costs a quarter of
a second, and every such document is new. Here the list literal is read with a regex tokenizer
(C speed), replaced by a variable, and the remaining text, which repeats from call to call, goes
through the ordinary cached parse and validation. Anything unexpected (block strings, variables
inside the list, escapes JSON does not know) leaves the document untouched, so the slow path still
gives the exact GraphQL answer.
"""

from __future__ import annotations

import json
import re
from typing import Any

HOISTABLE: dict[str, tuple[str, str, str]] = {
    "SetLabelingParameterOverridesPyApi": (
        "setLabelingParameterOverrides",
        "dataWithDataRowIdentifiers",
        "[LabelingParameterOverrideInput!]",
    ),
}
"""operation name → (field, argument, the argument's input type): literal lists to hoist."""

MIN_CHARS = 4_096
"""Shorter documents are cheap to parse as they are."""

HOISTED_NAME = "aiolabelHoisted0"

_TOKEN = re.compile(
    r"""(?P<skip>[\s,\ufeff]+|\#[^\n\r]*)
      |(?P<punct>[\[\]{}:])
      |(?P<string>"(?:[^"\\\n\r]|\\.)*")
      |(?P<number>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?(?![_0-9A-Za-z.]))
      |(?P<name>[_A-Za-z][_0-9A-Za-z]*)""",
    re.VERBOSE,
)
_START = {
    name: re.compile(rf"\b{field}\s*\(\s*{argument}\s*:\s*\[")
    for name, (field, argument, _type) in HOISTABLE.items()
}
_OPERATION = re.compile(r"^\s*mutation\s+([_A-Za-z][_0-9A-Za-z]*)\s*")


class _Bail(Exception):
    pass


def _read_value(text: str, pos: int) -> tuple[Any, int]:
    """One GraphQL input value at ``pos`` (after any ignored tokens); returns it and the end."""
    kind, token, pos = _next(text, pos)
    if kind == "punct":
        if token == "[":
            items: list[Any] = []
            while True:
                kind, token, after = _next(text, pos)
                if (kind, token) == ("punct", "]"):
                    return items, after
                value, pos = _read_value(text, pos)
                items.append(value)
        if token == "{":
            fields: dict[str, Any] = {}
            while True:
                kind, token, pos = _next(text, pos)
                if (kind, token) == ("punct", "}"):
                    return fields, pos
                if kind != "name" or token in fields:
                    raise _Bail
                colon_kind, colon, pos = _next(text, pos)
                if (colon_kind, colon) != ("punct", ":"):
                    raise _Bail
                fields[token], pos = _read_value(text, pos)
        raise _Bail
    if kind == "string":
        try:
            return json.loads(token), pos
        except ValueError:
            raise _Bail from None
    if kind == "number":
        return (float(token) if any(c in token for c in ".eE") else int(token)), pos
    if kind == "name":
        return {"true": True, "false": False, "null": None}.get(token, token), pos
    raise _Bail


def _next(text: str, pos: int) -> tuple[str, str, int]:
    while True:
        match = _TOKEN.match(text, pos)
        if match is None:
            raise _Bail
        kind = match.lastgroup
        assert kind is not None
        if kind != "skip":
            if kind == "string" and text.startswith('"""', match.start()):
                raise _Bail
            return kind, match.group(), match.end()
        pos = match.end()


def hoist(query: str, variables: dict[str, Any] | None) -> tuple[str, dict[str, Any] | None]:
    """The query with one large literal list made a variable, and the variables with its value.

    Returns the inputs unchanged when there is nothing to hoist or anything looks unusual.
    """
    if len(query) < MIN_CHARS or (variables is not None and HOISTED_NAME in variables):
        return query, variables
    operation = _OPERATION.match(query)
    if operation is None or operation.group(1) not in HOISTABLE:
        return query, variables
    name = operation.group(1)
    found = _START[name].search(query, operation.end())
    if found is not None:
        list_start = found.end() - 1
        try:
            value, list_end = _read_value(query, list_start)
        except _Bail:
            return query, variables
        type_name = HOISTABLE[name][2]
        declaration = f"${HOISTED_NAME}: {type_name}"
        head = query[: operation.end()]
        if query.startswith("(", operation.end()):
            head += "(" + declaration + ", "
            middle = query[operation.end() + 1 : list_start]
        else:
            head += "(" + declaration + ")"
            middle = query[operation.end() : list_start]
        rewritten = head + middle + "$" + HOISTED_NAME + query[list_end:]
        return rewritten, {**(variables or {}), HOISTED_NAME: value}
    return query, variables
