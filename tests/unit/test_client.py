"""AsyncClient configuration, lifecycle, user and organization, and the documents it sends."""

from __future__ import annotations

import json
import sys
from typing import Any
from unittest import mock

import httpx
import pytest
import requests
import respx
from graphql import parse, print_ast

from aiolabel import AsyncClient, AuthenticationError, Organization, User
from aiolabel._operations import tasks as task_ops
from aiolabel._operations import users as user_ops
from aiolabel.client import DEFAULT_ENDPOINT
from aiolabel.errors import InputError, InputTypeError, LabelboxError, ResourceNotFoundError

from .conftest import API_KEY, ENDPOINT, TS, USER, data, gql_body


def test_key_from_argument_or_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LABELBOX_API_KEY", raising=False)
    monkeypatch.delenv("LABELBOX_ENDPOINT", raising=False)
    with pytest.raises(AuthenticationError, match="Labelbox API key not provided"):
        AsyncClient()
    with pytest.raises(AuthenticationError):
        AsyncClient(api_key="  ")
    monkeypatch.setenv("LABELBOX_API_KEY", "from-env")
    client = AsyncClient()
    assert client._transport._api_key == "from-env"
    assert client.endpoint == DEFAULT_ENDPOINT
    monkeypatch.setenv("LABELBOX_ENDPOINT", "http://127.0.0.1:9/graphql")
    assert AsyncClient().endpoint == "http://127.0.0.1:9/graphql"
    assert AsyncClient(endpoint="https://x.test/graphql").endpoint == "https://x.test/graphql"


@pytest.mark.parametrize(
    ("kw", "error"),
    [
        ({"api_key": 123}, InputTypeError),
        ({"api_key": "a\nb"}, InputError),
        ({"endpoint": "ftp://x/graphql"}, InputError),
        ({"endpoint": 5}, InputTypeError),
        ({"rest_endpoint": "nope"}, InputError),
        ({"timeout": 0}, InputError),
        ({"timeout": "60"}, InputTypeError),
        ({"max_retries": -1}, InputError),
        ({"max_retries": 2.0}, InputTypeError),
        ({"max_concurrency": 0}, InputError),
        ({"max_concurrency": None}, InputTypeError),
        ({"requests_per_minute": 0}, InputError),
        ({"transport": "curl"}, InputTypeError),
        ({"transport": object()}, InputTypeError),
        ({"retry_deadline": -5}, InputError),
    ],
)
def test_bad_configuration_is_refused_at_construction(kw: dict[str, Any], error: type) -> None:
    args: dict[str, Any] = {"api_key": "k", **kw}
    with pytest.raises(error):
        AsyncClient(**args)


def test_repr_shows_configuration_not_the_key() -> None:
    client = AsyncClient(api_key=API_KEY, endpoint=ENDPOINT, max_concurrency=7)
    text = repr(client)
    assert "max_concurrency=7" in text
    assert ENDPOINT in text
    assert API_KEY not in text
    assert API_KEY not in repr(client._transport)


async def test_async_with_opens_and_closes_one_shared_client() -> None:
    options: dict[str, Any] = {"endpoint": ENDPOINT, "max_concurrency": 8, "transport": "httpx"}
    async with AsyncClient(api_key="k", **options) as client:
        http = client._transport.http
        assert client._transport.http is http  # shared
        pool = http._transport._pool  # type: ignore[attr-defined]
        assert pool._max_connections == 16  # API requests plus room for downloads
        assert pool._max_keepalive_connections == 8
    assert http.is_closed
    assert client.closed
    with pytest.raises(LabelboxError, match="closed"):
        await client.execute("query Q { a }")
    await client.aclose()  # idempotent


async def test_the_aiohttp_pool_is_sized_like_httpx_s() -> None:
    from httpx_aiohttp import AiohttpTransport

    async with AsyncClient(
        api_key="k", endpoint=ENDPOINT, max_concurrency=8, transport="aiohttp"
    ) as client:
        transport = client._transport.http._transport
        assert isinstance(transport, AiohttpTransport)
        assert transport.limits.max_connections == 16
        assert client.transport_kind == "aiohttp"


