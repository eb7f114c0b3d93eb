"""Read deadlines for the emulator's HTTP connections: uvicorn drops an idle kept-alive
connection, but waits forever for the rest of a request that arrives slowly or never (a
slow client, a half-open connection, "slowloris"). Here a request's headers must arrive within
``HEADER_TIMEOUT`` seconds of its first byte (or of the connection), and its body within
``BODY_TIMEOUT`` seconds of its headers; otherwise the connection is closed."""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT = 10.0
BODY_TIMEOUT = 60.0


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with header and body read deadlines."""

    header_timeout = HEADER_TIMEOUT
    body_timeout = BODY_TIMEOUT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._phase = ""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._watch()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._disarm()  # idle now: uvicorn's keep-alive timeout takes over

    def _waiting_for(self) -> str:
        """What the connection waits for from the client: ``headers``, ``body`` or ``""``."""
        cycle = self.cycle
        if cycle is None or cycle.response_complete:
            return "headers"
        return "body" if cycle.more_body else ""

    def _watch(self) -> None:
        phase = self._waiting_for()
        if phase == self._phase:
            return
        self._disarm()
        if phase and not self.transport.is_closing():
            timeout = self.header_timeout if phase == "headers" else self.body_timeout
            self._deadline = self.loop.call_later(timeout, self._expired, phase)
        self._phase = phase

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = None
        self._phase = ""

    def _expired(self, phase: str) -> None:
        self._deadline = None
        if self._waiting_for() == phase and not self.transport.is_closing():
            self.transport.close()
