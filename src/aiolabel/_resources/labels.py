"""Labels, reviews and benchmarks: listing, relationships, bulk delete, reviews, benchmarks."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from aiolabel._operations import labels as ops
from aiolabel._resources._base import Resource
from aiolabel.errors import InputError, InputTypeError, ResourceNotFoundError
from aiolabel.models.label import Benchmark, Label, Review
from aiolabel.pagination import OffsetPaginator, dig

if TYPE_CHECKING:
    from aiolabel.models.data_row import DataRow
    from aiolabel.models.project import Project
    from aiolabel.models.user import Organization, User

__all__ = ["Labels"]


def _id_of(value: object, what: str) -> str:
    uid = getattr(value, "uid", value)
    if not isinstance(uid, str) or not uid:
        raise InputTypeError(f"{what} must be an id (str) or an object with a uid")
    return uid


class Labels(Resource):
    """The behaviour behind ``Project.labels()``, ``DataRow.labels()``, ``Label``, ``Review`` and
    ``Benchmark``."""

    __slots__ = ()

    def _label(self, raw: Any) -> Label:
        return Label.from_wire(self._client, raw)

    def project_labels(
        self,
        project: Project,
        datasets: object = None,
        order_by: object = None,
        created_by: object = None,
    ) -> OffsetPaginator[Label]:
        if datasets is not None or order_by is not None:
            raise InputError(
                "labels(datasets=, order_by=) are deprecated and not supported: filter with"
                " created_by, or export the project"
            )
        variables: dict[str, Any] = {"projectId": project.uid}
        op = ops.PROJECT_LABELS
        if created_by is not None:
            variables["createdBy"] = _id_of(created_by, "created_by")
            op = ops.PROJECT_LABELS_BY_CREATOR
        return self._client._paginate_offset(
            op, variables, ("project", "labels"), self._label, sdk_method="Project:labels"
        )

    def data_row_labels(self, data_row: DataRow) -> OffsetPaginator[Label]:
        return self._client._paginate_offset(
            ops.DATA_ROW_LABELS,
            {"param_0": False, "param_1": data_row.uid},
            ("dataRow", "labels"),
            self._label,
            sdk_method="DataRow:labels",
        )

    async def _to_one(self, op: Any, uid: str, path: tuple[str, str], method: str) -> Any:
        data = await self._client._execute_operation(
            op, {"param_0": uid}, sdk_method=method, expect_one=True
        )
        value = dig(data, path)
        if value is None:
            raise ResourceNotFoundError(path[1], {"param_0": uid})
        return value

    async def label_project(self, label: Label) -> Project:
        from aiolabel.models.project import Project

        raw = await self._to_one(
            ops.LABEL_PROJECT, label.uid, ("label", "project"), "Label:project"
        )
        return Project.from_wire(self._client, raw)

    async def label_data_row(self, label: Label) -> DataRow:
        from aiolabel.models.data_row import DataRow

        raw = await self._to_one(
            ops.LABEL_DATA_ROW, label.uid, ("label", "dataRow"), "Label:data_row"
        )
        return DataRow.from_wire(self._client, raw)

    async def label_created_by(self, label: Label) -> User:
        from aiolabel.models.user import User

        raw = await self._to_one(
            ops.LABEL_CREATED_BY, label.uid, ("label", "createdBy"), "Label:created_by"
        )
        return User.from_wire(self._client, raw)

    def label_reviews(self, label: Label) -> OffsetPaginator[Review]:
        return self._client._paginate_offset(
            ops.LABEL_REVIEWS,
            {"param_0": label.uid},
            ("label", "reviews"),
            lambda raw: Review.from_wire(self._client, raw),
            sdk_method="Label:reviews",
        )

    async def bulk_delete(self, labels: Sequence[Label]) -> None:
        """``deleteLabelsPyApi`` per 500 labels, run concurrently under the client's limiter."""
        ids = list(dict.fromkeys(_id_of(label, "labels") for label in labels))

        async def send(chunk: list[str]) -> None:
            await self._client._execute_operation(
                ops.DELETE_LABELS, {"labelIds": chunk}, sdk_method="Label:bulk_delete"
            )

        await self._client._run_chunks(ids, send, chunk_size=ops.DELETE_LABELS_CHUNK)

    async def delete_labels_by_user(self, project: Project, user_id: object) -> int:
        """Delete the user's labels of the project; the number deleted."""
        labels = await self.project_labels(project, created_by=user_id).to_list()
        if labels:
            await self.bulk_delete(labels)
        return len(labels)

    async def update_label(self, target: Label, /, **kwargs: Any) -> Label:
        """``label.update(label=...)``: the keyword is the label's text, so the label updated is
        positional-only."""
        if set(kwargs) != {"label"} or not isinstance(kwargs["label"], str):
            raise InputError("Label.update takes label= (a str)")
        data = await self._client._execute_operation(
            ops.UPDATE_LABEL,
            {"label": kwargs["label"], "LabelId": target.uid},
            sdk_method="Label:update",
        )
        return self._label(data["updateLabel"])

    async def create_review(self, label: Label, **kwargs: Any) -> Review:
        score = kwargs.pop("score", None)
        if kwargs:
            raise InputError(f"unknown Review fields: {', '.join(sorted(kwargs))}")
        if (
            isinstance(score, bool)
            or not isinstance(score, int | float)
            or not math.isfinite(score)
        ):
            raise InputError("create_review needs score= (a finite number)")
        project = await self.label_project(label)
        data = await self._client._execute_operation(
            ops.CREATE_REVIEW,
            {"score": float(score), "label": label.uid, "project": project.uid},
            sdk_method="Label:create_review",
        )
        return Review.from_wire(self._client, data["createReview"])

    async def update_review(self, review: Review, **kwargs: Any) -> Review:
        score = kwargs.get("score")
        if (
            set(kwargs) != {"score"}
            or isinstance(score, bool)
            or not isinstance(score, int | float)
        ):
            raise InputError("Review.update takes score= (a number)")
        data = await self._client._execute_operation(
            ops.UPDATE_REVIEW,
            {"score": float(score), "ReviewId": review.uid},
            sdk_method="Review:update",
        )
        return Review.from_wire(self._client, data["updateReview"])

    async def delete_review(self, review: Review) -> None:
        await self._client._execute_operation(
            ops.DELETE_REVIEW, {"ReviewId": review.uid}, sdk_method="Review:delete"
        )

    async def review_label(self, review: Review) -> Label:
        return self._label(
            await self._to_one(ops.REVIEW_LABEL, review.uid, ("review", "label"), "Review:label")
        )

    async def review_created_by(self, review: Review) -> User:
        from aiolabel.models.user import User

        raw = await self._to_one(
            ops.REVIEW_CREATED_BY, review.uid, ("review", "createdBy"), "Review:created_by"
        )
        return User.from_wire(self._client, raw)

    async def review_organization(self, review: Review) -> Organization:
        from aiolabel.models.user import Organization

        raw = await self._to_one(
            ops.REVIEW_ORGANIZATION,
            review.uid,
            ("review", "organization"),
            "Review:organization",
        )
        return Organization.from_wire(self._client, raw)

    async def review_project(self, review: Review) -> Project:
        from aiolabel.models.project import Project

        raw = await self._to_one(
            ops.REVIEW_PROJECT, review.uid, ("review", "project"), "Review:project"
        )
        return Project.from_wire(self._client, raw)

    async def create_benchmark(self, label: Label) -> Benchmark:
        data = await self._client._execute_operation(
            ops.CREATE_BENCHMARK, {"labelId": label.uid}, sdk_method="Label:create_benchmark"
        )
        return Benchmark.from_wire(self._client, data["createBenchmark"])

    async def benchmark_reference_label(self, benchmark: Benchmark) -> Label:
        raw = await self._to_one(
            ops.BENCHMARK_REFERENCE_LABEL,
            benchmark.uid,
            ("benchmark", "referenceLabel"),
            "Benchmark:reference_label",
        )
        return self._label(raw)

    async def benchmark_created_by(self, benchmark: Benchmark) -> User:
        from aiolabel.models.user import User

        raw = await self._to_one(
            ops.BENCHMARK_CREATED_BY,
            benchmark.uid,
            ("benchmark", "createdBy"),
            "Benchmark:created_by",
        )
        return User.from_wire(self._client, raw)

    async def delete_benchmark(self, benchmark: Benchmark) -> None:
        label = await self.benchmark_reference_label(benchmark)
        await self._client._execute_operation(
            ops.DELETE_BENCHMARK, {"labelId": label.uid}, sdk_method="Benchmark:delete"
        )

    def project_benchmarks(self, project: Project) -> OffsetPaginator[Benchmark]:
        return self._client._paginate_offset(
            ops.PROJECT_BENCHMARKS,
            {"param_0": project.uid},
            ("project", "benchmarks"),
            lambda raw: Benchmark.from_wire(self._client, raw),
            sdk_method="Project:benchmarks",
        )

    async def enable_model_assisted_labeling(self, project: Project, toggle: bool = True) -> bool:
        if not isinstance(toggle, bool):
            raise InputTypeError("toggle must be a bool")
        data = await self._client._execute_operation(
            ops.TOGGLE_MODEL_ASSISTED_LABELING,
            {"project_id": project.uid, "show": toggle},
            sdk_method="Project:enable_model_assisted_labeling",
        )
        return bool(
            dig(data, ("project", "showPredictionsToLabelers", "showingPredictionsToLabelers"))
        )
