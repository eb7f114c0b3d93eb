"""AsyncClient's top-level methods for projects, batches, labelling priorities and task queues.

Mixed into :class:`aiolabel.client.AsyncClient`; methods annotate ``self: AsyncClient`` to reach
the client's internal entry points.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr, ValidationError, field_validator

from aiolabel import _batch_create
from aiolabel._operations import _builder as builder
from aiolabel._operations import projects as ops
from aiolabel._operations._entities import PROJECT
from aiolabel._validation import check_str
from aiolabel.enums import MediaType, QualityMode
from aiolabel.errors import InputError, InputTypeError, LabelboxError
from aiolabel.models.base import WhereArg, as_where
from aiolabel.models.batch import Batch
from aiolabel.models.project import Project
from aiolabel.pagination import OffsetPaginator

if TYPE_CHECKING:
    from aiolabel.client import AsyncClient

__all__ = ["ProjectMethods"]

BENCHMARK_AUTO_AUDIT = (1, 1.0)
"""``(autoAuditNumberOfLabels, autoAuditPercentage)`` of a benchmark project."""
CONSENSUS_AUTO_AUDIT = (3, 0.0)
"""... of a consensus project (and of one with both modes)."""

_DEFAULT_QUALITY = frozenset({QualityMode.Benchmark, QualityMode.Consensus})


class _ProjectInput(BaseModel):
    """``create_project``'s arguments, checked as the official ``_CoreProjectInput`` checks them;
    one or both quality modes decide the auto-audit fields and both ``is_*_enabled`` flags,
    overriding explicit ones; other values (None, an empty set) send the flags as given."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: StrictStr
    description: StrictStr | None = None
    media_type: MediaType
    quality_modes: frozenset[QualityMode] | None = _DEFAULT_QUALITY
    is_benchmark_enabled: StrictBool | None = None
    is_consensus_enabled: StrictBool | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("project name must be a valid string")
        return value

    @field_validator("media_type", mode="before")
    @classmethod
    def _media(cls, value: Any) -> Any:
        if isinstance(value, MediaType):
            media = value
        elif isinstance(value, str):
            media = MediaType(value)
        else:
            raise ValueError(f"expected a MediaType, got {type(value).__name__}")
        if not MediaType.is_supported(media):
            raise ValueError(
                f"{value!r} is not a supported media type; use one of "
                f"{[m.name for m in MediaType.supported()]}"
            )
        return media

    def fields(self) -> dict[str, Any]:
        """The ``create`` fields, in the official order, ``None`` dropped."""
        benchmark, consensus = self.is_benchmark_enabled, self.is_consensus_enabled
        audit: tuple[int, float] | None = None
        modes = self.quality_modes
        if modes == _DEFAULT_QUALITY:
            audit, benchmark, consensus = CONSENSUS_AUTO_AUDIT, True, True
        elif modes == frozenset({QualityMode.Benchmark}):
            audit, benchmark, consensus = BENCHMARK_AUTO_AUDIT, True, False
        elif modes == frozenset({QualityMode.Consensus}):
            audit, benchmark, consensus = CONSENSUS_AUTO_AUDIT, False, True
        data: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "media_type": self.media_type,
            "auto_audit_percentage": None if audit is None else _number(audit[1]),
            "auto_audit_number_of_labels": None if audit is None else audit[0],
            "is_benchmark_enabled": benchmark,
            "is_consensus_enabled": consensus,
        }
        return {k: v for k, v in data.items() if v is not None}


def _number(value: float) -> int | float:
    """``1.0`` as ``1`` and ``0.0`` as ``0``: the official SDK sends these as ints."""
    return int(value) if value.is_integer() else value


def _input_error(exc: ValidationError) -> InputError:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in exc.errors()
    )
    return InputError(problems)


class ProjectMethods:
    """Projects, batches, priorities, task queues (mixed into AsyncClient).

    Methods reach the client's internal entry points through :meth:`_projects_client` (mypy
    does not accept ``self: AsyncClient`` on a mixin).
    """

    __slots__ = ()

    def _projects_client(self) -> AsyncClient:
        return cast("AsyncClient", self)

    async def create_project(
        self,
        name: str,
        media_type: MediaType | str,
        description: str | None = None,
        quality_modes: Iterable[QualityMode] | None = _DEFAULT_QUALITY,
        is_benchmark_enabled: bool | None = None,
        is_consensus_enabled: bool | None = None,
    ) -> Project:
        """Create a project.

        ``quality_modes`` (default: benchmark and consensus) sets the auto-audit fields and
        overrides ``is_benchmark_enabled`` / ``is_consensus_enabled``; pass ``None`` or an empty
        set to send those two as given.
        """
        if quality_modes is not None and (
            isinstance(quality_modes, str) or not isinstance(quality_modes, Iterable)
        ):
            raise InputTypeError("quality_modes must be a set of QualityMode, or None")
        try:
            checked = _ProjectInput(
                name=name,
                description=description,
                media_type=media_type,  # a str is checked by the validator
                quality_modes=None if quality_modes is None else frozenset(quality_modes),
                is_benchmark_enabled=is_benchmark_enabled,
                is_consensus_enabled=is_consensus_enabled,
            )
        except ValidationError as exc:
            raise _input_error(exc) from None
        built = builder.create(PROJECT, checked.fields())
        client = self._projects_client()
        data = await client._execute_operation(
            built.operation, built.variables, sdk_method="Client:create_project", expect_one=True
        )
        created = data.get("createProject")
        if not isinstance(created, dict):
            raise LabelboxError("Failed to create Project")
        return Project.from_wire(client, created)

    async def get_project(self, project_id: str) -> Project:
        """A project by id (:class:`ResourceNotFoundError` if there is none)."""
        project_id = check_str("project_id", project_id)
        client = self._projects_client()
        return await client._get_one(
            ops.GET_PROJECT,
            {"param_0": project_id},
            ("project",),
            lambda node: Project.from_wire(client, node),
            sdk_method="Client:get_project",
            what=Project,
        )

    def get_projects(self, where: WhereArg | None = None) -> OffsetPaginator[Project]:
        """The projects the user can see, optionally filtered:
        ``client.get_projects(where=(Project.name == "x") & (Project.description == "y"))``."""
        built = builder.get_all(PROJECT, as_where(where, "Project"), exclude_deleted=True)
        client = self._projects_client()
        return client._paginate_offset(
            built.operation,
            built.variables,
            ("projects",),
            lambda node: Project.from_wire(client, node),
            sdk_method="Client:get_projects",
        )

    async def get_batch(self, project_id: str, batch_id: str) -> Batch:
        """One batch of a project (:class:`ResourceNotFoundError` if there is none; the official
        SDK raises IndexError)."""
        project_id = check_str("project_id", project_id)
        batch_id = check_str("batch_id", batch_id)
        return await _batch_create.get_batch(
            self._projects_client(), project_id, batch_id, sdk_method="Client:get_batch"
        )
