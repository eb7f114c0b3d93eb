"""Batches against the emulator: create_batch (both paths), create_batches (one request, many
batches, refusals, partial failures), create_batches_from_dataset, listing, and the Batch methods.
Every test reads the server's state afterwards."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator

import pytest

from aiolabel import (
    AsyncClient,
    InputError,
    InputTypeError,
    PartialFailureError,
    ResourceConflict,
    ResourceNotFoundError,
)
from aiolabel._resources import batch_creation as _batch_create
from aiolabel.emulator import Emulator
from aiolabel.errors import OperationNotAllowedException
from aiolabel.models.batch import Batch
from aiolabel.models.create_batches_task import CreateBatchesTask
from aiolabel.models.data_row import DataRow
from aiolabel.models.project import Project
from tests.integration._support import (
    batch_rows,
    one,
    requests,
    sql,
)


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> int:
    """Split create_batches' input every 1,000 rows (instead of 100,000) to keep tests small;
    the service's limit is untouched, so the requests stay valid."""
    monkeypatch.setattr(_batch_create, "MAX_BATCH_ROWS", 1_000)
    return 1_000


EXTRA_SETTING = {"number_of_labels": 2, "coverage_percentage": 0.1, "x": 1}


def stored_batches(emu: Emulator, project_id: str) -> list[tuple[str, int]]:
    """(name, rows) of the project's live batches, in creation order."""
    return [
        (r["name"], r["n"])
        for r in sql(
            emu,
            "SELECT b.name, (SELECT COUNT(*) FROM project_data_rows p WHERE p.batch_id = b.id)"
            " AS n FROM batches b WHERE b.project_id = ? AND b.deleted = 0 ORDER BY b.seq",
            project_id,
        )
    ]


# -- create_batch -------------------------------------------------------------------------------


async def test_create_batch_sync_path_reports_failed_rows(
    project: Project, rows: list[str], emu: Emulator
) -> None:
    [video] = emu.control("bulk_create_data_rows", count=1, media_type="VIDEO")["ids"]
    batch = await project.create_batch("small", [*rows[:10], video], priority=2)
    assert batch.failed_data_row_ids == [video]  # wrong media type for the project
    assert (batch.name, batch.size, batch.project_id) == ("small", 10, project.uid)
    [stored] = sql(emu, "SELECT id, priority FROM batches WHERE project_id = ?", project.uid)
    assert (stored["id"], stored["priority"]) == (batch.uid, 2)
    assert batch_rows(emu, batch.uid) == rows[:10]
    sent = requests(emu)
    assert sent["createBatchV2PyApi"] == 1
    assert sent["CheckAllDataRowsHaveBeenProcessedPyApi"] == 1
    assert sent["createEmptyBatchPyApi"] == 0


async def test_create_batch_async_path_by_global_keys(
    project: Project, rows: list[str], emu: Emulator
) -> None:
    keys = [f"gk-{i}" for i in range(1_200)]
    batch = await project.create_batch(
        "large",
        global_keys=keys,
        consensus_settings={"number_of_labels": 2, "coverage_percentage": 0.5},
    )
    assert (batch.name, batch.size, batch.failed_data_row_ids) == ("large", 1_200, [])
    assert batch.consensus_settings == {"numberOfLabels": 2, "coveragePercentage": 0.5}
    assert batch_rows(emu, batch.uid) == rows[:1_200]
    stored = one(emu, "SELECT consensus_settings FROM batches WHERE id = ?", batch.uid)
    assert json.loads(stored) == {"numberOfLabels": 2, "coveragePercentage": 0.5}
    sent = requests(emu)
    assert (sent["createEmptyBatchPyApi"], sent["addDataRowsToBatchAsyncPyApi"]) == (1, 1)
    assert sent["getProjectBatchPyApi"] == 1
    assert sent["createBatchV2PyApi"] == 0


async def test_create_batch_async_path_failed_rows(
    project: Project, rows: list[str], emu: Emulator
) -> None:
    await project.create_batch("first", rows[:5])
    batch = await project.create_batch("second", rows[:1_500])
    assert sorted(batch.failed_data_row_ids) == sorted(rows[:5])  # already in "first"
    assert batch.size == 1_495
    assert len(batch_rows(emu, batch.uid)) == 1_495


