"""The ``aiolabel`` command: ``ingest``, ``demo`` and ``emulator serve`` (a typer app)."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from aiolabel.client import AsyncClient
    from aiolabel.ingest import IngestResult

EXIT_OK = 0
EXIT_FAILED_ROWS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
DATA_DIR_ENV = "AIOLABEL_DATA_DIR"
DEFAULT_DATA_DIR = ".aiolabel"

app = typer.Typer(
    name="aiolabel",
    help=(
        "An asyncio client for the Labelbox API, and a local emulator of that API.\n\n"
        "Ingest a manifest of assets into a dataset, batches and per-row priorities, "
        "resumably; try it offline with the embedded emulator."
    ),
    epilog=(
        "Examples:\n\n"
        "\b\n"
        "  aiolabel demo --rows 50000\n"
        "  aiolabel ingest assets.ndjson --project 'Street scenes' --report failures.ndjson\n"
        "  aiolabel emulator serve --port 8765 --db emulator.sqlite3\n\n"
        "With no LABELBOX_ENDPOINT and no LABELBOX_API_KEY, ingest and demo use an embedded "
        "emulator whose state lives in ./.aiolabel (or --data-dir, $AIOLABEL_DATA_DIR)."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
emulator_app = typer.Typer(
    help="The local Labelbox emulator.",
    epilog="Example:\n\n\b\n  aiolabel emulator serve --port 8765 --db emulator.sqlite3",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(emulator_app, name="emulator")

# -- emulator serve ------------------------------------------------------------------------------


@emulator_app.command(
    "serve",
    epilog=(
        "Examples:\n\n"
        "\b\n"
        "  aiolabel emulator serve --port 8765 --db emulator.sqlite3\n"
        "  aiolabel emulator serve --latency-ms 50 --error-rate 0.1 --seed 7"
    ),
)
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port; 0 picks a free one.", min=0, max=65535)] = 0,
    db: Annotated[
        str, typer.Option(help="SQLite file (state survives restarts), or :memory:.")
    ] = ":memory:",
    api_key: Annotated[
        str | None, typer.Option(help="API key to accept (starts with lbemu_); default: random.")
    ] = None,
    latency_ms: Annotated[float, typer.Option(help="Latency added to every request.")] = 0.0,
    error_rate: Annotated[float, typer.Option(help="Share of requests answered 502/503.")] = 0.0,
    rate_limit: Annotated[
        int | None, typer.Option(help="Requests per minute before HTTP 429.")
    ] = None,
    task_delay_ms: Annotated[int, typer.Option(help="Time tasks stay IN_PROGRESS.")] = 0,
    seed: Annotated[int | None, typer.Option(help="Seed of the fault decisions.")] = None,
    rate_limited_rate: Annotated[
        float, typer.Option(help="Share of requests answered 429 with Retry-After.")
    ] = 0.0,
    drop_rate: Annotated[float, typer.Option(help="Share of connections dropped.")] = 0.0,
    applied_then_failed_rate: Annotated[
        float, typer.Option(help="Share of requests applied, then answered 502.")
    ] = 0.0,
) -> None:
    """Serve the emulator until interrupted.

    The first lines of output are ``aiolabel emulator listening on http://HOST:PORT``,
    ``LABELBOX_ENDPOINT=…`` and ``LABELBOX_API_KEY=…``: export the last two and
    ``aiolabel ingest`` (or any aiolabel or labelbox client) talks to this emulator.
    """
    from aiolabel.emulator import EmulatorConfig, EmulatorServer, FaultConfig
    from aiolabel.emulator.config import new_api_key

    try:
        config = EmulatorConfig(
            db=db,
            api_key=api_key or new_api_key(),
            task_delay_ms=task_delay_ms,
            seed=seed,
            faults=FaultConfig(
                latency_ms=latency_ms,
                error_rate=error_rate,
                rate_limit=rate_limit,
                rate_limited_rate=rate_limited_rate,
                drop_rate=drop_rate,
                applied_then_failed_rate=applied_then_failed_rate,
            ),
        )
    except ValueError as exc:
        typer.echo(f"aiolabel emulator: {exc}", err=True)
        raise typer.Exit(2) from None
    server = EmulatorServer(config, host=host, port=port)
    server.serve_forever(announce=lambda line: print(line, flush=True))


# -- shared pieces -------------------------------------------------------------------------------


def _consoles(json_output: bool) -> tuple[Console, Console, bool]:
    """``(stdout, stderr, interactive)``: progress bars only on a terminal, never with --json."""
    from rich.console import Console

    out = Console(highlight=False, soft_wrap=False)
    err = Console(stderr=True, highlight=False)
    interactive = sys.stdout.isatty() and not json_output
    return out, err, interactive


def _say(console: Console, text: str) -> None:
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def data_dir(path: Path | None) -> Path:
    """The local data directory (``--data-dir``, ``$AIOLABEL_DATA_DIR``, else ``./.aiolabel``),
    created with a ``.gitignore`` so it never lands in a repository."""
    chosen = path or Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)
    chosen.mkdir(parents=True, exist_ok=True)
    ignore = chosen / ".gitignore"
    if not ignore.exists():
        with contextlib.suppress(OSError):
            ignore.write_text("# created by aiolabel: local emulator state and reports\n*\n")
    return chosen


def _quiet_sdk_logs() -> None:
    """Lookups of keys that do not exist yet are expected here; the SDK logs them as warnings."""
    logger = logging.getLogger("aiolabel")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())


@contextlib.asynccontextmanager
async def _embedded(db: Path, max_concurrency: int) -> AsyncIterator[AsyncClient]:
    from aiolabel.client import AsyncClient
    from aiolabel.emulator import Emulator

    async with (
        Emulator(db=str(db)) as emu,
        AsyncClient(
            api_key=emu.api_key,
            endpoint=emu.endpoint,
            transport=emu.transport,
            max_concurrency=max_concurrency,
        ) as client,
    ):
        yield client


@contextlib.asynccontextmanager
async def _remote(
    endpoint: str | None, api_key: str, max_concurrency: int, allow_insecure_http: bool = False
) -> AsyncIterator[AsyncClient]:
    from aiolabel.client import AsyncClient

    async with AsyncClient(
        api_key=api_key,
        endpoint=endpoint,
        max_concurrency=max_concurrency,
        allow_insecure_http=allow_insecure_http,
    ) as client:
        yield client


class _Bars:
    """Rich progress bars fed by the pipeline's ``progress(stage, done, total)`` callbacks."""

    LABELS: ClassVar[dict[str, str]] = {
        "read": "Reading manifest",
        "upload": "Uploading data rows",
        "tasks": "Waiting for tasks",
        "batches": "Creating batches",
        "priorities": "Setting priorities",
        "export": "Exporting project",
        "verify": "Verifying rows",
    }

    def __init__(self, console: Console, enabled: bool) -> None:
        from rich.progress import (
            BarColumn,
            Progress,
            TaskID,
            TextColumn,
            TimeElapsedColumn,
        )

        self.enabled = enabled
        self._ids: dict[str, TaskID] = {}
        self.progress = Progress(
            TextColumn("{task.description:<22}"),
            BarColumn(bar_width=32),
            TextColumn("{task.percentage:>3.0f}%"),
            TextColumn("{task.fields[count]}", style="cyan"),
            TimeElapsedColumn(),
            console=console,
            disable=not enabled,
            transient=False,
        )

    def __enter__(self) -> _Bars:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        if stage == "read":
            count = "" if total is None else f"{done / 1e6:,.1f}/{total / 1e6:,.1f} MB"
        else:
            count = f"{done:,}" + ("" if total is None else f"/{total:,}")
        task = self._ids.get(stage)
        if task is None:
            task = self.progress.add_task(
                self.LABELS.get(stage, stage), total=total, completed=done, count=count
            )
            self._ids[stage] = task
        else:
            self.progress.update(task, completed=done, total=total, count=count)


