"""The one chunk runner: streaming chunks, bounded concurrency, order, exact failure reports."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiolabel._concurrency import ChunkCancelled, Chunker, run_chunks
from aiolabel.errors import InputError, InputTypeError, PartialFailureError


async def collect_chunks(chunker: Chunker[Any]) -> list[list[Any]]:
    return [chunk async for chunk in chunker]


@given(st.lists(st.integers()), st.integers(min_value=1, max_value=12))
async def test_every_item_in_exactly_one_chunk_in_order(items: list[int], size: int) -> None:
    chunks = await collect_chunks(Chunker(iter(items), size))
    assert [x for chunk in chunks for x in chunk] == items
    assert all(1 <= len(chunk) <= size for chunk in chunks)
    assert all(len(chunk) == size for chunk in chunks[:-1])


@given(
    st.lists(st.integers(min_value=0, max_value=30)),
    st.integers(min_value=1, max_value=8),
    st.integers(min_value=1, max_value=40),
)
async def test_weighted_chunks_respect_both_limits(items: list[int], size: int, limit: int) -> None:
    chunks = await collect_chunks(Chunker(items, size, weight=lambda x: x, max_weight=limit))
    assert [x for chunk in chunks for x in chunk] == items
    for chunk in chunks:
        assert 1 <= len(chunk) <= size
        # only a single item heavier than the limit may exceed it, alone
        assert sum(chunk) <= limit or len(chunk) == 1


@settings(max_examples=50)
@given(
    st.lists(st.integers(), max_size=60),
    st.integers(min_value=1, max_value=7),
    st.integers(min_value=1, max_value=5),
)
async def test_run_chunks_keeps_order_under_concurrency(
    items: list[int], size: int, concurrency: int
) -> None:
    async def op(chunk: list[int]) -> list[int]:
        await anyio.sleep(0.0002 * (3 - chunk[0] % 3))  # later chunks often finish first
        return [x * 2 for x in chunk]

    results = await run_chunks(items, op, chunk_size=size, max_concurrency=concurrency)
    assert [x for r in results for x in r] == [x * 2 for x in items]


async def test_async_iterables_are_streamed_and_concurrency_is_bounded() -> None:
    read = 0
    running = 0
    peak_running = 0
    peak_read_ahead = 0
    done_items = 0

    async def source() -> AsyncIterator[int]:
        nonlocal read, peak_read_ahead
        for i in range(1000):
            read += 1
            peak_read_ahead = max(peak_read_ahead, read - done_items)
            yield i

    async def op(chunk: list[int]) -> int:
        nonlocal running, peak_running, done_items
        running += 1
        peak_running = max(peak_running, running)
        await anyio.sleep(0.001)
        running -= 1
        done_items += len(chunk)
        return sum(chunk)

    results = await run_chunks(source(), op, chunk_size=10, max_concurrency=4)
    assert sum(results) == sum(range(1000))
    assert len(results) == 100
    assert peak_running <= 4
    # never more than the running chunks plus the one being filled were read ahead
    assert peak_read_ahead <= 5 * 10


async def test_progress_reports_items_and_total() -> None:
    seen: list[tuple[int, int | None]] = []

    async def op(chunk: list[int]) -> None:
        return None

    await run_chunks(
        list(range(25)),
        op,
        chunk_size=10,
        max_concurrency=1,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert seen == [(10, 25), (20, 25), (25, 25)]
    seen.clear()

    async def async_progress(done: int, total: int | None) -> None:
        seen.append((done, total))

    await run_chunks(iter(range(5)), op, chunk_size=2, max_concurrency=1, progress=async_progress)
    assert seen == [(2, None), (4, None), (5, None)]


async def test_a_raising_progress_callback_does_not_break_the_job() -> None:
    async def op(chunk: list[int]) -> int:
        return len(chunk)

    def bad(done: int, total: int | None) -> None:
        raise RuntimeError("display broke")

    assert await run_chunks(range(5), op, chunk_size=2, max_concurrency=2, progress=bad) == [
        2,
        2,
        1,
    ]


async def test_partial_failure_finishes_the_rest_and_reports_exactly() -> None:
    async def op(chunk: list[int]) -> str:
        if 7 in chunk or 23 in chunk:
            raise ValueError(f"bad chunk {chunk[0]}")
        return f"ok {chunk[0]}"

    with pytest.raises(PartialFailureError) as info:
        await run_chunks(range(30), op, chunk_size=5, max_concurrency=3)
    err = info.value
    assert [f.index for f in err.failures] == [1, 4]
    assert err.failed_items == [5, 6, 7, 8, 9, 20, 21, 22, 23, 24]
    assert all(isinstance(f.error, ValueError) for f in err.failures)
    assert [(s.index, s.start, s.size) for s in err.succeeded] == [
        (0, 0, 5),
        (2, 10, 5),
        (3, 15, 5),
        (5, 25, 5),
    ]
    assert err.results == ["ok 0", "ok 10", "ok 15", "ok 25"]
    assert err.input_exhausted
    assert err.not_started == []
    assert isinstance(err.__cause__, ValueError)
    # nothing dropped: failed + succeeded cover the input exactly
    covered = sorted(
        err.failed_items + [i for s in err.succeeded for i in range(s.start, s.start + s.size)]
    )
    assert covered == list(range(30))


async def test_cancel_on_error_stops_cleanly_and_accounts_for_every_item() -> None:
    started: list[int] = []

    async def op(chunk: list[int]) -> int:
        started.append(chunk[0])
        if chunk[0] == 4:
            await anyio.sleep(0.01)
            raise RuntimeError("fatal")
        await anyio.sleep(10)  # would run long: must be cancelled
        return chunk[0]

    consumed = 0

    def items() -> Iterator[int]:
        nonlocal consumed
        for i in range(1000):
            consumed += 1
            yield i

    with anyio.fail_after(5):
        with pytest.raises(PartialFailureError) as info:
            await run_chunks(items(), op, chunk_size=2, max_concurrency=3, on_error="cancel")
    err = info.value
    failed = {f.index: f for f in err.failures}
    assert isinstance(failed[2].error, RuntimeError)
    assert failed[2].items == [4, 5]
    cancelled = [f for f in err.failures if isinstance(f.error, ChunkCancelled)]
    assert {f.index for f in cancelled} == {0, 1}
    assert err.succeeded == []
    assert not err.input_exhausted
    accounted = sorted(err.failed_items + [i for c in err.not_started for i in c])
    assert accounted == list(range(consumed))
    assert consumed < 20


async def test_an_input_that_raises_midway_stops_the_job_cleanly() -> None:
    def items() -> Iterator[int]:
        yield from range(7)
        raise OSError("disk went away")

    async def op(chunk: list[int]) -> int:
        return sum(chunk)

    with pytest.raises(PartialFailureError) as info:
        await run_chunks(items(), op, chunk_size=3, max_concurrency=2)
    err = info.value
    assert isinstance(err.input_error, OSError)
    assert isinstance(err.__cause__, OSError)
    assert err.failures == []
    assert [(s.start, s.size, s.result) for s in err.succeeded] == [(0, 3, 3), (3, 3, 12)]
    assert err.not_started == [[6]]
    assert not err.input_exhausted
    assert "disk went away" in str(err)


async def test_an_async_input_that_raises_midway() -> None:
    async def items() -> AsyncIterator[int]:
        for i in range(4):
            yield i
        raise RuntimeError("upstream closed")

    async def op(chunk: list[int]) -> int:
        return len(chunk)

    with pytest.raises(PartialFailureError) as info:
        await run_chunks(items(), op, chunk_size=2, max_concurrency=1)
    assert [s.size for s in info.value.succeeded] == [2, 2]
    assert info.value.not_started == []


async def test_empty_input_runs_nothing() -> None:
    async def op(chunk: list[int]) -> int:
        raise AssertionError("no chunk expected")

    assert await run_chunks([], op, chunk_size=5, max_concurrency=2) == []


async def test_outer_cancellation_propagates() -> None:
    async def op(chunk: list[int]) -> int:
        await anyio.sleep(10)
        return 0

    with anyio.move_on_after(0.05) as scope:
        await run_chunks(range(100), op, chunk_size=1, max_concurrency=4)
    assert scope.cancelled_caught


@pytest.mark.parametrize(
    ("kw", "error"),
    [
        ({"chunk_size": 0}, InputError),
        ({"chunk_size": "5"}, InputTypeError),
        ({"chunk_size": True}, InputTypeError),
        ({"max_concurrency": 0}, InputError),
        ({"on_error": "ignore"}, InputError),
        ({"max_weight": 10}, InputError),
    ],
)
async def test_bad_arguments_are_refused_before_running(kw: dict[str, Any], error: type) -> None:
    calls = 0

    async def op(chunk: list[int]) -> None:
        nonlocal calls
        calls += 1

    args: dict[str, Any] = {"chunk_size": 2, "max_concurrency": 2, **kw}
    with pytest.raises(error):
        await run_chunks([1, 2, 3], op, **args)
    assert calls == 0


@pytest.mark.parametrize("items", ["abc", b"abc", 5, None])
async def test_non_iterables_and_strings_are_refused(items: Any) -> None:
    async def op(chunk: list[Any]) -> None:
        return None

    with pytest.raises(InputTypeError):
        await run_chunks(items, op, chunk_size=2, max_concurrency=1)


async def test_the_client_caps_per_call_concurrency(make_client: Any) -> None:
    client = make_client(max_concurrency=3)
    running = peak = 0

    async def op(chunk: list[int]) -> int:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await anyio.sleep(0.001)
        running -= 1
        return chunk[0]

    assert await client._run_chunks(range(20), op, chunk_size=1, max_concurrency=10) == list(
        range(20)
    )
    assert peak <= 3
    peak = 0
    await client._run_chunks(range(20), op, chunk_size=1, max_concurrency=2)
    assert peak <= 2
