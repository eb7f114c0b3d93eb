"""Priorities and queues against the emulator: labelling-parameter overrides in chunks of 1,000
(with a failing chunk reported exactly), the bulk priority task, the LPO listing, moving rows
between task queues. Every test reads the server's state afterwards."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from aiolabel import (
    GlobalKey,
    GlobalKeys,
    InputError,
    InputTypeError,
    LabelboxError,
    PartialFailureError,
    ResourceNotFoundError,
    UniqueId,
    UniqueIds,
)
from aiolabel._resources import priorities as project_module
from aiolabel.emulator import Emulator
from aiolabel.models.project import Project
from aiolabel.models.task import Task
from tests.integration._support import (
    requests,
    sql,
)


def priorities(emu: Emulator, project_id: str) -> dict[str, int | None]:
    """Each project row's override priority on the server (None: no override)."""
    return {
        r["data_row_id"]: r["lpo_priority"]
        for r in sql(
            emu,
            "SELECT data_row_id, lpo_priority FROM project_data_rows WHERE project_id = ?",
            project_id,
        )
    }


def queue_of(emu: Emulator, project_id: str) -> dict[str, str | None]:
    """Each project row's task-queue type on the server (None: Done)."""
    return {
        r[0]: r[1]
        for r in sql(
            emu,
            "SELECT p.data_row_id, q.queue_type FROM project_data_rows p"
            " LEFT JOIN task_queues q ON q.id = p.queue_id WHERE p.project_id = ?",
            project_id,
        )
    }


# -- set_labeling_parameter_overrides ----------------------------------------------------------


async def test_overrides_in_chunks_with_one_failing_chunk(
    project: Project, rows: list[str], emu: Emulator
) -> None:
    await project.create_batch("queued", rows[:2_999])
    pairs: list[tuple[UniqueId, int]] = [(UniqueId(r), i % 7 + 1) for i, r in enumerate(rows)]
    pairs.insert(1_500, pairs.pop())  # rows[2_999] is not in the project: chunk 1 is refused
    seen: list[tuple[int, int | None]] = []
    with pytest.raises(PartialFailureError) as caught:
        await project.set_labeling_parameter_overrides(
            pairs, progress=lambda done, total: seen.append((done, total))
        )
    error = caught.value
    [failure] = error.failures
    assert (failure.index, failure.start) == (1, 1_000)
    assert error.failed_items == pairs[1_000:2_000]
    assert [s.index for s in error.succeeded] == [0, 2]
    assert requests(emu)["SetLabelingParameterOverridesPyApi"] == 3
    assert sorted(seen) == [(1_000, 3_000), (2_000, 3_000), (3_000, 3_000)]

    stored = priorities(emu, project.uid)
    applied = pairs[:1_000] + pairs[2_000:]
    assert all(stored[ident.key] == prio for ident, prio in applied)
    assert all(stored.get(ident.key) is None for ident, _ in pairs[1_000:2_000])


async def test_overrides_by_global_key_and_id(
    project: Project, rows: list[str], emu: Emulator
) -> None:
    await project.create_batch("queued", rows[:10])
    pairs = [(GlobalKey(f"gk-{i}"), -i) for i in range(5)] + [
        (UniqueId(rows[i]), 2**31 - 1) for i in range(5, 10)
    ]
    assert await project.set_labeling_parameter_overrides(pairs) is True
    stored = priorities(emu, project.uid)
    assert [stored[r] for r in rows[:10]] == [0, -1, -2, -3, -4] + [2**31 - 1] * 5


async def test_overrides_from_an_async_iterable(
    project: Project, rows: list[str], emu: Emulator
) -> None:
    await project.create_batch("queued", rows[:2_500])

    async def pairs() -> AsyncIterator[tuple[UniqueId, int]]:
        for row in rows[:2_500]:
            yield UniqueId(row), 4

    seen: list[tuple[int, int | None]] = []
    await project.set_labeling_parameter_overrides(
        pairs(), max_concurrency=2, progress=lambda d, t: seen.append((d, t))
    )
    assert set(priorities(emu, project.uid).values()) == {4}
    assert max(seen) == (2_500, None)
    assert requests(emu)["SetLabelingParameterOverridesPyApi"] == 3


