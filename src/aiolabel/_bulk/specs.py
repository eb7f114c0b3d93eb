"""One item of a data-row upsert, checked and turned into its wire spec (before any request).

Every error is an :class:`InputError` or :class:`InputTypeError` naming ``items[i]``.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii as _json_str
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

__all__ = [
    "Prepared",
    "Rendered",
    "bad_item",
    "encode_specs",
    "has_metadata",
    "prepare_item",
    "prepare_rows",
    "render_plain",
]

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
_WEB = ("https://", "http://")
"""URLs (``_URL`` matches them) told at once."""
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
"""Keys :func:`render_plain` handles (other items go through :func:`prepare_item`)."""
_AUTO_JSON = json.dumps(_AUTO)
_NAME_JSON = {name: json.dumps(name) + ": " for name in _PLAIN_KEYS}
_MEDIA_JSON = {
    m.value: _NAME_JSON["media_type"] + json.dumps(m.value) for m in MediaType.supported()
}
"""Supported media types by their wire value (a member hashes as its value)."""
_DATASET_ID = _NAME_JSON["dataset_id"]
_ROW_DATA = _NAME_JSON["row_data"]
_GLOBAL_KEY = _NAME_JSON["global_key"]
_EXTERNAL_ID = _NAME_JSON["external_id"]
_METADATA_FIELDS = _NAME_JSON["metadata_fields"]


@dataclass(slots=True)
class Prepared:
    """A checked item: its spec, and the local file to upload first (if any)."""

    key: dict[str, str]
    payload: dict[str, Any]
    local_path: str | None = None

    def wire(self) -> dict[str, Any]:
        return {"id": self.key, "payload": self.payload}

    def json(self) -> str:
        return json.dumps(self.wire())


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
        if not all(map(math.isfinite, vector)):  # NaN or infinity has no JSON
            raise InputError(f"{at}.vector must hold finite numbers")
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
    never modified. Every check, one by one, for any item (:func:`render_plain` is the short
    path of plain items).
    """
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


Rendered = tuple[str, str | None, str | None]
"""A plain item's spec, already serialised (see :func:`render_plain`): ``(text, key,
global_key)``: ``{"id": ..., "payload": ...}`` as ``json.dumps`` writes it, ``"TYPE:value"`` of
its ``key`` (an upsert's) or None, and its global key or None. (A tuple: made for every row.)"""


def prepare_rows(
    rows: list[Any],
    start: int,
    out: list[Prepared | Rendered],
    *,
    dataset_id: str,
    upsert: bool,
    ontology: DataRowMetadataOntology | None,
) -> int:
    """Check ``rows`` (items ``start``, ``start + 1``, ...) into ``out``, in order: a plain
    item rendered by :func:`render_plain`, any other through :func:`prepare_item`.

    Stops before the first row with metadata when ``ontology`` is None and returns how many
    rows were done, so that the caller fetches the ontology only when a row needs it and calls
    again for the rest. A bad row raises (naming it) with the rows before it in ``out``.
    """
    append = out.append
    dataset = _DATASET_ID + json.dumps(dataset_id) if type(dataset_id) is str else None
    if ontology is not None and dataset is not None:  # the usual case, in fewer steps
        for offset, raw in enumerate(rows):
            rendered = render_plain(raw, upsert, dataset, ontology) if type(raw) is dict else None
            if rendered is not None:
                append(rendered)
            else:
                append(
                    prepare_item(
                        raw, start + offset, dataset_id=dataset_id, upsert=upsert, ontology=ontology
                    )
                )
        return len(rows)
    for offset, raw in enumerate(rows):
        if type(raw) is dict:
            if ontology is None and raw.get("metadata_fields") is not None:
                return offset
            if dataset is not None:
                rendered = render_plain(raw, upsert, dataset, ontology)
                if rendered is not None:
                    append(rendered)
                    continue
        elif ontology is None and has_metadata(raw):
            return offset
        append(
            prepare_item(
                raw, start + offset, dataset_id=dataset_id, upsert=upsert, ontology=ontology
            )
        )
    return len(rows)


