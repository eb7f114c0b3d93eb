"""What every resolver receives as ``info.context``."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from graphql import GraphQLResolveInfo

from aiolabel.emulator.jobs import FailureShape, Work, errors_failure

if TYPE_CHECKING:
    from aiolabel.emulator.state import EmulatorState


@dataclass
class Context:
    """One request: the open transaction, the caller's identity, where the emulator is reached."""

    state: EmulatorState
    conn: sqlite3.Connection
    user_id: str
    org_id: str
    base_url: str
    """Scheme and host the request came to (``http://127.0.0.1:8765``); files are served there."""
    endpoint: str = "graphql"
    """``graphql`` or ``_gql`` (the experimental endpoint)."""
    operation: str | None = None
    _after_commit: list[Callable[[], None]] = field(default_factory=list)

    def after_commit(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` once this request's transaction has committed (never if it rolls back)."""
        self._after_commit.append(fn)

    def run_after_commit(self) -> None:
        hooks, self._after_commit = self._after_commit, []
        for fn in hooks:
            fn()

    def new_id(self) -> str:
        return self.state.store.new_id()

    def file_url(self, file_id: str) -> str:
        return f"{self.base_url}/files/{file_id}"

    def create_task(
        self,
        *,
        type: str,
        name: str,
        work: Work,
        on_forced_failure: FailureShape = errors_failure,
        metadata: Any = None,
        size: int | None = None,
    ) -> dict[str, Any]:
        """A task owned by the caller; ``work`` runs on the worker after commit, or at once when
        ``size`` is small and the rule allows (see ``Jobs.create``)."""
        return self.state.jobs.create(
            self.conn,
            org_id=self.org_id,
            user_id=self.user_id,
            type=type,
            name=name,
            work=work,
            on_forced_failure=on_forced_failure,
            metadata=metadata,
            size=size,
            after_commit=self.after_commit,
        )


@dataclass
class RestCall:
    """One REST request, inside its transaction: what a domain's ``REST`` handler receives."""

    conn: sqlite3.Connection
    org_id: str
    user_id: str
    new_id: Callable[[], str]
    body: Any
    """The parsed JSON body, or ``None`` when there is none."""


if TYPE_CHECKING:
    Info = GraphQLResolveInfo[Context]
else:
    Info = GraphQLResolveInfo
"""The ``info`` argument of a resolver."""


def ctx(info: Info) -> Context:
    """The request context of a resolver."""
    context = info.context
    assert isinstance(context, Context)
    return context


def file_id_from_url(url: str) -> str | None:
    """The stored file an emulator URL points at (any host: ports change across restarts)."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) == 2 and segments[0] == "files":
        return segments[1]
    return None


def read_file(conn: sqlite3.Connection, url: str) -> bytes | None:
    """The bytes behind one of the emulator's own file URLs, or ``None``."""
    file_id = file_id_from_url(url)
    if file_id is None:
        return None
    row = conn.execute("SELECT data FROM files WHERE id = ?", (file_id,)).fetchone()
    return None if row is None else bytes(row[0])
