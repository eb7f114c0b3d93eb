"""Project activity with aiolabel against the in-process emulator: labeler performance, the
issues export, reservations, a data row's winning label, review-metric arguments."""

from __future__ import annotations

import json

import pytest

from aiolabel import AsyncClient, InputError, InvalidQueryError
from aiolabel.emulator import Emulator
from aiolabel.models.project import Project
from tests.integration._support import requests


async def test_labeler_performance(
    client: AsyncClient, emu: Emulator, project: Project, rows: list[str]
) -> None:
    await project.create_batch("b", rows[:3])
    assert await project.labeler_performance().to_list() == []
    for row, seconds in zip(rows[:3], (2.0, 4.0, 9.0), strict=True):
        emu.control("add_label", project_id=project.uid, data_row_id=row, seconds_to_create=seconds)
    [perf] = await project.labeler_performance().to_list()
    assert perf.user.uid == (await client.get_user()).uid
    assert (perf.count, perf.total_time_labeling, perf.seconds_per_label) == (3, 15.0, 5.0)


async def test_winning_label(
    client: AsyncClient, emu: Emulator, project: Project, rows: list[str]
) -> None:
    await project.create_batch("b", rows[:1])
    row = await client.get_data_row(rows[0])
    assert await row.get_winning_label_id(project.uid) is None
    made = emu.control("add_label", project_id=project.uid, data_row_id=rows[0])
    assert await row.get_winning_label_id(project.uid) == made["id"]


async def test_export_issues(client: AsyncClient, emu: Emulator, project: Project) -> None:
    emu.control("add_issue", project_id=project.uid, content="a")
    emu.control("add_issue", project_id=project.uid, content="b", status="Resolved")
    url = await project.export_issues("Resolved")
    assert url is not None
    body = b"".join([chunk async for chunk in client._download(url)])
    assert [i["content"] for i in json.loads(body)] == ["b"]
    before = sum(requests(emu).values())
    with pytest.raises(InputError, match="status"):
        await project.export_issues("Closed")
    assert sum(requests(emu).values()) == before


async def test_extend_reservations(emu: Emulator, project: Project, rows: list[str]) -> None:
    await project.create_batch("b", rows[:2])
    emu.control("reserve_data_rows", project_id=project.uid, data_row_ids=rows[:2])
    assert await project.extend_reservations("LabelingQueue") == 2
    assert await project.extend_reservations("ReviewQueue") == 0
    with pytest.raises(InvalidQueryError, match="queue type"):
        await project.extend_reservations("labeling")


async def test_review_metrics_refuses_unknown_scores_before_sending(
    emu: Emulator, project: Project
) -> None:
    before = sum(requests(emu).values())
    for bad in ("Great", 1, "None"):
        with pytest.raises(InvalidQueryError, match="net score"):
            await project.review_metrics(bad)
    assert sum(requests(emu).values()) == before


async def test_review_metrics(emu: Emulator, project: Project, rows: list[str]) -> None:
    from aiolabel import Review

    await project.create_batch("b", rows[:1])
    emu.control("add_label", project_id=project.uid, data_row_id=rows[0])
    counts = [await project.review_metrics(s) for s in (None, *Review.NetScore)]
    assert all(isinstance(n, int) for n in counts)
    assert sum(counts) >= 1
