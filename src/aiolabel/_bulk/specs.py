"""One item of a data-row upsert, checked and turned into its wire spec (before any request).

Every error is an :class:`InputError` or :class:`InputTypeError` naming ``items[i]``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiolabel._operations._builder import FieldRef
from aiolabel._validation import (
    InvalidItemAttribute,
    check_attachment_type,
    check_attachment_value,
)
from aiolabel.enums import MediaType
from aiolabel.errors import InputError, InputTypeError, LabelboxError
from aiolabel.identifiers import GlobalKey, UniqueId

if TYPE_CHECKING:
    from aiolabel.models.metadata import DataRowMetadataOntology

__all__ = ["Prepared", "bad_item", "encode_specs", "has_metadata", "prepare_item", "prepare_rows"]

_ALLOWED_KEYS = frozenset(
    {
        "row_data",
        "global_key",
        "external_id",
        "metadata_fields",
        "metadata",
        "attachments",
        "media_type",
        "media_attributes",
        "dataset_id",
        "embeddings",
    }
)
_MESSAGE_KEYS = frozenset({"messageId", "timestampUsec", "content", "user", "align", "canLabel"})
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_AUTO = {"type": "AUTO", "value": ""}
_PLAIN_KEYS = frozenset(
    {
        "key",
        "row_data",
        "global_key",
        "external_id",
        "metadata_fields",
        "attachments",
        "media_type",
        "dataset_id",
        "embeddings",
    }
)
"""Keys :func:`_prepare_plain` handles (the rest go through :func:`_prepare_checked`)."""
_MEDIA_VALUES = {m.value: m.value for m in MediaType.supported()}
"""Supported media types by their wire value (a member hashes as its value)."""


@dataclass(slots=True)
class Prepared:
    """A checked item: its spec, and the local file to upload first (if any)."""

    key: dict[str, str]
    payload: dict[str, Any]
    local_path: str | None = None

    def dumps(self) -> bytes:
        return json.dumps({"id": self.key, "payload": self.payload}).encode()


def bad_item(where: str, message: str) -> InputError:
    return InputError(f"{where}: {message}")


def _check_attachments(value: object, where: str) -> list[dict[str, Any]]:
    if not isinstance(value, list | tuple):
        raise InputTypeError(f"{where}.attachments must be a list, got {type(value).__name__}")
    out = []
    for j, att in enumerate(value):
        at = f"{where}.attachments[{j}]"
        if not isinstance(att, Mapping):
            raise InputTypeError(f"{at} must be a dict with type and value")
        unknown = set(att) - {"type", "value", "name"}
        if unknown:
            raise bad_item(at, f"unknown keys {sorted(map(str, unknown))}")
        if "type" not in att or "value" not in att:
            raise bad_item(at, "an attachment needs a 'type' and a 'value'")
        item = {
            "type": check_attachment_type(att["type"], f"{at}.type"),
            "value": check_attachment_value(att["value"], f"{at}.value"),
        }
        if att.get("name") is not None:
            if not isinstance(att["name"], str):
                raise InputTypeError(f"{at}.name must be a str")
            item["name"] = att["name"]
        out.append(item)
    return out


def _check_embeddings(value: object, where: str) -> list[dict[str, Any]]:
    if not isinstance(value, list | tuple):
        raise InputTypeError(f"{where}.embeddings must be a list")
    out = []
    for j, emb in enumerate(value):
        at = f"{where}.embeddings[{j}]"
        if not isinstance(emb, Mapping) or not isinstance(emb.get("embedding_id"), str):
            raise InputTypeError(f"{at} must be a dict with embedding_id and vector")
        vector = emb.get("vector")
        if not isinstance(vector, list | tuple) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in vector
        ):
            raise InputTypeError(f"{at}.vector must be a list of numbers")
        item: dict[str, Any] = {"embeddingId": emb["embedding_id"], "vector": list(vector)}
        clusters = emb.get("clusters")
        if clusters:
            item["clusters"] = list(clusters)
        out.append(item)
    return out


def _conversational(item: dict[str, Any], where: str) -> None:
    """The legacy ``conversationalData`` form, as the official SDK rewrites it."""
    messages = item.pop("conversationalData")
    version = item.pop("version", 1)
    kind = item.pop("type", "application/vnd.labelbox.conversational")
    if "externalId" in item:
        item["external_id"] = item.pop("externalId")
    if "globalKey" in item:
        item["global_key"] = item.pop("globalKey")
    if not isinstance(messages, list):
        raise InputTypeError(f"{where}.conversationalData must be a list")
    for j, message in enumerate(messages):
        unknown = set(message) - _MESSAGE_KEYS if isinstance(message, Mapping) else {"?"}
        if unknown:
            raise bad_item(f"{where}.conversationalData[{j}]", f"unknown keys {sorted(unknown)}")
    item["row_data"] = {"type": kind, "version": version, "messages": messages}


def prepare_item(
    raw: object,
    index: int,
    *,
    dataset_id: str,
    upsert: bool,
    ontology: DataRowMetadataOntology | None,
) -> Prepared:
    """Check and normalise one item into its spec; raises naming ``items[index]``.

    ``ontology`` must be given when the item has ``metadata_fields``. The caller's dict is
    never modified.
    """
    if type(raw) is dict:
        plain = _prepare_plain(raw, dataset_id, upsert, ontology)
        if plain is not None:
            return plain
    return _prepare_checked(raw, index, dataset_id=dataset_id, upsert=upsert, ontology=ontology)


def prepare_rows(
    rows: list[Any],
    start: int,
    out: list[Prepared],
    *,
    dataset_id: str,
    upsert: bool,
    ontology: DataRowMetadataOntology | None,
) -> int:
    """Prepare ``rows`` (items ``start``, ``start + 1``, ...) into ``out``, in order.

    Stops before the first row with metadata when ``ontology`` is None and returns how many
    rows were prepared, so that the caller fetches the ontology only when a row needs it and
    calls again for the rest. A bad row raises (naming it) with the rows before it in ``out``.
    """
    append = out.append
    for offset, raw in enumerate(rows):
        if type(raw) is dict:
            if ontology is None and raw.get("metadata_fields") is not None:
                return offset
            plain = _prepare_plain(raw, dataset_id, upsert, ontology)
            if plain is not None:
                append(plain)
                continue
        elif ontology is None and has_metadata(raw):
            return offset
        append(
            _prepare_checked(
                raw, start + offset, dataset_id=dataset_id, upsert=upsert, ontology=ontology
            )
        )
    return len(rows)


def encode_specs(prepared: list[Prepared]) -> str:
    """The specs as one JSON list, as ``json.dumps`` writes it (``", "`` between specs, ASCII):
    the same text as joining each spec's :meth:`Prepared.dumps`, in one call."""
    return json.dumps([{"id": p.key, "payload": p.payload} for p in prepared])


