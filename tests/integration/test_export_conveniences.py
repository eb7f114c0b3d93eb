"""The export conveniences of the official ExportTask and the guides' one-call exports, against
the in-process emulator: export_v2, has_result / has_errors, line and size counts, buffered
streams, dataset.export_data_rows(), project.export_queued_data_rows(),
batch.export_data_rows(include_metadata=...)."""

from __future__ import annotations

from typing import Any

import pytest

from aiolabel import AsyncClient, DataRow, LabelboxError, StreamType, Task
from aiolabel.emulator import Emulator
from aiolabel.errors import InputError, InputTypeError
from aiolabel.models.project import Project


async def _dataset_with_rows(client: AsyncClient, n: int) -> tuple[str, list[str]]:
    dataset = await client.create_dataset("d", iam_integration=None)
    task = await dataset.create_data_rows(
        [{"row_data": f"https://e.com/{i}.jpg", "global_key": f"k{i}"} for i in range(n)]
    )
    await task.wait_till_done()
    return dataset.uid, [r["id"] for r in await task.result]


async def test_export_task_conveniences(client: AsyncClient) -> None:
    dataset_id, ids = await _dataset_with_rows(client, 3)
    dataset = await client.get_dataset(dataset_id)
    running = Task.from_wire(
        client, {"id": "t1", "type": "export-data-rows", "status": "IN_PROGRESS"}
    )
    with pytest.raises(LabelboxError, match="not ready"):
        running.get_buffered_stream()
    with pytest.raises(LabelboxError, match="not ready"):
        await running.get_total_lines()
    task = await dataset.export_v2()
    await task.wait_till_done()
    assert await task.has_result()
    assert not await task.has_errors()
    assert await task.get_total_lines(StreamType.RESULT) == 3
    size = await task.get_total_file_size(StreamType.RESULT)
    assert size is not None
    assert size > 0
    seen: list[str] = []
    await task.get_buffered_stream().start(
        stream_handler=lambda output: seen.append(output.json["data_row"]["id"])
    )
    assert sorted(seen) == sorted(ids)
    streamed = [o.json["data_row"]["id"] async for o in task.get_stream(StreamType.RESULT)]
    assert sorted(streamed) == sorted(ids)


async def test_dataset_export_data_rows_yields_data_rows(client: AsyncClient) -> None:
    dataset_id, ids = await _dataset_with_rows(client, 2)
    dataset = await client.get_dataset(dataset_id)
    rows = [row async for row in dataset.export_data_rows()]
    assert all(isinstance(r, DataRow) for r in rows)
    assert sorted(r.uid for r in rows) == sorted(ids)
    assert sorted(r.global_key or "" for r in rows) == ["k0", "k1"]


async def test_project_export_queued_data_rows(
    client: AsyncClient, emu: Emulator, project: Project, rows: list[str]
) -> None:
    await project.create_batch("b", rows[:3])
    emu.control("add_label", project_id=project.uid, data_row_id=rows[0])  # moves to review
    queued = [r["id"] async for r in project.export_queued_data_rows()]
    assert sorted(queued) == sorted(rows[1:3])


async def test_batch_export_data_rows_include_metadata(
    client: AsyncClient, project: Project, rows: list[str]
) -> None:
    batch = await project.create_batch("b", rows[:2])
    plain = [r async for r in batch.export_data_rows(include_metadata=False)]
    assert sorted(r["data_row"]["id"] for r in plain) == sorted(rows[:2])
    with_metadata = [r async for r in batch.export_data_rows(include_metadata=True)]
    assert all("metadata_fields" in r for r in with_metadata)


async def test_export_task_get_task_is_the_task_lookup(client: AsyncClient) -> None:
    from aiolabel import ExportTask, ResourceNotFoundError

    dataset = await client.create_dataset("export-task", iam_integration=None)
    task = await dataset.export()
    found = await ExportTask.get_task(client, task.uid)
    assert found == await client.get_task_by_id(task.uid)
    await found.wait_till_done()
    assert await found.has_result() is False
    with pytest.raises(ResourceNotFoundError):
        await ExportTask.get_task(client, "no-such-task")


@pytest.mark.parametrize(
    ("task_id", "error"),
    [("", InputError), ("  ", InputError), (123, InputTypeError), (None, InputTypeError)],
)
async def test_task_get_task_refuses_a_bad_id_before_sending(
    client: AsyncClient, emu: Emulator, task_id: Any, error: type[Exception]
) -> None:
    before = emu.state.stats()["requests"]
    with pytest.raises(error, match="task_id"):
        await Task.get_task(client, task_id)
    assert emu.state.stats()["requests"] == before
