"""Tasks: lookup, refresh, the shared poller (backoff, timeout), results and errors of each kind."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Callable
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import pytest
import respx
from pydantic import ValidationError

from aiolabel import DataUpsertTask, Task, TaskStatus
from aiolabel._polling import POLL_MAX_INTERVAL, poll_cap, poll_delay, poll_delays
from aiolabel.errors import (
    InputError,
    InputTypeError,
    LabelboxError,
    ResourceNotFoundError,
    TaskFailedError,
    TaskTimeout,
)

from .conftest import ENDPOINT, USER, FakeTime, gql_body, op_name, task_wire

Handler = Callable[[dict[str, Any]], Any]


class FakeApi:
    """Answers GraphQL operations by name; counts calls; serves signed files."""

    def __init__(self, router: respx.MockRouter) -> None:
        self.handlers: dict[str, Handler] = {"GetUserPyApi": lambda v: {"user": USER}}
        self.calls: Counter[str] = Counter()
        self.variables: list[tuple[str, Any]] = []
        self.tasks: dict[str, list[dict[str, Any]]] = {}
        self.handlers["GetUserCreatedTasksPyApi"] = self._task
        router.post(ENDPOINT).mock(side_effect=self._respond)
        self.router = router

    def _respond(self, request: httpx.Request) -> httpx.Response:
        name = op_name(request)
        variables = gql_body(request)["variables"]
        self.calls[name] += 1
        self.variables.append((name, variables))
        result = self.handlers[name](variables)
        if isinstance(result, httpx.Response):
            return result
        return httpx.Response(200, json={"data": result})

    def _task(self, variables: dict[str, Any]) -> dict[str, Any]:
        assert variables["userId"] == USER["id"]
        states = self.tasks.get(variables["taskId"], [])
        if not states:
            return {"user": {"createdTasks": []}}
        state = states.pop(0) if len(states) > 1 else states[0]
        return {"user": {"createdTasks": [state]}}

    def task_states(self, task_id: str, *statuses: str, **kw: Any) -> None:
        self.tasks[task_id] = [task_wire(task_id, s, **kw) for s in statuses]

    def file(self, url: str, content: bytes) -> respx.Route:
        return self.router.get(url).mock(return_value=httpx.Response(200, content=content))


@pytest.fixture
def api() -> Any:
    with respx.mock(assert_all_called=False) as router:
        yield FakeApi(router)


# -- lookup and refresh -------------------------------------------------------------------------


async def test_get_task_by_id_goes_through_the_user_and_caches_it(
    api: FakeApi, make_client: Any
) -> None:
    api.task_states("t1", "COMPLETE")
    api.task_states("t2", "IN_PROGRESS", type="adv-upsert-data-rows")
    client = make_client()
    t1 = await client.get_task_by_id("t1")
    t2 = await client.get_task_by_id("t2")
    assert type(t1) is Task
    assert type(t2) is DataUpsertTask
    assert (t1.uid, t1.status, t1.status_as_enum) == ("t1", "COMPLETE", TaskStatus.Complete)
    assert api.calls["GetUserPyApi"] == 1
    assert ("GetUserCreatedTasksPyApi", {"userId": "user-1", "taskId": "t2"}) in api.variables


async def test_unknown_task_is_a_typed_not_found(api: FakeApi, make_client: Any) -> None:
    with pytest.raises(ResourceNotFoundError, match=r"The task nope does not exist\."):
        await make_client().get_task_by_id("nope")


@pytest.mark.parametrize(
    ("task_id", "error"), [("", InputError), (5, InputTypeError), (None, InputTypeError)]
)
async def test_bad_task_ids_fail_before_any_request(
    api: FakeApi, make_client: Any, task_id: Any, error: type
) -> None:
    with pytest.raises(error):
        await make_client().get_task_by_id(task_id)
    assert sum(api.calls.values()) == 0


async def test_refresh_updates_in_place_and_the_task_stays_frozen(
    api: FakeApi, make_client: Any
) -> None:
    api.task_states("t1", "IN_PROGRESS", "COMPLETE")
    task = await make_client().get_task_by_id("t1")
    assert task.status == "IN_PROGRESS"
    assert await task.refresh() is task
    assert task.status == "COMPLETE"
    with pytest.raises(ValidationError):
        task.status = "FAILED"  # type: ignore[misc]


# -- polling ------------------------------------------------------------------------------------


def test_fixed_cap_schedule_starts_small_and_is_capped() -> None:
    top = poll_delays(random=lambda: 1.0)
    assert [round(next(top), 3) for _ in range(8)] == [0.1, 0.2, 0.4, 0.8, 1.6, 3.0, 3.0, 3.0]
    low = poll_delays(random=lambda: 0.0)
    assert [round(next(low), 3) for _ in range(3)] == [0.05, 0.1, 0.2]


def schedule(count: int, **kw: Any) -> list[float]:
    return [round(poll_delay(n, **kw), 3) for n in range(count)]


def test_task_poll_schedule_reaches_its_interval_fast() -> None:
    assert schedule(6) == [0.1, 0.2, 0.3, 0.3, 0.3, 0.3]
    assert schedule(3, jitter=0.0) == [0.05, 0.1, 0.15]  # jitter: 50 % to 100 %
    assert schedule(4, interval=1.0) == [0.1, 0.2, 0.4, 0.8]
    assert schedule(3, interval=0.05) == [0.05, 0.05, 0.05]  # never above the interval
    assert schedule(3, interval=60.0)[-1] == 0.4  # a long interval still starts at 0.1 s
    assert poll_delay(10_000) == pytest.approx(0.3)  # no overflow on long waits


def test_task_poll_schedule_stays_in_budget_with_many_tasks_and_long_waits() -> None:
    # three tasks fit the budget at the interval; more stretch the cap to interval * tasks / 3
    assert poll_cap(0.3, tasks=3) == pytest.approx(0.3)
    assert poll_cap(0.3, tasks=40) == pytest.approx(4.0)
    assert poll_cap(0.05, tasks=6) == pytest.approx(0.1)
    assert schedule(8, tasks=40) == [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 4.0, 4.0]
    assert poll_cap(0.3, tasks=10_000) == POLL_MAX_INTERVAL
    # a long wait stretches it to elapsed / 60 (18 s in: still the interval)
    assert poll_cap(0.3, elapsed=18.0) == pytest.approx(0.3)
    assert poll_cap(0.3, elapsed=120.0) == pytest.approx(2.0)
    assert poll_cap(0.3, elapsed=86_400.0) == POLL_MAX_INTERVAL
    assert poll_cap(30.0, tasks=10_000, elapsed=86_400.0) == 30.0  # the caller's interval rules


async def test_wait_till_done_backs_off(
    api: FakeApi, make_client: Any, fake_time: FakeTime
) -> None:
    api.task_states("t1", "IN_PROGRESS", "IN_PROGRESS", "IN_PROGRESS", "IN_PROGRESS", "COMPLETE")
    client = make_client()
    client._poller.random = lambda: 1.0
    task = await client.get_task_by_id("t1")
    assert await task.wait_till_done() is task
    assert task.status == "COMPLETE"
    assert fake_time.sleeps == pytest.approx([0.1, 0.2, 0.3, 0.3])
    assert api.calls["GetUserCreatedTasksPyApi"] == 5


async def test_a_task_known_by_id_only_is_asked_for_at_once(
    api: FakeApi, make_client: Any, fake_time: FakeTime
) -> None:
    """A task a mutation just started (not fetched yet) is polled once at the start of its wait,
    as the official SDK fetches it at once; then on the usual schedule."""
    api.task_states("t1", "COMPLETE")
    client = make_client()
    client._poller.random = lambda: 1.0
    started = Task._started(client, "t1", "add-data-rows-to-batch")
    assert started.status == "IN_PROGRESS"
    assert not started.done
    await started.wait_till_done()
    assert started.status == "COMPLETE"
    assert fake_time.sleeps == []  # finished at once: noticed by the first request
    assert api.calls["GetUserCreatedTasksPyApi"] == 1

    api.task_states("t2", "IN_PROGRESS", "IN_PROGRESS", "IN_PROGRESS", "COMPLETE")
    running = Task._started(client, "t2")
    await running.wait_till_done()
    assert fake_time.sleeps == pytest.approx([0.1, 0.2, 0.3])  # the fetched task's schedule
    assert api.calls["GetUserCreatedTasksPyApi"] == 1 + 4
    # once fetched, a task is no longer asked for at once by a later wait
    api.task_states("t3", "IN_PROGRESS", "COMPLETE")
    again = Task._started(client, "t3")
    await again.refresh()
    fake_time.sleeps.clear()
    await again.wait_till_done()
    assert fake_time.sleeps == pytest.approx([0.1])

    api.task_states("t4", "IN_PROGRESS", "IN_PROGRESS", "COMPLETE")
    slow = Task._started(client, "t4")
    fake_time.sleeps.clear()
    await slow.wait_till_done(check_frequency=2.0)  # the floor spaces polls, not the first
    assert fake_time.sleeps == pytest.approx([2.0, 2.0])


async def test_the_poll_interval_is_a_client_option(
    api: FakeApi, make_client: Any, fake_time: FakeTime
) -> None:
    api.task_states("t1", *["IN_PROGRESS"] * 5, "COMPLETE")
    client = make_client(task_poll_interval=2.0)
    client._poller.random = lambda: 1.0
    task = await client.get_task_by_id("t1")
    await task.wait_till_done()
    assert fake_time.sleeps == pytest.approx([0.1, 0.2, 0.4, 0.8, 1.6])
    for bad in (0, -1.0, "1", True, float("nan")):
        with pytest.raises((InputError, InputTypeError)):
            make_client(task_poll_interval=bad)


async def test_check_frequency_is_the_shortest_pause_between_polls(
    api: FakeApi, make_client: Any, fake_time: FakeTime
) -> None:
    api.task_states("t1", "IN_PROGRESS", "IN_PROGRESS", "IN_PROGRESS", "COMPLETE")
    client = make_client()
    client._poller.random = lambda: 1.0
    task = await client.get_task_by_id("t1")
    assert await task.wait_till_done(timeout_seconds=60, check_frequency=2.0) is task
    assert task.status == "COMPLETE"
    assert fake_time.sleeps == pytest.approx([2.0, 2.0, 2.0])  # as the official SDK's 2 s
    assert api.calls["GetUserCreatedTasksPyApi"] == 4
    for bad in (0, -1.0, "2", True, float("nan")):
        with pytest.raises((InputError, InputTypeError)):
            await task.wait_till_done(check_frequency=bad)


def refresh_times(api: FakeApi, fake_time: FakeTime) -> dict[str, list[float]]:
    """Record the fake time of every task refresh, by task id."""
    times: dict[str, list[float]] = {}
    lookup = api.handlers["GetUserCreatedTasksPyApi"]

    def timed(variables: dict[str, Any]) -> Any:
        times.setdefault(variables["taskId"], []).append(fake_time.now)
        return lookup(variables)

    api.handlers["GetUserCreatedTasksPyApi"] = timed
    return times


async def test_many_tasks_awaited_at_once_share_a_request_budget(
    api: FakeApi, make_client: Any, fake_time: FakeTime
) -> None:
    ids = [f"t{i}" for i in range(40)]
    for uid in ids:
        api.task_states(uid, "IN_PROGRESS")
    client = make_client()
    client._poller.random = lambda: 1.0
    tasks = [await client.get_task_by_id(uid) for uid in ids]
    times = refresh_times(api, fake_time)
    start = fake_time.now
    with pytest.raises(TaskTimeout):
        await client.wait_for_tasks(tasks, timeout_seconds=60)
    assert sorted(times) == sorted(ids)
    # every task ramps up 0.1, 0.2, ... then is polled every 0.3 * 40 / 3 = 4 s, not 0.3 s
    gaps = [b - a for a, b in zip(times["t0"], times["t0"][1:], strict=False)]
    assert times["t0"][0] - start == pytest.approx(0.1)
    assert gaps[:5] == pytest.approx([0.2, 0.4, 0.8, 1.6, 3.2])
    assert gaps[-3:] == pytest.approx([4.0] * 3)
    late = [t for ts in times.values() for t in ts if t >= start + 20]
    assert len(late) <= 10 * 40 + len(ids)  # ~10 polls a second from 20 s to 60 s


async def test_a_check_frequency_spaces_polls_only_while_its_wait_lasts(
    api: FakeApi, make_client: Any, fake_time: FakeTime
) -> None:
    """Two waits on one task: one with ``check_frequency=2`` and a short timeout, then one with
    the defaults. Once the first has timed out (before its first poll, 2 s away), the task is
    polled at once and then on the adaptive schedule, not held to the gone wait's 2 s."""
    api.task_states("t1", *["IN_PROGRESS"] * 8, "COMPLETE")
    client = make_client()
    client._poller.random = lambda: 1.0
    task = await client.get_task_by_id("t1")
    times = refresh_times(api, fake_time)
    start = fake_time.now
    spaced = asyncio.ensure_future(client._poller.wait([task], 0.5, min_interval=2.0))
    await asyncio.sleep(0)  # the spaced wait is the first
    default = asyncio.ensure_future(task.wait_till_done(timeout_seconds=60))
    with pytest.raises(TaskTimeout):
        await spaced
    await default
    assert task.status == "COMPLETE"
    assert times["t1"][0] - start == pytest.approx(0.5)
    gaps = [b - a for a, b in zip(times["t1"], times["t1"][1:], strict=False)]
    assert gaps == pytest.approx([0.2] + [0.3] * (len(gaps) - 1))


