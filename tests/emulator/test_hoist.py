"""Large literal LPO lists are read without graphql-core's lexer, with exactly its meaning: a list
is hoisted only when it is valid, and then to the very value graphql-core coerces it to."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import (
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    parse,
    validate,
)
from graphql.language import ast
from graphql.utilities import coerce_input_literal
from hypothesis import given, settings
from hypothesis import strategies as st

from aiolabel._literals import EnumLiteral, graphql_literal, graphql_string
from aiolabel.emulator import Emulator
from aiolabel.emulator import executor as executor_module
from aiolabel.emulator._hoist import HOISTED_NAME, MIN_CHARS, hoist
from aiolabel.emulator.executor import build_schema
from tests.emulator._support import (
    create_batch,
    error_of,
    lpo_document,
    lpos,
    new_project,
    rows,
)
from tests.emulator.conftest import Gql

HEAD = "mutation SetLabelingParameterOverridesPyApi($projectId: ID!) {project(where: { id: $projectId }) {setLabelingParameterOverrides (dataWithDataRowIdentifiers: "  # noqa: E501
TAIL = ") {success}}}"
PADDING = "\n#" + "x" * MIN_CHARS
"""A trailing comment: every generated document is long enough to be hoisted."""

SCHEMA = build_schema()
OVERRIDE_TYPE = SCHEMA.type_map["LabelingParameterOverrideInput"]
assert isinstance(OVERRIDE_TYPE, GraphQLInputObjectType)
LIST_TYPE = GraphQLList(GraphQLNonNull(OVERRIDE_TYPE))
INVALID = object()


def graphql_core_reading(document: str) -> Any:
    """What graphql-core makes of the document's list: ``INVALID`` if the document does not
    parse or validate, else the list coerced to ``[LabelingParameterOverrideInput!]``."""
    try:
        parsed = parse(document)
    except GraphQLError:
        return INVALID
    if validate(SCHEMA, parsed):
        return INVALID
    operation = parsed.definitions[0]
    assert isinstance(operation, ast.OperationDefinitionNode)
    field = operation.selection_set.selections[0]
    assert isinstance(field, ast.FieldNode)
    assert field.selection_set is not None
    inner = field.selection_set.selections[0]
    assert isinstance(inner, ast.FieldNode)
    assert inner.arguments
    return coerce_input_literal(inner.arguments[0].value, LIST_TYPE)


def same(a: Any, b: Any) -> bool:
    """Equal with the same types all the way down (``1 == 1.0 == True`` would hide a bug)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def check(document: str) -> Any:
    """Hoisting never changes the meaning: a hoisted list is valid and is exactly what
    graphql-core reads, and the rewritten document declares and uses the variable."""
    expected = graphql_core_reading(document)
    hoisted = hoist(document, {"projectId": "p"})
    if expected is INVALID:
        assert hoisted is None, document
        return None
    if hoisted is not None:
        assert same(hoisted.value, expected), (hoisted.value, expected)
        assert f"${HOISTED_NAME}: [LabelingParameterOverrideInput!]" in hoisted.query
        assert not validate(SCHEMA, parse(hoisted.query))
    return hoisted


keys = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=30)
int32 = st.integers(min_value=-(2**31), max_value=2**31 - 1)


@settings(max_examples=80)
@given(
    st.lists(
        st.tuples(
            keys,
            st.sampled_from(["ID", "GKEY"]),
            int32,
            st.one_of(st.none(), st.just("null"), int32),
        ),
        max_size=20,
    )
)
def test_what_clients_send_is_hoisted_to_what_graphql_core_reads(
    items: list[tuple[str, str, int, int | str | None]],
) -> None:
    rendered = []
    for key, kind, priority, labels in items:
        item: dict[str, Any] = {
            "dataRowIdentifier": {"id": key, "idType": EnumLiteral(kind)},
            "priority": priority,
        }
        if labels is not None:
            item["numberOfLabels"] = None if labels == "null" else labels
        rendered.append(item)
    # aiolabel's renderer, and the official SDK's f-string (trailing comma, no spaces)
    official = "".join(
        "{dataRowIdentifier: {id: " + graphql_string(key) + f", idType: {kind}}}"
        f", priority: {priority}}},"
        for key, kind, priority, _ in items
    )
    for literal in (graphql_literal(rendered), "[" + official + "]"):
        assert check(HEAD + literal + TAIL + PADDING) is not None, literal


