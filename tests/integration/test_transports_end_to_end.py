"""The main workflow over real HTTP on 127.0.0.1, once per transport (httpx and aiohttp).

The rest of the integration suite talks to the emulator in process (an ASGI transport, which the
aiohttp-backed transport cannot use); this runs the same calls through sockets with each
transport: uploads (multipart, a local file), task waits, cursor pages, batches, the LPO list,
and an export streamed back through signed URLs, and checks the server's state.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aiolabel import AsyncClient, GlobalKey, MediaType
from aiolabel.emulator import EmulatorServer

ROWS = 1_200
"""Over 1,000: the LPO list goes out in two requests."""


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(seed=11) as emulator:
        emulator.control("set_export_chunk_bytes", size=20_000)  # several chunk files
        yield emulator


@pytest.mark.parametrize("transport", ["httpx", "aiohttp"])
async def test_ingest_and_export_over_each_transport(
    server: EmulatorServer, transport: str, tmp_path: Path
) -> None:
    picture = tmp_path / "local.jpg"
    picture.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40)
    keys = [f"{transport}-{i:05d}" for i in range(ROWS)]
    lpo_calls = "graphql:SetLabelingParameterOverridesPyApi"
    lpo_before = server.stats()["by_operation"].get(lpo_calls, 0)
    async with AsyncClient(
        api_key=server.api_key, endpoint=server.endpoint, transport=transport
    ) as client:
        assert client.transport_kind == transport
        dataset = await client.create_dataset(f"e2e {transport}")
        items: list[dict[str, object]] = [
            {
                "row_data": f"https://example.com/{key}.jpg",
                "global_key": key,
                "metadata_fields": [{"name": "tag", "value": f'"{key}" {{x}}\n'}],
            }
            for key in keys[:-1]
        ]
        items.append({"row_data": str(picture), "global_key": keys[-1]})
        upload = await dataset.create_data_rows(items)
        await upload.wait_till_done()
        assert [e async for e in upload.errors()] == []

        listed = [row async for row in dataset.data_rows()]
        assert sorted(r.global_key or "" for r in listed) == keys
        local = await client.get_data_row_by_global_key(keys[-1])
        stored = [chunk async for chunk in client._transport.download(local.row_data)]
        assert b"".join(stored) == picture.read_bytes()  # the uploaded file, by its signed URL

        project = await client.create_project(f"e2e {transport}", MediaType.Image)
        batches = await project.create_batches("e2e-", global_keys=keys, priority=2)
        await batches.wait_till_done()
        assert [b.name for b in await batches.result()] == ["e2e-0000"]
        priorities = {key: 1 + i % 5 for i, key in enumerate(keys)}
        await project.set_labeling_parameter_overrides(
            [(GlobalKey(key), priority) for key, priority in priorities.items()]
        )

        export = await project.export(params={"project_details": True, "metadata_fields": True})
        await export.wait_till_done()
        seen: dict[str, tuple[str, int]] = {}
        tags: dict[str, str] = {}
        async for line in export.result():
            key = line["data_row"]["global_key"]
            details = line["projects"][project.uid]["project_details"]
            seen[key] = (details["batch_name"], details["priority"])
            for field in line.get("metadata_fields", []):
                if field["schema_name"] == "tag":
                    tags[key] = field["value"]
    assert seen == {key: ("e2e-0000", priority) for key, priority in priorities.items()}
    assert tags == {key: f'"{key}" {{x}}\n' for key in keys[:-1]}
    assert server.stats()["by_operation"][lpo_calls] - lpo_before == 2  # 1,000 + 200 items
