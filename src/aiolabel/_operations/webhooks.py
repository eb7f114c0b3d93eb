"""Webhook documents (official SDK 7.17 ``schema/webhook.py``, ``organization.py``,
``project.py``).

The official ``CreateWebhookPyApi`` and ``UpdateWebhookPyApi`` paste every value into the text
(the URL and secret unescaped). Here the same operations carry the URL, the secret and the ids
as variables (listed in ``tests/wire/differences.py``); only the topic and status *names* stay in
the text, as bare enum values (their GraphQL type names are unknown, so no variable can be
declared for them), rendered by :func:`aiolabel._literals.enum_names` from members or names of
:class:`~aiolabel.enums.WebhookTopic` (``Webhook.Topic``) and
:class:`~aiolabel.enums.WebhookStatus` (``Webhook.Status``) only: anything else is refused with
:class:`~aiolabel.errors.InputError` / :class:`~aiolabel.errors.InputTypeError` before a
document exists.
The lists are ORM relationships: ``_builder.relationship(ORGANIZATION, None, "webhooks")`` and
``relationship(PROJECT, id, "webhooks")``.
"""

from __future__ import annotations

from collections.abc import Iterable

from aiolabel._literals import enum_names
from aiolabel._operations import Operation
from aiolabel.enums import WebhookStatus, WebhookTopic

__all__ = ["SELECTION", "create_webhook", "update_webhook"]

SELECTION = "createdAt status topics id updatedAt url"
"""The official Webhook selection (attributes in alphabetical order)."""

_CREATE_HEAD = {
    False: "mutation CreateWebhookPyApi($url: String!, $secret: String!) { createWebhook(data:{",
    True: (
        "mutation CreateWebhookPyApi($projectId: ID!, $url: String!, $secret: String!) {"
        " createWebhook(data:{project:{id:$projectId}, "
    ),
}
"""``CreateWebhookPyApi`` up to its topics, for an organisation's / a project's webhook."""
_CREATE_TAIL = "]}, url:$url, secret:$secret }){" + SELECTION + "} }"
_UPDATE_HEAD = {
    False: "mutation UpdateWebhookPyApi($id: ID!) { updateWebhook(where: {id: $id} data:{",
    True: (
        "mutation UpdateWebhookPyApi($id: ID!, $url: String!) {"
        " updateWebhook(where: {id: $id} data:{"
    ),
}
"""``UpdateWebhookPyApi`` up to its data fields, without / with a new URL."""
_UPDATE_TAIL = "}){" + SELECTION + "}}"


def create_webhook(topics: Iterable[str | WebhookTopic], *, with_project: bool) -> Operation:
    """``Webhook.create``; variables ``{"url", "secret"}`` (+ ``"projectId"``). ``topics``:
    ``Webhook.Topic`` members or their names (anything else: a typed error)."""
    names = enum_names(topics, WebhookTopic)  # graphql-literal: escaped
    head = _CREATE_HEAD[with_project]
    document = head + "topics:{set:[" + names + _CREATE_TAIL  # graphql-literal: escaped
    return Operation(name="CreateWebhookPyApi", document=document)


def update_webhook(
    topics: Iterable[str | WebhookTopic] | None,
    *,
    with_url: bool,
    status: str | WebhookStatus | None,
) -> Operation:
    """``webhook.update`` / ``delete``; variables ``{"id"}`` (+ ``"url"``). ``topics`` and
    ``status``: ``Webhook.Topic`` / ``Webhook.Status`` members or their names, or ``None``."""
    parts = []
    if topics is not None:
        names = enum_names(topics, WebhookTopic)  # graphql-literal: escaped
        parts.append("topics: {set: [" + names + "]}")  # graphql-literal: escaped
    if with_url:
        parts.append("url: $url")
    if status is not None:
        parts.append("status: " + enum_names([status], WebhookStatus))  # graphql-literal: escaped
    fields = ", ".join(parts)
    document = _UPDATE_HEAD[with_url] + fields + _UPDATE_TAIL  # graphql-literal: escaped
    return Operation(name="UpdateWebhookPyApi", document=document, idempotent=True)
