"""CreateBatchesTask, the processing wait and the reconcile steps of batch creation, against the
offline recorder (scripted answers, no server)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from aiolabel import AsyncClient, InputError, LabelboxError, ProcessingWaitTimeout
from aiolabel._resources import batch_creation as _batch_create
from aiolabel.models.create_batches_task import CreateBatchesTask, inline_failures
from aiolabel.models.project import Project
from aiolabel.models.task import Task
from tests.wire import canned
from tests.wire.recorder import API_KEY, ENDPOINT, Recorder

NOT_PROCESSED = {"queryAllDataRowsHaveBeenProcessed": {"allDataRowsHaveBeenProcessed": False}}
SERVER_ERROR = {"errors": [{"message": "boom", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]}


@asynccontextmanager
async def recorded() -> AsyncIterator[tuple[AsyncClient, Recorder]]:
    rec = Recorder()
    async with AsyncClient(
        api_key=API_KEY, endpoint=ENDPOINT, transport=rec.httpx_transport()
    ) as client:
        client.retry_policy.initial_backoff = 0.001
        yield client, rec


def task(client: AsyncClient | None, uid: str, status: str, result: object = None) -> Task:
    text = result if result is None or isinstance(result, str) else json.dumps(result)
    return Task.from_wire(
        client, {"id": uid, "type": "add-data-rows-to-batch", "status": status, "result": text}
    )


async def test_errors_lists_failed_and_partly_refused_tasks() -> None:
    async with recorded() as (client, rec):
        refused = [{"dataRowId": "dr7", "error": "Data row not found"}]
        handle = CreateBatchesTask(
            client,
            "proj1",
            ["b1", "b2", "b3", "b4"],
            [
                task(client, "t1", "COMPLETE"),
                task(client, "t2", "FAILED", refused),
                task(client, "t3", "COMPLETE", refused),
                task(client, "t4", "FAILED"),
            ],
        )
        errors = await handle.errors()
        assert errors == {"t2": refused, "t3": refused, "t4": [{"message": "Task failed"}]}
        assert rec.requests == []  # every task was done: nothing to wait for
        [b1, b2, b3, b4] = await handle.result()
        assert [b.failed_data_row_ids for b in (b1, b2, b3, b4)] == [[], ["dr7"], ["dr7"], []]
        assert [r.variables["batchId"] for r in rec.graphql("getProjectBatchPyApi")] == [
            "b1",
            "b2",
            "b3",
            "b4",
        ]
        assert await handle.result() == [b1, b2, b3, b4]  # kept: no second round of requests
        assert len(rec.graphql("getProjectBatchPyApi")) == 4


async def test_nothing_refused_is_none() -> None:
    async with recorded() as (client, _):
        handle = CreateBatchesTask(client, "proj1", ["b1"], [task(client, "t1", "COMPLETE")])
        assert await handle.errors() is None


async def test_wait_polls_every_task_in_one_loop() -> None:
    async with recorded() as (client, rec):
        rec.state.task_types.update(
            {"t1": "add-data-rows-to-batch", "t2": "add-data-rows-to-batch"}
        )
        handle = CreateBatchesTask(
            client,
            "proj1",
            ["b1", "b2"],
            [task(client, "t1", "IN_PROGRESS"), task(client, "t2", "IN_PROGRESS")],
        )
        assert not handle.done
        await handle.wait_till_done(timeout_seconds=5)
        assert handle.done
        looked_up = sorted(r.variables["taskId"] for r in rec.graphql("GetUserCreatedTasksPyApi"))
        assert looked_up == ["t1", "t2"]
        assert len(rec.graphql("GetUserPyApi")) == 1


def test_inline_failures_reads_json_not_urls() -> None:
    assert inline_failures(task(None, "t", "FAILED", [{"dataRowId": "a"}])) == [{"dataRowId": "a"}]
    assert inline_failures(task(None, "t", "FAILED", {"error": "x"})) == [{"error": "x"}]
    assert inline_failures(task(None, "t", "FAILED", "not json")) == ["not json"]
    assert inline_failures(task(None, "t", "COMPLETE", "https://files/result.json")) == []
    assert inline_failures(task(None, "t", "COMPLETE")) == []


async def test_processing_wait_gives_up_with_processing_wait_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_batch_create, "PROCESSING_FIRST_DELAY", 0.01)
    monkeypatch.setattr(_batch_create, "PROCESSING_CAP_DELAY", 0.02)
    monkeypatch.setattr(Project, "_wait_processing_max_seconds", 0.1)
    async with recorded() as (client, rec):
        rec.respond_always("CheckAllDataRowsHaveBeenProcessedPyApi", NOT_PROCESSED)
        project = Project.from_wire(client, canned.project())
        with pytest.raises(ProcessingWaitTimeout):
            await project.create_batch("b", ["dr1"])
        checks = rec.graphql("CheckAllDataRowsHaveBeenProcessedPyApi")
        assert 2 <= len(checks) <= 12  # asked again with growing pauses, then gave up
        assert rec.graphql("createBatchV2PyApi") == []


async def test_processing_wait_backoff_grows() -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    async with recorded() as (client, rec):
        client._poller.sleep = sleep  # the client's clock drives every wait
        rec.respond("CheckAllDataRowsHaveBeenProcessedPyApi", NOT_PROCESSED, times=6)
        await client._batch_creation.wait_until_processed(
            "global_keys", ["gk1"], timeout=3600, sdk_method="Project:create_batch"
        )
    assert len(slept) == 6
    caps = [1, 2, 4, 8, 16, 30]
    assert all(cap / 2 <= s <= cap for s, cap in zip(slept, caps, strict=True))
    checks = rec.graphql("CheckAllDataRowsHaveBeenProcessedPyApi")
    assert {str(r.variables) for r in checks} == {"{'globalKeys': ['gk1']}"}


async def test_lost_answer_of_create_empty_batch_is_reconciled_by_name() -> None:
    async with recorded() as (client, rec):
        rec.reply("createEmptyBatchPyApi", SERVER_ERROR, status=500)
        rec.respond(
            "GetProjectBatchesPyApi",
            {
                "project": {
                    "id": "proj1",
                    "batches": {
                        "nodes": [canned.batch(id="made", name="big")],
                        "pageInfo": {"endCursor": None},
                    },
                }
            },
        )
        project = Project.from_wire(client, canned.project())
        await project.create_batch("big", [f"dr{i}" for i in range(1_000)])
        assert len(rec.graphql("createEmptyBatchPyApi")) == 1  # not sent twice
        [add] = rec.graphql("addDataRowsToBatchAsyncPyApi")
        assert add.variables["input"]["batchId"] == "made"


async def test_lost_answer_of_create_empty_batch_resent_when_not_applied() -> None:
    async with recorded() as (client, rec):
        rec.reply("createEmptyBatchPyApi", SERVER_ERROR, status=500)
        project = Project.from_wire(client, canned.project())
        await project.create_batch("big", [f"dr{i}" for i in range(1_000)])
        assert len(rec.graphql("GetProjectBatchesPyApi")) == 1  # looked for it: not there
        assert len(rec.graphql("createEmptyBatchPyApi")) == 2


async def test_lost_answer_of_create_batch_v2_is_not_resent() -> None:
    async with recorded() as (client, rec):
        rec.reply("createBatchV2PyApi", SERVER_ERROR, status=500)
        rec.respond(
            "GetProjectBatchesPyApi",
            {
                "project": {
                    "id": "proj1",
                    "batches": {
                        "nodes": [canned.batch(id="made", name="small")],
                        "pageInfo": {"endCursor": None},
                    },
                }
            },
        )
        project = Project.from_wire(client, canned.project())
        with pytest.raises(LabelboxError, match=r"'small' \(made\) was created"):
            await project.create_batch("small", ["dr1"])
        assert len(rec.graphql("createBatchV2PyApi")) == 1


async def test_more_batches_than_a_prefix_names_is_refused_before_any_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_batch_create, "MAX_BATCH_ROWS", 2)
    async with recorded() as (client, rec):
        project = Project.from_wire(client, canned.project())
        with pytest.raises(InputError, match="10,001 batches"):
            await project.create_batches("p", [f"dr{i}" for i in range(20_001)])
        assert rec.requests == []
