"""A local Labelbox GraphQL server on SQLite, held to the official SDK.

Three ways in: ``async with Emulator() as emu`` (in process, no socket), ``EmulatorServer`` (real
HTTP on 127.0.0.1, for the official SDK or other processes), and ``aiolabel emulator serve``.
"""

try:
    import ariadne  # noqa: F401
    import starlette  # noqa: F401
    import uvicorn  # noqa: F401
except ModuleNotFoundError as exc:  # pragma: no cover - depends on the install
    raise ModuleNotFoundError(
        f"aiolabel.emulator needs the 'emulator' extra ({exc.name} is not installed): "
        "pip install 'aiolabel[emulator]'",
        name=exc.name,
    ) from None

from aiolabel.emulator.app import create_app
from aiolabel.emulator.config import API_KEY_PREFIX, EmulatorConfig, FaultConfig
from aiolabel.emulator.server import Emulator, EmulatorServer
from aiolabel.emulator.state import EmulatorState

__all__ = [
    "API_KEY_PREFIX",
    "Emulator",
    "EmulatorConfig",
    "EmulatorServer",
    "EmulatorState",
    "FaultConfig",
    "create_app",
]
