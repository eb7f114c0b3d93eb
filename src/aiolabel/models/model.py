"""Model, ModelRun, ModelRunDataRow and DataSplit: what the service answers, bound to the
client; behaviour lives in :mod:`aiolabel._resources.models`."""

from __future__ import annotations

import enum
from collections.abc import AsyncIterable, Iterable, Mapping, Sequence
from os import PathLike
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field

from aiolabel.models.base import DateTime
from aiolabel.models.base import Model as _Model
from aiolabel.models.data_row import DataRow

if TYPE_CHECKING:
    from aiolabel.identifiers import GlobalKeys, UniqueIds
    from aiolabel.models.annotation_import import MEAPredictionImport, MEAToMALPredictionImport
    from aiolabel.models.batch import Batch
    from aiolabel.models.slice import SendToAnnotateFromModelParams
    from aiolabel.models.task import Task
    from aiolabel.pagination import CursorPaginator, OffsetPaginator

__all__ = ["ConflictResolutionStrategy", "DataSplit", "Model", "ModelRun", "ModelRunDataRow"]


class DataSplit(enum.Enum):
    """The split of a model run's data row."""

    TRAINING = "TRAINING"
    TEST = "TEST"
    VALIDATION = "VALIDATION"
    UNASSIGNED = "UNASSIGNED"


class ModelRunStatus(enum.Enum):
    """A model run's training-pipeline status (``ModelRun.Status``)."""

    EXPORTING_DATA = "EXPORTING_DATA"
    PREPARING_DATA = "PREPARING_DATA"
    TRAINING_MODEL = "TRAINING_MODEL"
    COMPLETE = "COMPLETE"
    FAILED = "FAILED"


class ConflictResolutionStrategy(enum.StrEnum):
    """What send-to-annotate does with a row that already has labels in the destination."""

    KeepExisting = "KEEP_EXISTING"
    OverrideWithAnnotations = "OVERRIDE_WITH_ANNOTATIONS"
    OverrideWithPredictions = "OVERRIDE_WITH_PREDICTIONS"

    @staticmethod
    def from_str(label: str) -> ConflictResolutionStrategy:
        return ConflictResolutionStrategy[label]


class Model(_Model):
    """A model: a program trained on labelled data, bound to an ontology."""

    __entity__ = "Model"

    uid: str = Field(alias="id")
    name: str
    ontology_id: str | None = None

    async def create_model_run(
        self, name: str, config: Mapping[str, Any] | None = None
    ) -> ModelRun:
        return await self.client._models.create_model_run(self.uid, name, config)

    async def delete(self) -> None:
        await self.client._models.delete_model(self.uid)

    def model_runs(self) -> OffsetPaginator[ModelRun]:
        return self.client._models.model_runs(self.uid)


