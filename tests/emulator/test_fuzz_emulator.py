"""Fuzzing the emulator: malformed GraphQL, every document of the catalogue with fuzzed
variables, broken JSON envelopes and broken multipart bodies. The emulator must answer each
with a client error or a GraphQL error, never a 500 and never hang, and a request it refuses
must leave the stored state exactly as it was (a digest of every table, before and after)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import anyio
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiolabel.emulator import Emulator
from tests.wire.catalogue import catalogue

BASE = "http://emulator.localhost"
GUARD = 20.0
"""Seconds after which a request counts as hung."""
DOCUMENTS = [(label, op.document) for label, op, _ in catalogue()]
SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def digest(emu: Emulator) -> str:
    """A hash of every row of every table of the store."""
    h = hashlib.sha256()
    with emu.state.store.reading() as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            ).fetchall()
        ]
        for table in tables:
            rows = sorted(repr(tuple(r)) for r in conn.execute(f'SELECT * FROM "{table}"'))
            h.update(table.encode())
            for row in rows:
                h.update(row.encode())
    return h.hexdigest()


async def seed(emu: Emulator, http: httpx.AsyncClient) -> list[str]:
    """A dataset with rows, a project with a batch: ids the fuzzer may aim at."""
    headers = {"Authorization": f"Bearer {emu.api_key}"}

    async def data(query: str, variables: dict[str, Any]) -> dict[str, Any]:
        body = (
            await http.post(
                "/graphql", json={"query": query, "variables": variables}, headers=headers
            )
        ).json()
        assert "errors" not in body, body
        result: dict[str, Any] = body["data"]
        return result

    ds = (
        await data("mutation($n: String!) { createDataset(data: {name: $n}) { id } }", {"n": "d"})
    )["createDataset"]["id"]
    project = (
        await data(
            "mutation($n: String!) { createProject(data: {name: $n, allowedMediaType: IMAGE})"
            " { id } }",
            {"n": "p"},
        )
    )["createProject"]["id"]
    return [ds, project]


SHARED: dict[str, Any] = {}
"""The module's emulator and its seeded ids (one store for every example: each request's own
before/after digest is what is checked)."""


@pytest.fixture(scope="module", autouse=True)
def _shared_emulator() -> Iterator[None]:
    emu = Emulator().start()

    async def seeded() -> list[str]:
        async with httpx.AsyncClient(transport=emu.transport, base_url=BASE) as http:
            return await seed(emu, http)

    SHARED.update(emu=emu, ids=anyio.run(seeded))
    try:
        yield
    finally:
        emu.stop()
        SHARED.clear()


def on_emulator(
    body: Callable[[Emulator, httpx.AsyncClient, list[str]], Awaitable[None]],
) -> None:
    emu: Emulator = SHARED["emu"]

    async def run() -> None:
        async with httpx.AsyncClient(transport=emu.transport, base_url=BASE) as http:
            await body(emu, http, SHARED["ids"])

    anyio.run(run)


async def post_and_check(
    emu: Emulator,
    http: httpx.AsyncClient,
    *,
    content: bytes,
    content_type: str,
    path: str = "/graphql",
) -> httpx.Response:
    """Post a body; no 500, no hang; a refused request changes nothing stored."""
    before = digest(emu)
    with anyio.fail_after(GUARD):
        response = await http.post(
            path,
            content=content,
            headers={"Authorization": f"Bearer {emu.api_key}", "Content-Type": content_type},
        )
    assert response.status_code < 500, (response.status_code, response.text[:500])
    try:
        body = response.json()
    except ValueError:
        body = None
    refused = response.status_code >= 400 or not isinstance(body, dict) or bool(body.get("errors"))
    if refused:
        emu.wait_for_jobs()
        assert digest(emu) == before, f"a refused request changed the store: {response.text[:300]}"
    return response


# -- strategies ----------------------------------------------------------------------------------

json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=20),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
TOKENS = [
    "query",
    "mutation",
    "subscription",
    "fragment",
    "on",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ":",
    "!",
    "$x",
    "$",
    "@include(if: $x)",
    "...",
    "...F",
    "=",
    ",",
    '"s"',
    '"""b"""',
    "1",
    "-1.5e3",
    "true",
    "null",
    "ENUM",
    "user",
    "id",
    "project(where: {id: $x})",
    "createDataset",
    "data: {name: 1}",
    "__typename",
    "__schema { types { name } }",
    "#c\n",
    "\\",
    "\u0000",
    "é",
]
graphql_junk = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join),
    st.integers(min_value=50, max_value=3000).map(
        lambda n: "query { " + "user { " * n + "id" + " }" * n + " }"
    ),
    st.integers(min_value=2, max_value=500).map(
        lambda n: "query { " + " ".join(f"a{i}: user {{ id }}" for i in range(n)) + " }"
    ),
    st.just("fragment F on User { ...G } fragment G on User { ...F } query { user { ...F } }"),
)


def variables_for(ids: list[str]) -> st.SearchStrategy[Any]:
    """Fuzzed variables: any JSON, with the seeded ids and hostile strings among the leaves."""
    leaves = st.one_of(
        st.sampled_from(ids),
        st.sampled_from(
            ["", " ", "\x00", "x" * 10_000, '") { id }', "IMAGE", "2024-01-01T00:00:00Z"]
        ),
        st.integers(min_value=-(2**63), max_value=2**64),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.none(),
    )
    values = st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, max_size=3),
            st.dictionaries(
                st.sampled_from(
                    ["id", "name", "ids", "globalKeys", "dataRowIds", "projectId", "x"]
                ),
                children,
                max_size=3,
            ),
        ),
        max_leaves=8,
    )
    return st.one_of(
        st.dictionaries(st.text(max_size=12), values, max_size=6),
        json_values,
    )


# -- the tests -----------------------------------------------------------------------------------


@SETTINGS
@given(query=graphql_junk, variables=st.one_of(st.none(), json_values), experimental=st.booleans())
def test_malformed_graphql_is_refused_cleanly(
    query: str, variables: Any, experimental: bool
) -> None:
    async def body(emu: Emulator, http: httpx.AsyncClient, ids: list[str]) -> None:
        content = json.dumps({"query": query, "variables": variables}).encode()
        path = "/_gql" if experimental else "/graphql"
        await post_and_check(emu, http, content=content, content_type="application/json", path=path)

    on_emulator(body)


@settings(
    max_examples=1200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(which=st.integers(min_value=0, max_value=len(DOCUMENTS) - 1), data=st.data())
def test_every_document_with_fuzzed_variables_never_breaks_the_emulator(
    which: int, data: st.DataObject
) -> None:
    label, document = DOCUMENTS[which]

    async def body(emu: Emulator, http: httpx.AsyncClient, ids: list[str]) -> None:
        variables = data.draw(variables_for(ids), label=f"variables of {label}")
        content = json.dumps({"query": document, "variables": variables}).encode()
        for path in ("/graphql", "/_gql"):
            await post_and_check(
                emu, http, content=content, content_type="application/json", path=path
            )

    on_emulator(body)


envelopes = st.one_of(
    st.binary(max_size=300),
    st.just(b"\xff\xfe\x00"),
    st.just(b"[" * 100_000 + b"]" * 100_000),  # nested past the parser's recursion limit
    st.just(b'{"query": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.builds(
        lambda q, v: json.dumps({"query": q, "variables": v}).encode(),
        st.one_of(json_values, st.just("query { user { id } }")),
        json_values,
    ),
    st.just(b'{"query": "query { user { id } }", "variables": {"x": NaN}}'),
    st.just(b'{"query": "query { user { id } }", "variables": {"x": 1e999}}'),
)


@SETTINGS
@given(content=envelopes, content_type=st.sampled_from(["application/json", "text/plain", ""]))
def test_broken_envelopes_are_refused_cleanly(content: bytes, content_type: str) -> None:
    async def body(emu: Emulator, http: httpx.AsyncClient, ids: list[str]) -> None:
        await post_and_check(emu, http, content=content, content_type=content_type)

    on_emulator(body)


UPLOAD = (
    "mutation UploadFile($file: Upload!, $contentLength: Int!, $sign: Boolean) "
    "{ uploadFile(file: $file, contentLength: $contentLength, sign: $sign) {url filename} }"
)


def multipart(parts: list[tuple[str, str | None, bytes]], boundary: str = "fuzzb") -> bytes:
    out = b""
    for name, filename, payload in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        out += (
            f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode()
            + payload
            + b"\r\n"
        )
    return out + f"--{boundary}--\r\n".encode()


def operations(variables: Any, query: Any = UPLOAD) -> bytes:
    return json.dumps({"query": query, "variables": variables}).encode()


multipart_bodies = st.one_of(
    st.binary(max_size=300),
    st.builds(
        lambda ops, mp, data: multipart(
            [("operations", None, ops), ("map", None, mp), ("1", "f", data)]
        ),
        st.one_of(
            st.binary(max_size=40),
            json_values.map(lambda v: json.dumps(v).encode()),
            st.builds(operations, json_values),
            st.just(operations({"file": None, "contentLength": -5, "sign": False})),
            st.just(operations({"file": None, "contentLength": 2**40, "sign": "yes"})),
            st.just(operations({"file": None, "contentLength": 3}, query="query { user { id } }")),
        ),
        st.one_of(
            st.binary(max_size=40),
            json_values.map(lambda v: json.dumps(v).encode()),
            st.just(b'{"1": ["variables.file"]}'),
            st.just(b'{"2": ["variables.file"]}'),
            st.just(b'{"1": ["variables.nothing.deeper"]}'),
            st.just(b'{"1": ["variables"]}'),
            st.just(b'{"1": "variables.file"}'),
        ),
        st.binary(max_size=64),
    ),
    st.just(multipart([("map", None, b"{}")])),
    st.just(multipart([("operations", None, operations({"file": None, "contentLength": 1}))])),
    st.just(b'--fuzzb\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{'),  # cut short
)


@SETTINGS
@given(content=multipart_bodies, boundary=st.sampled_from(["fuzzb", "other", ""]))
def test_broken_multipart_uploads_are_refused_cleanly(content: bytes, boundary: str) -> None:
    async def body(emu: Emulator, http: httpx.AsyncClient, ids: list[str]) -> None:
        content_type = "multipart/form-data" + (f"; boundary={boundary}" if boundary else "")
        await post_and_check(emu, http, content=content, content_type=content_type)

    on_emulator(body)


def test_the_digest_sees_a_change() -> None:
    """The state check can fail: a request that is applied changes the digest."""

    async def body(emu: Emulator, http: httpx.AsyncClient, ids: list[str]) -> None:
        before = digest(emu)
        content = json.dumps(
            {
                "query": "mutation($n: String!) { createDataset(data: {name: $n}) { id } }",
                "variables": {"n": "x"},
            }
        ).encode()
        response = await post_and_check(emu, http, content=content, content_type="application/json")
        assert "errors" not in response.json()
        assert digest(emu) != before

    on_emulator(body)
