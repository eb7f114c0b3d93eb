"""The check of one annotation-import line against the project's features: the ontology's tools
and classifications as :class:`Features`, a line's geometry, answers and nested classifications
(:func:`check_annotation`), and the permissive features of a model run (:func:`_any_features`).

Used by the import work (``_annotation_work.py``); the rules are described in
:mod:`aiolabel.emulator.resolvers.annotation_imports`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TOOL_SHAPES = {
    "rectangle": "bbox",
    "polygon": "polygon",
    "point": "point",
    "line": "line",
    "raster-segmentation": "mask",
    "named-entity": "location",
}
"""Ontology tool type -> the NDJSON key holding its geometry."""

ANNOTATION_KINDS = {
    "bbox": "ImageBoundingBox",
    "polygon": "ImagePolygon",
    "point": "ImagePoint",
    "line": "ImagePolyline",
    "mask": "ImageSegmentationMask",
    "location": "TextEntity",
}


_SHAPE_KEYS = tuple(TOOL_SHAPES.values())
_ALL_SHAPES = frozenset(_SHAPE_KEYS)
_OTHER_SHAPES = {shape: _ALL_SHAPES - {shape} for shape in _SHAPE_KEYS}


@dataclass
class Feature:
    name: str
    schema_id: str
    kind: str
    """A tool type (``rectangle``...) or a classification type (``radio``, ``checklist``,
    ``text``, ``dropdown``)."""
    options: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Answer name or schema id -> (name, schema id)."""
    nested: Features | None = None
    shape: str | None = field(init=False)
    """The NDJSON key holding a tool's geometry; ``None`` for a classification."""

    def __post_init__(self) -> None:
        self.shape = TOOL_SHAPES.get(self.kind)


@dataclass
class Features:
    by_key: dict[str, Feature] = field(default_factory=dict)

    @classmethod
    def of(cls, ontology: dict[str, Any] | None) -> Features | None:
        if ontology is None:
            return None
        found = cls()
        for tool in ontology.get("tools") or []:
            found._add(tool, str(tool.get("tool")))
        for classification in ontology.get("classifications") or []:
            found._add(classification, str(classification.get("type")))
        return found

    def _add(self, node: dict[str, Any], kind: str) -> None:
        name = str(node.get("name") or node.get("instructions") or "")
        schema_id = str(node.get("featureSchemaId") or node.get("schemaNodeId") or name)
        feature = Feature(name=name, schema_id=schema_id, kind=kind)
        for option in node.get("options") or []:
            label = str(option.get("value") or option.get("label") or "")
            option_id = str(option.get("featureSchemaId") or option.get("schemaNodeId") or label)
            for key in (label, str(option.get("label") or label), option_id):
                feature.options[key] = (label, option_id)
        if node.get("classifications"):
            feature.nested = Features.of({"classifications": node["classifications"]})
        self.by_key.setdefault(schema_id, feature)
        self.by_key.setdefault(name, feature)

    def find(self, annotation: dict[str, Any]) -> Feature | None:
        key = annotation.get("schemaId") or annotation.get("featureSchemaId")
        if key is None:
            key = annotation.get("name")
        return self.by_key.get(key) if isinstance(key, str) else None


# -- checking one line ---------------------------------------------------------------------------
#
# Each rule is checked once, by the ``_check_*`` functions (they raise :class:`LineError` and
# build nothing); the ``_export_*`` functions then turn a checked annotation into its export-v2
# shape without checking again. A MAL or MEA import, which stores lines as given, only checks.


_UUID = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
)
"""A UUID in its hex form, hyphens optional (what ``uuid.UUID`` parses, braces aside)."""


class LineError(Exception):
    """Why one annotation line is refused."""


def _number(value: Any) -> bool:
    kind = type(value)
    if kind is int or kind is float:
        return bool(value == value)
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def _check_points(value: Any, least: int, what: str) -> None:
    if not isinstance(value, list) or len(value) < least:
        raise LineError(f"{what} needs a list of at least {least} points {{x, y}}")
    for point in value:
        if not isinstance(point, dict) or not (_number(point.get("x")) and _number(point.get("y"))):
            raise LineError(f"every {what} point needs numeric x and y")


def _check_bbox(value: Any) -> None:
    if not isinstance(value, dict) or not (
        _number(value.get("top"))
        and _number(value.get("left"))
        and _number(value.get("height"))
        and _number(value.get("width"))
    ):
        raise LineError("bbox needs numeric top, left, height and width")
    if value["height"] <= 0 or value["width"] <= 0:
        raise LineError("bbox height and width must be positive")


