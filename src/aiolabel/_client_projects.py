"""AsyncClient's top-level methods for projects, batches, labelling priorities and task queues.

Mixed into :class:`aiolabel.client.AsyncClient`; methods annotate ``self: AsyncClient`` to reach
the client's internal entry points.
"""

from __future__ import annotations


class ProjectMethods:
    """Projects, batches, priorities, task queues (mixed into AsyncClient)."""

    __slots__ = ()
