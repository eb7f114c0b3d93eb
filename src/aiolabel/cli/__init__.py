"""The ``aiolabel`` command: ``ingest``, ``demo`` and ``emulator serve`` (a typer app, one module
per command, in :mod:`aiolabel.cli._app`).

``app`` is imported on first use, so that ``main`` can say which extra to install when the
command line's dependencies are missing.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiolabel.cli._app import app

__all__ = ["app", "main"]

_CLI_MODULES = frozenset({"typer", "click", "rich", "shellingham"})


def __getattr__(name: str) -> Any:
    if name == "app":
        from aiolabel.cli._app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``aiolabel`` script."""
    try:
        from aiolabel.cli._app import run
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in _CLI_MODULES:
            raise
        sys.stderr.write(
            f"aiolabel: the command line needs the 'cli' extra ({exc.name} is not installed): "
            "pip install 'aiolabel[cli]'\n"
        )
        raise SystemExit(2) from None
    raise SystemExit(run(argv))
