"""Correctness at the edges of ``aiolabel ingest``: a batch over half full, two runs at once, a
lone surrogate, an endless line, a manifest with nothing to ingest, an unterminated CSV quote."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import anyio
import pytest

from aiolabel import AsyncClient
from aiolabel.ingest import IngestResult, ingest
from aiolabel.ingest import _pipeline as pipeline
from aiolabel.ingest._manifest import MAX_LINE_BYTES, LineError, read_manifest

from .conftest import Cli, ServerState, rows, write_ndjson

# -- (a) completing a batch more than half full --


async def test_a_batch_more_than_half_full_is_completed(
    tmp_path: Path, client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "MAX_BATCH_ROWS", 10)
    manifest = tmp_path / "m.ndjson"
    write_ndjson(manifest, rows(6, batch=lambda i: "grp", metadata=False))
    assert (await ingest(client, manifest)).ok

    write_ndjson(manifest, rows(9, batch=lambda i: "grp", metadata=False))
    again = await ingest(client, manifest)

    assert again.ok, again.failures
    assert again.summary.rows_batched == 3
    assert again.summary.rows_already_batched == 6
    assert ServerState(tmp_path / "emulator.sqlite3").batches("m") == {"grp": 9}


async def test_a_full_batch_refuses_only_the_rows_beyond_its_room(
    tmp_path: Path, client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "MAX_BATCH_ROWS", 10)
    manifest = tmp_path / "m.ndjson"
    write_ndjson(manifest, rows(4, batch=lambda i: "grp", metadata=False))
    assert (await ingest(client, manifest)).ok
    monkeypatch.setattr(pipeline, "MAX_BATCH_ROWS", 6)  # the batch now has room for 2 more

    write_ndjson(manifest, rows(6, batch=lambda i: "grp", metadata=False))
    again = await ingest(client, manifest)

    assert again.summary.rows_batched == 2
    assert again.failures_total == 0
    assert ServerState(tmp_path / "emulator.sqlite3").batches("m") == {"grp": 6}


# -- (b) two runs of one manifest at once --


async def test_two_runs_at_once_create_nothing_twice(tmp_path: Path, client: AsyncClient) -> None:
    items = rows(300, batch=lambda i: "b" if i % 3 == 0 else None)
    manifest = write_ndjson(tmp_path / "m.ndjson", items)
    said: list[str] = []
    results: list[IngestResult] = []

    async def one() -> None:
        results.append(await ingest(client, manifest, message=said.append))

    async with anyio.create_task_group() as group:
        group.start_soon(one)
        group.start_soon(one)

    assert all(r.ok for r in results), [r.failures for r in results]
    state = ServerState(tmp_path / "emulator.sqlite3")
    assert state.datasets() == ["m"]
    assert list(state.projects()) == ["m"]
    assert state.keys() == {item["global_key"]: 1 for item in items}
    assert sum(state.batches("m").values()) == 300
    assert any("waiting for it to finish" in text for text in said)
    assert sorted(r.summary.rows_created for r in results) == [0, 300]


# -- (c) a lone surrogate --


@pytest.mark.parametrize("field", ["row_data", "global_key", "external_id", "metadata"])
async def test_a_lone_surrogate_fails_its_line_only(
    tmp_path: Path, client: AsyncClient, field: str
) -> None:
    bad = {"row_data": "https://cdn.example.com/ok.jpg", "global_key": "sur-1"}
    if field == "metadata":
        bad["metadata"] = {"tag": "a\udc00b"}  # type: ignore[assignment]
    elif field == "row_data":
        bad["row_data"] = "https://cdn.example.com/\udc00.jpg"
    else:
        bad[field] = "sur-\ud800-1"
    manifest = tmp_path / "m.ndjson"
    manifest.write_text(
        json.dumps(bad) + "\n" + json.dumps(rows(1, prefix="ok")[0]) + "\n", encoding="ascii"
    )

    result = await ingest(client, manifest)

    assert [(f.line, f.stage) for f in result.failures] == [(1, "read")]
    assert "lone surrogate" in result.failures[0].reason
    assert ServerState(tmp_path / "emulator.sqlite3").keys() == {"ok-00000": 1}


async def test_the_emulator_refuses_a_lone_surrogate_row_by_row(client: AsyncClient) -> None:
    dataset = await client.create_dataset("d", iam_integration=None)
    task = await dataset.create_data_rows(
        [
            {"row_data": "https://cdn.example.com/\udc00.jpg", "global_key": "bad-1"},
            {"row_data": "https://cdn.example.com/good.jpg", "global_key": "good-1"},
        ]
    )
    await task.wait_till_done()
    created = [row["global_key"] async for row in task.result()]
    errors = [error async for error in task.errors()]
    assert created == ["good-1"]
    assert len(errors) == 1
    assert "not valid Unicode" in str(errors[0]["message"])


# -- (d) the line limit is enforced while reading --


def test_an_endless_line_is_refused_without_being_held(tmp_path: Path) -> None:
    path = tmp_path / "one.ndjson"
    big = MAX_LINE_BYTES * 4  # 64 MB without a newline, then a good line
    with open(path, "wb") as out:
        chunk = b"a" * (1024 * 1024)
        for _ in range(big // len(chunk)):
            out.write(chunk)
        out.write(b"\n" + json.dumps(rows(1)[0]).encode() + b"\n")
    script = (
        "import resource, sys\n"
        "from aiolabel.ingest._manifest import read_manifest\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "items = [type(i).__name__ for i in read_manifest(sys.argv[1])]\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(items, (after - before) // 1024)\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=120
    )
    assert ran.returncode == 0, ran.stderr
    kinds, grown_mb = ran.stdout.rsplit(" ", 1)
    assert kinds == "['LineError', 'ManifestRow']"
    assert int(grown_mb) < 40, f"reading grew by {grown_mb} MB"


def test_an_over_long_line_in_csv_is_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    with open(path, "w") as out:
        out.write("row_data,global_key\n")
        out.write("https://x.example/" + "a" * (MAX_LINE_BYTES + 10) + ".jpg,k1\n")
        out.write("https://x.example/b.jpg,k2\n")
    items = list(read_manifest(path))
    assert isinstance(items[0], LineError)
    assert items[0].line == 2
    assert not isinstance(items[1], LineError)
    assert items[1].global_key == "k2"


# -- (e) nothing to ingest: nothing created --


@pytest.mark.parametrize(
    ("name", "content", "exit_code"),
    [
        ("empty.ndjson", "", 0),
        ("blank.ndjson", "\n\n  \n", 0),
        ("header.csv", "row_data,global_key\n", 0),
        ("invalid.ndjson", 'not json\n{"global_key": "x"}\n[1, 2]\n', 1),
        ("gz.ndjson.gz", None, 0),
    ],
)
def test_a_manifest_with_nothing_to_ingest_creates_nothing(
    cli: Cli, tmp_path: Path, name: str, content: str | None, exit_code: int
) -> None:
    path = tmp_path / name
    if content is None:
        path.write_bytes(gzip.compress(b""))
    else:
        path.write_text(content)

    result = cli("ingest", path, "--json")

    assert result.exit_code == exit_code, result.output
    assert "nothing was created" in result.stderr
    doc = json.loads(result.stdout)
    assert doc["summary"]["dataset_id"] is None
    assert doc["summary"]["dataset_created"] is False
    assert doc["summary"]["project_created"] is False
    assert cli.state.datasets() == []
    assert cli.state.projects() == {}


# -- (f) an unterminated CSV quote --


def test_an_unterminated_csv_quote_is_reported_with_its_line(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text(
        "row_data,global_key\n"
        "https://x.example/1.jpg,q1\n"
        'https://x.example/2.jpg,"q2\n'
        "https://x.example/3.jpg,q3\n"
        "https://x.example/4.jpg,q4\n"
    )

    result = cli("ingest", path, "--json")

    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    (failure,) = doc["failures"]
    assert failure["line"] == 3
    assert "never closed" in failure["reason"]
    assert "lines 3-5" in failure["reason"]
    assert cli.state.keys() == {"q1": 1}
