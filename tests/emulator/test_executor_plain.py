"""The emulator's executor completes plain fields (scalars, enums, objects and lists read off
dicts) on a short path; its results, field order and errors must be graphql-core's own."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLObjectType, build_schema, execute_sync, parse

from aiolabel.emulator.executor import _PlainExecutor

SDL = """
enum Kind { A B }
type Item { id: ID! n: Int name: String kind: Kind tags: [String!]! items: [Item!] }
type Holder {
  item: Item, items: [Item!]!, computed: [Item!]!, one: Item, loose: [Item], must: Item!
  count: Int!
}
type Query { holder: Holder, holders: [Holder!]! }
"""

QUERY = """
query {
  holder {
    count
    item { id n name kind tags alias: name ...F }
    items { id n kind tags items { id } }
    loose { id n }
    computed { id n kind }
    one { id name }
    must { id }
  }
  holders { count must { id kind } }
}
fragment F on Item { n kind }
"""


def run(root: dict[str, Any], *, plain: bool) -> tuple[Any, list[Any]]:
    schema = build_schema(SDL)
    holder_type = schema.type_map["Holder"]
    assert isinstance(holder_type, GraphQLObjectType)
    fields = holder_type.fields
    fields["computed"].resolve = lambda source, info: source.get("computed_from")
    fields["one"].resolve = lambda source, info: source.get("one_from")
    result = execute_sync(
        schema,
        parse(QUERY),
        root_value=root,
        executor_class=_PlainExecutor if plain else None,
    )
    errors = sorted((e.message, e.path) for e in result.errors or ())
    return result.data, errors


def item(i: int, **extra: Any) -> dict[str, Any]:
    return {"id": f"i{i}", "n": i, "name": f"n{i}", "kind": "A", "tags": ["x"], "items": []} | extra


def holder(**extra: Any) -> dict[str, Any]:
    return {
        "count": 3,
        "item": item(1),
        "items": [item(2), item(3, items=[item(4)])],
        "loose": [item(5), None],
        "must": item(6),
        "computed_from": [item(8)],
        "one_from": item(9),
    } | extra


CASES = {
    "plain": holder(),
    "null non-null leaf in a list item": holder(items=[item(2), item(3, id=None)]),
    "null non-null leaf on the holder": holder(count=None),
    "null non-null object": holder(must=None),
    "null item of a non-null list": holder(items=[item(2), None]),
    "value an Int refuses": holder(item=item(1, n="many")),
    "value an enum refuses": holder(item=item(1, kind="C")),
    "list that is not a list": holder(item=item(1, tags=7)),
    "callable value": holder(item=item(1, name=lambda info: "called")),
    "exception value": holder(item=item(1, n=ValueError("broken"))),
    "object that is not a dict": holder(item=None, items=[]),
    "empty lists": holder(items=[], loose=[], computed_from=[]),
    "resolved list with a bad item": holder(computed_from=[item(8), item(10, n="x"), "no"]),
    "resolved list with a null item": holder(computed_from=[None]),
    "resolved object with a null non-null leaf": holder(one_from=item(9, id=None)),
    "many holders": {"holder": None, "holders": [holder(), holder(must=item(7, kind="B"))]},
}


@pytest.mark.parametrize("case", list(CASES))
def test_same_results_and_errors_as_graphql_core(case: str) -> None:
    value = CASES[case]
    root = value if "holders" in value else {"holder": value, "holders": [holder()]}
    fast = run(root, plain=True)
    slow = run(root, plain=False)
    assert fast == slow
    if fast[0] is not None:  # field order is graphql-core's too
        assert repr(fast[0]) == repr(slow[0])
