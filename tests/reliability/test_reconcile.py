"""Each non-idempotent mutation meets an ambiguous failure of the emulator's fault injection
(applied then answered 502, or a dropped connection before it is applied), aimed at that one
operation: the outcome is exactly one application, and the request counts show whether the
reconcile step found the first attempt (no resend) or not (one resend)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aiolabel import AsyncClient, GlobalKey
from aiolabel.emulator import Emulator
from aiolabel.enums import MediaType
from aiolabel.errors import LabelboxError
from aiolabel.ingest import ingest
from aiolabel.models.dataset import Dataset
from aiolabel.models.project import Project
from aiolabel.models.task import UpsertPartialFailure
from tests.reliability.ambiguous_failure import AMBIGUOUS_FAILURE

from .conftest import OneShot, rows_of, sent


def items(n: int, prefix: str = "k", keyed: bool = True) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        item = {"row_data": f"https://example.com/{prefix}/{i}.jpg", "external_id": f"e{i}"}
        if keyed:
            item["global_key"] = f"{prefix}-{i:05d}"
        out.append(item)
    return out


async def dataset(client: AsyncClient) -> Dataset:
    return await client.create_dataset("ds", iam_integration=None)


async def project_with_rows(client: AsyncClient, n: int) -> tuple[Project, list[str]]:
    ds = await dataset(client)
    task = await ds.create_data_rows(items(n))
    await task.wait_till_done()
    project = await client.create_project("p", MediaType.Image)
    return project, [f"k-{i:05d}" for i in range(n)]


def keys_in_org(emu: Emulator) -> dict[str, int]:
    found: dict[str, int] = {}
    for row in rows_of(emu, "SELECT global_key FROM data_rows WHERE deleted = 0"):
        found[row[0]] = found.get(row[0], 0) + 1
    return found


def batch_rows(emu: Emulator, project: Project) -> dict[str, int]:
    sql = (
        "SELECT b.name, count(p.data_row_id) FROM batches b LEFT JOIN project_data_rows p "
        "ON p.batch_id = b.id WHERE b.project_id = ? AND b.deleted = 0 GROUP BY b.name"
    )
    return {name: n for name, n in rows_of(emu, sql, project.uid)}


# -- upsertDataRows ------------------------------------------------------------------------------


@pytest.mark.parametrize("background", [False, True], ids=["inline task", "background task"])
async def test_upsert_applied_then_failed_is_found_not_resent(
    emu: Emulator, shot: OneShot, client: AsyncClient, background: bool
) -> None:
    if background:  # the lost task is still running when the reconcile step looks for it
        emu.state.config.inline_task_max_items = 0
        emu.set_transition("adv-upsert-data-rows", {"mode": "polls", "n": 3})
    ds = await dataset(client)
    shot.arm("UpsertDataRowsPyApi", "applied_then_failed")
    task = await ds.create_data_rows(items(30))
    await task.wait_till_done()

    assert sent(emu, "UpsertDataRowsPyApi") == 1
    assert keys_in_org(emu) == {f"k-{i:05d}": 1 for i in range(30)}
    assert len([row async for row in task.result()]) == 30  # the lost task's own results
    assert client.retry_stats.reconciled == 1
    assert client.retry_stats.reconcile_resends == 0


async def test_upsert_dropped_is_resent_once(
    emu: Emulator, shot: OneShot, client: AsyncClient
) -> None:
    ds = await dataset(client)
    shot.arm("UpsertDataRowsPyApi", "drop")
    task = await ds.create_data_rows(items(30))
    await task.wait_till_done()

    assert sent(emu, "UpsertDataRowsPyApi") == 2
    assert keys_in_org(emu) == {f"k-{i:05d}": 1 for i in range(30)}
    assert not await task.has_errors()
    assert client.retry_stats.reconcile_resends == 1


async def test_upsert_of_rows_known_by_external_id_and_row_data_is_reconciled(
    emu: Emulator, shot: OneShot, client: AsyncClient
) -> None:
    ds = await dataset(client)
    shot.arm("UpsertDataRowsPyApi", "applied_then_failed")
    task = await ds.create_data_rows(items(12, keyed=False))
    await task.wait_till_done()
    assert sent(emu, "UpsertDataRowsPyApi") == 1
    assert len(rows_of(emu, "SELECT id FROM data_rows WHERE dataset_id = ?", ds.uid)) == 12


async def test_upsert_of_unrecognisable_rows_is_not_resent(
    emu: Emulator, shot: OneShot, client: AsyncClient
) -> None:
    ds = await dataset(client)
    shot.arm("UpsertDataRowsPyApi", "applied_then_failed")
    bare = [{"row_data": f"https://example.com/bare/{i}.jpg"} for i in range(5)]
    with pytest.raises(UpsertPartialFailure) as info:
        await ds.create_data_rows(bare)
    [failure] = info.value.failures
    assert isinstance(failure.error, LabelboxError)
    assert failure.error.maybe_applied
    assert "not sent again" in str(failure.error)
    assert failure.items == [0, 1, 2, 3, 4]
    assert sent(emu, "UpsertDataRowsPyApi") == 1
    emu.wait_for_jobs()
    assert len(rows_of(emu, "SELECT id FROM data_rows WHERE dataset_id = ?", ds.uid)) == 5


async def test_an_unrelated_recent_upsert_is_not_taken_for_the_lost_one(
    emu: Emulator, shot: OneShot, client: AsyncClient
) -> None:
    ds = await dataset(client)
    # another process of the same user started an upsert a moment ago
    async with AsyncClient(
        api_key=emu.api_key, endpoint=emu.endpoint, transport=emu.transport
    ) as other:
        other_ds = await other.get_dataset(ds.uid)
        await (await other_ds.create_data_rows(items(5, prefix="other"))).wait_till_done()
    shot.arm("UpsertDataRowsPyApi", "drop")
    task = await ds.create_data_rows(items(5))
    await task.wait_till_done()
    assert sent(emu, "UpsertDataRowsPyApi") == 3  # the other's, the dropped one, the resend
    assert sorted(keys_in_org(emu)) == [f"k-{i:05d}" for i in range(5)] + [
        f"other-{i:05d}" for i in range(5)
    ]
    assert [row["global_key"] async for row in task.result()] == [f"k-{i:05d}" for i in range(5)]


# -- batches -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "expected_sends"), [("applied_then_failed", 1), ("drop", 2)], ids=["applied", "drop"]
)
async def test_add_rows_to_batch_is_reconciled_by_its_task(
    emu: Emulator, shot: OneShot, client: AsyncClient, fault: str, expected_sends: int
) -> None:
    project, keys = await project_with_rows(client, 1_000)  # 1,000: the empty batch + add path
    shot.arm("addDataRowsToBatchAsyncPyApi", fault)
    batch = await project.create_batch("b", global_keys=keys)

    assert sent(emu, "addDataRowsToBatchAsyncPyApi") == expected_sends
    assert batch_rows(emu, project) == {"b": 1_000}
    assert batch.failed_data_row_ids == []


@pytest.mark.parametrize(
    ("fault", "expected_sends"), [("applied_then_failed", 1), ("drop", 2)], ids=["applied", "drop"]
)
async def test_create_batches_is_reconciled_by_name_and_task(
    emu: Emulator, shot: OneShot, client: AsyncClient, fault: str, expected_sends: int
) -> None:
    project, keys = await project_with_rows(client, 50)
    shot.arm("createBatchesPyApi", fault)
    handle = await project.create_batches("run-", global_keys=keys)
    await handle.wait_till_done()

    assert sent(emu, "createBatchesPyApi") == expected_sends
    assert batch_rows(emu, project) == {"run-0000": 50}
    assert [b.name for b in await handle.result()] == ["run-0000"]


async def test_create_empty_batch_applied_then_failed_uses_the_batch_made(
    emu: Emulator, shot: OneShot, client: AsyncClient
) -> None:
    project, keys = await project_with_rows(client, 1_000)
    shot.arm("createEmptyBatchPyApi", "applied_then_failed")
    await project.create_batch("b", global_keys=keys)
    assert sent(emu, "createEmptyBatchPyApi") == 1
    assert batch_rows(emu, project) == {"b": 1_000}


async def test_create_batch_v2_applied_then_failed_is_never_made_twice(
    emu: Emulator, shot: OneShot, client: AsyncClient
) -> None:
    project, keys = await project_with_rows(client, 10)
    shot.arm("createBatchV2PyApi", "applied_then_failed")
    with pytest.raises(LabelboxError, match="was created but the answer was lost"):
        await project.create_batch("small", global_keys=keys)
    assert sent(emu, "createBatchV2PyApi") == 1
    assert batch_rows(emu, project) == {"small": 10}


async def test_create_batch_v2_dropped_is_resent(
    emu: Emulator, shot: OneShot, client: AsyncClient
) -> None:
    project, keys = await project_with_rows(client, 10)
    shot.arm("createBatchV2PyApi", "drop")
    batch = await project.create_batch("small", global_keys=keys)
    assert batch.name == "small"
    assert sent(emu, "createBatchV2PyApi") == 2
    assert batch_rows(emu, project) == {"small": 10}


# -- the others ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "made"), [("applied_then_failed", 1), ("drop", 0)], ids=["applied", "drop"]
)
async def test_create_project_is_not_resent_and_says_so(
    emu: Emulator, shot: OneShot, client: AsyncClient, fault: str, made: int
) -> None:
    shot.arm("CreateProjectPyApi", fault)
    with pytest.raises(LabelboxError) as info:
        await client.create_project("once", MediaType.Image)
    assert info.value.maybe_applied
    assert "not sent again" in str(info.value)
    assert sent(emu, "CreateProjectPyApi") == 1
    assert len(rows_of(emu, "SELECT id FROM projects WHERE name = 'once'")) == made
    assert client.retry_stats.not_resent == 1


async def test_create_dataset_is_not_resent(
    emu: Emulator, shot: OneShot, client: AsyncClient
) -> None:
    shot.arm("CreateDatasetPyApi", "applied_then_failed")
    with pytest.raises(LabelboxError) as info:
        await dataset(client)
    assert info.value.maybe_applied
    assert len(rows_of(emu, "SELECT id FROM datasets WHERE name = 'ds'")) == 1


@pytest.mark.parametrize(
    ("fault", "expected_sends"), [("applied_then_failed", 1), ("drop", 2)], ids=["applied", "drop"]
)
async def test_attachment_is_reconciled_by_content(
    emu: Emulator, shot: OneShot, client: AsyncClient, fault: str, expected_sends: int
) -> None:
    ds = await dataset(client)
    await (await ds.create_data_rows(items(1))).wait_till_done()
    row = await client.get_data_row_by_global_key("k-00000")
    shot.arm("CreateDataRowAttachmentPyApi", fault)
    made = await row.create_attachment("RAW_TEXT", "a note", "n")
    assert (made.attachment_type, made.attachment_value, made.attachment_name) == (
        "RAW_TEXT",
        "a note",
        "n",
    )
    assert sent(emu, "CreateDataRowAttachmentPyApi") == expected_sends
    stored = rows_of(emu, "SELECT id FROM attachments WHERE data_row_id = ?", row.uid)
    assert [r[0] for r in stored] == [made.uid]


@pytest.mark.parametrize("fault", ["applied_then_failed", "drop"])
async def test_idempotent_mutations_are_simply_resent(
    emu: Emulator, shot: OneShot, client: AsyncClient, fault: str
) -> None:
    project, keys = await project_with_rows(client, 20)
    await project.create_batch("b", global_keys=keys)
    shot.arm("SetLabelingParameterOverridesPyApi", fault)
    await project.set_labeling_parameter_overrides([(GlobalKey(k), 2) for k in keys])
    assert sent(emu, "SetLabelingParameterOverridesPyApi") == 2
    priorities = rows_of(emu, "SELECT lpo_priority FROM project_data_rows")
    assert sorted(r[0] for r in priorities) == [2] * 20
    shot.arm("exportDataRowsInProjectPyApi", fault)
    task = await project.export()
    await task.wait_till_done()
    assert len([row async for row in task.result()]) == 20
    assert client.retry_stats.reconciled == 0


async def test_429_is_resent_without_a_lookup(
    emu: Emulator, shot: OneShot, client: AsyncClient
) -> None:
    emu.set_faults(retry_after_s=0)
    shot.arm("CreateProjectPyApi", "rate_limited")
    await client.create_project("after 429", MediaType.Image)
    assert sent(emu, "CreateProjectPyApi") == 2
    assert client.retry_stats.as_dict()["errors"] == {"ApiLimitError": 1}
    assert len(rows_of(emu, "SELECT id FROM projects WHERE name = 'after 429'")) == 1


def test_the_policy_table_covers_every_mutation_and_agrees_with_its_declaration() -> None:
    from aiolabel._operations import _builder as b
    from aiolabel._operations._entities import DATA_ROW, DATASET, PROJECT
    from aiolabel._operations.labeling_parameter_overrides import (
        set_labeling_parameter_overrides,
    )
    from tests.wire.catalogue import operation_constants

    ops = [op for _, op in operation_constants() if op.is_mutation]
    ops += [b.create(e, {"name": "x"}).operation for e in (PROJECT, DATASET)]
    ops += [b.update(e, "i", {"name": "x"}).operation for e in (PROJECT, DATASET)]
    ops += [b.update(DATA_ROW, "i", {"external_id": "x"}).operation]
    ops += [b.delete(PROJECT, "i").operation]
    ops += [set_labeling_parameter_overrides("p", [(GlobalKey("k"), 1)]).operation]
    for op in ops:
        assert op.name in AMBIGUOUS_FAILURE, op.name
        assert (AMBIGUOUS_FAILURE[op.name].kind == "resend") == op.retry_safe, op.name


@pytest.mark.parametrize(
    ("operation", "fault"),
    [
        ("CreateDatasetPyApi", "drop"),
        ("CreateDatasetPyApi", "applied_then_failed"),
        ("CreateProjectPyApi", "drop"),
        ("CreateProjectPyApi", "applied_then_failed"),
    ],
)
async def test_ingest_creates_its_dataset_and_project_exactly_once(
    emu: Emulator, shot: OneShot, client: AsyncClient, tmp_path: Path, operation: str, fault: str
) -> None:
    manifest = tmp_path / "once.ndjson"
    manifest.write_text(
        "".join(
            json.dumps({"row_data": f"https://x.test/{i}.jpg", "global_key": f"o-{i}"}) + "\n"
            for i in range(5)
        )
    )
    shot.arm(operation, fault)
    result = await ingest(client, manifest)
    assert result.ok, result.failures
    assert (result.summary.dataset_created, result.summary.project_created) == (True, True)
    assert len(rows_of(emu, "SELECT id FROM datasets WHERE name = 'once'")) == 1
    assert len(rows_of(emu, "SELECT id FROM projects WHERE name = 'once'")) == 1
    assert sent(emu, operation) == (2 if fault == "drop" else 1)