async def test_a_long_wait_slows_down(api: FakeApi, make_client: Any, fake_time: FakeTime) -> None:
    api.task_states("t1", "IN_PROGRESS")
    client = make_client()
    client._poller.random = lambda: 1.0
    task = await client.get_task_by_id("t1")
    times = refresh_times(api, fake_time)
    start = fake_time.now
    with pytest.raises(TaskTimeout):
        await task.wait_till_done(timeout_seconds=600)
    gaps = {round(a - start): b - a for a, b in zip(times["t1"], times["t1"][1:], strict=False)}
    assert all(gap == pytest.approx(0.3) for at, gap in gaps.items() if 1 <= at < 18)
    assert all(
        gap == pytest.approx(max(0.3, at / 60), rel=0.05)
        for at, gap in gaps.items()
        if 30 <= at < 290
    )
    assert max(gaps.values()) == pytest.approx(POLL_MAX_INTERVAL)
    assert len(times["t1"]) < 300  # 0.3 s polls throughout would be 2,000


async def test_wait_times_out_loudly(api: FakeApi, make_client: Any, fake_time: FakeTime) -> None:
    api.task_states("t1", "IN_PROGRESS")
    client = make_client()
    task = await client.get_task_by_id("t1")
    with pytest.raises(TaskTimeout) as info:
        await task.wait_till_done(timeout_seconds=10)
    assert info.value.tasks == [task]
    assert "t1" in str(info.value)
    assert sum(fake_time.sleeps) == pytest.approx(10.0)
    assert max(fake_time.sleeps) <= 3.0


