"""Media types and media content of catalog data rows: the media type of an asset
(:func:`media_type_for`, :func:`parse_media_type`), the mime types an uploaded file may have
(:func:`content_mime`, :func:`check_content`, :func:`default_mime`), document rows, and the
stored media attributes (:func:`media_attributes_json`, :func:`export_media_attributes`).

Part of the catalog helpers: import them from :mod:`aiolabel.emulator.resolvers.catalog`.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Callable
from typing import Any

from aiolabel.emulator.context import file_id_from_url
from aiolabel.emulator.store import dumps

# -- media types --------------------------------------------------------------------------------

MEDIA_TYPES = (
    "AUDIO",
    "CONVERSATIONAL",
    "PDF",
    "TMS_GEO",
    "HTML",
    "IMAGE",
    "TMS_SIMPLE",
    "TEXT",
    "VIDEO",
    "POINT_CLOUD",
    "LLM",
)

_EXTENSIONS = {
    **dict.fromkeys(
        (
            "jpg",
            "jpeg",
            "png",
            "gif",
            "bmp",
            "tif",
            "tiff",
            "webp",
            "svg",
            "heic",
            "jfif",
        ),
        "IMAGE",
    ),
    **dict.fromkeys(("mp4", "mov", "avi", "mkv", "webm", "m4v", "mpeg", "mpg", "ogv"), "VIDEO"),
    **dict.fromkeys(("mp3", "wav", "m4a", "flac", "ogg", "oga", "aac", "opus"), "AUDIO"),
    "txt": "TEXT",
    "pdf": "PDF",
    "html": "HTML",
    "htm": "HTML",
    "json": "CONVERSATIONAL",
    "pcd": "POINT_CLOUD",
}


def parse_media_type(value: object) -> str:
    """An explicit media type, tolerant like the official SDK (``image``, ``Image``)."""
    from aiolabel.enums import MediaType

    if isinstance(value, str):
        member = MediaType(value)
        if MediaType.is_supported(member):
            return member.value
    raise ValueError(f"Invalid media type: {value!r}")


def media_type_for(row_data: object) -> str:
    """The media type of an asset without an explicit one.

    A dict (or JSON text of one) with ``tileLayerUrl`` is TMS_GEO, one with ``messages`` or a
    conversational ``type`` is CONVERSATIONAL; a URL or path is classified by its extension
    (images, video, audio, ``txt`` TEXT, ``pdf`` PDF, ``html`` HTML, ``json`` CONVERSATIONAL);
    anything else is IMAGE.
    """
    value = row_data
    if isinstance(value, str) and value[:1] == "{":
        try:
            value = json.loads(value)
        except ValueError:
            return "IMAGE"
    if isinstance(value, dict):
        if "tileLayerUrl" in value:
            return "TMS_GEO"
        if is_document(value):
            return "PDF"
        kind = str(value.get("type", ""))
        if "messages" in value or "conversational" in kind:
            return "CONVERSATIONAL"
        return "IMAGE"
    if not isinstance(value, str):
        return "IMAGE"
    name = value.partition("?")[0].partition("#")[0].rpartition("/")[2]
    extension = name.rpartition(".")[2] if "." in name else ""
    return _EXTENSIONS.get(extension.lower(), "IMAGE")


def media_type_of_mime(mime: str) -> str | None:
    """The media type of content of this mime type, when it names one."""
    if mime.startswith(("image/", "video/", "audio/")):
        return mime.partition("/")[0].upper()
    return {
        "text/plain": "TEXT",
        "text/html": "HTML",
        "application/pdf": "PDF",
        "application/json": "CONVERSATIONAL",
    }.get(mime)


# -- media content: mime types, attributes, document rows ----------------------------------------

_MIME_BY_EXTENSION = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "jfif": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "bmp": "image/bmp",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "webp": "image/webp",
    "svg": "image/svg+xml",
    "heic": "image/heic",
    "mp4": "video/mp4",
    "m4v": "video/mp4",
    "mov": "video/quicktime",
    "avi": "video/x-msvideo",
    "mkv": "video/x-matroska",
    "webm": "video/webm",
    "mpeg": "video/mpeg",
    "mpg": "video/mpeg",
    "ogv": "video/ogg",
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "m4a": "audio/mp4",
    "flac": "audio/flac",
    "ogg": "audio/ogg",
    "oga": "audio/ogg",
    "aac": "audio/aac",
    "opus": "audio/opus",
    "txt": "text/plain",
    "pdf": "application/pdf",
    "html": "text/html",
    "htm": "text/html",
    "json": "application/json",
    "pcd": "application/octet-stream",
}

_DEFAULT_MIME = {
    "IMAGE": "image/jpeg",
    "VIDEO": "video/mp4",
    "AUDIO": "audio/mpeg",
    "TEXT": "text/plain",
    "PDF": "application/pdf",
    "HTML": "text/html",
    "CONVERSATIONAL": "application/json",
    "LLM": "application/json",
    "TMS_GEO": "application/json",
    "TMS_SIMPLE": "application/json",
    "POINT_CLOUD": "application/octet-stream",
}
"""The mime type of an asset whose content says nothing more (no extension, no upload type)."""

_EXPECTED_MIME = {
    "IMAGE": "image/*",
    "VIDEO": "video/*",
    "AUDIO": "audio/*",
    "TEXT": "text/plain",
    "PDF": "application/pdf",
    "HTML": "text/html",
    "CONVERSATIONAL": "application/json",
}
"""What a declared media type accepts (``type/*`` is any subtype); others are not checked."""

_DOCUMENT_KEYS = ("pdf_url", "pdfUrl")
_TEXT_LAYER_KEYS = ("text_layer_url", "textLayerUrl")


class ContentMismatch(ValueError):
    """Row content that does not fit its declared media type."""


def _as_object(row_data: object) -> dict[str, Any] | None:
    if isinstance(row_data, str) and row_data[:1] == "{":
        try:
            row_data = json.loads(row_data)
        except ValueError:
            return None
    return row_data if isinstance(row_data, dict) else None


def document_url(row_data: object) -> str | None:
    """The PDF URL of document row data (``{pdf_url, text_layer_url}``, either spelling, as an
    object or its JSON text), which is what the service stores as the row's ``row_data``."""
    value = _as_object(row_data)
    if value is None:
        return None
    for key in _DOCUMENT_KEYS:
        url = value.get(key)
        if isinstance(url, str) and url.strip():
            return url
    return None


def is_document(row_data: object) -> bool:
    value = _as_object(row_data)
    return value is not None and any(k in value for k in (*_DOCUMENT_KEYS, *_TEXT_LAYER_KEYS))


def content_mime(
    row_data: object, upload_type: Callable[[str], str | None] | None = None
) -> str | None:
    """The mime type the content itself shows, or ``None`` when it shows none: JSON objects
    (document row data is a PDF), an uploaded file's declared type, a URL's extension."""
    value = _as_object(row_data)
    if value is not None:
        if is_document(value):
            return "application/pdf"
        return None if "tileLayerUrl" in value else "application/json"
    if not isinstance(row_data, str):
        return None
    if upload_type is not None:
        declared = upload_type(row_data)
        if declared:
            return declared
    name = row_data.partition("?")[0].partition("#")[0].rpartition("/")[2]
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    return _MIME_BY_EXTENSION.get(extension)


def upload_types(conn: sqlite3.Connection) -> Callable[[str], str | None]:
    """A lookup of the content type an emulator file URL was uploaded with (``None`` for other
    URLs, or when the upload declared none, or something that is no mime type: the official
    SDK swaps name and type of descriptor chunks)."""
    cache: dict[str, str | None] = {}

    def lookup(url: str) -> str | None:
        if "/files/" not in url:
            return None
        file_id = file_id_from_url(url)
        if file_id is None:
            return None
        if file_id not in cache:
            row = conn.execute("SELECT content_type FROM files WHERE id = ?", (file_id,)).fetchone()
            declared = row[0] if row is not None else None
            cache[file_id] = (
                declared.partition(";")[0].strip().lower()
                if isinstance(declared, str) and "/" in declared
                else None
            )
        return cache[file_id]

    return lookup


def check_content(media_type: str, mime: str | None) -> None:
    """``ContentMismatch`` when content of ``mime`` cannot be a ``media_type`` asset, worded as
    the service words it (``Expected type image/*, detected: application/json``)."""
    expected = _EXPECTED_MIME.get(media_type)
    if expected is None or mime is None:
        return
    fits = mime.startswith(expected[:-1]) if expected.endswith("/*") else mime == expected
    if not fits:
        raise ContentMismatch(f"Expected type {expected}, detected: {mime}")


_SIZES = ((640, 480), (800, 600), (1024, 768), (1280, 720), (1920, 1080), (3840, 2160))


def default_mime(media_type: str) -> str:
    return _DEFAULT_MIME.get(media_type, "image/jpeg")


_PICKS = 6216
"""Distinct stand-ins per media and mime type (a multiple of the 6 sizes, 56 and 296 durations)."""


def media_attributes_json(media_type: str, row_data: str, mime: str | None) -> str:
    """What processing a row records, as stored JSON text: ``mimeType`` always; for images and
    videos a width and height, for videos and audio a duration, picked deterministically from
    the asset's address (the emulator never fetches assets, so it cannot measure them)."""
    key = (
        media_type,
        mime,
        zlib.crc32(row_data.encode("utf-8", "surrogatepass")) % _PICKS,
    )
    text = _ATTRIBUTES_JSON.get(key)
    if text is None:
        if len(_ATTRIBUTES_JSON) >= 65_536:
            _ATTRIBUTES_JSON.clear()
        text = dumps(_attributes(media_type, mime or default_mime(media_type), key[2]))
        _ATTRIBUTES_JSON[key] = text
    return text


_ATTRIBUTES_JSON: dict[tuple[str, str | None, int], str] = {}
"""``media_attributes_json`` by media type, mime type and pick (an upsert asks once per row)."""


def _attributes(media_type: str, mime: str, pick: int) -> dict[str, Any]:
    attributes: dict[str, Any] = {"mimeType": mime}
    if media_type in ("IMAGE", "VIDEO"):
        width, height = _SIZES[pick % len(_SIZES)]
        attributes["width"], attributes["height"] = width, height
    if media_type == "VIDEO":
        attributes["frameRate"] = 30
        attributes["frameCount"] = 30 * (5 + pick % 56)
        attributes["duration"] = float(5 + pick % 56)
    elif media_type == "AUDIO":
        attributes["duration"] = float(5 + pick % 296)
    return attributes


def export_media_attributes(stored: str | None) -> dict[str, Any]:
    """Stored (camelCase) attributes as exports carry them: snake_case keys (``mime_type``)."""
    if stored is None:
        return {}
    return {_snake(k): v for k, v in json.loads(stored).items()}


def _snake(name: str) -> str:
    return "".join("_" + ch.lower() if ch.isupper() else ch for ch in name).lstrip("_")
