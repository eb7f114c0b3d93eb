"""Entry points: an in-process ``Emulator`` and a real HTTP server (uvicorn)."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from types import TracebackType
from typing import Any, Self

import anyio
import uvicorn

from aiolabel.emulator._guard import GuardedH11Protocol
from aiolabel.emulator.app import REST_BASE, ConnectionDropped, create_app
from aiolabel.emulator.config import EmulatorConfig, FaultConfig
from aiolabel.emulator.state import EmulatorState
from aiolabel.emulator.transport import EmulatorTransport

IN_PROCESS_BASE_URL = "http://emulator.localhost"


def _config(config: EmulatorConfig | None, overrides: dict[str, Any]) -> EmulatorConfig:
    if config is not None and overrides:
        raise TypeError("pass either an EmulatorConfig or keyword settings, not both")
    if config is not None:
        return config
    fault_names = set(FaultConfig.__dataclass_fields__)
    faults = {k: overrides.pop(k) for k in list(overrides) if k in fault_names}
    for key in ("operations", "latency_operations"):
        if faults.get(key) is not None:
            faults[key] = frozenset(faults[key])
    if "faults" in overrides:
        if faults:
            raise TypeError("pass fault settings either as faults= or as keywords, not both")
        return EmulatorConfig(**overrides)
    return EmulatorConfig(faults=FaultConfig(**faults), **overrides)


class _Controls:
    """Python controls shared by both entry points (same as the /_emulator/ API)."""

    state: EmulatorState

    def reset(self) -> None:
        self.state.reset()

    def set_transition(self, task_type: str, rule: dict[str, Any] | None) -> None:
        """Rule for one task type: ``{"mode": "immediate" | "polls" | "delay" | "fail", ...}``."""
        self.state.set_transition(task_type, rule)

    def set_faults(self, **changes: Any) -> FaultConfig:
        """Change fault knobs (``error_rate=0.1``, ``operations={"createBatchV2PyApi"}``, ...)."""
        if "seed" in changes:
            self.state.faults.reseed(changes.pop("seed"))
        return self.state.faults.update(**changes)

    def stats(self) -> dict[str, Any]:
        return self.state.stats()

    def control(self, name: str, **kwargs: Any) -> Any:
        """Run a domain's test control, e.g. ``emu.control("add_label", ...)``."""
        return self.state.control(name, **kwargs)

    def wait_for_jobs(self, timeout: float = 30.0) -> bool:
        """Block until background work has finished (tasks may still wait on their rule)."""
        return self.state.jobs.wait_idle(timeout)

    @property
    def api_key(self) -> str:
        return self.state.config.api_key


class Emulator(_Controls):
    """An emulator in this process: ``async with Emulator() as emu:`` then use ``emu.transport``.

    ``AsyncClient(api_key=emu.api_key, endpoint=emu.endpoint, transport=emu.transport)`` reaches
    it without a socket.
    """

    def __init__(self, config: EmulatorConfig | None = None, **settings: Any) -> None:
        self.config = _config(config, settings)
        self._state: EmulatorState | None = None
        self._transport: EmulatorTransport | None = None

    @property
    def state(self) -> EmulatorState:  # type: ignore[override]
        if self._state is None:
            raise RuntimeError("the emulator is not running: use `async with Emulator() as emu:`")
        return self._state

    @property
    def endpoint(self) -> str:
        return f"{IN_PROCESS_BASE_URL}/graphql"

    @property
    def rest_endpoint(self) -> str:
        """The REST base (``rest_endpoint`` of the official client)."""
        return f"{IN_PROCESS_BASE_URL}{REST_BASE}"

    @property
    def transport(self) -> EmulatorTransport:
        if self._transport is None:
            raise RuntimeError("the emulator is not running: use `async with Emulator() as emu:`")
        return self._transport

    def start(self) -> Self:
        self._state = EmulatorState(self.config)
        self._transport = EmulatorTransport(create_app(self._state))
        return self

    def stop(self) -> None:
        if self._state is not None:
            self._state.close()
            self._state = None
            self._transport = None

    async def __aenter__(self) -> Self:
        return await anyio.to_thread.run_sync(self.start)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._transport is not None:
            await self._transport.aclose()
        await anyio.to_thread.run_sync(self.stop)

    def __repr__(self) -> str:
        running = "running" if self._state is not None else "stopped"
        return f"<Emulator {running} db={self.config.db!r}>"


