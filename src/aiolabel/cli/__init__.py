"""The ``aiolabel`` command: ``ingest``, ``demo`` and ``emulator serve`` (a typer app, one module
per command)."""

from __future__ import annotations

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

app.command("ingest", epilog=ingest.EPILOG)(ingest.ingest_command)
app.command("demo", epilog=demo.EPILOG)(demo.demo_command)
emulator_app.command("serve", epilog=emulator.EPILOG)(emulator.serve)


def main() -> None:
    """Entry point of the ``aiolabel`` script."""
    app()


__all__ = ["app", "main"]
