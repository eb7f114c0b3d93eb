"""The ontology builder: plain, synchronous dataclasses whose ``asdict()`` / ``from_dict()`` give
the official SDK's normalized JSON, key for key (``Tool``, ``Classification``, ``Option``,
``PromptResponseClassification``, ``ResponseOption``, ``OntologyBuilder``).

Where aiolabel goes further: a tool or classification type may be given as its string value,
and an unknown type or an empty name raises :class:`~aiolabel.errors.InputError` (a
``ValueError``) naming the argument, where the official classes fail later or not at all.
:func:`check_normalized` checks a whole normalized ontology the way the service does, so a
refused ontology is refused before any request.
"""

from __future__ import annotations

import colorsys
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum, EnumMeta
from typing import TYPE_CHECKING, Any, TypeVar

from aiolabel.errors import InconsistentOntologyException, InputError, InputTypeError

if TYPE_CHECKING:
    from aiolabel.models.ontology import Ontology
    from aiolabel.models.project import Project

__all__ = [
    "Classification",
    "FeatureSchemaAttribute",
    "OntologyBuilder",
    "Option",
    "PromptResponseClassification",
    "ResponseOption",
    "Tool",
    "check_feature",
    "check_normalized",
]

_E = TypeVar("_E", bound=Enum)


def _enum(kind: type[_E], value: object, argument: str) -> _E:
    """A member of ``kind`` from itself or its value, or InputError naming the argument."""
    if isinstance(value, kind):
        return value
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(repr(m.value) for m in kind)
        raise InputError(f"{argument}: unknown type {value!r}; use one of {allowed}") from None


def _name(value: object, argument: str) -> str:
    if not isinstance(value, str):
        raise InputTypeError(f"{argument} must be a str, got {type(value).__name__}")
    if not value.strip():
        raise InputError(f"{argument} must not be empty")
    return value


@dataclass
class FeatureSchemaAttribute:
    """An attribute of a tool or classification (beta in the official SDK)."""

    attributeName: str
    attributeValue: str

    def asdict(self) -> dict[str, Any]:
        return {"attributeName": self.attributeName, "attributeValue": self.attributeValue}

    @classmethod
    def from_dict(cls, dictionary: Mapping[str, Any]) -> FeatureSchemaAttribute:
        return cls(
            attributeName=dictionary["attributeName"],
            attributeValue=dictionary["attributeValue"],
        )


def _attributes(dictionary: Mapping[str, Any]) -> list[FeatureSchemaAttribute] | None:
    raw = dictionary.get("attributes")
    return [FeatureSchemaAttribute.from_dict(a) for a in raw] if raw else None


@dataclass
class Option:
    """An answer of a radio or checklist classification; it may nest classifications."""

    value: str | int
    label: str | int | None = None
    schema_id: str | None = None
    feature_schema_id: str | None = None
    options: list[Any] = field(default_factory=list)
    position: int | None = None

    def __post_init__(self) -> None:
        if isinstance(self.value, bool) or not isinstance(self.value, str | int):
            raise InputTypeError(f"Option value must be a str or int, got {self.value!r}")
        if isinstance(self.value, str) and not self.value.strip():
            raise InputError("Option value must not be empty")
        if self.label is None:
            self.label = self.value

    @classmethod
    def from_dict(cls, dictionary: Mapping[str, Any]) -> Option:
        return cls(
            value=dictionary["value"],
            label=dictionary["label"],
            schema_id=dictionary.get("schemaNodeId"),
            feature_schema_id=dictionary.get("featureSchemaId"),
            options=[Classification.from_dict(o) for o in dictionary.get("options", [])],
            position=dictionary.get("position"),
        )

    def asdict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "schemaNodeId": self.schema_id,
            "featureSchemaId": self.feature_schema_id,
            "label": self.label,
            "value": self.value,
            "options": [o.asdict(is_subclass=True) for o in self.options],
        }
        if self.position is not None:
            result["position"] = self.position
        return result

    def add_option(self, option: Any) -> None:
        if option.name in (o.name for o in self.options):
            raise InconsistentOntologyException(
                f"Duplicate nested classification '{option.name}' for option '{self.label}'"
            )
        self.options.append(option)


