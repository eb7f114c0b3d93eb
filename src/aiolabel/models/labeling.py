"""LabelingParameterOverride: a data row's place in a project's labelling queue (wire doc §5.6)."""

from __future__ import annotations

from pydantic import Field

from aiolabel.models.base import Model
from aiolabel.models.data_row import DataRow

__all__ = ["LabelingParameterOverride"]


class LabelingParameterOverride(Model):
    """The priority (lower is labelled first) and label count of one queued data row."""

    __entity__ = "LabelingParameterOverride"

    uid: str = Field(alias="id")
    priority: int | None = None
    number_of_labels: int | None = None
    cached_data_row: DataRow = Field(alias="dataRow")

    async def data_row(self) -> DataRow:
        """The data row (fetched with the override, no request), as the official
        ``lpo.data_row()``."""
        return self.cached_data_row
