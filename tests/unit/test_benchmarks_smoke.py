"""The benchmark harness's reporting on a tiny synthetic result (no emulator, no clients)."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest
from benchmarks import data, report
from benchmarks.answering import Answerer
from benchmarks.runner import parse_args, summary_line
from benchmarks.scenarios import SCENARIOS, notice_delays


def _record(scenario: str, client: str, wall: float, **extra: Any) -> dict[str, Any]:
    concurrency = {"official": 1, "official-16t": 16}.get(client, 20)
    return {
        "scenario": scenario,
        "title": scenario,
        "client": client,
        "size": extra.pop("size", 100),
        "status": "ok",
        "latency_ms": extra.pop("latency_ms", 50.0),
        "concurrency": concurrency,
        "ideal_applies": True,
        "wall_s": wall,
        "cpu_s": extra.pop("cpu_s", wall / 10),
        "peak_rss_mib": extra.pop("peak_rss_mib", 60.0),
        "requests": extra.pop("requests", 100),
        "server_cpu_s": 1.0,
        "check": "ok",
        **extra,
    }


def _records() -> list[dict[str, Any]]:
    return [
        _record("lpo", "official", 10.0),
        _record("lpo", "official-16t", 1.0),
        _record("lpo", "aiolabel-httpx", 0.5),
        {
            "scenario": "lpo",
            "client": "aiolabel-aiohttp",
            "size": 100,
            "status": "not available",
            "reason": "not available: aiolabel has no Project.set_labeling_parameter_overrides",
        },
        _record("overhead", "official", 2.0, latency_ms=0, cpu_per_request_ms=1.5),
        _record("overhead", "aiolabel-httpx", 1.0, latency_ms=0, cpu_per_request_ms=0.3),
        _record("memory", "aiolabel-httpx", 5.0, size=100_000, peak_rss_mib=100.0),
        _record("memory", "aiolabel-httpx", 50.0, size=1_000_000, peak_rss_mib=130.0),
    ]


def test_ratios_compare_with_the_official_sdk_and_the_ideal() -> None:
    records = _records()
    report.add_ratios(records)
    aio = report.find(records, "lpo", "aiolabel-httpx")
    assert aio is not None
    assert aio["vs_official"]["speedup"] == pytest.approx(20.0)
    assert aio["vs_official_16t"]["speedup"] == pytest.approx(2.0)
    # 100 requests / 20 in flight x 50 ms = 0.25 s; 0.5 s is twice that.
    assert aio["ideal_s"] == pytest.approx(0.25)
    assert aio["vs_ideal"] == pytest.approx(2.0)
    official = report.find(records, "lpo", "official")
    assert official is not None
    assert official["vs_official"] is None
    overhead = report.find(records, "overhead", "aiolabel-httpx")
    assert overhead is not None
    assert overhead["ideal_s"] is None
    assert overhead["vs_official"]["cpu_per_request_ratio"] == pytest.approx(0.2)


def test_targets_say_met_missed_and_not_measured() -> None:
    records = _records()
    report.add_ratios(records)
    targets = {(t["target"], t["client"]): t for t in report.evaluate_targets(records)}
    assert targets["lpo_vs_official", "aiolabel-httpx"]["status"] == "met"
    assert targets["lpo_vs_16t", "aiolabel-httpx"]["status"] == "met"
    missed = targets["lpo_vs_ideal", "aiolabel-httpx"]
    assert missed["status"] == "missed"
    assert "1.5x over" in missed["shortfall"]  # 2.0 / 1.3
    absent = targets["lpo_vs_official", "aiolabel-aiohttp"]
    assert absent["status"] == "not measured"
    assert "not available" in absent["shortfall"]
    assert targets["cpu_per_request", "aiolabel-httpx"]["status"] == "met"
    assert targets["memory_peak", "aiolabel-httpx"]["status"] == "met"
    flat = targets["memory_flat", "aiolabel-httpx"]
    assert flat["status"] == "missed"
    assert flat["value"] == pytest.approx(1.3)
    assert targets["batches_vs_official", "aiolabel-httpx"]["status"] == "not measured"


def test_markdown_json_and_chart_are_written(tmp_path: Path) -> None:
    records = _records()
    report.add_ratios(records)
    document = {
        "command": ".venv/bin/python -m benchmarks --quick",
        "started_at": "2026-01-01 00:00:00 UTC",
        "finished_at": "2026-01-01 00:01:00 UTC",
        "duration_s": 60.0,
        "loadavg_after": [0.5, 0.5, 0.5],
        "machine": {
            "nproc": 2,
            "cpu_model": "test cpu",
            "ram_gib": 24.0,
            "python": "3.11.7",
            "platform": "Linux",
            "git_commit": "abc",
            "git_dirty": False,
            "loadavg_before": [0.1, 0.1, 0.1],
        },
        "settings": {
            "quick": True,
            "latency_ms": 50.0,
            "launcher": "cli",
            "aiolabel_concurrency": 20,
        },
        "results": records,
        "targets": report.evaluate_targets(records),
    }
    path = tmp_path / "RESULTS.md"
    path.write_text("old\n" + report.ANALYSIS_MARKER + "\nWhy: the hand-written part.\n")
    text = report.render_markdown(document, report.kept_analysis(path))
    assert "| aiolabel (httpx) | 100 | 0.50 |" in text
    assert "20.00x" in text
    assert "not available" in text
    assert text.rstrip().endswith("Why: the hand-written part.")
    report.write_json(tmp_path / "results.json", document)
    assert json.loads((tmp_path / "results.json").read_text())["results"][2]["wall_s"] == 0.5
    report.write_chart(tmp_path / "results.png", document)
    assert (tmp_path / "results.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_command_line_and_helpers() -> None:
    args = parse_args(["--quick", "--scenarios", "lpo,overhead", "--size", "lpo=500"])
    assert args.scenario_names == ["lpo", "overhead"]
    assert args.sizes == {"lpo": 500}
    assert SCENARIOS["lpo"].sizes(True, args.sizes.get("lpo")) == (500,)
    assert SCENARIOS["memory"].sizes(False, None) == (100_000, 1_000_000)
    with pytest.raises(SystemExit):
        parse_args(["--scenarios", "nope"])
    assert data.split(10, 3) == [(0, 4), (4, 3), (7, 3)]
    assert len(notice_delays(9)) == 9
    assert len(set(notice_delays(3))) == 3
    items = list(data.data_row_items(2, prefix="p", tag_schema_id="s", start=5))
    assert items[1]["global_key"] == "p-0000006"
    assert items[0]["metadata_fields"] == [{"schema_id": "s", "value": "tag-5"}]
    assert "error" in summary_line({"status": "error", "reason": "boom\nlast line"})


def test_answering_records_get_their_own_targets_and_bounds() -> None:
    records = [
        {**_record("lpo", "official", 6.0, requests=100, size=100_000), "server": "answering"},
        {
            **_record("lpo", "aiolabel-httpx", 0.3, requests=100, size=100_000, cpu_s=0.08),
            "server": "answering",
            "cpu_per_item_us": 0.8,
        },
        _record("lpo", "official", 7.0, size=100_000, requests=100),
        _record("lpo", "aiolabel-httpx", 1.2, size=100_000, requests=100),
    ]
    records[-1]["server_cpu_s"] = 1.05
    report.add_ratios(records)
    answered = report.find(records, "lpo", "aiolabel-httpx", server="answering")
    emulated = report.find(records, "lpo", "aiolabel-httpx")
    assert answered is not None
    assert emulated is not None
    assert answered["vs_official"]["speedup"] == pytest.approx(20.0)  # the same server's SDK
    assert answered["near"] == "latency"
    assert answered["server_bound_s"] is None
    assert emulated["near"] == "server CPU"  # 1.05 s of emulator CPU > the 0.25 s latency bound
    assert emulated["vs_bound"] == pytest.approx(1.2 / 1.05)
    targets = {(t["target"], t["client"]): t for t in report.evaluate_targets(records)}
    assert targets["answer_lpo_ideal", "aiolabel-httpx"]["status"] == "met"  # 0.3 / 0.25
    assert targets["answer_lpo_vs_official", "aiolabel-httpx"]["status"] == "met"
    assert targets["answer_lpo_cpu", "aiolabel-httpx"]["status"] == "met"
    assert targets["lpo_vs_official", "aiolabel-httpx"]["value"] == pytest.approx(7.0 / 1.2)
    assert ("answer_gets_cpu", "aiolabel-httpx") not in targets  # aiohttp's target only
    assert targets["answer_gets_cpu", "aiolabel-aiohttp"]["status"] == "not measured"


def test_the_answering_server_answers_hot_operations_from_the_raw_body() -> None:
    answerer = Answerer("http://127.0.0.1:1", latency_ms=0, task_ms=0)
    lpo = (
        b'{"query": "mutation SetLabelingParameterOverridesPyApi($projectId: ID!) {project'
        b" {setLabelingParameterOverrides(dataWithDataRowIdentifiers: [{dataRowIdentifier:"
        b' {id: \\"a\\", idType: ID}, priority: 1},{dataRowIdentifier: {id: \\"b\\", idType:'
        b' ID}, priority: 2}]) {success}}}", "variables": {"projectId": "p"}}'
    )
    assert answerer.answer("SetLabelingParameterOverridesPyApi", lpo, False) == {
        "project": {"setLabelingParameterOverrides": {"success": True}}
    }
    assert answerer.items["lpo"] == 2
    ids = json.dumps([f"id{i}" for i in range(250_000)])
    body = ('{"query": "mutation createBatchesPyApi", "variables": {"input": {"dataRowIds": '
            + ids + "}}}").encode()  # fmt: skip
    created = answerer.answer("createBatchesPyApi", body, False)
    assert isinstance(created, dict)
    tasks = created["project"]["createBatches"]["tasks"]
    assert len(tasks) == 3
    assert answerer.items["batched"] == 250_000
    poll = json.dumps(
        {"query": "query GetUserCreatedTasksPyApi", "variables": {"taskId": tasks[0]["taskId"]}}
    ).encode()
    polled = answerer.answer("GetUserCreatedTasksPyApi", poll, False)
    assert isinstance(polled, dict)
    assert polled["user"]["createdTasks"][0]["status"] == "COMPLETE"
    assert (
        answerer.answer("GetUserPyApi", b'{"query": "query GetUserPyApi{user{id}}"}', False) is None
    )


def test_annotation_import_inputs_are_deterministic_with_the_expected_refusals() -> None:
    from benchmarks.annotation_imports import annotations, invalid_positions

    made = list(annotations(3000, 100))
    assert [a["uuid"] for a in made] == [a["uuid"] for a in annotations(3000, 100)]
    assert len({a["uuid"] for a in made}) == 3000
    refused = [i + 1 for i, a in enumerate(made) if a.get("answer") == {"name": "snowy"}]
    assert refused == invalid_positions(3000) == [999, 1999, 2999]
    assert sum("bbox" in a for a in made) == 1500
    assert {a["dataRow"]["globalKey"] for a in made} == {f"ann-{i}" for i in range(100)}


def test_the_ideal_counts_the_chain_of_dependent_round_trips() -> None:
    records = [
        _record("create_batches", "aiolabel-httpx", 0.4, size=300_000, requests=14),
        _record("create_batches", "official", 0.3, size=300_000, requests=4),
        _record("create_batches", "aiolabel-httpx", 0.3, size=50_000, requests=4),
        _record("create_data_rows", "aiolabel-httpx", 3.0, size=200_000, requests=13, cpu_s=2.0),
        _record("lpo", "aiolabel-httpx", 0.3, size=100_000, requests=100),
    ]
    report.add_ratios(records)
    batches, official, one, rows, lpo = records
    # processing check (the names looked up alongside) -> createEmptyBatch ->
    # addDataRowsToBatchAsync -> task poll
    assert batches["critical_rounds"] == 4
    assert batches["ideal_s"] == pytest.approx(0.2)  # not 14 / 20 x 50 ms
    assert official["critical_rounds"] == 3  # check -> createBatches -> task
    assert official["ideal_s"] == pytest.approx(0.2)  # its 4 requests one after the other
    assert one["critical_rounds"] == 3  # the official chain, its user id asked for meanwhile
    assert rows["critical_rounds"] == 5  # ontology -> 2 tasks' files -> manifest -> upsertDataRows
    assert rows["near"] == "client CPU"
    assert rows["vs_bound"] == pytest.approx(1.5)
    assert lpo["critical_rounds"] is None
    assert lpo["ideal_s"] == pytest.approx(0.25)  # 100 independent calls, 20 at a time


def test_request_cpu_runs_both_transports(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import request_cpu

    request_cpu.main(
        ["--clients", "aiolabel-aiohttp,aiolabel-httpx", "--calls", "30", "--repeat", "1"]
    )
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["aiolabel-aiohttp", "aiolabel-httpx"]
    assert all(line.endswith("ms CPU per request") for line in lines)


def test_lpo_cpu_runs_both_transports(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import lpo_cpu

    lpo_cpu.main(["--pairs", "2000", "--repeat", "1", "--latency-ms", "0"])
    lines = capsys.readouterr().out.splitlines()
    results = [ast.literal_eval(line) for line in lines]
    assert [r["client"] for r in results] == ["aiolabel-aiohttp", "aiolabel-httpx"]
    assert all(r["cpu_us_per_pair"] > 0 for r in results)


def test_lpo_cpu_runs_the_bare_clients(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import lpo_cpu

    lpo_cpu.main(
        [
            "--clients",
            ",".join(lpo_cpu.BARE),
            "--pairs",
            "2000",
            "--repeat",
            "1",
            "--latency-ms",
            "0",
        ]
    )
    results = [ast.literal_eval(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["client"] for r in results] == list(lpo_cpu.BARE)
    assert all(r["cpu_us_per_pair"] > 0 for r in results)


def test_data_rows_cpu_runs_both_transports(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import data_rows_cpu

    data_rows_cpu.main(["--rows", "600", "--repeat", "1", "--latency-ms", "0"])
    lines = capsys.readouterr().out.splitlines()
    results = [ast.literal_eval(line) for line in lines]
    assert results[0]["input_us_per_row"] > 0
    assert "check_encode_us_per_row" in results[0]
    assert [r["client"] for r in results[1:]] == ["aiolabel-aiohttp", "aiolabel-httpx"]
    assert all(r["cpu_us_per_row"] > 0 for r in results[1:])


def test_emulator_listing_lists_overrides_and_labels(tmp_path: Path) -> None:
    from benchmarks import emulator_listing

    out = tmp_path / "listing.json"
    emulator_listing.main(["--rows", "1500", "--output", str(out)])
    result = json.loads(out.read_text())
    assert result["overrides_listed"] == result["labels_listed"] == 1500
    assert result["overrides_requests"] == result["labels_requests"] == 16  # 15 pages + the end
    assert result["lpo_calls"] == 2
    assert result["labels_server_cpu_s"] >= 0
