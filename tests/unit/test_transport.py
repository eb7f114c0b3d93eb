"""The transport: envelope, headers, endpoints, variables, multipart upload, downloads."""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from aiolabel import MediaType, __version__
from aiolabel._operations import Operation
from aiolabel._transport import (
    UPLOAD_FILE_DOCUMENT,
    RawJSON,
    encode_variables,
    experimental_endpoint,
    split_lines,
)
from aiolabel.errors import InputError, InputTypeError, InternalServerError, LabelboxError

from .conftest import API_KEY, ENDPOINT, FakeTime, data, gql_body

OK = data({"a": 1})


@respx.mock
async def test_graphql_post_envelope_and_headers(make_client: Any) -> None:
    route = respx.post(ENDPOINT).mock(return_value=OK)
    op = Operation(
        name="GetThingPyApi", document="query GetThingPyApi($id: ID!) { thing(id: $id) }"
    )
    await make_client()._execute_operation(op, {"id": "x"}, sdk_method="Project:thing")
    request = route.calls.last.request
    assert request.method == "POST"
    assert gql_body(request) == {"query": op.document, "variables": {"id": "x"}}
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.headers["x-user-agent"] == f"aiolabel {__version__}"
    v = sys.version_info
    assert request.headers["x-python-version"] == f"{v.major}.{v.minor}.{v.micro}-{v.releaselevel}"
    assert request.headers["x-sdk-method"] == "Project:thing"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["accept"] == "application/json"


@respx.mock
async def test_variables_none_is_sent_as_null(make_client: Any) -> None:
    route = respx.post(ENDPOINT).mock(return_value=OK)
    await make_client().execute("query CurrentUserPyApi { user { timezone } }")
    assert gql_body(route.calls.last.request)["variables"] is None
    assert route.calls.last.request.headers["x-sdk-method"] == "Client:execute"


def test_experimental_endpoint_replaces_every_graphql() -> None:
    assert (
        experimental_endpoint("https://api.labelbox.com/graphql") == "https://api.labelbox.com/_gql"
    )
    assert experimental_endpoint("http://h/graphql/x/graphql") == "http://h/_gql/x/_gql"


@respx.mock
async def test_experimental_operations_go_to_gql(make_client: Any) -> None:
    route = respx.post("https://api.labelbox.test/_gql").mock(return_value=OK)
    op = Operation(name="E", document="query E { a }", experimental=True)
    await make_client()._execute_operation(op, sdk_method="T:t")
    await make_client().execute("query E { a }", experimental=True)
    assert route.call_count == 2


@respx.mock
async def test_timeouts_per_client_and_per_operation(make_client: Any) -> None:
    route = respx.post(ENDPOINT).mock(return_value=OK)
    client = make_client(timeout=12.0)
    await client.execute("query Q { a }")
    assert route.calls.last.request.extensions["timeout"]["read"] == 12.0
    slow = Operation(name="S", document="query S { a }", timeout=180.0)
    await client._execute_operation(slow, sdk_method="T:t")
    assert route.calls.last.request.extensions["timeout"]["read"] == 180.0
    await client.execute("query Q { a }", timeout=3)
    assert route.calls.last.request.extensions["timeout"]["read"] == 3


