"""An httpx transport that serves requests from the emulator app in process (no socket)."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette

from aiolabel.emulator.app import ConnectionDropped


class EmulatorTransport(httpx.AsyncBaseTransport):
    """``httpx.ASGITransport`` to the emulator, with dropped connections surfacing as httpx does."""

    def __init__(self, app: Starlette) -> None:
        self._inner = httpx.ASGITransport(app=app, raise_app_exceptions=True)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self._inner.handle_async_request(request)
        except ConnectionDropped as exc:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a complete response.", request=request
            ) from exc

    async def aclose(self) -> None:
        await self._inner.aclose()