# Adversarial documents: valid lists in any spacing and field order with one fault or none,
# and arbitrary arrangements of every token a list may hold.
spacing = st.sampled_from(["", " ", ",", ", ", " ,, ", "\n", "\t", "\r\n", "\ufeff"])
bad_spacing = st.sampled_from([" # c ) ]\n", " # note\n", "\xa0", "\x0b", "\x00", "\u2028"])
scalars = st.one_of(
    keys.map(graphql_string),
    st.sampled_from(
        [
            "ID",
            "GKEY",
            "OTHER",
            "null",
            "true",
            "0",
            "-0",
            "7",
            "-12",
            "2147483647",
            "2147483648",
            "-2147483649",
            "1.5",
            "1e3",
            "01",
            "NaN",
            "-Infinity",
            '"ID"',
            '"GKEY"',
            '"7"',
            '"""block"""',
            '""',
            '"\\u0041"',
            '"\\uD83D\\uDE00"',
            '"\\uD800"',
            '"\\\\uD800"',
            '"\\u{41}"',
            '"a\\qb"',
            "$projectId",
            "[]",
            "{}",
        ]
    ),
)
names = st.sampled_from(
    ["dataRowIdentifier", "id", "idType", "priority", "numberOfLabels", "other", "true"]
)
FAULTS = (
    "none",
    "value",
    "duplicate",
    "unknown field",
    "missing field",
    "string enum",
    "enum id",
    "spacing",
    "adjacent",
)


@st.composite
def objects(draw: st.DrawFn, depth: int = 0) -> str:
    sep = draw(spacing)
    fields = []
    for name in draw(st.lists(names, max_size=4)):
        value = draw(objects(depth + 1)) if depth < 1 and draw(st.booleans()) else draw(scalars)
        fields.append(f"{name}{draw(spacing)}:{draw(spacing)}{value}")
    return "{" + sep + draw(spacing).join(fields) + sep + "}"


@st.composite
def items_with_a_fault(draw: st.DrawFn) -> str:
    """Valid items in any spacing and field order; at most one of them has one fault."""
    count = draw(st.integers(min_value=1, max_value=4))
    faulty = draw(st.integers(min_value=0, max_value=count - 1))
    fault = draw(st.sampled_from(FAULTS))
    rendered = []
    for index in range(count):
        fault_here = fault if index == faulty else "none"

        def sep(fault_here: str = fault_here) -> str:
            if fault_here == "spacing" and draw(st.booleans()):
                return draw(bad_spacing)
            return draw(spacing)

        def value(valid: str, fault_here: str = fault_here) -> str:
            return draw(scalars) if fault_here == "value" and draw(st.booleans()) else valid

        kind = draw(st.sampled_from(["ID", "GKEY"]))
        identifier = {
            "id": value(graphql_string(draw(keys))),
            "idType": value(kind),
        }
        if fault_here == "string enum":
            identifier["idType"] = f'"{kind}"'
        if fault_here == "enum id":
            identifier["id"] = kind
        fields = {
            "dataRowIdentifier": "{"
            + sep()
            + sep().join(f"{k}{sep()}:{sep()}{v}" for k, v in identifier.items())
            + sep()
            + "}",
            "priority": value(str(draw(int32))),
        }
        if draw(st.booleans()):
            fields["numberOfLabels"] = value(draw(st.sampled_from(["null", "1", "3", "-2"])))
        pairs = [f"{k}{sep()}:{sep()}{v}" for k, v in fields.items()]
        if fault_here == "duplicate":
            pairs.append(draw(st.sampled_from(pairs)))
        if fault_here == "unknown field":
            pairs.append(f"{draw(st.sampled_from(['other', 'id', 'true']))}: 1")
        if fault_here == "missing field" and len(pairs) > 1:
            pairs.pop(draw(st.integers(min_value=0, max_value=len(pairs) - 1)))
        ordered = draw(st.permutations(pairs))
        rendered.append("{" + sep() + sep().join(ordered) + sep() + "}")
    joiner = "" if fault == "adjacent" else draw(spacing)
    return "[" + draw(spacing) + joiner.join(rendered) + draw(spacing) + "]"


@settings(max_examples=600)
@given(items_with_a_fault())
def test_lists_with_a_fault_are_not_hoisted_and_valid_ones_are_read_exactly(
    literal: str,
) -> None:
    check(HEAD + literal + TAIL + PADDING)


