"""Fixtures for testing the emulator directly over its GraphQL API (in process, no socket)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from aiolabel.emulator import Emulator


class Gql:
    """Posts GraphQL documents to an emulator and returns the parsed body."""

    def __init__(self, http: httpx.AsyncClient, api_key: str) -> None:
        self.http = http
        self.api_key = api_key

    async def raw(
        self, query: str, variables: dict[str, Any] | None = None, *, experimental: bool = False
    ) -> httpx.Response:
        path = "/_gql" if experimental else "/graphql"
        return await self.http.post(
            path,
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {self.api_key}"},
        )

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, *, experimental: bool = False
    ) -> dict[str, Any]:
        response = await self.raw(query, variables, experimental=experimental)
        body: dict[str, Any] = response.json()
        return body

    async def data(
        self, query: str, variables: dict[str, Any] | None = None, *, experimental: bool = False
    ) -> dict[str, Any]:
        """The ``data`` of a response that must have no errors."""
        body = await self(query, variables, experimental=experimental)
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data


@pytest.fixture
async def http(emu: Emulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=emu.transport, base_url=emu.endpoint.removesuffix("/graphql")
    ) as client:
        yield client


@pytest.fixture
def gql(http: httpx.AsyncClient, emu: Emulator) -> Gql:
    return Gql(http, emu.api_key)
