"""The webhook documents' topic and status names: rendered only by ``_literals.enum_names``, only
for members (or names) of ``Webhook.Topic`` / ``Webhook.Status``; any other input is refused
before a document exists, and what is rendered parses back to the same members."""

from __future__ import annotations

import enum
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    parse,
    value_from_ast,
)
from graphql.language import (
    ArgumentNode,
    FieldNode,
    ObjectFieldNode,
    ObjectValueNode,
    OperationDefinitionNode,
    ValueNode,
)
from hypothesis import given
from hypothesis import strategies as st

from aiolabel import Webhook
from aiolabel._literals import enum_names
from aiolabel._operations import webhooks as ops
from aiolabel.enums import WebhookStatus, WebhookTopic
from aiolabel.errors import InputError, InputTypeError

TOPIC_NAMES = [t.value for t in WebhookTopic]
STATUS_NAMES = [s.value for s in WebhookStatus]
TOPIC_TYPE = GraphQLEnumType("WebhookTopic", {t.value: t for t in WebhookTopic})
STATUS_TYPE = GraphQLEnumType("WebhookStatus", {s.value: s for s in WebhookStatus})

not_a_topic = st.text().filter(lambda s: s not in TOPIC_NAMES)
not_a_status = st.text().filter(lambda s: s not in STATUS_NAMES)
topics = st.lists(st.sampled_from(list(WebhookTopic)), min_size=1, max_size=8)
"""Topic lists as a caller may give them: repeats allowed, any order."""


def _as_given(members: list[WebhookTopic], as_names: list[bool]) -> list[str | WebhookTopic]:
    return [m.value if name else m for m, name in zip(members, as_names, strict=False)] + list(
        members[len(as_names) :]
    )


def _data(document: str, root: str) -> dict[str, ValueNode]:
    """The ``data`` argument's fields of ``root`` in ``document``, as parsed by graphql-core."""
    op = parse(document).definitions[0]
    assert isinstance(op, OperationDefinitionNode)
    field = op.selection_set.selections[0]
    assert isinstance(field, FieldNode)
    assert field.name.value == root
    [data] = [a for a in field.arguments if a.name.value == "data"]
    assert isinstance(data, ArgumentNode)
    assert isinstance(data.value, ObjectValueNode)
    return {f.name.value: f.value for f in data.value.fields if isinstance(f, ObjectFieldNode)}


def _topic_set(node: ValueNode) -> Any:
    assert isinstance(node, ObjectValueNode)
    [field] = node.fields
    assert field.name.value == "set"
    return value_from_ast(field.value, GraphQLList(GraphQLNonNull(TOPIC_TYPE)))


@given(not_a_topic)
def test_a_string_that_is_no_topic_is_refused(name: str) -> None:
    with pytest.raises(InputError):
        enum_names([name], WebhookTopic)
    with pytest.raises(InputError):
        ops.create_webhook(["LABEL_CREATED", name], with_project=True)
    with pytest.raises(InputError):
        ops.update_webhook([name], with_url=False, status=None)


@given(not_a_status)
def test_a_string_that_is_no_status_is_refused(name: str) -> None:
    with pytest.raises(InputError):
        enum_names([name], WebhookStatus)
    with pytest.raises(InputError):
        ops.update_webhook(None, with_url=True, status=name)


@given(st.sampled_from(TOPIC_NAMES))
def test_a_topic_name_is_not_a_status_nor_the_reverse(name: str) -> None:
    with pytest.raises(InputError):
        ops.update_webhook(None, with_url=False, status=name)
    with pytest.raises(InputError):
        ops.update_webhook([STATUS_NAMES[0]], with_url=False, status=None)


class Lookalike(enum.Enum):
    LABEL_CREATED = "LABEL_CREATED"


@pytest.mark.parametrize(
    "value", [None, 1, b"LABEL_CREATED", Lookalike.LABEL_CREATED, WebhookStatus.ACTIVE, ["x"]]
)
def test_what_is_neither_a_name_nor_a_member_is_a_type_error(value: object) -> None:
    with pytest.raises(InputTypeError):
        enum_names([value], WebhookTopic)
    with pytest.raises(InputTypeError):
        ops.create_webhook([value], with_project=False)  # type: ignore[list-item]


@pytest.mark.parametrize("value", ["LABEL_CREATED", b"LABEL_CREATED", 3, None])
def test_the_topics_must_be_a_list(value: object) -> None:
    with pytest.raises(InputTypeError):
        enum_names(value, WebhookTopic)  # type: ignore[arg-type]


@given(topics, st.lists(st.booleans()), st.booleans())
def test_created_topics_parse_back_to_the_same_members(
    members: list[WebhookTopic], as_names: list[bool], with_project: bool
) -> None:
    given_topics = _as_given(members, as_names)
    op = ops.create_webhook(given_topics, with_project=with_project)
    fields = _data(op.document, "createWebhook")
    assert _topic_set(fields["topics"]) == members
    assert ("project" in fields) is with_project
    assert op.document.count("$") == 2 * (2 + with_project)  # declared and used: nothing else
    assert enum_names(given_topics, WebhookTopic) == " ".join(m.value for m in members)


@given(
    st.one_of(st.none(), topics),
    st.booleans(),
    st.one_of(st.none(), st.sampled_from(list(WebhookStatus))),
    st.booleans(),
)
def test_updated_topics_and_status_parse_back_to_the_same_members(
    members: list[WebhookTopic] | None,
    with_url: bool,
    status: WebhookStatus | None,
    status_as_name: bool,
) -> None:
    given_status = status.value if status is not None and status_as_name else status
    op = ops.update_webhook(members, with_url=with_url, status=given_status)
    fields = _data(op.document, "updateWebhook")
    assert list(fields) == [
        name
        for name, present in (
            ("topics", members is not None),
            ("url", with_url),
            ("status", status is not None),
        )
        if present
    ]
    if members is not None:
        assert _topic_set(fields["topics"]) == members
    if status is not None:
        assert value_from_ast(fields["status"], STATUS_TYPE) is status


def test_the_model_enums_are_the_ones_rendered() -> None:
    """``Webhook.Topic`` / ``Webhook.Status`` are the enums the documents accept, with the
    official SDK's members."""
    import labelbox

    assert Webhook.Topic is WebhookTopic
    assert Webhook.Status is WebhookStatus
    assert [t.value for t in labelbox.Webhook.Topic] == TOPIC_NAMES
    assert [s.value for s in labelbox.Webhook.Status] == STATUS_NAMES
    assert [t.name for t in WebhookTopic] == TOPIC_NAMES
