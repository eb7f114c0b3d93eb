"""Projects: create (checked as the official ``_CoreProjectInput``), get, list, update, delete,
label count, members."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr, ValidationError, field_validator

from aiolabel._operations import _builder as builder
from aiolabel._operations import projects as ops
from aiolabel._operations._entities import PROJECT
from aiolabel._resources._base import Resource
from aiolabel._validation import check_str
from aiolabel.enums import MediaType, QualityMode
from aiolabel.errors import InputError, InputTypeError, LabelboxError
from aiolabel.models.base import WhereArg, as_where
from aiolabel.models.member import ProjectMember
from aiolabel.models.project import Project
from aiolabel.pagination import OffsetPaginator, dig

if TYPE_CHECKING:
    pass

__all__ = ["BENCHMARK_AUTO_AUDIT", "CONSENSUS_AUTO_AUDIT", "Projects"]

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


class Projects(Resource):
    """Projects: create, get, list, update, delete, label count, members."""

    __slots__ = ()

    async def create(
        self,
        name: str,
        media_type: MediaType | str,
        description: str | None = None,
        quality_modes: Iterable[QualityMode] | None = _DEFAULT_QUALITY,
        is_benchmark_enabled: bool | None = None,
        is_consensus_enabled: bool | None = None,
    ) -> Project:
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
        data = await self._client._execute_operation(
            built.operation, built.variables, sdk_method="Client:create_project", expect_one=True
        )
        created = data.get("createProject")
        if not isinstance(created, dict):
            raise LabelboxError("Failed to create Project")
        return Project.from_wire(self._client, created)

    async def get(self, project_id: str) -> Project:
        project_id = check_str("project_id", project_id)
        return await self._client._get_one(
            ops.GET_PROJECT,
            {"param_0": project_id},
            ("project",),
            lambda node: Project.from_wire(self._client, node),
            sdk_method="Client:get_project",
            what=Project,
        )

    def get_all(self, where: WhereArg | None = None) -> OffsetPaginator[Project]:
        built = builder.get_all(PROJECT, as_where(where, "Project"), exclude_deleted=True)
        return self._client._paginate_offset(
            built.operation,
            built.variables,
            ("projects",),
            lambda node: Project.from_wire(self._client, node),
            sdk_method="Client:get_projects",
        )

    async def update(self, project: Project, data: dict[str, Any]) -> Project:
        """Send fields checked by :func:`aiolabel._validation.check_project_update`."""
        built = builder.update(PROJECT, project.uid, data)
        data_out = await self._client._execute_operation(
            built.operation, built.variables, sdk_method=project._sdk("update"), expect_one=True
        )
        updated = data_out.get("updateProject")
        if not isinstance(updated, dict):
            raise LabelboxError(f"updateProject answered no project for {project.uid}")
        return Project.from_wire(self._client, updated)

    async def delete(self, project: Project) -> None:
        await self._client._execute_operation(
            ops.DELETE_PROJECT, {"ProjectId": project.uid}, sdk_method=project._sdk("delete")
        )

    async def get_label_count(self, project: Project) -> int:
        data = await self._client._execute_operation(
            ops.LABEL_COUNT,
            {"projectId": project.uid},
            sdk_method=project._sdk("get_label_count"),
            expect_one=True,
        )
        count = dig(data, ("project", "labelCount"))
        if isinstance(count, bool) or not isinstance(count, int):
            raise LabelboxError(f"no label count for project {project.uid}")
        return count

    def members(self, project: Project) -> OffsetPaginator[ProjectMember]:
        return self._client._paginate_offset(
            ops.PROJECT_MEMBERS,
            {"projectId": project.uid},
            ("project", "members"),
            lambda node: ProjectMember.from_wire(self._client, node),
            sdk_method=project._sdk("members"),
        )