def test_the_default_transport_is_aiohttp_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    from httpx_aiohttp import AiohttpTransport

    from aiolabel import _transport

    def built(**kw: Any) -> tuple[str, type]:
        client = AsyncClient(api_key="k", endpoint=ENDPOINT, **kw)
        kind, transport = client.transport_kind, type(client._transport._build_http()._transport)
        assert kind in repr(client._transport)
        return kind, transport

    _transport.default_transport.cache_clear()
    try:
        assert built() == ("aiohttp", AiohttpTransport)
        assert built(transport="httpx") == ("httpx", httpx.AsyncHTTPTransport)
        assert built(transport="aiohttp") == ("aiohttp", AiohttpTransport)
        mock = httpx.MockTransport(lambda r: data({}))
        assert built(transport=mock) == ("MockTransport", httpx.MockTransport)
        # without the extra, the default is plain httpx and "aiohttp" is refused up front
        monkeypatch.setitem(sys.modules, "httpx_aiohttp", None)
        _transport.default_transport.cache_clear()
        assert built() == ("httpx", httpx.AsyncHTTPTransport)
        with pytest.raises(InputError, match=r"aiolabel\[aiohttp\]"):
            AsyncClient(api_key="k", endpoint=ENDPOINT, transport="aiohttp")
    finally:
        _transport.default_transport.cache_clear()


async def test_aclose_without_use_and_lazy_open() -> None:
    client = AsyncClient(api_key="k", endpoint=ENDPOINT)
    assert client._transport._http is None
    await client.aclose()


@respx.mock
async def test_any_httpx_transport_is_a_seam() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return data({"a": 1})

    async with AsyncClient(
        api_key="k", endpoint=ENDPOINT, transport=httpx.MockTransport(handler)
    ) as c:
        assert await c.execute("query Q { a }") == {"a": 1}
    assert len(seen) == 1


@respx.mock
async def test_get_user_and_organization_and_cached_ids(make_client: Any) -> None:
    org = {"createdAt": TS, "name": "org", "id": "org-1", "updatedAt": TS}
    route = respx.post(ENDPOINT).mock(
        side_effect=lambda r: data(
            {"user": USER} if "GetUserPyApi" in r.content.decode() else {"organization": org}
        )
    )
    client = make_client()
    user = await client.get_user()
    assert isinstance(user, User)
    # the official name/nickname swap (wire nickname -> .name)
    assert (user.uid, user.name, user.nickname, user.email) == ("user-1", "nick", "Name", "a@b.c")
    assert user.created_at is not None
    assert user.created_at.tzinfo is not None
    assert user.client is client
    assert "client" not in user.model_dump()
    assert API_KEY not in repr(user)
    organization = await client.get_organization()
    assert isinstance(organization, Organization)
    assert organization.uid == "org-1"
    assert gql_body(route.calls[0].request) == {
        "query": user_ops.GET_USER.document,
        "variables": {},
    }
    assert route.calls[0].request.headers["x-sdk-method"] == "Client:get_user"
    before = route.call_count
    assert await client._current_user_id() == "user-1"
    assert await client._organization_id() == "org-1"
    assert route.call_count == before


@respx.mock
async def test_user_ids_are_fetched_once_under_concurrency(make_client: Any) -> None:
    import anyio

    route = respx.post(ENDPOINT).mock(return_value=data({"user": USER}))
    client = make_client()
    results: list[str] = []

    async def ask() -> None:
        results.append(await client._current_user_id())

    async with anyio.create_task_group() as group:
        for _ in range(10):
            group.start_soon(ask)
    assert results == ["user-1"] * 10
    assert route.call_count == 1


@respx.mock
async def test_get_one_raises_not_found_for_null(make_client: Any) -> None:
    respx.post(ENDPOINT).mock(return_value=data({"project": None}))
    op = user_ops.GET_USER
    with pytest.raises(ResourceNotFoundError, match="Project"):
        await make_client()._get_one(
            op, {"id": "p"}, ("project",), dict, sdk_method="x", what="Project"
        )


# -- the documents are the official SDK's (compared as parsed GraphQL) --------------------------


