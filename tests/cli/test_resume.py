"""Resumability: an ingest interrupted at any point (cancelled, or stopped by failing requests),
then run again, ends exactly as an uninterrupted one; half-made batches are completed.

These drive the pipeline as a library (``aiolabel.ingest.ingest``) against an in-process emulator
whose store outlives the interrupted run; the final run is ``aiolabel ingest`` itself where it
matters that the CLI resumes.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import anyio
import pytest

from aiolabel import AsyncClient
from aiolabel.emulator import Emulator
from aiolabel.ingest import IngestOptions, ingest
from aiolabel.ingest import _pipeline as ingest_module

from .conftest import Cli, ServerState, expected_placements, rows, write_ndjson

ROWS = 2_400
"""Above 1,000: upserts and batch fills run as background tasks, batches take the async path."""


def manifest_items() -> list[dict[str, Any]]:
    return rows(
        ROWS,
        batch=lambda i: "review" if i % 5 == 0 else None,
        priority=lambda i: None if i % 7 == 0 else 1 + i % 9,
        metadata=False,
    )


def check_landed(db: Path, items: list[dict[str, Any]], project: str = "m") -> None:
    state = ServerState(db)
    assert state.keys() == Counter({item["global_key"]: 1 for item in items})
    assert state.placements(project) == expected_placements(items, prefix="m-")
    batches = state.batches(project)
    assert sorted(batches) == ["m-0000", "review"]


STOPS = [
    ("read", 1),
    ("upload", 1),
    ("tasks", 1),  # the upsert task was just started
    ("tasks", 2),  # ... and is done, its results not read
    ("batches", 1),  # no batch yet
    ("batches", 2),  # one batch made, the other not
    ("priorities", 1),  # none set yet
    ("priorities", 2),  # the first 1,000 set
]


@pytest.mark.parametrize(("stage", "nth"), STOPS)
async def test_cancelled_ingest_resumes_to_the_same_end(
    tmp_path: Path, emu: Emulator, client: AsyncClient, stage: str, nth: int
) -> None:
    items = manifest_items()
    manifest = write_ndjson(tmp_path / "m.ndjson", items)
    seen: Counter[str] = Counter()

    with anyio.CancelScope() as scope:

        def progress(name: str, done: int, total: int | None) -> None:
            seen[name] += 1
            if name == stage and seen[name] == nth:
                scope.cancel()

        await ingest(client, manifest, progress=progress)
    assert scope.cancelled_caught, f"the run ended before {stage} #{nth}: {dict(seen)}"

    result = await ingest(client, manifest)

    assert result.ok, result.failures[:5]
    s = result.summary
    assert s.rows_created + s.rows_already_present == ROWS
    assert s.rows_batched + s.rows_already_batched == ROWS
    check_landed(tmp_path / "emulator.sqlite3", items)


async def test_interrupted_twice_then_finished_by_the_cli(tmp_path: Path) -> None:
    items = manifest_items()
    manifest = write_ndjson(tmp_path / "m.ndjson", items)
    async with (
        Emulator(db=str(tmp_path / "emulator.sqlite3")) as emu,
        AsyncClient(api_key=emu.api_key, endpoint=emu.endpoint, transport=emu.transport) as aio,
    ):
        for stage in ("upload", "batches"):
            with anyio.CancelScope() as scope:
                await ingest(
                    aio,
                    manifest,
                    progress=lambda name, *_, stage=stage: (
                        scope.cancel() if name == stage else None
                    ),
                )
            assert scope.cancelled_caught

    # the CLI opens the same store with its own embedded emulator (in a thread: it runs its
    # own event loop)
    result = await anyio.to_thread.run_sync(lambda: Cli(tmp_path)("ingest", manifest, "--json"))

    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["summary"]
    assert summary["rows_already_present"] > 0
    check_landed(tmp_path / "emulator.sqlite3", items)


async def test_failing_batch_fill_leaves_a_half_made_batch_that_a_rerun_completes(
    tmp_path: Path, emu: Emulator, client: AsyncClient
) -> None:
    items = manifest_items()
    manifest = write_ndjson(tmp_path / "m.ndjson", items)
    report = tmp_path / "failures.ndjson"
    emu.set_faults(error_rate=1.0, operations={"addDataRowsToBatchAsyncPyApi"})

    failed = await ingest(client, manifest, report=report)

    assert not failed.ok
    state = ServerState(tmp_path / "emulator.sqlite3")
    # "m-0000" (1,920 rows) was created empty, its fill refused; "review" (480 rows) is one request
    assert state.batches("m") == {"m-0000": 0, "review": 480}
    stages = Counter(json.loads(line)["stage"] for line in report.read_text().splitlines())
    assert stages == {"batch": failed.summary.rows_failed}
    assert failed.summary.rows_failed == len([i for i in items if "batch" not in i])

    emu.set_faults(error_rate=0.0, operations=None)
    result = await ingest(client, manifest, report=report)

    assert result.ok, result.failures[:5]
    assert result.summary.batches_created == 0  # the empty batch was completed, not remade
    assert not report.exists()
    check_landed(tmp_path / "emulator.sqlite3", items)


async def test_failing_priorities_are_reported_then_set_by_a_rerun(
    tmp_path: Path, emu: Emulator, client: AsyncClient
) -> None:
    items = manifest_items()[:300]
    manifest = write_ndjson(tmp_path / "m.ndjson", items)
    emu.set_faults(error_rate=1.0, operations={"SetLabelingParameterOverridesPyApi"})

    failed = await ingest(client, manifest)

    with_priority = [i for i in items if "priority" in i]
    assert failed.summary.rows_failed == len(with_priority)
    assert {f.stage for f in failed.failures} == {"priority"}
    assert failed.summary.rows_created == 300

    emu.set_faults(error_rate=0.0, operations=None)
    result = await ingest(client, manifest)

    assert result.ok
    assert result.summary.priorities_set == len(with_priority)
    assert ServerState(tmp_path / "emulator.sqlite3").placements("m") == expected_placements(
        items, prefix="m-"
    )


async def test_partly_filled_batch_is_completed(
    tmp_path: Path, emu: Emulator, client: AsyncClient
) -> None:
    items = rows(30, metadata=False)
    manifest = write_ndjson(tmp_path / "m.ndjson", items)
    first = await ingest(
        client,
        write_ndjson(tmp_path / "first.ndjson", items[:12]),
        IngestOptions(dataset="m", project="m", batch_prefix="m-"),
    )
    assert first.ok

    result = await ingest(client, manifest)

    assert result.ok
    assert (result.summary.rows_already_batched, result.summary.rows_batched) == (12, 18)
    assert result.summary.batches_created == 0
    state = ServerState(tmp_path / "emulator.sqlite3")
    assert state.batches("m") == {"m-0000": 30}
    assert state.placements("m") == expected_placements(items, prefix="m-")


async def test_groups_over_the_batch_limit_continue_in_numbered_batches(
    tmp_path: Path, client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest_module, "MAX_BATCH_ROWS", 10)
    items = rows(37, batch=lambda i: "g" if i % 3 == 0 else None, metadata=False)
    manifest = write_ndjson(tmp_path / "m.ndjson", items)

    result = await ingest(client, manifest)
    again = await ingest(client, manifest)

    assert result.ok
    assert again.ok
    assert again.summary.rows_already_batched == 37
    state = ServerState(tmp_path / "emulator.sqlite3")
    assert state.batches("m") == {
        "m-0000": 10,
        "m-0001": 10,
        "m-0002": 4,
        "g": 10,
        "g-0001": 3,
    }
    placements = state.placements("m")
    assert placements["gk-00000"].batch == "g"
    assert placements["gk-00027"].batch == "g"  # the 10th row of group g
    assert placements["gk-00030"].batch == "g-0001"  # the 11th
    assert placements["gk-00033"].batch == "g-0001"
    assert placements["gk-00035"].batch == "m-0002"


@pytest.mark.parametrize(
    "operation", ["createBatchV2PyApi", "createEmptyBatchPyApi", "addDataRowsToBatchAsyncPyApi"]
)
async def test_batch_requests_applied_but_unanswered_are_reconciled(
    tmp_path: Path, emu: Emulator, client: AsyncClient, operation: str
) -> None:
    """The server applies the request, then answers 502: nothing is made twice, nothing lost."""
    items = manifest_items()
    manifest = write_ndjson(tmp_path / "m.ndjson", items)
    emu.set_faults(applied_then_failed_rate=1.0, operations={operation})

    result = await ingest(client, manifest)

    emu.set_faults(applied_then_failed_rate=0.0, operations=None)
    assert result.ok, result.failures[:3]
    check_landed(tmp_path / "emulator.sqlite3", items)


@pytest.mark.parametrize(
    "operation", ["CreateDatasetPyApi", "CreateProjectPyApi", "UpsertDataRowsPyApi"]
)
async def test_creations_applied_but_unanswered_leave_one_of_each(
    tmp_path: Path, emu: Emulator, client: AsyncClient, operation: str
) -> None:
    items = manifest_items()
    manifest = write_ndjson(tmp_path / "m.ndjson", items)
    emu.set_faults(applied_then_failed_rate=1.0, operations={operation})
    first = await ingest(client, manifest)
    emu.set_faults(applied_then_failed_rate=0.0, operations=None)

    # rows whose creation could not be confirmed yet are reported, never duplicated
    assert {f.stage for f in first.failures} <= {"upload"}
    result = await ingest(client, manifest)

    assert result.ok, result.failures[:3]
    state = ServerState(tmp_path / "emulator.sqlite3")
    assert state.datasets() == ["m"]
    assert state.projects() == {"m": "IMAGE"}
    check_landed(tmp_path / "emulator.sqlite3", items)


async def test_of_several_same_named_datasets_the_oldest_is_used(
    tmp_path: Path, client: AsyncClient
) -> None:
    older = await client.create_dataset("shared", iam_integration=None)
    await client.create_dataset("shared", iam_integration=None)
    manifest = write_ndjson(tmp_path / "m.ndjson", rows(5))
    said: list[str] = []

    first = await ingest(client, manifest, IngestOptions(dataset="shared"), message=said.append)
    again = await ingest(client, manifest, IngestOptions(dataset="shared"))

    assert first.summary.dataset_id == older.uid
    assert again.summary.dataset_id == older.uid
    assert any("several datasets are named 'shared'; using the oldest" in m for m in said)
