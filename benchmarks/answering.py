"""The answering server: measures a client, not the emulator.

An aiohttp app in front of the emulator that answers each scenario's hot operations itself, with
canned, correctly shaped responses after the configured latency and at next to no CPU, and
forwards every other request to the emulator unchanged:

- ``SetLabelingParameterOverridesPyApi``: ``success: true`` (the items are counted in the raw
  body, never parsed);
- ``GetDataRowPyApi``: the first request of each document text is forwarded and its answer kept
  as a template; later ones get the template with the asked id in place of the template's;
- ``createBatchesPyApi``, ``createEmptyBatchPyApi``, ``addDataRowsToBatchAsyncPyApi``,
  ``CheckAllDataRowsHaveBeenProcessedPyApi``, ``getProjectBatchPyApi``: batches and tasks minted
  here (the ids are counted in the raw body);
- ``UploadFile`` and ``UpsertDataRowsPyApi``: a stored-file URL and a minted task (the rows are
  counted in the uploaded bytes); ``FailedDataRowImportsPyApi`` of a minted task: no failures;
- ``GetUserCreatedTasksPyApi`` and ``task(where:)`` polls of a minted task: COMPLETE once the
  configured task time (default 0) has passed since it was minted.

Minted ids start with ``cbench``. Control: ``GET /_answering/stats``, ``POST /_answering/config``
(``{"latency_ms": .., "task_ms": ..}``), ``POST /_answering/reset``.

Run: ``python -m benchmarks.answering --upstream http://127.0.0.1:PORT [--latency-ms 50]``; it
prints ``answering on http://127.0.0.1:PORT`` once listening.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import re
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

_NAME = re.compile(rb"(?:query|mutation)\s+([_A-Za-z][_0-9A-Za-z]*)")
_ID_LIST = re.compile(rb'"(?:dataRowIds|ids)"\s*:\s*\[')
_VAR = re.compile(rb'"(param_0|id|taskId|batchId)"\s*:\s*"([^"]*)"')
_HOP_HEADERS = {"content-length", "transfer-encoding", "connection", "host", "content-encoding"}


def _now() -> str:
    moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _count_ids(body: bytes) -> int:
    """Ids in the first ``dataRowIds``/``ids`` list of a raw JSON body (ids hold no commas)."""
    found = _ID_LIST.search(body)
    if found is None:
        return 0
    end = body.index(b"]", found.end())
    inner = body[found.end() : end].strip()
    return 0 if not inner else inner.count(b",") + 1


class Answerer:
    """The app's state: canned answers, minted tasks and batches, counters."""

    def __init__(self, upstream: str, latency_ms: float, task_ms: float) -> None:
        self.upstream = upstream.rstrip("/")
        self.latency = latency_ms / 1000.0
        self.task_time = task_ms / 1000.0
        self.session: ClientSession | None = None
        self.ids = itertools.count(1)
        self.reset()

    def reset(self) -> None:
        self.answered: Counter[str] = Counter()
        self.forwarded: Counter[str] = Counter()
        self.items: Counter[str] = Counter()
        self.tasks: dict[str, dict[str, Any]] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.templates: dict[bytes, tuple[str, bytes]] = {}
        self.learning: dict[bytes, asyncio.Event] = {}

    def mint(self, kind: str) -> str:
        return f"cbench{kind}{next(self.ids):015d}"[:25]

    def task(self, kind: str, name: str, size: int, batch: str | None = None) -> str:
        task_id = self.mint("t")
        self.tasks[task_id] = {
            "created": time.monotonic(),
            "createdAt": _now(),
            "type": kind,
            "name": name,
            "size": size,
            "batch": batch,
        }
        return task_id

    def task_json(self, task_id: str) -> dict[str, Any]:
        task = self.tasks[task_id]
        done = time.monotonic() - task["created"] >= self.task_time
        return {
            "id": task_id,
            "name": task["name"],
            "type": task["type"],
            "status": "COMPLETE" if done else "IN_PROGRESS",
            "completionPercentage": 1.0 if done else 0.0,
            "createdAt": task["createdAt"],
            "updatedAt": _now(),
            "errors": None,
            "result": None,
            "metadata": {},
        }

    def stats(self) -> dict[str, Any]:
        return {
            "answered": dict(self.answered),
            "forwarded": dict(self.forwarded),
            "requests": sum(self.answered.values()) + sum(self.forwarded.values()),
            "items": dict(self.items),
        }

    # -- the handlers --------------------------------------------------------------------------

    async def graphql(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        multipart = request.content_type.startswith("multipart/")
        found = _NAME.search(body, 0, 4000)
        name = found.group(1).decode() if found else ""
        answer = self.answer(name, body, multipart)
        if answer is None and name == "GetDataRowPyApi":
            answer = await self._after_learning(request, body)
            if isinstance(answer, web.StreamResponse):
                return answer
        if answer is None:
            return await self.forward(request, body, name)
        self.answered[name] += 1
        if self.latency:
            await asyncio.sleep(self.latency)
        if isinstance(answer, bytes):
            return web.Response(body=answer, content_type="application/json")
        return web.Response(body=json.dumps({"data": answer}), content_type="application/json")

    def answer(self, name: str, body: bytes, multipart: bool) -> dict[str, Any] | bytes | None:
        """The canned answer of a hot operation, or None to forward the request."""
        if name == "SetLabelingParameterOverridesPyApi":
            self.items["lpo"] += body.count(b"dataRowIdentifier")
            return {"project": {"setLabelingParameterOverrides": {"success": True}}}
        if name == "GetDataRowPyApi":
            return self._data_row(body)
        if name == "createBatchesPyApi":
            count = _count_ids(body)
            self.items["batched"] += count
            tasks = []
            for k in range(-(-count // 100_000)):
                batch = self._batch(f"batch-{k}", min(100_000, count - 100_000 * k))
                tasks.append(
                    {"batchUuid": batch, "taskId": self.task("create-batches", "", 0, batch)}
                )
            return {"project": {"createBatches": {"tasks": tasks}}}
        if name == "CheckAllDataRowsHaveBeenProcessedPyApi":
            return {"queryAllDataRowsHaveBeenProcessed": {"allDataRowsHaveBeenProcessed": True}}
        if name == "createEmptyBatchPyApi":
            return {"project": {"createEmptyBatch": {"id": self._batch("empty", 0)}}}
        if name == "addDataRowsToBatchAsyncPyApi":
            count = _count_ids(body)
            self.items["batched"] += count
            task_id = self.task("add-data-rows-to-batch", "", count)
            return {"project": {"addDataRowsToBatchAsync": {"taskId": task_id}}}
        if name == "getProjectBatchPyApi":
            batch_id = self._var(body, "batchId")
            if batch_id not in self.batches:
                return None
            return {"project": {"batches": {"nodes": [self.batches[batch_id]]}}}
        if name == "UploadFile" and multipart:
            self.items["uploaded_rows"] += body.count(b'"row_data"') + body.count(b'"rowData"')
            self.items["uploaded_bytes"] += len(body)
            name = f"{uuid.uuid4().hex}.json"
            return {
                "uploadFile": {"url": f"https://storage.example.com/bench/{name}", "filename": name}
            }
        if name == "UpsertDataRowsPyApi":
            task_id = self.task("upsert-data-rows", "upsert", 0)
            return {"upsertDataRows": self._task_out(task_id)}
        if name == "FailedDataRowImportsPyApi" and self._minted(body):
            return {"failedDataRowImports": {"after": None, "total": 0, "results": []}}
        if name in ("GetUserCreatedTasksPyApi", "GetTaskPyApi") and self._minted(body):
            task_id = (
                self._var(body, "taskId") or self._var(body, "param_0") or self._var(body, "id")
            )
            if task_id in self.tasks:
                return self._task_answer(name, task_id)
        return None

    def _minted(self, body: bytes) -> bool:
        return b'"cbencht' in body

    @staticmethod
    def _var(body: bytes, key: str) -> str | None:
        for found in _VAR.finditer(body):
            if found.group(1).decode() == key:
                return found.group(2).decode()
        return None

    def _batch(self, name: str, size: int) -> str:
        batch_id = self.mint("b")
        self.batches[batch_id] = {
            "id": batch_id,
            "name": name,
            "size": size,
            "createdAt": _now(),
            "updatedAt": _now(),
            "consensusSettingsJson": None,
        }
        return batch_id

    def _task_out(self, task_id: str) -> dict[str, Any]:
        out = self.task_json(task_id)
        return {k: out[k] for k in ("id", "name", "status", "createdAt", "updatedAt")} | {
            "completionPercentage": out["completionPercentage"],
            "type": out["type"],
            "result": None,
            "errors": None,
            "metadata": {},
        }

    def _task_answer(self, name: str, task_id: str) -> dict[str, Any]:
        task = self._task_out(task_id)
        if name == "GetUserCreatedTasksPyApi":
            return {"user": {"createdTasks": [task]}}
        return {"task": task}

    async def _after_learning(
        self, request: web.Request, body: bytes
    ) -> bytes | web.StreamResponse | None:
        """The first request of a ``GetDataRowPyApi`` text is forwarded and learnt; the ones
        arriving meanwhile wait for it, then get the template."""
        text = json.loads(body)["query"].encode()
        event = self.learning.get(text)
        if event is None:
            self.learning[text] = asyncio.Event()
            try:
                return await self.forward(request, body, "GetDataRowPyApi")
            finally:
                self.learning[text].set()
        await event.wait()
        return self._data_row(body)

    def _data_row(self, body: bytes) -> bytes | None:
        """The template answer of this document with the asked id, or None (forward, learn)."""
        query = json.loads(body)
        variables = query.get("variables") or {}
        asked = variables.get("id") or variables.get("param_0")
        learned = self.templates.get(query["query"].encode())
        if learned is None or not isinstance(asked, str):
            return None
        template_id, template = learned
        return template.replace(template_id.encode(), asked.encode())

    async def forward(self, request: web.Request, body: bytes, name: str) -> web.StreamResponse:
        self.forwarded[name or request.path] += 1
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_HEADERS}
        assert self.session is not None
        async with self.session.request(
            request.method, self.upstream + request.path_qs, data=body, headers=headers
        ) as upstream:
            content = await upstream.read()
            kept = {k: v for k, v in upstream.headers.items() if k.lower() not in _HOP_HEADERS}
            status = upstream.status
        if name == "GetDataRowPyApi" and status == 200:
            self._learn(body, content)
        return web.Response(body=content, status=status, headers=kept)

    def _learn(self, body: bytes, content: bytes) -> None:
        query = json.loads(body)
        variables = query.get("variables") or {}
        asked = variables.get("id") or variables.get("param_0")
        answer = json.loads(content)
        if isinstance(asked, str) and answer.get("data") and not answer.get("errors"):
            self.templates.setdefault(query["query"].encode(), (asked, content))

    # -- control -------------------------------------------------------------------------------

    async def control_stats(self, request: web.Request) -> web.Response:
        return web.json_response(self.stats())

    async def control_config(self, request: web.Request) -> web.Response:
        changes = await request.json()
        if "latency_ms" in changes:
            self.latency = float(changes["latency_ms"]) / 1000.0
        if "task_ms" in changes:
            self.task_time = float(changes["task_ms"]) / 1000.0
        return web.json_response({"latency_ms": self.latency * 1000, "task_ms": self.task_time})

    async def control_reset(self, request: web.Request) -> web.Response:
        self.reset()
        return web.json_response({"ok": True})

    async def passthrough(self, request: web.Request) -> web.StreamResponse:
        return await self.forward(request, await request.read(), "")


def make_app(answerer: Answerer) -> web.Application:
    app = web.Application(client_max_size=1 << 31)

    async def start(app: web.Application) -> None:
        answerer.session = ClientSession(timeout=ClientTimeout(total=3600))

    async def stop(app: web.Application) -> None:
        if answerer.session is not None:
            await answerer.session.close()

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    app.router.add_get("/_answering/stats", answerer.control_stats)
    app.router.add_post("/_answering/config", answerer.control_config)
    app.router.add_post("/_answering/reset", answerer.control_reset)
    app.router.add_post("/graphql", answerer.graphql)
    app.router.add_post("/_gql", answerer.graphql)
    app.router.add_route("*", "/{tail:.*}", answerer.passthrough)
    return app


async def serve(upstream: str, port: int, latency_ms: float, task_ms: float) -> None:
    answerer = Answerer(upstream, latency_ms, task_ms)
    runner = web.AppRunner(make_app(answerer), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, backlog=1024)
    await site.start()
    sockets = site._server.sockets if site._server is not None else []
    bound = sockets[0].getsockname()[1]
    print(f"answering on http://127.0.0.1:{bound}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


class AnsweringProcess:
    """The answering server in a child process, in front of an emulator (``upstream``)."""

    def __init__(self, upstream: str, *, latency_ms: float = 0.0) -> None:
        import subprocess
        import sys

        import httpx
        import psutil

        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.answering", "--upstream", upstream,
             "--latency-ms", str(latency_ms)],
            stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.startswith("answering on "):
            self.stop()
            raise RuntimeError(f"the answering server did not start: {line!r}")
        self.base_url = line.removeprefix("answering on ")
        self.endpoint = self.base_url + "/graphql"
        self.http = httpx.Client(base_url=self.base_url, timeout=60.0)
        self.ps = psutil.Process(self.process.pid)

    def config(self, **changes: float) -> None:
        self.http.post("/_answering/config", json=changes).raise_for_status()

    def latency(self, ms: float) -> None:
        self.config(latency_ms=ms)

    def reset(self) -> None:
        self.http.post("/_answering/reset").raise_for_status()

    def stats(self) -> dict[str, Any]:
        response = self.http.get("/_answering/stats")
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def cpu_seconds(self) -> float:
        times = self.ps.cpu_times()
        return float(times.user + times.system)

    def stop(self) -> None:
        import subprocess

        if hasattr(self, "http"):
            self.http.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.answering")
    parser.add_argument("--upstream", required=True, help="the emulator's base URL")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--task-ms", type=float, default=0.0)
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.upstream, args.port, args.latency_ms, args.task_ms))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
