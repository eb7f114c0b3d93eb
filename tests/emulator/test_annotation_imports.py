"""The emulator's per-line checks of an import: geometry per tool, answers per classification
type, features by name or schema id, nested classifications, and the export-v2 shapes stored."""

from __future__ import annotations

from typing import Any

import pytest

from aiolabel.emulator import Emulator
from aiolabel.emulator.resolvers.annotation_imports import (
    Features,
    LineError,
    _status_line,
    check_annotation,
    check_line,
)
from tests.annotation_data import ONTOLOGY, every_kind
from tests.emulator.conftest import Gql

FEATURES = Features.of(
    {
        **ONTOLOGY,
        "tools": [
            *ONTOLOGY["tools"],
            {
                "tool": "rectangle",
                "name": "car",
                "featureSchemaId": "fs-car",
                "classifications": [
                    {
                        "type": "radio",
                        "name": "colour",
                        "featureSchemaId": "fs-colour",
                        "options": [{"value": "red", "featureSchemaId": "fs-red"}],
                    }
                ],
            },
        ],
    }
)
ROW = {"id": "dr1"}


def line(**fields: Any) -> dict[str, Any]:
    return {"uuid": "00000000-0000-0000-0000-000000000001", "dataRow": ROW, **fields}


def test_every_kind_is_accepted_in_its_export_shape() -> None:
    shapes = [check_annotation(FEATURES, a) for a in every_kind(ROW)]
    assert [kind for kind, _ in shapes] == ["objects"] * 6 + ["classifications"] * 3
    keys = [
        next(
            k for k in out if k in {"bounding_box", "polygon", "point", "line", "mask", "location"}
        )
        for _, out in shapes[:6]
    ]
    assert keys == ["bounding_box", "polygon", "point", "line", "mask", "location"]
    assert shapes[0][1]["annotation_kind"] == "ImageBoundingBox"
    assert shapes[5][1]["annotation_kind"] == "TextEntity"
    assert shapes[6][1]["radio_answer"]["feature_schema_id"] == "fs-sunny"
    assert [a["name"] for a in shapes[7][1]["checklist_answers"]] == ["a", "b"]
    assert shapes[8][1]["text_answer"] == {"content": "free text"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "area", "polygon": [{"x": 0, "y": 0}, {"x": 1, "y": 1}]}, "at least 3 points"),
        ({"name": "edge", "line": [{"x": 0, "y": 0}]}, "at least 2 points"),
        ({"name": "edge", "line": [{"x": 0, "y": 0}, {"x": "1", "y": 1}]}, "numeric x and y"),
        ({"name": "dot", "point": {"x": 1}}, "point needs numeric x and y"),
        ({"name": "box", "bbox": {"top": 1, "left": 1, "height": 1}}, "numeric top, left"),
        ({"name": "box", "bbox": {"top": 1, "left": 1, "height": 1, "width": -1}}, "positive"),
        ({"name": "seg", "mask": {}}, "instanceURI, url or png"),
        ({"name": "seg", "mask": {"png": "x", "colorRGB": [1, 2]}}, "three integers"),
        ({"name": "ent", "location": {"start": 5, "end": 2}}, "0 <= start <= end"),
        ({"name": "box", "polygon": [{"x": 0, "y": 0}] * 3}, "needs bbox, got polygon"),
        ({"name": "box"}, "needs bbox, got no geometry"),
        ({"name": "weather", "bbox": {}}, "classification, not a tool"),
        ({"name": "weather", "answer": [{"name": "sunny"}]}, "give one answer"),
        ({"name": "weather", "answer": "sunny"}, "must be an object"),
        ({"name": "tags", "answer": {"name": "a"}}, "give a list of answers"),
        ({"name": "tags", "answer": [{"name": "c"}]}, "'c' is not an answer of 'tags'"),
        ({"name": "note", "answer": 3}, "must be a string"),
        ({"schemaId": "fs-nope", "answer": "x"}, "'fs-nope' is not in the project's ontology"),
        ({"answer": "x"}, "needs a name or a schemaId"),
        (
            {
                "name": "car",
                "bbox": {"top": 0, "left": 0, "height": 1, "width": 1},
                "classifications": [{"name": "colour", "answer": {"name": "blue"}}],
            },
            "'blue' is not an answer of 'colour'",
        ),
        (
            {
                "name": "car",
                "bbox": {"top": 0, "left": 0, "height": 1, "width": 1},
                "classifications": [{"name": "weather", "answer": {"name": "sunny"}}],
            },
            "'weather' is not a classification of 'car'",
        ),
    ],
)
def test_refused_lines_say_why(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(LineError, match=message):
        check_annotation(FEATURES, line(**fields))
    with pytest.raises(LineError, match=message):  # the check MAL and MEA imports run alone
        check_line(FEATURES, line(**fields))


def test_the_check_alone_accepts_what_the_export_shape_accepts() -> None:
    for annotation in every_kind(ROW):
        assert check_line(FEATURES, annotation).name == annotation.get("name", "tags")


def test_features_by_schema_id_and_nested_answers() -> None:
    kind, out = check_annotation(
        FEATURES,
        line(
            schemaId="fs-car",
            bbox={"top": 0, "left": 0, "height": 1, "width": 1},
            classifications=[{"schemaId": "fs-colour", "answer": {"schemaId": "fs-red"}}],
        ),
    )
    assert kind == "objects"
    assert out["name"] == "car"
    assert out["classifications"][0]["radio_answer"]["name"] == "red"


def test_no_ontology_refuses_every_line() -> None:
    with pytest.raises(LineError, match="no ontology"):
        check_annotation(None, line(name="box", bbox={}))


def test_status_lines_are_json() -> None:
    import json

    ok = _status_line(line(), [], {"id": "dr1"})
    assert json.loads(ok) == {
        "uuid": "00000000-0000-0000-0000-000000000001",
        "dataRow": {"id": "dr1"},
        "status": "SUCCESS",
    }
    bad = json.loads(_status_line(line(), ['a "quoted" reason'], {"globalKey": 'k"1'}))
    assert bad["status"] == "FAILURE"
    assert bad["errors"] == [
        {"name": "ValidationError", "message": 'a "quoted" reason', "additionalInfo": None}
    ]
    assert bad["dataRow"] == {"globalKey": 'k"1'}


@pytest.mark.parametrize("key", ["plain-key", 'k"1', "back\\slash", "tab\t", "ünï €", "\u2028"])
def test_a_success_by_global_key_is_the_json_the_encoder_writes(key: str) -> None:
    import json

    from aiolabel.emulator.store import dumps

    row = {"id": "c" * 25, "globalKey": key}
    written = _status_line(line(), [], row)
    expected = {"uuid": line()["uuid"], "dataRow": row, "status": "SUCCESS"}
    assert written == dumps(expected).encode() + b"\n"
    assert json.loads(written) == expected


async def test_an_mea_import_needs_a_live_model_run(gql: Gql, emu: Emulator) -> None:
    body = await gql(
        "mutation($d: ModelRunImportInput!) {"
        " createModelErrorAnalysisPredictionImport(data: $d) { id } }",
        {"d": {"modelRunId": "cl000000000000000000000000", "name": "p", "fileUrl": "x"}},
    )
    assert body["errors"][0]["extensions"]["code"] == "RESOURCE_NOT_FOUND"
    assert body["errors"][0]["message"] == "Model run cl000000000000000000000000 not found"
    assert emu.control("import_stats")["imports"] == 0
