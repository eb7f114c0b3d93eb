"""``aiolabel emulator serve``: the local Labelbox emulator as a server."""

from __future__ import annotations

from typing import Annotated

import typer

EPILOG = (
    "Examples:\n\n"
    "\b\n"
    "  aiolabel emulator serve --port 8765 --db emulator.sqlite3\n"
    "  aiolabel emulator serve --latency-ms 50 --error-rate 0.1 --seed 7"
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
    ``aiolabel ingest`` (or any aiolabel or labelbox client) talks to this emulator. They are
    printed once the port is bound; a port that is taken, an unknown host or a database that
    cannot be opened exits with code 2 and one line. With ``--host 0.0.0.0`` the endpoint
    printed is on 127.0.0.1, which a client on this machine reaches over plain http.
    """
    from aiolabel.cli._options import emulator_missing

    missing = emulator_missing()
    if missing is not None:
        typer.echo(f"aiolabel emulator: {missing}", err=True)
        raise typer.Exit(2)
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
    import sqlite3

    server = EmulatorServer(config, host=host, port=port)
    try:
        server.serve_forever(announce=lambda line: print(line, flush=True))
    except OSError as exc:
        typer.echo(f"aiolabel emulator: cannot listen on {host}:{port}: {exc}", err=True)
        raise typer.Exit(2) from None
    except sqlite3.Error as exc:
        typer.echo(f"aiolabel emulator: cannot open the database {db!r}: {exc}", err=True)
        raise typer.Exit(2) from None