def _summary_table(result: IngestResult) -> Any:
    from rich.table import Table

    s = result.summary
    table = Table(show_header=False, box=None, pad_edge=False, padding=(0, 1))
    table.add_column(style="bold")
    table.add_column()

    def where(name: str, uid: str | None, created: bool) -> str:
        state = "would be created" if s.dry_run and uid is None else ("created" if created else "")
        return name + (f" ({uid})" if uid else "") + (f", {state}" if state else "")

    verb = "would be created" if s.dry_run else "created"
    table.add_row("Dataset", where(s.dataset_name, s.dataset_id, s.dataset_created))
    table.add_row("Project", where(s.project_name, s.project_id, s.project_created))
    table.add_row("Media type", s.media_type)
    numbers = Table(show_header=False, box=None, pad_edge=False, padding=(0, 1))
    numbers.add_column(style="bold")
    numbers.add_column(justify="right")
    numbers.add_column(style="dim")
    numbers.add_row("Rows read", f"{s.rows_read:,}", "")
    numbers.add_row("  " + verb, f"{s.rows_created:,}", "")
    numbers.add_row("  already present", f"{s.rows_already_present:,}", "")
    numbers.add_row("  failed", f"{s.rows_failed:,}", f"{s.rows_invalid:,} invalid lines")
    if not s.dry_run:
        numbers.add_row("Batches", f"{s.batches:,}", f"{s.batches_created:,} created")
        numbers.add_row("  rows batched", f"{s.rows_batched:,}", "")
        numbers.add_row("  already batched", f"{s.rows_already_batched:,}", "")
        numbers.add_row("Priorities set", f"{s.priorities_set:,}", "")
    numbers.add_row("Time", f"{s.seconds:,.1f} s", f"{s.rows_per_second:,.0f} rows/s")
    if s.retries or s.reconciled:
        numbers.add_row("Retries", f"{s.retries:,}", f"{s.reconciled:,} lost answers reconciled")
    return table, numbers