async def test_create_batch_takes_data_row_objects(
    client: AsyncClient, project: Project, rows: list[str], emu: Emulator
) -> None:
    objects = [DataRow.from_wire(client, {"id": row}) for row in rows[:3]]
    batch = await project.create_batch("objects", objects)
    assert batch_rows(emu, batch.uid) == rows[:3]


async def test_create_batch_without_waiting(
    project: Project, rows: list[str], emu: Emulator
) -> None:
    handle = await project.create_batch("nowait", rows[:1_100], wait=False)
    assert isinstance(handle, CreateBatchesTask)
    assert len(handle.tasks) == 1
    await handle.wait_till_done()
    [batch] = await handle.result()
    assert (batch.name, batch.size) == ("nowait", 1_100)
    assert len(batch_rows(emu, batch.uid)) == 1_100
    small = await project.create_batch("nowait-small", rows[1_100:1_110], wait=False)
    assert [b.size for b in await small.result()] == [10]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"data_rows": ["a"], "priority": 0}, InputError, "priority"),
        ({"data_rows": ["a"], "priority": 6}, InputError, "priority"),
        ({"data_rows": ["a"], "priority": "1"}, InputTypeError, "priority"),
        ({"data_rows": ["a"], "priority": True}, InputTypeError, "priority"),
        ({"data_rows": ["a"], "global_keys": ["b"]}, InputError, "data_rows or global_keys"),
        ({}, InputError, "data_rows"),
        ({"data_rows": []}, InputError, "data_rows must not be empty"),
        ({"global_keys": []}, InputError, "global_keys must not be empty"),
        ({"data_rows": ["a", 7]}, InputTypeError, r"data_rows\[1\]"),
        ({"global_keys": ["a", None]}, InputTypeError, r"global_keys\[1\]"),
        ({"data_rows": ["a", ""]}, InputError, r"data_rows\[1\]"),
        ({"data_rows": ["a", "b", "a"]}, InputError, r"data_rows\[2\].*more than once"),
        # a lone surrogate: no UTF-8 for it (the variables are refused as a whole)
        ({"global_keys": ["a", "b\ud800"]}, InputError, "surrogates not allowed"),
        ({"global_keys": ("k", "\udc00")}, InputError, "surrogates not allowed"),
        ({"data_rows": "abc"}, InputTypeError, "data_rows"),
        ({"data_rows": [f"r{i}" for i in range(100_001)]}, InputError, "100,000"),
        ({"data_rows": iter(f"r{i}" for i in range(100_001))}, InputError, "100,000"),
        (
            {"data_rows": ["a"], "consensus_settings": {"number_of_labels": 2}},
            InputError,
            "consensus",
        ),
        (
            {
                "data_rows": ["a"],
                "consensus_settings": {"number_of_labels": 2, "coverage_percentage": 0.1, "x": 1},
            },
            InputError,
            "consensus_settings",
        ),
        ({"data_rows": ["a"], "consensus_settings": [2, 0.1]}, InputTypeError, "consensus"),
        ({"data_rows": ["a"], "wait": "yes"}, InputTypeError, "wait"),
    ],
)
async def test_create_batch_bad_input_sends_nothing(
    project: Project, emu: Emulator, kwargs: dict[str, object], error: type[Exception], match: str
) -> None:
    before = emu.stats()["requests"]
    with pytest.raises(error, match=match):
        await project.create_batch("b", **kwargs)  # type: ignore[arg-type]
    assert emu.stats()["requests"] == before
    assert one(emu, "SELECT COUNT(*) FROM batches") == 0


async def test_create_batch_name_taken(project: Project, rows: list[str], emu: Emulator) -> None:
    await project.create_batch("dup", rows[:2])
    with pytest.raises(ResourceConflict):
        await project.create_batch("dup", rows[2:4])
    assert stored_batches(emu, project.uid) == [("dup", 2)]