async def test_overrides_stream_with_a_bad_item_midway(
    project: Project, rows: list[str], emu: Emulator
) -> None:
    await project.create_batch("queued", rows[:2_500])

    def pairs() -> Iterator[tuple[object, object]]:
        for row in rows[:2_400]:
            yield UniqueId(row), 2
        yield UniqueId(rows[2_400]), "high"

    with pytest.raises(PartialFailureError) as caught:
        await project.set_labeling_parameter_overrides(pairs())  # type: ignore[arg-type]
    error = caught.value
    assert isinstance(error.input_error, InputTypeError)
    assert "data[2400] priority" in str(error.input_error)
    assert [s.index for s in error.succeeded] == [0, 1]
    assert [len(chunk) for chunk in error.not_started] == [400]
    stored = priorities(emu, project.uid)
    assert [stored[r] for r in rows[:2_000]] == [2] * 2_000
    assert {stored[r] for r in rows[2_000:2_500]} == {None}


async def test_overrides_stream_is_checked_for_repeats_request_by_request(
    project: Project, rows: list[str], emu: Emulator
) -> None:
    await project.create_batch("queued", rows[:2_500])
    # an identifier repeated within one request's 1,000 pairs stops the stream there
    repeated = [*((UniqueId(r), 3) for r in rows[:1_500]), (UniqueId(rows[1_100]), 4)]
    with pytest.raises(PartialFailureError) as caught:
        await project.set_labeling_parameter_overrides(iter(repeated), max_concurrency=1)
    assert isinstance(caught.value.input_error, InputError)
    assert "data[1500]" in str(caught.value.input_error)
    assert [s.index for s in caught.value.succeeded] == [0]
    # one repeated in a later request is sent again: the later priority stays
    later = [*((GlobalKey(f"gk-{i}"), 5) for i in range(1_200)), (GlobalKey("gk-7"), 1)]
    await project.set_labeling_parameter_overrides(iter(later), max_concurrency=1)
    stored = priorities(emu, project.uid)
    assert stored[rows[7]] == 1
    assert {stored[r] for r in rows[:1_200] if r != rows[7]} == {5}


@pytest.mark.parametrize(
    ("data", "error", "match"),
    [
        ([], InputError, "data must not be empty"),
        ([(UniqueId("a"), 2**31)], InputError, r"data\[0\] priority"),
        ([(UniqueId("a"), -(2**31) - 1)], InputError, r"data\[0\] priority"),
        ([(UniqueId("a"), 1.5)], InputTypeError, r"data\[0\] priority"),
        ([(UniqueId("a"), True)], InputTypeError, r"data\[0\] priority"),
        ([("a", 1)], InputTypeError, r"data\[0\].*UniqueId or a GlobalKey"),
        ([(UniqueId("a"),)], InputTypeError, r"data\[0\]"),
        ([(UniqueId("a"), 1), (UniqueId("a"), 2)], InputError, r"data\[1\].*more than once"),
        ("abc", InputTypeError, "data"),
        (iter([]), InputError, "data must not be empty"),
    ],
)
async def test_overrides_bad_input_sends_nothing(
    project: Project, emu: Emulator, data: object, error: type[Exception], match: str
) -> None:
    before = emu.stats()["requests"]
    with pytest.raises(error, match=match):
        await project.set_labeling_parameter_overrides(data)  # type: ignore[arg-type]
    assert emu.stats()["requests"] == before


async def test_labeling_parameter_overrides_listing(
    project: Project, rows: list[str], emu: Emulator
) -> None:
    await project.create_batch("queued", rows[:250], priority=3)
    await project.set_labeling_parameter_overrides([(UniqueId(rows[200]), 1)])
    listed = [lpo async for lpo in project.labeling_parameter_overrides()]
    assert len(listed) == 250
    assert (await listed[0].data_row()).uid == rows[200]  # lowest priority first
    assert listed[0].priority == 1
    assert {lpo.priority for lpo in listed[1:]} == {3}
    assert {(await lpo.data_row()).uid for lpo in listed} == set(rows[:250])
    assert requests(emu)["GetProjectLabelingParameterOverridesPyApi"] == 3  # pages of 100


# -- update_data_row_labeling_priority ---------------------------------------------------------


