"""The official ``labelbox`` SDK, used as its documentation shows, and driven by 16 threads.

Each workload runs in a child process (:mod:`benchmarks.child`): ``prepare`` (not measured)
builds the client and the caller's inputs, ``run`` is one measured round.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from benchmarks import data

THREADS = 16


class OfficialWorkload:
    """One scenario with the official SDK; ``threads`` > 1 drives it from a thread pool."""

    def __init__(self, scenario: str, spec: dict[str, Any], threads: int) -> None:
        self.scenario = scenario
        self.spec = spec
        self.params: dict[str, Any] = spec["params"]
        self.threads = threads
        self.state: dict[str, Any] = {}

    def available(self) -> str | None:
        """Why this workload cannot run, or None."""
        if self.threads > 1 and self.scenario in ("iterate_data_rows", "task_notice", "memory"):
            return "not applicable: the work is one sequential stream"
        return None

    def prepare(self) -> None:
        import labelbox
        from labelbox.schema.identifiable import UniqueId

        client = labelbox.Client(api_key=self.spec["api_key"], endpoint=self.spec["endpoint"])
        self.client = client
        p = self.params
        if self.scenario == "lpo":
            self.state["project"] = client.get_project(p["project_id"])
            ids = data.read_ids(p["ids_file"])
            self.state["pairs"] = [(UniqueId(key), data.priority(i)) for i, key in enumerate(ids)]
        elif self.scenario == "create_batches":
            self.state["project"] = client.get_project(p["project_id"])
            self.state["ids"] = data.read_ids(p["ids_file"])
        elif self.scenario == "create_data_rows":
            # The SDK iterates its input twice (a generator would arrive empty): the caller
            # holds a list, built here, before the measured phase (its memory still counts).
            self.state["dataset"] = client.get_dataset(p["dataset_id"])
            parts = data.split(p["rows"], self.threads)
            self.state["parts"] = [
                list(
                    data.data_row_items(
                        size, prefix=p["prefix"], tag_schema_id=p["tag_schema_id"], start=start
                    )
                )
                for start, size in parts
            ]
        elif self.scenario == "iterate_data_rows":
            self.state["dataset"] = client.get_dataset(p["dataset_id"])
        elif self.scenario == "get_data_row":
            self.state["ids"] = data.read_ids(p["ids_file"])
        elif self.scenario in ("overhead", "task_notice"):
            client.get_user()

    def run(self, args: dict[str, Any]) -> dict[str, Any]:
        method = getattr(self, f"run_{self.scenario}")
        result: dict[str, Any] = method(args)
        return result

    def _pool(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(self.threads)

    # -- scenarios ----------------------------------------------------------------------------

    def run_lpo(self, args: dict[str, Any]) -> dict[str, Any]:
        project, pairs = self.state["project"], self.state["pairs"]
        chunks = [pairs[i : i + 1000] for i in range(0, len(pairs), 1000)]
        if self.threads > 1:
            with self._pool() as pool:
                ok = list(pool.map(project.set_labeling_parameter_overrides, chunks))
        else:
            ok = [project.set_labeling_parameter_overrides(chunk) for chunk in chunks]
        return {"items": len(pairs), "calls": len(chunks), "all_success": all(ok)}

    def run_create_batches(self, args: dict[str, Any]) -> dict[str, Any]:
        project, ids = self.state["project"], self.state["ids"]
        prefix = self.params["prefix"]
        if self.threads > 1:
            parts = [ids[i : i + 100_000] for i in range(0, len(ids), 100_000)]

            def one(k: int) -> Any:
                return project.create_batch(f"{prefix}{k:04d}", parts[k], priority=3)

            with self._pool() as pool:
                batches = list(pool.map(one, range(len(parts))))
            return {"batches": len(batches)}
        task = project.create_batches(prefix, data_rows=ids, priority=3)
        task.wait_till_done(timeout_seconds=3600)
        return {"batches": len(task.batches), "errors": task.errors()}

    def run_create_data_rows(self, args: dict[str, Any]) -> dict[str, Any]:
        dataset, parts = self.state["dataset"], self.state["parts"]

        def one(items: list[dict[str, Any]]) -> str:
            task = dataset.create_data_rows(items)
            task.wait_till_done(timeout_seconds=3600)
            return str(task.status)

        if self.threads > 1:
            with self._pool() as pool:
                statuses = list(pool.map(one, parts))
        else:
            statuses = [one(items) for items in parts]
        return {"statuses": sorted(set(statuses)), "tasks": len(statuses)}

    def run_iterate_data_rows(self, args: dict[str, Any]) -> dict[str, Any]:
        count = sum(1 for _ in self.state["dataset"].data_rows())
        return {"rows": count}

    def run_get_data_row(self, args: dict[str, Any]) -> dict[str, Any]:
        ids = self.state["ids"]
        if self.threads > 1:
            with self._pool() as pool:
                rows = list(pool.map(self.client.get_data_row, ids))
        else:
            rows = [self.client.get_data_row(key) for key in ids]
        return {
            "rows": len(rows),
            "matched": sum(r.uid == k for r, k in zip(rows, ids, strict=True)),
        }

    def run_overhead(self, args: dict[str, Any]) -> dict[str, Any]:
        n = self.params["calls"]
        if self.threads > 1:
            with self._pool() as pool:
                users = list(pool.map(lambda _: self.client.get_user(), range(n)))
        else:
            users = [self.client.get_user() for _ in range(n)]
        return {"calls": len(users)}

    def run_task_notice(self, args: dict[str, Any]) -> dict[str, Any]:
        task = self.client.get_task_by_id(args["task_id"])
        task.wait_till_done(timeout_seconds=600)
        noticed = time.time()
        return {"noticed_at": noticed, "status": task.status}

    def close(self) -> None:
        pass
