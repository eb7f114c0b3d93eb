"""Label, Review and Benchmark: the official ORM's fields, relationships as awaitable methods."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pydantic import Field

from aiolabel.models.base import DateTime, Model

if TYPE_CHECKING:
    from aiolabel.client import AsyncClient
    from aiolabel.models.data_row import DataRow
    from aiolabel.models.project import Project
    from aiolabel.models.user import Organization, User
    from aiolabel.pagination import OffsetPaginator

__all__ = ["Benchmark", "Label", "Review"]


class Label(Model):
    """An assessment of one data row: its annotations (``label`` is the legacy JSON text)."""

    uid: str = Field(alias="id")
    label: str | None = None
    seconds_to_label: float | None = None
    agreement: float | None = None
    benchmark_agreement: float | None = None
    is_benchmark_reference: bool | None = None
    created_at: DateTime | None = None
    updated_at: DateTime | None = None

    async def project(self) -> Project:
        return await self.client._labels.label_project(self)

    async def data_row(self) -> DataRow:
        return await self.client._labels.label_data_row(self)

    async def created_by(self) -> User:
        return await self.client._labels.label_created_by(self)

    def reviews(self) -> OffsetPaginator[Review]:
        return self.client._labels.label_reviews(self)

    async def create_review(self, **kwargs: Any) -> Review:
        """A review of this label; ``score`` is required (``create_review(score=1)``)."""
        return await self.client._labels.create_review(self, **kwargs)

    async def create_benchmark(self) -> Benchmark:
        return await self.client._labels.create_benchmark(self)

    async def update(self, **kwargs: Any) -> Label:
        """Set ``label`` (the legacy text); this label is updated in place and returned."""
        return self._refresh_from(await self.client._labels.update_label(self, **kwargs))

    async def delete(self) -> None:
        await self.client._labels.bulk_delete([self])

    @staticmethod
    async def bulk_delete(labels: Iterable[Label]) -> None:
        """Delete all the given labels (500 per request, concurrently)."""
        listed = list(labels)
        if listed:
            await _client_of(listed)._labels.bulk_delete(listed)


def _client_of(labels: list[Label]) -> AsyncClient:
    from aiolabel.errors import InputTypeError

    if not all(isinstance(label, Label) for label in labels):
        raise InputTypeError("bulk_delete takes Label objects")
    return labels[0].client


class Review(Model):
    """A reviewer's score of one label."""

    class NetScore(enum.Enum):
        """What ``project.review_metrics(net_score)`` counts (the official ``Review.NetScore``)."""

        Negative = enum.auto()
        Zero = enum.auto()
        Positive = enum.auto()

    uid: str = Field(alias="id")
    score: float | None = None
    created_at: DateTime | None = None
    updated_at: DateTime | None = None

    async def update(self, **kwargs: Any) -> Review:
        """Change ``score``; this review is updated in place and returned."""
        return self._refresh_from(await self.client._labels.update_review(self, **kwargs))

    async def delete(self) -> None:
        await self.client._labels.delete_review(self)

    async def label(self) -> Label:
        return await self.client._labels.review_label(self)

    async def created_by(self) -> User:
        return await self.client._labels.review_created_by(self)

    async def organization(self) -> Organization:
        return await self.client._labels.review_organization(self)

    async def project(self) -> Project:
        return await self.client._labels.review_project(self)


class Benchmark(Model):
    """A benchmark: a reference label other labels of its data row are compared with."""

    uid: str = Field(alias="id")
    created_at: DateTime | None = None
    last_activity: DateTime | None = None
    average_agreement: float | None = None
    completed_count: int | None = None

    async def reference_label(self) -> Label:
        return await self.client._labels.benchmark_reference_label(self)

    async def created_by(self) -> User:
        return await self.client._labels.benchmark_created_by(self)

    async def delete(self) -> None:
        await self.client._labels.delete_benchmark(self)
