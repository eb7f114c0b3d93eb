"""Dataset.create_data_rows / upsert_data_rows / create_data_row against the emulator.

Each test checks what the server stored, not only what the call returned.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from aiolabel import AsyncClient
from aiolabel.emulator import Emulator
from aiolabel.errors import InputTypeError, ResourceCreationError
from aiolabel.identifiers import GlobalKey, UniqueId
from aiolabel.models.data_row import DataRow
from aiolabel.models.dataset import Dataset
from aiolabel.models.task import DataUpsertTaskGroup, UpsertPartialFailure
from tests.integration._support import live_rows, metadata_of, query, requests

TAG = "cko8s9r5v0001h2dk9elqdidh"


@pytest.fixture
async def dataset(client: AsyncClient) -> Dataset:
    return await client.create_dataset("catalog", iam_integration=None)


def _item(i: int, **extra: Any) -> dict[str, Any]:
    return {
        "row_data": f"https://assets.example.com/{i}.jpg",
        "global_key": f"gk-{i}",
        "external_id": f"e-{i}",
        **extra,
    }


async def test_thousands_of_rows_span_chunks_and_tasks(
    client: AsyncClient, emu: Emulator, dataset: Dataset
) -> None:
    held = emu.control(
        "bulk_create_data_rows", count=3, global_key_prefix="taken-", dataset_name="other"
    )
    items = [_item(i, metadata_fields=[{"name": "tag", "value": f"t{i}"}]) for i in range(3000)]
    refused = {17: "taken-0", 1500: "taken-1", 2999: "taken-2"}
    for position, key in refused.items():
        items[position]["global_key"] = key
    seen: list[tuple[int, int | None]] = []

    task = await dataset.create_data_rows(
        items,
        progress=lambda done, total: seen.append((done, total)),
        _max_chunk_bytes=40_000,
        _items_per_task=1_000,
    )
    await task.wait_till_done()

    assert isinstance(task, DataUpsertTaskGroup)
    assert [len(task.tasks), task.item_counts, task.status] == [3, [1000] * 3, "COMPLETE"]
    # several descriptor files per task, and one manifest + one upsert per task
    chunk_files = requests(emu, "UploadFile") - 3
    assert chunk_files >= 9
    assert requests(emu, "UpsertDataRowsPyApi") == 3
    # progress: once per descriptor file, growing to the total
    assert len(seen) == chunk_files
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert seen[-1] == (3000, 3000)
    assert {t for _, t in seen} == {3000}

    # server state: every accepted row stored, in input order, with its metadata
    stored = live_rows(emu, dataset.uid)
    expected = [i for i in range(3000) if i not in refused]
    assert [r["global_key"] for r in stored] == [f"gk-{i}" for i in expected]
    assert [r["external_id"] for r in stored] == [f"e-{i}" for i in expected]
    assert json.loads(metadata_of(emu, stored[5]["id"])[TAG]) == "t5"

    # results and errors stream, task by task, in input order; failures exactly the refused
    created = [r async for r in task.result()]
    assert [r["global_key"] for r in created] == [f"gk-{i}" for i in expected]
    assert [r["id"] for r in created] == [r["id"] for r in stored]
    errors = [e async for e in task.errors()]
    assert [e["failedDataRows"][0]["globalKey"] for e in errors] == list(refused.values())
    assert all("Duplicate global key" in e["message"] for e in errors)
    assert [e["failedDataRows"][0]["externalId"] for e in errors] == [f"e-{i}" for i in refused]
    assert await task.has_errors()
    assert held["dataset_id"] != dataset.uid

    # descriptor files: JSON lists of specs in input order; manifests list them in order
    manifests = [
        json.loads(bytes(r["data"]))
        for r in query(
            emu, "SELECT data FROM files WHERE filename = 'manifest.json' ORDER BY rowid"
        )
    ]
    assert [m["item_count"] for m in manifests] == [1000] * 3
    assert all(m["source"] == "SDK" for m in manifests)
    files = {r["id"]: r for r in query(emu, "SELECT id, data, content_type, filename FROM files")}
    first = [
        json.loads(bytes(files[u.rsplit("/", 1)[-1]]["data"])) for u in manifests[0]["chunk_uris"]
    ]
    specs = [s for chunk in first for s in chunk]
    assert [s["payload"]["global_key"] for s in specs[:3]] == ["gk-0", "gk-1", "gk-2"]
    assert specs[0] == {
        "id": {"type": "AUTO", "value": ""},
        "payload": {
            "row_data": "https://assets.example.com/0.jpg",
            "global_key": "gk-0",
            "external_id": "e-0",
            "metadata_fields": [{"schemaId": TAG, "value": "t0"}],
            "dataset_id": dataset.uid,
        },
    }
    assert len(specs) == 1000
    chunk_file = files[manifests[0]["chunk_uris"][0].rsplit("/", 1)[-1]]
    assert (chunk_file["filename"], chunk_file["content_type"]) == (
        "json_import.json",
        "application/json",
    )
    assert all(
        len(bytes(files[u.rsplit("/", 1)[-1]]["data"])) <= 40_000
        for m in manifests
        for u in m["chunk_uris"]
    )


async def test_a_stream_is_read_once_and_split_into_tasks(
    client: AsyncClient, emu: Emulator, dataset: Dataset
) -> None:
    read: list[int] = []

    async def items() -> AsyncIterator[dict[str, Any]]:
        for i in range(2_500):
            read.append(i)
            yield _item(i)

    seen: list[tuple[int, int | None]] = []
    task = await dataset.create_data_rows(
        items(), progress=lambda d, t: seen.append((d, t)), _items_per_task=1_000
    )
    await task.wait_till_done()
    assert read == list(range(2_500))
    assert task.item_counts == [1000, 1000, 500]
    assert seen[-1] == (2_500, None)
    assert [r["global_key"] for r in live_rows(emu, dataset.uid)] == [
        f"gk-{i}" for i in range(2_500)
    ]
    assert requests(emu, "UpsertDataRowsPyApi") == 3


async def test_a_large_task_is_polled_until_done(
    client: AsyncClient, emu: Emulator, dataset: Dataset
) -> None:
    emu.set_transition("adv-upsert-data-rows", {"mode": "polls", "n": 2})
    task = await dataset.create_data_rows([_item(i) for i in range(10)])
    assert task.status == "IN_PROGRESS"
    await task.wait_till_done(timeout_seconds=30)
    assert task.status == "COMPLETE"
    assert requests(emu, "GetUserCreatedTasksPyApi") >= 2
    assert len(live_rows(emu, dataset.uid)) == 10


async def test_upsert_updates_by_key_and_creates_without_one(
    client: AsyncClient, emu: Emulator, dataset: Dataset
) -> None:
    first = await dataset.create_data_rows([_item(0), _item(1)])
    await first.wait_till_done()
    ids = {r["global_key"]: r["id"] async for r in first.result()}
    task = await dataset.upsert_data_rows(
        [
            {"key": GlobalKey("gk-0"), "external_id": "renamed"},
            {"key": UniqueId(ids["gk-1"]), "global_key": "gk-1b"},
            {"key": GlobalKey("gk-new"), "row_data": "https://assets.example.com/new.jpg"},
            _item(2),
        ]
    )
    await task.wait_till_done()
    assert task.status == "COMPLETE"
    assert not await task.has_errors()
    stored = {r["global_key"]: r for r in live_rows(emu, dataset.uid)}
    assert set(stored) == {"gk-0", "gk-1b", "gk-new", "gk-2"}
    assert stored["gk-0"]["external_id"] == "renamed"
    assert stored["gk-1b"]["id"] == ids["gk-1"]


async def test_local_files_are_uploaded(
    client: AsyncClient, emu: Emulator, dataset: Dataset, tmp_path: Path
) -> None:
    paths = []
    for i in range(3):
        path = tmp_path / f"note{i}.txt"
        path.write_text(f"hello {i}")
        paths.append(str(path))
    task = await dataset.create_data_rows([paths[0], {"row_data": paths[1]}, paths[2]])
    await task.wait_till_done()
    stored = live_rows(emu, dataset.uid)
    assert [r["external_id"] for r in stored] == paths
    assert all(r["row_data"].startswith("http") for r in stored)
    assert requests(emu, "UploadFile") == 3 + 2  # files, then one descriptor and the manifest
    [[body]] = [
        [bytes(r["data"])]
        for r in query(emu, "SELECT data FROM files WHERE filename = ?", "note1.txt")
    ]
    assert body == b"hello 1"


async def test_failed_uploads_are_reported_by_position(emu: Emulator, dataset: Dataset) -> None:
    async with AsyncClient(
        api_key=emu.api_key, endpoint=emu.endpoint, transport=emu.transport, max_retries=0
    ) as client:
        ds = await client.get_dataset(dataset.uid)
        emu.set_faults(error_rate=0.3, operations={"UploadFile"}, seed=7)
        items = [_item(i) for i in range(400)]
        with pytest.raises(UpsertPartialFailure) as info:
            await ds.create_data_rows(items, _max_chunk_bytes=2_000, _items_per_task=100)
        emu.set_faults(error_rate=0.0)
        error = info.value
        failed = {p for f in error.failures for p in f.items}
        not_started = {p for chunk in error.not_started for p in chunk}
        assert failed
        assert error.input_error is None
        task = error.task
        assert task is not None
        await task.wait_till_done()
        stored = [int(r["global_key"][3:]) for r in live_rows(emu, ds.uid)]
        submitted = [p for s in error.succeeded for p in range(s.start, s.start + s.size)]
        assert stored == sorted(submitted)
        assert not (set(stored) & (failed | not_started))
        assert task.item_count == len(stored)
        # the job stopped after the first task with a failure: later items were never read
        assert error.input_exhausted is (len(failed | not_started | set(stored)) == 400)


async def test_an_iterator_raising_midway_stops_cleanly(
    client: AsyncClient, emu: Emulator, dataset: Dataset
) -> None:
    def items() -> Iterator[dict[str, Any]]:
        for i in range(1_500):
            yield _item(i)
        raise RuntimeError("source broke")

    with pytest.raises(UpsertPartialFailure) as info:
        await dataset.create_data_rows(items(), _max_chunk_bytes=5_000, _items_per_task=1_000)
    error = info.value
    assert isinstance(error.input_error, RuntimeError)
    assert error.__cause__ is error.input_error
    assert error.task is not None
    await error.task.wait_till_done()
    stored = [int(r["global_key"][3:]) for r in live_rows(emu, dataset.uid)]
    unsent = sorted(p for chunk in error.not_started for p in chunk)
    assert not error.failures
    assert stored + unsent == list(range(1_500))
    assert error.task.item_count == len(stored) >= 1_000


async def test_a_bad_streamed_item_accounts_for_every_item_read(
    client: AsyncClient, emu: Emulator, dataset: Dataset
) -> None:
    """A stream is read a window of items at a time: the items of the bad item's window read
    after it are reported as not started (or, when nothing was sent, named in a note on the
    error), never dropped silently."""
    source = (_item(i) if i else {"row_data": 5} for i in range(1_000))
    with pytest.raises(InputTypeError, match=r"items\[0\]") as refused:
        await dataset.create_data_rows(source)
    assert "items[1]..items[255] had been read" in "".join(refused.value.__notes__)
    assert next(source)["global_key"] == "gk-256"  # nothing past the window was read
    assert live_rows(emu, dataset.uid) == []

    def items() -> Iterator[dict[str, Any]]:
        for i in range(1_500):
            yield {"row_data": 5} if i == 700 else _item(i)

    with pytest.raises(UpsertPartialFailure) as info:
        await dataset.create_data_rows(items(), _max_chunk_bytes=5_000, _items_per_task=1_000)
    error = info.value
    assert isinstance(error.input_error, InputTypeError)
    assert "items[700]" in str(error.input_error)
    if error.task is not None:
        await error.task.wait_till_done()
    stored = [int(r["global_key"][3:]) for r in live_rows(emu, dataset.uid)]
    unsent = sorted(p for chunk in error.not_started for p in chunk)
    failed = sorted(p for f in error.failures for p in f.items)
    # every item read (the window of item 700 ends at 767) is stored, failed or not started
    assert sorted(stored + unsent + failed) == [i for i in range(768) if i != 700]


async def test_descriptor_files_are_spooled_to_disk_and_removed(
    client: AsyncClient,
    emu: Emulator,
    dataset: Dataset,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    on_disk: list[int] = []

    def spools() -> list[Path]:
        return list(tmp_path.glob("aiolabel-descriptors-*"))

    def progress(done: int, total: int | None) -> None:
        [spool] = spools()
        on_disk.append(len(list(spool.iterdir())))

    task = await dataset.create_data_rows(
        (_item(i) for i in range(2_000)), progress=progress, _max_chunk_bytes=5_000
    )
    await task.wait_till_done()
    assert len(live_rows(emu, dataset.uid)) == 2_000
    # 2,000 items in ~50 files: only those in flight (4) and being filled exist at once
    assert len(on_disk) >= 40
    assert max(on_disk) <= 6
    assert spools() == []

    def broken() -> Iterator[dict[str, Any]]:
        yield from (_item(i) for i in range(2_000, 2_300))
        raise RuntimeError("source broke")

    with pytest.raises(UpsertPartialFailure):
        await dataset.create_data_rows(broken(), _max_chunk_bytes=5_000)
    assert spools() == []


async def test_create_data_row_waits_and_returns_the_row(
    client: AsyncClient, emu: Emulator, dataset: Dataset
) -> None:
    row = await dataset.create_data_row(
        row_data="https://assets.example.com/a.jpg",
        global_key="single",
        attachments=[{"type": "RAW_TEXT", "value": "note"}],
    )
    assert isinstance(row, DataRow)
    [stored] = live_rows(emu, dataset.uid)
    assert (row.uid, row.global_key) == (stored["id"], "single")
    [attachment] = query(emu, "SELECT * FROM attachments WHERE data_row_id = ?", row.uid)
    assert (attachment["type"], attachment["value"]) == ("RAW_TEXT", "note")

    emu.control("bulk_create_data_rows", count=1, global_key_prefix="held-")
    with pytest.raises(ResourceCreationError, match="Duplicate global key"):
        await dataset.create_data_row({"row_data": "https://x/b.jpg", "global_key": "held-0"})
    assert len(live_rows(emu, dataset.uid)) == 1
