"""The descriptor chunker: every spec in exactly one chunk, order kept, chunks within the bound."""

from __future__ import annotations

import json
import os
import tempfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiolabel._bulk.descriptors import DescriptorChunk, DescriptorChunker
from aiolabel.errors import InputError


def _specs(sizes: list[int]) -> list[bytes]:
    """Serialised specs of the given payload lengths, each naming its position."""
    return [
        json.dumps({"id": i, "payload": "x" * n}, separators=(",", ":")).encode()
        for i, n in enumerate(sizes)
    ]


def _run(specs: list[bytes], max_bytes: int, per_task: int) -> list[DescriptorChunk]:
    """The chunks of ``specs``, in memory; the same chunks spooled to files are checked to hold
    the same bytes (and to hold nothing in memory)."""
    chunker = DescriptorChunker(max_bytes, per_task)
    chunks = [c for s in specs for c in chunker.add(s)]
    last = chunker.close()
    if last is not None:
        chunks.append(last)
    assert chunker.pending == (len(specs), 0)
    with tempfile.TemporaryDirectory() as spool:
        spooler = DescriptorChunker(max_bytes, per_task, spool_dir=spool)
        spooled = [c for s in specs for c in spooler.add(s)]
        last = spooler.close()
        if last is not None:
            spooled.append(last)
        assert len(os.listdir(spool)) == len(spooled)
        for memory, file in zip(chunks, spooled, strict=True):
            assert file.body == b""
            assert file.path is not None
            assert file.read() == memory.read() == memory.body
            assert (file.index, file.task, file.start, file.count, file.last_in_task) == (
                memory.index,
                memory.task,
                memory.start,
                memory.count,
                memory.last_in_task,
            )
            file.discard()
        assert os.listdir(spool) == []
    return chunks


@settings(max_examples=300, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=0, max_value=300), max_size=60),
    max_bytes=st.integers(min_value=2, max_value=1200),
    per_task=st.integers(min_value=1, max_value=25),
)
def test_every_spec_once_in_order_within_bounds(
    sizes: list[int], max_bytes: int, per_task: int
) -> None:
    specs = _specs(sizes)
    chunks = _run(specs, max_bytes, per_task)
    decoded = [json.loads(c.body) for c in chunks]
    flat = [item["id"] for body in decoded for item in body]
    assert flat == list(range(len(specs)))  # every item exactly once, in input order
    position = 0
    for index, (chunk, body) in enumerate(zip(chunks, decoded, strict=True)):
        assert chunk.index == index
        assert chunk.start == position
        assert chunk.count == len(body) >= 1
        position += chunk.count
        if len(chunk.body) > max_bytes:  # only a single spec may pass the bound
            assert chunk.count == 1
            assert len(specs[chunk.start]) + 2 > max_bytes
    # tasks: consecutive, each at most per_task items, a chunk never spans two
    per = {}
    for chunk in chunks:
        per[chunk.task] = per.get(chunk.task, 0) + chunk.count
    assert sorted(per) == list(range(len(per)))
    assert all(n <= per_task for n in per.values())
    assert all(n == per_task for t, n in per.items() if t < len(per) - 1)
    assert [c.last_in_task for c in chunks] == [
        i == len(chunks) - 1 or chunks[i + 1].task != c.task for i, c in enumerate(chunks)
    ]


def test_a_chunk_closes_before_the_spec_that_would_pass_the_bound() -> None:
    specs = [b'"' + b"a" * 8 + b'"'] * 5  # 10 bytes each, joined by ", " as json.dumps does
    chunks = _run(specs, max_bytes=36, per_task=100)  # three specs: 2 + 30 + 2 * 2 = 36
    assert [c.count for c in chunks] == [3, 2]
    assert len(chunks[0].body) == 36
    assert chunks[0].body == json.dumps(["a" * 8] * 3).encode()
    assert json.loads(chunks[1].body) == ["a" * 8] * 2


def test_an_oversized_spec_is_a_chunk_of_its_own() -> None:
    specs = [b"1", b'"' + b"b" * 50 + b'"', b"2"]
    chunks = _run(specs, max_bytes=10, per_task=100)
    assert [json.loads(c.body) for c in chunks] == [[1], ["b" * 50], [2]]


def test_task_boundary_closes_a_chunk_and_marks_it_last() -> None:
    chunks = _run([b"1"] * 7, max_bytes=10_000, per_task=3)
    assert [(c.task, c.count, c.last_in_task) for c in chunks] == [
        (0, 3, True),
        (1, 3, True),
        (2, 1, True),
    ]


def test_a_spec_can_close_a_full_buffer_and_its_task_at_once() -> None:
    chunker = DescriptorChunker(max_bytes=6, items_per_task=2)
    assert chunker.add(b"11") == ()
    first, second = chunker.add(b"22")
    assert (first.body, first.last_in_task, second.body, second.last_in_task) == (
        b"[11]",
        False,
        b"[22]",
        True,
    )


def test_nothing_added_gives_no_chunk() -> None:
    assert DescriptorChunker(100, 10).close() is None


@pytest.mark.parametrize(("max_bytes", "per_task"), [(1, 10), (10, 0)])
def test_bounds_are_checked(max_bytes: int, per_task: int) -> None:
    with pytest.raises(InputError):
        DescriptorChunker(max_bytes, per_task)
