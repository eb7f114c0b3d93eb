"""Both transports (httpx and aiohttp) against a real HTTP server on 127.0.0.1.

respx only mocks httpx's own transport, so the aiohttp-backed one is checked here against a small
Starlette app served by uvicorn in a background thread: GraphQL POST, error mapping, retries,
multipart upload, downloads, and the "never sent" classification of connection failures.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import anyio
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from aiolabel import AsyncClient
from aiolabel._operations import Operation
from aiolabel.errors import (
    AuthenticationError,
    InternalServerError,
    LabelboxError,
    NetworkError,
    ResourceNotFoundError,
    TimeoutError,
    UnprocessableEntityError,
)

from .conftest import API_KEY, FakeTime, bind_time

TRANSPORTS = ["httpx", "aiohttp"]
FILE_BODY = b"".join(f'{{"line": {k}, "text": "été"}}\n'.encode() for k in range(2000))


class State:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.counters: dict[str, int] = {}
        self.lock = threading.Lock()

    def bump(self, key: str) -> int:
        with self.lock:
            self.counters[key] = self.counters.get(key, 0) + 1
            return self.counters[key]


def make_app(state: State) -> Starlette:
    async def graphql(request: Request) -> Response:
        headers = dict(request.headers)
        if headers.get("content-type", "").startswith("multipart/form-data"):
            raw = await request.body()
            async with request.form() as form:
                upload = form["1"]
                content = await upload.read()  # type: ignore[union-attr]
                state.requests.append(
                    {
                        "kind": "upload",
                        "headers": headers,
                        "keys": list(form.keys()),
                        "operations": json.loads(str(form["operations"])),
                        "map": json.loads(str(form["map"])),
                        "filename": upload.filename,  # type: ignore[union-attr]
                        "content_type": upload.content_type,  # type: ignore[union-attr]
                        "content": content,
                        "body_length": len(raw),
                    }
                )
            if upload.filename == "slow.txt":  # type: ignore[union-attr]
                await anyio.sleep(2)
            return JSONResponse({"data": {"uploadFile": {"url": "http://x/f", "filename": "f"}}})
        body = await request.json()
        state.requests.append(
            {
                "kind": "graphql",
                "path": request.url.path,
                "headers": headers,
                "raw_headers": [k.decode().lower() for k, _ in request.headers.raw],
                "body": body,
            }
        )
        query: str = body["query"]
        if "Slow" in query:
            await anyio.sleep(2)
        if "AuthFail" in query:
            return JSONResponse(
                {"errors": [{"message": "no", "extensions": {"code": "AUTHENTICATION_ERROR"}}]}
            )
        if "Missing" in query:
            error = {"message": "not here", "extensions": {"code": "RESOURCE_NOT_FOUND"}}
            return JSONResponse({"data": {"thing": None}, "errors": [error]})
        if "Unprocessable" in query:
            error = {
                "message": "bad",
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "exception": {"status": 422}},
            }
            return JSONResponse({"data": None, "errors": [error]})
        if "NotJson" in query:
            return PlainTextResponse("<html>oops</html>")
        if "Boom" in query:
            state.bump(query)
            return PlainTextResponse("crash", status_code=500)
        if "Flaky" in query and state.bump(query) <= 2:
            return PlainTextResponse("down", status_code=503)
        if "Limited" in query and state.bump(query) <= 1:
            return JSONResponse(
                {"message": "You have exceeded the rate limit"},
                status_code=429,
                headers={"Retry-After": "2"},
            )
        return JSONResponse({"data": {"echo": body["variables"], "path": request.url.path}})

    async def file(request: Request) -> Response:
        name = request.path_params["name"]
        state.requests.append({"kind": "file", "headers": dict(request.headers)})
        if name == "flaky" and state.bump("file-flaky") <= 1:
            return PlainTextResponse("busy", status_code=503)

        async def chunks() -> Any:
            for start in range(0, len(FILE_BODY), 7000):
                yield FILE_BODY[start : start + 7000]

        return StreamingResponse(chunks(), media_type="application/x-ndjson")

    async def rest(request: Request) -> Response:
        raw = await request.body()
        path = request.url.path
        state.requests.append(
            {
                "kind": "rest",
                "method": request.method,
                "path": path,
                "headers": dict(request.headers),
            }
        )
        if path.endswith("/limited") and state.bump(path) <= 1:
            return JSONResponse(
                {"message": "slow down"}, status_code=429, headers={"Retry-After": "3"}
            )
        if path.endswith("/missing"):
            return JSONResponse({"statusCode": 404, "message": "no such thing"}, status_code=404)
        if not raw:
            return Response(status_code=204)
        return JSONResponse({"method": request.method, "got": json.loads(raw)})

    return Starlette(
        routes=[
            Route("/api/v1/{rest:path}", rest, methods=["GET", "POST", "DELETE"]),
            Route("/graphql", graphql, methods=["POST"]),
            Route("/_gql", graphql, methods=["POST"]),
            Route("/files/{name}", file, methods=["GET"]),
        ]
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def live() -> Iterator[tuple[str, State]]:
    state = State()
    port = free_port()
    config = uvicorn.Config(
        make_app(state), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}", state
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def client_for(live: tuple[str, State], fake_time: FakeTime) -> Any:
    """Clients on the live server; tests use them with ``async with``."""

    def make(transport: str, **kw: Any) -> AsyncClient:
        base, _ = live
        kw.setdefault("endpoint", f"{base}/graphql")
        return bind_time(AsyncClient(api_key=API_KEY, transport=transport, **kw), fake_time)  # type: ignore[arg-type]

    return make


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_graphql_post(live: tuple[str, State], client_for: Any, transport: str) -> None:
    _, state = live
    async with client_for(transport) as client:
        out = await client._execute_operation(
            Operation("EchoPyApi", "query EchoPyApi($a: String) { echo }"),
            {"a": "é"},
            sdk_method="Client:echo",
        )
        assert out == {"echo": {"a": "é"}, "path": "/graphql"}
        seen = state.requests[-1]
        assert seen["headers"]["authorization"] == f"Bearer {API_KEY}"
        assert seen["headers"]["x-sdk-method"] == "Client:echo"
        assert seen["headers"]["x-user-agent"].startswith("aiolabel ")
        assert seen["headers"]["content-type"] == "application/json"
        assert seen["body"] == {
            "query": "query EchoPyApi($a: String) { echo }",
            "variables": {"a": "é"},
        }
        assert (await client.execute("query E { echo }", experimental=True))["path"] == "/_gql"


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_each_header_is_sent_once(
    live: tuple[str, State], client_for: Any, transport: str
) -> None:
    _, state = live
    async with client_for(transport) as client:
        await client.execute("query Q { a }")
        await client.execute("query Q { a }")  # the second on a kept-alive connection
    names = state.requests[-1]["raw_headers"]
    assert len(names) == len(set(names)), names
    for name in ("accept", "content-type", "authorization", "x-sdk-method", "x-user-agent"):
        assert name in names
    assert "x-python-version" in names
    assert state.requests[-1]["headers"]["accept"] == "application/json"


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_rest_calls(live: tuple[str, State], client_for: Any, transport: str) -> None:
    _, state = live
    async with client_for(transport) as client:
        out = await client._rest(
            "POST",
            "/things",
            json_body={"name": "é"},
            expected=200,
            sdk_method="Thing:create",
            retry_safe=False,
        )
        assert out == {"method": "POST", "got": {"name": "é"}}
        seen = state.requests[-1]
        assert (seen["method"], seen["path"]) == ("POST", "/api/v1/things")
        assert seen["headers"]["authorization"] == f"Bearer {API_KEY}"
        assert seen["headers"]["content-type"] == "application/json"
        assert seen["headers"]["x-sdk-method"] == "Thing:create"
        assert (
            await client._rest(
                "DELETE", "/things/1", expected=204, sdk_method="Thing:delete", retry_safe=True
            )
            is None
        )
        with pytest.raises(ResourceNotFoundError, match="no such thing"):
            await client._rest(
                "GET", "/missing", expected=200, sdk_method="Thing:get", retry_safe=True
            )
        out = await client._rest(
            "GET", "/missing", expected=404, sdk_method="Thing:get", retry_safe=True
        )
        assert out == {"statusCode": 404, "message": "no such thing"}  # the expected status
    async with client_for(transport) as client:
        limited = f"/{transport}/limited"
        state.counters.pop(f"/api/v1{limited}", None)
        out = await client._rest(
            "POST", limited, json_body={}, expected=200, sdk_method="Thing:x", retry_safe=False
        )
        assert out == {"method": "POST", "got": {}}  # a 429 was not processed: resent
        assert state.counters[f"/api/v1{limited}"] == 2


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_path_that_is_not_an_endpoint_is_named(
    live: tuple[str, State], client_for: Any, transport: str
) -> None:
    base, _ = live
    async with client_for(transport, endpoint=f"{base}/nothing/graphql") as client:
        with pytest.raises(LabelboxError, match="not a GraphQL endpoint") as info:
            await client.execute("query Q { a }")
    assert f"{base}/nothing/graphql" in str(info.value)


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_an_attempt_without_an_answer_times_out(client_for: Any, transport: str) -> None:
    async with client_for(transport, timeout=0.3, max_retries=0) as client:
        with pytest.raises(TimeoutError) as info:
            await client.execute("query Slow { a }")
        assert info.value.request_sent is True
        assert "timed out" in str(info.value)
        # the connection it left is not reused for a wrong answer
        assert "echo" in await client.execute("query Q { a }")


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_large_graphql_body_is_streamed_with_its_length(
    live: tuple[str, State], client_for: Any, transport: str
) -> None:
    from aiolabel._bulk.keys import KeyBatch

    _, state = live
    keys = [f"key-{i:06d}-é" for i in range(20_000)]  # ~300 kB of variables
    batch = KeyBatch(0)
    for key in keys:
        batch.add(key)
    async with client_for(transport) as client:
        out = await client._execute_operation(
            Operation("EchoPyApi", "query EchoPyApi($k: [String!]) { echo }"),
            {"k": batch.close("global_keys"), "plain": keys[:2]},
            sdk_method="Client:echo",
        )
    assert out["echo"] == {"k": keys, "plain": keys[:2]}
    seen = state.requests[-1]
    assert int(seen["headers"]["content-length"]) > 300_000
    assert "transfer-encoding" not in seen["headers"]


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_error_mapping_and_retries(
    live: tuple[str, State], client_for: Any, transport: str, fake_time: FakeTime
) -> None:
    _, state = live
    async with client_for(transport) as client:
        with pytest.raises(AuthenticationError):
            await client.execute("query AuthFail { a }")
        assert await client.execute("query Missing { thing }") == {"thing": None}
        with pytest.raises(ResourceNotFoundError, match="not here"):
            await client.execute("query Missing { thing }", expect_one=True)
        with pytest.raises(UnprocessableEntityError):
            await client.execute("query Unprocessable { a }")
        with pytest.raises(LabelboxError, match="parse response as JSON"):
            await client.execute("query NotJson { a }")
        flaky = f"query Flaky{transport} {{ a }}"
        assert "echo" in await client.execute(flaky)
        limited = f"query Limited{transport} {{ a }}"
        fake_time.sleeps.clear()
        assert "echo" in await client.execute(limited)
        assert fake_time.sleeps == [2.0]
        flaky_mutation = f"mutation Flaky{transport}M {{ a }}"
        assert "echo" in await client.execute(flaky_mutation)  # 503 means "retry": safe
        boom = f"mutation Boom{transport} {{ a }}"
        with pytest.raises(InternalServerError):
            await client.execute(boom)  # a 500 may have applied it: not resent
        assert state.counters[boom] == 1
        boom = f"query Boom{transport} {{ a }}"
        with pytest.raises(InternalServerError):
            await client.execute(boom)
        assert state.counters[boom] == 6


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_upload(live: tuple[str, State], client_for: Any, transport: str) -> None:
    _, state = live
    text = "naïve café ✓ " * 1000
    async with client_for(transport) as client:
        assert await client.upload_data(text, "notes.txt", "text/plain") == "http://x/f"
        seen = state.requests[-1]
        assert seen["keys"] == ["operations", "map", "1"]
        assert seen["operations"]["variables"] == {
            "file": None,
            "contentLength": len(text.encode()),
            "sign": False,
        }
        assert "uploadFile" in seen["operations"]["query"]
        assert seen["map"] == {"1": ["variables.file"]}
        assert (seen["filename"], seen["content_type"]) == ("notes.txt", "text/plain")
        assert seen["content"] == text.encode()
        assert int(seen["headers"]["content-length"]) == seen["body_length"]
        assert "accept" not in seen["headers"] or seen["headers"]["accept"] != "application/json"


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_an_upload_whose_answer_stalls_times_out_at_the_read_timeout(
    client_for: Any, transport: str
) -> None:
    # An upload's cap is longer than the read timeout (a second per 256 KiB sent: 2.3 s here,
    # past the server's 2 s stall), so the read timeout is what ends the wait.
    async with client_for(transport, timeout=0.3, max_retries=0) as client:
        with pytest.raises(TimeoutError, match="ReadTimeout"):
            await client.upload_data(b"x" * 512 * 1024, "slow.txt", "text/plain")


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_download(live: tuple[str, State], client_for: Any, transport: str) -> None:
    base, state = live
    async with client_for(transport) as client:
        body = b"".join(
            [
                c
                async for c in client._download(
                    f"{base}/files/plain", expected_length=len(FILE_BODY)
                )
            ]
        )
        assert body == FILE_BODY
        assert "authorization" not in state.requests[-1]["headers"]
        lines = [line async for line in client._download_lines(f"{base}/files/flaky")]
        assert len(lines) == 2000
        assert json.loads(lines[-1]) == {"line": 1999, "text": "été"}
        with pytest.raises(LabelboxError, match="expected"):
            async for _ in client._download(f"{base}/files/plain", expected_length=5):
                pass


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_refused_connection_is_never_sent_so_mutations_retry(
    client_for: Any, transport: str
) -> None:
    port = free_port()  # nothing listens there
    client = client_for(transport, endpoint=f"http://127.0.0.1:{port}/graphql", max_retries=2)
    async with client:
        with pytest.raises((NetworkError, TimeoutError)) as info:
            await client.execute("mutation M { m }")
        assert info.value.request_sent is False
        assert info.value.attempts == 3


class DroppingServer:
    """Accepts a connection, reads the request, closes without answering."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.settimeout(2)
            with contextlib.suppress(OSError):
                conn.recv(65536)
            conn.close()

    def close(self) -> None:
        self.sock.close()


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_dropped_mutation_is_ambiguous_and_not_resent(
    client_for: Any, transport: str
) -> None:
    server = DroppingServer()
    try:
        client = client_for(
            transport, endpoint=f"http://127.0.0.1:{server.port}/graphql", max_retries=2
        )
        async with client:
            with pytest.raises((NetworkError, TimeoutError)) as info:
                await client.execute("mutation M { m }")
            assert info.value.request_sent is True
            assert server.accepted == 1
            with pytest.raises((NetworkError, TimeoutError)):
                await client.execute("query Q { a }")
            assert server.accepted == 1 + 3  # a query is retried
    finally:
        server.close()
