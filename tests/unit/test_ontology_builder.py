"""The ontology builder: the same normalized JSON as the official SDK's classes, the same
from_dict, and typed errors naming the argument for what the service would refuse."""

from __future__ import annotations

from typing import Any

import labelbox as lb
import pytest
from labelbox.schema.tool_building.classification import (
    PromptResponseClassification as LbPrompt,
)
from labelbox.schema.tool_building.classification import ResponseOption as LbResponseOption

import aiolabel as al
from aiolabel.errors import InconsistentOntologyException, InputError, InputTypeError
from aiolabel.models.ontology_builder import (
    CLASSIFICATION_TYPES,
    TOOL_TYPES,
    check_feature,
    check_normalized,
)


def build(m: Any) -> Any:
    """The same ontology with the classes of module ``m`` (labelbox or aiolabel)."""
    radio = m.Classification(
        class_type=m.Classification.Type.RADIO, name="quality", ui_mode=None, required=True
    )
    radio.add_option(m.Option(value="good"))
    nested = m.Classification(class_type=m.Classification.Type.TEXT, name="why")
    radio.add_option(m.Option(value="bad", label="Bad!", options=[nested]))
    likert = m.Classification(
        class_type=m.Classification.Type.RADIO,
        name="score",
        options=[m.Option(value=1), m.Option(value=2)],
        is_likert_scale=True,
        ui_mode=m.Classification.UIMode.HOTKEY,
        scope=m.Classification.Scope.INDEX,
    )
    tool = m.Tool(tool=m.Tool.Type.POLYGON, name="dog", color="#00ff00")
    tool.add_classification(
        m.Classification(
            class_type=m.Classification.Type.CHECKLIST,
            name="parts",
            options=[m.Option(value="head"), m.Option(value="tail", feature_schema_id="f" * 25)],
        )
    )
    builder = m.OntologyBuilder()
    for t in (
        m.Tool(tool=m.Tool.Type.BBOX, name="cat"),
        tool,
        m.Tool(tool=m.Tool.Type.NER, name="person", required=True),
        m.Tool(tool=m.Tool.Type.RELATIONSHIP, name="link", schema_id="s" * 25),
    ):
        builder.add_tool(t)
    for c in (radio, likert, m.Classification(class_type=m.Classification.Type.TEXT,
                                              name="note")):  # fmt: skip
        builder.add_classification(c)
    return builder


def test_asdict_is_the_official_json() -> None:
    ours, theirs = build(al).asdict(), build(lb).asdict()
    assert ours == theirs
    assert [t["color"] for t in ours["tools"]] == ["#ff0000", "#00ff00", "#00ffff", "#7f00ff"]


def test_from_dict_round_trips_like_the_official() -> None:
    normalized = build(lb).asdict()
    ours = al.OntologyBuilder.from_dict(normalized)
    theirs = lb.OntologyBuilder.from_dict(normalized)
    assert ours.asdict() == theirs.asdict() == normalized
    assert [t.name for t in ours.tools] == ["cat", "dog", "person", "link"]
    assert ours.classifications[0].options[1].options[0].name == "why"


def test_prompt_response_classifications() -> None:
    def prompts(m: Any, option: Any) -> dict[str, Any]:
        builder = m.OntologyBuilder(
            classifications=[
                m_prompt(m)(class_type=m_prompt(m).Type.PROMPT, name="p", character_max=10),
                m_prompt(m)(
                    class_type=m_prompt(m).Type.RESPONSE_RADIO,
                    name="r",
                    options=[option(value="a"), option(value="b")],
                ),
            ]
        )
        result: dict[str, Any] = builder.asdict()
        return result

    def m_prompt(m: Any) -> Any:
        return LbPrompt if m is lb else al.PromptResponseClassification

    ours = prompts(al, al.ResponseOption)
    assert ours == prompts(lb, LbResponseOption)
    rebuilt = al.OntologyBuilder.from_dict(ours)
    assert isinstance(rebuilt.classifications[0], al.PromptResponseClassification)
    assert rebuilt.asdict() == ours


def test_feature_asdict_matches_for_create_feature_schema() -> None:
    assert al.Tool(tool=al.Tool.Type.LINE, name="road").asdict() == (
        lb.Tool(tool=lb.Tool.Type.LINE, name="road").asdict()
    )
    assert al.Classification(class_type="text", name="t").asdict() == (
        lb.Classification(class_type=lb.Classification.Type.TEXT, name="t").asdict()
    )


