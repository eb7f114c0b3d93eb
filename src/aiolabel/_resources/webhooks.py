"""Webhooks: create, update (and delete, which deactivates), organisation and project lists."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from aiolabel._operations import _builder as builder
from aiolabel._operations import webhooks as ops
from aiolabel._operations._entities import ORGANIZATION, PROJECT
from aiolabel._resources._base import Resource
from aiolabel.errors import InputError, InputTypeError, LabelboxError
from aiolabel.models.webhook import Webhook
from aiolabel.pagination import OffsetPaginator

__all__ = ["Webhooks", "check_secret", "check_topics", "check_url"]

URL_MAX_LENGTH = 2048


def check_url(url: object) -> str:
    """An absolute http(s) URL with a host."""
    if not isinstance(url, str):
        raise InputTypeError(f"url must be a str, got {type(url).__name__}")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > URL_MAX_LENGTH:
        raise InputError(f"url must be an http:// or https:// URL with a host, got {url!r}")
    if any(ord(ch) < 0x20 for ch in url):
        raise InputError("url must not contain control characters")
    return url.strip()


def check_secret(secret: object) -> str:
    if not isinstance(secret, str):
        raise InputTypeError(f"secret must be a str, got {type(secret).__name__}")
    if not secret:
        raise InputError("Secret must be a non-empty string.")
    return secret


def _member(value: object, kind: type[enum.Enum], argument: str) -> str:
    name = value.value if isinstance(value, kind) else value
    supported = [item.value for item in kind]
    if name not in supported:
        raise InputError(
            f"Value `{value}` does not exist in supported values. Expected one of {supported}"
        )
    return str(name)


def check_topics(topics: object) -> list[str]:
    if isinstance(topics, str) or not isinstance(topics, Iterable):
        raise InputTypeError(f"Topics must be List[Webhook.Topic]. Found `{topics}`")
    names = list(dict.fromkeys(_member(t, Webhook.Topic, "topics") for t in topics))
    if not names:
        raise InputError("Topics must be a non-empty list.")
    return names


class Webhooks(Resource):
    """Webhooks of the organisation and of projects."""

    __slots__ = ()

    def _parse(self, raw: Any) -> Webhook:
        return Webhook.from_wire(self._client, raw)

    async def create(self, topics: object, url: object, secret: object, project: object) -> Webhook:
        names = check_topics(topics)
        variables: dict[str, Any] = {"url": check_url(url), "secret": check_secret(secret)}
        if project is not None:
            uid = getattr(project, "uid", None)
            if not isinstance(uid, str):
                raise InputTypeError("project must be a Project or None")
            variables["projectId"] = uid
        op = ops.create_webhook(names, with_project=project is not None)
        data = await self._client._execute_operation(op, variables, sdk_method="Webhook:create")
        raw = data.get("createWebhook")
        if not isinstance(raw, dict):
            raise LabelboxError("the service created no webhook")
        return self._parse(raw)

    async def update(self, webhook_id: str, topics: object, url: object, status: object) -> Webhook:
        names = None if topics is None else check_topics(topics)
        state = None if status is None else _member(status, Webhook.Status, "status")
        variables: dict[str, Any] = {"id": webhook_id}
        if url is not None:
            variables["url"] = check_url(url)
        if names is None and url is None and state is None:
            raise InputError("nothing to update: give topics, url or status")
        op = ops.update_webhook(names, with_url=url is not None, status=state)
        data = await self._client._execute_operation(
            op, variables, sdk_method="Webhook:update", expect_one=True
        )
        raw = data.get("updateWebhook")
        if not isinstance(raw, dict):
            raise LabelboxError(f"webhook {webhook_id} was not updated")
        return self._parse(raw)

    def organization_webhooks(self) -> OffsetPaginator[Webhook]:
        built = builder.relationship(ORGANIZATION, None, "webhooks")
        return self._client._paginate_offset(
            built.operation,
            built.variables,
            ("organization", "webhooks"),
            self._parse,
            sdk_method="Organization:webhooks",
        )

    def project_webhooks(self, project_id: str) -> OffsetPaginator[Webhook]:
        built = builder.relationship(PROJECT, project_id, "webhooks")
        return self._client._paginate_offset(
            built.operation,
            built.variables,
            ("project", "webhooks"),
            self._parse,
            sdk_method="Project:webhooks",
        )