def _print_failures(err: Console, result: IngestResult, report: Path | None) -> None:
    if not result.failures_total:
        return
    shown = result.failures[:10]
    _say(err, f"{result.failures_total:,} line(s) did not land:")
    for f in shown:
        where = f"line {f.line}" + (f", field {f.field!r}" if f.field else "")
        key = f" [{f.global_key}]" if f.global_key else ""
        _say(err, f"  {where}{key} ({f.stage}): {f.reason}")
    if result.failures_total > len(shown):
        more = result.failures_total - len(shown)
        if report is not None:
            _say(err, f"  ... and {more:,} more in {report}")
        else:
            _say(err, f"  ... and {more:,} more; pass --report FILE to list them all")
    elif report is not None:
        _say(err, f"failure report: {report}")


def _open_client(
    endpoint: str | None,
    api_key: str | None,
    directory: Path | None,
    max_concurrency: int,
    err: Console,
    *,
    db_name: str = "emulator.sqlite3",
    allow_insecure_http: bool = False,
) -> contextlib.AbstractAsyncContextManager[AsyncClient]:
    """The client ingest talks through: the embedded emulator (no endpoint and no key
    configured), or the service at ``endpoint``."""
    if endpoint is None and api_key is None:
        db = data_dir(directory) / db_name
        _say(
            err,
            "aiolabel: no LABELBOX_ENDPOINT or LABELBOX_API_KEY configured; using the "
            f"embedded emulator (state in {db})",
        )
        return _embedded(db, max_concurrency)
    if not api_key:
        raise typer.BadParameter(
            "an endpoint needs an API key: pass --api-key or set LABELBOX_API_KEY",
            param_hint="--api-key",
        )
    return _remote(endpoint, api_key, max_concurrency, allow_insecure_http)