@respx.mock
async def test_variables_convert_datetimes_enums_and_tuples(make_client: Any) -> None:
    route = respx.post(ENDPOINT).mock(return_value=OK)
    when = datetime(2024, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    await make_client().execute(
        "query Q($a: DateTime) { a }",
        {"a": when, "nested": {"b": [datetime(2024, 1, 1)]}, "m": MediaType.Image, "t": (1, 2)},
    )
    assert gql_body(route.calls.last.request)["variables"] == {
        "a": "2024-05-01T12:00:00Z",
        "nested": {"b": ["2024-01-01T00:00:00Z"]},
        "m": "IMAGE",
        "t": [1, 2],
    }


def test_raw_json_values_are_spliced_in_as_they_are() -> None:
    from aiolabel._bulk.keys import KeyBatch

    keys = ['a"b', "c\\d", "é😀", "\n", "x" * 50, '","', "\x00aiolabel-raw-json-"]
    batch = KeyBatch(0)
    for key in keys:
        batch.add(key)
    raw = batch.close("global_keys")
    body = encode_variables(
        "query Q { a }", {"k": raw, "nested": [{"k": RawJSON(b"[1, 2]")}], "s": "plain"}
    )
    assert json.loads(body)["variables"] == {"k": keys, "nested": [{"k": [1, 2]}], "s": "plain"}
    assert batch.keys() == keys
    repeated = KeyBatch(10)
    for key in ("a", "b", "a"):
        repeated.add(key)
    with pytest.raises(InputError, match=r"global_keys\[12\]: 'a' appears more than once"):
        repeated.close("global_keys")
    assert repeated.keys() == ["a", "b", "a"]  # still readable, to report them unsent
    with pytest.raises(InputTypeError):
        RawJSON("[]")  # type: ignore[arg-type]


def test_a_raw_json_value_is_its_own_part_of_the_body_not_a_copy() -> None:
    from aiolabel._content import encode_variables_parts

    raw = RawJSON(json.dumps([f"key-{i}" for i in range(10_000)]).encode())
    variables = {"a": raw, "b": "x", "c": RawJSON(b"[]")}
    parts = encode_variables_parts("query Q { a }", variables)
    assert b"".join(parts) == encode_variables("query Q { a }", variables)
    assert any(part is raw.text for part in parts)


@respx.mock
async def test_a_large_raw_json_body_arrives_whole_with_its_length(make_client: Any) -> None:
    route = respx.post(ENDPOINT).mock(return_value=OK)
    keys = [f"key-{i:06d}" for i in range(30_000)]  # ~400 KB: sent as a stream of parts
    raw = RawJSON(json.dumps(keys).encode())
    op = Operation(name="Q", document="query Q($k: [ID!]) { a(k: $k) }")
    await make_client()._execute_operation(op, {"k": raw, "s": "é"}, sdk_method="x")
    request = route.calls.last.request
    content = await request.aread()
    assert int(request.headers["Content-Length"]) == len(content)
    assert json.loads(content) == {"query": op.document, "variables": {"k": keys, "s": "é"}}


@respx.mock
@pytest.mark.parametrize(
    ("variables", "error"),
    [
        ({"x": object()}, InputTypeError),
        ({"x": b"bytes"}, InputTypeError),
        ({"x": float("nan")}, InputError),
        (["not", "a", "mapping"], InputTypeError),
    ],
)
async def test_bad_variables_fail_before_sending(
    make_client: Any, variables: Any, error: type[Exception]
) -> None:
    route = respx.post(ENDPOINT).mock(return_value=OK)
    with pytest.raises(error):
        await make_client().execute("query Q { a }", variables)
    assert route.call_count == 0


@respx.mock
@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda c: c.execute(""), InputError),
        (lambda c: c.execute(123), InputTypeError),
        (lambda c: c.execute("query Q { a }", timeout=0), InputError),
        (lambda c: c._execute_operation("query Q { a }", sdk_method="x"), InputTypeError),
        (
            lambda c: c._execute_operation(Operation("Q", "query Q{a}"), sdk_method="a\nb"),
            InputError,
        ),
    ],
)
async def test_bad_arguments_fail_before_sending(make_client: Any, call: Any, error: type) -> None:
    route = respx.post(ENDPOINT).mock(return_value=OK)
    with pytest.raises(error):
        await call(make_client())
    assert route.call_count == 0


# -- multipart upload -------------------------------------------------------------------------


def parse_multipart(request: httpx.Request) -> list[tuple[dict[str, str], bytes]]:
    ctype = request.headers["content-type"]
    assert ctype.startswith("multipart/form-data; boundary=")
    boundary = ctype.split("boundary=", 1)[1].encode()
    body = request.content
    assert body.endswith(b"--" + boundary + b"--\r\n")
    parts = []
    for raw in body.split(b"--" + boundary)[1:-1]:
        assert raw.startswith(b"\r\n")
        assert raw.endswith(b"\r\n")
        head, _, content = raw[2:-2].partition(b"\r\n\r\n")
        headers = {}
        for line in head.decode().split("\r\n"):
            key, _, value = line.partition(": ")
            headers[key.lower()] = value
        parts.append((headers, content))
    return parts


def upload_ok(url: str = "https://files.test/u/1") -> httpx.Response:
    return data({"uploadFile": {"url": url, "filename": "x"}})


