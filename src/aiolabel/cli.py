"""The ``aiolabel`` command: a typer app with one sub-app per area (``aiolabel emulator serve``)."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(
    name="aiolabel",
    help="An asyncio client for the Labelbox API, and a local emulator of that API.",
    no_args_is_help=True,
    add_completion=False,
)
emulator_app = typer.Typer(help="The local Labelbox emulator.", no_args_is_help=True)
app.add_typer(emulator_app, name="emulator")


@emulator_app.command("serve")
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
    drop_rate: Annotated[float, typer.Option(help="Share of connections dropped.")] = 0.0,
    applied_then_failed_rate: Annotated[
        float, typer.Option(help="Share of requests applied, then answered 502.")
    ] = 0.0,
) -> None:
    """Serve the emulator until interrupted.

    The first lines of output are ``aiolabel emulator listening on http://HOST:PORT``,
    ``LABELBOX_ENDPOINT=…`` and ``LABELBOX_API_KEY=…``.
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
                drop_rate=drop_rate,
                applied_then_failed_rate=applied_then_failed_rate,
            ),
        )
    except ValueError as exc:
        typer.echo(f"aiolabel emulator: {exc}", err=True)
        raise typer.Exit(2) from None
    server = EmulatorServer(config, host=host, port=port)
    server.serve_forever(announce=lambda line: print(line, flush=True))


def main() -> None:
    """Entry point of the ``aiolabel`` script."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
