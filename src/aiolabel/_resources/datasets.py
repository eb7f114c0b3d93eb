"""Datasets: create, get, list, update, delete; relationships, data-row listing, export."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Final

from aiolabel._operations import datasets as ops
from aiolabel._operations import iam as iam_ops
from aiolabel._operations._builder import create, get_all, relationship, update
from aiolabel._operations._entities import DATA_ROW, DATASET
from aiolabel._resources._base import Resource
from aiolabel._validation import InvalidItemAttribute, check_str, where_as_dict
from aiolabel.errors import (
    InputError,
    InputTypeError,
    LabelboxError,
    ResourceCreationError,
    ResourceNotFoundError,
)
from aiolabel.models.base import WhereArg, as_where
from aiolabel.models.data_row import DataRow
from aiolabel.models.dataset import Dataset, IAMIntegration
from aiolabel.models.user import Organization, User
from aiolabel.pagination import CursorPaginator, OffsetPaginator, dig

__all__ = ["DEFAULT_IAM_INTEGRATION", "Datasets"]

logger = logging.getLogger("aiolabel.dataset")


class _DefaultIAM:
    """The default of ``create_dataset(iam_integration=...)``: the organisation's default."""

    _instance: _DefaultIAM | None = None

    def __new__(cls) -> _DefaultIAM:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "DEFAULT_IAM_INTEGRATION"


DEFAULT_IAM_INTEGRATION: Final = _DefaultIAM()
"""``create_dataset``'s default: look up the organisation's default IAM integration."""


