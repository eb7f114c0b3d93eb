"""Webhook documents (official SDK 7.17 ``schema/webhook.py``, ``organization.py``,
``project.py``).

The official ``CreateWebhookPyApi`` and ``UpdateWebhookPyApi`` paste every value into the text
(the URL and secret unescaped). Here the same operations carry the URL, the secret and the ids
as variables (listed in ``tests/wire/differences.py``); only the topic and status *names* stay in
the text, taken from :class:`~aiolabel.models.webhook.Webhook.Topic` / ``Status`` after
validation, as enum literals (their GraphQL type names are unknown, so no variable can be
declared for them).
The lists are ORM relationships: ``_builder.relationship(ORGANIZATION, None, "webhooks")`` and
``relationship(PROJECT, id, "webhooks")``.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiolabel._operations import Operation

__all__ = ["SELECTION", "create_webhook", "update_webhook"]

SELECTION = "createdAt status topics id updatedAt url"
"""The official Webhook selection (attributes in alphabetical order)."""

_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ_")


def _names(values: Sequence[str]) -> str:
    for value in values:
        if not value or not set(value) <= _NAME_CHARS:
            raise ValueError(f"not an enum name: {value!r}")
    return " ".join(values)


def create_webhook(topics: Sequence[str], *, with_project: bool) -> Operation:
    """``Webhook.create``; variables ``{"url", "secret"}`` (+ ``"projectId"``)."""
    declarations = ["$url: String!", "$secret: String!"]
    project = ""
    if with_project:
        declarations.insert(0, "$projectId: ID!")
        project = "project:{id:$projectId}, "
    return Operation(
        name="CreateWebhookPyApi",
        document=(
            f"mutation CreateWebhookPyApi({', '.join(declarations)}) {{ createWebhook(data:{{"
            f"{project}topics:{{set:[{_names(topics)}]}}, url:$url, secret:$secret }}){{"
            f"{SELECTION}}} }}"
        ),
    )


def update_webhook(
    topics: Sequence[str] | None, *, with_url: bool, status: str | None
) -> Operation:
    """``webhook.update`` / ``delete``; variables ``{"id"}`` (+ ``"url"``)."""
    declarations = ["$id: ID!"]
    parts = []
    if topics is not None:
        parts.append(f"topics: {{set: [{_names(topics)}]}}")
    if with_url:
        declarations.append("$url: String!")
        parts.append("url: $url")
    if status is not None:
        parts.append(f"status: {_names([status])}")
    return Operation(
        name="UpdateWebhookPyApi",
        document=(
            f"mutation UpdateWebhookPyApi({', '.join(declarations)}) {{ updateWebhook(where: "
            f"{{id: $id}} data:{{{', '.join(parts)}}}){{{SELECTION}}}}}"
        ),
        idempotent=True,
    )
