"""The CLI's reliability surface: the key refused over plain http (a usage error naming
``--allow-insecure-http``), retries shown in the summary, the emulator's 429 share option."""

from __future__ import annotations

import json
from pathlib import Path

from aiolabel.emulator import EmulatorServer

from .conftest import Cli, rows, write_ndjson


def test_plain_http_to_another_host_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    manifest = write_ndjson(tmp_path / "m.ndjson", rows(3))
    result = cli(
        "ingest", manifest, "--endpoint", "http://labelbox.example/graphql", "--api-key", "k-1"
    )
    assert result.exit_code == 2, result.output
    assert "plain http" in result.output
    assert "--allow-insecure-http" in result.output
    assert "k-1" not in result.output


def test_retries_are_reported(cli: Cli, tmp_path: Path) -> None:
    manifest = write_ndjson(tmp_path / "m.ndjson", rows(50))
    with EmulatorServer(seed=5, error_rate=0.1, rate_limited_rate=0.05, retry_after_s=0) as server:
        args = ("ingest", manifest, "--endpoint", server.endpoint, "--api-key", server.api_key)
        result = cli(*args, "--json")
        assert sum(server.stats()["faults"].values()) > 0
        rerun = cli(*args)  # the summary table of a rerun, with faults still on
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["retries"] > 0
    assert rerun.exit_code == 0, rerun.output
    assert "Retries" in rerun.stdout


def test_emulator_serve_takes_the_429_share(cli: Cli) -> None:
    result = cli("emulator", "serve", "--rate-limited-rate", "2")
    assert result.exit_code == 2
    assert "rate_limited_rate" in result.output
    assert "--rate-limited-rate" in cli("emulator", "serve", "--help").output
