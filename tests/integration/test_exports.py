"""Project exports against the emulator: the task, its streamed rows, filters and params."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aiolabel import InputError, InputTypeError, UniqueIds
from aiolabel.emulator import Emulator
from aiolabel.models.project import Project
from aiolabel.models.task import Task
from tests.integration._support import (
    requests,
    sql,
)


async def exported_ids(task: Task) -> list[str]:
    await task.wait_till_done()
    return [line["data_row"]["id"] async for line in task.result()]


async def test_export_everything_streams_every_row(
    project: Project, rows: list[str], emu: Emulator
) -> None:
    emu.control("set_export_chunk_bytes", size=2_000)  # several chunk files
    await project.create_batch("a", rows[:1_200])
    task = await project.export()
    assert task.type == "export-data-rows"
    stored = {r[0] for r in sql(emu, "SELECT data_row_id FROM project_data_rows")}
    assert sorted(await exported_ids(task)) == sorted(stored)
    assert requests(emu)["CurrentUserPyApi"] == 0  # no date filter: no time zone needed
    [row] = sql(emu, "SELECT type, status FROM tasks WHERE id = ?", task.uid)
    assert tuple(row) == ("export-data-rows", "COMPLETE")


async def test_export_filters(project: Project, rows: list[str], emu: Emulator) -> None:
    first = await project.create_batch("first", rows[:5])
    await project.create_batch("second", rows[5:9])
    by_batch = await project.export("by batch", filters={"batch_ids": [first.uid]})
    assert sorted(await exported_ids(by_batch)) == sorted(rows[:5])
    by_key = await project.export(filters={"global_keys": ["gk-6", "gk-7"]})
    assert sorted(await exported_ids(by_key)) == sorted(rows[6:8])
    await project.move_data_rows_to_task_queue(UniqueIds(rows[:2]))  # to Done
    done = await project.export(filters={"workflow_status": "Done"})
    assert sorted(await exported_ids(done)) == sorted(rows[:2])


async def test_export_date_filter_asks_for_the_time_zone_once(
    project: Project, rows: list[str], emu: Emulator
) -> None:
    await project.create_batch("a", rows[:3])
    emu.control("add_label", project_id=project.uid, data_row_id=rows[1])
    window = ("2000-01-01 00:00:00", "2100-01-01 00:00:00")
    task = await project.export(
        filters={"last_activity_at": window, "label_created_at": ("2000-01-01", None)}
    )
    assert requests(emu)["CurrentUserPyApi"] == 1  # the official SDK asks once per date filter
    assert await exported_ids(task) == rows[1:2]  # the labelled row
    empty = await project.export(
        filters={
            "last_activity_at": (datetime(2001, 1, 1, tzinfo=UTC), datetime(2002, 1, 1, tzinfo=UTC))
        }
    )
    assert await exported_ids(empty) == []


async def test_export_params_shape_the_rows(
    project: Project, rows: list[str], emu: Emulator
) -> None:
    await project.create_batch("a", rows[:2])
    emu.control("add_label", project_id=project.uid, data_row_id=rows[0])
    task = await project.export(params={"label_details": True, "metadata_fields": True})
    await task.wait_till_done()
    lines = {line["data_row"]["id"]: line async for line in task.result()}
    assert set(lines) == set(rows[:2])
    assert "metadata_fields" in lines[rows[0]]
    labels = lines[rows[0]]["projects"][project.uid]["labels"]
    assert len(labels) == 1


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"filters": {"batch_ids": []}}, InputError, "filters"),
        ({"filters": {"colour": "red"}}, InputError, "filters"),
        ({"filters": {"data_row_ids": ["a"], "global_keys": ["b"]}}, InputError, "filters"),
        ({"filters": {"last_activity_at": (datetime(2020, 1, 1), None)}}, InputError, "time zone"),
        ({"filters": {"last_activity_at": ("yesterday", None)}}, InputError, "filters"),
        ({"filters": {"label_created_at": (None, None)}}, InputError, "filters"),
        ({"filters": ["batch"]}, InputTypeError, "filters"),
        ({"params": {"label_detail": True}}, InputError, "params"),
        ({"task_name": 3}, InputTypeError, "task_name"),
    ],
)
async def test_export_bad_input_sends_nothing(
    project: Project, emu: Emulator, kwargs: dict[str, object], error: type[Exception], match: str
) -> None:
    before = emu.stats()["requests"]
    with pytest.raises(error, match=match):
        await project.export(**kwargs)  # type: ignore[arg-type]
    assert emu.stats()["requests"] == before
    assert sql(emu, "SELECT COUNT(*) FROM tasks")[0][0] == 0
