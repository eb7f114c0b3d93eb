"""The typer app: the commands registered, and :func:`run`, which gives every way out of the
command line one message and, with ``--json``, one JSON object on stdout."""

from __future__ import annotations

import json
import os
import sys
from typing import Annotated

import typer

from aiolabel.cli import demo, emulator, ingest

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
        "  aiolabel ingest assets.ndjson --emulator\n"
        "  aiolabel ingest assets.ndjson --project 'Street scenes' --report failures.ndjson\n"
        "  aiolabel emulator serve --port 8765 --db emulator.sqlite3\n\n"
        "ingest sends to LABELBOX_ENDPOINT (default: Labelbox) with LABELBOX_API_KEY; with "
        "--emulator it uses an embedded emulator whose state lives in ./.aiolabel (or "
        "--data-dir, $AIOLABEL_DATA_DIR). demo always runs on its own embedded emulator."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
emulator_app = typer.Typer(
    help="The local Labelbox emulator.",
    epilog="Example:\n\n\b\n  aiolabel emulator serve --port 8765 --db emulator.sqlite3",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_show_locals=False,
)
app.add_typer(emulator_app, name="emulator")


def _print_version(value: bool) -> None:
    if value:
        from aiolabel._version import __version__

        typer.echo(f"aiolabel {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            callback=_print_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Options of the ``aiolabel`` command itself."""


app.command("ingest", epilog=ingest.EPILOG)(ingest.ingest_command)
app.command("demo", epilog=demo.EPILOG)(demo.demo_command)
emulator_app.command("serve", epilog=emulator.EPILOG)(emulator.serve)


def run(argv: list[str] | None = None) -> int:
    """Run the command line; the exit code. Usage errors (exit 2) print a JSON object on
    stdout with ``--json``; an unexpected error prints one line (its traceback only with
    ``AIOLABEL_DEBUG=1``)."""
    from aiolabel.cli._failures import DEBUG_ENV
    from aiolabel.cli._options import EXIT_FAILED_ROWS, EXIT_INTERRUPTED

    # typer's own click (vendored in recent typer, the click package before): its exceptions
    click_error: type[Exception] = next(
        c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"
    )
    args = sys.argv[1:] if argv is None else argv
    json_output = "--json" in args

    def as_json(code: int, kind: str, message: str) -> None:
        if json_output:
            error = {"kind": kind, "message": message}
            doc = {"ok": False, "exit_code": code, "error": error}
            print(json.dumps(doc, indent=2, ensure_ascii=False), flush=True)

    try:
        code = app(args=args, prog_name="aiolabel", standalone_mode=False)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except click_error as exc:
        exc.show()  # type: ignore[attr-defined]
        code = int(exc.exit_code)  # type: ignore[attr-defined]
        as_json(code, "usage", exc.format_message())  # type: ignore[attr-defined]
        return code
    except typer.Abort:
        sys.stderr.write("aiolabel: interrupted\n")
        as_json(EXIT_INTERRUPTED, "interrupted", "interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:
        if os.environ.get(DEBUG_ENV):
            raise
        from aiolabel.cli._failures import unexpected

        stop = unexpected(exc)
        sys.stderr.write(f"aiolabel: {stop.message}\n")
        as_json(stop.code, stop.kind, stop.message)
        return EXIT_FAILED_ROWS
    return code if isinstance(code, int) else 0