async def test_update_priority_in_several_tasks(
    project: Project, rows: list[str], emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(project_module, "PRIORITY_UPDATE_CHUNK_SIZE", 800)
    await project.create_batch("queued", rows[:2_000])
    assert await project.update_data_row_labeling_priority(UniqueIds(rows[:2_000]), 7) is True
    assert set(priorities(emu, project.uid).values()) == {7}
    assert requests(emu)["createQueuePriorityUpdateTaskPyApi"] == 3


async def test_update_priority_without_waiting(
    project: Project, rows: list[str], emu: Emulator
) -> None:
    await project.create_batch("queued", rows[:20])
    keys = GlobalKeys([f"gk-{i}" for i in range(20)])
    tasks = await project.update_data_row_labeling_priority(keys, -5, wait=False)
    assert [type(t) for t in tasks] == [Task]
    await tasks[0].wait_till_done()
    assert tasks[0].status == "COMPLETE"
    assert set(priorities(emu, project.uid).values()) == {-5}


async def test_update_priority_failure_raises(
    project: Project, rows: list[str], emu: Emulator
) -> None:
    await project.create_batch("queued", rows[:5])
    with pytest.raises(LabelboxError, match="Priority was not updated successfully"):
        await project.update_data_row_labeling_priority(GlobalKeys(["nope-1", "nope-2"]), 2)
    assert set(priorities(emu, project.uid).values()) == {None}


@pytest.mark.parametrize(
    ("rows_arg", "priority", "error", "match"),
    [
        (UniqueIds([]), 1, InputError, "data_rows must not be empty"),
        (["a"], 1, InputTypeError, "data_rows must be UniqueIds or GlobalKeys"),
        (UniqueIds(["a", "b", "a"]), 1, InputError, r"data_rows\[2\]"),
        (UniqueIds(["a"]), 2**31, InputError, "priority"),
        (UniqueIds(["a"]), "1", InputTypeError, "priority"),
    ],
)
async def test_update_priority_bad_input_sends_nothing(
    project: Project,
    emu: Emulator,
    rows_arg: object,
    priority: object,
    error: type[Exception],
    match: str,
) -> None:
    before = emu.stats()["requests"]
    with pytest.raises(error, match=match):
        await project.update_data_row_labeling_priority(rows_arg, priority)  # type: ignore[arg-type]
    assert emu.stats()["requests"] == before


# -- task queues -------------------------------------------------------------------------------


async def test_move_data_rows_to_task_queue(
    project: Project, rows: list[str], emu: Emulator
) -> None:
    await project.create_batch("queued", rows[:6])
    queues = {q.queue_type: q for q in await project.task_queues()}
    review = queues["MANUAL_REVIEW_QUEUE"]
    assert await project.move_data_rows_to_task_queue(UniqueIds(rows[:3]), review.uid) is None
    await project.move_data_rows_to_task_queue(GlobalKeys(["gk-3"]))  # to Done
    placed = queue_of(emu, project.uid)
    assert [placed[r] for r in rows[:6]] == ["MANUAL_REVIEW_QUEUE"] * 3 + [None] + [
        "INITIAL_LABELING_QUEUE"
    ] * 2
    counts = {q.queue_type: q.data_row_count for q in await project.task_queues()}
    assert counts["MANUAL_REVIEW_QUEUE"] == 3
    assert counts["INITIAL_LABELING_QUEUE"] == 2


async def test_move_data_rows_errors(project: Project, rows: list[str], emu: Emulator) -> None:
    await project.create_batch("queued", rows[:2])
    with pytest.raises(ResourceNotFoundError):
        await project.move_data_rows_to_task_queue(UniqueIds(rows[:1]), "no-such-queue")
    with pytest.raises(LabelboxError, match="Data rows were not moved successfully"):
        await project.move_data_rows_to_task_queue(UniqueIds(["not-a-row"]))
    before = emu.stats()["requests"]
    with pytest.raises(InputTypeError, match="data_row_ids"):
        await project.move_data_rows_to_task_queue(rows[:1])  # type: ignore[arg-type]
    with pytest.raises(InputTypeError, match="task_queue_id"):
        await project.move_data_rows_to_task_queue(UniqueIds(rows[:1]), 7)  # type: ignore[arg-type]
    assert emu.stats()["requests"] == before
    assert set(queue_of(emu, project.uid).values()) == {"INITIAL_LABELING_QUEUE"}