async def test_a_finished_task_costs_no_request(api: FakeApi, make_client: Any) -> None:
    api.task_states("t1", "FAILED")
    task = await make_client().get_task_by_id("t1")
    before = sum(api.calls.values())
    await task.wait_till_done()
    assert sum(api.calls.values()) == before


@pytest.mark.parametrize("seconds", [0, -1, float("nan"), "5", True])
async def test_bad_timeouts_are_refused(api: FakeApi, make_client: Any, seconds: Any) -> None:
    api.task_states("t1", "IN_PROGRESS")
    task = await make_client().get_task_by_id("t1")
    with pytest.raises((InputError, InputTypeError)):
        await task.wait_till_done(timeout_seconds=seconds)


async def test_many_waits_share_one_loop(api: FakeApi, make_client: Any) -> None:
    api.task_states("a", *["IN_PROGRESS"] * 3, "COMPLETE")  # two lookups below use two
    api.task_states("b", *["IN_PROGRESS"] * 4, "COMPLETE")
    api.task_states("c", *["IN_PROGRESS"] * 3, "FAILED")
    client = make_client()
    client._poller.random = lambda: 1.0  # no jitter: the three schedules line up
    a, b, c = [await client.get_task_by_id(x) for x in "abc"]
    a2 = await client.get_task_by_id("a")  # another handle on the same task
    looked_up = api.calls["GetUserCreatedTasksPyApi"]
    api.variables.clear()

    async with anyio.create_task_group() as group:
        group.start_soon(a.wait_till_done)
        group.start_soon(b.wait_till_done)
        group.start_soon(a2.wait_till_done)
        group.start_soon(client.wait_for_tasks, [a, b, c])

    assert [t.status for t in (a, a2, b, c)] == ["COMPLETE", "COMPLETE", "COMPLETE", "FAILED"]
    refreshed = Counter(v["taskId"] for name, v in api.variables)
    # one request per pending task per tick, however many waiters share it
    assert refreshed == {"a": 2, "b": 4, "c": 3}
    assert client._poller.ticks == 4
    assert api.calls["GetUserCreatedTasksPyApi"] - looked_up == 9


