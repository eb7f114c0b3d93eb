"""Columns checked once (:class:`aiolabel._literals.LpoColumns`) render any run of their items as
the document :func:`lpo_columns` gives between a head and a tail, with that document's exact
``json.dumps``, and refuse what :func:`lpo_json` refuses."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiolabel import GlobalKey, UniqueId
from aiolabel._literals import LpoColumns, _int_texts, lpo_columns, lpo_json
from aiolabel._operations import labeling_parameter_overrides as lpo_ops
from aiolabel.errors import InputError
from tests.unit._lpo_strategies import columns

_columns = columns(st.one_of(st.integers(0, 5000), st.integers(-(2**31), 2**31 - 1)), max_size=80)
_text = st.text(st.characters(exclude_categories=("Cs",)))


@given(_columns, _text, _text, st.data())
def test_a_run_of_items_renders_as_lpo_columns_and_its_json(
    items: list[tuple[str, str, int]], head: str, tail: str, data: st.DataObject
) -> None:
    keys, kinds, priorities = (list(column) for column in zip(*items, strict=True))
    columns = LpoColumns.of(keys, kinds, priorities)
    if lpo_json(keys, kinds, priorities) is None:
        assert columns is None
        return
    assert columns is not None
    assert len(columns) == len(keys)
    start = data.draw(st.integers(0, len(keys) - 1))
    end = data.draw(st.integers(start + 1, len(keys)))
    document, encoded = columns.document(head, tail, start, end)
    literal = lpo_columns(keys[start:end], kinds[start:end], priorities[start:end])
    assert document == head + str(literal) + tail
    assert encoded == json.dumps(document, ensure_ascii=False).encode("utf-8")


def test_columns_are_kept_as_checked() -> None:
    keys, kinds, priorities = ["a", "b"], ["ID", "GKEY"], [1, 2]
    columns = LpoColumns.of(keys, kinds, priorities)
    assert columns is not None
    keys[0], kinds[0], priorities[0] = 'x"', "bad name", 3  # the caller's lists change later
    document, _ = columns.document("", "", 0, 2)
    assert document == (
        '[{dataRowIdentifier: {id: "a", idType: ID}, priority: 1}, '
        '{dataRowIdentifier: {id: "b", idType: GKEY}, priority: 2}]'
    )


def test_unusual_columns_are_refused_or_left_to_the_item_path() -> None:
    assert LpoColumns.of([], [], []) is None
    assert LpoColumns.of(['a"'], ["ID"], [1]) is None  # JSON escapes the quote
    assert LpoColumns.of(["é"], ["ID"], [1]) is None
    assert LpoColumns.of(["a"], ["ID"], [True]) is None
    with pytest.raises(InputError):
        LpoColumns.of(["a"], ["not a name"], [1])
    columns = LpoColumns.of(["a"], ["ID"], [1])
    assert columns is not None
    with pytest.raises(InputError):
        columns.document("", "", 1, 1)


@pytest.mark.parametrize(
    "values",
    [
        list(range(100)),
        [0, 4095, 4096, -1, 2**31 - 1, -(2**31)] * 20,
        [7] * 64,
        [3, 2, 1],
    ],
)
def test_integer_texts_are_str_of_each(values: list[int]) -> None:
    assert _int_texts(values) == tuple(map(str, values))


@pytest.mark.parametrize(
    ("keys", "distinct"),
    [
        (["a", "b", "c"], True),  # increasing: distinct without the set
        (["c", "a", "b"], True),
        (["a", "b", "b"], False),  # a repeat next to itself
        (["b", "a", "b"], False),  # a repeat out of order
        (["a", "c", "b", "a"], False),
    ],
)
def test_plain_pairs_refuse_a_repeated_key_in_any_order(keys: list[str], distinct: bool) -> None:
    for kind in (UniqueId, GlobalKey):
        pairs = [(kind(key), 1) for key in keys]
        columns = lpo_ops.plain_pairs(pairs)
        assert (columns is not None) is distinct
        if distinct:
            assert columns is not None
            assert columns[0] == keys
