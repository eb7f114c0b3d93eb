"""A GraphQL endpoint in a child process that answers every POST with canned bytes after a
latency, at next to no CPU: what the client-CPU micro-benchmarks (``request_cpu``, ``lpo_cpu``)
measure a client against.

``canned_server("module:function", latency_ms)`` yields the endpoint; ``function(body) ->
bytes`` (a module-level function, imported in the child, which is started with ``spawn``) makes
the answer to each request from its raw body. The full benchmark's answering server, which
forwards what it does not answer to the emulator, is ``benchmarks/answering.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import multiprocessing
import socket
from collections.abc import Iterator
from typing import Any


def _serve(port_out: Any, latency: float, answer_path: str) -> None:
    from aiohttp import web

    module, name = answer_path.split(":")
    answer = getattr(importlib.import_module(module), name)

    async def graphql(request: web.Request) -> web.Response:
        reply = answer(await request.read())
        if latency:
            await asyncio.sleep(latency)
        return web.Response(body=reply, content_type="application/json")

    async def main() -> None:
        app = web.Application(client_max_size=64 * 2**20)
        app.router.add_post("/graphql", graphql)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        await web.SockSite(runner, sock).start()
        port_out.send(sock.getsockname()[1])
        await asyncio.Event().wait()

    asyncio.run(main())


@contextlib.contextmanager
def canned_server(answer: str, latency_ms: float = 0.0) -> Iterator[str]:
    """The endpoint of a server answering each POST with ``answer`` (``"module:function"``)
    after ``latency_ms``, running in a child process for the duration of the block."""
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_serve, args=(send, latency_ms / 1000, answer), daemon=True)
    process.start()
    try:
        if not receive.poll(30):
            raise RuntimeError("the canned server did not start")
        yield f"http://127.0.0.1:{receive.recv()}/graphql"
    finally:
        process.terminate()
        process.join(10)
