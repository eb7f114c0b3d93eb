"""AsyncClient's top-level methods for datasets, data rows, global keys and metadata.

Mixed into :class:`aiolabel.client.AsyncClient`; methods annotate ``self: AsyncClient`` to reach
the client's internal entry points.
"""

from __future__ import annotations


class CatalogMethods:
    """Datasets, data rows, global keys, metadata (mixed into AsyncClient)."""

    __slots__ = ()
