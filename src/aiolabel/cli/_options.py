"""What the commands share: exit codes, options, the data directory, and opening the client."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from aiolabel.client import AsyncClient

EXIT_OK = 0
EXIT_FAILED_ROWS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
DATA_DIR_ENV = "AIOLABEL_DATA_DIR"
DEFAULT_DATA_DIR = ".aiolabel"

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


def consoles(json_output: bool) -> tuple[Console, Console, bool]:
    """``(stdout, stderr, interactive)``: progress bars only on a terminal, never with --json."""
    from rich.console import Console

    out = Console(highlight=False, soft_wrap=False)
    err = Console(stderr=True, highlight=False)
    interactive = sys.stdout.isatty() and not json_output
    return out, err, interactive


def say(console: Console, text: str) -> None:
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


def quiet_sdk_logs() -> None:
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


def open_client(
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
        say(
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


def fail_usage(err: Console, command: str, text: str) -> typer.Exit:
    say(err, f"aiolabel {command}: {text}")
    return typer.Exit(EXIT_USAGE)