@settings(max_examples=300)
@given(st.lists(st.one_of(objects(), scalars), max_size=6), spacing, bad_spacing)
def test_arbitrary_lists_are_hoisted_only_when_valid_and_exactly(
    items: list[str], inner: str, odd: str
) -> None:
    check(HEAD + "[" + inner.join(items) + "]" + TAIL + PADDING)
    check(HEAD + "[" + odd.join(items) + "]" + TAIL + PADDING)


GOOD = '{dataRowIdentifier: {id: "a", idType: ID}, priority: 1}'
REFUSED = [
    GOOD.replace("priority: 1", "priority: 1, numberOfLabels: 2, id: 1"),
    GOOD.replace("priority: 1", 'priority: 1, id: "x"'),
    GOOD.replace("idType: ID", "idType: ID, priority: 1"),
    GOOD.replace(", idType: ID", ""),
    GOOD.replace("priority: 1", "priority: 1, priority: 2"),
    GOOD.replace('id: "a"', 'id: "a", id: "b"'),
    GOOD.replace("idType: ID", 'idType: "ID"'),
    GOOD.replace("idType: ID", "idType: OTHER"),
    GOOD.replace("idType: ID", "idType: null"),
    GOOD.replace('id: "a"', "id: ID"),
    GOOD.replace('id: "a"', "id: null"),
    GOOD.replace('id: "a"', 'id: "\\uD800"'),
    GOOD.replace('id: "a"', 'id: "\\uDC00\\uD800"'),
    GOOD.replace('id: "a"', 'id: "\ud800"'),
    GOOD.replace('id: "a"', 'id: "a\\qb"'),
    GOOD.replace("priority: 1", "priority: 1e3"),
    GOOD.replace("priority: 1", "priority: 1.0"),
    GOOD.replace("priority: 1", "priority: -Infinity"),
    GOOD.replace("priority: 1", "priority: NaN"),
    GOOD.replace("priority: 1", "priority: 2147483648"),
    GOOD.replace("priority: 1", "priority: -2147483649"),
    GOOD.replace("priority: 1", "priority: 01"),
    GOOD.replace("priority: 1", "priority: true"),
    GOOD.replace("priority: 1", "priority: null"),
    GOOD.replace("priority: 1", 'priority: "1"'),
    GOOD.replace("priority: 1", "priority: $projectId"),
    GOOD.replace("priority: 1", "priority: 1, numberOfLabels: 2147483648"),
    GOOD.replace("priority: 1", "priority: 1, numberOfLabels: 1.5"),
    GOOD.replace("priority: 1", "priority: 1, numberOfLabels: true"),
    GOOD.replace("priority: 1", "priority: 1, numberOfLabels: []"),
    GOOD.replace("{id:", "null, {id:"),
    GOOD.replace(", priority", "\xa0priority"),
    GOOD.replace(", priority", "\x0bpriority"),
    "{dataRowIdentifier: null, priority: 1}",
    "null",
    "[]",
    "1",
]
ACCEPTED = [
    (GOOD.replace("priority: 1", "priority: -0, numberOfLabels: null"), True),
    (GOOD.replace('id: "a"', 'id: "\\\\uD800"'), True),
    (GOOD.replace('id: "a"', 'id: "\\uD83D\\uDE00 \\u00e9\\n\\/"'), False),
    (GOOD.replace('id: "a"', 'id: "\t\x01 ) ] # \u2028"'), True),
    (GOOD.replace('id: "a"', "id: 5"), False),
    (GOOD.replace('id: "a"', 'id: """a"""'), False),
    (GOOD.replace('id: "a"', 'id: "\\u{41}"'), False),
    (GOOD.replace(", ", " ").replace(": ", ":"), True),
    (GOOD + GOOD, True),
    (GOOD + " # a comment\n", False),
    ("\ufeff" + GOOD + ",,\r\n", True),
]
"""Valid items, and whether the fast path reads them (the others go to graphql-core)."""


@pytest.mark.parametrize("item", REFUSED)
def test_each_kind_of_invalid_list_is_left_to_graphql_core(item: str) -> None:
    for literal in ("[" + item + "]", "[" + GOOD + ", " + item + ", " + GOOD + "]"):
        document = HEAD + literal + TAIL + PADDING
        assert graphql_core_reading(document) is INVALID, literal
        assert hoist(document, {}) is None, literal


@pytest.mark.parametrize(("item", "hoisted"), ACCEPTED)
def test_unusual_but_valid_lists_keep_their_meaning(item: str, hoisted: bool) -> None:
    for literal in ("[" + item + "]", "[" + GOOD + ", " + item + ", " + GOOD + "]"):
        document = HEAD + literal + TAIL + PADDING
        assert graphql_core_reading(document) is not INVALID, literal
        assert (check(document) is not None) is hoisted, literal