def _fail_usage(err: Console, command: str, text: str) -> typer.Exit:
    _say(err, f"aiolabel {command}: {text}")
    return typer.Exit(EXIT_USAGE)


# -- ingest --------------------------------------------------------------------------------------

_INGEST_EPILOG = (
    "Examples:\n\n"
    "\b\n"
    "  aiolabel ingest assets.ndjson\n"
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
    "lines failed (listed, and written to --report FILE); 2 usage error; 130 interrupted. "
    "After an interruption or a failure, run the same command again: nothing is created "
    "twice and what was missing is finished."
)


MaxConcurrencyOption = Annotated[
    int, typer.Option(min=1, max=256, metavar="N", help="Requests in flight at once.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print a machine-readable JSON summary.")]
DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        envvar=DATA_DIR_ENV,
        metavar="DIR",
        help="Local data directory of the embedded emulator. [default: ./.aiolabel]",
        show_default=False,
    ),
]
"""Options shared by ``ingest`` and ``demo``."""


@app.command("ingest", epilog=_INGEST_EPILOG)
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
            "NDJSON); a run with no failure removes an older report at FILE.",
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
            help="API key. With neither endpoint nor key, the embedded emulator is used.",
            show_default=False,
        ),
    ] = None,
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
) -> int:
    import anyio

    from aiolabel.errors import AuthenticationError, AuthorizationError, InputError, LabelboxError
    from aiolabel.ingest import IngestError, IngestOptions, ingest

    out, err, interactive = _consoles(json_output)
    _quiet_sdk_logs()
    if manifest_format is not None and manifest_format not in ("ndjson", "csv"):
        raise _fail_usage(err, "ingest", f"--format must be ndjson or csv, not {manifest_format!r}")
    if not manifest.is_file():
        what = "is a directory" if manifest.is_dir() else "does not exist"
        raise _fail_usage(err, "ingest", f"{manifest}: the manifest {what}")
    if report is not None and report.is_dir():
        raise _fail_usage(err, "ingest", f"--report {report}: is a directory, not a file")
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
        from aiolabel._manifest import parse_media_type

        if parse_media_type(media_type) is None:
            raise _fail_usage(err, "ingest", f"--media-type {media_type!r} is not a media type")
    opener = _open_client(
        endpoint, api_key, directory, max_concurrency, err, allow_insecure_http=allow_insecure_http
    )

    async def run() -> IngestResult:
        with _Bars(out, interactive) as bars:
            async with opener as client:
                return await ingest(
                    client,
                    manifest,
                    options,
                    progress=bars,
                    message=lambda text: _say(err, f"aiolabel: {text}"),
                    report=report,
                )

    try:
        result = anyio.run(run)
    except IngestError as exc:
        raise _fail_usage(err, "ingest", str(exc)) from None
    except KeyboardInterrupt:
        _say(
            err,
            "aiolabel ingest: interrupted. Nothing already ingested is lost; run the same "
            "command again to finish.",
        )
        return EXIT_INTERRUPTED
    except (AuthenticationError, AuthorizationError) as exc:
        raise _fail_usage(err, "ingest", f"{exc} (check --api-key and --endpoint)") from None
    except InputError as exc:  # the endpoint or key refused before anything was sent
        hint = " (or pass --allow-insecure-http)" if "plain http" in str(exc) else ""
        raise _fail_usage(err, "ingest", f"{exc}{hint}") from None
    except (LabelboxError, OSError) as exc:
        _say(
            err,
            f"aiolabel ingest: stopped: {exc}. Nothing already ingested is lost; run the "
            "same command again to finish.",
        )
        return EXIT_FAILED_ROWS
    _finish(out, err, result, report, json_output, "aiolabel ingest")
    return EXIT_OK if result.ok else EXIT_FAILED_ROWS