class Datasets(Resource):
    """Datasets and what hangs off one (its rows, its signer, its export)."""

    __slots__ = ()

    async def create(
        self,
        name: str,
        description: str | None = None,
        *,
        iam_integration: IAMIntegration | _DefaultIAM | None = DEFAULT_IAM_INTEGRATION,
    ) -> Dataset:
        data: dict[str, Any] = {"name": check_str("name", name)}
        if description is not None:
            data["description"] = check_str("description", description, allow_empty=True)
        signer: IAMIntegration | None = None
        if isinstance(iam_integration, _DefaultIAM):
            signer = await self._default_iam_integration()
        elif iam_integration is not None:
            if not isinstance(iam_integration, IAMIntegration):
                raise InputTypeError(
                    "iam_integration must be an IAMIntegration, None or the default, got "
                    f"{type(iam_integration).__name__}"
                )
            signer = iam_integration
        if signer is not None and not signer.valid:
            raise InputError("iam_integration: the integration is not valid; select another")
        built = create(DATASET, data)
        result = await self._client._execute_operation(
            built.operation, built.variables, sdk_method="Client:create_dataset"
        )
        raw = result.get("createDataset")
        if not isinstance(raw, dict):
            raise LabelboxError("the new dataset is missing from the response")
        dataset = Dataset.from_wire(self._client, raw)
        if signer is None:
            return dataset
        try:
            await self._client._execute_operation(
                iam_ops.SET_SIGNER_FOR_DATASET,
                {"signerId": signer.uid, "datasetId": dataset.uid},
                sdk_method="Client:create_dataset",
            )
            check = await self._client._execute_operation(
                iam_ops.VALIDATE_DATASET, {"id": dataset.uid}, sdk_method="Client:create_dataset"
            )
            if not dig(check, ("validateDataset", "valid")):
                raise LabelboxError("IAMIntegration was not successfully added to the dataset.")
        except Exception:
            await dataset.delete()
            raise
        return dataset

    async def _default_iam_integration(self) -> IAMIntegration | None:
        data = await self._client._execute_operation(
            iam_ops.GET_ALL_IAM_INTEGRATIONS, None, sdk_method="Client:create_dataset"
        )
        found = [
            IAMIntegration.from_wire(self._client, raw)
            for raw in data.get("iamIntegrations") or []
            if isinstance(raw, dict) and raw.get("isOrgDefault")
        ]
        if len(found) > 1:
            raise InputError(
                "The organization has more than one default IAM integration; pass one "
                "explicitly as iam_integration="
            )
        return found[0] if found else None

    async def get(self, dataset_id: str) -> Dataset:
        return await self._client._get_one(
            ops.GET_DATASET,
            {"param_0": check_str("dataset_id", dataset_id)},
            ("dataset",),
            lambda raw: Dataset.from_wire(self._client, raw),
            sdk_method="Client:get_dataset",
            what=Dataset,
        )

    def get_all(self, where: WhereArg | None = None) -> OffsetPaginator[Dataset]:
        built = get_all(DATASET, as_where(where, "Dataset"), exclude_deleted=True)
        return self._client._paginate_offset(
            built.operation,
            {k: v for k, v in built.variables.items() if k not in ("skip", "first")},
            ("datasets",),
            lambda raw: Dataset.from_wire(self._client, raw),
            sdk_method="Client:get_datasets",
        )

    async def _to_one(self, dataset: Dataset, name: str) -> dict[str, Any] | None:
        built = relationship(DATASET, dataset.uid, name)
        data = await self._client._execute_operation(
            built.operation, built.variables, sdk_method=f"Dataset:{name}", expect_one=True
        )
        spec = DATASET.relationship(name)
        assert spec is not None
        value = dig(data, ("dataset", spec.graphql))
        return value if isinstance(value, dict) else None

    async def created_by(self, dataset: Dataset) -> User:
        raw = await self._to_one(dataset, "created_by")
        if raw is None:
            raise ResourceNotFoundError(User, {"dataset": dataset.uid})
        return User.from_wire(self._client, raw)

    async def organization(self, dataset: Dataset) -> Organization:
        raw = await self._to_one(dataset, "organization")
        if raw is None:
            raise ResourceNotFoundError(Organization, {"dataset": dataset.uid})
        return Organization.from_wire(self._client, raw)

    async def iam_integration(self, dataset: Dataset) -> IAMIntegration | None:
        raw = await self._to_one(dataset, "iam_integration")
        return None if raw is None else IAMIntegration.from_wire(self._client, raw)

    def data_rows(
        self, dataset: Dataset, from_cursor: str | None = None, where: Any = None
    ) -> CursorPaginator[DataRow]:
        if from_cursor is not None:
            check_str("from_cursor", from_cursor)
        variables = {"id": dataset.uid, "where": where_as_dict(DATA_ROW, where)}
        client = self._client
        return client._paginate_cursor(
            ops.DATASET_DATA_ROWS,
            variables,
            nodes_path=("datasetDataRows", "nodes"),
            cursor_path=("datasetDataRows", "pageInfo", "startCursor"),
            has_next_path=("datasetDataRows", "pageInfo", "hasNextPage"),
            parse=lambda raw: DataRow.from_wire(client, raw),
            sdk_method="Dataset:data_rows",
            page_size=ops.DATASET_DATA_ROWS_PAGE_SIZE,
            start_cursor=from_cursor,
        )

    async def data_rows_for_external_id(
        self, dataset: Dataset, external_id: str, limit: int = 10
    ) -> list[DataRow]:
        check_str("external_id", external_id, allow_empty=True)
        if isinstance(limit, bool) or not isinstance(limit, int):
            raise InputTypeError("limit must be an int")
        if limit < 1:
            raise InputError("limit must be at least 1")
        where = DataRow.external_id == external_id
        async with self.data_rows(dataset, where=where) as rows:
            found = await rows.get_many(limit)
        if not found:
            raise ResourceNotFoundError(DataRow, {"external_id": external_id})
        return found

    async def data_row_for_external_id(self, dataset: Dataset, external_id: str) -> DataRow:
        rows = await self.data_rows_for_external_id(dataset, external_id, limit=2)
        if len(rows) > 1:
            logger.warning(
                "More than one data_row has the provided external_id : `%s`. Use function "
                "data_rows_for_external_id to fetch all",
                external_id,
            )
        return rows[0]

    async def create_data_row(
        self, dataset: Dataset, items: Mapping[Any, Any] | None = None, **kwargs: Any
    ) -> DataRow:
        if items is not None and kwargs:
            raise InputError("give the data row as a dict or as keyword arguments, not both")
        item = items if items is not None else kwargs
        if not isinstance(item, Mapping):
            raise InputTypeError("items must be a dict")
        task = await dataset.create_data_rows([item], file_upload_thread_count=1)
        await task.wait_till_done()
        errors = [e async for e in task.errors()]
        if errors:
            raise ResourceCreationError(f"Data row upload errors: {errors}", task.uid)
        if task.status != "COMPLETE":
            raise ResourceCreationError(
                f"Data row upload did not complete, task status {task.status} task id {task.uid}"
            )
        created = [r async for r in task.result()]
        if not created or not isinstance(created[0].get("id"), str):
            raise ResourceCreationError(f"Data row upload of task {task.uid} created nothing")
        return await self._client.get_data_row(created[0]["id"])

    async def update(self, dataset: Dataset, **kwargs: Any) -> Dataset:
        unknown = set(kwargs) - {"name", "description"}
        if unknown:
            raise InvalidItemAttribute("Dataset", unknown, "update")
        if not kwargs:
            raise InputError("give name or description")
        for key, value in kwargs.items():
            check_str(key, value, allow_empty=key == "description")
        built = update(DATASET, dataset.uid, kwargs)
        data = await self._client._execute_operation(
            built.operation, built.variables, sdk_method="Dataset:update", expect_one=True
        )
        raw = data.get("updateDataset")
        if not isinstance(raw, dict):
            raise LabelboxError("the updated dataset is missing from the response")
        return Dataset.from_wire(self._client, raw)

    async def delete(self, dataset: Dataset) -> None:
        await self._client._execute_operation(
            ops.DELETE_DATASET, {"DatasetId": dataset.uid}, sdk_method="Dataset:delete"
        )