def _check_polygon(value: Any) -> None:
    _check_points(value, 3, "polygon")


def _check_line(value: Any) -> None:
    _check_points(value, 2, "line")


def _check_point(value: Any) -> None:
    if not isinstance(value, dict) or not (_number(value.get("x")) and _number(value.get("y"))):
        raise LineError("point needs numeric x and y")


def _mask_source(value: dict[str, Any]) -> Any:
    return value.get("instanceURI") or value.get("url") or value.get("png")


def _check_mask(value: Any) -> None:
    if not isinstance(value, dict):
        raise LineError("mask must be an object")
    source = _mask_source(value)
    if not isinstance(source, str) or not source:
        raise LineError("mask needs an instanceURI, url or png")
    color = value.get("colorRGB")
    if color is not None and not (
        isinstance(color, list)
        and len(color) == 3
        and all(isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= 255 for c in color)
    ):
        raise LineError("mask colorRGB must be three integers 0-255")


def _check_location(value: Any) -> None:
    if not isinstance(value, dict):
        raise LineError("location must be an object {start, end}")
    start, end = value.get("start"), value.get("end")
    if not (
        isinstance(start, int)
        and isinstance(end, int)
        and not isinstance(start, bool)
        and not isinstance(end, bool)
        and 0 <= start <= end
    ):
        raise LineError("location needs integers 0 <= start <= end")


def _export_mask(value: dict[str, Any]) -> dict[str, Any]:
    color = value.get("colorRGB")
    return {
        "mask": {"url": _mask_source(value), **({"color_rgb": color} if color is not None else {})}
    }


_BBOX_KEYS = ("top", "left", "height", "width")
_GEOMETRY: dict[str, tuple[Callable[[Any], None], Callable[[Any], dict[str, Any]]]] = {
    "bbox": (_check_bbox, lambda v: {"bounding_box": {k: v[k] for k in _BBOX_KEYS}}),
    "polygon": (_check_polygon, lambda v: {"polygon": v}),
    "line": (_check_line, lambda v: {"line": v}),
    "point": (_check_point, lambda v: {"point": {"x": v["x"], "y": v["y"]}}),
    "mask": (_check_mask, _export_mask),
    "location": (_check_location, lambda v: {"location": {"start": v["start"], "end": v["end"]}}),
}
"""Geometry key -> (its check, its export-v2 shape)."""


def check_geometry(shape: str, value: Any) -> dict[str, Any]:
    """The export-v2 geometry of one tool annotation, or :class:`LineError`."""
    if shape not in _GEOMETRY:  # pragma: no cover - shapes come from TOOL_SHAPES
        raise LineError(f"unknown shape {shape}")
    check, export = _GEOMETRY[shape]
    check(value)
    return export(value)


def _answer_of(feature: Feature, value: Any) -> tuple[str, str]:
    if not isinstance(value, dict):
        raise LineError(
            f"the answer to {feature.name!r} must be an object {{name}} or {{schemaId}}"
        )
    key = value.get("schemaId") or value.get("featureSchemaId") or value.get("name")
    found = feature.options.get(key) if isinstance(key, str) else None
    if found is None:
        raise LineError(f"{key!r} is not an answer of {feature.name!r}")
    return found


def _export_answer(found: tuple[str, str]) -> dict[str, Any]:
    return {"feature_schema_id": found[1], "name": found[0], "value": found[0]}


def _check_classification(feature: Feature, annotation: dict[str, Any]) -> None:
    answer = annotation.get("answer", annotation.get("answers"))
    kind = feature.kind
    if kind == "radio" or kind == "dropdown":
        if isinstance(answer, list):
            raise LineError(f"{feature.name!r} is a radio question: give one answer, not a list")
        _answer_of(feature, answer)
    elif kind == "checklist":
        if not isinstance(answer, list) or not answer:
            raise LineError(f"{feature.name!r} is a checklist: give a list of answers")
        for one in answer:
            _answer_of(feature, one)
    elif kind == "text":
        if not isinstance(answer, str):
            raise LineError(f"{feature.name!r} is a text question: the answer must be a string")
    else:
        raise LineError(f"{feature.name!r} is a {feature.kind} tool, not a classification")


