"""The API key appears nowhere: not in the CLI's output (summary, JSON, errors), its failure
report, the ingest pipeline's results and errors, any log record at any level (the SDK's, httpx's,
the emulator's, uvicorn's), nor the tracebacks of aiolabel errors. Everything is captured while a
real HTTP emulator injects faults, and grepped."""

from __future__ import annotations

import io
import json
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from typer.testing import CliRunner

from aiolabel import AsyncClient
from aiolabel.cli import app
from aiolabel.emulator import EmulatorServer
from aiolabel.errors import LabelboxError
from aiolabel.ingest import IngestOptions, ingest

KEY = "lbemu_" + "S3cr3tKeyThatMustNeverLeak0123456789"
WRONG_KEY = "lbemu_" + "AnotherKeyNeverToBePrinted987654321"


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(api_key=KEY, seed=3) as emulator:
        yield emulator


def manifest(path: Path) -> Path:
    lines = [
        json.dumps(
            {
                "row_data": f"https://cdn.example.com/s/{i}.jpg",
                "global_key": f"s-{i}",
                "priority": 1 + i % 5,
                "metadata": {"note": f"line {i}"},
            }
        )
        for i in range(300)
    ]
    lines += [
        '{"row_data": "https://cdn.example.com/bad.jpg", "global_key": "s-1"}',  # duplicate
        '{"row_data": 17, "global_key": "bad-type"}',
        "not json at all",
        json.dumps({"row_data": "https://cdn.example.com/p.jpg", "global_key": "p", "priority": 0}),
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def evidence(exc: BaseException) -> list[str]:
    out = [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    out += [repr(a) for a in exc.args]
    if isinstance(exc, LabelboxError):
        out += [repr(exc.cause), str(exc.message)]
    return out


def cli(*args: str | Path) -> Any:
    runner = CliRunner(env={"LABELBOX_API_KEY": None, "LABELBOX_ENDPOINT": None, "COLUMNS": "200"})
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=True)


@pytest.mark.slow
async def test_the_key_is_in_no_output_report_log_or_traceback(
    tmp_path: Path, server: EmulatorServer, all_logs: io.StringIO
) -> None:
    outputs: list[str] = []
    path = manifest(tmp_path / "assets.ndjson")
    report = tmp_path / "failures.ndjson"
    server.set_faults(error_rate=0.1, drop_rate=0.03, applied_then_failed_rate=0.03)
    args = ("ingest", path, "--endpoint", server.endpoint, "--report", report)

    # the CLI: a plain run with its summary table, a JSON run, and the key from the environment
    for extra in ((), ("--json",)):
        result = await anyio.to_thread.run_sync(lambda e=extra: cli(*args, "--api-key", KEY, *e))
        outputs += [result.output, repr(result.exception)]
        assert result.exit_code == 1, result.output  # the bad lines are reported
    outputs.append(report.read_text())
    assert "bad-type" in outputs[-1]

    # the CLI with a key the server refuses, and an emulator key aimed at Labelbox
    for endpoint, key in ((server.endpoint, WRONG_KEY), ("https://api.labelbox.com/graphql", KEY)):
        result = await anyio.to_thread.run_sync(
            lambda e=endpoint, k=key: cli("ingest", path, "--endpoint", e, "--api-key", k)
        )
        outputs += [result.output, repr(result.exception)]
        assert result.exit_code != 0
        if result.exception is not None:
            outputs += evidence(result.exception)

    # the pipeline as a library: its result, its failures, and the errors it raises
    async with AsyncClient(api_key=KEY, endpoint=server.endpoint, max_retries=8) as client:
        client.retry_policy.initial_backoff = 0.01
        done = await ingest(client, path, IngestOptions(project="second"))
        outputs += [repr(done), repr(done.summary), repr(done.failures), repr(client)]
        outputs += [repr(client._transport), repr(client.retry_policy), repr(client.retry_stats)]
        server.set_faults(error_rate=1.0, drop_rate=0.0, applied_then_failed_rate=0.0)
        for call in (client.get_user, lambda: client.create_project("p", "IMAGE")):
            with pytest.raises(LabelboxError) as info:
                await call()
            outputs += evidence(info.value)
        server.set_faults(error_rate=0.0)
    async with AsyncClient(api_key=WRONG_KEY, endpoint=server.endpoint) as refused:
        with pytest.raises(LabelboxError) as denied:
            await refused.get_user()
        outputs += evidence(denied.value)

    logs = all_logs.getvalue()
    assert "aiolabel.transport DEBUG" in logs  # the capture did see DEBUG records
    outputs.append(logs)
    for secret in (KEY, WRONG_KEY):
        leaks = [
            text[max(0, text.find(secret) - 200) :][:400] for text in outputs if secret in text
        ]
        assert leaks == []
