"""Data-row metadata: the organisation's metadata ontology and bulk upsert, delete and export.

The ontology (reserved schemas such as ``tag`` and ``split``, plus custom ones) is fetched once
per client by ``await client.get_data_row_metadata_ontology()``. Bulk calls send batches of 50
items, as the official SDK does, but run them concurrently through the client's chunk runner;
results come back in input order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from json.encoder import encode_basestring_ascii as _json_str
from typing import TYPE_CHECKING, Any

from pydantic import ConfigDict, Field, field_validator

from aiolabel._concurrency import Progress
from aiolabel._operations import metadata as ops
from aiolabel.enums import DataRowMetadataKind
from aiolabel.errors import InputError, InputTypeError, LabelboxError
from aiolabel.identifiers import GlobalKey, GlobalKeys, UniqueId, UniqueIds
from aiolabel.models.base import Model

if TYPE_CHECKING:
    from aiolabel.client import AsyncClient

__all__ = [
    "DataRowMetadata",
    "DataRowMetadataBatchResponse",
    "DataRowMetadataField",
    "DataRowMetadataKind",
    "DataRowMetadataOntology",
    "DataRowMetadataSchema",
    "DeleteDataRowMetadata",
]

BATCH_SIZE = ops.METADATA_BATCH_SIZE
"""Items per request (the official SDK's batch size)."""
EMBEDDING_LENGTH = 128
NAME_MAX_LENGTH = 100
ISO_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class DataRowMetadataSchema(Model):
    """One metadata schema: a field (string, number, datetime, enum, embedding) or an enum
    option (``kind`` option, ``parent`` the enum's id)."""

    uid: str = Field(alias="id")
    name: str
    reserved: bool = False
    kind: DataRowMetadataKind
    options: list[DataRowMetadataSchema] | None = None
    parent: str | None = None


class DataRowMetadataField(Model):
    """One metadata value: give ``schema_id`` or ``name`` (resolved through the ontology)."""

    schema_id: str | None = None
    name: str | None = None
    value: Any = None


class DataRowMetadata(Model):
    """The metadata of one data row, named by ``data_row_id`` or ``global_key``."""

    global_key: str | None = None
    data_row_id: str | None = None
    fields: list[DataRowMetadataField] = Field(default_factory=list)

    @field_validator("fields", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value


class DeleteDataRowMetadata(Model):
    """Schema ids to remove from one data row (a ``str`` id is a data-row id)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    data_row_id: str | UniqueId | GlobalKey
    fields: list[str]


class DataRowMetadataBatchResponse(Model):
    """One item the server refused in a bulk upsert or delete."""

    global_key: str | None = None
    data_row_id: str | None = None
    error: str | None = None
    fields: list[DataRowMetadataField | str] = Field(default_factory=list)


DataRowMetadataSchema.model_rebuild()


def _parse_datetime(value: Any, where: str) -> str:
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise InputError(f"{where}: {value!r} is not an ISO 8601 datetime") from None
        if parsed.tzinfo is None:  # the official SDK reads an offset-less string as UTC
            parsed = parsed.replace(tzinfo=UTC)
        value = parsed
    if not isinstance(value, datetime):
        raise InputTypeError(f"{where}: a datetime value must be a datetime or an ISO string")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InputError(f"{where}: datetimes must carry a time zone")
    return value.astimezone(UTC).strftime(ISO_DATETIME_FORMAT)


def _parse_number(value: Any, where: str) -> float:
    if isinstance(value, bool):
        raise InputTypeError(f"{where}: a number value cannot be a bool")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputTypeError(f"{where}: {value!r} is not a number") from None
    except OverflowError:  # an int too large for a float
        raise InputError(f"{where}: a number value must fit a float") from None
    if not math.isfinite(number):
        raise InputError(f"{where}: a number value must be finite")
    return number


def _parse_embedding(value: Any, where: str) -> list[float]:
    if not isinstance(value, list | tuple):
        raise InputTypeError(f"{where}: an embedding must be a list of {EMBEDDING_LENGTH} floats")
    if len(value) != EMBEDDING_LENGTH:
        raise InputError(
            f"{where}: an embedding must have {EMBEDDING_LENGTH} values, got {len(value)}"
        )
    return [_parse_number(v, where) for v in value]


def _check_dicts(unparsed: object) -> None:
    """A list (any iterable but a str or a dict) of dicts."""
    if isinstance(unparsed, str | bytes | Mapping) or not isinstance(unparsed, Iterable):
        raise InputTypeError("unparsed must be a list of dicts")
    if isinstance(unparsed, Sequence):
        for i, raw in enumerate(unparsed):
            if not isinstance(raw, Mapping):
                raise InputTypeError(f"unparsed[{i}] must be a dict, got {type(raw).__name__}")


def _not_a_dict(row: object) -> bool:
    raise InputTypeError(f"unparsed items must be dicts, got {type(row).__name__}")


class UnknownMetadataName(LabelboxError, KeyError):
    """No metadata schema has this name. A ``KeyError`` too, as the official SDK raises."""

    def __str__(self) -> str:
        return self.message


class DataRowMetadataOntology:
    """The organisation's metadata schemas, indexed by id and name, and the bulk calls.

    Attributes mirror the official SDK: ``fields``, ``fields_by_id``, ``reserved_fields``,
    ``reserved_by_id``, ``reserved_by_name`` (an enum maps to ``{option name: option}``),
    ``reserved_by_name_normalized`` (an enum maps to its schema), and the same for ``custom_*``.
    """

    def __init__(self, client: AsyncClient, raw: Sequence[Mapping[str, Any]]) -> None:
        self._client = client
        self._batch_size = BATCH_SIZE
        self._build(raw)

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            # the documents call bulk_upsert / bulk_delete batch_upsert / batch_delete
            if name in ("batch_upsert", "batch_delete"):
                bulk = name.replace("batch", "bulk")
                raise AttributeError(
                    f"DataRowMetadataOntology has no {name}: the method is {bulk}"
                    f" (`await mdo.{bulk}([...])`)"
                )
            raise AttributeError(f"'DataRowMetadataOntology' object has no attribute {name!r}")

    def __repr__(self) -> str:
        return (
            f"DataRowMetadataOntology({len(self.reserved_fields)} reserved, "
            f"{len(self.custom_fields)} custom)"
        )

    def _build(self, raw: Sequence[Mapping[str, Any]]) -> None:
        fields: list[DataRowMetadataSchema] = []
        for schema in raw:
            if not isinstance(schema, Mapping):
                raise LabelboxError("a metadata schema in the response is not an object")
            options = [
                DataRowMetadataSchema.from_wire(
                    self._client,
                    {**o, "reserved": o.get("reserved", False), "parent": schema["id"]},
                )
                for o in schema.get("options") or []
            ]
            fields.append(
                DataRowMetadataSchema.from_wire(
                    self._client, {**schema, "options": options or None}
                )
            )
        self.fields = fields
        self.fields_by_id = _id_index(fields)
        self.reserved_fields = [f for f in fields if f.reserved]
        self.reserved_by_id = _id_index(self.reserved_fields)
        self.reserved_by_name = _name_index(self.reserved_fields)
        self.reserved_by_name_normalized = {f.name: f for f in self.reserved_fields}
        self.custom_fields = [f for f in fields if not f.reserved]
        self.custom_by_id = _id_index(self.custom_fields)
        self.custom_by_name = _name_index(self.custom_fields)
        self.custom_by_name_normalized = {f.name: f for f in self.custom_fields}
        self._plain = _plain_index(self)

    @property
    def client(self) -> AsyncClient:
        return self._client

    # -- lookups ---------------------------------------------------------------------------------

    def get_by_name(self, name: str) -> DataRowMetadataSchema | dict[str, DataRowMetadataSchema]:
        """A schema by name (reserved first); an enum gives ``{option name: option schema}``.

        Raises ``KeyError`` as the official SDK does.
        """
        if not isinstance(name, str):
            raise InputTypeError(f"name must be a str, got {type(name).__name__}")
        if name in self.reserved_by_name:
            return self.reserved_by_name[name]
        if name in self.custom_by_name:
            return self.custom_by_name[name]
        raise UnknownMetadataName(f"There is no metadata with name '{name}'")

    def _schema_by_name(self, name: str) -> DataRowMetadataSchema | None:
        return self.reserved_by_name_normalized.get(name) or self.custom_by_name_normalized.get(
            name
        )

    async def refresh_ontology(self) -> None:
        """Fetch the schemas again (one request)."""
        return await self.client._metadata.refresh_ontology(self)

    # -- parsing ---------------------------------------------------------------------------------

    def parse_metadata_fields(
        self, unparsed: Iterable[Mapping[str, Any]]
    ) -> list[DataRowMetadataField]:
        """Wire metadata (``{"schemaId", "value"}``) as fields with names; an enum comes back as
        one field whose value is the chosen option's id, datetimes as ``datetime``."""
        _check_dicts(unparsed)
        parsed: list[DataRowMetadataField] = []
        for raw in unparsed:
            if not isinstance(raw, Mapping):
                raise InputTypeError(f"unparsed items must be dicts, got {type(raw).__name__}")
            schema = self.fields_by_id.get(str(raw.get("schemaId")))
            if schema is None:
                raise InputError(f"Schema Id `{raw.get('schemaId')}` not found in ontology")
            if schema.kind is DataRowMetadataKind.enum:
                continue
            if schema.kind is DataRowMetadataKind.option:
                parent = self.fields_by_id.get(schema.parent or "")
                parsed.append(
                    DataRowMetadataField(
                        schema_id=schema.parent,
                        value=schema.uid,
                        name=parent.name if parent is not None else None,
                    )
                )
                continue
            value = raw.get("value")
            if schema.kind is DataRowMetadataKind.datetime and isinstance(value, str):
                value = datetime.fromisoformat(value.replace("Z", "+00:00"))
                value = value if value.tzinfo else value.replace(tzinfo=UTC)
            parsed.append(DataRowMetadataField(schema_id=schema.uid, value=value, name=schema.name))
        return parsed

    def parse_metadata(self, unparsed: Iterable[Mapping[str, Any]]) -> list[DataRowMetadata]:
        """Wire rows (``{"dataRowId", "globalKey", "fields"}``) as :class:`DataRowMetadata`."""
        _check_dicts(unparsed)
        return [
            DataRowMetadata(
                data_row_id=row.get("dataRowId"),
                global_key=row.get("globalKey"),
                fields=self.parse_metadata_fields(row.get("fields") or []),
            )
            for row in unparsed
            if isinstance(row, Mapping) or _not_a_dict(row)
        ]

    def _resolve(self, field: DataRowMetadataField, where: str) -> list[dict[str, Any]]:
        """One field as the wire's ``[{"schemaId", "value"}]`` (two entries for an enum)."""
        return self._resolve_parts(field.schema_id, field.name, field.value, where)

    def _resolve_parts(
        self, schema_id: str | None, name: str | None, value: Any, where: str
    ) -> list[dict[str, Any]]:
        if schema_id is None:
            if name is None:
                raise InputError(f"{where}: give a schema_id or a name")
            schema = self._schema_by_name(name)
            if schema is None:
                raise InputError(f"{where}: there is no metadata with name {name!r}")
            schema_id = schema.uid
            if schema.options and value not in self.fields_by_id:
                option = next((o for o in schema.options if o.name == value), None)
                if option is None:
                    raise InputError(f"{where}: there is no option {value!r} for enum {name!r}")
                value = option.uid
        schema = self.fields_by_id.get(schema_id)
        if schema is None:
            raise InputError(f"{where}: schema id {schema_id!r} is not in the metadata ontology")
        kind = schema.kind
        if kind is DataRowMetadataKind.datetime:
            return [{"schemaId": schema_id, "value": _parse_datetime(value, where)}]
        if kind is DataRowMetadataKind.string:
            if not isinstance(value, str):
                raise InputTypeError(
                    f"{where}: {schema.name!r} takes a str, got {type(value).__name__}"
                )
            return [{"schemaId": schema_id, "value": value}]
        if kind is DataRowMetadataKind.number:
            return [{"schemaId": schema_id, "value": _parse_number(value, where)}]
        if kind is DataRowMetadataKind.embedding:
            return [{"schemaId": schema_id, "value": _parse_embedding(value, where)}]
        if kind is DataRowMetadataKind.enum:
            if not schema.options or value not in {o.uid for o in schema.options}:
                raise InputError(f"{where}: option {value!r} not found for {schema.name!r}")
            return [{"schemaId": schema_id, "value": {}}, {"schemaId": value, "value": {}}]
        raise InputError(f"{where}: an option id cannot be used as a schema id")

    def parse_upsert_metadata(self, metadata_fields: Iterable[Any]) -> list[dict[str, Any]]:
        """Fields (``DataRowMetadataField`` or ``{"schema_id"|"name", "value"}`` dicts) as the
        flattened wire list ``[{"schemaId", "value"}]`` that ``create_data_rows`` sends."""
        return self._upsert_fields(metadata_fields, "metadata_fields")

    def _plain_fields_json(self, fields: list[Any]) -> str | None:
        """What ``json.dumps`` writes for :meth:`_upsert_fields` of plain fields, each a dict
        ``{"schema_id" | "schemaId" | "name", "value"}`` of a string, number or enum schema whose
        value needs no conversion beyond ``float``; None when any field is not such (or would be
        refused): those go through :meth:`_upsert_fields`, which gives the list or the error.

        Each schema is resolved once per ontology version (:func:`_plain_index`, with the text
        of its fields up to the value), so a field costs a few dict lookups.
        """
        by_id, by_name = self._plain
        parts: list[str] = []
        ids: list[str] = []
        for raw in fields:
            if type(raw) is not dict or len(raw) != 2 or "value" not in raw:
                return None
            ref = raw.get("schema_id")
            if ref is not None or (ref := raw.get("schemaId")) is not None:
                entry = by_id.get(ref) if type(ref) is str else None
            elif (ref := raw.get("name")) is not None:
                entry = by_name.get(ref) if type(ref) is str else None
            else:
                return None
            if entry is None:
                return None
            schema_id, kind, head, options = entry
            value = raw["value"]
            if kind is _STRING:
                if type(value) is not str:
                    return None
                parts.append(head + _json_str(value) + "}")
            elif kind is _NUMBER:
                if type(value) is float:
                    number = value
                elif type(value) is int:
                    try:
                        number = float(value)
                    except OverflowError:
                        return None
                else:
                    return None
                if not math.isfinite(number):
                    return None
                parts.append(head + float.__repr__(number) + "}")
            else:  # an enum: the value names one of its options
                option = options.get(value) if type(value) is str else None
                if option is None:
                    return None
                option_id, text = option
                parts.append(text)
                ids.append(option_id)
            ids.append(schema_id)
        if len(ids) > 1 and len(set(ids)) != len(ids):
            return None  # a repeated schema: refused by the checked path
        return "[" + ", ".join(parts) + "]"

    def _upsert_fields(self, metadata_fields: Iterable[Any], where: str) -> list[dict[str, Any]]:
        if type(metadata_fields) is not list and (
            isinstance(metadata_fields, str | bytes | Mapping)
            or not isinstance(metadata_fields, Iterable)
        ):
            raise InputTypeError(f"{where} must be a list of metadata fields")
        out: list[dict[str, Any]] = []
        for i, raw in enumerate(metadata_fields):
            at = f"{where}[{i}]"
            if isinstance(raw, DataRowMetadataField):
                out.extend(self._resolve(raw, at))
            else:  # a dict: checked and resolved as it is, no model built for it
                out.extend(self._resolve_parts(*_field_parts(raw, at), at))
        ids = [f["schemaId"] for f in out] if len(out) > 1 else []
        repeated = list(dict.fromkeys(s for s in ids if ids.count(s) > 1))
        if repeated:  # the service refuses the row
            raise InputError(
                f"{where}: A schemaId can only be specified once per DataRow : "
                f"[{', '.join(repeated)}]"
            )
        return out

    # -- bulk calls ------------------------------------------------------------------------------

    async def _refresh_if_unknown(self, schema_ids: Iterable[str | None]) -> None:
        return await self.client._metadata._refresh_if_unknown(self, schema_ids)

    async def bulk_upsert(
        self,
        metadata: Sequence[DataRowMetadata],
        *,
        max_concurrency: int | None = None,
        progress: Progress | None = None,
    ) -> list[DataRowMetadataBatchResponse]:
        """Set metadata on data rows (by ``data_row_id`` or ``global_key``); returns the items
        the server refused (empty: all applied).

        Validated before the first request; batches of 50 run concurrently. A data row may
        appear once per call (concurrent batches would race).
        """
        return await self.client._metadata.bulk_upsert(
            self, metadata, max_concurrency=max_concurrency, progress=progress
        )

    def _failure(self, row: Mapping[str, Any]) -> DataRowMetadataBatchResponse:
        fields: list[DataRowMetadataField | str] = []
        for f in row.get("fields") or []:
            schema = self.fields_by_id.get(str(f.get("schemaId")))
            fields.append(
                DataRowMetadataField(
                    schema_id=f.get("schemaId"),
                    value=f.get("value"),
                    name=schema.name if schema is not None else None,
                )
            )
        return DataRowMetadataBatchResponse(
            global_key=row.get("globalKey"),
            data_row_id=row.get("dataRowId"),
            error=row.get("error"),
            fields=fields,
        )

    async def bulk_delete(
        self,
        deletes: Sequence[DeleteDataRowMetadata],
        *,
        max_concurrency: int | None = None,
        progress: Progress | None = None,
    ) -> list[DataRowMetadataBatchResponse]:
        """Remove metadata fields (schema ids) from data rows; returns the refused items.

        ``data_row_id`` is a ``UniqueId``, a ``GlobalKey`` or a ``str`` (a data-row id).
        Batches of 50 run concurrently.
        """
        return await self.client._metadata.bulk_delete(
            self, deletes, max_concurrency=max_concurrency, progress=progress
        )

    async def bulk_export(
        self,
        data_row_ids: Sequence[str] | UniqueIds | GlobalKeys,
        *,
        max_concurrency: int | None = None,
        progress: Progress | None = None,
    ) -> list[DataRowMetadata]:
        """The metadata of data rows (ids, ``UniqueIds`` or ``GlobalKeys``), one
        :class:`DataRowMetadata` per row found, in input order; batches of 50 concurrently."""
        return await self.client._metadata.bulk_export(
            self, data_row_ids, max_concurrency=max_concurrency, progress=progress
        )

    # -- custom schemas --------------------------------------------------------------------------

    async def _upsert_schema(self, data: dict[str, Any], sdk: str) -> DataRowMetadataSchema:
        return await self.client._metadata._upsert_schema(self, data, sdk)

    async def create_schema(
        self, name: str, kind: DataRowMetadataKind, options: Sequence[str] | None = None
    ) -> DataRowMetadataSchema:
        """Create a custom schema; an enum takes its option names in ``options``."""
        return await self.client._metadata.create_schema(self, name, kind, options)

    def _custom(self, name: str) -> DataRowMetadataSchema:
        if not isinstance(name, str):
            raise InputTypeError("name must be a str")
        schema = self.custom_by_name_normalized.get(name)
        if schema is None:
            raise UnknownMetadataName(f"'{name}' is not a valid custom metadata")
        return schema

    def _options(self, schema: DataRowMetadataSchema) -> list[dict[str, Any]]:
        return [
            {"id": o.uid, "name": o.name, "kind": DataRowMetadataKind.option.value}
            for o in schema.options or []
        ]

    async def update_schema(self, name: str, new_name: str) -> DataRowMetadataSchema:
        """Rename a custom schema."""
        return await self.client._metadata.update_schema(self, name, new_name)

    async def update_enum_option(
        self, name: str, option: str, new_option: str
    ) -> DataRowMetadataSchema:
        """Rename one option of a custom enum schema."""
        return await self.client._metadata.update_enum_option(self, name, option, new_option)

    async def delete_schema(self, name: str) -> bool:
        """Delete a custom schema; True when the server did."""
        return await self.client._metadata.delete_schema(self, name)


def _id_index(fields: Iterable[DataRowMetadataSchema]) -> dict[str, DataRowMetadataSchema]:
    index: dict[str, DataRowMetadataSchema] = {}
    for f in fields:
        index[f.uid] = f
        for o in f.options or []:
            index[o.uid] = o
    return index


def _name_index(
    fields: Iterable[DataRowMetadataSchema],
) -> dict[str, DataRowMetadataSchema | dict[str, DataRowMetadataSchema]]:
    index: dict[str, DataRowMetadataSchema | dict[str, DataRowMetadataSchema]] = {}
    for f in fields:
        index[f.name] = {o.name: o for o in f.options} if f.options else f
    return index


_STRING = DataRowMetadataKind.string
_NUMBER = DataRowMetadataKind.number
_ENUM = DataRowMetadataKind.enum
_PLAIN_KINDS = (_STRING, _NUMBER, _ENUM)

PlainEntry = tuple[str, DataRowMetadataKind, str, dict[str, tuple[str, str]]]
"""``(schema id, kind, text of a field up to its value, {accepted value: (option id, text of the
two fields)})`` of a schema (the map is for enums)."""


def _plain_index(
    ontology: DataRowMetadataOntology,
) -> tuple[dict[str, PlainEntry], dict[str, PlainEntry]]:
    """The string, number and enum schemas by id and by name, for
    :meth:`DataRowMetadataOntology._plain_fields_json`, resolved as ``_resolve_parts`` resolves
    them: a name is looked up among the reserved schemas first; an enum given by id takes an
    option id; given by name, an option id or the name of an option (the first with it) unless
    that name is some schema's id. A schema resolved otherwise is left out (its fields take the
    checked path)."""
    by_id: dict[str, PlainEntry] = {}
    by_name: dict[str, PlainEntry] = {}
    fields_by_id = ontology.fields_by_id

    def entry(schema: DataRowMetadataSchema, values: dict[str, str]) -> PlainEntry:
        head = '{"schemaId": ' + _json_str(schema.uid) + ', "value": '
        options = {
            value: (option, head + '{}}, {"schemaId": ' + _json_str(option) + ', "value": {}}')
            for value, option in values.items()
        }
        return schema.uid, schema.kind, head, options

    for schema in fields_by_id.values():
        if schema.kind in _PLAIN_KINDS:
            by_id[schema.uid] = entry(schema, {o.uid: o.uid for o in schema.options or []})
    for name in {**ontology.custom_by_name_normalized, **ontology.reserved_by_name_normalized}:
        named = ontology._schema_by_name(name)
        if (
            named is None
            or named.kind not in _PLAIN_KINDS
            or fields_by_id.get(named.uid) is not named  # the id names another schema
            or (named.options and named.kind is not _ENUM)
        ):
            continue
        values: dict[str, str] = {}
        for o in named.options or []:
            if o.name not in fields_by_id and o.name not in values:
                values[o.name] = o.uid
        values.update((o.uid, o.uid) for o in named.options or [])
        by_name[name] = entry(named, values)
    return by_id, by_name


def _name(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise InputTypeError(f"{what} must be a str, got {type(value).__name__}")
    text = value.strip()
    if not 1 <= len(text) <= NAME_MAX_LENGTH:
        raise InputError(f"{what} must be 1 to {NAME_MAX_LENGTH} characters")
    return text


def _empty(what: str) -> UniqueId:
    raise InputError(f"{what} must not be empty")


def _field_parts(raw: Any, where: str) -> tuple[str | None, str | None, Any]:
    """``(schema_id, name, value)`` of a metadata field given as a dict, checked."""
    if type(raw) is dict or isinstance(raw, Mapping):
        unknown = set(raw) - {"schema_id", "schemaId", "name", "value"}
        if unknown:
            raise InputError(f"{where}: unknown keys {sorted(map(str, unknown))}")
        if "value" not in raw:
            raise InputError(f"{where}: a metadata field needs a 'value'")
        schema_id = raw.get("schema_id", raw.get("schemaId"))
        if schema_id is None and raw.get("name") is None:
            raise InputError(f"{where}: a metadata field needs a 'schema_id' or a 'name'")
        for key, value in (("schema_id", schema_id), ("name", raw.get("name"))):
            if value is not None and not isinstance(value, str):
                raise InputTypeError(f"{where}: {key} must be a str")
        return schema_id, raw.get("name"), raw["value"]
    raise InputTypeError(
        f"{where}: expected a DataRowMetadataField or a dict, got {type(raw).__name__}"
    )


def _sequence(values: object, name: str, kind: type[Model]) -> list[Any]:
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        raise InputTypeError(f"{name} must be a list of {kind.__name__}")
    items = list(values)
    if not items:
        raise InputError(f"{name} must not be empty")
    for i, item in enumerate(items):
        if not isinstance(item, kind):
            raise InputTypeError(
                f"{name}[{i}] must be a {kind.__name__}, got {type(item).__name__}"
            )
    return items
