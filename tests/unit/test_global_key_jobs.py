"""Global-key jobs (``run_job`` of the global-keys resource): started once, polled on the task
poller's schedule until COMPLETE; a failed job, a missing job id and a wait past its time are
typed errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from aiolabel import errors
from aiolabel._operations import global_keys as gk_ops

from .conftest import ENDPOINT, gql_body, op_name


def job_server(statuses: list[str], *, job_id: str | None = "job-1") -> respx.Route:
    """The start answers ``job_id``; each result query answers the next status (the last
    repeats), with data once COMPLETE."""
    left = list(statuses)

    def respond(request: httpx.Request) -> httpx.Response:
        if op_name(request) == "clearGlobalKeysPyApi":
            return httpx.Response(200, json={"data": {"clearGlobalKeys": {"jobId": job_id}}})
        assert gql_body(request)["variables"] == {"jobId": job_id}
        status = left.pop(0) if len(left) > 1 else left[0]
        body = {"clearedGlobalKeys": ["k"], "failedToClearGlobalKeys": [], "notFoundGlobalKeys": []}
        result = {"jobStatus": status, "data": body if status == "COMPLETE" else None}
        return httpx.Response(200, json={"data": {"clearGlobalKeysResult": result}})

    return respx.post(ENDPOINT).mock(side_effect=respond)


async def run(client: Any, sleeps: list[float], limit: float = 60.0) -> dict[str, Any]:
    fake_sleep = client._poller.sleep

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        await fake_sleep(seconds)

    client._poller.sleep = sleep

    return await client._global_keys.run_job(
        gk_ops.CLEAR_GLOBAL_KEYS,
        {"globalKeys": ["k"]},
        gk_ops.CLEAR_GLOBAL_KEYS_RESULT,
        "clearGlobalKeys",
        timeout_seconds=limit,
        sdk_method="Client:clear_global_keys",
        what="clear_global_keys",
    )


@respx.mock
async def test_a_job_is_polled_with_growing_pauses_until_complete(make_client: Any) -> None:
    route = job_server(["IN_PROGRESS"] * 5 + ["COMPLETE"])
    sleeps: list[float] = []
    body = await run(make_client(task_poll_interval=0.4), sleeps)
    assert body["clearedGlobalKeys"] == ["k"]
    assert [op_name(c.request) for c in route.calls] == ["clearGlobalKeysPyApi"] + [
        "clearGlobalKeysResultPyApi"
    ] * 6
    assert len(sleeps) == 5
    assert 0.05 <= sleeps[0] <= 0.1  # the first pause: 0.1 s with jitter
    assert all(0 < s <= 0.4 for s in sleeps)  # never past task_poll_interval
    assert sleeps[-1] > sleeps[0]


@respx.mock
async def test_a_failed_job_raises(make_client: Any) -> None:
    job_server(["IN_PROGRESS", "FAILED"])
    with pytest.raises(errors.LabelboxError, match="Job clear_global_keys failed"):
        await run(make_client(), [])


@respx.mock
async def test_a_start_without_a_job_id_raises_and_polls_nothing(make_client: Any) -> None:
    route = job_server(["COMPLETE"], job_id=None)
    with pytest.raises(errors.LabelboxError, match="clearGlobalKeys returned no job id"):
        await run(make_client(), [])
    assert route.call_count == 1


@respx.mock
async def test_a_job_past_its_time_raises_a_typed_timeout(make_client: Any) -> None:
    job_server(["IN_PROGRESS"])
    with pytest.raises(errors.TimeoutError, match="clear_global_keys") as caught:
        await run(make_client(), [], limit=0.05)
    assert isinstance(caught.value, errors.LabelboxError)