def encode_specs(specs: Sequence[Prepared | Rendered]) -> str:
    """The specs as one JSON list, as ``json.dumps`` writes it (``", "`` between specs, ASCII)."""
    texts = [p[0] for p in specs if type(p) is tuple]
    if len(texts) == len(specs):
        return "[" + ", ".join(texts) + "]"
    if not texts:
        return json.dumps([p.wire() for p in specs if isinstance(p, Prepared)])
    return "[" + ", ".join([p.json() if isinstance(p, Prepared) else p[0] for p in specs]) + "]"


def render_plain(
    raw: dict[Any, Any],
    upsert: bool,
    dataset: str,
    ontology: DataRowMetadataOntology | None,
) -> Rendered | None:
    """The spec of a plain dict item, checked and serialised in one pass over its keys: the
    text ``json.dumps`` writes for :func:`prepare_item`'s spec of it. None when the item is not
    plain (a key or a value that needs conversion, or that may be refused); such an item goes
    through :func:`prepare_item`, which gives the spec or the error. Raises nothing.

    Plain: str keys among :data:`_PLAIN_KEYS`; ``row_data`` a str URL (not s3), required to
    create; ``global_key`` a non-empty str; ``external_id`` a str; ``media_type`` a supported
    value; ``metadata_fields`` plain (:meth:`DataRowMetadataOntology._plain_fields_json`);
    ``attachments`` and ``embeddings`` (not None) as their checks accept them; ``key`` None or
    (upsert only) a ``UniqueId`` / ``GlobalKey``. ``dataset`` is ``"dataset_id": <the id>``.
    """
    if not raw.keys() <= _PLAIN_KEYS:
        return None
    parts: list[str] = []
    key_json = _AUTO_JSON
    key = global_key = None
    row_data = in_dataset = False
    for name, value in raw.items():
        if type(name) is not str:
            return None
        if name == "row_data":
            if type(value) is not str or (
                not value.startswith(_WEB) and (value.startswith("s3:/") or not _URL.match(value))
            ):
                return None
            parts.append(_ROW_DATA + _json_str(value))
            row_data = True
        elif name == "global_key":
            if type(value) is not str or not value:
                return None
            parts.append(_GLOBAL_KEY + _json_str(value))
            global_key = value
        elif name == "external_id":
            if type(value) is not str:
                return None
            parts.append(_EXTERNAL_ID + _json_str(value))
        elif name == "metadata_fields":
            if ontology is None or type(value) is not list:
                return None
            fields = ontology._plain_fields_json(value)
            if fields is None:
                return None
            parts.append(_METADATA_FIELDS + fields)
        elif name == "dataset_id":
            parts.append(dataset)
            in_dataset = True
        elif name == "media_type":
            kind = type(value)
            media = _MEDIA_JSON.get(value) if kind is str or kind is MediaType else None
            if media is None:
                return None
            parts.append(media)
        elif name == "key":
            if value is None:
                continue
            kind = type(value)
            if not upsert or (kind is not GlobalKey and kind is not UniqueId):
                return None
            wire = {"type": value.id_type.value, "value": value.key}
            if type(wire["value"]) is not str:
                return None
            key_json = json.dumps(wire)
            key = f"{wire['type']}:{wire['value']}"
        else:  # attachments, embeddings: their own checks (a refusal is prepare_item's to report)
            if value is None:
                return None
            try:
                checked = (
                    _check_attachments(value, "")
                    if name == "attachments"
                    else _check_embeddings(value, "")
                )
                parts.append(_NAME_JSON[name] + json.dumps(checked))
            except Exception:
                return None
    if not row_data and not upsert:
        return None
    if not in_dataset:
        parts.append(dataset)
    if upsert and len(parts) == 1:
        return None  # nothing to change: prepare_item refuses it
    return '{"id": ' + key_json + ', "payload": {' + ", ".join(parts) + "}}", key, global_key


def has_metadata(raw: object) -> bool:
    return (type(raw) is dict or isinstance(raw, Mapping)) and raw.get(
        "metadata_fields"
    ) is not None