def test_the_official_sdk_document_with_its_trailing_comma() -> None:
    document = lpo_document([("dr1", "ID", 2), ("gk1", "GKEY", -7)] * 200)
    hoisted = check(document)
    assert hoisted is not None
    assert hoisted.value[:2] == [
        {"dataRowIdentifier": {"id": "dr1", "idType": "ID"}, "priority": 2},
        {"dataRowIdentifier": {"id": "gk1", "idType": "GKEY"}, "priority": -7},
    ]
    assert "dr1" not in hoisted.query


def test_unusual_documents_are_left_alone() -> None:
    body = "x" * MIN_CHARS
    item = '{dataRowIdentifier: {id: "a", idType: ID}, priority: 1}'
    cases = [
        HEAD + '[{dataRowIdentifier: {id: """block""", idType: ID}, priority: 1}]' + TAIL + body,
        HEAD + '[{dataRowIdentifier: {id: "\\u{1F600}", idType: ID}, priority: 1}]' + TAIL + body,
        HEAD + "[{dataRowIdentifier: {id: $x, idType: ID}, priority: 1}]" + TAIL + body,
        HEAD + "[{dataRowIdentifier: {id: 'single', idType: ID}}]" + TAIL + body,
        HEAD + "[" + item + " # a comment\n]" + TAIL + body,
        HEAD.replace("SetLabelingParameterOverridesPyApi", "Other") + "[]" + TAIL + body,
        HEAD.replace("{ id: $projectId }", '{ id: "p" }') + "[" + item + "]" + TAIL + body,
        "query Short { user { id } }",
    ]
    for document in cases:
        assert hoist(document, {}) is None, document
    taken = HEAD + "[]" + TAIL + body
    assert hoist(taken, {HOISTED_NAME: 1}) is None
    assert hoist(taken.replace("$projectId }", f"${HOISTED_NAME} }}"), {}) is None


async def test_hoisted_and_plain_requests_agree(
    emu: Emulator, gql: Gql, monkeypatch: pytest.MonkeyPatch
) -> None:
    project_id = await new_project(gql)
    ids = rows(emu, 300, global_key_prefix="h-")
    await create_batch(gql, project_id, "b", ids)
    items = [(row_id, "ID", i % 7) for i, row_id in enumerate(ids)]
    document = lpo_document(items)
    assert len(document) > MIN_CHARS
    body = await gql.data(document, {"projectId": project_id})
    assert body["project"]["setLabelingParameterOverrides"]["success"] is True
    assert {o["dataRow"]["id"]: o["priority"] for o in await lpos(gql, project_id)} == {
        row_id: i % 7 for i, row_id in enumerate(ids)
    }
    # an unknown row refuses the whole list, with or without hoisting, and changes nothing
    bad = lpo_document([(row_id, "ID", 99) for row_id in ids] + [("no-such-row", "ID", 1)])
    assert hoist(bad, {}) is not None
    hoisted = await gql(bad, {"projectId": project_id})
    # lists graphql-core refuses are never hoisted: the answer is graphql-core's own
    invalid = [
        document.replace("priority: 3}", 'priority: "3"}'),
        document.replace("priority: 3}", "priority: 3.0}"),
        document.replace("priority: 3}", "priority: null}"),
        document.replace("priority: 3}", "priority: 2147483648}"),
        document.replace("idType: ID}, priority: 3}", 'idType: "ID"}, priority: 3}'),
        document.replace("priority: 3}", "priority: 3, priority: 4}"),
        document.replace("priority: 3}", "priority: 3, other: 1}"),
    ]
    answers = [await gql(doc, {"projectId": project_id}) for doc in invalid]
    assert all(hoist(doc, {}) is None for doc in invalid)
    monkeypatch.setattr(executor_module, "hoist", lambda query, variables: None)
    plain = await gql(bad, {"projectId": project_id})
    assert hoisted == plain
    assert error_of(hoisted)["extensions"]["exception"]["status"] == 400
    for doc, answer in zip(invalid, answers, strict=True):
        assert answer == await gql(doc, {"projectId": project_id})
        assert answer["data"] is None
        assert {e["extensions"]["code"] for e in answer["errors"]} == {"GRAPHQL_VALIDATION_FAILED"}
    assert {o["dataRow"]["id"]: o["priority"] for o in await lpos(gql, project_id)} == {
        row_id: i % 7 for i, row_id in enumerate(ids)
    }