def _prepare_plain(
    raw: dict[Any, Any],
    dataset_id: str,
    upsert: bool,
    ontology: DataRowMetadataOntology | None,
) -> Prepared | None:
    """The spec of a plain dict item, checked with few operations, or None when the item is not
    plain (a key or a value that needs conversion or may be refused): such an item goes through
    :func:`_prepare_checked`, which gives the same spec or the error. It raises nothing: the
    attachment and embedding checks it shares with that path are left to it when they refuse.

    Plain: str keys among :data:`_PLAIN_KEYS`, no None value but ``dataset_id``'s, ``row_data``
    a str URL (not s3) when present (required to create), ``global_key`` a non-empty str,
    ``external_id`` a str, ``media_type`` a supported value, ``metadata_fields`` plain
    (:meth:`DataRowMetadataOntology._plain_fields`), ``key`` a ``UniqueId`` / ``GlobalKey``
    (upsert only).
    """
    if not raw.keys() <= _PLAIN_KEYS:
        return None
    item = raw.copy()
    key = _AUTO
    if "key" in item:
        raw_key = item.pop("key")
        if raw_key is not None:
            kind = type(raw_key)
            if not upsert or (kind is not GlobalKey and kind is not UniqueId):
                return None
            key = {"type": raw_key.id_type.value, "value": raw_key.key}
    if "row_data" in item:
        row_data = item["row_data"]
        if type(row_data) is not str or row_data.startswith("s3:/") or not _URL.match(row_data):
            return None
    elif not upsert:
        return None
    if "global_key" in item:
        global_key = item["global_key"]
        if type(global_key) is not str or not global_key:
            return None
    if "external_id" in item and type(item["external_id"]) is not str:
        return None
    item["dataset_id"] = dataset_id
    if "media_type" in item:
        media = item["media_type"]
        kind = type(media)
        if kind is not str and kind is not MediaType:
            return None
        value = _MEDIA_VALUES.get(media)
        if value is None:
            return None
        item["media_type"] = value
    try:  # the checked path's own checks; a refusal is its to report, naming the item
        if "attachments" in item:
            attachments = item["attachments"]
            if attachments is None:
                return None
            item["attachments"] = _check_attachments(attachments, "")
        if "embeddings" in item:
            embeddings = item["embeddings"]
            if embeddings is None:
                return None
            item["embeddings"] = _check_embeddings(embeddings, "")
    except Exception:
        return None
    if "metadata_fields" in item:
        fields = item["metadata_fields"]
        if ontology is None or type(fields) is not list:
            return None
        resolved = ontology._plain_fields(fields)
        if resolved is None:
            return None
        item["metadata_fields"] = resolved
    if upsert and len(item) == 1:
        return None
    return Prepared(key, item)