@respx.mock
async def test_upload_multipart_shape(make_client: Any) -> None:
    route = respx.post(ENDPOINT).mock(return_value=upload_ok())
    text = "héllo wörld ✓"
    url = await make_client().upload_data(text, "a.json", "application/json")
    assert url == "https://files.test/u/1"
    request = route.calls.last.request
    assert int(request.headers["content-length"]) == len(request.content)
    assert "authorization" in request.headers
    assert request.headers["x-sdk-method"] == "Client:upload_data"
    parts = parse_multipart(request)
    assert [p[0]["content-disposition"] for p in parts] == [
        'form-data; name="operations"',
        'form-data; name="map"',
        'form-data; name="1"; filename="a.json"',
    ]
    operations = json.loads(parts[0][1])
    assert list(operations) == ["variables", "query"]
    assert operations["query"] == UPLOAD_FILE_DOCUMENT
    # contentLength is the byte length, not the character count
    assert operations["variables"] == {
        "file": None,
        "contentLength": len(text.encode()),
        "sign": False,
    }
    assert len(text.encode()) > len(text)
    assert json.loads(parts[1][1]) == {"1": ["variables.file"]}
    assert parts[2][0]["content-type"] == "application/json"
    assert parts[2][1] == text.encode()


@respx.mock
@pytest.mark.parametrize(("filename", "ctype"), [(None, None), ("a.bin", None), (None, "x/y")])
async def test_upload_part_is_named_1_unless_both_name_and_type(
    make_client: Any, filename: str | None, ctype: str | None
) -> None:
    route = respx.post(ENDPOINT).mock(return_value=upload_ok())
    await make_client().upload_data(b"\x00\x01", filename, ctype)
    headers, content = parse_multipart(route.calls.last.request)[2]
    assert headers == {"content-disposition": 'form-data; name="1"; filename="1"'}
    assert content == b"\x00\x01"


def sync_chunks() -> Iterator[bytes]:
    yield b"abc"
    yield b"def"


async def async_chunks() -> AsyncIterator[bytes]:
    yield b"ab"
    yield bytearray(b"cd")
    yield b"ef"


@respx.mock
@pytest.mark.parametrize("kind", ["bytes", "bytearray", "path", "iterable", "async iterable"])
async def test_upload_accepts_many_sources(make_client: Any, tmp_path: Path, kind: str) -> None:
    route = respx.post(ENDPOINT).mock(return_value=upload_ok())
    source: Any
    expected = b"abcdef"
    if kind == "bytes":
        source = expected
    elif kind == "bytearray":
        source = bytearray(expected)
    elif kind == "path":
        source = tmp_path / "f.bin"
        source.write_bytes(expected)
    elif kind == "iterable":
        source = sync_chunks()
    else:
        source = async_chunks()
        expected = b"abcdef"
    await make_client().upload_data(source, "f.bin", "application/octet-stream", sign=True)
    parts = parse_multipart(route.calls.last.request)
    assert parts[2][1] == expected
    assert json.loads(parts[0][1])["variables"] == {"file": None, "contentLength": 6, "sign": True}


@respx.mock
async def test_upload_file_names_and_types_the_part(make_client: Any, tmp_path: Path) -> None:
    route = respx.post(ENDPOINT).mock(return_value=upload_ok())
    path = tmp_path / "picture.png"
    path.write_bytes(b"\x89PNG")
    await make_client().upload_file(str(path))
    headers, content = parse_multipart(route.calls.last.request)[2]
    assert headers["content-disposition"] == 'form-data; name="1"; filename="picture.png"'
    assert headers["content-type"] == "image/png"
    assert content == b"\x89PNG"
    assert route.calls.last.request.headers["x-sdk-method"] == "Client:upload_file"


@respx.mock
async def test_upload_of_an_async_iterable_is_retried_with_the_same_body(
    make_client: Any, fake_time: FakeTime
) -> None:
    route = respx.post(ENDPOINT).mock(side_effect=[httpx.Response(503, text=""), upload_ok()])
    await make_client().upload_data(async_chunks(), "f", "t/t")
    assert route.call_count == 2
    first, second = (parse_multipart(c.request)[2][1] for c in route.calls)
    assert first == second == b"abcdef"


@respx.mock
@pytest.mark.parametrize(
    ("content", "error"),
    [(123, InputTypeError), ([1, 2], InputTypeError), (Path("/no/such/file"), InputError)],
)
async def test_bad_upload_content_fails_before_sending(
    make_client: Any, content: Any, error: type
) -> None:
    route = respx.post(ENDPOINT).mock(return_value=upload_ok())
    with pytest.raises(error):
        await make_client().upload_data(content)
    assert route.call_count == 0


@respx.mock
async def test_upload_without_url_is_an_error(make_client: Any) -> None:
    respx.post(ENDPOINT).mock(return_value=data({"uploadFile": None}))
    with pytest.raises(LabelboxError, match="no url"):
        await make_client().upload_data(b"x")


# -- downloads --------------------------------------------------------------------------------

FILE = "https://storage.test/signed/file?sig=abc"


class Breaking(httpx.AsyncByteStream):
    """Yields some bytes, then the connection drops."""

    def __init__(self, parts: list[bytes]) -> None:
        self.parts = parts

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for part in self.parts:
            yield part
        raise httpx.ReadError("connection reset by peer")


