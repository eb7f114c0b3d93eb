"""The check of one annotation-import line against the project's features: the ontology's tools
and classifications as :class:`Features`, a line's geometry, answers and nested classifications
(:func:`check_annotation`), and the permissive features of a model run (:func:`_any_features`).

Used by the import work (``_annotation_work.py``); the rules are described in
:mod:`aiolabel.emulator.resolvers.annotation_imports`.
"""

from __future__ import annotations

import re
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


_UUID = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
)
"""A UUID in its hex form, hyphens optional (what ``uuid.UUID`` parses, braces aside)."""


class LineError(Exception):
    """Why one annotation line is refused."""


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def _points(value: Any, least: int, what: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or len(value) < least:
        raise LineError(f"{what} needs a list of at least {least} points {{x, y}}")
    for point in value:
        if not isinstance(point, dict) or not (_number(point.get("x")) and _number(point.get("y"))):
            raise LineError(f"every {what} point needs numeric x and y")
    return value


def check_geometry(shape: str, value: Any) -> dict[str, Any]:
    """The export-v2 geometry of one tool annotation, or :class:`LineError`."""
    if shape == "bbox":
        keys = ("top", "left", "height", "width")
        if not isinstance(value, dict) or not (
            _number(value.get("top"))
            and _number(value.get("left"))
            and _number(value.get("height"))
            and _number(value.get("width"))
        ):
            raise LineError("bbox needs numeric top, left, height and width")
        if value["height"] <= 0 or value["width"] <= 0:
            raise LineError("bbox height and width must be positive")
        return {"bounding_box": {k: value[k] for k in keys}}
    if shape == "polygon":
        return {"polygon": _points(value, 3, "polygon")}
    if shape == "line":
        return {"line": _points(value, 2, "line")}
    if shape == "point":
        if not isinstance(value, dict) or not (_number(value.get("x")) and _number(value.get("y"))):
            raise LineError("point needs numeric x and y")
        return {"point": {"x": value["x"], "y": value["y"]}}
    if shape == "mask":
        if not isinstance(value, dict):
            raise LineError("mask must be an object")
        source = value.get("instanceURI") or value.get("url") or value.get("png")
        if not isinstance(source, str) or not source:
            raise LineError("mask needs an instanceURI, url or png")
        color = value.get("colorRGB")
        if color is not None and not (
            isinstance(color, list)
            and len(color) == 3
            and all(isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= 255 for c in color)
        ):
            raise LineError("mask colorRGB must be three integers 0-255")
        return {"mask": {"url": source, **({"color_rgb": color} if color is not None else {})}}
    if shape == "location":
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
        return {"location": {"start": start, "end": end}}
    raise LineError(f"unknown shape {shape}")  # pragma: no cover - shapes come from TOOL_SHAPES


def _answer(feature: Feature, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise LineError(
            f"the answer to {feature.name!r} must be an object {{name}} or {{schemaId}}"
        )
    key = value.get("schemaId") or value.get("featureSchemaId") or value.get("name")
    found = feature.options.get(key) if isinstance(key, str) else None
    if found is None:
        raise LineError(f"{key!r} is not an answer of {feature.name!r}")
    return {"feature_schema_id": found[1], "name": found[0], "value": found[0]}


def check_classification(feature: Feature, annotation: dict[str, Any]) -> dict[str, Any]:
    """The export-v2 classification of one answer, or :class:`LineError`."""
    base = {
        "feature_schema_id": feature.schema_id,
        "name": feature.name,
        "value": feature.name,
    }
    answer = annotation.get("answer", annotation.get("answers"))
    if feature.kind in ("radio", "dropdown"):
        if isinstance(answer, list):
            raise LineError(f"{feature.name!r} is a radio question: give one answer, not a list")
        return {**base, "radio_answer": {**_answer(feature, answer), "classifications": []}}
    if feature.kind == "checklist":
        if not isinstance(answer, list) or not answer:
            raise LineError(f"{feature.name!r} is a checklist: give a list of answers")
        return {**base, "checklist_answers": [_answer(feature, a) for a in answer]}
    if feature.kind == "text":
        if not isinstance(answer, str):
            raise LineError(f"{feature.name!r} is a text question: the answer must be a string")
        return {**base, "text_answer": {"content": answer}}
    raise LineError(f"{feature.name!r} is a {feature.kind} tool, not a classification")


def check_annotation(
    features: Features | None, annotation: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    """``("objects" | "classifications", export-v2 annotation)`` for one line's annotation."""
    if features is None:
        raise LineError("The project has no ontology")
    if "name" not in annotation and "schemaId" not in annotation:
        raise LineError("The annotation needs a name or a schemaId")
    feature = features.find(annotation)
    if feature is None:
        key = annotation.get("schemaId", annotation.get("name"))
        raise LineError(f"Feature {key!r} is not in the project's ontology")
    uid = annotation["uuid"]
    shapes = [key for key in TOOL_SHAPES.values() if key in annotation]
    if feature.kind in TOOL_SHAPES:
        wanted = TOOL_SHAPES[feature.kind]
        if shapes != [wanted]:
            given = ", ".join(shapes) or "no geometry"
            raise LineError(
                f"{feature.name!r} is a {feature.kind} tool: it needs {wanted}, got {given}"
            )
        obj = {
            "feature_id": uid,
            "feature_schema_id": feature.schema_id,
            "name": feature.name,
            "value": feature.name,
            "annotation_kind": ANNOTATION_KINDS[wanted],
            "classifications": _nested(feature, annotation),
            **check_geometry(wanted, annotation[wanted]),
        }
        return "objects", obj
    if shapes:
        raise LineError(f"{feature.name!r} is a {feature.kind} classification, not a tool")
    return "classifications", {"feature_id": uid, **check_classification(feature, annotation)}


def _nested(feature: Feature, annotation: dict[str, Any]) -> list[dict[str, Any]]:
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
        out.append(check_classification(sub, item))
    return out


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