def _export_classification(feature: Feature, annotation: dict[str, Any]) -> dict[str, Any]:
    base = {
        "feature_schema_id": feature.schema_id,
        "name": feature.name,
        "value": feature.name,
    }
    answer: Any = annotation.get("answer", annotation.get("answers"))
    if feature.kind == "checklist":
        answers = [_export_answer(_answer_of(feature, a)) for a in answer]
        return {**base, "checklist_answers": answers}
    if feature.kind == "text":
        return {**base, "text_answer": {"content": answer}}
    radio = _export_answer(_answer_of(feature, answer))
    return {**base, "radio_answer": {**radio, "classifications": []}}


def check_classification(feature: Feature, annotation: dict[str, Any]) -> dict[str, Any]:
    """The export-v2 classification of one answer, or :class:`LineError`."""
    _check_classification(feature, annotation)
    return _export_classification(feature, annotation)


def _nested_of(feature: Feature, annotation: dict[str, Any]) -> list[tuple[Feature, Any]]:
    nested = annotation.get("classifications") or []
    if not isinstance(nested, list):
        raise LineError("classifications must be a list")
    out = []
    for item in nested:
        if not isinstance(item, dict):
            raise LineError("every nested classification must be an object")
        sub = feature.nested.find(item) if feature.nested is not None else None
        if sub is None:
            key = item.get("schemaId", item.get("name"))
            raise LineError(f"{key!r} is not a classification of {feature.name!r}")
        out.append((sub, item))
    return out


def check_line(features: Features | None, annotation: dict[str, Any]) -> Feature:
    """Check one line's annotation against the features (every rule, building nothing): its
    feature, or :class:`LineError`."""
    if features is None:
        raise LineError("The project has no ontology")
    if "name" not in annotation and "schemaId" not in annotation:
        raise LineError("The annotation needs a name or a schemaId")
    feature = features.find(annotation)
    if feature is None:
        key = annotation.get("schemaId", annotation.get("name"))
        raise LineError(f"Feature {key!r} is not in the project's ontology")
    wanted = feature.shape
    if wanted is not None:
        if wanted not in annotation or not _OTHER_SHAPES[wanted].isdisjoint(annotation):
            given = ", ".join(key for key in _SHAPE_KEYS if key in annotation) or "no geometry"
            raise LineError(
                f"{feature.name!r} is a {feature.kind} tool: it needs {wanted}, got {given}"
            )
        if annotation.get("classifications"):
            for sub, item in _nested_of(feature, annotation):
                _check_classification(sub, item)
        _GEOMETRY[wanted][0](annotation[wanted])
        return feature
    if not _ALL_SHAPES.isdisjoint(annotation):
        raise LineError(f"{feature.name!r} is a {feature.kind} classification, not a tool")
    _check_classification(feature, annotation)
    return feature


def check_annotation(
    features: Features | None, annotation: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    """``("objects" | "classifications", export-v2 annotation)`` for one line's annotation."""
    feature = check_line(features, annotation)
    uid = annotation["uuid"]
    wanted = feature.shape
    if wanted is not None:
        obj = {
            "feature_id": uid,
            "feature_schema_id": feature.schema_id,
            "name": feature.name,
            "value": feature.name,
            "annotation_kind": ANNOTATION_KINDS[wanted],
            "classifications": [
                _export_classification(sub, item) for sub, item in _nested_of(feature, annotation)
            ],
            **_GEOMETRY[wanted][1](annotation[wanted]),
        }
        return "objects", obj
    return "classifications", {"feature_id": uid, **_export_classification(feature, annotation)}


class _AnyOption(dict[str, tuple[str, str]]):
    def get(self, key: str, default: Any = None) -> tuple[str, str]:
        return (key, key)


class _AnyFeatures(Features):
    """A model run's features: the emulator does not hold a model run's ontology, so any
    feature is taken as given and only the annotation's own shape is checked."""

    def find(self, annotation: dict[str, Any]) -> Feature | None:
        key = annotation.get("schemaId") or annotation.get("name")
        if not isinstance(key, str):
            return None
        shape = next((k for k, v in TOOL_SHAPES.items() if v in annotation), None)
        if shape is None:
            answer = annotation.get("answer", annotation.get("answers"))
            shape = (
                "text"
                if isinstance(answer, str)
                else "checklist"
                if isinstance(answer, list)
                else "radio"
            )
        return Feature(name=key, schema_id=key, kind=shape, options=_AnyOption())


def _any_features() -> Features:
    return _AnyFeatures()
