"""The one GraphQL-literal escaping function: any string survives graphql-core's parser."""

from __future__ import annotations

import enum
from typing import Any

import pytest
from graphql import parse
from graphql.language import ArgumentNode, FieldNode, OperationDefinitionNode
from graphql.utilities import value_from_ast_untyped
from hypothesis import given
from hypothesis import strategies as st

from aiolabel import IdType
from aiolabel._literals import EnumLiteral, graphql_literal, graphql_string, lpo_list
from aiolabel.errors import InputError, InputTypeError

text = st.text(st.characters(exclude_categories=("Cs",)))


def parsed_argument(literal: str) -> Any:
    doc = parse(f"mutation M {{ f(a: {literal}) {{ ok }} }}")
    op = doc.definitions[0]
    assert isinstance(op, OperationDefinitionNode)
    field = op.selection_set.selections[0]
    assert isinstance(field, FieldNode)
    arg: ArgumentNode = field.arguments[0]
    return value_from_ast_untyped(arg.value)


@given(text)
def test_any_string_round_trips_through_the_parser(value: str) -> None:
    assert parsed_argument(graphql_string(value)) == value


@given(st.lists(st.fixed_dictionaries({"id": text, "priority": st.integers(-(2**31), 2**31 - 1)})))
def test_lpo_shaped_lists_round_trip(rows: list[dict[str, Any]]) -> None:
    assert parsed_argument(graphql_literal(rows)) == rows


@given(st.lists(st.tuples(text, st.sampled_from(["ID", "GKEY"]), st.integers(-(2**31), 2**31 - 1))))
def test_the_lpo_fast_path_round_trips_and_matches_the_generic_renderer(
    items: list[tuple[str, str, int]],
) -> None:
    rows = [
        {"dataRowIdentifier": {"id": key, "idType": EnumLiteral(kind)}, "priority": priority}
        for key, kind, priority in items
    ]
    rendered = lpo_list(items)
    assert rendered == graphql_literal(rows)
    assert parsed_argument(rendered) == [
        {"dataRowIdentifier": {"id": key, "idType": kind}, "priority": priority}
        for key, kind, priority in items
    ]


def test_the_lpo_fast_path_refuses_what_it_cannot_render() -> None:
    with pytest.raises(InputTypeError):
        lpo_list([("k", "ID", True)])
    with pytest.raises(InputTypeError):
        lpo_list([("k", "ID", 1.0)])  # type: ignore[list-item]
    with pytest.raises(InputError):
        lpo_list([("k", "not-a-name", 1)])
    with pytest.raises(InputError):
        lpo_list([("\ud83d\ude00", "ID", 1)])  # a pair of lone surrogates, not an emoji
    with pytest.raises(InputTypeError):
        lpo_list([(b"k", "ID", 1)])  # type: ignore[list-item]

    class Rank(enum.IntEnum):
        TOP = 1

    assert lpo_list([("k", "GKEY", Rank.TOP)]) == (
        '[{dataRowIdentifier: {id: "k", idType: GKEY}, priority: 1}]'
    )


@pytest.mark.parametrize(
    "value",
    [
        '"',
        "\\",
        '\\"',
        "\n\r\t\b\f",
        "\x00\x01\x1f\x7f\x80\x9f",
        "😀 é \u2028\u2029 \ufeff",
        '"}) { injected }',
        "\\u0041 \\n",
        "",
    ],
)
def test_hostile_strings_stay_one_string(value: str) -> None:
    literal = graphql_string(value)
    assert parsed_argument(literal) == value
    assert "\n" not in literal


def test_enum_literals_render_bare() -> None:
    rendered = graphql_literal({"id": "gk", "idType": IdType.GlobalKey})
    assert rendered == '{id: "gk", idType: GKEY}'
    doc = parse(f"mutation M {{ f(a: {rendered}) {{ ok }} }}")
    assert "idType: GKEY" in doc.loc.source.body  # type: ignore[union-attr]
    assert graphql_literal(EnumLiteral("ID")) == "ID"


def test_scalars() -> None:
    assert graphql_literal(None) == "null"
    assert graphql_literal(True) == "true"
    assert graphql_literal(False) == "false"
    assert graphql_literal(-12) == "-12"
    assert graphql_literal(1.5) == "1.5"
    assert graphql_literal(2.0) == "2.0"
    assert parsed_argument(graphql_literal(1e300)) == 1e300
    assert graphql_literal([1, [2]]) == "[1, [2]]"


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (b"x", InputTypeError),
        (object(), InputTypeError),
        (float("nan"), InputError),
        ({"bad key": 1}, InputError),
        ({1: 1}, InputError),
        ("\ud800", InputError),
    ],
)
def test_bad_values_are_refused(value: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        graphql_literal(value)


def test_bad_enum_names_are_refused() -> None:
    for name in ("true", "null", "a-b", "1a", ""):
        with pytest.raises(InputError):
            EnumLiteral(name)

    class Odd(enum.Enum):
        X = "not a name"

    with pytest.raises(InputError):
        graphql_literal(Odd.X)
