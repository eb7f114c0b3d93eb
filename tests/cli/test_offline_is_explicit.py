"""No silent offline mode: ``ingest`` needs a key, or ``--emulator``; ``--json`` names the
endpoint; ``demo`` says it ignores LABELBOX_*."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import Cli, rows, write_ndjson


@pytest.fixture
def bare(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "data", emulator=False)


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"LABELBOX_API_KEY": "", "LABELBOX_ENDPOINT": ""},
        {"CI": "true"},
        {"LABELBOX_ENDPOINT": "http://127.0.0.1:9/graphql"},
    ],
)
@pytest.mark.parametrize("json_flag", [False, True])
def test_ingest_without_a_key_fails_naming_the_variable_and_the_flag(
    bare: Cli, tmp_path: Path, env: dict[str, str | None], json_flag: bool
) -> None:
    manifest = write_ndjson(tmp_path / "m.ndjson", rows(2))
    args = ["ingest", manifest, *(["--json"] if json_flag else [])]

    result = bare(*args, env=env)

    assert result.exit_code == 2, result.output
    assert "LABELBOX_API_KEY" in result.stderr
    assert "--api-key" in result.stderr
    assert "--emulator" in result.stderr
    assert not (bare.data_dir / "emulator.sqlite3").exists()
    if json_flag:
        doc = json.loads(result.stdout)
        assert doc["ok"] is False
        assert doc["exit_code"] == 2
        assert "LABELBOX_API_KEY" in doc["error"]["message"]
    else:
        assert result.stdout == ""


def test_emulator_flag_uses_the_embedded_emulator_and_json_says_so(
    bare: Cli, tmp_path: Path
) -> None:
    manifest = write_ndjson(tmp_path / "m.ndjson", rows(3))

    result = bare("ingest", manifest, "--emulator", "--json")

    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["endpoint"] == "embedded emulator"
    assert doc["emulator"] is True
    assert doc["emulator_db"] == str(bare.data_dir / "emulator.sqlite3")
    assert bare.state.keys() == {f"gk-{i:05d}": 1 for i in range(3)}


def test_emulator_flag_says_it_ignores_the_labelbox_variables(bare: Cli, tmp_path: Path) -> None:
    manifest = write_ndjson(tmp_path / "m.ndjson", rows(1))
    env = {
        "LABELBOX_API_KEY": "lb-real-key",
        "LABELBOX_ENDPOINT": "https://api.labelbox.com/graphql",
    }
    result = bare("ingest", manifest, "--emulator", env=env)
    assert result.exit_code == 0, result.output
    assert "LABELBOX_ENDPOINT and LABELBOX_API_KEY are ignored" in result.stderr


def test_json_names_the_real_endpoint(bare: Cli, tmp_path: Path) -> None:
    from aiolabel.emulator import EmulatorServer

    manifest = write_ndjson(tmp_path / "m.ndjson", rows(2))
    with EmulatorServer() as server:
        env = {"LABELBOX_API_KEY": server.api_key, "LABELBOX_ENDPOINT": server.endpoint}
        result = bare("ingest", manifest, "--json", env=env)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["endpoint"] == server.endpoint
    assert doc["emulator"] is False
    assert "embedded emulator" not in result.stderr


def test_demo_says_truthfully_that_it_ignores_labelbox_variables(bare: Cli) -> None:
    env = {
        "LABELBOX_API_KEY": "lb-real-key",
        "LABELBOX_ENDPOINT": "https://api.labelbox.com/graphql",
    }
    result = bare("demo", "--rows", "30", "--json", env=env)
    assert result.exit_code == 0, result.output
    assert "no LABELBOX_ENDPOINT or LABELBOX_API_KEY configured" not in result.stderr
    assert "LABELBOX_ENDPOINT and LABELBOX_API_KEY are ignored" in result.stderr
    doc = json.loads(result.stdout)
    assert doc["endpoint"] == "embedded emulator"
    assert doc["verification"]["verified"] is True
