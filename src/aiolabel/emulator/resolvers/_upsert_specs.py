"""One data-row upsert spec: its parse and checks (:func:`_parse`, refusing with
:class:`SpecError`) and the error item of a refused spec (:func:`_failed`).

Used by :mod:`aiolabel.emulator.resolvers.upsert`, which applies the parsed specs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiolabel.emulator.resolvers.attachments import check_attachment
from aiolabel.emulator.resolvers.catalog import (
    ContentMismatch,
    InvalidGlobalKey,
    check_content,
    content_mime,
    default_mime,
    document_url,
    is_document,
    media_attributes_json,
    media_type_for,
    media_type_of_mime,
    parse_media_type,
    sanitize_global_key,
)
from aiolabel.emulator.resolvers.metadata import MetadataError, Ontology, normalize_fields
from aiolabel.emulator.store import dumps

_KNOWN_KEYS = frozenset(
    {
        "row_data",
        "global_key",
        "globalKey",
        "external_id",
        "externalId",
        "metadata_fields",
        "metadata",
        "attachments",
        "media_type",
        "dataset_id",
        "embeddings",
        "media_attributes",
        "tileLayerUrl",
    }
)
_AUTO_KEY = {"type": "AUTO", "value": ""}
_EMPTY_SPEC: dict[str, Any] = {
    "externalId": None,
    "globalKey": None,
    "rowData": None,
    "metadata": [],
    "attachments": [],
}


class SpecError(ValueError):
    """One spec refused."""


# -- one batch ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Spec:
    """A spec that passed validation, with what it sets."""

    key_type: str
    key_value: str
    dataset_id: str
    sets: dict[str, Any] = field(default_factory=dict)
    """Columns given: row_data, global_key, external_id, media_type, media_attributes."""
    metadata: dict[str, str] | None = None
    attachments: list[tuple[str, str, str | None]] | None = None


def _is_mapping(value: Any) -> bool:
    return type(value) is dict or isinstance(value, Mapping)  # JSON gives dicts: skip the ABC


def _unicode(value: Any) -> bool:
    """Whether every string in ``value`` is Unicode text SQLite can store (no lone surrogate,
    which JSON's ``\\ud800`` escapes can carry)."""
    if isinstance(value, str):
        if value.isascii():
            return True
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_unicode(k) and _unicode(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_unicode(v) for v in value)
    return True


def _scrub(value: Any) -> Any:
    """``value`` with lone surrogates replaced, so that an error item can be stored."""
    if isinstance(value, str) and not value.isascii():
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def _parse(raw: Any, ontology: Ontology, upload_type: Callable[[str], str | None]) -> Spec:
    if not _is_mapping(raw):
        raise SpecError("A data row spec must be an object")
    if not _unicode(raw):
        raise SpecError("A data row spec holds text that is not valid Unicode (a lone surrogate)")
    key = raw.get("id") or _AUTO_KEY
    payload = raw.get("payload")
    if not _is_mapping(key) or key.get("type") not in ("AUTO", "ID", "GKEY"):
        raise SpecError(f"Invalid key {key!r}: type must be AUTO, ID or GKEY")
    key_value = key.get("value") or ""
    if key["type"] != "AUTO" and (not isinstance(key_value, str) or not key_value):
        raise SpecError(f"A {key['type']} key needs a value")
    if not _is_mapping(payload):
        raise SpecError("A data row spec needs a payload object")
    tiled = "tileLayerUrl" in payload
    if not tiled and not _KNOWN_KEYS.issuperset(payload):
        unknown = sorted(set(payload) - _KNOWN_KEYS)
        raise SpecError(f"Unknown data row fields: {', '.join(unknown)}")
    dataset_id = payload.get("dataset_id")
    if not isinstance(dataset_id, str) or not dataset_id:
        raise SpecError("dataset_id is required")
    spec = Spec(key["type"], str(key_value), dataset_id)
    sets = spec.sets
    content: Any = None
    if tiled and "row_data" not in payload:
        tile = {k: v for k, v in payload.items() if k not in _KNOWN_KEYS or k == "tileLayerUrl"}
        sets["row_data"] = content = dumps(tile)
    elif "row_data" in payload:
        content = payload["row_data"]
        if is_document(content):
            url = document_url(content)
            if url is None:
                raise SpecError("Document row data needs a pdf_url")
            sets["row_data"] = url
        elif isinstance(content, dict) and content:
            sets["row_data"] = dumps(content)
        elif isinstance(content, str) and content.strip():
            sets["row_data"] = content
        else:
            raise SpecError("row_data must be a non-empty string or object")
    mime: str | None = None
    if "row_data" in sets:
        mime = content_mime(content, upload_type)
        inferred = media_type_of_mime(mime) if mime is not None else None
        if inferred is None or isinstance(content, dict) or content[:1] == "{":
            inferred = media_type_for(content)
        sets["media_type"] = inferred
    if payload.get("media_type") is not None:
        try:
            sets["media_type"] = parse_media_type(payload["media_type"])
        except ValueError as exc:
            raise SpecError(str(exc)) from None
        if "row_data" in sets:
            try:
                check_content(sets["media_type"], mime)
            except ContentMismatch as exc:
                raise SpecError(str(exc)) from None
    for name in ("external_id", "externalId"):
        if name in payload:
            if payload[name] is not None and not isinstance(payload[name], str):
                raise SpecError("external_id must be a string")
            sets["external_id"] = payload[name]
    for name in ("global_key", "globalKey"):
        if payload.get(name) is not None:
            try:
                sets["global_key"] = sanitize_global_key(payload[name])
            except InvalidGlobalKey as exc:
                raise SpecError(str(exc)) from None
    if payload.get("media_attributes") is not None:
        if not isinstance(payload["media_attributes"], dict):
            raise SpecError("media_attributes must be an object")
        given = dict(payload["media_attributes"])
        if "row_data" in sets:
            given.setdefault("mimeType", mime or default_mime(sets["media_type"]))
        sets["media_attributes"] = dumps(given)
    elif "row_data" in sets:
        sets["media_attributes"] = media_attributes_json(sets["media_type"], sets["row_data"], mime)
    fields = payload.get("metadata_fields", payload.get("metadata"))
    if fields is not None:
        if not isinstance(fields, list):
            raise SpecError("metadata_fields must be a list")
        try:
            spec.metadata = normalize_fields(ontology, fields)
        except MetadataError as exc:
            raise SpecError(str(exc)) from None
    attachments = payload.get("attachments")
    if attachments is not None:
        if not isinstance(attachments, list):
            raise SpecError("attachments must be a list")
        try:
            spec.attachments = [check_attachment(a) for a in attachments]
        except ValueError as exc:
            raise SpecError(str(exc)) from None
    return spec


def _failed(raw: Any, message: str) -> dict[str, Any]:
    """The error item of a refused spec: its message and the spec as given."""
    if not _unicode(raw):
        raw = _scrub(raw)
    payload = raw.get("payload") if isinstance(raw, Mapping) else None
    if not isinstance(payload, Mapping):
        return {"message": message, "spec": _EMPTY_SPEC}
    key = raw.get("id") if isinstance(raw, Mapping) else None
    global_key = payload.get("global_key", payload.get("globalKey"))
    if global_key is None and isinstance(key, Mapping) and key.get("type") == "GKEY":
        global_key = key.get("value")
    row_data = payload.get("row_data")
    fields = payload.get("metadata_fields", payload.get("metadata"))
    attachments = payload.get("attachments")
    return {
        "message": message,
        "spec": {
            "externalId": _text(payload.get("external_id", payload.get("externalId"))),
            "globalKey": _text(global_key),
            "rowData": _text(row_data),
            "metadata": [
                {
                    "schemaId": _text(f.get("schemaId", f.get("schema_id"))),
                    "value": f.get("value"),
                    "name": _text(f.get("name")),
                }
                for f in (fields if isinstance(fields, list) else [])
                if isinstance(f, Mapping)
            ],
            "attachments": [
                {
                    "type": _text(a.get("type")),
                    "value": a.get("value"),
                    "name": _text(a.get("name")),
                }
                for a in (attachments if isinstance(attachments, list) else [])
                if isinstance(a, Mapping)
            ],
        },
    }


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else dumps(value)
