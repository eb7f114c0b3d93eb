"""Labeling priorities (wire doc §5.5–§5.7): set overrides, list them, bulk priority update.

``setLabelingParameterOverrides`` is the one document that carries literal values: the real
schema's name for the list's input type is unknown, so no variable can be declared for it. The list
is rendered by :func:`aiolabel._literals.lpo_list`, of the one escaping module, between
the constants :data:`SET_LABELING_PARAMETER_OVERRIDES_HEAD` and ``…_TAIL``.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice
from operator import attrgetter, itemgetter, lt
from typing import Any, TypeAlias

from aiolabel._content import EncodedDocument
from aiolabel._literals import LpoColumns, lpo_list
from aiolabel._operations import Operation
from aiolabel._operations._builder import Built
from aiolabel.errors import InputError, InputTypeError
from aiolabel.identifiers import GlobalKey, Identifiable, UniqueId

__all__ = [
    "CREATE_QUEUE_PRIORITY_UPDATE_TASK",
    "GET_PROJECT_LABELING_PARAMETER_OVERRIDES",
    "SET_LABELING_PARAMETER_OVERRIDES_HEAD",
    "SET_LABELING_PARAMETER_OVERRIDES_NAME",
    "SET_LABELING_PARAMETER_OVERRIDES_TAIL",
    "CheckedOverrides",
    "Columns",
    "plain_pairs",
    "set_labeling_parameter_overrides",
]

SET_LABELING_PARAMETER_OVERRIDES_NAME = "SetLabelingParameterOverridesPyApi"

SET_LABELING_PARAMETER_OVERRIDES_HEAD = (
    "mutation SetLabelingParameterOverridesPyApi($projectId: ID!) {project(where: { id: "
    "$projectId }) {setLabelingParameterOverrides (dataWithDataRowIdentifiers: "
)
"""The document up to the literal list."""

SET_LABELING_PARAMETER_OVERRIDES_TAIL = ") {success}}}"
"""The document after the literal list."""

_INT32 = 2**31

_PLAIN_KINDS: dict[type, str] = {
    UniqueId: UniqueId.id_type.value,
    GlobalKey: GlobalKey.id_type.value,
}
_FIRST, _SECOND, _KEY = itemgetter(0), itemgetter(1), attrgetter("_key")


Columns: TypeAlias = tuple[list[str], list[str], list[int]]
"""``(keys, idType names, priorities)`` of LPO pairs."""


def plain_pairs(overrides: Sequence[Any]) -> Columns | None:
    """``(keys, idType names, priorities)`` of LPO pairs, checked column by column at C speed,
    when every pair is a plain 2-tuple of a ``UniqueId`` or ``GlobalKey`` (not a subclass) and
    an ``int`` priority in the signed 32-bit range, and no identifier repeats; None otherwise
    (the pair-by-pair checks then find and name the first bad pair)."""
    if not overrides or set(map(type, overrides)) != {tuple}:
        return None
    if set(map(len, overrides)) != {2}:
        return None
    identifiers = list(map(_FIRST, overrides))
    priorities: list[int] = list(map(_SECOND, overrides))
    classes = set(map(type, identifiers))
    if not classes <= _PLAIN_KINDS.keys() or set(map(type, priorities)) != {int}:
        return None
    if min(priorities) < -_INT32 or max(priorities) >= _INT32:
        return None
    keys, kinds = _key_columns(identifiers, classes)
    if len(classes) == 1:
        # Keys in increasing order are distinct (a listing's ids, or keys made in sequence, come
        # so): one comparison a pair, stopping at the first out of order, before the set.
        if not all(map(lt, keys, islice(keys, 1, None))) and len(set(keys)) != len(keys):
            return None
    elif len(set(zip(kinds, keys, strict=True))) != len(keys):
        return None
    return keys, kinds, priorities


def _key_columns(identifiers: list[Any], classes: set[type]) -> tuple[list[str], list[str]]:
    """The keys and idType names of plain identifiers (``classes``: their types)."""
    keys: list[str] = list(map(_KEY, identifiers))
    if len(classes) == 1:
        return keys, [_PLAIN_KINDS[next(iter(classes))]] * len(keys)
    return keys, list(map(_PLAIN_KINDS.__getitem__, map(type, identifiers)))


def set_labeling_parameter_overrides(
    project_id: str, overrides: Sequence[tuple[Identifiable, int]]
) -> Built:
    """``project.set_labeling_parameter_overrides(data)``: the document and ``{"projectId"}``.

    ``overrides`` are ``(UniqueId | GlobalKey, priority)`` pairs, rendered as
    ``[{dataRowIdentifier: {id: "…", idType: ID|GKEY}, priority: N}, …]``. Reads
    ``project.setLabelingParameterOverrides.success``. Idempotent: setting the same priorities
    again changes nothing.
    """
    if not isinstance(project_id, str) or not project_id:
        raise InputTypeError("project_id must be a non-empty str")
    if isinstance(overrides, str | bytes) or not isinstance(overrides, Sequence):
        raise InputTypeError("overrides must be a sequence of (identifier, priority) pairs")
    if not overrides:
        raise InputError("overrides must not be empty")
    plain = plain_pairs(overrides)
    if plain is not None:
        return _built(project_id, *plain)
    items: list[tuple[str, str, int]] = []
    seen: set[tuple[str, str]] = set()
    kinds: dict[type, str] = {}  # identifier class -> idType name, looked up once per class
    for index, pair in enumerate(overrides):
        if not isinstance(pair, tuple) or len(pair) < 2:
            raise InputTypeError(f"overrides[{index}] must be an (identifier, priority) tuple")
        identifier, priority = pair[0], pair[1]
        if not isinstance(identifier, Identifiable):
            raise InputTypeError(
                f"overrides[{index}]: the identifier must be a UniqueId or a GlobalKey, "
                f"got {type(identifier).__name__}"
            )
        if type(priority) is not int and (
            isinstance(priority, bool) or not isinstance(priority, int)
        ):
            raise InputTypeError(f"overrides[{index}]: priority must be an int")
        if not -_INT32 <= priority < _INT32:
            raise InputError(f"overrides[{index}]: priority must fit a signed 32-bit integer")
        kind = kinds.get(type(identifier))
        if kind is None:
            kind = kinds[type(identifier)] = identifier.id_type.value
        item = (identifier.key, kind, priority)
        seen.add(item[:2])
        if len(seen) <= index:
            raise InputError(f"overrides[{index}]: {identifier!r} appears more than once")
        items.append(item)
    literal = lpo_list(items)
    head, tail = SET_LABELING_PARAMETER_OVERRIDES_HEAD, SET_LABELING_PARAMETER_OVERRIDES_TAIL
    document = head + literal + tail  # graphql-literal: escaped
    operation = Operation(SET_LABELING_PARAMETER_OVERRIDES_NAME, document, idempotent=True)
    return Built(operation, {"projectId": project_id})


class CheckedOverrides:
    """A list of pairs that :func:`plain_pairs` accepted whole, with the columns it read, so the
    request of a chunk (a slice, as the chunk runner cuts a list) renders slices of the columns
    instead of reading and checking the pairs again. The columns are checked for rendering once
    too (:class:`~aiolabel._literals.LpoColumns`) when no key needs escaping. A chunk that is
    not such a slice has its columns read from its pairs (which come from the list, so they need
    no check either)."""

    __slots__ = ("_columns", "_pairs", "_rendered", "_starts")

    def __init__(self, pairs: list[Any], columns: Columns, chunk_size: int) -> None:
        self._pairs = pairs
        self._rendered = LpoColumns.of(*columns)
        # The columns are kept only when they cannot be rendered at once (lists of 100,000
        # items cost the garbage collector a scan each while they live).
        self._columns = columns if self._rendered is None else None
        self._starts = {id(pairs[start]): start for start in range(0, len(pairs), chunk_size)}

    @classmethod
    def of(cls, overrides: Sequence[Any], chunk_size: int) -> CheckedOverrides | None:
        """The checked list of ``overrides`` when :func:`plain_pairs` accepts them, else None."""
        columns = plain_pairs(overrides)
        return None if columns is None else cls(list(overrides), columns, chunk_size)

    @property
    def pairs(self) -> list[Any]:
        return self._pairs

    def request(self, project_id: str, chunk: Sequence[Any]) -> Built:
        """:func:`set_labeling_parameter_overrides` of ``chunk``, pairs of this list."""
        start = self._starts.get(id(chunk[0])) if chunk else None
        if start is not None and self._pairs[start : start + len(chunk)] == chunk:
            end = start + len(chunk)  # the list holds no pair twice (no repeats): chunk's place
            if self._rendered is not None:
                return _rendered(project_id, self._rendered, start, end)
            assert self._columns is not None
            keys, kinds, priorities = self._columns
            return _built(project_id, keys[start:end], kinds[start:end], priorities[start:end])
        identifiers = list(map(_FIRST, chunk))
        keys, kinds = _key_columns(identifiers, set(map(type, identifiers)))
        return _built(project_id, keys, kinds, list(map(_SECOND, chunk)))


def _rendered(project_id: str, columns: LpoColumns, start: int, end: int) -> Built:
    """The request of the items ``start:end`` of checked columns: the document and its JSON
    string, each joined once (the body then needs no second escape of the document)."""
    document, encoded = columns.document(
        SET_LABELING_PARAMETER_OVERRIDES_HEAD, SET_LABELING_PARAMETER_OVERRIDES_TAIL, start, end
    )
    operation = Operation(
        SET_LABELING_PARAMETER_OVERRIDES_NAME, EncodedDocument(document, encoded), idempotent=True
    )
    return Built(operation, {"projectId": project_id})


def _built(project_id: str, keys: list[str], kinds: list[str], priorities: list[int]) -> Built:
    """The request of checked columns: the document and its JSON string rendered together
    when no key needs escaping (the body then needs no second escape), else the document."""
    columns = LpoColumns.of(keys, kinds, priorities)
    if columns is not None:
        return _rendered(project_id, columns, 0, len(columns))
    head, tail = SET_LABELING_PARAMETER_OVERRIDES_HEAD, SET_LABELING_PARAMETER_OVERRIDES_TAIL
    literal = lpo_list(list(zip(keys, kinds, priorities, strict=True)))
    document = head + literal + tail  # graphql-literal: escaped
    operation = Operation(SET_LABELING_PARAMETER_OVERRIDES_NAME, document, idempotent=True)
    return Built(operation, {"projectId": project_id})


GET_PROJECT_LABELING_PARAMETER_OVERRIDES = Operation(
    name="GetProjectLabelingParameterOverridesPyApi",
    document=(
        "query GetProjectLabelingParameterOverridesPyApi($param_0: ID!, $skip: Int!, $first: "
        "Int!){project(where: {id: $param_0}){labelingParameterOverrides(skip: $skip first: "
        "$first){numberOfLabels priority id dataRow{createdAt externalId globalKey "
        "mediaAttributes customMetadata { schemaId value } metadataFields { schemaId name value "
        "kind } rowData id updatedAt}}}}"
    ),
    idempotent=True,
)
"""``project.labeling_parameter_overrides()``: offset pages, ``{"param_0": project_id, "skip",
"first": 100}``; reads ``project.labelingParameterOverrides[]`` (⟨LPO⟩). The same document as
``_builder.relationship(PROJECT, id, "labeling_parameter_overrides")``."""

CREATE_QUEUE_PRIORITY_UPDATE_TASK = Operation(
    name="createQueuePriorityUpdateTaskPyApi",
    document=(
        "mutation createQueuePriorityUpdateTaskPyApi( $priority: Int! $projectId: ID! "
        "$dataRowIdentifiers: QueuePriorityUpdateDataRowIdentifiersInput ) { project(where: { id:"
        " $projectId }) { createQueuePriorityUpdateTask( data: { priority: $priority, "
        "dataRowIdentifiers: $dataRowIdentifiers } ) { taskId } } }"
    ),
    idempotent=True,
)
"""``project.update_data_row_labeling_priority(rows, priority)``: ``{"priority", "projectId",
"dataRowIdentifiers": {"ids", "idType"}}``; reads the task id. Setting the same priority again
changes nothing."""
