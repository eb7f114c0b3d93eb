"""The base of every resource: a class bound to the client that owns the request contract."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiolabel.client import AsyncClient

__all__ = ["Resource"]


class Resource:
    """Behaviour of one Labelbox resource, bound to one client.

    A resource validates its arguments, then composes the client's request contract
    (``_execute_operation``, ``_get_one``, ``_paginate_offset`` / ``_paginate_cursor``,
    ``_run_chunks``, polling, upload and download); it never opens HTTP itself, never sleeps or
    retries on its own, and never imports another resource's module.
    """

    __slots__ = ("_client",)

    def __init__(self, client: AsyncClient) -> None:
        self._client = client
