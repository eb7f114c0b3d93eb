"""``aiolabel demo``: the main job offline, verified by export."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from aiolabel.cli._failures import run_command
from aiolabel.cli._options import (
    EMULATOR_NOTICE,
    EXIT_FAILED_ROWS,
    EXIT_OK,
    DataDirOption,
    JsonOption,
    MaxConcurrencyOption,
    consoles,
    data_dir,
    embedded_target,
    emulator_missing,
    fail,
    fail_usage,
    quiet_sdk_logs,
    say,
)
from aiolabel.cli._output import Bars, finish

if TYPE_CHECKING:
    from aiolabel.ingest import IngestResult

EPILOG = (
    "Examples:\n\n"
    "\b\n"
    "  aiolabel demo\n"
    "  aiolabel demo --rows 50000\n"
    "  aiolabel demo --rows 250000 --json\n\n"
    "The demo starts its emulator afresh in DATA_DIR/demo.sqlite3 and writes its manifest to "
    "DATA_DIR/demo-manifest.ndjson."
)


def demo_command(
    rows: Annotated[
        int,
        typer.Option(min=1, max=10_000_000, metavar="N", help="Rows in the generated manifest."),
    ] = 10_000,
    max_concurrency: MaxConcurrencyOption = 8,
    json_output: JsonOption = False,
    data_directory: DataDirOption = None,
) -> None:
    """Run the main job offline: generate a realistic manifest (image URLs, global keys,
    metadata, attachments, priorities, batch groups), ingest it into the embedded emulator,
    export the project back and verify that every row arrived exactly once, in the right
    batch, with the right priority."""
    raise typer.Exit(
        _demo(
            rows=rows,
            max_concurrency=max_concurrency,
            json_output=json_output,
            directory=data_directory,
        )
    )


def _demo(*, rows: int, max_concurrency: int, json_output: bool, directory: Path | None) -> int:
    import anyio

    from aiolabel.enums import MediaType
    from aiolabel.ingest import IngestOptions, ingest
    from aiolabel.ingest import _demo as demo

    out, err, interactive = consoles(json_output)
    quiet_sdk_logs()
    folder = data_dir(directory)
    manifest = folder / "demo-manifest.ndjson"
    db = folder / "demo.sqlite3"
    report = folder / "demo-failures.ndjson"
    started = time.monotonic()
    say(err, f"aiolabel demo: writing a manifest of {rows:,} rows to {manifest}")
    demo.write_manifest(manifest, rows)
    for leftover in (db, *(db.with_name(db.name + s) for s in ("-wal", "-shm", "-journal"))):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
    missing = emulator_missing()
    if missing is not None:
        raise fail_usage(err, "demo", missing, json_output=json_output, kind="setup")
    target = embedded_target(folder, max_concurrency, db.name)
    opener = target.opener
    say(
        err,
        f"aiolabel demo: runs offline on its own embedded emulator (state in {db}); "
        f"{EMULATOR_NOTICE}",
    )
    options = IngestOptions(
        dataset="aiolabel demo",
        project="aiolabel demo",
        media_type=MediaType.Image,
        batch_prefix=demo.BATCH_PREFIX,
        batch_priority=demo.DEFAULT_BATCH_PRIORITY,
        max_concurrency=max_concurrency,
    )

    async def run() -> tuple[IngestResult, demo.Verification, float]:
        with Bars(out, interactive) as bars:
            async with opener as client:
                result = await ingest(
                    client,
                    manifest,
                    options,
                    progress=bars,
                    message=lambda text: say(err, f"aiolabel: {text}"),
                    report=report,
                )
                export_started = time.monotonic()
                assert result.summary.project_id is not None
                project = await client.get_project(result.summary.project_id)
                task = await project.export(params={"project_details": True})
                bars("export", 0, 1)
                await task.wait_till_done(timeout_seconds=3600)
                bars("export", 1, 1)
                counted = 0

                async def lines() -> AsyncIterator[dict[str, Any]]:
                    nonlocal counted
                    async for line in task.result():
                        counted += 1
                        if counted % 5000 == 0:
                            bars("verify", counted, rows)
                        yield line

                checked = await demo.verify(lines(), project.uid, rows)
                bars("verify", counted, rows)
                return result, checked, time.monotonic() - export_started

    result, checked, export_seconds = run_command(
        lambda: anyio.run(run),
        endpoint=target.endpoint,
        api_key=None,
        on_stop=lambda stop: fail(
            err,
            "demo",
            stop.message,
            code=stop.code,
            kind=stop.kind,
            json_output=json_output,
            extra=target.as_json(),
        ),
    )
    total = time.monotonic() - started
    verification = {
        "verified": checked.ok,
        "exported": checked.exported,
        "missing": checked.missing,
        "duplicated": checked.duplicated,
        "unexpected": checked.unexpected,
        "wrong_batch": checked.wrong_batch,
        "wrong_priority": checked.wrong_priority,
        "export_seconds": round(export_seconds, 3),
        "total_seconds": round(total, 3),
    }
    extra = {**target.as_json(), "verification": verification}
    finish(out, err, result, report, json_output, "aiolabel demo", extra)
    if not json_output:
        if checked.ok:
            say(
                out,
                f"Verified by export: all {rows:,} rows exactly once, each in the right batch "
                f"with the right priority (export and check {export_seconds:,.1f} s; "
                f"demo {total:,.1f} s in all).",
            )
        else:
            say(out, "Verification FAILED:")
            for text in checked.examples:
                say(out, f"  {text}")
    return EXIT_OK if checked.ok and result.ok else EXIT_FAILED_ROWS
