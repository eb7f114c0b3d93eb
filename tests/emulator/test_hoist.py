"""Large literal LPO lists are read without graphql-core's lexer, with the same meaning."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import parse, value_from_ast_untyped
from graphql.language import ast
from hypothesis import given, settings
from hypothesis import strategies as st

from aiolabel._literals import EnumLiteral, graphql_literal
from aiolabel.emulator import Emulator
from aiolabel.emulator import app as app_module
from aiolabel.emulator._hoist import HOISTED_NAME, MIN_CHARS, hoist
from tests.emulator.conftest import Gql
from tests.emulator.test_p2_common import create_batch, lpo_document, lpos, new_project, rows

HEAD = "mutation SetLabelingParameterOverridesPyApi($projectId: ID!) {project(where: { id: $projectId }) {setLabelingParameterOverrides (dataWithDataRowIdentifiers: "  # noqa: E501
TAIL = ") {success}}}"


def _literal_value(document: str) -> Any:
    """What graphql-core reads from the document's literal list (the slow, exact path)."""
    operation = parse(document).definitions[0]
    assert isinstance(operation, ast.OperationDefinitionNode)
    field = operation.selection_set.selections[0]
    assert isinstance(field, ast.FieldNode)
    inner = field.selection_set.selections[0]  # type: ignore[union-attr]
    assert isinstance(inner, ast.FieldNode)
    return value_from_ast_untyped(inner.arguments[0].value)


def _padded(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    filler = {"dataRowIdentifier": {"id": "x" * 64, "idType": EnumLiteral("ID")}, "priority": 1}
    return items + [filler] * (MIN_CHARS // 60)


@settings(max_examples=60)
@given(
    st.lists(
        st.tuples(
            st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30),
            st.sampled_from(["ID", "GKEY"]),
            st.integers(min_value=-(2**31), max_value=2**31 - 1),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_hoisted_values_equal_what_graphql_core_reads(
    items: list[tuple[str, str, int]],
) -> None:
    literal = graphql_literal(
        _padded(
            [
                {"dataRowIdentifier": {"id": key, "idType": EnumLiteral(kind)}, "priority": p}
                for key, kind, p in items
            ]
        )
    )
    document = HEAD + literal + TAIL
    rewritten, variables = hoist(document, {"projectId": "p"})
    assert variables is not None
    assert variables["projectId"] == "p"
    assert variables[HOISTED_NAME] == _literal_value(document)
    parse(rewritten)  # still a document


def test_the_official_sdk_document_with_its_trailing_comma() -> None:
    document = lpo_document([("dr1", "ID", 2), ("gk1", "GKEY", -7)] * 200)
    rewritten, variables = hoist(document, {"projectId": "p"})
    assert variables is not None
    assert variables[HOISTED_NAME] == _literal_value(document)
    assert f"${HOISTED_NAME}: [LabelingParameterOverrideInput!]" in rewritten
    assert "dr1" not in rewritten


def test_unusual_documents_are_left_alone() -> None:
    body = "x" * MIN_CHARS
    cases = [
        HEAD + '[{dataRowIdentifier: {id: """block""", idType: ID}, priority: 1}]' + TAIL + body,
        HEAD + '[{dataRowIdentifier: {id: "\\u{1F600}", idType: ID}, priority: 1}]' + TAIL + body,
        HEAD + "[{dataRowIdentifier: {id: $x, idType: ID}, priority: 1}]" + TAIL + body,
        HEAD + "[{dataRowIdentifier: {id: 'single', idType: ID}}]" + TAIL + body,
        HEAD.replace("SetLabelingParameterOverridesPyApi", "Other") + "[]" + TAIL + body,
        "query Short { user { id } }",
    ]
    for document in cases:
        assert hoist(document, {}) == (document, {})
    taken = HEAD + "[]" + TAIL + body
    assert hoist(taken, {HOISTED_NAME: 1}) == (taken, {HOISTED_NAME: 1})


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
    assert hoist(bad, {})[0] != bad
    hoisted = await gql(bad, {"projectId": project_id})
    monkeypatch.setattr(app_module, "hoist", lambda query, variables: (query, variables))
    plain = await gql(bad, {"projectId": project_id})
    assert hoisted["errors"][0]["extensions"] == plain["errors"][0]["extensions"]
    assert hoisted["errors"][0]["extensions"]["exception"]["status"] == 400
    assert hoisted["data"] == plain["data"]
    assert {o["dataRow"]["id"]: o["priority"] for o in await lpos(gql, project_id)} == {
        row_id: i % 7 for i, row_id in enumerate(ids)
    }
