"""Every argument check of the SDK, run before any request is sent.

Each error is an :class:`InputError` (a bad value) or an :class:`InputTypeError` (a bad type)
whose message starts with the argument's name. Checks return the value they accept, so a caller
writes ``name = check_str("name", name)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from aiolabel._operations._builder import Comparison, Where
from aiolabel._operations._entities import PROJECT, Entity
from aiolabel.enums import AttachmentType, IdType, MediaType
from aiolabel.errors import InputError, InputTypeError, InvalidAttributeError, LabelboxError
from aiolabel.identifiers import GlobalKeys, Identifiable, Identifiables, UniqueIds

__all__ = [
    "BATCH_PRIORITIES",
    "INT32_MAX",
    "INT32_MIN",
    "InvalidItemAttribute",
    "check_attachment_type",
    "check_attachment_value",
    "check_batch_priority",
    "check_id",
    "check_identifiers",
    "check_ids",
    "check_int32_priority",
    "check_integer",
    "check_media_type",
    "check_number",
    "check_optional_str",
    "check_override",
    "check_positive_int",
    "check_progress",
    "check_project_update",
    "check_str",
    "check_timeout",
    "check_url",
    "no_duplicates",
    "where_as_dict",
]

BATCH_PRIORITIES = range(1, 6)
"""A batch's priority: 1 (highest) to 5 (lowest)."""
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
"""Labelling-parameter-override priorities are any signed 32-bit integer."""


class InvalidItemAttribute(InputError, InvalidAttributeError):
    """Unknown fields in a create or update: both the official ``InvalidAttributeError`` and an
    :class:`InputError` (raised before any request)."""

    def __init__(self, db_object_type: str, field: object, where: str | None = None) -> None:
        text = f"Field(s) {field!r} not valid on DB type '{db_object_type}'"
        LabelboxError.__init__(self, f"{where}: {text}" if where else text)
        self.db_object_type = db_object_type
        self.field = field


# -- scalars -------------------------------------------------------------------------------------


def check_str(name: str, value: object, *, allow_empty: bool = False) -> str:
    """A ``str`` argument (an id, a key, a name); empty or blank refused unless ``allow_empty``."""
    if not isinstance(value, str):
        raise InputTypeError(f"{name} must be a str, got {type(value).__name__}")
    if not allow_empty and not value.strip():
        raise InputError(f"{name} must not be empty")
    return value


def check_optional_str(name: str, value: object) -> str | None:
    """``None``, or a non-empty ``str``."""
    return None if value is None else check_str(name, value)


def check_id(name: str, value: object) -> str:
    """A non-empty id of at most 1,000 characters."""
    value = check_str(name, value)
    if len(value) > 1000:
        raise InputError(f"{name} is too long")
    return value


def check_url(name: str, value: object) -> str:
    """An http(s) URL; a trailing slash is dropped except from ``endpoint``."""
    if not isinstance(value, str):
        raise InputTypeError(f"{name} must be a str, got {type(value).__name__}")
    if not value.startswith(("http://", "https://")) or len(value) < 9:
        raise InputError(f"{name} must be an http(s) URL")
    if any(c.isspace() or ord(c) < 32 for c in value):
        raise InputError(f"{name} {value!r} is not a valid URL: it contains white space")
    import httpx

    try:
        url = httpx.URL(value)
    except httpx.InvalidURL as exc:
        raise InputError(f"{name} {value!r} is not a valid URL: {exc}") from None
    if not url.host or (url.port is not None and not 0 < url.port < 65536):
        raise InputError(f"{name} {value!r} is not a valid URL: it needs a host and a port 1-65535")
    return value.rstrip("/") if name != "endpoint" else value


def check_number(name: str, value: object, *, low: float, high: float) -> float:
    """A number in ``(low, high]``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputTypeError(f"{name} must be a number, got {type(value).__name__}")
    if not low < value <= high:
        raise InputError(f"{name} must be more than {low:g} and at most {high:g}")
    return float(value)


def check_integer(name: str, value: object, *, low: int, high: int) -> int:
    """An int in ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputTypeError(f"{name} must be an int, got {type(value).__name__}")
    if not low <= value <= high:
        raise InputError(f"{name} must be between {low} and {high}")
    return value


