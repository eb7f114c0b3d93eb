"""aiolabel's side of each scenario, on plain httpx or on the aiohttp transport.

Each workload runs in a child process (:mod:`benchmarks.child`) on one event loop:
``prepare`` (not measured) opens the client and fetches the objects the caller starts from,
``run`` is one measured round. A method that does not exist (yet) makes the workload report
"not available" instead of a figure.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from benchmarks import data

NEEDS: dict[str, tuple[str, ...]] = {
    "lpo": ("AsyncClient.get_project", "Project.set_labeling_parameter_overrides"),
    "create_batches": ("AsyncClient.get_project", "Project.create_batches"),
    "create_data_rows": ("AsyncClient.get_dataset", "Dataset.create_data_rows"),
    "iterate_data_rows": ("AsyncClient.get_dataset", "Dataset.data_rows"),
    "get_data_row": ("AsyncClient.get_data_row",),
    "overhead": ("AsyncClient.get_user",),
    "task_notice": ("AsyncClient.get_task_by_id", "Task.wait_till_done"),
    "memory": (
        "AsyncClient.get_dataset",
        "AsyncClient.get_project",
        "Dataset.create_data_rows",
        "Project.create_batches",
        "Project.set_labeling_parameter_overrides",
    ),
}


class AioWorkload:
    """One scenario with ``aiolabel.AsyncClient`` (``transport`` "httpx" or "aiohttp")."""

    def __init__(self, scenario: str, spec: dict[str, Any], transport: str) -> None:
        self.scenario = scenario
        self.spec = spec
        self.params: dict[str, Any] = spec["params"]
        self.transport = transport
        self.state: dict[str, Any] = {}
        self.runner = asyncio.Runner()

    def available(self) -> str | None:
        """Why this workload cannot run (a method aiolabel does not have yet), or None."""
        import aiolabel

        missing = []
        for need in NEEDS[self.scenario]:
            owner, _, method = need.partition(".")
            cls = _model_class(owner) if owner != "AsyncClient" else aiolabel.AsyncClient
            if cls is None or not callable(getattr(cls, method, None)):
                missing.append(need)
        if missing:
            return "not available: aiolabel has no " + ", ".join(missing)
        return None

    def prepare(self) -> None:
        self.runner.run(self._prepare())

    def run(self, args: dict[str, Any]) -> dict[str, Any]:
        method = getattr(self, f"run_{self.scenario}")
        result: dict[str, Any] = self.runner.run(method(args))
        return result

    def close(self) -> None:
        client = self.state.get("client")
        if client is not None:
            self.runner.run(client.aclose())
        self.runner.close()

    async def _prepare(self) -> None:
        from aiolabel import AsyncClient, UniqueId

        options: dict[str, Any] = {"transport": self.transport}
        if self.spec.get("max_concurrency"):
            options["max_concurrency"] = self.spec["max_concurrency"]
        client = AsyncClient(
            api_key=self.spec["api_key"], endpoint=self.spec["endpoint"], **options
        )
        await client.__aenter__()
        self.state["client"] = client
        self.client = client
        p = self.params
        if "project_id" in p:
            self.state["project"] = await client.get_project(p["project_id"])
        if "dataset_id" in p:
            self.state["dataset"] = await client.get_dataset(p["dataset_id"])
        if self.scenario == "lpo":
            ids = data.read_ids(p["ids_file"])
            self.state["pairs"] = [(UniqueId(key), data.priority(i)) for i, key in enumerate(ids)]
        elif self.scenario in ("create_batches", "get_data_row"):
            self.state["ids"] = data.read_ids(p["ids_file"])
        elif self.scenario in ("overhead", "task_notice"):
            await client.get_user()

    # -- scenarios ----------------------------------------------------------------------------

    async def run_lpo(self, args: dict[str, Any]) -> dict[str, Any]:
        pairs = self.state["pairs"]
        ok = await self.state["project"].set_labeling_parameter_overrides(pairs)
        return {"items": len(pairs), "result": _short(ok)}

    async def run_create_batches(self, args: dict[str, Any]) -> dict[str, Any]:
        ids = self.state["ids"]
        task = await self.state["project"].create_batches(
            self.params["prefix"], data_rows=ids, priority=3
        )
        await task.wait_till_done(timeout_seconds=3600)
        return {"batches": len(getattr(task, "batches", []) or [])}

    async def run_create_data_rows(self, args: dict[str, Any]) -> dict[str, Any]:
        p = self.params
        items = data.data_row_items(p["rows"], prefix=p["prefix"], tag_schema_id=p["tag_schema_id"])
        task = await self.state["dataset"].create_data_rows(items)
        await task.wait_till_done(timeout_seconds=3600)
        return {"statuses": [_short(getattr(task, "status", None))]}

    async def run_iterate_data_rows(self, args: dict[str, Any]) -> dict[str, Any]:
        count = 0
        async for _row in self.state["dataset"].data_rows():
            count += 1
        return {"rows": count}

    async def run_get_data_row(self, args: dict[str, Any]) -> dict[str, Any]:
        ids = self.state["ids"]
        rows = await asyncio.gather(*(self.client.get_data_row(key) for key in ids))
        return {
            "rows": len(rows),
            "matched": sum(r.uid == k for r, k in zip(rows, ids, strict=True)),
        }

    async def run_overhead(self, args: dict[str, Any]) -> dict[str, Any]:
        n = self.params["calls"]
        users = await asyncio.gather(*(self.client.get_user() for _ in range(n)))
        return {"calls": len(users)}

    async def run_task_notice(self, args: dict[str, Any]) -> dict[str, Any]:
        task = await self.client.get_task_by_id(args["task_id"])
        await task.wait_till_done(timeout_seconds=600)
        noticed = time.time()
        return {"noticed_at": noticed, "status": task.status}

    async def run_memory(self, args: dict[str, Any]) -> dict[str, Any]:
        from aiolabel import GlobalKey

        p = self.params
        marks: dict[str, float] = {"peak_before_mib": _peak_mib()}
        rows, prefix = p["rows"], p["prefix"]
        started = time.perf_counter()
        items = data.data_row_items(rows, prefix=prefix, tag_schema_id=p["tag_schema_id"])
        task = await self.state["dataset"].create_data_rows(items)
        await task.wait_till_done(timeout_seconds=3600)
        marks["create_data_rows_s"] = time.perf_counter() - started
        marks["rss_after_create_data_rows_mib"] = _rss_mib()
        marks["peak_after_create_data_rows_mib"] = _peak_mib()
        started = time.perf_counter()
        batches = await self.state["project"].create_batches(
            p["batch_prefix"], global_keys=data.global_keys(rows, prefix=prefix), priority=3
        )
        await batches.wait_till_done(timeout_seconds=3600)
        marks["create_batches_s"] = time.perf_counter() - started
        marks["rss_after_create_batches_mib"] = _rss_mib()
        marks["peak_after_create_batches_mib"] = _peak_mib()
        started = time.perf_counter()
        pairs = (
            (GlobalKey(key), data.priority(i))
            for i, key in enumerate(data.global_keys(rows, prefix=prefix))
        )
        await self.state["project"].set_labeling_parameter_overrides(pairs)
        marks["lpo_s"] = time.perf_counter() - started
        marks["rss_after_lpo_mib"] = _rss_mib()
        marks["peak_after_lpo_mib"] = _peak_mib()
        return {"rows": rows, "status": _short(getattr(task, "status", None)), **marks}


def _model_class(name: str) -> Any:
    """The aiolabel model class called ``name``, wherever it lives, or None."""
    import importlib

    for module in ("aiolabel", "aiolabel.models", f"aiolabel.models.{_snake(name)}"):
        try:
            found = getattr(importlib.import_module(module), name, None)
        except ImportError:
            continue
        if found is not None:
            return found
    return None


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def _short(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return type(value).__name__


def _peak_mib() -> float:
    """Peak RSS so far (VmHWM)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _rss_mib() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    import os

    return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)
