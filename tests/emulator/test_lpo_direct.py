"""The LPO mutation as both SDKs send it is executed directly (the list read as columns, no
graphql-core execution) and gives exactly what graphql-core's execution gives: the same answers,
errors included, and the same overrides afterwards."""

from __future__ import annotations

import json
from typing import Any

import pytest
from graphql import parse

from aiolabel import UniqueId
from aiolabel._operations import labeling_parameter_overrides as lpo_ops
from aiolabel.emulator import Emulator
from aiolabel.emulator import executor as executor_module
from aiolabel.emulator._hoist import HOISTED_NAME, hoist
from aiolabel.emulator.executor import is_plain_lpo
from tests.emulator._support import create_batch, lpo_document, lpos, new_project, rows
from tests.emulator.conftest import Gql
from tests.emulator.test_hoist import check


def _aiolabel_document(items: list[tuple[str, int]]) -> str:
    built = lpo_ops.set_labeling_parameter_overrides("p", [(UniqueId(k), p) for k, p in items])
    return str(built.operation.document)


def _official_document(items: list[tuple[str, int]]) -> str:
    return lpo_document([(key, "ID", priority) for key, priority in items])


ITEMS = [(f"row-{i:04d}", (-1) ** i * i * 1000) for i in range(150)]


@pytest.mark.parametrize("make", [_aiolabel_document, _official_document])
def test_lists_as_the_sdks_write_them_are_read_as_columns(make: Any) -> None:
    document = make(ITEMS)
    hoisted = check(document)  # graphql-core's reading, value for value
    assert hoisted is not None
    assert hoisted.plain is not None
    assert hoisted.plain.keys == [key for key, _ in ITEMS]
    assert hoisted.plain.priorities == [priority for _, priority in ITEMS]
    assert is_plain_lpo(parse(hoisted.query))


ODD_KEYS = ["a]b)", "x, y}", "é😀", "\x7f\u2028\ufeff", "#not a comment", "", "{id: 1}"]


def test_keys_with_any_plain_character_are_read_as_columns() -> None:
    items = [*((key, i) for i, key in enumerate(ODD_KEYS)), *ITEMS]
    hoisted = check(_official_document(items))
    assert hoisted is not None
    assert hoisted.plain is not None
    assert hoisted.plain.keys == [key for key, _ in items]
    assert hoisted.plain.priorities == [priority for _, priority in items]
    assert json.loads(hoisted.plain.json_object()) == dict(items)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('id: "row-0003"', 'id: "row\\u002d0003"'),  # an escape
        ("idType: ID}, priority: -3000", "idType: GKEY}, priority: -3000"),
        ("priority: -3000}", "priority: -3000, numberOfLabels: 2}"),
        ("priority: -3000}", "priority: -2147483649}"),
        ("priority: -3000}", "priority: -03000}"),
        ("priority: -3000}", "priority: 2147483647}"),  # ten digits: the general reading
        ("priority: -3000}", "priority: -0}"),
        ('id: "row-0003"', 'id: "row\t0003"'),  # a control character in a key
        ("priority: -3000}", "priority:  -3000}"),  # other spacing
    ],
)
def test_other_lists_keep_the_general_reading(old: str, new: str) -> None:
    document = _official_document(ITEMS).replace(old, new)
    assert new in document
    hoisted = check(document)
    assert hoisted is None or hoisted.plain is None


def test_only_the_exact_mutation_is_executed_directly() -> None:
    hoisted = hoist(_official_document(ITEMS), {"projectId": "p"})
    assert hoisted is not None
    query = hoisted.query
    assert is_plain_lpo(parse(query))
    variants = [
        query.replace("{success}", "{success __typename}"),
        query.replace("{success}", "{ok: success}"),
        query.replace("{project(", "{p: project("),
        query.replace("{success}", "{success @include(if: true)}"),
        query.replace("{ id: $projectId }", '{ id: "p" }'),
        query.replace("($", "($other: Int, $", 1),
        query.replace("mutation", "query", 1),
        query.replace("setLabelingParameterOverrides", "unsetLabelingParameterOverrides"),
    ]
    for variant in variants:
        assert variant != query
        assert not is_plain_lpo(parse(variant)), variant
    assert f"${HOISTED_NAME}" in query


async def _answers(gql: Gql, documents: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    return [await gql(document, variables) for document, variables in documents]


async def test_direct_and_graphql_core_execution_agree(
    emu: Emulator, gql: Gql, monkeypatch: pytest.MonkeyPatch
) -> None:
    project_id = await new_project(gql)
    other_project = await new_project(gql, name="other")
    ids = rows(emu, 400)
    await create_batch(gql, project_id, "b", ids[:300])
    await create_batch(gql, other_project, "o", ids[300:350])
    await gql.data(
        f'mutation deleteDataRowsPyApi{{deleteDataRows(where: {{dataRowIds: ["{ids[299]}"]}})'
        "{id}}"
    )
    good = [(row_id, i % 5) for i, row_id in enumerate(ids[:299])]
    cases = [
        (_aiolabel_document(good), {"projectId": project_id}),
        (_official_document([*good[:200], ("no-such-row", 1)]), {"projectId": project_id}),
        (_official_document([*good[:200], *((k, 1) for k in ODD_KEYS)]), {"projectId": project_id}),
        (_official_document([*good[:200], (ids[310], 1)]), {"projectId": project_id}),
        (_official_document([*good[:200], (ids[299], 1)]), {"projectId": project_id}),  # deleted
        (_official_document([*good[:200], (ids[360], 1)]), {"projectId": project_id}),  # no batch
        (_official_document(good[:200] + good[:1]), {"projectId": project_id}),  # a repeat
        (_official_document([(r, 7) for r in ids[:300]] * 4), {"projectId": project_id}),
        (_official_document(good), {"projectId": "no-such-project"}),
        (_official_document(good), {"projectId": project_id, "extra": 1}),
        (
            _aiolabel_document([(r, 9 - i % 9) for i, r in enumerate(ids[:299])]),
            {"projectId": project_id},
        ),
    ]
    assert all(hoist(document, variables) is not None for document, variables in cases[:-1])

    async def run() -> tuple[list[dict[str, Any]], dict[str, int]]:
        answers = await _answers(gql, cases)
        state = {o["dataRow"]["id"]: o["priority"] for o in await lpos(gql, project_id)}
        await gql.data(
            _official_document([(r, 5) for r in ids[:299]]), {"projectId": project_id}
        )  # back to the start for the next run
        return answers, state

    direct_calls: list[int] = []
    apply = executor_module.apply_plain_overrides

    def counted(*args: Any) -> bool:
        direct_calls.append(1)
        return apply(*args)

    monkeypatch.setattr(executor_module, "apply_plain_overrides", counted)
    direct = await run()
    assert len(direct_calls) >= len(cases) - 1  # every case but the extra variable went direct
    monkeypatch.setattr(executor_module, "apply_plain_overrides", lambda *args: False)
    full = await run()
    assert direct == full
    answers, state = direct
    assert answers[0]["data"]["project"]["setLabelingParameterOverrides"]["success"] is True
    assert answers[6]["data"]["project"]["setLabelingParameterOverrides"]["success"] is True
    assert [a.get("errors") is not None for a in answers] == [
        False,
        True,
        True,
        True,
        True,
        True,
        False,
        True,
        True,
        False,
        False,
    ]
    assert state == {r: 9 - i % 9 for i, r in enumerate(ids[:299])}
