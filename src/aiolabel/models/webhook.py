"""Webhook: a rule that POSTs the organisation's or a project's events to a URL."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field

from aiolabel.enums import WebhookStatus, WebhookTopic
from aiolabel.models.base import DateTime, Model

if TYPE_CHECKING:
    from aiolabel.client import AsyncClient
    from aiolabel.models.project import Project

__all__ = ["Webhook"]


class Webhook(Model):
    """A webhook (``Webhook.Topic``, ``Webhook.Status`` as in the official SDK).

    ``update`` and ``delete`` change this object in place, as the official SDK does.
    """

    __entity__ = "Webhook"

    Topic: ClassVar[type[WebhookTopic]] = WebhookTopic
    Status: ClassVar[type[WebhookStatus]] = WebhookStatus

    uid: str = Field(alias="id")
    url: str | None = None
    topics: tuple[str, ...] = ()
    status: str | None = None
    created_at: DateTime | None = None
    updated_at: DateTime | None = None

    @staticmethod
    async def create(
        client: AsyncClient,
        topics: Iterable[str | WebhookTopic],
        url: str,
        secret: str,
        project: Project | None,
    ) -> Webhook:
        """A new webhook for ``project`` (or, with ``None``, for the whole organisation)."""
        return await client._webhooks.create(topics, url, secret, project)

    async def update(
        self,
        topics: Iterable[str | WebhookTopic] | None = None,
        url: str | None = None,
        status: str | WebhookStatus | None = None,
    ) -> Webhook:
        """Change topics, URL or status (``None`` leaves one as it is); returns ``self``."""
        return self._replace(await self.client._webhooks.update(self.uid, topics, url, status))

    async def delete(self) -> None:
        """Stop delivery (status INACTIVE), as the official SDK does."""
        self._replace(await self.client._webhooks.update(self.uid, None, None, "INACTIVE"))

    def _replace(self, fresh: Webhook) -> Webhook:
        values: dict[str, Any] = {name: getattr(fresh, name) for name in type(self).model_fields}
        self.__dict__.update(values)
        return self