def record_official() -> dict[str, list[tuple[str, Any]]]:
    """Run the official SDK offline and record every document it sends, by operation name."""
    import labelbox as lb
    from labelbox.schema.export_task import ExportTask, StreamType
    from labelbox.schema.task import DataUpsertTask as LbUpsert

    sent: dict[str, list[tuple[str, Any]]] = {}
    task = {
        "completionPercentage": 1.0,
        "createdAt": TS,
        "errors": None,
        "metadata": None,
        "name": "n",
        "result": None,
        "status": "IN_PROGRESS",
        "type": "export-data-rows",
        "id": "t1",
        "updatedAt": TS,
    }
    answers = {
        "GetUserPyApi": {"user": USER},
        "GetOrganizationPyApi": {
            "organization": {"createdAt": TS, "name": "o", "id": "o", "updatedAt": TS}
        },
        "GetUserCreatedTasksPyApi": {"user": {"createdTasks": [task]}},
        "GetCancelableTaskTypesPyApi": {"cancelableTaskTypes": ["exportDataRows"]},
        "CancelTaskPyApi": {"cancelBulkOperationJob": {"success": True}},
        "SuccessesfulDataRowImportsPyApi": {
            "successesfulDataRowImports": {"nodes": [], "after": None, "total": 0}
        },
        "FailedDataRowImportsPyApi": {
            "failedDataRowImports": {"results": [], "after": None, "total": 0}
        },
        "GetExportMetadataHeaderPyApi": {"task": {"exportMetadataHeader": None}},
        "CurrentUserPyApi": {"user": {"timezone": None}},
    }

    def send(self: Any, prepared: Any, **_: Any) -> requests.Response:
        body = json.loads(prepared.body)
        name = parse(body["query"]).definitions[0].name.value  # type: ignore[attr-defined]
        sent.setdefault(name, []).append((body["query"], body["variables"]))
        r = requests.Response()
        r.status_code = 200
        r._content = json.dumps({"data": answers[name]}).encode()
        return r

    with mock.patch.object(requests.Session, "send", send):
        client = lb.Client(api_key="k", endpoint=ENDPOINT)
        client.get_user()
        client.get_organization()
        client.cancel_task("t1")
        upsert = LbUpsert(client, {**task, "type": "adv-upsert-data-rows", "status": "COMPLETE"})
        assert upsert.result is None
        assert upsert.errors is None
        task["status"] = "COMPLETE"
        export = ExportTask(lb.Task.get_task(client, "t1"))
        assert export.get_total_file_size(StreamType.RESULT) is None
        from labelbox.schema.export_filters import build_filters

        build_filters(client, {"last_activity_at": ["2000-01-01", None]})
    return sent


def canonical(document: str) -> str:
    return print_ast(parse(document))


def test_documents_match_the_official_sdk() -> None:
    official = record_official()
    ours = {
        op.name: op
        for op in [
            user_ops.GET_USER,
            user_ops.GET_ORGANIZATION,
            user_ops.CURRENT_USER_TIMEZONE,
            task_ops.GET_USER_CREATED_TASKS,
            task_ops.GET_CANCELABLE_TASK_TYPES,
            task_ops.CANCEL_TASK,
            task_ops.SUCCESSFUL_DATA_ROW_IMPORTS,
            task_ops.FAILED_DATA_ROW_IMPORTS,
            task_ops.GET_EXPORT_METADATA_HEADER,
        ]
    }
    for name, op in ours.items():
        assert canonical(op.document) in {canonical(q) for q, _ in official[name]}, name
    # the official SDK sends the task lookup in two shapes; ours is get_task_by_id's
    lookups = official["GetUserCreatedTasksPyApi"]
    assert {"userId": "user-1", "taskId": "t1"} in [v for _, v in lookups]
    assert official["GetUserPyApi"][0][1] == {}
    assert official["CurrentUserPyApi"][0][1] is None
    assert official["GetCancelableTaskTypesPyApi"][0][1] is None


def test_export_file_document_matches_the_official_text() -> None:
    # Not reachable offline without a real export, so compare with the source the SDK formats.
    official = (
        "query GetExportFileFromOffsetPyApi"
        "($where: WhereUniqueIdInput, $streamType: TaskStreamType!, $offset: UInt64!)"
        "{task(where: $where)"
        "{exportFileFromOffset(streamType: $streamType, offset: $offset)"
        "{offsets {start end} lines {start end} file}"
        "}}"
    )
    import inspect

    from labelbox.schema import export_task

    assert "GetExportFileFromOffsetPyApi" in inspect.getsource(export_task)
    assert canonical(task_ops.GET_EXPORT_FILE_FROM_OFFSET.document) == canonical(official)


def test_the_hand_written_task_lookup_is_the_get_task_by_id_variant() -> None:
    import inspect

    from labelbox.client import Client

    source = inspect.getsource(Client.get_task_by_id)
    text = source.split('query = """', 1)[1].split('"""', 1)[0]
    assert canonical(task_ops.GET_USER_CREATED_TASKS.document) == canonical(text)
