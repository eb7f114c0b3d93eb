"""The recorder itself: what it records and how it answers."""

from __future__ import annotations

import httpx
import pytest
from lbox import exceptions as lbx

from aiolabel._operations import Operation
from aiolabel._operations.batches import DELETE_BATCH
from aiolabel._operations.projects import DELETE_PROJECT, GET_PROJECT
from tests.wire import canned
from tests.wire.compare import assert_same_calls
from tests.wire.recorder import API_KEY, OfficialSDK, Recorder, recording_client


def test_records_query_variables_endpoint_and_headers(official_sdk: OfficialSDK) -> None:
    project = official_sdk.client.get_project("proj-42")
    assert project.uid == "proj-42"
    [request] = official_sdk.recorder.graphql()
    assert request.operation_name == "GetProjectPyApi"
    assert request.variables == {"param_0": "proj-42"}
    assert request.endpoint == "graphql"
    assert request.url == "http://recorder.invalid/graphql"
    assert request.timeout == 60.0
    assert request.headers["X-SDK-Method"].endswith("get_project")
    assert request.headers["Content-Type"] == "application/json"
    assert "Authorization" not in request.headers
    assert all(API_KEY not in v for v in request.headers.values())


def test_experimental_calls_are_recorded_as_gql(official_sdk: OfficialSDK) -> None:
    batch = official_sdk.client.get_batch("proj1", "batch1")
    official_sdk.recorder.clear()
    batch.delete()
    [request] = official_sdk.recorder.graphql()
    assert (request.operation_name, request.endpoint) == ("DeleteBatchPyApi", "_gql")
    assert request.url == "http://recorder.invalid/_gql"


def test_scripted_answers_come_before_defaults(official_sdk: OfficialSDK) -> None:
    rec = official_sdk.recorder
    rec.respond("GetDatasetPyApi", lambda r: {"dataset": None})
    with pytest.raises(lbx.ResourceNotFoundError):
        official_sdk.client.get_dataset("missing")
    assert official_sdk.client.get_dataset("ds9").uid == "ds9"  # queue used up: the default
    assert rec.names() == ["GetDatasetPyApi", "GetDatasetPyApi"]


def test_whole_error_bodies_can_be_scripted(official_sdk: OfficialSDK) -> None:
    official_sdk.recorder.reply(
        "GetProjectPyApi",
        {"errors": [{"message": "nope", "extensions": {"code": "AUTHORIZATION_ERROR"}}]},
    )
    with pytest.raises(lbx.AuthorizationError, match="nope"):
        official_sdk.client.get_project("proj1")


def test_unscripted_operations_are_answered_with_an_error_and_listed() -> None:
    rec = Recorder()
    rec.respond_always("GetProjectPyApi", {"project": None})
    with recording_client(rec) as (client, _), pytest.raises(lbx.LabelboxError):
        client.execute("query SomethingElsePyApi { nothing }")
    assert rec.unscripted == ["SomethingElsePyApi"]


def test_multipart_upload_parts_are_parsed(official_sdk: OfficialSDK) -> None:
    url = official_sdk.client.upload_data(b"\x00\x01abc", filename="a.bin", content_type="x/y")
    assert url.startswith("http://files.recorder.invalid/")
    [request] = official_sdk.recorder.graphql()
    assert request.is_multipart
    assert request.operation_name == "UploadFile"
    assert request.variables == {"file": None, "contentLength": 5, "sign": False}
    assert [p.name for p in request.multipart or ()] == ["operations", "map", "1"]
    assert request.part("map").json() == {"1": ["variables.file"]}
    file_part = request.part("1")
    assert (file_part.filename, file_part.content_type) == ("a.bin", "x/y")
    assert file_part.content == b"\x00\x01abc"
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert "Accept" not in request.headers


def test_downloads_and_sleeps_are_recorded_not_performed(official_sdk: OfficialSDK) -> None:
    rec = official_sdk.recorder
    project = official_sdk.client.get_project("proj1")
    task = project.export()
    task.wait_till_done()
    lines = [item.json for item in task.get_buffered_stream()]
    assert lines == rec.state.export_lines
    [download] = rec.downloads()
    assert download.method == "GET"
    assert download.timeout == 30
    assert "Authorization" not in download.headers


