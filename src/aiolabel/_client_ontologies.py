"""AsyncClient's top-level ontology, feature-schema and labelling-frontend methods: one-line
delegations to :class:`aiolabel._resources.ontologies.Ontologies`.

Mixed into :class:`aiolabel.client.AsyncClient`; methods annotate ``self``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

from aiolabel._resources.ontologies import Ontologies

if TYPE_CHECKING:
    from aiolabel.client import AsyncClient
    from aiolabel.enums import MediaType, OntologyKind
    from aiolabel.models.base import WhereArg
    from aiolabel.models.ontology import (
        DeleteFeatureFromOntologyResult,
        FeatureSchema,
        LabelingFrontend,
        Ontology,
    )
    from aiolabel.pagination import CursorPaginator, OffsetPaginator

__all__ = ["OntologyMethods"]


class OntologyMethods:
    """Ontologies and feature schemas (API reference: Client)."""

    @cached_property
    def _ontologies(self) -> Ontologies:
        """The resource, bound to this client (mypy does not accept ``self: AsyncClient`` on a
        mixin, hence the cast)."""
        return Ontologies(cast("AsyncClient", self))

    async def create_ontology(
        self,
        name: str,
        normalized: dict[str, Any],
        media_type: MediaType | None = None,
        ontology_kind: OntologyKind | None = None,
    ) -> Ontology:
        """Create an ontology from normalized JSON (``OntologyBuilder(...).asdict()``)."""
        return await self._ontologies.create_ontology(name, normalized, media_type, ontology_kind)

    async def create_ontology_from_feature_schemas(
        self,
        name: str,
        feature_schema_ids: Iterable[str],
        media_type: MediaType | None = None,
        ontology_kind: OntologyKind | None = None,
    ) -> Ontology:
        """Create an ontology whose tools and classifications are existing feature schemas."""
        return await self._ontologies.create_ontology_from_feature_schemas(
            name, feature_schema_ids, media_type, ontology_kind
        )

    async def get_ontology(self, ontology_id: str) -> Ontology:
        return await self._ontologies.get_ontology(ontology_id)

    def get_ontologies(self, name_contains: str | None) -> CursorPaginator[Ontology]:
        """Ontologies whose names contain ``name_contains`` (any case)."""
        return self._ontologies.get_ontologies(name_contains)

    async def create_feature_schema(self, normalized: dict[str, Any]) -> FeatureSchema:
        """Create a feature schema from one tool's or classification's normalized dict."""
        return await self._ontologies.create_feature_schema(normalized)

    async def get_feature_schema(self, feature_schema_id: str) -> FeatureSchema:
        return await self._ontologies.get_feature_schema(feature_schema_id)

    def get_feature_schemas(self, name_contains: str | None) -> CursorPaginator[FeatureSchema]:
        """Root feature schemas whose names contain ``name_contains`` (any case)."""
        return self._ontologies.get_feature_schemas(name_contains)

    async def upsert_feature_schema(self, feature_schema: dict[str, Any]) -> FeatureSchema:
        """Create a feature schema, or update the one ``featureSchemaId`` names."""
        return await self._ontologies.upsert_feature_schema(feature_schema)

    async def update_feature_schema_title(
        self, feature_schema_id: str, title: str
    ) -> FeatureSchema:
        return await self._ontologies.update_feature_schema_title(feature_schema_id, title)

    async def insert_feature_schema_into_ontology(
        self, feature_schema_id: str, ontology_id: str, position: int
    ) -> None:
        """Insert a feature schema at ``position`` (or move it there if already present)."""
        await self._ontologies.insert_feature_schema_into_ontology(
            feature_schema_id, ontology_id, position
        )

    async def delete_feature_schema_from_ontology(
        self, ontology_id: str, feature_schema_id: str
    ) -> DeleteFeatureFromOntologyResult:
        """Remove a feature from an ontology, or archive it when labels use it."""
        return await self._ontologies.delete_feature_schema_from_ontology(
            ontology_id, feature_schema_id
        )

    async def delete_unused_feature_schema(self, feature_schema_id: str) -> None:
        await self._ontologies.delete_unused_feature_schema(feature_schema_id)

    async def delete_unused_ontology(self, ontology_id: str) -> None:
        await self._ontologies.delete_unused_ontology(ontology_id)

    async def get_unused_feature_schemas(self, after: str | None = None) -> list[str]:
        """One page (100) of ids of feature schemas no ontology uses, after the id ``after``."""
        return await self._ontologies.get_unused_feature_schemas(after)

    async def get_unused_ontologies(self, after: str | None = None) -> list[str]:
        """One page (100) of ids of ontologies no project uses, after the id ``after``."""
        return await self._ontologies.get_unused_ontologies(after)

    async def is_feature_schema_archived(self, ontology_id: str, feature_schema_id: str) -> bool:
        return await self._ontologies.is_feature_schema_archived(ontology_id, feature_schema_id)

    async def unarchive_feature_schema_node(
        self, ontology_id: str, root_feature_schema_id: str
    ) -> None:
        await self._ontologies.unarchive_feature_schema_node(ontology_id, root_feature_schema_id)

    def get_labeling_frontends(
        self, where: WhereArg | None = None
    ) -> OffsetPaginator[LabelingFrontend]:
        """Labelling editors (``where=LabelingFrontend.name == "Editor"``)."""
        return self._ontologies.get_labeling_frontends(where)
