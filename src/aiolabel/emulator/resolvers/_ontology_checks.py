"""Validation and canonical form of a normalized ontology JSON (``upsertOntology``,
``upsertRootSchemaNode`` and the feature-schema REST calls): every tool and classification
checked, given its kind, feature schema ids and a colour.
"""

from __future__ import annotations

import colorsys
import json
from collections.abc import Callable
from typing import Any

from aiolabel.emulator.errors import BadInput

TOOL_TYPES = frozenset(
    {
        "polygon",
        "superpixel",
        "raster-segmentation",
        "point",
        "rectangle",
        "line",
        "named-entity",
        "edge",
        "message-single-selection",
        "message-multi-selection",
        "message-ranking",
        "marker",
        "step-reasoning",
        "fact-checking",
        "prompt-issue",
    }
)
"""Tool types an ontology may hold (``Tool.Type`` and ``ToolType`` of the official SDK)."""

CLASSIFICATION_TYPES = frozenset(
    {"text", "checklist", "radio", "group", "prompt", "response-text", "response-checklist",
     "response-radio"}
)  # fmt: skip
"""Classification types (``Classification.Type`` and ``PromptResponseClassification.Type``)."""

NEEDS_OPTIONS = frozenset({"checklist", "radio", "response-checklist", "response-radio"})


# -- validation and canonical form --------------------------------------------------------------


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"{what} must be a non-empty string")
    return value


def _unique(names: list[Any], what: str) -> None:
    seen: set[Any] = set()
    for name in names:
        if name in seen:
            raise BadInput(f"Duplicate {what} {name!r}")
        seen.add(name)


def kind_of(node: Any, where: str) -> str:
    """``tool`` or ``classification``: what a root node is, or BadInput."""
    if not isinstance(node, dict):
        raise BadInput(f"{where} must be an object")
    if "tool" in node:
        return "tool"
    if "type" in node:
        return "classification"
    raise BadInput(f"{where} has neither 'tool' nor 'type'")


def _canonical(node: dict[str, Any], kind: str, where: str, new_id: Callable[[], str]) -> Any:
    """A validated copy of a node with defaults filled in and a featureSchemaId on every node
    (kept when given); schema node ids are dropped."""
    if not isinstance(node, dict):
        raise BadInput(f"{where} must be an object")
    out = {k: v for k, v in node.items() if k != "schemaNodeId"}
    given = out.get("featureSchemaId")
    if given is not None and not isinstance(given, str):
        raise BadInput(f"{where}.featureSchemaId must be a string")
    out["featureSchemaId"] = given or new_id()
    if kind == "tool":
        if out.get("tool") not in TOOL_TYPES:
            raise BadInput(f"{where}: unknown tool type {out.get('tool')!r}")
        _text(out.get("name"), f"{where}.name")
        out.setdefault("required", False)
        out.setdefault("color", None)
        children = out.get("classifications") or []
        if not isinstance(children, list):
            raise BadInput(f"{where}.classifications must be a list")
        out["classifications"] = [
            _canonical(c, "classification", f"{where}.classifications[{i}]", new_id)
            for i, c in enumerate(children)
        ]
        _unique([c["name"] for c in out["classifications"]], f"classification name in {where}")
    elif kind == "classification":
        if out.get("type") not in CLASSIFICATION_TYPES:
            raise BadInput(f"{where}: unknown classification type {out.get('type')!r}")
        name = out.get("name") or out.get("instructions")
        out["name"] = _text(name, f"{where}.name")
        if out.get("instructions") is None:
            out["instructions"] = out["name"]
        out.setdefault("required", False)
        options = out.get("options") or []
        if not isinstance(options, list):
            raise BadInput(f"{where}.options must be a list")
        if out["type"] in NEEDS_OPTIONS and not options:
            raise BadInput(f"{where}: a {out['type']} classification needs options")
        out["options"] = [
            _canonical(o, "option", f"{where}.options[{i}]", new_id) for i, o in enumerate(options)
        ]
        _unique([o["value"] for o in out["options"]], f"option value in {where}")
    else:
        value = out.get("value")
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise BadInput(f"{where}.value must be a string or an integer")
        if isinstance(value, str):
            _text(value, f"{where}.value")
        if out.get("label") is None:
            out["label"] = value
        children = out.get("options") or []
        out["options"] = [
            _canonical(c, "classification", f"{where}.options[{i}]", new_id)
            for i, c in enumerate(children)
        ]
        _unique([c["name"] for c in out["options"]], f"classification name in {where}")
    return out


def _parse_json(text: Any, what: str) -> Any:
    if isinstance(text, dict):
        return text
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        raise BadInput(f"{what} is not valid JSON") from None


def _palette(index: int, count: int) -> str:
    red, green, blue = (int(255 * x) for x in colorsys.hsv_to_rgb(index / max(count, 1), 1, 1))
    return f"#{red:02x}{green:02x}{blue:02x}"


def canonical_ontology(normalized: Any, new_id: Callable[[], str]) -> list[tuple[str, Any]]:
    """The roots of an ontology's normalized JSON as ``(kind, canonical node)``, tools first, or
    BadInput (unknown types, empty names, duplicate names among tools or classifications)."""
    if not isinstance(normalized, dict):
        raise BadInput("normalized must be an object with 'tools' and 'classifications'")
    unknown = set(normalized) - {"tools", "classifications", "relationships"}
    if unknown:
        raise BadInput(f"normalized has unknown keys: {', '.join(sorted(unknown))}")
    roots: list[tuple[str, Any]] = []
    for key, kind in (("tools", "tool"), ("classifications", "classification")):
        nodes = normalized.get(key) or []
        if not isinstance(nodes, list):
            raise BadInput(f"normalized.{key} must be a list")
        canonical = [_canonical(n, kind, f"{key}[{i}]", new_id) for i, n in enumerate(nodes)]
        _unique([n["name"] for n in canonical], f"{kind} name")
        _unique([n["featureSchemaId"] for n in canonical], "feature schema")
        if kind == "tool":
            for index, node in enumerate(canonical):
                if not node.get("color"):
                    node["color"] = _palette(index, len(canonical))
        roots.extend((kind, n) for n in canonical)
    return roots