async def collect(iterator: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in iterator])


@respx.mock
async def test_download_streams_without_authorization(make_client: Any) -> None:
    route = respx.get(FILE).mock(return_value=httpx.Response(200, content=b"hello"))
    assert await collect(make_client()._download(FILE)) == b"hello"
    request = route.calls.last.request
    assert "authorization" not in request.headers
    assert request.extensions["timeout"]["read"] == 30.0


@respx.mock
async def test_download_is_retried(make_client: Any, fake_time: FakeTime) -> None:
    route = respx.get(FILE).mock(
        side_effect=[
            httpx.Response(503),
            httpx.ConnectError("refused"),
            httpx.Response(200, content=b"ok"),
        ]
    )
    assert await collect(make_client()._download(FILE)) == b"ok"
    assert route.call_count == 3
    assert len(fake_time.sleeps) == 2


@respx.mock
async def test_download_resumes_with_range(make_client: Any) -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        if "range" in request.headers:
            assert request.headers["range"] == "bytes=6-"
            return httpx.Response(206, content=b"world")
        return httpx.Response(200, stream=Breaking([b"hello "]))

    respx.get(FILE).mock(side_effect=respond)
    assert await collect(make_client()._download(FILE, expected_length=11)) == b"hello world"


@respx.mock
async def test_download_resumes_by_skipping_when_range_is_ignored(make_client: Any) -> None:
    responses = iter(
        [
            httpx.Response(200, stream=Breaking([b"hel", b"lo "])),
            httpx.Response(200, content=b"hello world"),
        ]
    )
    respx.get(FILE).mock(side_effect=lambda request: next(responses))
    assert await collect(make_client()._download(FILE)) == b"hello world"


@respx.mock
async def test_download_gives_up_with_a_typed_error(make_client: Any) -> None:
    route = respx.get(FILE).mock(return_value=httpx.Response(500))
    with pytest.raises(InternalServerError) as info:
        await collect(make_client(max_retries=2)._download(FILE))
    assert route.call_count == 3
    assert info.value.attempts == 3
    respx.get(FILE).mock(return_value=httpx.Response(404))
    with pytest.raises(LabelboxError, match="404"):
        await collect(make_client()._download(FILE))


@respx.mock
async def test_download_checks_the_byte_count(make_client: Any) -> None:
    respx.get(FILE).mock(return_value=httpx.Response(200, content=b"12345"))
    with pytest.raises(LabelboxError, match="expected 4 bytes"):
        await collect(make_client()._download(FILE, expected_length=4))


@respx.mock
async def test_download_lines_split_across_chunks(make_client: Any) -> None:
    stream = httpx.ByteStream(b'{"a": 1}\n{"b":\n\n 2}\r\n{"c": "\xc3\xa9"}')
    respx.get(FILE).mock(return_value=httpx.Response(200, stream=stream))
    lines = [line async for line in make_client()._download_lines(FILE)]
    assert lines == ['{"a": 1}', '{"b":', " 2}", '{"c": "é"}']


async def test_split_lines_holds_only_the_open_line() -> None:
    async def pieces() -> AsyncIterator[bytes]:
        for piece in [b"ab", b"c\nde", b"f", b"\n", b"\ng", b"h"]:
            yield piece

    assert [line async for line in split_lines(pieces())] == ["abc", "def", "gh"]


async def test_download_refuses_bad_urls(make_client: Any) -> None:
    with pytest.raises(InputError):
        await collect(make_client()._download("file:///etc/passwd"))


def test_now_is_aware() -> None:
    assert datetime.now(UTC).tzinfo is not None


async def test_a_large_body_goes_out_in_pieces_of_at_most_body_piece() -> None:
    """A 3 MB list of keys is sent in a few pieces (one write each), never copied whole."""
    from aiolabel._content import BODY_PIECE, RawJSON, encode_variables_parts, parts_once

    raw = RawJSON(json.dumps([f"cl{i:023d}" for i in range(100_000)]).encode())
    parts = encode_variables_parts("query Q($ids: [ID!]) {x}", {"ids": raw})
    pieces = [piece async for piece in parts_once(parts)]
    assert b"".join(pieces) == b"".join(parts)
    assert json.loads(b"".join(pieces))["variables"]["ids"][-1] == f"cl{99_999:023d}"
    assert max(map(len, pieces)) == BODY_PIECE
    assert len(pieces) == 2 + -(-len(raw.text) // BODY_PIECE)  # the text around, the keys