def test_types_match_the_official_enums() -> None:
    assert {t.value for t in al.Tool.Type} == {t.value for t in lb.Tool.Type}
    assert {t.value for t in al.Classification.Type} == {t.value for t in lb.Classification.Type}
    assert {t.value for t in lb.Tool.Type} <= TOOL_TYPES
    assert {t.value for t in lb.Classification.Type} | {
        t.value for t in LbPrompt.Type
    } == CLASSIFICATION_TYPES


def test_types_given_as_strings() -> None:
    assert al.Tool(tool="rectangle", name="x").tool is al.Tool.Type.BBOX  # type: ignore[arg-type]
    assert (
        al.Classification(class_type="radio", name="x").class_type is al.Classification.Type.RADIO
    )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: al.Tool(tool="lasso", name="x"), InputError, "tool: unknown type 'lasso'"),
        (lambda: al.Tool(tool=al.Tool.Type.BBOX, name=""), InputError, "Tool name"),
        (lambda: al.Tool(tool=al.Tool.Type.BBOX, name=3), InputTypeError, "Tool name"),
        (lambda: al.Classification(class_type="slider", name="x"), InputError, "class_type"),
        (lambda: al.Classification(class_type="text"), InputError, '"name"'),
        (lambda: al.Classification(class_type="text", name="  "), InputError, "name"),
        (lambda: al.Option(value=""), InputError, "Option value"),
        (lambda: al.Option(value=True), InputTypeError, "Option value"),
    ],
)
def test_bad_builder_arguments(make: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        make()
    assert issubclass(InputError, ValueError)  # code catching the official ValueError still works


def test_instructions_alone_name_the_classification() -> None:
    c = al.Classification(class_type=al.Classification.Type.TEXT, instructions="old")
    assert (c.name, c.instructions) == ("old", "old")


def test_duplicates_refused_by_the_builder() -> None:
    builder = al.OntologyBuilder()
    builder.add_tool(al.Tool(tool=al.Tool.Type.BBOX, name="cat"))
    with pytest.raises(InconsistentOntologyException, match="Duplicate tool name 'cat'"):
        builder.add_tool(al.Tool(tool=al.Tool.Type.POINT, name="cat"))
    radio = al.Classification(class_type=al.Classification.Type.RADIO, name="r")
    with pytest.raises(InconsistentOntologyException, match="requires options"):
        radio.asdict()
    radio.add_option(al.Option(value="a"))
    with pytest.raises(InconsistentOntologyException, match="Duplicate option"):
        radio.add_option(al.Option(value="a"))


@pytest.mark.parametrize(
    ("normalized", "error", "message"),
    [
        ([], InputTypeError, "normalized must be a dict"),
        ({"tools": [], "extra": []}, InputError, "unknown keys"),
        ({"tools": [{"tool": "lasso", "name": "x"}]}, InputError, r"tools\[0\].tool: unknown"),
        ({"tools": [{"tool": "line", "name": ""}]}, InputError, r"tools\[0\].name must not"),
        (
            {"classifications": [{"type": "radio", "name": "r", "options": []}]},
            InputError,
            "needs options",
        ),
        (
            {"tools": [{"tool": "line", "name": "a"}, {"tool": "point", "name": "a"}]},
            InputError,
            "normalized.tools: duplicate tool name 'a'",
        ),
        (
            {"classifications": [{"type": "text", "name": "a"}, {"type": "text", "name": "a"}]},
            InputError,
            "duplicate classification name",
        ),
        (
            {
                "classifications": [
                    {"type": "radio", "name": "r", "options": [{"value": "x"}, {"value": "x"}]}
                ]
            },
            InputError,
            "duplicate option value 'x'",
        ),
        (
            {
                "tools": [
                    {
                        "tool": "line",
                        "name": "l",
                        "classifications": [
                            {"type": "text", "name": "n"},
                            {"type": "text", "name": "n"},
                        ],
                    }
                ]
            },
            InputError,
            "duplicate classification name 'n'",
        ),
        ({"tools": [{"name": "x"}]}, InputError, "unknown tool type None"),
    ],
)
def test_check_normalized(normalized: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        check_normalized(normalized)


def test_check_normalized_accepts_the_builders_json() -> None:
    check_normalized(build(al).asdict())
    check_normalized({"tools": [], "classifications": []})
    assert check_feature({"tool": "line", "name": "x"}) == "tool"
    assert check_feature({"type": "text", "name": "x"}) == "classification"
    with pytest.raises(InputError, match="neither 'tool' nor 'type'"):
        check_feature({"name": "x"})
