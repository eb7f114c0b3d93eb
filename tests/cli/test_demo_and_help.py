"""``aiolabel demo``, the demo's verification, the help texts, and Ctrl-C on a real process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from aiolabel.ingest import _demo
from aiolabel.ingest._manifest import ManifestRow, read_manifest

from .conftest import Cli, ServerState, rows, write_ndjson


def test_demo_ingests_exports_and_verifies(cli: Cli) -> None:
    result = cli("demo", "--rows", "1500")

    assert result.exit_code == 0, result.output
    assert "Verified by export: all 1,500 rows exactly once" in result.stdout
    state = ServerState(cli.data_dir / "demo.sqlite3")
    assert len(state.keys()) == 1500
    batches = state.batches("aiolabel demo")
    assert set(batches) == {"demo-0000", "demo-review", "demo-night"}
    assert sum(batches.values()) == 1500
    placements = state.placements("aiolabel demo")
    expected = _demo.Expected(1500, _demo.BATCH_PREFIX, _demo.DEFAULT_BATCH_PRIORITY)
    for i in (0, 3, 5, 6, 1499):
        key = _demo.KEY_FORMAT.format(i)
        assert (placements[key].batch, placements[key].priority) == expected.of(i)


def test_demo_starts_afresh_and_prints_json(cli: Cli) -> None:
    assert cli("demo", "--rows", "40").exit_code == 0
    result = cli("demo", "--rows", "30", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["verification"]["verified"] is True
    assert doc["verification"]["exported"] == 30
    assert doc["summary"]["rows_created"] == 30  # a fresh store, not the 40 rows before
    assert len(ServerState(cli.data_dir / "demo.sqlite3").keys()) == 30


def test_demo_manifest_is_valid_and_realistic(tmp_path: Path) -> None:
    path = tmp_path / "demo.ndjson"
    _demo.write_manifest(path, 200)
    parsed = list(read_manifest(path))
    assert all(isinstance(r, ManifestRow) for r in parsed)
    good = [r for r in parsed if isinstance(r, ManifestRow)]
    assert len({r.global_key for r in good}) == 200
    assert all(r.row_data.startswith("https://") and r.row_data.endswith(".jpg") for r in good)
    assert {name for r in good for _, name, _ in r.metadata} == {"tag", "split", "captureDateTime"}
    assert any(r.attachments for r in good)
    assert {r.batch for r in good} == {None, "demo-review", "demo-night"}
    assert any(r.priority is None for r in good)
    assert {r.priority for r in good if r.priority is not None} == set(range(1, 11))


async def _lines(items: list[dict[str, Any]]) -> AsyncIterator[dict[str, Any]]:
    for item in items:
        yield item


def _exported(i: int, batch: str, priority: int, project: str = "p") -> dict[str, Any]:
    return {
        "data_row": {"id": f"id{i}", "global_key": _demo.KEY_FORMAT.format(i)},
        "projects": {project: {"project_details": {"batch_name": batch, "priority": priority}}},
    }


async def test_verification_finds_each_kind_of_difference() -> None:
    want = _demo.Expected(6, _demo.BATCH_PREFIX, 5)
    right = [_exported(i, *want.of(i)) for i in range(6)]
    assert (await _demo.verify(_lines(right), "p", 6)).ok

    wrong = [
        right[0],
        right[0],  # duplicated
        _exported(1, "elsewhere", want.of(1)[1]),  # wrong batch
        _exported(2, want.of(2)[0], 99),  # wrong priority
        {"data_row": {"id": "x", "global_key": "stranger"}},  # not in the manifest
        right[4],
        # row 3 and 5 missing
    ]
    checked = await _demo.verify(_lines(wrong), "p", 6)
    assert not checked.ok
    assert (checked.duplicated, checked.wrong_batch, checked.wrong_priority) == (1, 1, 1)
    assert (checked.unexpected, checked.missing) == (1, 2)
    assert any("demo-0000003" in text for text in checked.examples)


@pytest.mark.parametrize(
    "args", [["--help"], ["ingest", "--help"], ["demo", "--help"], ["emulator", "serve", "--help"]]
)
def test_help_has_examples(cli: Cli, args: list[str]) -> None:
    result = cli(*args)
    assert result.exit_code == 0
    assert "Examples:" in result.output
    assert "  aiolabel " in result.output


def test_ingest_help_documents_the_manifest_and_exit_codes(cli: Cli) -> None:
    text = cli("ingest", "--help").output
    for words in ("row_data", "global_key", "metadata.NAME", "Exit codes", "LABELBOX_API_KEY"):
        assert words in text


def test_ctrl_c_exits_130_and_a_rerun_finishes(tmp_path: Path) -> None:
    items = rows(12_000, metadata=False)
    manifest = write_ndjson(tmp_path / "m.ndjson", items)
    env = {
        k: v for k, v in os.environ.items() if k not in ("LABELBOX_API_KEY", "LABELBOX_ENDPOINT")
    }
    env["AIOLABEL_DATA_DIR"] = str(tmp_path / "data")
    command = [sys.executable, "-m", "aiolabel.cli", "ingest", str(manifest), "--emulator"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # interrupt once the run is under way
        line = proc.stderr.readline().decode()
        if "created project" in line or not line:
            break
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)

    if proc.returncode == 130:
        assert "interrupted" in err.decode()
        assert "run the same command again" in err.decode()
    else:  # pragma: no cover - the machine finished 12,000 rows within half a second
        assert proc.returncode == 0, err.decode()

    again = subprocess.run([*command, "--json"], env=env, capture_output=True, timeout=300)

    assert again.returncode == 0, again.stderr.decode()
    state = ServerState(tmp_path / "data" / "emulator.sqlite3")
    assert state.keys() == {item["global_key"]: 1 for item in items}
    assert sum(state.batches("m").values()) == 12_000