def _classification_name(name: str | None, instructions: str | None) -> tuple[str, str]:
    """``(name, instructions)`` as the official classes settle them (instructions alone is the
    deprecated spelling of the name)."""
    if name is None:
        if instructions is None:
            raise InputError(
                'Classification needs a "name" (the schema name used by label imports)'
            )
        name = instructions
    _name(name, "Classification name")
    return name, name if instructions is None else instructions


@dataclass
class Classification:
    """A classification: global (an ontology's ``classifications``) or nested in a tool or
    option. ``class_type`` may be a :class:`Classification.Type` or its value."""

    class Type(Enum):
        TEXT = "text"
        CHECKLIST = "checklist"
        RADIO = "radio"
        GROUP = "group"

    class Scope(Enum):
        GLOBAL = "global"
        INDEX = "index"

    class UIMode(Enum):
        HOTKEY = "hotkey"
        SEARCHABLE = "searchable"

    class_type: Type
    name: str | None = None
    instructions: str | None = None
    required: bool = False
    options: list[Option] = field(default_factory=list)
    schema_id: str | None = None
    feature_schema_id: str | None = None
    scope: Scope | None = None
    ui_mode: UIMode | None = None
    attributes: list[FeatureSchemaAttribute] | None = None
    is_likert_scale: bool = False

    def __post_init__(self) -> None:
        self.class_type = _enum(Classification.Type, self.class_type, "class_type")
        self.name, self.instructions = _classification_name(self.name, self.instructions)
        if self.scope is not None:
            self.scope = _enum(Classification.Scope, self.scope, "scope")
        if self.ui_mode is not None:
            self.ui_mode = _enum(Classification.UIMode, self.ui_mode, "ui_mode")

    @classmethod
    def from_dict(cls, dictionary: Mapping[str, Any]) -> Classification:
        return cls(
            class_type=Classification.Type(dictionary["type"]),
            name=dictionary["name"],
            instructions=dictionary["instructions"],
            required=dictionary.get("required", False),
            options=[Option.from_dict(o) for o in dictionary["options"]],
            ui_mode=cls.UIMode(dictionary["uiMode"]) if "uiMode" in dictionary else None,
            schema_id=dictionary.get("schemaNodeId"),
            feature_schema_id=dictionary.get("featureSchemaId"),
            scope=cls.Scope(dictionary.get("scope", cls.Scope.GLOBAL)),
            attributes=_attributes(dictionary),
            is_likert_scale=dictionary.get("isLikertScale", False),
        )

    def asdict(self, is_subclass: bool = False) -> dict[str, Any]:
        if self.class_type in (self.Type.CHECKLIST, self.Type.RADIO) and not self.options:
            raise InconsistentOntologyException(f"Classification '{self.name}' requires options.")
        classification: dict[str, Any] = {
            "type": self.class_type.value,
            "instructions": self.instructions,
            "name": self.name,
            "required": self.required,
            "options": [o.asdict() for o in self.options],
            "schemaNodeId": self.schema_id,
            "featureSchemaId": self.feature_schema_id,
            "attributes": None
            if self.attributes is None
            else [a.asdict() for a in self.attributes],
        }
        if self.class_type == self.Type.RADIO and self.is_likert_scale:
            classification["isLikertScale"] = self.is_likert_scale
        if self.class_type in (self.Type.RADIO, self.Type.CHECKLIST) and self.ui_mode:
            classification["uiMode"] = self.ui_mode.value
        if is_subclass:
            return classification
        classification["scope"] = (self.scope or self.Scope.GLOBAL).value
        return classification

    def add_option(self, option: Option) -> None:
        if option.value in (o.value for o in self.options):
            raise InconsistentOntologyException(
                f"Duplicate option '{option.value}' for classification '{self.name}'."
            )
        if option.position is None:
            option.position = len(self.options)
        self.options.append(option)


@dataclass
class ResponseOption(Option):
    """An answer of a response classification (prompt-and-response ontologies)."""

    @classmethod
    def from_dict(cls, dictionary: Mapping[str, Any]) -> ResponseOption:
        return cls(
            value=dictionary["value"],
            label=dictionary["label"],
            schema_id=dictionary.get("schemaNodeId"),
            feature_schema_id=dictionary.get("featureSchemaId"),
            options=[
                PromptResponseClassification.from_dict(o) for o in dictionary.get("options", [])
            ],
        )


