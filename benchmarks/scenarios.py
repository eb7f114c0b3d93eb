"""The scenarios: how each sets up its data (unmeasured, latency off), its rounds, its checks.

Every scenario gets a freshly reset emulator per client. Set-up goes through the control API
(``/_emulator/actions/bulk_create_data_rows``) and plain GraphQL, never through a client under
test; checks read the server's state afterwards, so a figure is only reported for work that was
really done.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks import data
from benchmarks.server import EmulatorProcess

ALL_CLIENTS = ("official", "official-16t", "aiolabel-httpx", "aiolabel-aiohttp")
AIOLABEL_CLIENTS = ("aiolabel-httpx", "aiolabel-aiohttp")
SERVERS = ("emulator", "answering")
"""Where the clients send their requests: the emulator itself, or :mod:`benchmarks.answering` in
front of it (the scenario's hot operations answered at next to no CPU, the rest forwarded)."""

CREATE_PROJECT = (
    "mutation CreateProjectPyApi($name: String!, $allowedMediaType: MediaType!)"
    "{createProject(data: {name: $name allowedMediaType: $allowedMediaType}) {id}}"
)
CREATE_DATASET = (
    "mutation CreateDatasetPyApi($name: String!){createDataset(data: {name: $name}) {id}}"
)
CREATE_BATCHES = (
    "mutation createBatchesPyApi($projectId: ID!, $input: CreateBatchesInput!) {"
    " project(where: {id: $projectId}) { createBatches(input: $input) {"
    " tasks { batchUuid taskId } } } }"
)
TASK = (
    "query BenchTask($id: ID!){task(where: {id: $id}){id status type createdAt updatedAt"
    " completionPercentage}}"
)
BATCHES = (
    "query BenchBatches($from: String, $first: PageSize, $projectId: ID!) {"
    " project(where: {id: $projectId}) {id batches(after: $from, first: $first) {"
    " nodes { name size } pageInfo { endCursor }}}}"
)
ROW_COUNT = "query BenchRowCount($id: ID!){dataset(where: {id: $id}){rowCount}}"
ONTOLOGY = "query BenchOntology{customMetadataOntology{id name}}"
START_JOB = "query BenchStartJob($ids: [ID!]!){dataRowsForGlobalKeys(where: {ids: $ids}){jobId}}"
NOTICE_TASK_TYPE = "get-data-rows-for-global-keys"


def per_request(record: dict[str, Any]) -> None:
    """Requests per second and client / server CPU per request, added to a record."""
    requests = record.get("requests") or 0
    if requests and record.get("wall_s"):
        record["requests_per_s"] = requests / record["wall_s"]
        record["cpu_per_request_ms"] = 1000 * record["cpu_s"] / requests
        record["server_cpu_per_request_ms"] = 1000 * record["server_cpu_s"] / requests


class CheckFailed(Exception):
    """The server's state after a run is not what the work should have produced."""


def _wait_task(server: EmulatorProcess, task_id: str, timeout: float = 3600.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        task: dict[str, Any] = server.gql(TASK, {"id": task_id})["task"]
        if task["status"] not in ("IN_PROGRESS", "CANCELLING"):
            return task
        if time.monotonic() > deadline:
            raise CheckFailed(f"set-up task {task_id} did not finish")
        time.sleep(0.05)


def new_project(server: EmulatorProcess, name: str = "bench") -> str:
    project_id: str = server.gql(CREATE_PROJECT, {"name": name, "allowedMediaType": "IMAGE"})[
        "createProject"
    ]["id"]
    return project_id


def new_dataset(server: EmulatorProcess, name: str = "bench") -> str:
    dataset_id: str = server.gql(CREATE_DATASET, {"name": name})["createDataset"]["id"]
    return dataset_id


def tag_schema_id(server: EmulatorProcess) -> str:
    for schema in server.gql(ONTOLOGY)["customMetadataOntology"]:
        if schema["name"] == "tag":
            return str(schema["id"])
    raise CheckFailed("the emulator has no reserved 'tag' metadata schema")


def bulk_rows(server: EmulatorProcess, count: int, **options: Any) -> tuple[str, list[str]]:
    made = server.action("bulk_create_data_rows", count=count, **options)
    return str(made["dataset_id"]), list(made.get("ids", []))


def batches_of(server: EmulatorProcess, project_id: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = server.gql(
            BATCHES, {"projectId": project_id, "from": cursor, "first": 100}, path="/_gql"
        )["project"]["batches"]
        out.extend(page["nodes"])
        cursor = page["pageInfo"]["endCursor"]
        if not cursor or not page["nodes"]:
            return out


def row_count(server: EmulatorProcess, dataset_id: str) -> int:
    return int(server.gql(ROW_COUNT, {"id": dataset_id})["dataset"]["rowCount"])


@dataclass
class Scenario:
    """A measured workload, its sizes and the clients it compares."""

    name: str
    title: str
    full_size: int
    quick_size: int
    unit: str
    clients: tuple[str, ...] = ALL_CLIENTS
    zero_latency: bool = False
    sequential: bool = False
    """The work is one chain of dependent requests (cursor pages): the ideal uses concurrency 1."""
    extra_sizes: dict[str, tuple[int, ...]] = field(default_factory=dict)
    multi_round: bool = False
    """Several measured rounds per client (their figures are summed; each is kept)."""
    answerable: bool = False
    """The answering server answers this scenario's hot operations (it runs against it too)."""

    def sizes(self, quick: bool, override: int | None) -> tuple[int, ...]:
        if override is not None:
            return (override,)
        if quick:
            return self.extra_sizes.get("quick", (self.quick_size,))
        return self.extra_sizes.get("full", (self.full_size,))

    def setup(self, server: EmulatorProcess, size: int, workdir: Path) -> dict[str, Any]:
        raise NotImplementedError

    def rounds(self, size: int, quick: bool) -> int:
        return 1

    def before_round(
        self, server: EmulatorProcess, params: dict[str, Any], index: int
    ) -> dict[str, Any]:
        return {}

    def after_round(
        self, server: EmulatorProcess, params: dict[str, Any], args: dict[str, Any], result: Any
    ) -> dict[str, Any]:
        return {}

    def check(
        self, server: EmulatorProcess, params: dict[str, Any], rounds: list[dict[str, Any]]
    ) -> str:
        return "not checked"

    def check_answered(
        self, items: dict[str, int], params: dict[str, Any], rounds: list[dict[str, Any]]
    ) -> str:
        """The check of a run against the answering server: what it received (``items``, counted
        in the raw requests) or what the client reported."""
        return "not checked"

    def summarize(self, record: dict[str, Any]) -> None:
        """Scenario-specific figures added to a finished record."""

    @staticmethod
    def _expect(got: int | None, want: int, what: str) -> str:
        if got != want:
            raise CheckFailed(f"the answering server received {got} {what}, expected {want}")
        return f"{want:,} {what} received"


class Lpo(Scenario):
    def setup(self, server: EmulatorProcess, size: int, workdir: Path) -> dict[str, Any]:
        _, ids = bulk_rows(server, size)
        project_id = new_project(server)
        tasks = server.gql(
            CREATE_BATCHES,
            {
                "projectId": project_id,
                "input": {"batchNamePrefix": "setup-", "dataRowIds": ids, "priority": 5},
            },
        )["project"]["createBatches"]["tasks"]
        for task in tasks:
            _wait_task(server, task["taskId"])
        ids_file = workdir / "lpo-ids.json"
        data.write_ids(ids_file, ids)
        return {"project_id": project_id, "ids_file": str(ids_file), "rows": size}

    def check(
        self, server: EmulatorProcess, params: dict[str, Any], rounds: list[dict[str, Any]]
    ) -> str:
        queue = server.action("labeling_queue", project_id=params["project_id"])
        expected = params["rows"]
        ids = data.read_ids(params["ids_file"])
        want = {key: data.priority(i) for i, key in enumerate(ids)}
        wrong = sum(1 for r in queue if want.get(r["data_row_id"]) != r["priority"])
        if len(queue) != expected or wrong:
            raise CheckFailed(
                f"{wrong} of {len(queue)} queued rows lack the expected override priority"
            )
        return f"{expected:,} overrides with the expected priorities"

    def check_answered(
        self, items: dict[str, int], params: dict[str, Any], rounds: list[dict[str, Any]]
    ) -> str:
        return self._expect(items.get("lpo"), params["rows"], "override items")

    def summarize(self, record: dict[str, Any]) -> None:
        if record.get("cpu_s") is not None and record.get("size"):
            record["cpu_per_item_us"] = 1e6 * record["cpu_s"] / record["size"]


class CreateBatches(Scenario):
    def setup(self, server: EmulatorProcess, size: int, workdir: Path) -> dict[str, Any]:
        _, ids = bulk_rows(server, size)
        ids_file = workdir / "batch-ids.json"
        data.write_ids(ids_file, ids)
        return {
            "project_id": new_project(server),
            "ids_file": str(ids_file),
            "rows": size,
            "prefix": "bench-",
        }

    def check(
        self, server: EmulatorProcess, params: dict[str, Any], rounds: list[dict[str, Any]]
    ) -> str:
        batches = batches_of(server, params["project_id"])
        total = sum(int(b["size"]) for b in batches)
        names = sorted(b["name"] for b in batches)
        expected = [f"{params['prefix']}{k:04d}" for k in range(-(-params["rows"] // 100_000))]
        if total != params["rows"]:
            raise CheckFailed(f"batches hold {total} rows, expected {params['rows']}")
        if names != expected:
            raise CheckFailed(f"batch names {names}, expected {expected}")
        return f"{len(batches)} batches named {names[0]}.. holding {total:,} rows"

    def check_answered(
        self, items: dict[str, int], params: dict[str, Any], rounds: list[dict[str, Any]]
    ) -> str:
        return self._expect(items.get("batched"), params["rows"], "batched ids")


class CreateDataRows(Scenario):
    def setup(self, server: EmulatorProcess, size: int, workdir: Path) -> dict[str, Any]:
        return {
            "dataset_id": new_dataset(server),
            "tag_schema_id": tag_schema_id(server),
            "rows": size,
            "prefix": "bench",
        }

    def check(
        self, server: EmulatorProcess, params: dict[str, Any], rounds: list[dict[str, Any]]
    ) -> str:
        count = row_count(server, params["dataset_id"])
        if count != params["rows"]:
            raise CheckFailed(f"the dataset holds {count} rows, expected {params['rows']}")
        return f"dataset holds {count:,} rows"

    def check_answered(
        self, items: dict[str, int], params: dict[str, Any], rounds: list[dict[str, Any]]
    ) -> str:
        return self._expect(items.get("uploaded_rows"), params["rows"], "uploaded rows")


class IterateDataRows(Scenario):
    def setup(self, server: EmulatorProcess, size: int, workdir: Path) -> dict[str, Any]:
        dataset_id, _ = bulk_rows(
            server, size, global_key_prefix="it-", external_id_prefix="ext-", return_ids=False
        )
        return {"dataset_id": dataset_id, "rows": size}

    def check(
        self, server: EmulatorProcess, params: dict[str, Any], rounds: list[dict[str, Any]]
    ) -> str:
        seen = rounds[0].get("rows")
        if seen != params["rows"]:
            raise CheckFailed(f"the client saw {seen} rows, expected {params['rows']}")
        return f"client iterated {seen:,} rows"


class GetDataRow(Scenario):
    def setup(self, server: EmulatorProcess, size: int, workdir: Path) -> dict[str, Any]:
        _, ids = bulk_rows(server, size, global_key_prefix="get-")
        ids_file = workdir / "get-ids.json"
        data.write_ids(ids_file, ids)
        return {"ids_file": str(ids_file), "rows": size}

    def check(
        self, server: EmulatorProcess, params: dict[str, Any], rounds: list[dict[str, Any]]
    ) -> str:
        matched = rounds[0].get("matched")
        if matched != params["rows"]:
            raise CheckFailed(f"{matched} rows came back with the asked id, expected all")
        return f"{matched:,} rows fetched by id"

    def check_answered(
        self, items: dict[str, int], params: dict[str, Any], rounds: list[dict[str, Any]]
    ) -> str:
        return self.check(None, params, rounds)  # type: ignore[arg-type]

    def summarize(self, record: dict[str, Any]) -> None:
        per_request(record)


class Overhead(Scenario):
    def setup(self, server: EmulatorProcess, size: int, workdir: Path) -> dict[str, Any]:
        return {"calls": size}

    def check(
        self, server: EmulatorProcess, params: dict[str, Any], rounds: list[dict[str, Any]]
    ) -> str:
        if rounds[0].get("calls") != params["calls"]:
            raise CheckFailed("not every get_user call returned")
        return f"{params['calls']:,} get_user calls returned"

    def summarize(self, record: dict[str, Any]) -> None:
        per_request(record)


FULL_NOTICE_DELAYS_MS = (700, 1300, 1900, 2600, 3400, 4100, 5300, 6200, 7700)
QUICK_NOTICE_DELAYS_MS = (500, 1000, 1700)


def notice_delays(count: int) -> list[int]:
    """The rule delays of ``count`` rounds: the quick set for up to 3, else the full set, cycled."""
    source = (
        QUICK_NOTICE_DELAYS_MS if count <= len(QUICK_NOTICE_DELAYS_MS) else FULL_NOTICE_DELAYS_MS
    )
    return [source[i % len(source)] for i in range(count)]


class TaskNotice(Scenario):
    """A task completes ``delay`` ms after creation; how late does the client notice?

    Server-side completion is the task's ``createdAt`` + the transition rule's delay (the
    emulator publishes lazily, so ``updatedAt`` is the moment of the first read after that and
    would flatter a slow poller); the notice time is the client's clock when ``wait_till_done``
    returns. Both clocks are this machine's.
    """

    def setup(self, server: EmulatorProcess, size: int, workdir: Path) -> dict[str, Any]:
        return {"delays_ms": notice_delays(size)}

    def rounds(self, size: int, quick: bool) -> int:
        return size

    def before_round(
        self, server: EmulatorProcess, params: dict[str, Any], index: int
    ) -> dict[str, Any]:
        delay = params["delays_ms"][index]
        server.transitions({NOTICE_TASK_TYPE: {"mode": "delay", "ms": delay}})
        job = server.gql(START_JOB, {"ids": [f"missing-{index}"]})["dataRowsForGlobalKeys"]
        return {"task_id": job["jobId"], "delay_ms": delay}

    def after_round(
        self, server: EmulatorProcess, params: dict[str, Any], args: dict[str, Any], result: Any
    ) -> dict[str, Any]:
        task = server.gql(TASK, {"id": args["task_id"]})["task"]
        created = _parse_time(task["createdAt"])
        completed = created + args["delay_ms"] / 1000.0
        noticed = float(result["noticed_at"])
        return {
            "delay_ms": args["delay_ms"],
            "notice_latency_s": noticed - completed,
            "updated_at_lag_s": noticed - _parse_time(task["updatedAt"]),
            "status": task["status"],
        }

    def check(
        self, server: EmulatorProcess, params: dict[str, Any], rounds: list[dict[str, Any]]
    ) -> str:
        bad = [e for e in rounds if e.get("status") != "COMPLETE"]
        if bad:
            raise CheckFailed(f"{len(bad)} tasks did not end COMPLETE")
        early = [e for e in rounds if e["notice_latency_s"] < -0.01]
        if early:
            raise CheckFailed("a client reported completion before the server completed")
        return f"{len(rounds)} tasks noticed after completion"

    def summarize(self, record: dict[str, Any]) -> None:
        rounds = record.get("rounds") or []
        latencies = [r["notice_latency_s"] for r in rounds if "notice_latency_s" in r]
        if latencies:
            record["notice_median_s"] = statistics.median(latencies)
            record["notice_max_s"] = max(latencies)
            record["notice_latencies_s"] = [round(x, 3) for x in latencies]


class Memory(Scenario):
    """create_data_rows + create_batches + LPO for N rows in one client: peak RSS by size."""

    def setup(self, server: EmulatorProcess, size: int, workdir: Path) -> dict[str, Any]:
        return {
            "dataset_id": new_dataset(server),
            "project_id": new_project(server),
            "tag_schema_id": tag_schema_id(server),
            "rows": size,
            "prefix": "mem",
            "batch_prefix": "mem-",
        }

    def check(
        self, server: EmulatorProcess, params: dict[str, Any], rounds: list[dict[str, Any]]
    ) -> str:
        rows = params["rows"]
        count = row_count(server, params["dataset_id"])
        batched = sum(int(b["size"]) for b in batches_of(server, params["project_id"]))
        queue = server.action("labeling_queue", project_id=params["project_id"])
        # Rows are named by global key, the queue by id: compare the priority histograms.
        got = Counter(r["priority"] for r in queue)
        want = Counter(data.priority(i) for i in range(rows))
        if (count, batched) != (rows, rows) or got != want:
            wrong = sum((want - got).values())
            raise CheckFailed(
                f"rows {count}, batched {batched}, {wrong} overrides missing or wrong;"
                f" expected {rows} each"
            )
        return f"{rows:,} rows created, batched and given overrides"


def _parse_time(text: str) -> float:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Lpo("lpo", "LPOs for N rows", 100_000, 10_000, "rows", answerable=True),
        CreateBatches(
            "create_batches", "create_batches for N rows, until all tasks complete", 300_000,
            20_000, "rows", answerable=True,
        ),
        CreateDataRows(
            "create_data_rows", "create_data_rows for N rows with metadata, until the task"
            " completes", 200_000, 20_000, "rows", answerable=True,
        ),
        IterateDataRows(
            "iterate_data_rows", "iterating N data rows of a dataset", 100_000, 10_000, "rows",
            clients=("official", "aiolabel-httpx", "aiolabel-aiohttp"), sequential=True,
        ),
        GetDataRow(
            "get_data_row", "N independent get_data_row calls", 1_000, 100, "calls",
            answerable=True,
        ),
        Overhead(
            "overhead", "client overhead at zero latency: N get_user calls", 2_000, 300, "calls",
            zero_latency=True,
        ),
        TaskNotice(
            "task_notice", "time from server-side task completion to the client noticing",
            len(FULL_NOTICE_DELAYS_MS), len(QUICK_NOTICE_DELAYS_MS), "tasks",
            clients=("official", "aiolabel-httpx", "aiolabel-aiohttp"), sequential=True,
            multi_round=True,
        ),
        Memory(
            "memory", "peak RSS of create_data_rows + create_batches + LPO for N rows", 1_000_000,
            100_000, "rows", clients=("aiolabel-httpx",),
            extra_sizes={"full": (100_000, 1_000_000), "quick": (5_000, 50_000)},
        ),
    )
}  # fmt: skip