async def test_get_batch(client: AsyncClient, project: Project, rows: list[str]) -> None:
    batch = await project.create_batch("b", rows[:4])
    got = await client.get_batch(project.uid, batch.uid)
    assert (got.uid, got.name, got.size, got.project_id) == (batch.uid, "b", 4, project.uid)
    with pytest.raises(ResourceNotFoundError):
        await client.get_batch(project.uid, "no-such-batch")
    with pytest.raises(InputTypeError, match="batch_id"):
        await client.get_batch(project.uid, 5)  # type: ignore[arg-type]


async def test_batches_lists_every_page(project: Project, rows: list[str], emu: Emulator) -> None:
    for i in range(130):
        await project.create_batch(f"b{i:03d}", [rows[i]])
    before = requests(emu)["GetProjectBatchesPyApi"]
    listed = [b async for b in project.batches()]
    assert [b.name for b in listed] == [name for name, _ in stored_batches(emu, project.uid)]
    assert len(listed) == 130
    assert all(isinstance(b, Batch) and b.size == 1 for b in listed)
    assert requests(emu)["GetProjectBatchesPyApi"] - before == 2


# -- create_batches -----------------------------------------------------------------------------


async def test_create_batches_over_100k_rows(project: Project, emu: Emulator) -> None:
    ids = emu.control("bulk_create_data_rows", count=200_001, media_type="IMAGE")["ids"]
    seen: list[tuple[int, int | None]] = []
    task = await project.create_batches(
        "big-", ids, priority=3, progress=lambda done, total: seen.append((done, total))
    )
    assert len(task.batches) == len(task.tasks) == 3
    # cumulative rows as each batch is created, in whatever order they finish
    assert {total for _, total in seen} == {200_001}
    done = [d for d, _ in seen]
    assert sorted([b - a for a, b in zip([0, *done], done, strict=False)]) == [1, 100_000, 100_000]
    await task.wait_till_done()
    assert await task.errors() is None
    made = await task.result()
    assert [(b.name, b.size) for b in made] == [
        ("big-0000", 100_000),
        ("big-0001", 100_000),
        ("big-0002", 1),
    ]
    assert sorted(stored_batches(emu, project.uid)) == [
        ("big-0000", 100_000),
        ("big-0001", 100_000),
        ("big-0002", 1),
    ]
    assert batch_rows(emu, made[2].uid) == ids[200_000:]
    assert {r[0] for r in sql(emu, "SELECT DISTINCT priority FROM batches")} == {3}
    sent = requests(emu)
    assert sent["createBatchesPyApi"] == 0
    assert sent["GetProjectBatchesPyApi"] == 1  # the name check
    assert sent["CheckAllDataRowsHaveBeenProcessedPyApi"] == 3
    assert (sent["createEmptyBatchPyApi"], sent["addDataRowsToBatchAsyncPyApi"]) == (3, 3)


async def test_create_batches_in_one_request(
    project: Project, rows: list[str], emu: Emulator
) -> None:
    keys = (f"gk-{i}" for i in range(2_500))  # a generator: read as it is sent
    seen: list[tuple[int, int | None]] = []
    task = await project.create_batches(
        "one-", global_keys=keys, progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(2_500, 2_500)]
    await task.wait_till_done()
    [batch] = await task.result()
    assert (batch.name, batch.size) == ("one-0000", 2_500)
    assert batch_rows(emu, batch.uid) == rows[:2_500]
    sent = requests(emu)
    assert sent["createBatchesPyApi"] == 1
    assert sent["createEmptyBatchPyApi"] == sent["GetProjectBatchesPyApi"] == 0


async def test_create_batches_many_from_async_iterable(
    project: Project, rows: list[str], emu: Emulator, small_batches: int
) -> None:
    async def ids() -> AsyncIterator[str]:
        for row in rows[:2_500]:
            yield row

    task = await project.create_batches("async-", ids(), max_concurrency=2)
    await task.wait_till_done()
    assert [(b.name, b.size) for b in await task.result()] == [
        ("async-0000", 1_000),
        ("async-0001", 1_000),
        ("async-0002", 500),
    ]
    assert sorted(stored_batches(emu, project.uid)) == [
        ("async-0000", 1_000),
        ("async-0001", 1_000),
        ("async-0002", 500),
    ]


