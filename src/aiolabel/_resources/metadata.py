"""Data-row metadata: the organisation's ontology (fetched once per client), bulk upsert, delete
and export of row metadata, and custom schemas."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import anyio

from aiolabel._concurrency import Progress
from aiolabel._operations import metadata as ops
from aiolabel._resources._base import Resource
from aiolabel._validation import check_ids
from aiolabel.enums import DataRowMetadataKind, IdType
from aiolabel.errors import InputError, InputTypeError, LabelboxError
from aiolabel.identifiers import GlobalKeys, UniqueId, UniqueIds
from aiolabel.models.metadata import (
    DataRowMetadata,
    DataRowMetadataBatchResponse,
    DataRowMetadataOntology,
    DataRowMetadataSchema,
    DeleteDataRowMetadata,
    _empty,
    _name,
    _sequence,
)
from aiolabel.pagination import dig

__all__ = ["Metadata"]


class Metadata(Resource):
    """The metadata ontology and the bulk metadata calls."""

    __slots__ = ("_lock", "_ontology")

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self._ontology: DataRowMetadataOntology | None = None
        self._lock = anyio.Lock()

    async def ontology(self) -> DataRowMetadataOntology:
        if self._ontology is None:
            async with self._lock:
                if self._ontology is None:
                    self._ontology = await self.fetch("Client:get_data_row_metadata_ontology")
        return self._ontology

    async def fetch(self, sdk_method: str) -> DataRowMetadataOntology:
        """The ontology, fetched now (one request)."""
        return DataRowMetadataOntology(self._client, await self.fetch_raw(sdk_method))

    async def fetch_raw(self, sdk_method: str) -> list[Mapping[str, Any]]:
        data = await self._client._execute_operation(
            ops.GET_METADATA_ONTOLOGY, None, sdk_method=sdk_method
        )
        raw = data.get("customMetadataOntology")
        if not isinstance(raw, list):
            raise LabelboxError("the metadata ontology is missing from the response")
        return raw

    async def refresh_ontology(self, ontology: DataRowMetadataOntology) -> None:
        ontology._build(await self.fetch_raw("DataRowMetadataOntology:refresh_ontology"))

    async def _refresh_if_unknown(
        self, ontology: DataRowMetadataOntology, schema_ids: Iterable[str | None]
    ) -> None:
        if any(s is not None and s not in ontology.fields_by_id for s in schema_ids):
            await self.refresh_ontology(ontology)

    async def bulk_upsert(
        self,
        ontology: DataRowMetadataOntology,
        metadata: Sequence[DataRowMetadata],
        *,
        max_concurrency: int | None = None,
        progress: Progress | None = None,
    ) -> list[DataRowMetadataBatchResponse]:
        items = _sequence(metadata, "metadata", DataRowMetadata)
        seen: set[tuple[str, str]] = set()
        for i, m in enumerate(items):
            if (m.data_row_id is None) == (m.global_key is None):
                raise InputError(f"metadata[{i}]: give exactly one of data_row_id and global_key")
            key = ("id", m.data_row_id) if m.data_row_id is not None else ("gk", m.global_key or "")
            if key in seen:
                raise InputError(f"metadata[{i}]: {key[1]!r} appears more than once")
            seen.add(key)
        await self._refresh_if_unknown(ontology, (f.schema_id for m in items for f in m.fields))
        payload = [
            {
                "globalKey": m.global_key,
                "dataRowId": m.data_row_id,
                "fields": ontology._upsert_fields(m.fields, f"metadata[{i}].fields"),
            }
            for i, m in enumerate(items)
        ]

        async def send(batch: list[dict[str, Any]]) -> list[DataRowMetadataBatchResponse]:
            data = await self._client._execute_operation(
                ops.UPSERT_DATA_ROW_METADATA,
                {"metadata": batch},
                sdk_method="DataRowMetadataOntology:bulk_upsert",
            )
            return [ontology._failure(r) for r in data.get("upsertDataRowCustomMetadata") or []]

        results = await self._client._run_chunks(
            payload,
            send,
            chunk_size=ontology._batch_size,
            max_concurrency=max_concurrency,
            progress=progress,
        )
        return [r for batch in results for r in batch]

    async def bulk_delete(
        self,
        ontology: DataRowMetadataOntology,
        deletes: Sequence[DeleteDataRowMetadata],
        *,
        max_concurrency: int | None = None,
        progress: Progress | None = None,
    ) -> list[DataRowMetadataBatchResponse]:
        items = _sequence(deletes, "deletes", DeleteDataRowMetadata)
        seen: set[tuple[str, str]] = set()
        wire: list[dict[str, Any]] = []
        await self._refresh_if_unknown(ontology, (s for d in items for s in d.fields))
        for i, d in enumerate(items):
            ident = d.data_row_id
            if isinstance(ident, str):
                ident = UniqueId(ident) if ident else _empty(f"deletes[{i}].data_row_id")
            if not d.fields:
                raise InputError(f"deletes[{i}]: no fields given for {ident.key!r}")
            for schema_id in d.fields:
                if not isinstance(schema_id, str) or schema_id not in ontology.fields_by_id:
                    raise InputError(
                        f"deletes[{i}]: schema id {schema_id!r} is not in the metadata ontology"
                    )
            key = (ident.id_type.value, ident.key)
            if key in seen:
                raise InputError(f"deletes[{i}]: {ident.key!r} appears more than once")
            seen.add(key)
            wire.append(
                {
                    "schemaIds": list(d.fields),
                    "dataRowIdentifier": {"id": ident.key, "idType": ident.id_type.value},
                }
            )

        async def send(batch: list[dict[str, Any]]) -> list[DataRowMetadataBatchResponse]:
            data = await self._client._execute_operation(
                ops.DELETE_DATA_ROW_METADATA,
                {"deletes": batch},
                sdk_method="DataRowMetadataOntology:bulk_delete",
            )
            return [
                DataRowMetadataBatchResponse(
                    global_key=r.get("globalKey"),
                    data_row_id=r.get("dataRowId"),
                    error=r.get("error"),
                    fields=[f.get("schemaId") for f in r.get("fields") or []],
                )
                for r in data.get("deleteDataRowCustomMetadata") or []
            ]

        results = await self._client._run_chunks(
            wire,
            send,
            chunk_size=ontology._batch_size,
            max_concurrency=max_concurrency,
            progress=progress,
        )
        return [r for batch in results for r in batch]

    async def bulk_export(
        self,
        ontology: DataRowMetadataOntology,
        data_row_ids: Sequence[str] | UniqueIds | GlobalKeys,
        *,
        max_concurrency: int | None = None,
        progress: Progress | None = None,
    ) -> list[DataRowMetadata]:
        ids = check_ids("data_row_ids", data_row_ids)
        id_type = (
            data_row_ids.id_type
            if isinstance(data_row_ids, UniqueIds | GlobalKeys)
            else IdType.DataRowId
        )

        async def send(batch: list[str]) -> list[Mapping[str, Any]]:
            data = await self._client._execute_operation(
                ops.EXPORT_DATA_ROW_METADATA,
                {"dataRowIdentifiers": {"ids": batch, "idType": id_type.value}},
                sdk_method="DataRowMetadataOntology:bulk_export",
            )
            rows = data.get("dataRowCustomMetadata")
            return rows if isinstance(rows, list) else []

        results = await self._client._run_chunks(
            ids,
            send,
            chunk_size=ontology._batch_size,
            max_concurrency=max_concurrency,
            progress=progress,
        )
        rows = [r for batch in results for r in batch]
        await self._refresh_if_unknown(
            ontology, (str(f.get("schemaId")) for r in rows for f in r.get("fields") or [])
        )
        return ontology.parse_metadata(rows)

    async def _upsert_schema(
        self, ontology: DataRowMetadataOntology, data: dict[str, Any], sdk: str
    ) -> DataRowMetadataSchema:
        async def reconcile(_: LabelboxError) -> dict[str, Any] | None:
            """After an ambiguous failure of a create: the schema if it now exists."""
            await self.refresh_ontology(ontology)
            found = ontology.custom_by_name_normalized.get(data["name"])
            if "id" in data or found is None or found.kind.value != data["kind"]:
                return None
            return {"upsertCustomMetadataSchema": {"id": found.uid, "name": found.name}}

        result = await self._client._execute_operation(
            ops.UPSERT_CUSTOM_METADATA_SCHEMA,
            {"data": data},
            sdk_method=f"DataRowMetadataOntology:{sdk}",
            reconcile=reconcile,
        )
        raw = dig(result, ("upsertCustomMetadataSchema",))
        if not isinstance(raw, Mapping):
            raise LabelboxError("the schema is missing from the response")
        await self.refresh_ontology(ontology)
        return ontology.fields_by_id.get(str(raw.get("id"))) or DataRowMetadataSchema.from_wire(
            self._client,
            {
                **raw,
                "reserved": False,
                "options": [
                    {**o, "reserved": False, "parent": raw.get("id")}
                    for o in raw.get("options") or []
                ]
                or None,
            },
        )

    async def create_schema(
        self,
        ontology: DataRowMetadataOntology,
        name: str,
        kind: DataRowMetadataKind,
        options: Sequence[str] | None = None,
    ) -> DataRowMetadataSchema:
        if not isinstance(kind, DataRowMetadataKind):
            raise InputTypeError("kind must be a DataRowMetadataKind")
        data: dict[str, Any] = {"name": _name(name, "name"), "kind": kind.value}
        if options:
            if kind is not DataRowMetadataKind.enum:
                raise InputError(f"kind {kind.name} takes no options; only enum does")
            if isinstance(options, str):
                raise InputTypeError("options must be a list of names")
            names = [_name(o, f"options[{i}]") for i, o in enumerate(options)]
            if len(set(names)) != len(names):
                raise InputError("options must not repeat a name")
            data["options"] = [{"name": o, "kind": DataRowMetadataKind.option.value} for o in names]
        return await self._upsert_schema(ontology, data, "create_schema")

    async def update_schema(
        self, ontology: DataRowMetadataOntology, name: str, new_name: str
    ) -> DataRowMetadataSchema:
        schema = ontology._custom(name)
        data: dict[str, Any] = {
            "id": schema.uid,
            "name": _name(new_name, "new_name"),
            "kind": schema.kind.value,
        }
        if schema.options:
            data["options"] = ontology._options(schema)
        return await self._upsert_schema(ontology, data, "update_schema")

    async def update_enum_option(
        self, ontology: DataRowMetadataOntology, name: str, option: str, new_option: str
    ) -> DataRowMetadataSchema:
        schema = ontology._custom(name)
        if schema.kind is not DataRowMetadataKind.enum:
            raise InputError("Updating Enum option is only supported for Enum metadata schema")
        valid = [o.name for o in schema.options or []]
        if option not in valid:
            raise InputError(f"option {option!r} is not an option of {name!r}: {valid}")
        new = _name(new_option, "new_option")
        options = ontology._options(schema)
        for o in options:
            if o["name"] == option:
                o["name"] = new
        data = {"id": schema.uid, "name": schema.name, "kind": schema.kind.value}
        return await self._upsert_schema(
            ontology, {**data, "options": options}, "update_enum_option"
        )

    async def delete_schema(self, ontology: DataRowMetadataOntology, name: str) -> bool:
        schema = ontology._custom(name)
        data = await self._client._execute_operation(
            ops.DELETE_CUSTOM_METADATA_SCHEMA,
            {"where": {"id": schema.uid}},
            sdk_method="DataRowMetadataOntology:delete_schema",
        )
        await self.refresh_ontology(ontology)
        return bool(dig(data, ("deleteCustomMetadataSchema", "success")))