class _QuietDrops(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], ConnectionDropped))


def connect_host(host: str) -> str:
    """The host a local client connects to for a server listening on ``host``."""
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host in ("::", "[::]"):
        return "[::1]"
    if ":" in host and not host.startswith("["):
        return f"[{host}]"
    return host


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (``OSError`` when it cannot be had)."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host.strip("[]") or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except BaseException:
        sock.close()
        raise
    return sock


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class EmulatorServer(_Controls):
    """An emulator served over real HTTP by uvicorn on a background thread.

    ``with EmulatorServer() as server:`` then ``server.endpoint`` (``http://127.0.0.1:PORT/graphql``).
    """

    def __init__(
        self,
        config: EmulatorConfig | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        **settings: Any,
    ) -> None:
        self.config = _config(config, settings)
        self.host = host
        self.port = port
        self._state: EmulatorState | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def state(self) -> EmulatorState:  # type: ignore[override]
        if self._state is None:
            raise RuntimeError("the emulator server is not running")
        return self._state

    @property
    def base_url(self) -> str:
        """Where a client on this machine reaches the server (a wildcard host such as
        ``0.0.0.0`` or ``::`` is reached on loopback, which clients accept over plain http)."""
        return f"http://{connect_host(self.host)}:{self.port}"

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}/graphql"

    @property
    def rest_endpoint(self) -> str:
        """The REST base: pass it as the official client's ``rest_endpoint``, whose default is
        the real service's (it is not derived from ``endpoint``)."""
        return f"{self.base_url}{REST_BASE}"

    def _uvicorn(self, state: EmulatorState) -> uvicorn.Server:
        logging.getLogger("uvicorn.error").addFilter(_QuietDrops())
        config = uvicorn.Config(
            create_app(state),
            host=self.host,
            port=self.port,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_keep_alive=30,
            http=GuardedH11Protocol,
        )
        return uvicorn.Server(config)

    def start(self) -> Self:
        """Bind the socket here (port 0 takes a free port in the same step, so no other process
        can take it in between), then serve it on a background thread."""
        try:
            sock = listen(self.host, self.port)
        except OSError as exc:
            raise RuntimeError(f"the emulator could not listen on {self.host}:{self.port}") from exc
        try:
            self.port = int(sock.getsockname()[1])
            self._state = EmulatorState(self.config)
            self._server = self._uvicorn(self._state)
        except BaseException:
            sock.close()
            raise
        server = self._server

        def serve() -> None:
            try:
                asyncio.run(server.serve(sockets=[sock]))
            finally:
                sock.close()

        self._thread = threading.Thread(target=serve, name="aiolabel-emulator", daemon=True)
        self._thread.start()
        for _ in range(500):
            if server.started or not self._thread.is_alive():
                break
            threading.Event().wait(0.01)
        if not server.started:
            self.stop()
            raise RuntimeError(f"the emulator could not listen on {self.host}:{self.port}")
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._state is not None:
            self._state.close()
        self._server = self._thread = self._state = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        return await anyio.to_thread.run_sync(self.start)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await anyio.to_thread.run_sync(self.stop)

    def serve_forever(self, announce: Any = print) -> None:
        """Serve in the foreground (the CLI). The socket is bound first (``OSError`` if it
        cannot be: the port is taken, the host unknown), then where to reach it is printed."""
        sock = listen(self.host, self.port)
        try:
            self.port = int(sock.getsockname()[1])
            self._state = EmulatorState(self.config)
        except BaseException:
            sock.close()
            raise
        server = self._uvicorn(self._state)
        announce(f"aiolabel emulator listening on {self.base_url}")
        announce(f"LABELBOX_ENDPOINT={self.endpoint}")
        announce(f"LABELBOX_API_KEY={self.config.api_key}")
        try:
            server.run(sockets=[sock])
        finally:
            sock.close()
            self._state.close()
            self._state = None

    def __repr__(self) -> str:
        return f"<EmulatorServer {self.base_url} db={self.config.db!r}>"