async def test_create_batches_of_a_list_a_few_at_a_time_send_the_list_as_checked(
    project: Project, rows: list[str], emu: Emulator, small_batches: int
) -> None:
    """Batches started one at a time are encoded as they start, from the keys as they were
    checked: what the caller does to its list meanwhile changes nothing."""
    keys = rows[:2_500]
    started: list[int] = []

    def progress(done: int, total: int | None) -> None:
        started.append(done)
        keys.clear()  # the caller empties its list once the first batch is done

    task = await project.create_batches("few-", keys, max_concurrency=1, progress=progress)
    await task.wait_till_done()
    assert started == [1_000, 2_000, 2_500]
    assert [(b.name, b.size) for b in await task.result()] == [
        ("few-0000", 1_000),
        ("few-0001", 1_000),
        ("few-0002", 500),
    ]
    assert [r for b in await task.result() for r in batch_rows(emu, b.uid)] == rows[:2_500]


async def test_create_batches_checks_a_stream_for_repeats_batch_by_batch(
    project: Project, rows: list[str], emu: Emulator, small_batches: int
) -> None:
    # a row repeated within a batch stops the stream before that batch is sent
    with pytest.raises(PartialFailureError) as caught:
        await project.create_batches("dup", iter([*rows[:1_500], rows[1_200]]))
    error = caught.value
    assert isinstance(error.input_error, InputError)
    assert "data_rows[1500]" in str(error.input_error)
    assert [s.index for s in error.succeeded] == [0]
    assert error.not_started == [[*rows[1_000:1_500], rows[1_200]]]  # read, not sent
    assert stored_batches(emu, project.uid) == [("dup0000", 1_000)]
    # ... and one in the first batch before any request
    before = emu.stats()["requests"]
    with pytest.raises(InputError, match=r"data_rows\[999\]"):
        await project.create_batches("first", iter([*rows[:999], rows[5], *rows[1_000:1_500]]))
    assert emu.stats()["requests"] == before
    # a row repeated in another batch is left to the server: the task that adds it second
    # (whichever runs later) refuses it
    task = await project.create_batches("rep", iter([*rows[2_000:3_000], rows[2_000]]))
    await task.wait_till_done()
    made = await task.result()
    assert [b.name for b in made] == ["rep0000", "rep0001"]
    assert sum(b.size for b in made) == 1_000
    assert [r for b in made for r in b.failed_data_row_ids] == [rows[2_000]]
    # a list is checked whole, across batches, before anything is sent
    before = emu.stats()["requests"]
    with pytest.raises(InputError, match=r"data_rows\[1000\]"):
        await project.create_batches("list", [*rows[:1_000], rows[0]])
    assert emu.stats()["requests"] == before


async def test_create_batches_refuses_a_taken_name_before_creating_anything(
    project: Project, rows: list[str], emu: Emulator, small_batches: int
) -> None:
    await project.create_batch("pre0002", rows[2_900:2_901])
    before = requests(emu)
    with pytest.raises(
        ResourceConflict,
        match=r"name_prefix 'pre': batches with these names already exist in the project: "
        r"pre0002; nothing was created",
    ):
        await project.create_batches("pre", rows[:2_500])
    assert stored_batches(emu, project.uid) == [("pre0002", 1)]
    after = requests(emu)
    assert after["createEmptyBatchPyApi"] == before["createEmptyBatchPyApi"] == 0
    assert after["addDataRowsToBatchAsyncPyApi"] == before["addDataRowsToBatchAsyncPyApi"] == 0
    # the names are looked up while the processing checks (reads) go out; when the lookup
    # answers last, the batches already checked wait for it and are stopped with the job
    emu.set_faults(latency_ms=300, latency_operations={"GetProjectBatchesPyApi"})
    progress: list[tuple[int, int | None]] = []
    try:
        with pytest.raises(ResourceConflict, match="pre0002"):
            await project.create_batches(
                "pre", rows[:2_500], progress=lambda done, total: progress.append((done, total))
            )
    finally:
        emu.set_faults(latency_ms=0, latency_operations=None)
    assert stored_batches(emu, project.uid) == [("pre0002", 1)]
    assert progress == []  # nothing was created, nothing reported
    late = requests(emu)
    assert (
        late["CheckAllDataRowsHaveBeenProcessedPyApi"]
        >= after["CheckAllDataRowsHaveBeenProcessedPyApi"] + 3
    )  # every batch was checked before the names were known
    assert late["createEmptyBatchPyApi"] == late["addDataRowsToBatchAsyncPyApi"] == 0
    # a name the job would not reach does not stop a sized input...
    task = await project.create_batches("pre", rows[:1_500])
    assert len(task.batches) == 2
    # ...but does stop a stream, whose batch count is unknown until it ends
    with pytest.raises(ResourceConflict, match="pre0000"):
        await project.create_batches("pre", iter(rows[1_500:2_900]))


