"""The one paginator: offset and cursor pages, prefetch, at most two pages held."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
import respx

from aiolabel._operations import Operation
from aiolabel.errors import InputError, InputTypeError, LabelboxError
from aiolabel.pagination import CursorPaginator, OffsetPaginator

from .conftest import ENDPOINT, gql_body


class Server:
    """A fake collection of ``n`` items answering offset and cursor page queries."""

    def __init__(self, n: int) -> None:
        self.items = [{"id": f"i{k}"} for k in range(n)]
        self.calls: list[dict[str, Any]] = []
        self.fail_at: int | None = None

    async def offset(self, variables: dict[str, Any]) -> dict[str, Any]:
        self.calls.append(variables)
        await asyncio.sleep(0)
        if self.fail_at is not None and len(self.calls) == self.fail_at:
            raise LabelboxError("page failed")
        skip, first = variables["skip"], variables["first"]
        return {"project": {"things": self.items[skip : skip + first]}}

    async def cursor(self, variables: dict[str, Any]) -> dict[str, Any]:
        self.calls.append(variables)
        await asyncio.sleep(0)
        start = int(variables["from"] or 0)
        first = variables["first"]
        nodes = self.items[start : start + first]
        end = start + len(nodes)
        more = end < len(self.items)
        return {
            "c": {
                "nodes": nodes,
                "pageInfo": {"endCursor": str(end) if more else None, "hasNextPage": more},
            }
        }


def ident(node: dict[str, Any]) -> str:
    return str(node["id"])


async def test_offset_pages_use_variables_and_stop_on_a_short_page() -> None:
    server = Server(250)
    pages = OffsetPaginator(server.offset, {"projectId": "p"}, ["project", "things"], ident)
    assert await pages.to_list() == [f"i{k}" for k in range(250)]
    assert server.calls == [
        {"projectId": "p", "skip": 0, "first": 100},
        {"projectId": "p", "skip": 100, "first": 100},
        {"projectId": "p", "skip": 200, "first": 100},
    ]


async def test_offset_exact_multiple_costs_one_empty_page() -> None:
    server = Server(200)
    pages = OffsetPaginator(server.offset, None, ["project", "things"], ident)
    assert len(await pages.to_list()) == 200
    assert [c["skip"] for c in server.calls] == [0, 100, 200]


async def test_offset_null_collection_is_empty() -> None:
    async def fetch(variables: dict[str, Any]) -> dict[str, Any]:
        return {"project": None}

    assert await OffsetPaginator(fetch, None, ["project", "things"], ident).to_list() == []


async def test_cursor_pages_follow_the_cursor_path() -> None:
    server = Server(25)
    pages = CursorPaginator(
        server.cursor,
        {"id": "ds"},
        ["c", "nodes"],
        ["c", "pageInfo", "endCursor"],
        ident,
        page_size=10,
    )
    assert await pages.to_list() == [f"i{k}" for k in range(25)]
    assert server.calls == [
        {"id": "ds", "from": None, "first": 10},
        {"id": "ds", "from": "10", "first": 10},
        {"id": "ds", "from": "20", "first": 10},
    ]


async def test_cursor_honours_has_next_page_false() -> None:
    calls = 0

    async def fetch(variables: dict[str, Any]) -> dict[str, Any]:
        nonlocal calls
        calls += 1
        return {
            "c": {"nodes": [{"id": "a"}], "pageInfo": {"endCursor": "more?", "hasNextPage": False}}
        }

    pages = CursorPaginator(
        fetch,
        None,
        ["c", "nodes"],
        ["c", "pageInfo", "endCursor"],
        ident,
        has_next_path=["c", "pageInfo", "hasNextPage"],
    )
    assert await pages.to_list() == ["a"]
    assert calls == 1


async def test_cursor_without_has_next_stops_on_falsy_cursor_or_empty_page() -> None:
    answers = [
        {"c": {"nodes": [{"id": "a"}], "after": "x"}},
        {"c": {"nodes": [{"id": "b"}], "after": ""}},
    ]

    async def fetch(variables: dict[str, Any]) -> dict[str, Any]:
        return answers.pop(0)

    pages = CursorPaginator(fetch, None, ["c", "nodes"], ["c", "after"], ident)
    assert await pages.to_list() == ["a", "b"]

    async def empty_page(variables: dict[str, Any]) -> dict[str, Any]:
        return {"c": {"nodes": [], "after": "still-a-cursor"}}

    assert (
        await CursorPaginator(empty_page, None, ["c", "nodes"], ["c", "after"], ident).to_list()
        == []
    )


async def test_a_repeated_cursor_raises_instead_of_looping() -> None:
    async def fetch(variables: dict[str, Any]) -> dict[str, Any]:
        return {"c": {"nodes": [{"id": "a"}], "after": "same"}}

    pages = CursorPaginator(fetch, None, ["c", "nodes"], ["c", "after"], ident)
    assert await pages.get_one() == "a"
    with pytest.raises(LabelboxError, match="same cursor"):
        await pages.to_list()


async def test_prefetch_starts_while_the_current_page_is_consumed() -> None:
    server = Server(300)
    pages = OffsetPaginator(server.offset, None, ["project", "things"], ident)
    assert await pages.get_one() == "i0"
    await asyncio.sleep(0.01)  # let the prefetch run while we "work" on item i0
    assert len(server.calls) == 2
    assert server.calls[1]["skip"] == 100
    await pages.aclose()


async def test_at_most_two_pages_are_held() -> None:
    server = Server(1000)
    pages = OffsetPaginator(server.offset, None, ["project", "things"], ident, page_size=10)
    consumed = 0
    worst = 0
    async for _ in pages:
        consumed += 1
        await asyncio.sleep(0)  # a slow consumer gives the prefetch every chance to run ahead
        await asyncio.sleep(0)
        pages_started = (consumed + 9) // 10  # the page the current item came from
        worst = max(worst, pages.pages_fetched - pages_started + 1)
        assert len(pages._items) <= 10
    assert consumed == 1000
    assert worst == 2
    assert pages._items == []  # no history kept


async def test_without_prefetch_pages_are_fetched_on_demand() -> None:
    server = Server(30)
    pages = OffsetPaginator(
        server.offset, None, ["project", "things"], ident, page_size=10, prefetch=False
    )
    await pages.get_many(10)
    await asyncio.sleep(0.01)
    assert len(server.calls) == 1


async def test_get_one_get_many_to_list_consume_in_order() -> None:
    server = Server(12)
    pages = OffsetPaginator(server.offset, None, ["project", "things"], ident, page_size=5)
    assert await pages.get_one() == "i0"
    assert await pages.get_many(3) == ["i1", "i2", "i3"]
    assert await pages.get_many(0) == []
    assert await pages.to_list() == [f"i{k}" for k in range(4, 12)]
    assert await pages.get_one() is None
    assert await pages.get_many(5) == []


async def test_a_failing_page_raises_when_it_is_reached() -> None:
    server = Server(300)
    server.fail_at = 2
    pages = OffsetPaginator(server.offset, None, ["project", "things"], ident)
    first_page = await pages.get_many(100)
    assert len(first_page) == 100
    with pytest.raises(LabelboxError, match="page failed"):
        await pages.get_one()


async def test_aclose_cancels_the_prefetch() -> None:
    started = asyncio.Event()

    async def fetch(variables: dict[str, Any]) -> dict[str, Any]:
        if variables["skip"]:
            started.set()
            await asyncio.sleep(3600)
        return {"p": {"t": [{"id": str(k)} for k in range(100)]}}

    async with OffsetPaginator(fetch, None, ["p", "t"], ident) as pages:
        await pages.get_one()
        await started.wait()
        task = pages._task
        assert task is not None
    assert task.cancelled()
    assert await pages.get_one() is None


@pytest.mark.parametrize(
    ("kw", "error"),
    [
        ({"path": "project.things"}, InputTypeError),
        ({"path": []}, InputError),
        ({"page_size": 0}, InputError),
        ({"page_size": 10.0}, InputTypeError),
        ({"variables": [1]}, InputTypeError),
    ],
)
def test_bad_paginator_arguments(kw: dict[str, Any], error: type) -> None:
    args: dict[str, Any] = {"variables": None, "path": ["a"], **kw}
    with pytest.raises(error):
        OffsetPaginator(Server(0).offset, args.pop("variables"), args.pop("path"), ident, **args)


async def test_get_many_refuses_bad_counts() -> None:
    pages = OffsetPaginator(Server(3).offset, None, ["project", "things"], ident)
    with pytest.raises(InputError):
        await pages.get_many(-1)
    with pytest.raises(InputTypeError):
        await pages.get_many("2")  # type: ignore[arg-type]


LIST_OP = Operation(
    name="GetThingsPyApi",
    document=(
        "query GetThingsPyApi($skip: Int, $first: Int) "
        "{ things(skip: $skip, first: $first) { id } }"
    ),
)


@respx.mock
async def test_client_offset_paginator_sends_variables_and_header(make_client: Any) -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        variables = gql_body(request)["variables"]
        skip = variables["skip"]
        n = max(0, min(2, 3 - skip))
        return httpx.Response(200, json={"data": {"things": [{"id": skip + k} for k in range(n)]}})

    route = respx.post(ENDPOINT).mock(side_effect=respond)
    client = make_client()
    pages = client._paginate_offset(
        LIST_OP, {}, ("things",), lambda n: n["id"], sdk_method="Client:get_things", page_size=2
    )
    assert await pages.to_list() == [0, 1, 2]
    assert [gql_body(c.request)["variables"] for c in route.calls] == [
        {"skip": 0, "first": 2},
        {"skip": 2, "first": 2},
    ]
    assert {c.request.headers["x-sdk-method"] for c in route.calls} == {"Client:get_things"}
    assert all(LIST_OP.document == gql_body(c.request)["query"] for c in route.calls)


@respx.mock
async def test_client_cursor_paginator(make_client: Any) -> None:
    answers = iter(
        [
            {"ds": {"nodes": [{"id": 1}], "pageInfo": {"hasNextPage": True, "startCursor": "c1"}}},
            {"ds": {"nodes": [{"id": 2}], "pageInfo": {"hasNextPage": False, "startCursor": "c2"}}},
        ]
    )
    route = respx.post(ENDPOINT).mock(
        side_effect=lambda r: httpx.Response(200, json={"data": next(answers)})
    )
    op = Operation(name="D", document="query D($from: ID, $first: Int) { ds { id } }")
    pages = make_client()._paginate_cursor(
        op,
        {"id": "x"},
        nodes_path=("ds", "nodes"),
        cursor_path=("ds", "pageInfo", "startCursor"),
        has_next_path=("ds", "pageInfo", "hasNextPage"),
        parse=lambda n: n["id"],
        sdk_method="Dataset:data_rows",
        page_size=500,
    )
    assert await pages.to_list() == [1, 2]
    assert [gql_body(c.request)["variables"] for c in route.calls] == [
        {"id": "x", "from": None, "first": 500},
        {"id": "x", "from": "c1", "first": 500},
    ]