def _finish(
    out: Console,
    err: Console,
    result: IngestResult,
    report: Path | None,
    json_output: bool,
    title: str,
    extra: dict[str, Any] | None = None,
) -> None:
    from dataclasses import asdict

    if json_output:
        doc: dict[str, Any] = {
            "ok": result.ok,
            "summary": result.summary.as_dict(),
            "failures_total": result.failures_total,
            "failures": [asdict(f) for f in result.failures[:100]],
            "report": None if result.report_path is None else str(result.report_path),
        }
        doc.update(extra or {})
        print(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    s = result.summary
    heading = f"{title}: {s.manifest}" + (" (dry run: nothing was created)" if s.dry_run else "")
    _say(out, heading)
    for table in _summary_table(result):
        out.print(table)
    if s.stopped:
        _say(err, f"aiolabel: {s.stopped}")
    _print_failures(err, result, result.report_path or report if result.failures_total else None)


# -- demo ----------------------------------------------------------------------------------------

_DEMO_EPILOG = (
    "Examples:\n\n"
    "\b\n"
    "  aiolabel demo\n"
    "  aiolabel demo --rows 50000\n"
    "  aiolabel demo --rows 250000 --json\n\n"
    "The demo starts its emulator afresh in DATA_DIR/demo.sqlite3 and writes its manifest to "
    "DATA_DIR/demo-manifest.ndjson."
)


@app.command("demo", epilog=_DEMO_EPILOG)
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

    from aiolabel import _demo as demo
    from aiolabel.enums import MediaType
    from aiolabel.errors import LabelboxError
    from aiolabel.ingest import IngestError, IngestOptions, ingest

    out, err, interactive = _consoles(json_output)
    _quiet_sdk_logs()
    folder = data_dir(directory)
    manifest = folder / "demo-manifest.ndjson"
    db = folder / "demo.sqlite3"
    report = folder / "demo-failures.ndjson"
    started = time.monotonic()
    _say(err, f"aiolabel demo: writing a manifest of {rows:,} rows to {manifest}")
    demo.write_manifest(manifest, rows)
    for leftover in (db, *(db.with_name(db.name + s) for s in ("-wal", "-shm", "-journal"))):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
    opener = _open_client(None, None, folder, max_concurrency, err, db_name=db.name)
    options = IngestOptions(
        dataset="aiolabel demo",
        project="aiolabel demo",
        media_type=MediaType.Image,
        batch_prefix=demo.BATCH_PREFIX,
        batch_priority=demo.DEFAULT_BATCH_PRIORITY,
        max_concurrency=max_concurrency,
    )

    async def run() -> tuple[IngestResult, demo.Verification, float]:
        with _Bars(out, interactive) as bars:
            async with opener as client:
                result = await ingest(
                    client,
                    manifest,
                    options,
                    progress=bars,
                    message=lambda text: _say(err, f"aiolabel: {text}"),
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

    try:
        result, checked, export_seconds = anyio.run(run)
    except KeyboardInterrupt:
        _say(err, "aiolabel demo: interrupted")
        return EXIT_INTERRUPTED
    except (IngestError, LabelboxError) as exc:
        _say(err, f"aiolabel demo: {exc}")
        return EXIT_FAILED_ROWS
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
    _finish(out, err, result, report, json_output, "aiolabel demo", {"verification": verification})
    if not json_output:
        if checked.ok:
            _say(
                out,
                f"Verified by export: all {rows:,} rows exactly once, each in the right batch "
                f"with the right priority (export and check {export_seconds:,.1f} s; "
                f"demo {total:,.1f} s in all).",
            )
        else:
            _say(out, "Verification FAILED:")
            for text in checked.examples:
                _say(out, f"  {text}")
    return EXIT_OK if checked.ok and result.ok else EXIT_FAILED_ROWS


def main() -> None:
    """Entry point of the ``aiolabel`` script."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
