"""Annotations and the ontology they refer to, shared by the label and import tests."""

from __future__ import annotations

import uuid
from typing import Any

ONTOLOGY: dict[str, Any] = {
    "tools": [
        {"tool": "rectangle", "name": "box", "featureSchemaId": "fs-box", "classifications": []},
        {"tool": "polygon", "name": "area", "featureSchemaId": "fs-area", "classifications": []},
        {"tool": "point", "name": "dot", "featureSchemaId": "fs-dot", "classifications": []},
        {"tool": "line", "name": "edge", "featureSchemaId": "fs-edge", "classifications": []},
        {
            "tool": "raster-segmentation",
            "name": "seg",
            "featureSchemaId": "fs-seg",
            "classifications": [],
        },
        {"tool": "named-entity", "name": "ent", "featureSchemaId": "fs-ent", "classifications": []},
    ],
    "classifications": [
        {
            "type": "radio",
            "name": "weather",
            "featureSchemaId": "fs-weather",
            "options": [
                {"value": "sunny", "label": "sunny", "featureSchemaId": "fs-sunny"},
                {"value": "rainy", "label": "rainy", "featureSchemaId": "fs-rainy"},
            ],
        },
        {
            "type": "checklist",
            "name": "tags",
            "featureSchemaId": "fs-tags",
            "options": [
                {"value": "a", "label": "a", "featureSchemaId": "fs-a"},
                {"value": "b", "label": "b", "featureSchemaId": "fs-b"},
            ],
        },
        {"type": "text", "name": "note", "featureSchemaId": "fs-note", "options": []},
    ],
}


def uid() -> str:
    return str(uuid.uuid4())


def bbox(data_row: dict[str, str], *, name: str = "box", **extra: Any) -> dict[str, Any]:
    return {
        "uuid": uid(),
        "name": name,
        "dataRow": data_row,
        "bbox": {"top": 1, "left": 2, "height": 10, "width": 20},
        **extra,
    }


def radio(data_row: dict[str, str], answer: str = "sunny") -> dict[str, Any]:
    return {"uuid": uid(), "name": "weather", "dataRow": data_row, "answer": {"name": answer}}


def checklist(data_row: dict[str, str], *answers: str) -> dict[str, Any]:
    return {
        "uuid": uid(),
        "schemaId": "fs-tags",
        "dataRow": data_row,
        "answer": [{"name": a} for a in answers],
    }


def every_kind(data_row: dict[str, str]) -> list[dict[str, Any]]:
    """One valid annotation of each tool and classification type of :data:`ONTOLOGY`."""
    return [
        bbox(data_row),
        {
            "uuid": uid(),
            "name": "area",
            "dataRow": data_row,
            "polygon": [{"x": 0, "y": 0}, {"x": 5, "y": 0}, {"x": 5, "y": 5}],
        },
        {"uuid": uid(), "name": "dot", "dataRow": data_row, "point": {"x": 3, "y": 4}},
        {
            "uuid": uid(),
            "name": "edge",
            "dataRow": data_row,
            "line": [{"x": 0, "y": 0}, {"x": 1, "y": 1}],
        },
        {
            "uuid": uid(),
            "name": "seg",
            "dataRow": data_row,
            "mask": {"instanceURI": "https://example.com/m.png", "colorRGB": [255, 0, 0]},
        },
        {"uuid": uid(), "name": "ent", "dataRow": data_row, "location": {"start": 0, "end": 4}},
        radio(data_row),
        checklist(data_row, "a", "b"),
        {"uuid": uid(), "name": "note", "dataRow": data_row, "answer": "free text"},
    ]
