"""TaskQueue: one step of a project's workflow (wire doc §5.9)."""

from __future__ import annotations

from pydantic import Field

from aiolabel.models.base import Model

__all__ = ["TaskQueue"]


class TaskQueue(Model):
    """A task queue of a project (``INITIAL_LABELING_QUEUE``, ``MANUAL_REVIEW_QUEUE``...)."""

    __entity__ = "TaskQueue"

    uid: str = Field(alias="id")
    name: str | None = None
    description: str | None = None
    queue_type: str | None = None
    data_row_count: int | None = None
