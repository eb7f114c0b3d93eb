"""The column-at-a-time paths of the LPO list (checks, rendering, chunking) give exactly what the
item-by-item paths give, and hand anything unusual to them."""

from __future__ import annotations

import random

import pytest

from aiolabel import GlobalKey, UniqueId
from aiolabel._concurrency import Chunker
from aiolabel._literals import EnumLiteral, graphql_literal, lpo_columns, lpo_list
from aiolabel._operations import labeling_parameter_overrides as lpo_ops
from aiolabel.errors import InputError, InputTypeError


def _slow(keys: list[str], kinds: list[str], priorities: list[int]) -> str:
    return graphql_literal(
        [
            {"dataRowIdentifier": {"id": k, "idType": EnumLiteral(t)}, "priority": p}
            for k, t, p in zip(keys, kinds, priorities, strict=True)
        ]
    )


@pytest.mark.parametrize("size", [1, 2, 7, 1000])
def test_columns_render_what_the_general_renderer_renders(size: int) -> None:
    rng = random.Random(size)
    alphabet = 'ab"\\\n\t{}[]:,$#\x01 '
    keys = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(size)]
    kinds = [rng.choice(["ID", "GKEY"]) for _ in range(size)]
    priorities = [rng.randint(-(2**31), 2**31 - 1) for _ in range(size)]
    assert lpo_columns(keys, kinds, priorities) == _slow(keys, kinds, priorities)
    assert lpo_list(list(zip(keys, kinds, priorities, strict=True))) == _slow(
        keys, kinds, priorities
    )


def test_columns_leave_unusual_values_to_the_item_path() -> None:
    class Key(str):
        pass

    assert lpo_columns(["é"], ["ID"], [1]) is None  # non-ASCII: checked one by one
    assert lpo_columns([Key("k")], ["ID"], [1]) is None
    assert lpo_columns(["k"], ["ID"], [True]) is None
    with pytest.raises(InputError):
        lpo_columns(["k"], ["not-a-name"], [1])
    assert (
        lpo_list([("é", "GKEY", 3)])
        == '[{dataRowIdentifier: {id: "é", idType: GKEY}, priority: 3}]'
    )
    with pytest.raises(InputTypeError):
        lpo_list([("k", "ID", True)])


def test_plain_pairs_accept_only_plain_distinct_pairs() -> None:
    pairs = [(UniqueId("a"), 1), (GlobalKey("a"), -(2**31)), (UniqueId("b"), 2**31 - 1)]
    assert lpo_ops.plain_pairs(pairs) == (
        ["a", "a", "b"],
        ["ID", "GKEY", "ID"],
        [1, -(2**31), 2**31 - 1],
    )

    class Special(UniqueId):
        pass

    for bad in (
        [(UniqueId("a"), 1), (UniqueId("a"), 2)],  # a repeat
        [(UniqueId("a"), True)],
        [(UniqueId("a"), 2**31)],
        [(UniqueId("a"), 1, "extra")],
        [[UniqueId("a"), 1]],
        [(Special("a"), 1)],
        [("a", 1)],
    ):
        assert lpo_ops.plain_pairs(bad) is None, bad


def test_the_builder_still_names_the_repeated_pair() -> None:
    with pytest.raises(InputError, match=r"overrides\[2\]"):
        lpo_ops.set_labeling_parameter_overrides(
            "p", [(UniqueId("a"), 1), (UniqueId("b"), 1), (UniqueId("a"), 2)]
        )
    built = lpo_ops.set_labeling_parameter_overrides("p", [(UniqueId("a"), 1), (GlobalKey("a"), 2)])
    assert '{id: "a", idType: GKEY}, priority: 2}]' in built.operation.document


async def test_a_list_is_chunked_by_slices() -> None:
    items = list(range(2503))
    stream = Chunker(items, 1000)
    chunks = [chunk async for chunk in stream]
    assert [len(c) for c in chunks] == [1000, 1000, 503]
    assert [x for chunk in chunks for x in chunk] == items
    assert stream.consumed == 2503
    assert stream.exhausted