@dataclass
class PromptResponseClassification:
    """A prompt or response classification of a prompt-and-response ontology (always
    required)."""

    class Type(Enum):
        PROMPT = "prompt"
        RESPONSE_TEXT = "response-text"
        RESPONSE_CHECKLIST = "response-checklist"
        RESPONSE_RADIO = "response-radio"

    class_type: Type
    name: str | None = None
    instructions: str | None = None
    required: bool = True
    options: list[ResponseOption] = field(default_factory=list)
    character_min: int | None = None
    character_max: int | None = None
    schema_id: str | None = None
    feature_schema_id: str | None = None

    def __post_init__(self) -> None:
        self.class_type = _enum(PromptResponseClassification.Type, self.class_type, "class_type")
        self.name, self.instructions = _classification_name(self.name, self.instructions)

    @classmethod
    def from_dict(cls, dictionary: Mapping[str, Any]) -> PromptResponseClassification:
        return cls(
            class_type=PromptResponseClassification.Type(dictionary["type"]),
            name=dictionary["name"],
            instructions=dictionary["instructions"],
            required=True,
            options=[ResponseOption.from_dict(o) for o in dictionary["options"]],
            character_min=dictionary.get("minCharacters"),
            character_max=dictionary.get("maxCharacters"),
            schema_id=dictionary.get("schemaNodeId"),
            feature_schema_id=dictionary.get("featureSchemaId"),
        )

    def asdict(self, is_subclass: bool = False) -> dict[str, Any]:
        needs = (self.Type.RESPONSE_CHECKLIST, self.Type.RESPONSE_RADIO)
        if self.class_type in needs and not self.options:
            raise InconsistentOntologyException(
                f"Response Classification '{self.name}' requires options."
            )
        classification: dict[str, Any] = {
            "type": self.class_type.value,
            "instructions": self.instructions,
            "name": self.name,
            "required": True,
            "options": [o.asdict() for o in self.options],
            "schemaNodeId": self.schema_id,
            "featureSchemaId": self.feature_schema_id,
        }
        if self.class_type in (self.Type.PROMPT, self.Type.RESPONSE_TEXT):
            if self.character_min:
                classification["minCharacters"] = self.character_min
            if self.character_max:
                classification["maxCharacters"] = self.character_max
        return classification

    def add_option(self, option: ResponseOption) -> None:
        if option.value in (o.value for o in self.options):
            raise InconsistentOntologyException(
                f"Duplicate option '{option.value}' for response classification '{self.name}'."
            )
        self.options.append(option)


class _ToolTypeMeta(EnumMeta):
    """``Tool.Type.BOUNDING_BOX`` (a spelling of the documents that no SDK version has) fails
    naming ``Tool.Type.BBOX``."""

    def __getattr__(cls, name: str) -> Any:
        if name == "BOUNDING_BOX":
            raise AttributeError(
                "Tool.Type has no BOUNDING_BOX: the bounding box tool is Tool.Type.BBOX"
            )
        members = cls.__dict__.get("_member_map_", {})
        if name in members:
            return members[name]
        raise AttributeError(name)