async def test_create_batches_input_raising_midway(
    project: Project, rows: list[str], emu: Emulator, small_batches: int
) -> None:
    def broken() -> Iterator[str]:
        yield from rows[:2_500]
        raise RuntimeError("source lost")

    with pytest.raises(PartialFailureError) as caught:
        await project.create_batches("mid", broken())
    error = caught.value
    assert isinstance(error.input_error, RuntimeError)
    assert [s.index for s in error.succeeded] == [0, 1]
    assert error.failures == []
    assert error.not_started == [rows[2_000:2_500]]
    assert [s.size for s in error.succeeded] == [1_000, 1_000]
    assert "500 rows read but not sent" in str(error)
    created = {batch_id for batch_id, _ in error.results}
    assert created == {
        r[0] for r in sql(emu, "SELECT id FROM batches WHERE project_id = ?", project.uid)
    }
    assert sorted(stored_batches(emu, project.uid)) == [("mid0000", 1_000), ("mid0001", 1_000)]


async def test_create_batches_reports_the_failed_batch_exactly(
    project: Project, rows: list[str], emu: Emulator, small_batches: int
) -> None:
    keys = [f"gk-{i}" for i in range(2_500)]
    keys[1_500] = "no-such-key"  # the processing check of batch 1 refuses it
    with pytest.raises(PartialFailureError) as caught:
        await project.create_batches("part", global_keys=keys)
    error = caught.value
    [failure] = error.failures
    assert (failure.index, failure.start) == (1, 1_000)
    assert failure.items == keys[1_000:2_000]
    assert error.failed_items == keys[1_000:2_000]
    assert str(error).startswith("1 of 3 batches failed (1,000 rows)")
    assert [s.index for s in error.succeeded] == [0, 2]
    assert sorted(stored_batches(emu, project.uid)) == [("part0000", 1_000), ("part0002", 500)]


async def test_create_batches_errors_name_refused_rows(
    project: Project, rows: list[str], emu: Emulator, small_batches: int
) -> None:
    await project.create_batch("earlier", rows[1_000:1_010])
    task = await project.create_batches("rows", rows[:2_500])
    await task.wait_till_done()
    errors = await task.errors()
    assert errors is not None
    assert list(errors) == [task.tasks[1].uid]
    assert sorted(e["dataRowId"] for e in errors[task.tasks[1].uid]) == sorted(rows[1_000:1_010])
    made = await task.result()
    assert sorted(made[1].failed_data_row_ids) == sorted(rows[1_000:1_010])
    assert [b.size for b in made] == [1_000, 990, 500]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"data_rows": ["a"], "priority": 9}, InputError, "priority"),
        ({"data_rows": ["a"], "global_keys": ["a"]}, InputError, "not both"),
        ({"data_rows": []}, InputError, "data_rows"),
        ({"data_rows": iter([])}, InputError, "data_rows"),
        ({"data_rows": ["a", "a"]}, InputError, "more than once"),
        ({"data_rows": (x for x in ["a", 3])}, InputTypeError, r"data_rows\[1\]"),
        ({"data_rows": ["a"], "max_concurrency": 0}, InputError, "max_concurrency"),
        ({"data_rows": ["a"], "progress": 42}, InputTypeError, "progress"),
        ({"data_rows": iter(["a"]), "progress": "yes"}, InputTypeError, "progress"),
        ({"global_keys": ["a", "b\ud800"]}, InputError, r"global_keys\[1\].*lone surrogate"),
        ({"global_keys": iter(["a", "\udc00"])}, InputError, r"global_keys\[1\].*surrogate"),
    ],
)
async def test_create_batches_bad_input_sends_nothing(
    project: Project, emu: Emulator, kwargs: dict[str, object], error: type[Exception], match: str
) -> None:
    before = emu.stats()["requests"]
    with pytest.raises(error, match=match):
        await project.create_batches("p", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="name_prefix"):
        await project.create_batches("", data_rows=["a"])
    assert emu.stats()["requests"] == before


