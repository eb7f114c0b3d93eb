"""``aiolabel ingest``: a manifest into a dataset, batches and priorities."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aiolabel.cli._failures import run_command
from aiolabel.cli._options import (
    EXIT_FAILED_ROWS,
    EXIT_OK,
    DataDirOption,
    JsonOption,
    MaxConcurrencyOption,
    consoles,
    fail,
    fail_usage,
    open_client,
    quiet_sdk_logs,
    say,
)
from aiolabel.cli._output import Bars, finish

if TYPE_CHECKING:
    from aiolabel.ingest import IngestResult

EPILOG = (
    "Examples:\n\n"
    "\b\n"
    "  aiolabel ingest assets.ndjson --emulator\n"
    "  aiolabel ingest assets.csv --dataset 'Street scenes' --project 'Street v2' \\\n"
    "      --batch-prefix street- --report failures.ndjson\n"
    "  LABELBOX_API_KEY=... aiolabel ingest assets.jsonl --media-type IMAGE --json\n\n"
    "A manifest line (NDJSON; CSV has the same columns, with metadata and attachments as "
    "JSON text, or one metadata.NAME column per field):\n\n"
    "\b\n"
    '  {"row_data": "https://cdn.example.com/a.jpg", "global_key": "a.jpg",\n'
    '   "external_id": "a.jpg", "media_type": "IMAGE",\n'
    '   "metadata": {"tag": "street", "split": "train"},\n'
    '   "attachments": [{"type": "RAW_TEXT", "value": "a note"}],\n'
    '   "priority": 2, "batch": "review"}\n\n'
    "Only row_data and global_key are required. Exit codes: 0 every line landed; 1 some "
    "lines failed (listed, and written to --report FILE) or the run stopped (the server did "
    "not answer); 2 usage error or a refused API key; 130 interrupted; 143 SIGTERM. "
    "After an interruption or a failure, run the same command again: nothing is created "
    "twice and what was missing is finished."
)


def ingest_command(
    manifest: Annotated[
        Path,
        typer.Argument(
            metavar="MANIFEST",
            help="NDJSON/JSONL or CSV file (optionally .gz), one asset a line.",
            show_default=False,
        ),
    ],
    dataset: Annotated[
        str | None,
        typer.Option(
            metavar="NAME_OR_ID",
            help="Dataset to add rows to; created if none has this name. [default: the "
            "manifest's file name without extension]",
            show_default=False,
        ),
    ] = None,
    project: Annotated[
        str | None,
        typer.Option(
            metavar="NAME_OR_ID",
            help="Project to batch rows into; created if none has this name. [default: the "
            "manifest's file name without extension]",
            show_default=False,
        ),
    ] = None,
    media_type: Annotated[
        str | None,
        typer.Option(
            metavar="TYPE",
            help="Media type of a new project and of every row (IMAGE, VIDEO, TEXT...). "
            "[default: the project's, else IMAGE]",
            show_default=False,
        ),
    ] = None,
    batch_prefix: Annotated[
        str | None,
        typer.Option(
            metavar="PREFIX",
            help="Rows without a 'batch' go to batches PREFIX0000, PREFIX0001... of at most "
            "100,000 rows. [default: '<manifest name>-']",
            show_default=False,
        ),
    ] = None,
    batch_priority: Annotated[
        int,
        typer.Option(
            min=1, max=5, metavar="1-5", help="Priority of new batches, 1 (highest) to 5."
        ),
    ] = 5,
    max_concurrency: MaxConcurrencyOption = 8,
    report: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="Write every failed line with its reason (CSV if FILE ends in .csv, else "
            "NDJSON); a run with no failure removes an older report at FILE. Only a report "
            "aiolabel wrote is ever replaced or removed: FILE must not be the manifest or "
            "another existing file.",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Check the manifest and look up existing rows; create nothing."
        ),
    ] = False,
    json_output: JsonOption = False,
    allow_missing_global_keys: Annotated[
        bool,
        typer.Option(
            "--allow-missing-global-keys",
            help="Ingest rows without a global key (they cannot be de-duplicated: every run "
            "creates them again).",
        ),
    ] = False,
    manifest_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="ndjson|csv",
            help="Manifest format. [default: from the file name]",
            show_default=False,
        ),
    ] = None,
    endpoint: Annotated[
        str | None,
        typer.Option(
            envvar="LABELBOX_ENDPOINT",
            metavar="URL",
            help="GraphQL endpoint. [default: https://api.labelbox.com/graphql when a key is set]",
            show_default=False,
        ),
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option(
            envvar="LABELBOX_API_KEY",
            metavar="KEY",
            help="API key (required unless --emulator).",
            show_default=False,
        ),
    ] = None,
    emulator: Annotated[
        bool,
        typer.Option(
            "--emulator",
            help="Ingest into the embedded emulator (offline; state in --data-dir) instead of "
            "Labelbox. LABELBOX_ENDPOINT and LABELBOX_API_KEY are then ignored.",
        ),
    ] = False,
    data_directory: DataDirOption = None,
    allow_insecure_http: Annotated[
        bool,
        typer.Option(
            "--allow-insecure-http",
            help="Send the API key over plain http to a host other than this machine "
            "(refused otherwise).",
        ),
    ] = False,
) -> None:
    """Ingest a manifest: create or reuse the dataset and project, upload the rows whose
    global key does not exist yet, put every row in its batch, set per-row priorities, and
    print a summary.

    Resumable and idempotent: global keys are the identity, batches are found by name, and
    priorities are set again, so a rerun (after Ctrl-C, a crash or a fix) creates nothing
    twice and finishes what was missing.
    """
    code = _ingest(
        manifest=manifest,
        dataset=dataset,
        project=project,
        media_type=media_type,
        batch_prefix=batch_prefix,
        batch_priority=batch_priority,
        max_concurrency=max_concurrency,
        report=report,
        dry_run=dry_run,
        json_output=json_output,
        allow_missing_global_keys=allow_missing_global_keys,
        manifest_format=manifest_format,
        endpoint=endpoint,
        api_key=api_key,
        directory=data_directory,
        allow_insecure_http=allow_insecure_http,
        emulator=emulator,
    )
    raise typer.Exit(code)


def _ingest(
    *,
    manifest: Path,
    dataset: str | None,
    project: str | None,
    media_type: str | None,
    batch_prefix: str | None,
    batch_priority: int,
    max_concurrency: int,
    report: Path | None,
    dry_run: bool,
    json_output: bool,
    allow_missing_global_keys: bool,
    manifest_format: str | None,
    endpoint: str | None,
    api_key: str | None,
    directory: Path | None,
    allow_insecure_http: bool = False,
    emulator: bool = False,
) -> int:
    import anyio

    from aiolabel.ingest import IngestError, IngestOptions, ingest

    out, err, interactive = consoles(json_output)
    quiet_sdk_logs()

    def usage(text: str) -> typer.Exit:
        return fail_usage(err, "ingest", text, json_output=json_output)

    if manifest_format is not None and manifest_format not in ("ndjson", "csv"):
        raise usage(f"--format must be ndjson or csv, not {manifest_format!r}")
    if not manifest.is_file():
        what = (
            "is a directory"
            if manifest.is_dir()
            else "is not a regular file (a pipe or a device): save it to a file first"
            if manifest.exists()
            else "does not exist"
        )
        raise usage(f"{manifest}: the manifest {what}")
    if report is not None:
        from aiolabel.ingest._report import check_report_path

        try:
            check_report_path(report, [manifest])
        except IngestError as exc:
            raise usage(str(exc)) from None
    endpoint, api_key = endpoint or None, api_key or None  # set but empty: not set
    options = IngestOptions(
        dataset=dataset,
        project=project,
        media_type=media_type,
        batch_prefix=batch_prefix,
        batch_priority=batch_priority,
        max_concurrency=max_concurrency,
        dry_run=dry_run,
        allow_missing_global_keys=allow_missing_global_keys,
        format=manifest_format,  # type: ignore[arg-type]
    )
    if media_type is not None:
        from aiolabel.ingest._manifest import parse_media_type

        if parse_media_type(media_type) is None:
            raise usage(f"--media-type {media_type!r} is not a media type")
    target = open_client(
        endpoint,
        api_key,
        directory,
        max_concurrency,
        err,
        emulator=emulator,
        json_output=json_output,
        allow_insecure_http=allow_insecure_http,
    )
    opener = target.opener

    async def run() -> IngestResult:
        with Bars(out, interactive) as bars:
            async with opener as client:
                return await ingest(
                    client,
                    manifest,
                    options,
                    progress=bars,
                    message=lambda text: say(err, f"aiolabel: {text}"),
                    report=report,
                )

    result = run_command(
        lambda: anyio.run(run),
        endpoint=target.endpoint,
        api_key=api_key,
        on_stop=lambda stop: fail(
            err,
            "ingest",
            stop.message,
            code=stop.code,
            kind=stop.kind,
            json_output=json_output,
            extra=target.as_json(),
        ),
    )
    finish(out, err, result, report, json_output, "aiolabel ingest", target.as_json())
    return EXIT_OK if result.ok else EXIT_FAILED_ROWS