class VirtualTime:
    """Sleeps that end only when the test moves the clock."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleepers: list[tuple[float, anyio.Event]] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        event = anyio.Event()
        self.sleepers.append((self.now + seconds, event))
        await event.wait()

    async def advance(self, seconds: float) -> None:
        self.now += seconds
        for when, event in self.sleepers:
            if when <= self.now + 1e-9:
                event.set()
        self.sleepers = [(w, e) for w, e in self.sleepers if not e.is_set()]
        for _ in range(20):
            await anyio.lowlevel.checkpoint()


async def test_a_new_wait_is_checked_soon_and_old_schedules_keep_their_pace(
    api: FakeApi, make_client: Any
) -> None:
    api.task_states("old", "IN_PROGRESS")
    api.task_states("new", "IN_PROGRESS", "COMPLETE")
    client = make_client(task_poll_interval=3.0)  # a slow pace the new wait must not change
    virtual = VirtualTime()
    poller = client._poller
    poller.sleep, poller.clock, poller.random = virtual.sleep, virtual.clock, lambda: 1.0
    old, new = await client.get_task_by_id("old"), await client.get_task_by_id("new")

    def refreshes(uid: str) -> int:
        return sum(
            1 for n, v in api.variables if n.startswith("GetUserCreated") and v["taskId"] == uid
        )

    async with anyio.create_task_group() as group:
        group.start_soon(lambda: old.wait_till_done(timeout_seconds=60))
        await virtual.advance(0)
        for step in (0.1, 0.2, 0.4, 0.8, 1.6, 3.0):  # old's schedule reaches the cap
            await virtual.advance(step)
        assert refreshes("old") == 1 + 6
        await virtual.advance(1.0)  # old sleeps toward its next check, 2 s away
        group.start_soon(new.wait_till_done)
        await virtual.advance(0)
        await virtual.advance(0.1)  # the new wait interrupts the nap and is checked at +0.1 s
        assert new.status == "COMPLETE"
        assert refreshes("new") == 1 + 1
        assert refreshes("old") == 1 + 6  # not dragged onto the new task's fast schedule
        await virtual.advance(1.9)
        assert refreshes("old") == 1 + 7
        group.cancel_scope.cancel()


async def test_wait_for_tasks_times_out_naming_the_unfinished(
    api: FakeApi, make_client: Any
) -> None:
    api.task_states("a", "IN_PROGRESS", "COMPLETE")
    api.task_states("b", "IN_PROGRESS")
    client = make_client()
    a, b = await client.get_task_by_id("a"), await client.get_task_by_id("b")
    with pytest.raises(TaskTimeout) as info:
        await client.wait_for_tasks([a, b], timeout_seconds=5)
    assert info.value.tasks == [b]
    assert a.status == "COMPLETE"


async def test_a_refresh_error_reaches_the_waiter(api: FakeApi, make_client: Any) -> None:
    api.task_states("a", "IN_PROGRESS")
    client = make_client()
    a = await client.get_task_by_id("a")
    api.tasks["a"] = []  # the task disappears
    with pytest.raises(ResourceNotFoundError):
        await a.wait_till_done()


async def test_wait_for_tasks_refuses_non_tasks(api: FakeApi, make_client: Any) -> None:
    client = make_client()
    with pytest.raises(InputTypeError):
        await client.wait_for_tasks(["t1"])  # type: ignore[list-item]
    with pytest.raises(InputTypeError):
        await client.wait_for_tasks(Task(id="x"))  # type: ignore[arg-type]


async def test_closing_the_client_wakes_waiters(api: FakeApi, make_client: Any) -> None:
    api.task_states("a", "IN_PROGRESS")
    client = make_client()
    a = await client.get_task_by_id("a")

    async def sleep_forever(_: float) -> None:
        await anyio.sleep_forever()

    client._poller.sleep = sleep_forever
    caught: list[BaseException] = []

    async def wait() -> None:
        try:
            await a.wait_till_done()
        except LabelboxError as exc:
            caught.append(exc)

    async with anyio.create_task_group() as group:
        group.start_soon(wait)
        await anyio.sleep(0.01)
        await client.aclose()
    assert len(caught) == 1
    assert "closed" in str(caught[0])


# -- results and errors -------------------------------------------------------------------------


async def collect(iterator: Any) -> list[Any]:
    return [x async for x in iterator]


async def test_upsert_results_and_errors_are_cursor_pages(api: FakeApi, make_client: Any) -> None:
    api.task_states("up", "COMPLETE", type="adv-upsert-data-rows")
    pages = {
        None: {
            "nodes": [{"id": "d1", "externalId": "e1", "globalKey": "g1", "rowData": "r1"}],
            "after": "c1",
        },
        "c1": {
            "nodes": [{"id": "d2", "externalId": None, "globalKey": None, "rowData": "r2"}],
            "after": None,
        },
    }
    api.handlers["SuccessesfulDataRowImportsPyApi"] = lambda v: {
        "successesfulDataRowImports": pages[v["from"]]
    }
    api.handlers["FailedDataRowImportsPyApi"] = lambda v: {
        "failedDataRowImports": {
            "after": None,
            "total": 1,
            "results": [
                {
                    "message": "Duplicate global key",
                    "spec": {
                        "externalId": None,
                        "globalKey": "g1",
                        "rowData": "r",
                        "metadata": [],
                        "attachments": [],
                    },
                }
            ],
        }
    }
    task = await make_client().get_task_by_id("up")
    assert await collect(task.result()) == [
        {"id": "d1", "external_id": "e1", "row_data": "r1", "global_key": "g1"},
        {"id": "d2", "external_id": None, "row_data": "r2", "global_key": None},
    ]
    assert [v for n, v in api.variables if n.startswith("Succ")] == [
        {"taskId": "up", "first": 5000, "from": None},
        {"taskId": "up", "first": 5000, "from": "c1"},
    ]
    assert await collect(task.errors()) == [
        {
            "message": "Duplicate global key",
            "failedDataRows": [
                {
                    "externalId": None,
                    "rowData": "r",
                    "globalKey": "g1",
                    "metadata": [],
                    "attachments": [],
                }
            ],
        }
    ]
    assert await task.has_errors()


def export_handlers(api: FakeApi, body: bytes, cuts: list[int], stream: str = "RESULT") -> None:
    """Serve ``body`` as an export stream split at ``cuts``."""
    bounds = list(zip([0, *cuts], [*cuts, len(body)], strict=True))

    def header(v: dict[str, Any]) -> Any:
        if v["streamType"] != stream:
            return {"task": {"exportMetadataHeader": None}}
        return {
            "task": {
                "exportMetadataHeader": {"totalSize": len(body), "totalLines": body.count(b"\n")}
            }
        }

    def chunk(v: dict[str, Any]) -> Any:
        assert isinstance(v["offset"], str)
        offset = int(v["offset"])
        start, end = next(b for b in bounds if b[0] == offset)
        url = f"https://storage.test/export/{start}"
        api.file(url, body[start:end])
        info = {
            "offsets": {"start": start, "end": end - 1},
            "lines": {"start": 0, "end": 0},
            "file": url,
        }
        return {"task": {"exportFileFromOffset": info}}

    api.handlers["GetExportMetadataHeaderPyApi"] = header
    api.handlers["GetExportFileFromOffsetPyApi"] = chunk


async def test_export_results_stream_across_chunks(api: FakeApi, make_client: Any) -> None:
    lines = [{"data_row": {"id": f"dr{k}", "text": "é" * k}} for k in range(5)]
    body = b"".join(json.dumps(line, ensure_ascii=False).encode() + b"\n" for line in lines)
    export_handlers(api, body, cuts=[10, 47, 48])  # cuts fall inside lines and characters
    api.task_states("ex", "COMPLETE", type="export-data-rows")
    task = await make_client().get_task_by_id("ex")
    assert await collect(task.result()) == lines
    assert [v["offset"] for n, v in api.variables if n == "GetExportFileFromOffsetPyApi"] == [
        "0",
        "10",
        "47",
        "48",
    ]
    assert api.variables[-5][1] == {"where": {"id": "ex"}, "streamType": "RESULT"}
    assert await collect(task.errors()) == []


async def test_export_errors_stream(api: FakeApi, make_client: Any) -> None:
    export_handlers(api, b'{"error": "bad row"}\n', cuts=[], stream="ERRORS")
    api.task_states("ex", "COMPLETE", type="export-data-rows")
    task = await make_client().get_task_by_id("ex")
    assert await collect(task.errors()) == [{"message": "bad row", "error": "bad row"}]
    assert await collect(task.result()) == []


async def test_export_chunk_of_the_wrong_size_is_refused(api: FakeApi, make_client: Any) -> None:
    export_handlers(api, b'{"a": 1}\n{"b": 2}\n', cuts=[9])
    api.task_states("ex", "COMPLETE", type="export-data-rows")
    task = await make_client().get_task_by_id("ex")
    api.file("https://storage.test/export/0", b'{"a": 1}')  # one byte short
    original = api.handlers["GetExportFileFromOffsetPyApi"]

    def keep_short_file(v: dict[str, Any]) -> Any:
        result = original(v)
        if v["offset"] == "0":
            api.file("https://storage.test/export/0", b'{"a": 1}')
        return result

    api.handlers["GetExportFileFromOffsetPyApi"] = keep_short_file
    with pytest.raises(LabelboxError, match="expected 9 bytes"):
        await collect(task.result())


async def test_failed_inline_json_tasks(api: FakeApi, make_client: Any) -> None:
    inline = json.dumps([{"dataRowId": "dr1", "error": "not processed"}, "plain text"])
    for kind in ("add-data-rows-to-batch", "send-to-task-queue", "send-to-annotate"):
        api.task_states(kind, "FAILED", type=kind, result=inline)
        task = await make_client().get_task_by_id(kind)
        assert await collect(task.errors()) == [
            {"message": "not processed", "dataRowId": "dr1", "error": "not processed"},
            {"message": "plain text"},
        ]
        with pytest.raises(TaskFailedError):
            await collect(task.result())
        assert await task.has_errors()


async def test_completed_inline_task_has_no_errors(api: FakeApi, make_client: Any) -> None:
    api.task_states("b", "COMPLETE", type="add-data-rows-to-batch")
    task = await make_client().get_task_by_id("b")
    assert await collect(task.errors()) == []
    assert await collect(task.result()) == []
    assert not await task.has_errors()


async def test_legacy_import_task_reads_its_result_file(api: FakeApi, make_client: Any) -> None:
    url = "https://storage.test/import/result.json"
    api.file(
        url,
        json.dumps(
            {
                "createdDataRows": [
                    {"id": "d1", "externalId": "e", "rowData": "r", "globalKey": None}
                ],
                "errors": [{"message": "bad", "row": 3}],
            }
        ).encode(),
    )
    api.task_states("imp", "COMPLETE", type="import", name="JSON Import", result=url)
    task = await make_client().get_task_by_id("imp")
    assert await collect(task.result()) == [
        {"id": "d1", "external_id": "e", "row_data": "r", "global_key": None}
    ]
    assert await collect(task.errors()) == [{"message": "bad", "row": 3}]


async def test_legacy_export_reads_ndjson_from_its_url(api: FakeApi, make_client: Any) -> None:
    url = "https://storage.test/legacy/export.ndjson"
    route = api.file(url, b'{"a": 1}\n{"b": 2}\n')
    api.task_states("lx", "COMPLETE", type="export-data-rows", result=url)
    task = await make_client().get_task_by_id("lx")
    assert await collect(task.result()) == [{"a": 1}, {"b": 2}]
    assert "authorization" not in route.calls.last.request.headers


async def test_generic_failed_task_reports_one_error(api: FakeApi, make_client: Any) -> None:
    api.task_states("g", "FAILED", type="something-else")
    task = await make_client().get_task_by_id("g")
    assert await collect(task.errors()) == [{"message": "Task failed", "status": "FAILED"}]


async def test_results_wait_for_a_running_task(api: FakeApi, make_client: Any) -> None:
    api.task_states(
        "b", "IN_PROGRESS", "IN_PROGRESS", "FAILED", type="add-data-rows-to-batch", result='["x"]'
    )
    task = await make_client().get_task_by_id("b")
    assert await collect(task.errors()) == [{"message": "x"}]
    assert task.status == "FAILED"


# -- cancel ---------------------------------------------------------------------------------------


async def test_cancel_task(api: FakeApi, make_client: Any) -> None:
    api.handlers["GetCancelableTaskTypesPyApi"] = lambda v: {
        "cancelableTaskTypes": ["exportDataRows", "adv_upsert_data_rows"]
    }
    api.handlers["CancelTaskPyApi"] = lambda v: {
        "cancelBulkOperationJob": {"success": v == {"id": "ex"}}
    }
    api.task_states("ex", "IN_PROGRESS", type="export-data-rows")
    api.task_states("done", "COMPLETE", type="export-data-rows")
    api.task_states("other", "IN_PROGRESS", type="send-to-annotate")
    client = make_client()
    assert await client.cancel_task("ex") is True
    with pytest.raises(LabelboxError, match="not in progress"):
        await client.cancel_task("done")
    with pytest.raises(LabelboxError, match="cannot be cancelled"):
        await client.cancel_task("other")
    assert api.calls["GetCancelableTaskTypesPyApi"] == 1
    assert api.calls["CancelTaskPyApi"] == 1


async def test_export_task_is_task_with_the_official_exception() -> None:
    from aiolabel import AsyncClient, ExportTask, Task, TaskFailedError
    from aiolabel.errors import ExportTaskException

    assert ExportTask is Task
    assert ExportTask.ExportTaskException is ExportTaskException
    async with AsyncClient(api_key="k", endpoint="http://127.0.0.1:9/graphql") as client:
        pending = Task.from_wire(client, {"id": "t1", "status": "IN_PROGRESS"})
        with pytest.raises(ExportTask.ExportTaskException, match="not ready yet"):
            await pending.get_total_lines()
        with pytest.raises(ExportTask.ExportTaskException, match="not ready yet"):
            pending.get_buffered_stream()
        failed = Task.from_wire(client, {"id": "t2", "status": "FAILED"})
        for call in (failed.has_result, failed.get_total_file_size):
            with pytest.raises(ExportTask.ExportTaskException) as caught:
                await call()
            assert isinstance(caught.value, TaskFailedError)
            assert caught.value.task is failed
