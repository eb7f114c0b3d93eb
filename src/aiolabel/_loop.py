"""One client, one event loop: the connection pool, the limiter and the task poller of a client
belong to the loop that first used it. Used from another loop (another thread's, or a second
``asyncio.run``), they fail at random or hang; this guard raises a clear error instead."""

from __future__ import annotations

import asyncio
from typing import Any

import anyio.lowlevel

from aiolabel.errors import LabelboxError

MESSAGE = (
    "this AsyncClient is bound to the event loop it was first used in and cannot be used from "
    "another one (another thread's loop, or a second asyncio.run()): create one client per "
    "event loop, e.g. inside the coroutine that asyncio.run() runs"
)


class WrongEventLoop(LabelboxError):
    """A client used from an event loop other than its own."""


def running_loop() -> Any:
    """The running event loop (asyncio's loop, trio's token), or None outside of one."""
    try:
        return asyncio.get_running_loop()  # what anyio's token holds on asyncio, found faster
    except RuntimeError:
        pass
    try:
        return anyio.lowlevel.current_token().native_token
    except RuntimeError:  # no event loop is running (e.g. a property read from sync code)
        return None


class LoopGuard:
    """Records the loop of the first use; refuses any other loop afterwards."""

    __slots__ = ("_loop",)

    def __init__(self) -> None:
        self._loop: Any = None

    def check(self) -> None:
        loop = running_loop()
        if loop is None:
            return
        if self._loop is None:
            self._loop = loop
        elif loop is not self._loop:
            raise WrongEventLoop(MESSAGE)

    @property
    def on_asyncio(self) -> bool:
        """The client's loop (once used) is an asyncio loop."""
        return isinstance(self._loop, asyncio.AbstractEventLoop)
