"""Project activity data: one labeler's performance in a project."""

from __future__ import annotations

from aiolabel.models.base import DateTime, Model
from aiolabel.models.user import User

__all__ = ["LabelerPerformance"]


class LabelerPerformance(Model):
    """One member's labelling in a project (the official SDK's ``LabelerPerformance``)."""

    user: User
    count: int
    seconds_per_label: float | None = None
    total_time_labeling: float | None = None
    consensus: float | None = None
    average_benchmark_agreement: float | None = None
    last_activity_time: DateTime | None = None
