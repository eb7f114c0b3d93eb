"""What aiolabel's project methods send, compared with what the official SDK sends for one call.

Both SDKs run offline against recorders answering from the same script (``tests/wire/canned.py``);
:func:`assert_same_calls` checks operation names, endpoints, documents (up to the listed document
differences) and variables. Where the two calls differ in which requests they make, the case says
which :data:`CALL_DIFFERENCES` entry allows it, and that entry must exist.

The task lookup is the one request whose document legitimately differs: the official SDK looks a
new task up with the ORM variant of ``GetUserCreatedTasksPyApi`` (``$param_0``/``$param_1``),
aiolabel always with its ``get_task_by_id`` variant (``$userId``/``$taskId``, also official).
Cases compare how many lookups each side sends and check our document is that variant.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import labelbox as lb
import pytest
from labelbox import GlobalKeys as LbGlobalKeys
from labelbox import UniqueIds as LbUniqueIds
from labelbox.schema.identifiable import GlobalKey as LbGlobalKey
from labelbox.schema.identifiable import UniqueId as LbUniqueId
from labelbox.schema.quality_mode import QualityMode as LbQualityMode

from aiolabel import (
    AsyncClient,
    GlobalKey,
    GlobalKeys,
    MediaType,
    QualityMode,
    UniqueId,
    UniqueIds,
)
from aiolabel._operations import tasks as task_ops
from aiolabel._resources import batch_creation as _batch_create
from aiolabel.models.batch import Batch
from aiolabel.models.project import Project
from tests.wire import canned
from tests.wire.compare import assert_same_calls, parse_operation
from tests.wire.differences import CALL_DIFFERENCES
from tests.wire.recorder import API_KEY, ENDPOINT, Recorder, recording_client

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

LOOKUP = "GetUserCreatedTasksPyApi"

Script = Callable[[Recorder], None]


def official(call: Callable[[Any, Recorder], Any], script: Script | None = None) -> Recorder:
    """Run ``call(labelbox_client, recorder)`` offline and return what it sent."""
    with recording_client() as (client, rec):
        if script is not None:
            script(rec)
        call(client, rec)
    return rec


def official_project(client: Any, rec: Recorder) -> Any:
    project = client.get_project("proj1")
    rec.clear()
    return project


def official_batch(client: Any, rec: Recorder) -> Any:
    batch = client.get_batch("proj1", "batch1")
    rec.clear()
    return batch


@asynccontextmanager
async def ours(script: Script | None = None) -> AsyncIterator[tuple[AsyncClient, Recorder]]:
    """An AsyncClient whose requests go to a recorder answering from the same script."""
    rec = Recorder()
    if script is not None:
        script(rec)
    async with AsyncClient(
        api_key=API_KEY, endpoint=ENDPOINT, transport=rec.httpx_transport()
    ) as client:
        yield client, rec


def our_project(client: AsyncClient) -> Project:
    """The project ``official_project`` fetches, built without a request."""
    return Project.from_wire(client, canned.project())


def our_batch(client: AsyncClient) -> Batch:
    return Batch._parse(client, "proj1", canned.batch())


def names(rec: Recorder) -> Counter[str | None]:
    return Counter(rec.names())


def same(
    theirs: Recorder,
    mine: Recorder,
    *,
    ignore: tuple[str, ...] = (),
    compare_variables: bool = True,
    lookups: bool = True,
) -> None:
    """Same requests, up to ``ignore`` (each justified by a CALL_DIFFERENCES entry the caller
    names); task lookups compared by count (``lookups``) and checked to be the official
    ``get_task_by_id`` document."""
    assert not theirs.unscripted, theirs.unscripted
    assert not mine.unscripted, mine.unscripted
    assert_same_calls(
        theirs.requests,
        mine.requests,
        compare_variables=compare_variables,
        ignore=(*ignore, LOOKUP),
    )
    ours_lookups = mine.graphql(LOOKUP)
    if lookups:
        assert len(ours_lookups) == len(theirs.graphql(LOOKUP))
    for request in ours_lookups:
        ours_op = parse_operation(request.query or "")
        assert ours_op.name is not None
        assert request.query == task_ops.GET_USER_CREATED_TASKS.document
        assert set(request.variables) == {"userId", "taskId"}


def listed(method: str) -> None:
    """The call difference a case relies on is written down."""
    assert any(method in d.method for d in CALL_DIFFERENCES), method


# -- client ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "lb_kwargs"),
    [
        ({}, {}),
        ({"description": "about"}, {"description": "about"}),
        (
            {"quality_modes": {QualityMode.Benchmark}},
            {"quality_modes": {LbQualityMode.Benchmark}},
        ),
        (
            {"quality_modes": {QualityMode.Consensus}, "is_benchmark_enabled": True},
            {"quality_modes": {LbQualityMode.Consensus}, "is_benchmark_enabled": True},
        ),
        (
            {"quality_modes": None, "is_consensus_enabled": False},
            {"quality_modes": None, "is_consensus_enabled": False},
        ),
    ],
)
async def test_create_project(kwargs: dict[str, Any], lb_kwargs: dict[str, Any]) -> None:
    theirs = official(lambda c, r: c.create_project("p", lb.MediaType.Image, **lb_kwargs))
    async with ours() as (client, mine):
        made = await client.create_project("p", MediaType.Image, **kwargs)
    same(theirs, mine)
    assert made.name == "p"


async def test_get_project_and_get_batch() -> None:
    theirs = official(lambda c, r: (c.get_project("proj1"), c.get_batch("proj1", "batch1")))
    async with ours() as (client, mine):
        await client.get_project("proj1")
        batch = await client.get_batch("proj1", "batch1")
    same(theirs, mine)
    assert batch.project_id == "proj1"


async def test_get_projects_where() -> None:
    theirs = official(
        lambda c, r: list(
            c.get_projects(where=(lb.Project.name == "x") & (lb.Project.description == "y"))
        )
    )
    async with ours() as (client, mine):
        await client.get_projects(
            where=(Project.name == "x") & (Project.description == "y")
        ).to_list()
    same(theirs, mine)


async def test_get_projects_pages() -> None:
    def hundred(rec: Recorder) -> None:
        rec.respond(
            "GetProjectsPyApi", {"projects": [canned.project(id=f"p{i}") for i in range(100)]}
        )

    theirs = official(lambda c, r: list(c.get_projects()), hundred)
    async with ours(hundred) as (client, mine):
        assert len(await client.get_projects().to_list()) == 101
    same(theirs, mine)
    assert [r.variables["skip"] for r in mine.graphql("GetProjectsPyApi")] == [0, 100]


# -- project ----------------------------------------------------------------------------------


async def test_update_delete_label_count_members_task_queues() -> None:
    def call(c: Any, r: Recorder) -> None:
        p = official_project(c, r)
        p.update(name="n", description="d")
        p.get_label_count()
        list(p.members())
        p.task_queues()
        p.delete()

    theirs = official(call)
    async with ours() as (client, mine):
        p = our_project(client)
        await p.update(name="n", description="d")
        await p.get_label_count()
        await p.members().to_list()
        await p.task_queues()
        await p.delete()
    same(theirs, mine)


async def test_update_media_type() -> None:
    theirs = official(lambda c, r: official_project(c, r).update(media_type=lb.MediaType.Video))
    async with ours() as (client, mine):
        await our_project(client).update(media_type=MediaType.Video)
    same(theirs, mine)
    assert mine.last("updateProjectPyApi").variables["allowedMediaType"] == "VIDEO"


@pytest.mark.parametrize(
    ("filters", "lb_filters", "params"),
    [
        (None, None, None),
        (
            {"data_row_ids": ["dr1"], "batch_ids": ["b1"], "workflow_status": "InReview"},
            {
                "data_row_ids": ["dr1"],
                "batch_ids": ["b1"],
                "workflow_status": "InReview",
            },
            {"label_details": True, "performance_details": True},
        ),
        (
            {"global_keys": ["gk1"], "workflow_status": "ToLabel"},
            {"global_keys": ["gk1"], "workflow_status": "ToLabel"},
            {"media_type_override": MediaType.Image},
        ),
    ],
)
async def test_export(
    filters: dict[str, Any] | None, lb_filters: dict[str, Any] | None, params: Any
) -> None:
    lb_params = params
    if params and "media_type_override" in params:
        lb_params = {"media_type_override": lb.MediaType.Image}

    def read(c: Any, r: Recorder) -> None:
        task = official_project(c, r).export("tn", lb_filters, lb_params)
        task.wait_till_done()
        list(task.get_buffered_stream())

    theirs = official(read)
    async with ours() as (client, mine):
        task = await our_project(client).export("tn", filters, params)
        await task.wait_till_done()
        lines = [line async for line in task.result()]
    same(theirs, mine)
    assert lines == canned.CannedState().export_lines


async def test_export_date_filters_fetch_the_time_zone_once() -> None:
    window = ["2000-01-01 00:00:00", "2050-01-01 00:00:00"]
    filters = {"last_activity_at": window, "label_created_at": ["2000-01-01", "2050-01-01"]}
    theirs = official(lambda c, r: official_project(c, r).export(filters=filters))
    async with ours() as (client, mine):
        await our_project(client).export(filters=filters)
    assert names(theirs)["CurrentUserPyApi"] == 2
    assert names(mine)["CurrentUserPyApi"] == 1
    listed("Project.export (date filters)")
    same(theirs, mine, ignore=("CurrentUserPyApi",))


async def test_export_aware_datetimes_become_utc() -> None:
    start, end = datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 2, 1, tzinfo=UTC)
    theirs = official(
        lambda c, r: official_project(c, r).export(
            filters={"last_activity_at": ["2024-01-01 00:00:00", "2024-02-01 00:00:00"]}
        ),
        lambda rec: rec.respond_always("CurrentUserPyApi", {"user": {"timezone": "UTC"}}),
    )
    async with ours() as (client, mine):
        await our_project(client).export(filters={"last_activity_at": (start, end)})
    same(theirs, mine)


# -- batches ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("by_keys", [False, True])
async def test_create_batch_sync_path(by_keys: bool) -> None:
    settings = {"number_of_labels": 3, "coverage_percentage": 0.1}
    rows = {"global_keys": ["gk1", "gk2"]} if by_keys else {"data_rows": ["dr1", "dr2"]}
    theirs = official(
        lambda c, r: official_project(c, r).create_batch(
            "b", priority=3, consensus_settings=settings, **rows
        )
    )
    async with ours() as (client, mine):
        batch = await our_project(client).create_batch(
            "b", priority=3, consensus_settings=settings, **rows
        )
    same(theirs, mine)
    assert batch.name == "b"


async def test_create_batch_async_path() -> None:
    ids = [f"dr{i}" for i in range(1_000)]
    theirs = official(lambda c, r: official_project(c, r).create_batch("b", ids, priority=2))
    async with ours() as (client, mine):
        await our_project(client).create_batch("b", ids, priority=2)
    listed("Project.create_batch (1,000 rows or more)")
    # the official SDK looks the task up (GetUser + lookup) before waiting; aiolabel's first
    # poll is that lookup, GetUser once per client: the same requests
    same(theirs, mine)


async def test_create_batches_up_to_100k_rows_is_one_official_request() -> None:
    keys = [f"gk{i}" for i in range(2_500)]
    theirs = official(lambda c, r: official_project(c, r).create_batches("pre", global_keys=keys))
    async with ours() as (client, mine):
        task = await our_project(client).create_batches("pre", global_keys=keys)
        await task.wait_till_done()
        [batch] = await task.result()
    listed("CreateBatchesTask")
    # official: the tasks are fetched at construction, result() not called; ours: the first
    # poll is the lookup, result() fetches the batch
    same(theirs, mine, ignore=("GetUserPyApi", "getProjectBatchPyApi"))
    assert names(mine)["createBatchesPyApi"] == 1
    assert batch.uid == "batch1"


async def test_create_batches_over_100k_rows_sends_the_official_per_batch_requests() -> None:
    ids = [f"dr{i}" for i in range(200_001)]
    chunks = [ids[:100_000], ids[100_000:200_000], ids[200_000:]]

    def per_batch(c: Any, r: Recorder) -> None:
        project = official_project(c, r)
        for i, chunk in enumerate(chunks):
            project._wait_until_data_rows_are_processed(chunk, None)
            project._create_batch_async(f"pre{i:04d}", chunk, None, 4, None)
        list(project.batches())

    theirs = official(per_batch)
    async with ours() as (client, mine):
        task = await our_project(client).create_batches("pre", ids, priority=4)
    listed("Project.create_batches (more than 100,000 rows)")
    assert len(task.tasks) == 3
    # created concurrently: compare the documents in any order, then the values by batch name
    same(
        theirs,
        mine,
        ignore=("GetUserPyApi", "getProjectBatchPyApi"),
        compare_variables=False,
        lookups=False,
    )
    assert names(mine)[LOOKUP] == 0  # the tasks are not fetched
    made = {r.variables["input"]["name"] for r in mine.graphql("createEmptyBatchPyApi")}
    assert made == {"pre0000", "pre0001", "pre0002"}
    sent = sorted(
        (r.variables["input"]["dataRowIds"] for r in mine.graphql("addDataRowsToBatchAsyncPyApi")),
        key=len,
    )
    assert sent == sorted(chunks, key=len)
    want = sorted(
        (r.variables for r in theirs.graphql("addDataRowsToBatchAsyncPyApi")), key=_rows_count
    )
    got = sorted(
        (r.variables for r in mine.graphql("addDataRowsToBatchAsyncPyApi")), key=_rows_count
    )
    assert got == want
    checks = sorted(
        len(r.variables["dataRowIds"])
        for r in mine.graphql("CheckAllDataRowsHaveBeenProcessedPyApi")
    )
    assert checks == [1, 100_000, 100_000]


def _rows_count(variables: Any) -> int:
    return len(variables["input"]["dataRowIds"])


async def test_create_batches_from_dataset() -> None:
    settings = {"number_of_labels": 2, "coverage_percentage": 0.5}
    theirs = official(
        lambda c, r: official_project(c, r).create_batches_from_dataset("pre", "ds1", 1, settings)
    )
    async with ours() as (client, mine):
        task = await our_project(client).create_batches_from_dataset("pre", "ds1", 1, settings)
    listed("CreateBatchesTask")
    same(theirs, mine, ignore=("GetUserPyApi",), lookups=False)
    assert names(mine)[LOOKUP] == 0
    assert task.batches == ["batch1"]


async def test_batches_listing() -> None:
    theirs = official(lambda c, r: list(official_project(c, r).batches()))
    async with ours() as (client, mine):
        found = await our_project(client).batches().to_list()
    same(theirs, mine)
    assert [b.uid for b in found] == ["batch1"]


async def test_batch_methods() -> None:
    def call(c: Any, r: Recorder) -> None:
        batch = official_batch(c, r)
        batch.project()
        batch.remove_queued_data_rows()
        batch.delete_labels()
        batch.delete_labels(set_labels_as_template=True)
        batch.delete()

    theirs = official(call)
    async with ours() as (client, mine):
        batch = our_batch(client)
        await batch.project()
        await batch.remove_queued_data_rows()
        await batch.delete_labels()
        await batch.delete_labels(set_labels_as_template=True)
        await batch.delete()
    same(theirs, mine)


async def test_batch_export_data_rows_is_the_project_export_by_batch() -> None:
    def call(c: Any, r: Recorder) -> None:
        task = official_project(c, r).export(filters={"batch_ids": ["batch1"]})
        task.wait_till_done()
        list(task.get_buffered_stream())

    theirs = official(call)
    async with ours() as (client, mine):
        lines = [line async for line in our_batch(client).export_data_rows()]
    listed("Batch.export_data_rows")
    same(theirs, mine)
    assert len(lines) == 2


# -- priorities and queues ----------------------------------------------------------------------


async def test_set_labeling_parameter_overrides_one_request() -> None:
    pairs_lb = [(LbUniqueId("dr1"), 2), (LbGlobalKey('g"k\\1'), -5)]
    pairs = [(UniqueId("dr1"), 2), (GlobalKey('g"k\\1'), -5)]
    theirs = official(
        lambda c, r: official_project(c, r).set_labeling_parameter_overrides(pairs_lb[:1])
    )
    async with ours() as (client, mine):
        assert await our_project(client).set_labeling_parameter_overrides(pairs[:1]) is True
    same(theirs, mine)
    # a key with a quote and a backslash: escaped by aiolabel (the official SDK breaks on it)
    async with ours() as (client, mine):
        await our_project(client).set_labeling_parameter_overrides(pairs)
    document = mine.last("SetLabelingParameterOverridesPyApi").query or ""
    assert '"g\\"k\\\\1"' in document


async def test_set_labeling_parameter_overrides_chunks_of_1000() -> None:
    pairs = [(UniqueId(f"dr{i}"), i % 5) for i in range(1_100)]
    chunks = [pairs[:1_000], pairs[1_000:]]
    lb_chunks = [[(LbUniqueId(i.key), p) for i, p in chunk] for chunk in chunks]

    def call(c: Any, r: Recorder) -> None:
        project = official_project(c, r)
        for chunk in lb_chunks:  # what the official documentation tells its users to do
            project.set_labeling_parameter_overrides(chunk)

    theirs = official(call)
    async with ours() as (client, mine):
        await our_project(client).set_labeling_parameter_overrides(pairs, max_concurrency=1)
    listed("Project.set_labeling_parameter_overrides")
    same(theirs, mine)


@pytest.mark.parametrize("keys", [False, True])
async def test_update_data_row_labeling_priority(keys: bool) -> None:
    lb_rows = LbGlobalKeys(["gk1", "gk2"]) if keys else LbUniqueIds(["dr1", "dr2"])
    rows = GlobalKeys(["gk1", "gk2"]) if keys else UniqueIds(["dr1", "dr2"])
    theirs = official(
        lambda c, r: official_project(c, r).update_data_row_labeling_priority(lb_rows, 1)
    )
    async with ours() as (client, mine):
        assert await our_project(client).update_data_row_labeling_priority(rows, 1) is True
    same(theirs, mine)


async def test_labeling_parameter_overrides_listing() -> None:
    theirs = official(lambda c, r: list(official_project(c, r).labeling_parameter_overrides()))
    async with ours() as (client, mine):
        [lpo] = await our_project(client).labeling_parameter_overrides().to_list()
    same(theirs, mine)
    assert (lpo.priority, lpo.cached_data_row.uid) == (2, "dr1")


@pytest.mark.parametrize("queue", ["tq1", None])
async def test_move_data_rows_to_task_queue(queue: str | None) -> None:
    theirs = official(
        lambda c, r: official_project(c, r).move_data_rows_to_task_queue(
            LbGlobalKeys(["gk1"]), queue
        )
    )
    async with ours() as (client, mine):
        await our_project(client).move_data_rows_to_task_queue(GlobalKeys(["gk1"]), queue)
    same(theirs, mine)


async def test_processing_wait_asks_again_with_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_batch_create, "PROCESSING_FIRST_DELAY", 0.01)
    monkeypatch.setattr(_batch_create, "PROCESSING_CAP_DELAY", 0.02)

    def slow(rec: Recorder) -> None:
        rec.respond(
            "CheckAllDataRowsHaveBeenProcessedPyApi",
            {"queryAllDataRowsHaveBeenProcessed": {"allDataRowsHaveBeenProcessed": False}},
            times=2,
        )

    theirs = official(lambda c, r: official_project(c, r).create_batch("b", ["dr1"]), slow)
    async with ours(slow) as (client, mine):
        await our_project(client).create_batch("b", ["dr1"])
    listed("Project.create_batch / create_batches (processing wait)")
    assert theirs.sleeps == [30, 30]  # the official fixed interval
    same(theirs, mine)
