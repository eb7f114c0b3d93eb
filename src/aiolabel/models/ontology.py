"""Ontology, FeatureSchema, LabelingFrontend and LabelingFrontendOptions: what the service
answers, bound to the client; behaviour lives in :mod:`aiolabel._resources.ontologies`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import Field

from aiolabel.enums import MediaType
from aiolabel.models.base import DateTime, Model
from aiolabel.models.ontology_builder import (
    Classification,
    PromptResponseClassification,
    Tool,
)
from aiolabel.models.project import Project
from aiolabel.models.user import User
from aiolabel.pagination import OffsetPaginator

__all__ = [
    "DeleteFeatureFromOntologyResult",
    "FeatureSchema",
    "LabelingFrontend",
    "LabelingFrontendOptions",
    "Ontology",
]

_PROMPT_TYPES = frozenset(t.value for t in PromptResponseClassification.Type)


class Ontology(Model):
    """The tools and classifications a project's labellers use (read only, as in the official
    SDK; change it through the feature-schema methods of the client)."""

    __entity__ = "Ontology"

    uid: str = Field(alias="id")
    name: str
    description: str | None = None
    created_at: DateTime | None = None
    updated_at: DateTime | None = None
    normalized: dict[str, Any] = Field(default_factory=dict)
    object_schema_count: int | None = None
    classification_schema_count: int | None = None
    media_type: MediaType | None = None

    def tools(self) -> list[Tool]:
        """The tools of ``normalized`` as builder objects."""
        return [Tool.from_dict(t) for t in self.normalized.get("tools", [])]

    def classifications(self) -> list[Classification | PromptResponseClassification]:
        """The global classifications of ``normalized`` as builder objects."""
        return [
            PromptResponseClassification.from_dict(c)
            if c.get("type") in _PROMPT_TYPES
            else Classification.from_dict(c)
            for c in self.normalized.get("classifications", [])
        ]

    def projects(self) -> OffsetPaginator[Project]:
        """The live projects this ontology is connected to."""
        return self.client._ontologies.ontology_projects(self.uid)

    async def created_by(self) -> User | None:
        return await self.client._ontologies.ontology_created_by(self.uid)


class FeatureSchema(Model):
    """A root tool or classification, reusable across ontologies. ``uid`` is its feature schema
    id (``normalized["featureSchemaId"]``), as in the official SDK."""

    uid: str = Field(alias="id")
    name: str
    color: str | None = None
    normalized: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def from_node(cls, client: Any, node: dict[str, Any]) -> FeatureSchema:
        """From a root schema node (its ``id`` is the schema node's; the feature schema id is in
        ``normalized``). ``color`` is read from ``normalized``: the official selection asks for
        no colour (its ``color`` field is declared with the GraphQL name ``name``)."""
        normalized = node.get("normalized")
        if isinstance(normalized, str):
            normalized = json.loads(normalized)
        feature_id = normalized.get("featureSchemaId") if isinstance(normalized, dict) else None
        color = normalized.get("color") if isinstance(normalized, dict) else None
        return cls.from_wire(
            client,
            {**node, "normalized": normalized, "id": feature_id or node.get("id"), "color": color},
        )


class LabelingFrontend(Model):
    """A labelling editor ("Editor" is the default one)."""

    __entity__ = "LabelingFrontend"

    uid: str = Field(alias="id")
    name: str
    description: str | None = None
    iframe_url_path: str | None = None


class LabelingFrontendOptions(Model):
    """The editor options of a project (``customization_options`` is a JSON string)."""

    __entity__ = "LabelingFrontendOptions"

    uid: str = Field(alias="id")
    customization_options: str | None = None


@dataclass(frozen=True)
class DeleteFeatureFromOntologyResult:
    """What ``delete_feature_schema_from_ontology`` did: archived (labels use the feature) or
    deleted."""

    archived: bool
    deleted: bool
