"""Data rows: get by id or global key, external-id lookups, relationships, update, delete."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from aiolabel._concurrency import Progress
from aiolabel._operations import data_rows as ops
from aiolabel._operations._builder import relationship, update
from aiolabel._operations._entities import DATA_ROW
from aiolabel._resources._base import Resource
from aiolabel._validation import (
    InvalidItemAttribute,
    check_ids,
    check_str,
)
from aiolabel.errors import InputError, InputTypeError, LabelboxError, ResourceNotFoundError
from aiolabel.models.data_row import _PRIMARY, _UPDATABLE, BULK_DELETE_CHUNK_SIZE, DataRow
from aiolabel.models.dataset import Dataset
from aiolabel.models.user import Organization, User
from aiolabel.pagination import dig

__all__ = ["DataRows"]


class DataRows(Resource):
    """Data rows (their attachments are :class:`~aiolabel._resources.attachments.Attachments`)."""

    __slots__ = ()

    async def get(self, data_row_id: str) -> DataRow:
        return await self._client._get_one(
            ops.GET_DATA_ROW,
            {"param_0": check_str("data_row_id", data_row_id)},
            ("dataRow",),
            lambda raw: DataRow.from_wire(self._client, raw),
            sdk_method="Client:get_data_row",
            what=DataRow,
        )

    async def get_by_global_key(self, global_key: str) -> DataRow:
        res = await self._client.get_data_row_ids_for_global_keys(
            [check_str("global_key", global_key)]
        )
        if res["status"] != "SUCCESS":
            raise ResourceNotFoundError(DataRow, {"global_key": global_key})
        return await self.get(res["results"][0])

    async def ids_for_external_ids(
        self,
        external_ids: Sequence[str],
        *,
        max_concurrency: int | None = None,
        progress: Progress | None = None,
    ) -> dict[str, list[str]]:
        ids = check_ids("external_ids", external_ids, allow=())

        async def lookup(chunk: list[str]) -> list[Any]:
            data = await self._client._execute_operation(
                ops.EXTERNAL_IDS_TO_DATA_ROW_IDS,
                {"externalId_in": chunk},
                sdk_method="Client:get_data_row_ids_for_external_ids",
            )
            rows = data.get("externalIdsToDataRowIds")
            return rows if isinstance(rows, list) else []

        pages = await self._client._run_chunks(
            ids,
            lookup,
            chunk_size=ops.EXTERNAL_IDS_CHUNK_SIZE,
            max_concurrency=max_concurrency,
            progress=progress,
        )
        result: defaultdict[str, list[str]] = defaultdict(list)
        for page in pages:
            for row in page:
                result[row["externalId"]].append(row["dataRowId"])
        return result

    async def _to_one(self, data_row: DataRow, name: str, sdk: str) -> dict[str, Any]:
        built = relationship(DATA_ROW, data_row.uid, name)
        data = await self._client._execute_operation(
            built.operation, built.variables, sdk_method=f"DataRow:{sdk}", expect_one=True
        )
        spec = DATA_ROW.relationship(name)
        assert spec is not None
        value = dig(data, ("dataRow", spec.graphql))
        if not isinstance(value, dict):
            raise LabelboxError(f"data row {data_row.uid} has no {name}")
        return value

    async def dataset(self, data_row: DataRow) -> Dataset:
        return Dataset.from_wire(self._client, await self._to_one(data_row, "dataset", "dataset"))

    async def organization(self, data_row: DataRow) -> Organization:
        return Organization.from_wire(
            self._client, await self._to_one(data_row, "organization", "organization")
        )

    async def created_by(self, data_row: DataRow) -> User:
        return User.from_wire(
            self._client, await self._to_one(data_row, "created_by", "created_by")
        )

    async def update(self, data_row: DataRow, **kwargs: Any) -> DataRow:
        unknown = set(kwargs) - set(_UPDATABLE)
        if unknown:
            raise InvalidItemAttribute("DataRow", unknown, "update")
        for name in _PRIMARY:
            value = kwargs.get(name)
            if value == "" or value == {}:
                raise InputError(f"{name} cannot be empty if it is set")
        if not any(kwargs.get(name) for name in _PRIMARY):
            raise InputError(f"give at least one of {list(_PRIMARY)}")
        data: dict[str, Any] = {}
        for name, value in kwargs.items():
            if value is None:
                raise InputError(f"{name} cannot be None")
            if name == "row_data" and isinstance(value, Mapping):
                value = json.dumps(value)
            elif name == "metadata_fields":
                ontology = await self._client.get_data_row_metadata_ontology()
                value = ontology._upsert_fields(value, "metadata_fields")
            elif not isinstance(value, str):
                raise InputTypeError(f"{name} must be a str, got {type(value).__name__}")
            data[name] = value
        built = update(DATA_ROW, data_row.uid, data)
        result = await self._client._execute_operation(
            built.operation, built.variables, sdk_method="DataRow:update", expect_one=True
        )
        raw = result.get("updateDataRow")
        if not isinstance(raw, dict):
            raise LabelboxError("the updated data row is missing from the response")
        return DataRow.from_wire(self._client, raw)

    async def delete(self, data_row: DataRow) -> None:
        await self._client._execute_operation(
            ops.DELETE_DATA_ROWS, {"dataRowIds": [data_row.uid]}, sdk_method="DataRow:delete"
        )

    async def bulk_delete(
        self, ids: list[str], *, max_concurrency: int | None, progress: Progress | None
    ) -> None:
        """Delete rows by id, :data:`BULK_DELETE_CHUNK_SIZE` per request, concurrently."""

        async def delete(chunk: list[str]) -> None:
            await self._client._execute_operation(
                ops.DELETE_DATA_ROWS, {"dataRowIds": chunk}, sdk_method="DataRow:bulk_delete"
            )

        await self._client._run_chunks(
            ids,
            delete,
            chunk_size=BULK_DELETE_CHUNK_SIZE,
            max_concurrency=max_concurrency,
            progress=progress,
        )