def test_polling_sleeps_are_skipped_and_remembered() -> None:
    rec = Recorder()
    rec.state.task_status = "IN_PROGRESS"
    with recording_client(rec) as (client, _):
        task = client.get_task_by_id("task7")
        rec.respond(
            "GetUserCreatedTasksPyApi",
            lambda r: {"user": {"createdTasks": [_task("task7", "COMPLETE")]}},
        )
        task.wait_till_done(timeout_seconds=10)
    assert task.status == "COMPLETE"
    assert rec.sleeps == [2]


def _task(task_id: str, status: str) -> dict[str, object]:
    return canned.task(id=task_id, status=status)  # type: ignore[no-any-return]


# -- the httpx side (what aiolabel will send through) ---------------------------------------------


def _post(client: httpx.Client, path: str, operation: Operation, variables: object) -> object:
    response = client.post(path, json={"query": operation.document, "variables": variables})
    return response.json()


def test_httpx_transport_records_and_answers_like_the_official_side() -> None:
    rec = Recorder()
    transport = rec.httpx_transport()
    with httpx.Client(transport=transport, base_url="http://emu.invalid") as client:
        body = _post(client, "/graphql", GET_PROJECT, {"param_0": "proj7"})
        client.get("http://files.recorder.invalid/missing")
    assert body == {"data": {"project": canned.project(id="proj7")}}
    [request] = rec.graphql()
    assert (request.operation_name, request.endpoint) == ("GetProjectPyApi", "graphql")
    assert request.variables == {"param_0": "proj7"}
    [download] = rec.downloads()
    assert download.url == "http://files.recorder.invalid/missing"


async def test_httpx_transport_works_with_the_async_client() -> None:
    rec = Recorder()
    async with httpx.AsyncClient(transport=rec.httpx_transport(), base_url="http://x") as client:
        response = await client.post(
            "/_gql",
            json={"query": DELETE_BATCH.document, "variables": {"projectId": "p", "batchId": "b"}},
        )
    assert response.json()["data"]["project"]["deleteBatch"] == {"deletedBatchId": "batch1"}
    assert rec.graphql()[0].endpoint == "_gql"


def test_assert_same_calls_pairs_requests_by_name() -> None:
    with recording_client() as (client, official):
        client.get_project("proj1").delete()
    ours = Recorder()
    with httpx.Client(transport=ours.httpx_transport(), base_url="http://x") as http:
        _post(http, "/graphql", GET_PROJECT, {"param_0": "proj1"})
        _post(http, "/graphql", DELETE_PROJECT, {"ProjectId": "proj1"})
    assert_same_calls(official.requests, ours.requests)

    wrong = Recorder()
    with httpx.Client(transport=wrong.httpx_transport(), base_url="http://x") as http:
        _post(http, "/graphql", GET_PROJECT, {"param_0": "proj2"})
        _post(http, "/graphql", DELETE_PROJECT, {"ProjectId": "proj1"})
    with pytest.raises(AssertionError, match="variables differ"):
        assert_same_calls(official.requests, wrong.requests)
    assert_same_calls(official.requests, wrong.requests, compare_variables=False)
    with pytest.raises(AssertionError, match="operations differ"):
        assert_same_calls(official.requests, wrong.requests[:1])
    assert_same_calls(
        official.requests,
        wrong.requests[:1],
        ignore=["deleteProjectPyApi"],
        compare_variables=False,
    )

    experimental = Recorder()
    with httpx.Client(transport=experimental.httpx_transport(), base_url="http://x") as http:
        _post(http, "/graphql", GET_PROJECT, {"param_0": "proj1"})
        _post(http, "/_gql", DELETE_PROJECT, {"ProjectId": "proj1"})
    with pytest.raises(AssertionError, match="/_gql"):
        assert_same_calls(official.requests, experimental.requests)
