"""Client dataset methods and Dataset against the emulator; each checks the stored state."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from aiolabel import AsyncClient
from aiolabel.emulator import Emulator
from aiolabel.errors import InputError, ResourceNotFoundError
from aiolabel.models.data_row import DataRow
from aiolabel.models.dataset import Dataset, IAMIntegration
from tests.integration._support import live_rows, query, requests


def _dataset_row(emu: Emulator, dataset_id: str) -> dict[str, Any]:
    [row] = query(emu, "SELECT * FROM datasets WHERE id = ?", dataset_id)
    return row


async def test_create_dataset_cheap_path_is_one_request(client: AsyncClient, emu: Emulator) -> None:
    emu.control("add_iam_integration")
    ds = await client.create_dataset("plain", "d", iam_integration=None)
    stored = _dataset_row(emu, ds.uid)
    assert (stored["name"], stored["description"], stored["iam_integration_id"]) == (
        "plain",
        "d",
        None,
    )
    assert emu.stats()["requests"] == 1


async def test_create_dataset_default_signer(client: AsyncClient, emu: Emulator) -> None:
    integration_id = emu.control("add_iam_integration", integration_name="signer")
    ds = await client.create_dataset("signed")
    assert _dataset_row(emu, ds.uid)["iam_integration_id"] == integration_id
    signer = await ds.iam_integration()
    assert isinstance(signer, IAMIntegration)
    assert (signer.uid, signer.name, signer.is_org_default) == (integration_id, "signer", True)
    assert [requests(emu, op) for op in ("GetOrganizationPyApi", "getAllIntegrationsPyApi")] == [
        0,
        1,
    ]
    assert requests(emu, "setSignerForDatasetPyApi") == requests(emu, "validateDatasetPyApi") == 1


async def test_create_dataset_without_a_default_makes_one_dataset(
    client: AsyncClient, emu: Emulator
) -> None:
    ds = await client.create_dataset("nodefault")
    assert _dataset_row(emu, ds.uid)["iam_integration_id"] is None
    assert requests(emu, "setSignerForDatasetPyApi") == 0


async def test_an_invalid_integration_creates_nothing(client: AsyncClient, emu: Emulator) -> None:
    emu.control("add_iam_integration", valid=False)
    with pytest.raises(InputError, match="not valid"):
        await client.create_dataset("refused")
    assert query(emu, "SELECT * FROM datasets WHERE name = 'refused'") == []


async def test_get_dataset_and_get_datasets(client: AsyncClient, emu: Emulator) -> None:
    made = [await client.create_dataset(f"ds{i}", iam_integration=None) for i in range(3)]
    await made[1].delete()
    got = await client.get_dataset(made[0].uid)
    assert (got.uid, got.name, got.row_count) == (made[0].uid, "ds0", 0)
    names = sorted([d.name or "" async for d in client.get_datasets()])
    assert names == ["ds0", "ds2"]  # deleted ones are not listed
    only = [d async for d in client.get_datasets(where=Dataset.name == "ds2")]
    assert [d.uid for d in only] == [made[2].uid]
    with pytest.raises(ResourceNotFoundError):
        await client.get_dataset("nope")


async def test_update_and_delete(client: AsyncClient, emu: Emulator) -> None:
    ds = await client.create_dataset("old", iam_integration=None)
    new = await ds.update(name="new", description="words")
    assert new is ds  # updated in place, as the official SDK does
    assert (ds.name, ds.description) == ("new", "words")
    stored = _dataset_row(emu, ds.uid)
    assert (stored["name"], stored["description"]) == ("new", "words")
    await ds.delete()
    assert _dataset_row(emu, ds.uid)["deleted"] == 1
    with pytest.raises(ResourceNotFoundError):
        await client.get_dataset(ds.uid)


async def test_data_rows_pages_newest_first(client: AsyncClient, emu: Emulator) -> None:
    made = emu.control("bulk_create_data_rows", count=1_203, external_id_prefix="e")
    ds = await client.get_dataset(made["dataset_id"])
    await DataRow.bulk_delete(made["ids"][:3], client=client)
    rows = [r async for r in ds.data_rows()]
    assert [r.uid for r in rows] == list(reversed(made["ids"][3:]))
    assert requests(emu, "DatasetDataRowsPyApi") == 3  # 500 + 500 + 200
    start = made["ids"][600]
    async with ds.data_rows(from_cursor=start) as page:
        assert [r.uid for r in await page.get_many(3)] == made["ids"][599:596:-1]


async def test_data_rows_for_external_id(client: AsyncClient, emu: Emulator) -> None:
    made = emu.control("bulk_create_data_rows", count=5, external_id_prefix="e")
    ds = await client.get_dataset(made["dataset_id"])
    task = await ds.create_data_rows([{"row_data": "https://x/d.jpg", "external_id": "e1"}])
    await task.wait_till_done()
    twins = await ds.data_rows_for_external_id("e1")
    assert sorted(r.uid for r in twins) == sorted(
        r["id"] for r in live_rows(emu, ds.uid) if r["external_id"] == "e1"
    )
    assert len(twins) == 2
    assert len(await ds.data_rows_for_external_id("e1", limit=1)) == 1
    one = await ds.data_row_for_external_id("e3")
    assert one.uid == made["ids"][3]
    others = [r async for r in ds.data_rows(where=DataRow.external_id != "e1")]
    assert sorted(r.external_id or "" for r in others) == ["e0", "e2", "e3", "e4"]
    with pytest.raises(ResourceNotFoundError):
        await ds.data_row_for_external_id("missing")


async def test_export_streams_the_dataset(client: AsyncClient, emu: Emulator) -> None:
    made = emu.control("bulk_create_data_rows", count=30, global_key_prefix="x-")
    ds = await client.get_dataset(made["dataset_id"])
    task = await ds.export(params={"metadata_fields": True})
    await task.wait_till_done()
    assert task.status == "COMPLETE"
    lines = [line async for line in task.result()]
    assert sorted(line["data_row"]["id"] for line in lines) == sorted(made["ids"])
    assert requests(emu, "CurrentUserPyApi") == 0
    [stored] = query(emu, "SELECT * FROM tasks WHERE id = ?", task.uid)
    assert stored["name"] == f"Export v2: dataset - {ds.name}"

    some = made["ids"][:4]
    filtered = await ds.export(
        "mine",
        filters={
            "data_row_ids": some,
            "last_activity_at": (datetime(2000, 1, 1, tzinfo=UTC), None),
        },
    )
    await filtered.wait_till_done()
    assert sorted([line["data_row"]["id"] async for line in filtered.result()]) == sorted(some)
    assert requests(emu, "CurrentUserPyApi") == 1
    [stored] = query(emu, "SELECT * FROM tasks WHERE id = ?", filtered.uid)
    assert stored["name"] == "mine"


async def test_export_of_data_rows_and_global_keys(client: AsyncClient, emu: Emulator) -> None:
    made = emu.control("bulk_create_data_rows", count=10, global_key_prefix="k-")
    rows = [await client.get_data_row(i) for i in made["ids"][:2]]
    by_rows = await DataRow.export(client, data_rows=[rows[0], made["ids"][5]])
    by_keys = await DataRow.export(client, global_keys=["k-7", "k-8"], task_name="keys")
    for task in (by_rows, by_keys):
        await task.wait_till_done()
    assert sorted([x["data_row"]["id"] async for x in by_rows.result()]) == sorted(
        [made["ids"][0], made["ids"][5]]
    )
    assert sorted([x["data_row"]["global_key"] async for x in by_keys.result()]) == [
        "k-7",
        "k-8",
    ]
    names = {
        r["id"]: r["name"]
        for r in query(emu, "SELECT id, name FROM tasks WHERE type = 'export-data-rows'")
    }
    assert names == {by_rows.uid: "Export v2: data rows 2", by_keys.uid: "keys"}
