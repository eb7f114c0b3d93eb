"""The column-at-a-time paths of the LPO list (checks, rendering, chunking, the request body made
in the same pass) give exactly what the item-by-item paths and ``json.dumps`` give, and hand
anything unusual to them."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiolabel import GlobalKey, UniqueId
from aiolabel._concurrency import Chunker
from aiolabel._content import EncodedDocument, RawJSON, encode_variables
from aiolabel._literals import EnumLiteral, graphql_literal, lpo_columns, lpo_json, lpo_list
from aiolabel._operations import labeling_parameter_overrides as lpo_ops
from aiolabel.errors import InputError, InputTypeError
from tests.unit._lpo_strategies import columns, plain_keys
from tests.unit._lpo_strategies import keys as any_keys


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


_columns = columns(st.integers(-(2**31), 2**31 - 1))


@given(_columns)
def test_the_json_text_of_the_literal_is_json_dumps_of_the_literal(
    items: list[tuple[str, str, int]],
) -> None:
    keys, kinds, priorities = (list(column) for column in zip(*items, strict=True))
    literal = lpo_columns(keys, kinds, priorities)
    texts = lpo_json(keys, kinds, priorities)
    escape_free = all(k.isascii() and min(k) >= " " and not {'"', "\\"} & set(k) for k in keys)
    if literal is None or not escape_free:
        assert texts is None
        return
    assert texts == (literal, json.dumps(literal, ensure_ascii=False)[1:-1])


@given(
    st.lists(
        st.tuples(
            st.one_of(plain_keys, any_keys).map(UniqueId)
            | st.one_of(plain_keys, any_keys).map(GlobalKey),
            st.integers(-(2**31), 2**31 - 1),
        ),
        min_size=1,
        unique_by=lambda pair: pair[0],
    ),
    st.text(min_size=1),
)
def test_the_body_is_byte_for_byte_the_json_of_the_document(
    pairs: list[tuple[UniqueId | GlobalKey, int]], project_id: str
) -> None:
    built = lpo_ops.set_labeling_parameter_overrides(project_id, pairs)
    document = built.operation.document
    expected = json.dumps(
        {"query": str(document), "variables": {"projectId": project_id}},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
    assert encode_variables(document, built.variables) == expected
    assert _slow_document(pairs) == str(document)
    checked = lpo_ops.CheckedOverrides.of(pairs, 3)
    assert checked is not None
    for start in range(len(pairs)):  # slices of the list, and lists of the same pairs
        for chunk in (pairs[start : start + 3], pairs[start:], pairs[start::2]):
            built = checked.request(project_id, chunk)
            assert encode_variables(built.operation.document, built.variables) == (
                encode_variables(str(_slow_document(chunk)), built.variables)
            )
    assert (
        encode_variables(
            checked.request(project_id, list(pairs)).operation.document, {"projectId": project_id}
        )
        == expected
    )


def _slow_document(pairs: list[tuple[UniqueId | GlobalKey, int]]) -> str:
    rows = [
        {"dataRowIdentifier": {"id": i.key, "idType": EnumLiteral(i.id_type.value)}, "priority": p}
        for i, p in pairs
    ]
    return (
        lpo_ops.SET_LABELING_PARAMETER_OVERRIDES_HEAD
        + graphql_literal(rows)
        + lpo_ops.SET_LABELING_PARAMETER_OVERRIDES_TAIL
    )


def test_the_usual_document_carries_its_json_and_keeps_raw_variables() -> None:
    built = lpo_ops.set_labeling_parameter_overrides(
        "p", [(UniqueId("a1"), 1), (GlobalKey("k"), 2)]
    )
    document = built.operation.document
    assert isinstance(document, EncodedDocument)
    assert json.loads(document.json) == str(document)
    body = encode_variables(document, {"projectId": "p", "raw": RawJSON(b"[1,2]")})
    assert json.loads(body) == {
        "query": str(document),
        "variables": {"projectId": "p", "raw": [1, 2]},
    }
    quoted = lpo_ops.set_labeling_parameter_overrides("p", [(UniqueId('a"1'), 1)])
    assert not isinstance(quoted.operation.document, EncodedDocument)  # escaped as usual
    assert '{id: "a\\"1", idType: ID}' in quoted.operation.document