def _prepare_checked(
    raw: object,
    index: int,
    *,
    dataset_id: str,
    upsert: bool,
    ontology: DataRowMetadataOntology | None,
) -> Prepared:
    """Every check, one by one, for any item (what :func:`prepare_item` does)."""
    where = f"items[{index}]"
    if type(raw) is not dict:  # (a plain dict, the common case, skips the ABC checks)
        if isinstance(raw, str):
            if upsert:
                raise InputTypeError(f"{where}: upsert_data_rows takes dicts, not paths")
            if not os.path.isfile(raw):
                raise bad_item(where, f"the file {raw!r} does not exist")
            raw = {"row_data": raw, "external_id": raw}
        if not isinstance(raw, Mapping):
            raise InputTypeError(
                f"{where} must be a dict (or a local file path), got {type(raw).__name__}"
            )
    item: dict[str, Any] = {}
    for k, v in raw.items():
        name = k if type(k) is str else k.name if isinstance(k, FieldRef) else k
        if not isinstance(name, str):
            raise InputTypeError(f"{where}: keys must be str, got {type(name).__name__}")
        item[name] = v
    key = _AUTO
    raw_key = item.pop("key", None)
    if raw_key is not None:
        if not upsert:
            raise bad_item(where, "create_data_rows takes no 'key'; use upsert_data_rows")
        if not isinstance(raw_key, UniqueId | GlobalKey):
            raise InputTypeError(
                f"{where}.key must be a UniqueId or a GlobalKey, got {type(raw_key).__name__}"
            )
        key = {"type": raw_key.id_type.value, "value": raw_key.key}
    item["dataset_id"] = dataset_id
    item = {k: v for k, v in item.items() if v is not None}
    if "tileLayerUrl" in item:
        if "attachments" in item:
            item["attachments"] = _check_attachments(item["attachments"], where)
        return Prepared(key, item)
    if "conversationalData" in item:
        _conversational(item, where)
    unknown = set(item) - _ALLOWED_KEYS
    if unknown:
        raise InvalidItemAttribute("DataRow", unknown, where)

    row_data = item.get("row_data")
    local_path = None
    if row_data is None:
        if not upsert:
            raise bad_item(where, "row_data is required to create a data row")
    elif isinstance(row_data, str):
        if not row_data:
            raise bad_item(where, "row_data must not be empty")
        if row_data.startswith("s3:/"):
            raise bad_item(where, "row_data: s3 assets must start with 'https'")
        if not _URL.match(row_data) and os.path.isfile(row_data):
            local_path = row_data
            item.setdefault("external_id", row_data)
    elif isinstance(row_data, Mapping):
        if not row_data:
            raise bad_item(where, "row_data must not be empty")
    else:
        raise InputTypeError(f"{where}.row_data must be a str or a dict")
    for name in ("global_key", "external_id"):
        if name in item:
            if not isinstance(item[name], str):
                raise InputTypeError(f"{where}.{name} must be a str")
            if name == "global_key" and not item[name]:
                raise bad_item(where, "global_key must not be empty")
    if "media_type" in item:
        media = item["media_type"]
        if isinstance(media, str):
            media = MediaType(media)
        if not MediaType.is_supported(media):
            raise bad_item(where, f"unknown media_type {item['media_type']!r}")
        item["media_type"] = media.value
    if "attachments" in item:
        item["attachments"] = _check_attachments(item["attachments"], where)
    if "embeddings" in item:
        item["embeddings"] = _check_embeddings(item["embeddings"], where)
    if "metadata_fields" in item:
        if ontology is None:  # pragma: no cover - the pipeline fetches it first
            raise LabelboxError("the metadata ontology is needed to check metadata_fields")
        item["metadata_fields"] = ontology._upsert_fields(
            item["metadata_fields"], f"{where}.metadata_fields"
        )
    if upsert and len(item) == 1:
        raise bad_item(where, f"nothing to change for {key['value'] or 'a new data row'}")
    return Prepared(key, item, local_path)


def has_metadata(raw: object) -> bool:
    return (type(raw) is dict or isinstance(raw, Mapping)) and raw.get(
        "metadata_fields"
    ) is not None