async def test_create_batches_from_dataset(project: Project, emu: Emulator) -> None:
    made = emu.control("bulk_create_data_rows", count=1_500, media_type="IMAGE")
    await project.create_batch("already", made["ids"][:100])
    task = await project.create_batches_from_dataset("ds-", made["dataset_id"], priority=1)
    await task.wait_till_done()
    [batch] = await task.result()
    assert (batch.name, batch.size) == ("ds-0000", 1_400)
    assert sorted(batch_rows(emu, batch.uid)) == sorted(made["ids"][100:])
    assert one(emu, "SELECT priority FROM batches WHERE id = ?", batch.uid) == 1
    with pytest.raises(ResourceNotFoundError):
        await project.create_batches_from_dataset("x-", "no-such-dataset")


# -- Batch methods ------------------------------------------------------------------------------


async def test_batch_project(project: Project, rows: list[str]) -> None:
    batch = await project.create_batch("b", rows[:2])
    assert (await batch.project()).uid == project.uid


async def test_remove_queued_data_rows(project: Project, rows: list[str], emu: Emulator) -> None:
    batch = await project.create_batch("b", rows[:5])
    emu.control("add_label", project_id=project.uid, data_row_id=rows[0], move_to="stay")
    await batch.remove_queued_data_rows()
    assert batch_rows(emu, batch.uid) == rows[:1]  # the labelled row stays


async def test_delete_labels(project: Project, rows: list[str], emu: Emulator) -> None:
    batch = await project.create_batch("b", rows[:3])
    for row in rows[:2]:
        emu.control("add_label", project_id=project.uid, data_row_id=row)
    answer = await batch.delete_labels(set_labels_as_template=True)
    deleted = answer["project"]["deleteBatchLabels"]["deletedLabelIds"]
    stored = sql(emu, "SELECT id, deleted, is_template FROM labels ORDER BY id")
    assert sorted(deleted) == [r["id"] for r in stored]
    assert all((r["deleted"], r["is_template"]) == (1, 1) for r in stored)
    assert await project.get_label_count() == 0


async def test_delete_batch(project: Project, rows: list[str], emu: Emulator) -> None:
    keep = await project.create_batch("keep", rows[:2])
    labelled = await project.create_batch("labelled", rows[2:4])
    emu.control("add_label", project_id=project.uid, data_row_id=rows[2])
    await keep.delete()
    assert one(emu, "SELECT deleted FROM batches WHERE id = ?", keep.uid) == 1
    assert batch_rows(emu, keep.uid) == []
    with pytest.raises(OperationNotAllowedException):
        await labelled.delete()
    assert one(emu, "SELECT deleted FROM batches WHERE id = ?", labelled.uid) == 0


async def test_export_data_rows(project: Project, rows: list[str], emu: Emulator) -> None:
    batch = await project.create_batch("exported", rows[:7])
    await project.create_batch("other", rows[7:9])
    exported = [row async for row in batch.export_data_rows()]
    assert sorted(r["data_row"]["id"] for r in exported) == sorted(rows[:7])
    assert requests(emu)["exportDataRowsInProjectPyApi"] == 1
