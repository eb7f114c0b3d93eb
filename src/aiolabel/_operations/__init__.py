"""GraphQL documents the SDK sends, as constants: one module per resource.

Values always travel as GraphQL variables. Each operation declares where it goes and whether it is
safe to repeat after an ambiguous failure (a timeout, a dropped connection, a 5xx after the server
may have applied it); the one retry policy reads that declaration.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Operation:
    """One named GraphQL operation, as the official SDK sends it."""

    name: str
    """The operation name inside ``document`` (for example ``GetUserPyApi``)."""
    document: str
    """The GraphQL text. Never formatted with values."""
    experimental: bool = False
    """Sent to the experimental endpoint (``/_gql``) instead of ``/graphql``."""
    idempotent: bool = False
    """Repeating it after an ambiguous failure cannot change the outcome. Queries are idempotent."""
    timeout: float | None = None
    """Per-operation timeout in seconds, where the official SDK uses one other than the default."""

    @property
    def is_mutation(self) -> bool:
        return self.document.lstrip().startswith("mutation")

    @property
    def retry_safe(self) -> bool:
        """May be retried after the server might have seen it."""
        return self.idempotent or not self.is_mutation
