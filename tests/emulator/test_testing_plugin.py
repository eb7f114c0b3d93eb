"""The pytest plugin ``aiolabel.testing`` (loaded through its pytest11 entry point)."""

from __future__ import annotations

import httpx
import pytest

from aiolabel.emulator import Emulator, EmulatorServer

CREATE = "mutation($n: String!){createDataset(data: {name: $n}){id}}"
LIST = "query{datasets{name}}"


async def test_in_process_emulator_and_bound_client(
    labelbox_emulator: Emulator, labelbox_client: object
) -> None:
    from aiolabel.client import AsyncClient

    assert isinstance(labelbox_client, AsyncClient)
    user = await labelbox_client.get_user()
    assert user.email == "emulator@aiolabel.localhost"
    assert labelbox_emulator.stats()["by_operation"]["graphql:GetUserPyApi"] == 1


@pytest.fixture
def labelbox_emulator_settings() -> dict[str, object]:
    return {"task_delay_ms": 5}


async def test_settings_fixture_configures_the_emulator(labelbox_emulator: Emulator) -> None:
    assert labelbox_emulator.config.task_delay_ms == 5


@pytest.mark.parametrize("name", ["first", "second"])
def test_http_server_is_shared_and_reset_per_test(
    labelbox_emulator_server: EmulatorServer, name: str
) -> None:
    headers = {"Authorization": f"Bearer {labelbox_emulator_server.api_key}"}
    with httpx.Client() as http:
        endpoint = labelbox_emulator_server.endpoint
        http.post(endpoint, json={"query": CREATE, "variables": {"n": name}}, headers=headers)
        listed = http.post(endpoint, json={"query": LIST}, headers=headers).json()
    assert listed["data"]["datasets"] == [{"name": name}]


class _Counting(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return await self.inner.handle_async_request(request)


class TestClientSettings:
    @pytest.fixture
    def labelbox_client_settings(self, labelbox_emulator: Emulator) -> dict[str, object]:
        return {"max_retries": 1, "transport": _Counting(labelbox_emulator.transport)}

    async def test_client_settings_configure_the_bound_client(
        self, labelbox_client: object, labelbox_client_settings: dict[str, object]
    ) -> None:
        from aiolabel.client import AsyncClient

        assert isinstance(labelbox_client, AsyncClient)
        assert labelbox_client.retry_policy.max_retries == 1
        await labelbox_client.get_user()
        transport = labelbox_client_settings["transport"]
        assert isinstance(transport, _Counting)
        assert transport.requests == 1