@dataclass
class Tool:
    """A tool (object) of an ontology. ``tool`` may be a :class:`Tool.Type` or its value."""

    class Type(Enum, metaclass=_ToolTypeMeta):
        POLYGON = "polygon"
        SEGMENTATION = "superpixel"
        RASTER_SEGMENTATION = "raster-segmentation"
        POINT = "point"
        BBOX = "rectangle"
        LINE = "line"
        NER = "named-entity"
        RELATIONSHIP = "edge"
        MESSAGE_SINGLE_SELECTION = "message-single-selection"
        MESSAGE_MULTI_SELECTION = "message-multi-selection"
        MESSAGE_RANKING = "message-ranking"
        MARKER = "marker"

    tool: Type
    name: str
    required: bool = False
    color: str | None = None
    classifications: list[Classification] = field(default_factory=list)
    schema_id: str | None = None
    feature_schema_id: str | None = None
    attributes: list[FeatureSchemaAttribute] | None = None

    def __post_init__(self) -> None:
        self.tool = _enum(Tool.Type, self.tool, "tool")
        _name(self.name, "Tool name")

    @classmethod
    def from_dict(cls, dictionary: Mapping[str, Any]) -> Tool:
        return cls(
            name=dictionary["name"],
            schema_id=dictionary.get("schemaNodeId"),
            feature_schema_id=dictionary.get("featureSchemaId"),
            required=dictionary.get("required", False),
            tool=Tool.Type(dictionary["tool"]),
            classifications=[Classification.from_dict(c) for c in dictionary["classifications"]],
            color=dictionary["color"],
            attributes=_attributes(dictionary),
        )

    def asdict(self) -> dict[str, Any]:
        return {
            "tool": self.tool.value,
            "name": self.name,
            "required": self.required,
            "color": self.color,
            "classifications": [c.asdict(is_subclass=True) for c in self.classifications],
            "schemaNodeId": self.schema_id,
            "featureSchemaId": self.feature_schema_id,
            "attributes": None
            if self.attributes is None
            else [a.asdict() for a in self.attributes],
        }

    def add_classification(self, classification: Classification) -> None:
        if classification.name in (c.name for c in self.classifications):
            raise InconsistentOntologyException(
                f"Duplicate nested classification '{classification.name}' for tool '{self.name}'"
            )
        self.classifications.append(classification)


_PROMPT_TYPES = frozenset(t.value for t in PromptResponseClassification.Type)


@dataclass
class OntologyBuilder:
    """Build an ontology's normalized JSON: ``await client.create_ontology(name,
    builder.asdict(), media_type=MediaType.Image)``."""

    tools: list[Tool] = field(default_factory=list)
    classifications: list[Classification | PromptResponseClassification] = field(
        default_factory=list
    )

    @classmethod
    def from_dict(cls, dictionary: Mapping[str, Any]) -> OntologyBuilder:
        classifications: list[Classification | PromptResponseClassification] = [
            PromptResponseClassification.from_dict(c)
            if c.get("type") in _PROMPT_TYPES
            else Classification.from_dict(c)
            for c in dictionary["classifications"]
        ]
        return cls(
            tools=[Tool.from_dict(t) for t in dictionary["tools"]],
            classifications=classifications,
        )

    def asdict(self) -> dict[str, Any]:
        """The normalized JSON; tools without a colour get one spread over the hue circle (as
        the official builder does, in place)."""
        self._update_colors()
        prompts = sum(
            1
            for c in self.classifications
            if c.class_type == PromptResponseClassification.Type.PROMPT
        )
        if prompts > 1:
            raise ValueError("Only one prompt is allowed per ontology")
        return {
            "tools": [t.asdict() for t in self.tools],
            "classifications": [c.asdict() for c in self.classifications],
        }

    def _update_colors(self) -> None:
        count = len(self.tools)
        for index, tool in enumerate(self.tools):
            if tool.color is None:
                rgb = tuple(int(255 * x) for x in colorsys.hsv_to_rgb(index / count, 1, 1))
                tool.color = "#{:02x}{:02x}{:02x}".format(*rgb)

    @classmethod
    def from_ontology(cls, ontology: Ontology) -> OntologyBuilder:
        return cls.from_dict(ontology.normalized)

    @classmethod
    async def from_project(cls, project: Project) -> OntologyBuilder:
        """The builder of a project's ontology (awaited: it reads the project's ontology)."""
        ontology = await project.ontology()
        if ontology is None:
            raise InputError(f"project {project.uid} has no ontology connected")
        return cls.from_dict(ontology.normalized)

    def add_tool(self, tool: Tool) -> None:
        if tool.name in (t.name for t in self.tools):
            raise InconsistentOntologyException(f"Duplicate tool name '{tool.name}'. ")
        self.tools.append(tool)

    def add_classification(
        self, classification: Classification | PromptResponseClassification
    ) -> None:
        if classification.name in (c.name for c in self.classifications):
            raise InconsistentOntologyException(
                f"Duplicate classification name '{classification.name}'. "
            )
        self.classifications.append(classification)


# -- checks of normalized JSON, as the service makes them ---------------------------------------