class ModelRun(_Model):
    """One training or evaluation run of a model: data rows with splits, labels, predictions."""

    __entity__ = "ModelRun"
    Status: ClassVar[type[ModelRunStatus]] = ModelRunStatus

    uid: str = Field(alias="id")
    name: str
    model_id: str
    created_at: DateTime | None = None
    updated_at: DateTime | None = None
    created_by_id: str | None = Field(default=None, alias="createdBy")
    training_metadata: dict[str, Any] | None = None
    model_app_id: str | None = None

    async def upsert_data_rows(
        self,
        data_row_ids: Iterable[str] | AsyncIterable[str] | None = None,
        global_keys: Iterable[str] | AsyncIterable[str] | None = None,
        timeout_seconds: float = 3600,
        *,
        max_concurrency: int | None = None,
    ) -> bool:
        """Add data rows (by id or global key), in chunks sent concurrently, each waited on."""
        return await self.client._models.upsert_data_rows(
            self.uid, data_row_ids, global_keys, timeout_seconds, max_concurrency=max_concurrency
        )

    async def upsert_labels(
        self,
        label_ids: Sequence[str] | None = None,
        project_id: str | None = None,
        timeout_seconds: float = 3600,
    ) -> bool:
        return await self.client._models.upsert_labels(
            self.uid, label_ids, project_id, timeout_seconds
        )

    async def add_predictions(
        self, name: str, predictions: str | PathLike[str] | Iterable[Any] | AsyncIterable[Any]
    ) -> MEAPredictionImport:
        return await self.client._models.add_predictions(self.uid, name, predictions)

    async def upsert_predictions_and_send_to_project(
        self,
        name: str,
        predictions: str | PathLike[str] | Iterable[Any] | AsyncIterable[Any],
        project_id: str,
        priority: int = 5,
    ) -> tuple[MEAPredictionImport, Batch | None, MEAToMALPredictionImport | None]:
        """Import predictions, batch their rows into a project and send them there as
        pre-labels: ``(import, batch or None, pre-label import or None)``."""
        return await self.client._models.upsert_predictions_and_send_to_project(
            self.uid, name, predictions, project_id, priority
        )

    def model_run_data_rows(self) -> CursorPaginator[ModelRunDataRow]:
        return self.client._models.model_run_data_rows(self.uid, self.model_id)

    async def delete_model_run_data_rows(self, data_row_ids: Sequence[str]) -> None:
        await self.client._models.delete_model_run_data_rows(self.uid, data_row_ids)

    async def assign_data_rows_to_split(
        self,
        data_row_ids: Sequence[str] | None = None,
        split: DataSplit | str | None = None,
        global_keys: Sequence[str] | None = None,
        timeout_seconds: float = 120,
    ) -> bool:
        return await self.client._models.assign_data_rows_to_split(
            self.uid, data_row_ids, split, global_keys, timeout_seconds
        )

    async def update_status(
        self,
        status: ModelRunStatus | str,
        metadata: Mapping[str, str] | None = None,
        error_message: str | None = None,
    ) -> None:
        await self.client._models.update_status(self.uid, status, metadata, error_message)

    async def update_config(self, config: Mapping[str, Any]) -> dict[str, Any]:
        return await self.client._models.update_config(self.uid, config)

    async def reset_config(self) -> dict[str, Any]:
        return await self.client._models.reset_config(self.uid)

    async def get_config(self) -> dict[str, Any] | None:
        return await self.client._models.get_config(self.uid)

    async def send_to_annotate_from_model(
        self,
        destination_project_id: str,
        task_queue_id: str | None,
        batch_name: str,
        data_rows: UniqueIds | GlobalKeys,
        params: SendToAnnotateFromModelParams | Mapping[str, Any],
    ) -> Task:
        return await self.client._slices.send_to_annotate_from_model(
            self.uid, destination_project_id, task_queue_id, batch_name, data_rows, params
        )

    async def export(
        self, task_name: str | None = None, params: Mapping[str, Any] | None = None
    ) -> Task:
        """Start an export of the run's data rows (``ModelRunExportParams`` keys in ``params``);
        ``async for row in task.result()`` once it is done."""
        return await self.client._models.export(self.uid, task_name, params)

    async def export_v2(
        self, task_name: str | None = None, params: Mapping[str, Any] | None = None
    ) -> Task:
        """The same export as :meth:`export` (the official SDK's older name)."""
        return await self.client._models.export(self.uid, task_name, params)

    async def delete(self) -> None:
        await self.client._models.delete_model_run(self.uid)


class ModelRunDataRow(_Model):
    """A data row of a model run: its split, its label and the data row itself."""

    uid: str = Field(alias="id")
    label_id: str | None = None
    model_run_id: str
    data_split: DataSplit | None = None
    data_row_data: DataRow | None = Field(default=None, alias="dataRow")
    model_id: str | None = None

    async def data_row(self) -> DataRow | None:
        """The data row (fetched with the model run's rows: no request)."""
        return self.data_row_data

    @property
    def url(self) -> str:
        return (
            f"{self.client.app_url}/models/{self.model_id}/{self.model_run_id}"
            f"/AllDatarowsSlice/{self.uid}?view=carousel"
        )
