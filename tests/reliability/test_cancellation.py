"""Cancellation: an ingest cancelled at a random request (20 seeded points, before the request is
sent or after the server applied it and before the answer is read), then resumed with a new
client, ends exactly as an uninterrupted run; and after each client closes, nothing it started
is left running.

A point names a request by its operation and occurrence ("the 2nd createBatchV2PyApi"), not
by its position: how many times a task is polled depends on timing, so positions shift from run
to run. Polls are cut only at their first occurrence, which every run makes."""

from __future__ import annotations

import asyncio
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from aiolabel import AsyncClient
from aiolabel.emulator import Emulator
from aiolabel.ingest import IngestOptions, ingest

ROWS = 1_500
"""Above 1,000: the upsert and the fill of the larger batch run as background tasks."""
POINTS = 20
SEED = 20240607
POLLS = frozenset(
    {
        "GetUserCreatedTasksPyApi",
        "getDataRowsForGlobalKeysResultPyApi",
        "CheckAllDataRowsHaveBeenProcessedPyApi",
    }
)
"""Operations repeated until the server's work is done: their count depends on timing."""
_OPERATION = re.compile(r"\b(?:query|mutation)\s+(\w+)")

Point = tuple[str, int]
"""An operation name (``upload`` for a streamed multipart request) and its occurrence, from 1."""


def operation(request: httpx.Request) -> str:
    if not isinstance(request.stream, httpx.ByteStream):
        return "upload"
    try:
        match = _OPERATION.search(json.loads(request.content)["query"])
    except (ValueError, KeyError, TypeError):
        return f"{request.method} {request.url.path}"
    return match.group(1) if match else "anonymous"


def manifest_rows() -> Iterator[dict[str, Any]]:
    for i in range(ROWS):
        row: dict[str, Any] = {
            "row_data": f"https://cdn.example.com/c/{i:05d}.jpg",
            "global_key": f"c-{i:05d}",
        }
        if i % 7:
            row["priority"] = 1 + i % 5
        if i % 4 == 0:
            row["batch"] = "quarter"
        yield row


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cancel") / "c.ndjson"
    path.write_text("".join(json.dumps(row) + "\n" for row in manifest_rows()))
    return path


class CancelAt(httpx.AsyncBaseTransport):
    """Forwards to the emulator, recording each request's :data:`Point`; at the point ``at``
    cancels ``scope``, either before the request is sent or after its answer came back (the
    server applied it; the answer is lost)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, at: Point | None, after: bool) -> None:
        self.inner, self.at, self.after = inner, at, after
        self.seen: list[Point] = []
        self._counts: dict[str, int] = {}
        self.scope: anyio.CancelScope | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        name = operation(request)
        self._counts[name] = self._counts.get(name, 0) + 1
        self.seen.append((name, self._counts[name]))
        hit = self.seen[-1] == self.at and self.scope is not None
        if hit and not self.after:
            assert self.scope is not None
            self.scope.cancel()
            await anyio.lowlevel.checkpoint()
        response = await self.inner.handle_async_request(request)
        if hit:
            await response.aread()
            assert self.scope is not None
            self.scope.cancel()
            await anyio.lowlevel.checkpoint()
        return response


def server_state(emu: Emulator) -> dict[str, Any]:
    """Everything the ingest decides, read from the emulator's store."""
    with emu.state.store.reading() as conn:
        keys = conn.execute(
            "SELECT global_key, count(*) FROM data_rows WHERE deleted = 0 GROUP BY global_key"
        ).fetchall()
        placed = conn.execute(
            "SELECT d.global_key, b.name, p.lpo_priority FROM project_data_rows p"
            " JOIN data_rows d ON d.id = p.data_row_id JOIN batches b ON b.id = p.batch_id"
        ).fetchall()
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("datasets", "projects", "batches", "project_data_rows")
        }
    return {
        "keys": {key: n for key, n in keys},
        "placed": sorted(tuple(r) for r in placed),
        "counts": counts,
    }


def background_tasks() -> set[asyncio.Task[Any]]:
    current = asyncio.current_task()
    return {t for t in asyncio.all_tasks() if t is not current and not t.done()}


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def run(emu: Emulator, manifest: Path, transport: httpx.AsyncBaseTransport) -> Any:
    before = background_tasks()
    async with AsyncClient(
        api_key=emu.api_key, endpoint=emu.endpoint, transport=transport, max_retries=2
    ) as client:
        result = await ingest(client, manifest, IngestOptions())
    await settle()
    assert background_tasks() - before == set()
    return result


@pytest.fixture(scope="module")
def reference(manifest: Path) -> tuple[dict[str, Any], list[Point]]:
    """The uninterrupted run's end state, and the requests it made."""

    async def uninterrupted() -> tuple[dict[str, Any], list[Point]]:
        async with Emulator() as emu:
            recorder = CancelAt(emu.transport, at=None, after=False)
            result = await run(emu, manifest, recorder)
            assert result.ok
            emu.wait_for_jobs()
            return server_state(emu), recorder.seen

    return asyncio.run(uninterrupted())


def points(seen: list[Point]) -> list[tuple[Point, bool]]:
    """``POINTS`` distinct (request, after the answer?) pairs, seeded, among the requests every
    run makes: all but the repeats of a poll."""
    stable = [p for p in seen if p[0] not in POLLS or p[1] == 1]
    pairs = [(at, after) for at in stable for after in (False, True)]
    return random.Random(SEED).sample(pairs, min(POINTS, len(pairs)))


def test_points_cover_the_run(reference: tuple[dict[str, Any], list[Point]]) -> None:
    """The points reach the end of the run and avoid the repeated polls."""
    _, seen = reference
    chosen = points(seen)
    assert len(set(chosen)) == POINTS
    assert all(name not in POLLS or k == 1 for (name, k), _ in chosen)
    assert len({name for (name, _), _ in chosen}) >= 8, chosen


@pytest.mark.slow
@pytest.mark.parametrize("point", range(POINTS))
async def test_cancelled_then_resumed_ends_as_uninterrupted(
    manifest: Path, reference: tuple[dict[str, Any], list[Point]], point: int
) -> None:
    expected, seen = reference
    at, after = points(seen)[point]
    async with Emulator() as emu:
        cutter = CancelAt(emu.transport, at=at, after=after)
        before = background_tasks()
        with anyio.CancelScope() as scope:
            cutter.scope = scope
            async with AsyncClient(
                api_key=emu.api_key, endpoint=emu.endpoint, transport=cutter, max_retries=2
            ) as client:
                await ingest(client, manifest, IngestOptions())
        assert scope.cancelled_caught, f"{at} was never reached; the run made {cutter.seen}"
        await settle()
        assert background_tasks() - before == set(), "the cancelled client left tasks running"

        result = await run(emu, manifest, emu.transport)

        assert result.ok, result.failures[:5]
        emu.wait_for_jobs()
        assert server_state(emu) == expected