TOOL_TYPES = frozenset(t.value for t in Tool.Type) | {
    "step-reasoning",
    "fact-checking",
    "prompt-issue",
}
"""Tool types an ontology may hold (``Tool.Type`` and the official ``ToolType``)."""
CLASSIFICATION_TYPES = frozenset(t.value for t in Classification.Type) | _PROMPT_TYPES
_NEEDS_OPTIONS = frozenset({"checklist", "radio", "response-checklist", "response-radio"})


def _unique(values: list[Any], what: str, argument: str) -> None:
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            raise InputError(f"{argument}: duplicate {what} {value!r}")
        seen.add(value)


def _check_node(node: object, kind: str, argument: str) -> None:
    if not isinstance(node, Mapping):
        raise InputTypeError(f"{argument} must be a dict, got {type(node).__name__}")
    if kind == "tool":
        if node.get("tool") not in TOOL_TYPES:
            raise InputError(f"{argument}.tool: unknown tool type {node.get('tool')!r}")
        _name(node.get("name"), f"{argument}.name")
        children = node.get("classifications") or []
        for i, child in enumerate(children):
            _check_node(child, "classification", f"{argument}.classifications[{i}]")
        _unique([c.get("name") or c.get("instructions") for c in children],
                "classification name", argument)  # fmt: skip
    elif kind == "classification":
        if node.get("type") not in CLASSIFICATION_TYPES:
            raise InputError(f"{argument}.type: unknown classification type {node.get('type')!r}")
        _name(node.get("name") or node.get("instructions"), f"{argument}.name")
        options = node.get("options") or []
        if node["type"] in _NEEDS_OPTIONS and not options:
            raise InputError(f"{argument}: a {node['type']} classification needs options")
        for i, option in enumerate(options):
            _check_node(option, "option", f"{argument}.options[{i}]")
        _unique([o.get("value") for o in options], "option value", argument)
    else:
        value = node.get("value")
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise InputTypeError(f"{argument}.value must be a str or int")
        if isinstance(value, str):
            _name(value, f"{argument}.value")
        children = node.get("options") or []
        for i, child in enumerate(children):
            _check_node(child, "classification", f"{argument}.options[{i}]")


def _not_a_dict(value: object, argument: str) -> str:
    kind = type(value).__name__
    if callable(getattr(value, "asdict", None)):
        return f"{argument} must be a dict: pass {argument}.asdict() (got a {kind})"
    return f"{argument} must be a dict, got {kind}"


def check_feature(normalized: object, argument: str = "normalized") -> str:
    """Check one tool or classification's normalized dict; ``"tool"`` or ``"classification"``."""
    if not isinstance(normalized, Mapping):
        raise InputTypeError(_not_a_dict(normalized, argument))
    if "tool" in normalized:
        kind = "tool"
    elif "type" in normalized:
        kind = "classification"
    else:
        raise InputError(f"{argument}: neither 'tool' nor 'type' found in the feature schema")
    _check_node(normalized, kind, argument)
    return kind


def check_normalized(normalized: object, argument: str = "normalized") -> None:
    """Check an ontology's normalized dict as the service does: known tool and classification
    types, non-empty names, options where needed, no duplicate names among the tools or among
    the classifications (nor in one tool's or classification's children)."""
    if not isinstance(normalized, Mapping):
        raise InputTypeError(_not_a_dict(normalized, argument))
    unknown = set(normalized) - {"tools", "classifications", "relationships"}
    if unknown:
        raise InputError(f"{argument}: unknown keys {sorted(unknown)}")
    for key, kind in (("tools", "tool"), ("classifications", "classification")):
        nodes = normalized.get(key) or []
        if not isinstance(nodes, list):
            raise InputTypeError(f"{argument}.{key} must be a list")
        for i, node in enumerate(nodes):
            _check_node(node, kind, f"{argument}.{key}[{i}]")
        names = [n.get("name") or n.get("instructions") for n in nodes]
        _unique(names, f"{kind} name", f"{argument}.{key}")
        ids = [n.get("featureSchemaId") for n in nodes if n.get("featureSchemaId")]
        _unique(ids, "feature schema", f"{argument}.{key}")
