"""A local Labelbox GraphQL server on SQLite, held to the official SDK.

Three ways in: ``async with Emulator() as emu`` (in process, no socket), ``EmulatorServer`` (real
HTTP on 127.0.0.1, for the official SDK or other processes), and ``aiolabel emulator serve``.
"""

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
