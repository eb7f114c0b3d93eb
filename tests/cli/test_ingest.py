"""``aiolabel ingest`` end to end on the embedded emulator: what landed is read from its store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aiolabel.ingest import manifest_stem

from .conftest import Cli, Placement, expected_placements, rows, write_csv, write_ndjson


def test_clean_ingest_lands_every_row_in_its_batch_with_its_priority(
    cli: Cli, tmp_path: Path
) -> None:
    items = rows(60, batch=lambda i: "review" if i % 3 == 0 else None)
    manifest = write_ndjson(tmp_path / "street.ndjson", items)

    result = cli("ingest", manifest)

    assert result.exit_code == 0, result.output
    assert "using the embedded emulator" in result.stderr
    assert "Rows read" in result.stdout
    assert "60" in result.stdout
    state = cli.state
    assert state.keys() == {item["global_key"]: 1 for item in items}
    assert state.datasets() == ["street"]
    assert state.projects() == {"street": "IMAGE"}
    assert state.batches("street") == {"street-0000": 40, "review": 20}
    assert state.placements("street") == expected_placements(items, prefix="street-")


def test_rerun_creates_nothing_twice(cli: Cli, tmp_path: Path) -> None:
    items = rows(40, batch=lambda i: "b" if i % 2 else None)
    manifest = write_ndjson(tmp_path / "m.ndjson", items)
    assert cli("ingest", manifest).exit_code == 0
    before = cli.state.snapshot("m")

    again = cli("ingest", manifest, "--json")

    assert again.exit_code == 0, again.output
    assert cli.state.snapshot("m") == before
    summary = json.loads(again.stdout)["summary"]
    assert summary["rows_created"] == 0
    assert summary["rows_already_present"] == 40
    assert summary["rows_already_batched"] == 40
    assert summary["rows_batched"] == 0
    assert summary["batches_created"] == 0
    assert summary["dataset_created"] is False
    assert summary["project_created"] is False


def test_rerun_with_more_lines_adds_only_the_new_rows(cli: Cli, tmp_path: Path) -> None:
    manifest = tmp_path / "m.ndjson"
    write_ndjson(manifest, rows(30))
    assert cli("ingest", manifest).exit_code == 0
    items = rows(50)
    write_ndjson(manifest, items)

    result = cli("ingest", manifest, "--json")

    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["summary"]
    assert (summary["rows_created"], summary["rows_already_present"]) == (20, 30)
    assert (summary["rows_batched"], summary["rows_already_batched"]) == (20, 30)
    assert cli.state.keys() == {item["global_key"]: 1 for item in items}
    assert cli.state.placements("m") == expected_placements(items, prefix="m-")


def test_csv_manifest(cli: Cli, tmp_path: Path) -> None:
    items = rows(25, batch=lambda i: "odd" if i % 2 else None)
    manifest = write_csv(
        tmp_path / "assets.csv",
        items,
        ["row_data", "global_key", "external_id", "metadata.tag", "priority", "batch"],
    )

    result = cli("ingest", manifest, "--batch-prefix", "csv-", "--batch-priority", "3")

    assert result.exit_code == 0, result.output
    assert cli.state.placements("assets") == expected_placements(
        items, prefix="csv-", batch_priority=3
    )


def test_bad_lines_are_reported_and_the_others_land(cli: Cli, tmp_path: Path) -> None:
    good = rows(10)
    lines: list[dict[str, object] | str] = [
        good[0],
        "{broken json",
        {**good[1], "row_data": "ftp://files.example.com/x.jpg"},
        good[2],
        {**good[3], "priority": 0},
        {**good[4], "colour": "red"},
        {**good[5], "global_key": good[0]["global_key"].upper()},  # duplicate, other case
        {**good[6], "media_type": "VIDEO"},
        {**good[7], "metadata": {"no_such_field": "x"}},
        good[8],
    ]
    manifest = write_ndjson(tmp_path / "m.ndjson", lines)
    report = tmp_path / "out" / "failures.ndjson"

    result = cli("ingest", manifest, "--report", report)

    assert result.exit_code == 1, result.output
    failures = [json.loads(line) for line in report.read_text().splitlines()]
    assert [(f["line"], f["field"]) for f in failures] == [
        (2, None),
        (3, "row_data"),
        (5, "priority"),
        (6, "colour"),
        (7, "global_key"),
        (8, "media_type"),
        (9, "metadata"),
    ]
    assert all(f["stage"] == "read" and f["reason"] for f in failures)
    assert "first on line 1" in failures[4]["reason"]
    assert "does not match the project's media type IMAGE" in failures[5]["reason"]
    assert "no_such_field" in failures[6]["reason"]
    assert "7 line(s) did not land" in result.stderr
    assert "line 3, field 'row_data'" in result.stderr
    landed = {good[i]["global_key"] for i in (0, 2, 8)}
    assert set(cli.state.keys()) == landed
    assert set(cli.state.placements("m")) == landed

    # fixed lines land on the next run; the report of a clean run is removed
    write_ndjson(manifest, [good[i] for i in range(9)])
    fixed = cli("ingest", manifest, "--report", report)
    assert fixed.exit_code == 0, fixed.output
    assert not report.exists()
    assert cli.state.placements("m") == expected_placements(good[:9], prefix="m-")


def test_report_as_csv(cli: Cli, tmp_path: Path) -> None:
    manifest = write_ndjson(tmp_path / "m.ndjson", [rows(1)[0], {"global_key": "x"}])
    report = tmp_path / "failures.csv"
    assert cli("ingest", manifest, "--report", report).exit_code == 1
    assert report.read_text().splitlines() == [
        "line,global_key,stage,field,reason",
        "2,x,read,row_data,is required",
    ]


def test_dry_run_creates_nothing(cli: Cli, tmp_path: Path) -> None:
    items = rows(20)
    manifest = write_ndjson(tmp_path / "m.ndjson", [*items, {"global_key": "no-url"}])

    result = cli("ingest", manifest, "--dry-run", "--json")

    assert result.exit_code == 1, result.output  # one bad line
    doc = json.loads(result.stdout)
    summary = doc["summary"]
    assert summary["dry_run"] is True
    assert (summary["rows_read"], summary["rows_created"], summary["rows_invalid"]) == (21, 20, 1)
    assert summary["dataset_id"] is None
    assert summary["project_id"] is None
    assert doc["failures"] == [
        {
            "line": 21,
            "global_key": "no-url",
            "stage": "read",
            "field": "row_data",
            "reason": "is required",
        }
    ]
    state = cli.state
    assert state.data_row_count() == 0
    assert state.datasets() == []
    assert state.projects() == {}

    # after a real run, a dry run sees every row as present
    assert cli("ingest", manifest).exit_code == 1
    again = json.loads(cli("ingest", manifest, "--dry-run", "--json").stdout)["summary"]
    assert (again["rows_created"], again["rows_already_present"]) == (0, 20)


def test_json_summary_fields(cli: Cli, tmp_path: Path) -> None:
    manifest = write_ndjson(tmp_path / "m.ndjson", rows(12, priority=lambda i: 2))
    result = cli("ingest", manifest, "--json", "--dataset", "D", "--project", "P")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["ok"] is True
    assert doc["failures_total"] == 0
    assert doc["report"] is None
    s = doc["summary"]
    assert (s["dataset_name"], s["project_name"], s["media_type"]) == ("D", "P", "IMAGE")
    assert (s["rows_read"], s["rows_created"], s["rows_failed"]) == (12, 12, 0)
    assert (s["batches"], s["batches_created"], s["priorities_set"]) == (1, 1, 12)
    assert s["seconds"] > 0
    assert s["rows_per_second"] > 0
    assert set(cli.state.placements("P").values()) == {Placement("m-0000", 2)}


def test_existing_dataset_and_project_are_reused_by_name_or_id(cli: Cli, tmp_path: Path) -> None:
    first = write_ndjson(tmp_path / "one.ndjson", rows(5))
    out = json.loads(cli("ingest", first, "--json", "--project", "Shared").stdout)["summary"]
    second = write_ndjson(tmp_path / "two.ndjson", rows(5, start=5))

    result = cli("ingest", second, "--json", "--dataset", out["dataset_id"], "--project", "Shared")

    assert result.exit_code == 0, result.output
    s = json.loads(result.stdout)["summary"]
    assert s["dataset_id"] == out["dataset_id"]
    assert s["project_id"] == out["project_id"]
    assert cli.state.datasets() == ["one"]
    assert cli.state.batches("Shared") == {"one-0000": 5, "two-0000": 5}


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["ingest", "missing.ndjson"], "does not exist"),
        (["ingest", "{csv}"], "unknown column 'colour'"),
        (["ingest", "{ndjson}", "--media-type", "HOLOGRAM"], "is not a media type"),
        (["ingest", "{ndjson}", "--format", "xml"], "--format must be ndjson or csv"),
        (["ingest", "{ndjson}", "--batch-priority", "9"], "less than or equal to 5"),
        (["ingest", "{ndjson}", "--dataset", " "], "--dataset must not be blank"),
        (["ingest", "{ndjson}", "--endpoint", "http://127.0.0.1:9/graphql"], "needs an API key"),
        (["ingest", "{ndjson}", "--project", "cxxxxxxxxxxxxxxxxxxxxxxxx"], "no project has"),
        (["ingest", "{ndjson}", "--report", "{tmp}"], "is a directory, not a file"),
        (["ingest"], "Missing argument"),
    ],
)
def test_usage_errors_exit_2(cli: Cli, tmp_path: Path, args: list[str], words: str) -> None:
    ndjson = write_ndjson(tmp_path / "m.ndjson", rows(2))
    csv_file = tmp_path / "m.csv"
    csv_file.write_text("row_data,global_key,colour\nhttps://x.com/a.jpg,a,red\n")
    argv = [a.format(ndjson=ndjson, csv=csv_file, tmp=tmp_path) for a in args]

    result = cli(*argv)

    assert result.exit_code == 2, result.output
    assert words in result.output
    assert "Traceback" not in result.output


def test_project_of_another_media_type_is_refused(cli: Cli, tmp_path: Path) -> None:
    video = write_ndjson(
        tmp_path / "clips.ndjson",
        [{"row_data": "https://cdn.example.com/a.mp4", "global_key": "clip-1"}],
    )
    assert cli("ingest", video, "--media-type", "VIDEO", "--project", "Clips").exit_code == 0
    images = write_ndjson(tmp_path / "images.ndjson", rows(3))

    result = cli("ingest", images, "--project", "Clips", "--media-type", "IMAGE")

    assert result.exit_code == 2
    assert "is for VIDEO assets, not IMAGE" in result.stderr
    assert set(cli.state.keys()) == {"clip-1"}  # nothing of the refused run was created
    assert cli.state.datasets() == ["clips"]


def test_project_media_type_applies_to_rows(cli: Cli, tmp_path: Path) -> None:
    """With no --media-type, an existing VIDEO project's type is the rows' type."""
    first = write_ndjson(
        tmp_path / "a.ndjson",
        [{"row_data": "https://cdn.example.com/a.mp4", "global_key": "v1"}],
    )
    assert cli("ingest", first, "--media-type", "video", "--project", "V").exit_code == 0
    second = write_ndjson(
        tmp_path / "b.ndjson",
        [
            {"row_data": "https://cdn.example.com/b.mp4", "global_key": "v2"},
            {
                "row_data": "https://cdn.example.com/c.jpg",
                "global_key": "i1",
                "media_type": "IMAGE",
            },
        ],
    )
    result = cli("ingest", second, "--project", "V", "--json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["failures"][0]["line"] == 2
    assert "does not match the project's media type VIDEO" in doc["failures"][0]["reason"]
    assert set(cli.state.placements("V")) == {"v1", "v2"}


def test_rows_without_global_keys_need_the_flag(cli: Cli, tmp_path: Path) -> None:
    items = [{"row_data": f"https://cdn.example.com/n{i}.jpg", "priority": 2} for i in range(3)]
    manifest = write_ndjson(tmp_path / "m.ndjson", [*items, rows(1)[0]])

    refused = cli("ingest", manifest, "--json")
    assert refused.exit_code == 1
    assert [f["field"] for f in json.loads(refused.stdout)["failures"]] == ["global_key"] * 3

    allowed = cli("ingest", manifest, "--allow-missing-global-keys", "--json")

    assert allowed.exit_code == 0, allowed.output
    placements = cli.state.placements("m")
    keyless = {k: p for k, p in placements.items() if not k.startswith("gk-")}
    assert len(keyless) == 3
    assert set(keyless.values()) == {Placement("m-0000", 2)}
    assert cli.state.data_row_count() == 4


def test_rows_already_in_another_batch_count_as_present(cli: Cli, tmp_path: Path) -> None:
    items = rows(10)
    manifest = write_ndjson(tmp_path / "m.ndjson", items)
    assert cli("ingest", manifest, "--batch-prefix", "first-").exit_code == 0

    result = cli("ingest", manifest, "--batch-prefix", "second-", "--json")

    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["summary"]
    assert summary["rows_already_batched"] == 10
    assert summary["rows_failed"] == 0
    assert cli.state.batches("m")["first-0000"] == 10
    assert cli.state.batches("m").get("second-0000", 0) == 0


def test_api_key_never_appears_in_output_or_report(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from aiolabel.cli import app
    from aiolabel.emulator import EmulatorServer

    key = "lbemu_secret-key-do-not-print-0123456789"
    manifest = write_ndjson(tmp_path / "m.ndjson", [*rows(5), {"global_key": "no-row-data"}])
    report = tmp_path / "failures.ndjson"
    with EmulatorServer(api_key=key) as server:
        runner = CliRunner(
            env={"LABELBOX_API_KEY": key, "LABELBOX_ENDPOINT": server.endpoint, "COLUMNS": "200"}
        )
        ran = runner.invoke(app, ["ingest", str(manifest), "--report", str(report)])
        json_run = runner.invoke(app, ["ingest", str(manifest), "--json"])
        wrong = runner.invoke(
            app, ["ingest", str(manifest)], env={"LABELBOX_API_KEY": key + "-wrong"}
        )
        helped = runner.invoke(app, ["ingest", "--help"])
    assert ran.exit_code == 1
    assert json_run.exit_code == 1
    assert wrong.exit_code == 2
    assert "embedded emulator" not in ran.stderr
    for text in (ran.output, json_run.output, wrong.output, helped.output, report.read_text()):
        assert "secret-key-do-not-print" not in text
    assert "no-row-data" in report.read_text()


def test_summary_table_is_plain_when_not_a_terminal(cli: Cli, tmp_path: Path) -> None:
    manifest = write_ndjson(tmp_path / "m.ndjson", rows(3))
    result = cli("ingest", manifest)
    assert result.exit_code == 0
    assert "\x1b[" not in result.output  # no colours, no progress bars
    for label in ("Dataset", "Project", "Rows read", "already present", "Batches", "Time"):
        assert label in result.stdout


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("assets.ndjson", "assets"),
        ("assets.v2.jsonl.gz", "assets.v2"),
        ("Street Scenes.CSV", "Street Scenes"),
        (".ndjson", "manifest"),
    ],
)
def test_default_names_come_from_the_manifest_name(name: str, stem: str) -> None:
    assert manifest_stem(Path(name)) == stem


def test_empty_endpoint_and_key_variables_mean_not_set(cli: Cli, tmp_path: Path) -> None:
    manifest = write_ndjson(tmp_path / "m.ndjson", rows(2))
    result = cli("ingest", manifest, env={"LABELBOX_API_KEY": "", "LABELBOX_ENDPOINT": ""})
    assert result.exit_code == 0, result.output
    assert "using the embedded emulator" in result.stderr
