"""Annotation imports: MAL pre-labels, label imports, MEA predictions, MEA to MAL.

Like :class:`~aiolabel.models.task.Task`, an import changes: :meth:`AnnotationImport.refresh`
and :meth:`AnnotationImport.wait_till_done` update it in place. ``statuses``, ``errors`` and
``inputs`` read the import's NDJSON files as a stream: ``async for row in imp.errors()``, or
``await imp.errors()`` for a list.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import AsyncIterable, AsyncIterator, Generator, Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field, PrivateAttr

from aiolabel.enums import AnnotationImportState
from aiolabel.errors import InputError, InputTypeError
from aiolabel.models.base import Model

if TYPE_CHECKING:
    from aiolabel.client import AsyncClient
    from aiolabel.models.project import Project

__all__ = [
    "AnnotationImport",
    "BulkImportRequest",
    "LabelImport",
    "MALPredictionImport",
    "MEAPredictionImport",
    "MEAToMALPredictionImport",
    "NdjsonRows",
]

Annotations = Iterable[dict[str, Any]] | AsyncIterable[dict[str, Any]]
"""Annotation dicts (NDJSON objects), as a list, any iterable or an async iterable."""

DEFAULT_SLEEP_SECONDS = 10


class NdjsonRows:
    """The rows of one of an import's NDJSON files: async-iterable (streamed), or awaitable for
    a list.

    The official SDK's ``job.errors`` / ``job.statuses`` / ``job.inputs`` are properties giving
    a list, so the documents write ``print(job.errors)`` and ``if job.errors:``. Here
    ``await job.errors`` is that list and ``job.errors()`` the same object (the method
    spelling); ``if job.errors:`` without ``await`` raises ``TypeError`` instead of being always
    true.
    """

    def __init__(self, rows: AsyncIterator[dict[str, Any]], name: str = "rows") -> None:
        self._rows = rows
        self._name = name

    def __call__(self) -> NdjsonRows:
        return self

    def __bool__(self) -> bool:
        raise TypeError(
            f"job.{self._name} must be awaited: write `await job.{self._name}` (a list) or"
            f" `async for row in job.{self._name}`"
        )

    def __repr__(self) -> str:
        return f"<job.{self._name}: await it for the list, or async for over it>"

    def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        return self._rows

    async def _list(self) -> list[dict[str, Any]]:
        return [row async for row in self._rows]

    def __await__(self) -> Generator[Any, None, list[dict[str, Any]]]:
        return self._list().__await__()


class AnnotationImport(Model):
    """An import job: ``state`` is RUNNING, then FINISHED or FAILED."""

    uid: str = Field(alias="id")
    name: str
    state: AnnotationImportState
    progress: str | None = None
    input_file_url: str | None = None
    error_file_url: str | None = None
    status_file_url: str | None = None
    project_data: dict[str, Any] | None = Field(default=None, alias="project", repr=False)

    _OTHER_SPELLINGS: ClassVar[dict[str, str]] = {
        "status": "the import's status is `job.state` (AnnotationImportState)"
    }
    KIND: ClassVar[str] = ""
    """``mal``, ``label``, ``mea`` or ``mea_to_mal``: which documents the resource uses."""
    _parent: str = PrivateAttr(default="")

    @property
    def parent_id(self) -> str:
        """The project (or model run, for MEA) the import belongs to."""
        return self._parent

    @property
    def done(self) -> bool:
        return self.state != AnnotationImportState.RUNNING

    @staticmethod
    async def _poll_refresh(same: Sequence[AnnotationImport]) -> None:
        """How the client's poller refreshes imports sharing one id (one request)."""
        await same[0].client._annotation_imports.refresh_same(same)

    def _apply(self, fresh: AnnotationImport) -> None:
        for name in type(self).model_fields:
            self.__dict__[name] = getattr(fresh, name)

    @classmethod
    def _build(cls, client: AsyncClient, data: dict[str, Any], parent_id: str) -> Any:
        made = cls.from_wire(client, data)
        made._parent = parent_id
        return made

    # -- creation (classmethods, as in the official SDK) -----------------------------------------

    @classmethod
    async def create_from_objects(
        cls, client: AsyncClient, parent_id: str, name: str, predictions: Annotations
    ) -> Any:
        """One import of these annotation dicts (checked before anything is sent)."""
        return await client._annotation_imports.create_from_objects(
            cls, parent_id, name, predictions
        )

    @classmethod
    async def create_from_file(
        cls, client: AsyncClient, parent_id: str, name: str, path: str | os.PathLike[str]
    ) -> Any:
        """One import of a local NDJSON file (checked line by line before it is sent)."""
        return await client._annotation_imports.create_from_file(cls, parent_id, name, path)

    @classmethod
    async def create_from_url(cls, client: AsyncClient, parent_id: str, name: str, url: str) -> Any:
        """One import of the NDJSON file at ``url`` (checked by the server only)."""
        return await client._annotation_imports.create_from_url(cls, parent_id, name, url)

    @classmethod
    async def create(
        cls,
        client: AsyncClient,
        id: str,
        name: str,
        path: str | None = None,
        url: str | None = None,
        labels: Annotations | None = None,
    ) -> Any:
        """One import from exactly one of ``path``, ``url`` and ``labels``."""
        given = [v for v in (path, url, labels) if v]
        if len(given) != 1:
            raise InputError("Give exactly one non-empty argument of url, path and labels")
        if url:
            return await cls.create_from_url(client, id, name, url)
        if path:
            return await cls.create_from_file(client, id, name, path)
        assert labels is not None
        return await cls.create_from_objects(client, id, name, labels)

    @classmethod
    async def from_name(
        cls, client: AsyncClient, parent_id: str, name: str, as_json: bool = False
    ) -> Any:
        """The import of this name (``ResourceNotFoundError`` if there is none)."""
        return await client._annotation_imports.from_name(cls, parent_id, name, as_json=as_json)

    # -- state -------------------------------------------------------------------------------

    async def refresh(self) -> None:
        """Fetch the current state (one request) and update this object."""
        await self.client._annotation_imports.refresh(self)

    async def wait_till_done(
        self,
        sleep_time_seconds: float = DEFAULT_SLEEP_SECONDS,
        show_progress: bool = False,
        *,
        timeout_seconds: float = 24 * 3600.0,
    ) -> None:
        """Wait until the import is FINISHED or FAILED.

        Polled by the client's one poller (0.1 s growing to ``task_poll_interval``);
        ``sleep_time_seconds`` and ``show_progress`` are accepted for compatibility. Raises
        :class:`~aiolabel.errors.TaskTimeout` after ``timeout_seconds``.
        """
        await self.client._annotation_imports.wait([self], timeout_seconds)

    async def wait_until_done(
        self, sleep_time_seconds: float = DEFAULT_SLEEP_SECONDS, show_progress: bool = False
    ) -> None:
        """Deprecated: use :meth:`wait_till_done`."""
        warnings.warn(
            "The method wait_until_done for AnnotationImport is deprecated and will be removed"
            " in the next major release. Use the wait_till_done method instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        await self.wait_till_done(sleep_time_seconds, show_progress)

    # -- files -------------------------------------------------------------------------------

    @property
    def statuses(self) -> NdjsonRows:
        """Per annotation: ``uuid``, ``dataRow``, ``status`` (SUCCESS or FAILURE), ``errors``.
        Waits until the import is done."""
        return NdjsonRows(self.client._annotation_imports.rows(self, "status"), "statuses")

    @property
    def errors(self) -> NdjsonRows:
        """The statuses of the annotations that failed. Waits until the import is done."""
        return NdjsonRows(self.client._annotation_imports.rows(self, "error"), "errors")

    @property
    def inputs(self) -> NdjsonRows:
        """The NDJSON rows as uploaded."""
        return NdjsonRows(self.client._annotation_imports.rows(self, "input"), "inputs")


class _ProjectImport(AnnotationImport):
    async def project(self) -> Project:
        return await self.client._annotation_imports.project_of(self)


class MALPredictionImport(_ProjectImport):
    """Model-assisted-labelling pre-labels for a project."""

    KIND: ClassVar[str] = "mal"

    async def delete(self) -> None:
        """Delete the import and the pre-labels it made."""
        await self.client._annotation_imports.delete(self)


class LabelImport(_ProjectImport):
    """Ground-truth labels imported into a project."""

    KIND: ClassVar[str] = "label"


class MEAPredictionImport(AnnotationImport):
    """Predictions imported into a model run."""

    KIND: ClassVar[str] = "mea"
    model_run_id: str | None = None

    @property
    def parent_id(self) -> str:
        return self.model_run_id or self._parent


class MEAToMALPredictionImport(_ProjectImport):
    """A model run's predictions on some data rows, sent to a project as pre-labels."""

    KIND: ClassVar[str] = "mea_to_mal"

    @classmethod
    async def create_for_model_run_data_rows(
        cls,
        client: AsyncClient,
        model_run_id: str,
        data_row_ids: list[str],
        project_id: str,
        name: str,
    ) -> MEAToMALPredictionImport:
        return await client._annotation_imports.create_mea_to_mal(
            model_run_id, data_row_ids, project_id, name
        )

    @classmethod
    async def create_from_objects(
        cls, client: AsyncClient, parent_id: str, name: str, predictions: Annotations
    ) -> Any:
        raise InputTypeError("MEAToMALPredictionImport is made by create_for_model_run_data_rows")

    @classmethod
    async def create_from_file(
        cls, client: AsyncClient, parent_id: str, name: str, path: str | os.PathLike[str]
    ) -> Any:
        raise InputTypeError("MEAToMALPredictionImport is made by create_for_model_run_data_rows")

    @classmethod
    async def create_from_url(cls, client: AsyncClient, parent_id: str, name: str, url: str) -> Any:
        raise InputTypeError("MEAToMALPredictionImport is made by create_for_model_run_data_rows")


class BulkImportRequest(MALPredictionImport):
    """Deprecated: what ``Project.upload_annotations`` returns, a MAL import under its old
    name (the official SDK removed both; they now run over the MAL import operations)."""