def check_positive_int(name: str, value: object) -> int:
    """An int of at least 1."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputTypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 1:
        raise InputError(f"{name} must be at least 1, got {value}")
    return value


def check_timeout(timeout_seconds: object) -> float:
    """``timeout_seconds``: a positive number (not NaN)."""
    if isinstance(timeout_seconds, bool) or not isinstance(timeout_seconds, int | float):
        raise InputTypeError("timeout_seconds must be a number")
    if not timeout_seconds > 0 or timeout_seconds != timeout_seconds:
        raise InputError("timeout_seconds must be positive")
    return float(timeout_seconds)


def check_progress(progress: object) -> None:
    """``progress``: ``None`` or a callable ``(done, total)``."""
    if progress is not None and not callable(progress):
        raise InputTypeError("progress must be a callable (done, total)")


def check_batch_priority(priority: object, argument: str = "priority") -> int:
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise InputTypeError(f"{argument} must be an int, got {type(priority).__name__}")
    if priority not in BATCH_PRIORITIES:
        raise InputError(f"{argument} must be between 1 (highest) and 5 (lowest), got {priority}")
    return priority


def check_int32_priority(priority: object, argument: str = "priority") -> int:
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise InputTypeError(f"{argument} must be an int, got {type(priority).__name__}")
    if not INT32_MIN <= priority <= INT32_MAX:
        raise InputError(
            f"{argument} must be a signed 32-bit integer ({INT32_MIN}..{INT32_MAX}), got {priority}"
        )
    return priority


def check_media_type(value: object) -> MediaType:
    """A supported :class:`MediaType` (or its value)."""
    media = value if isinstance(value, MediaType) else None
    if media is None and isinstance(value, str):
        media = MediaType(value)
    if media is None or not MediaType.is_supported(media):
        raise InputError(
            f"media_type: {value!r} is not a supported media type; use one of "
            f"{[m.name for m in MediaType.supported()]}"
        )
    return media


def check_attachment_type(value: object, where: str = "attachment_type") -> str:
    """An ``AttachmentType`` member or its name, as the wire string."""
    if isinstance(value, AttachmentType):
        return value.value
    if not isinstance(value, str):
        raise InputTypeError(f"{where} must be an AttachmentType, got {type(value).__name__}")
    if value not in AttachmentType.__members__:
        hint = " (TEXT is the former name of RAW_TEXT)" if value == "TEXT" else ""
        raise InputError(
            f"{where} must be one of {sorted(AttachmentType.__members__)}, not {value!r}{hint}"
        )
    return value


def check_attachment_value(value: object, where: str = "attachment_value") -> str:
    if not isinstance(value, str):
        raise InputTypeError(f"{where} must be a str, got {type(value).__name__}")
    if value == "":
        raise InputError(f"{where} must not be empty")
    return value


# -- lists of ids --------------------------------------------------------------------------------


def no_duplicates(keys: Sequence[str], name: str) -> None:
    """Refuse the first key seen twice, naming its position."""
    if len(set(keys)) != len(keys):
        seen: set[str] = set()
        for i, key in enumerate(keys):
            if key in seen:
                raise InputError(f"{name}[{i}]: {key!r} appears more than once")
            seen.add(key)


def check_ids(
    name: str,
    values: object,
    *,
    allow: type[Identifiables[Any]] | tuple[type[Identifiables[Any]], ...] = (
        UniqueIds,
        GlobalKeys,
    ),
    convert: Callable[[object], object] | None = None,
) -> list[str]:
    """A non-empty list of distinct non-empty strings (a list, tuple or an allowed identifier
    list); ``convert`` maps items first (a ``DataRow`` to its id)."""
    if isinstance(values, Identifiables):
        if not isinstance(values, allow):
            raise InputTypeError(f"{name} cannot be {type(values).__name__}")
        items: list[object] = list(values)
    elif isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        raise InputTypeError(f"{name} must be a list of str, got {type(values).__name__}")
    else:
        items = list(values)
    if not items:
        raise InputError(f"{name} must not be empty")
    out: list[str] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        if convert is not None:
            item = convert(item)
        if not isinstance(item, str):
            raise InputTypeError(f"{name}[{i}] must be a str, got {type(item).__name__}")
        if not item.strip():
            raise InputError(f"{name}[{i}] must not be empty")
        if item in seen:
            raise InputError(f"{name}[{i}]: {item!r} appears more than once")
        seen.add(item)
        out.append(item)
    return out


def check_identifiers(values: object, argument: str) -> tuple[IdType, list[str]]:
    """``UniqueIds`` or ``GlobalKeys``, non-empty, without duplicates."""
    if not isinstance(values, UniqueIds | GlobalKeys):
        raise InputTypeError(
            f"{argument} must be UniqueIds or GlobalKeys, got {type(values).__name__}"
        )
    keys = list(values)
    if not keys:
        raise InputError(f"{argument} must not be empty")
    no_duplicates(keys, argument)
    return values.id_type, keys


def check_override(pair: object, index: int, argument: str = "data") -> tuple[Identifiable, int]:
    """One ``(UniqueId | GlobalKey, priority)`` pair (extra tuple elements are ignored, as in the
    official SDK)."""
    if type(pair) is tuple and len(pair) == 2:  # the usual case, checked without a call
        identifier, priority = pair
        if (
            isinstance(identifier, Identifiable)
            and type(priority) is int
            and INT32_MIN <= priority <= INT32_MAX
        ):
            return pair
    where = f"{argument}[{index}]"
    if not isinstance(pair, tuple | list) or len(pair) < 2:
        raise InputTypeError(f"{where} must be an (identifier, priority) tuple")
    identifier, priority = pair[0], pair[1]
    if not isinstance(identifier, Identifiable):
        raise InputTypeError(
            f"{where}: the identifier must be a UniqueId or a GlobalKey, "
            f"got {type(identifier).__name__}"
        )
    return identifier, check_int32_priority(priority, f"{where} priority")


def where_as_dict(entity: Entity, where: object) -> dict[str, Any] | None:
    """One comparison as the flat dict of ``datasetDataRows(where:)``: ``{"externalId": x}``,
    ``{"externalId_not": x}`` (wire doc §4.3)."""
    if where is None:
        return None
    if not isinstance(where, Comparison):
        what = "an AND of comparisons" if isinstance(where, Where) else type(where).__name__
        raise InputTypeError(
            f"where must be a single comparison such as DataRow.external_id == 'x', got {what}"
        )
    spec = entity.field(where.field)
    if spec is None or spec.subfields:
        raise InvalidItemAttribute(entity.name, where.field, "where")
    value = where.value
    if isinstance(value, datetime) and (value.tzinfo is None or value.utcoffset() is None):
        raise InputError("where: datetimes must carry a time zone")
    return {spec.graphql + where.op.value: value}


PROJECT_READ_ONLY = frozenset(
    {"uid", "created_at", "updated_at", "data_row_count", "last_activity_time"}
)
"""Project fields ``update`` refuses (the server sets them)."""

_FIELD_TYPES: dict[str, type | tuple[type, ...]] = {
    "String": str,
    "Int": int,
    "Float": (int, float),
    "Boolean": bool,
    "DateTime": datetime,
}


def _check_field_value(key: str, graphql_type: str, value: object) -> None:
    """A value of the type the field declares (None clears a field); a name is never empty."""
    wanted = _FIELD_TYPES.get(graphql_type)
    if value is None or wanted is None:
        return
    if isinstance(value, bool) and wanted is not bool:
        raise InputTypeError(f"{key} must be a {graphql_type}, got bool")
    if not isinstance(value, wanted):
        raise InputTypeError(f"{key} must be a {graphql_type}, got {type(value).__name__}")
    if key == "name" and not str(value).strip():
        raise InputError("name must not be empty")


def check_project_update(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """``Project.update``'s fields: settable Project fields with values of their types."""
    if not kwargs:
        raise InputError("update needs at least one field, e.g. update(name='x')")
    data: dict[str, Any] = {}
    for key, value in kwargs.items():
        if key == "queue_mode":
            raise InputError(
                "queue_mode: SDK 7.17 and the service removed queue modes; every project is in"
                " batch mode, so there is nothing to set (add data rows with create_batch)"
            )
        spec = PROJECT.field(key)
        if spec is None or key == "deleted" or key in PROJECT_READ_ONLY:
            settable = sorted(f.name for f in PROJECT.fields if f.name not in PROJECT_READ_ONLY)
            raise InputError(f"{key}: not a Project field update accepts ({settable})")
        if key == "media_type":
            value = check_media_type(value)
        _check_field_value(key, spec.type, value)
        if isinstance(value, datetime) and (value.tzinfo is None or value.utcoffset() is None):
            raise InputError(f"{key}: a datetime needs a time zone")
        data[key] = value
    return data
