"""Resolver modules, one per domain, found automatically (every public module of this package).

Each module defines:

- ``DDL``: SQL run at start-up (``CREATE TABLE IF NOT EXISTS`` / ``CREATE INDEX IF NOT EXISTS``);
- ``BINDABLES``: ariadne bindables for the types and fields it resolves;
- ``seed(conn, org_id, user_id)``: rows a fresh organisation starts with (once per database);
- optionally ``REST``: ``[(method, path under /api/v1, handler)]``, REST endpoints of the
  service; ``handler(call, **path_params) -> (status, JSON body or None)`` runs in one
  transaction (``call`` carries the connection, identity, id factory and parsed JSON body), and
  an ``EmulatorError`` it raises answers with its ``rest_status``;
- optionally ``CONTROLS``: ``{name: fn(state, **kwargs) -> JSON-able}``, test controls reachable
  as ``POST /_emulator/actions/{name}`` (JSON body = kwargs) and ``emu.control(name, **kwargs)``.

Its SDL lives in ``aiolabel/emulator/schema/*.graphql``; files may ``extend type`` shared types.
Modules load in name order; ``base`` (the platform) comes first.

A module whose name starts with ``_`` is not a domain but part of one (``_ontology_store`` of
``ontologies``...): it defines none of the names above, and its domain module re-exports
(``__all__``) what other modules import, so they import from the domain module alone.
"""

from __future__ import annotations

import importlib
import pkgutil
import sqlite3
from collections.abc import Callable
from functools import cache
from typing import Any, Protocol, cast


class Domain(Protocol):
    DDL: str
    BINDABLES: list[Any]

    def seed(self, conn: sqlite3.Connection, org_id: str, user_id: str) -> None: ...


@cache
def domains() -> tuple[Domain, ...]:
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    names.sort(key=lambda n: n != "base")
    return tuple(cast(Domain, importlib.import_module(f"{__name__}.{n}")) for n in names)


def controls() -> dict[str, Callable[..., Any]]:
    """Every domain's test controls by name."""
    found: dict[str, Callable[..., Any]] = {}
    for domain in domains():
        for name, fn in getattr(domain, "CONTROLS", {}).items():
            if name in found:
                raise RuntimeError(f"two domains define the control {name!r}")
            found[name] = fn
    return found


def rest_routes() -> list[tuple[str, str, Callable[..., Any]]]:
    """Every domain's REST endpoints, in domain order (a fixed path before a templated one)."""
    return [route for domain in domains() for route in getattr(domain, "REST", [])]
