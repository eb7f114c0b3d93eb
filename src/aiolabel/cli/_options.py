"""What the commands share: exit codes, options, the data directory, and opening the client."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

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


EMULATOR_NOTICE = "LABELBOX_ENDPOINT and LABELBOX_API_KEY are ignored"


@dataclass(frozen=True)
class Target:
    """Where a command sends its requests."""

    opener: contextlib.AbstractAsyncContextManager[AsyncClient]
    endpoint: str
    """The GraphQL endpoint, or ``embedded emulator``."""
    emulator_db: Path | None = None
    """The embedded emulator's SQLite file (None: a real endpoint)."""

    def as_json(self) -> dict[str, Any]:
        db = None if self.emulator_db is None else str(self.emulator_db)
        return {"endpoint": self.endpoint, "emulator": db is not None, "emulator_db": db}


EMULATOR_EXTRA = "pip install 'aiolabel[emulator]'"


def emulator_missing() -> str | None:
    """Why the embedded emulator cannot start (its extra is not installed), or None."""
    try:
        import aiolabel.emulator  # noqa: F401
    except ModuleNotFoundError as exc:
        return (
            f"the emulator needs the 'emulator' extra ({exc.name} is not installed): "
            f"{EMULATOR_EXTRA}"
        )
    return None


def embedded_target(directory: Path | None, max_concurrency: int, db_name: str) -> Target:
    """The embedded emulator on ``directory/db_name`` (its extra must be installed: see
    :func:`emulator_missing`)."""
    db = data_dir(directory) / db_name
    return Target(_embedded(db, max_concurrency), "embedded emulator", db)


def open_client(
    endpoint: str | None,
    api_key: str | None,
    directory: Path | None,
    max_concurrency: int,
    err: Console,
    *,
    emulator: bool,
    json_output: bool = False,
    allow_insecure_http: bool = False,
) -> Target:
    """Where ``ingest`` sends its requests: the embedded emulator only when asked for with
    ``--emulator``; otherwise the service at ``endpoint`` (default: Labelbox's) with the key,
    and no key is a usage error (never a silent switch to offline)."""
    if emulator:
        missing = emulator_missing()
        if missing is not None:
            raise fail_usage(err, "ingest", missing, json_output=json_output, kind="setup")
        target = embedded_target(directory, max_concurrency, "emulator.sqlite3")
        ignored = f"; {EMULATOR_NOTICE}" if endpoint or api_key else ""
        say(err, f"aiolabel: using the embedded emulator (state in {target.emulator_db}){ignored}")
        return target
    if not api_key:
        what = "an endpoint needs an API key" if endpoint else "no API key"
        raise fail_usage(
            err,
            "ingest",
            f"{what}: set LABELBOX_API_KEY or pass --api-key "
            "(or pass --emulator to try the embedded emulator offline)",
            json_output=json_output,
            kind="auth",
        )
    from aiolabel.client import DEFAULT_ENDPOINT

    chosen = endpoint or DEFAULT_ENDPOINT
    return Target(_remote(chosen, api_key, max_concurrency, allow_insecure_http), chosen)


def fail(
    err: Console,
    command: str,
    text: str,
    *,
    code: int,
    kind: str,
    json_output: bool = False,
    extra: dict[str, Any] | None = None,
) -> typer.Exit:
    """Say why the command stops (one line on stderr; with ``--json`` also a JSON object on
    stdout), and the exit to raise."""
    say(err, f"aiolabel {command}: {text}")
    if json_output:
        doc: dict[str, Any] = {
            "ok": False,
            "exit_code": code,
            "error": {"kind": kind, "message": text},
        }
        doc.update(extra or {})
        print(json.dumps(doc, indent=2, ensure_ascii=False), flush=True)
    return typer.Exit(code)


def fail_usage(
    err: Console,
    command: str,
    text: str,
    *,
    json_output: bool = False,
    kind: str = "usage",
    extra: dict[str, Any] | None = None,
) -> typer.Exit:
    return fail(
        err, command, text, code=EXIT_USAGE, kind=kind, json_output=json_output, extra=extra
    )
