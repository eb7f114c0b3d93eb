"""``--report FILE`` never destroys a file aiolabel did not write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aiolabel.ingest import FailedRow, IngestError, write_report
from aiolabel.ingest._report import check_report_path, is_report

from .conftest import Cli, rows, write_ndjson


def _no_state(cli: Cli) -> bool:
    db = cli.data_dir / "emulator.sqlite3"
    return not db.exists() or cli.state.datasets() == []


@pytest.mark.parametrize("failing", [False, True])
def test_report_naming_the_manifest_is_refused_and_the_manifest_kept(
    cli: Cli, tmp_path: Path, failing: bool
) -> None:
    items: list[dict[str, object] | str] = [*rows(3)]
    if failing:
        items.append("not json")
    manifest = write_ndjson(tmp_path / "keep.ndjson", items)  # type: ignore[arg-type]
    before = manifest.read_bytes()

    result = cli("ingest", manifest, "--report", manifest)

    assert result.exit_code == 2, result.output
    assert "is the manifest" in result.stderr
    assert manifest.read_bytes() == before
    assert _no_state(cli)


def test_report_naming_the_manifest_by_another_path_is_refused(cli: Cli, tmp_path: Path) -> None:
    manifest = write_ndjson(tmp_path / "keep.ndjson", rows(2))
    before = manifest.read_bytes()
    other = tmp_path / "sub" / ".." / "keep.ndjson"
    (tmp_path / "sub").mkdir()

    result = cli("ingest", manifest, "--report", other)

    assert result.exit_code == 2, result.output
    assert manifest.read_bytes() == before


@pytest.mark.parametrize("content", ["my notes\n", "", '{"row_data": "x"}\n', "a,b\n1,2\n"])
def test_an_existing_file_that_is_not_a_report_is_left_untouched(
    cli: Cli, tmp_path: Path, content: str
) -> None:
    manifest = write_ndjson(tmp_path / "m.ndjson", rows(2))
    notes = tmp_path / "notes.txt"
    notes.write_text(content)

    result = cli("ingest", manifest, "--report", notes)

    assert result.exit_code == 2, result.output
    assert "not an aiolabel failure report" in result.stderr
    assert notes.read_text() == content
    assert _no_state(cli)


def test_an_old_report_is_replaced_then_removed(cli: Cli, tmp_path: Path) -> None:
    for name in ("old.ndjson", "old.csv"):
        report = tmp_path / name
        write_report(report, [FailedRow(9, "k", "read", None, "old reason")])
        assert is_report(report)
        manifest = write_ndjson(tmp_path / "m.ndjson", [*rows(2), "not json"])
        assert cli("ingest", manifest, "--report", report).exit_code == 1
        text = report.read_text()
        assert "old reason" not in text
        assert "not valid JSON" in text
        assert is_report(report)
        write_ndjson(manifest, rows(2))
        assert cli("ingest", manifest, "--report", report).exit_code == 0
        assert not report.exists()


def test_a_report_that_cannot_be_written_is_refused_before_the_run(
    cli: Cli, tmp_path: Path
) -> None:
    import os

    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        manifest = write_ndjson(tmp_path / "m.ndjson", rows(2))
        result = cli("ingest", manifest, "--report", locked / "r.ndjson")
        assert result.exit_code == 2, result.output
        assert "cannot write" in result.stderr
        assert _no_state(cli)
    finally:
        locked.chmod(0o700)


def test_library_refuses_the_manifest_as_report(tmp_path: Path) -> None:
    manifest = write_ndjson(tmp_path / "m.ndjson", rows(1))
    with pytest.raises(IngestError, match="is the manifest"):
        check_report_path(manifest, [manifest])
    report = tmp_path / "r.ndjson"
    check_report_path(report, [manifest])  # a new file is fine
    report.write_text(json.dumps({"line": 1}) + "\n")  # not the report's shape
    with pytest.raises(IngestError, match="not an aiolabel failure report"):
        check_report_path(report, [manifest])
