"""Figures into results: ratios to the official SDK and to the ideal, the targets of issue 6
item 7, ``results.json``, ``RESULTS.md`` and a PNG chart.

Everything here is a pure function of the records (lists of dicts), so it can be tested on a
tiny synthetic result without an emulator.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ANALYSIS_MARKER = (
    "<!-- analysis: everything below this line is kept when RESULTS.md is rewritten -->"
)
MB = 1_000_000
MIB = 2**20

CLIENT_LABELS = {
    "official": "official SDK",
    "official-16t": "official SDK, 16 threads",
    "aiolabel-httpx": "aiolabel (httpx)",
    "aiolabel-aiohttp": "aiolabel (aiohttp)",
}
CLIENT_COLORS = {
    "official": "#8c8c8c",
    "official-16t": "#c49a6c",
    "aiolabel-httpx": "#1f77b4",
    "aiolabel-aiohttp": "#2ca02c",
}
AIOLABEL = ("aiolabel-httpx", "aiolabel-aiohttp")


# -- ratios ---------------------------------------------------------------------------------------


def ok(record: dict[str, Any] | None) -> bool:
    return record is not None and record.get("status") == "ok"


def server_of(record: dict[str, Any]) -> str:
    """Where the record's client sent its requests: "emulator" or "answering"."""
    return str(record.get("server") or "emulator")


def find(
    records: Sequence[dict[str, Any]],
    scenario: str,
    client: str,
    size: int | None = None,
    server: str = "emulator",
) -> dict[str, Any] | None:
    """The record of one scenario, client, server (and size; default: the largest) or None."""
    found = [
        r
        for r in records
        if r["scenario"] == scenario
        and r["client"] == client
        and server_of(r) == server
        and (size is None or r.get("size") == size)
    ]
    if not found:
        return None
    return max(found, key=lambda r: r.get("size") or 0)


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def compare(record: dict[str, Any], peer: dict[str, Any] | None) -> dict[str, Any] | None:
    """Speed-up (peer wall / this wall), CPU and peak-RSS ratios (this / peer)."""
    if not ok(record) or not ok(peer):
        return None
    assert peer is not None
    return {
        "speedup": _ratio(peer["wall_s"], record["wall_s"]),
        "cpu_ratio": _ratio(record["cpu_s"], peer["cpu_s"]),
        "rss_ratio": _ratio(record["peak_rss_mib"], peer["peak_rss_mib"]),
        "cpu_per_request_ratio": _ratio(
            record.get("cpu_per_request_ms"), peer.get("cpu_per_request_ms")
        ),
    }


BATCH_ROWS = 100_000
"""Rows of one batch (``createBatches`` splits at this size; aiolabel sends one batch a time)."""
UPSERT_TASK_ROWS = 100_000
"""Rows of one aiolabel upsert task (``aiolabel._bulk.descriptors.ITEMS_PER_TASK``)."""


def critical_rounds(record: dict[str, Any]) -> int | None:
    """The round trips of the client's protocol that must follow one another (each needs the
    answer of the one before), or None when every request could go at once.

    ``create_batches``: the official SDK sends the processing check, then ``createBatches``,
    then asks for the tasks (3), the shortest chain on the wire. aiolabel with one batch sends
    the same three (its user id asked for meanwhile, the task asked for as soon as the wait
    begins): 3. With several batches, per batch the processing check (the batch names looked
    up alongside it; no batch is created before the lookup found every name free),
    ``createEmptyBatch`` and ``addDataRowsToBatchAsync`` (the batches of a list side by side),
    then the tasks are asked for at once (the user id fetched meanwhile): 3 x waves + 1.
    ``create_data_rows`` (aiolabel): the metadata ontology, then each upsert task's descriptor
    files (one wave each, the next task's after the previous one's), then the last task's
    manifest and ``upsertDataRows`` (the answering server's task is complete at once).
    """
    scenario, client, size = record.get("scenario"), record.get("client"), record.get("size")
    if not isinstance(size, int) or size <= 0:
        return None
    aio = client in AIOLABEL
    if scenario == "create_batches":
        batches = -(-size // BATCH_ROWS)
        if not aio:
            return 3
        if batches == 1:
            return 3
        at_once = max(1, min(batches, int(record.get("concurrency") or 1)))
        return 3 * -(-batches // at_once) + 1
    if scenario == "create_data_rows" and aio:
        return 1 + -(-size // UPSERT_TASK_ROWS) + 2
    return None


def add_ratios(records: list[dict[str, Any]]) -> None:
    """Fill ``ideal_s``, ``vs_ideal``, ``vs_official`` and ``vs_official_16t`` in place.

    The latency-bound ideal is the longer of two: requests / concurrency x latency (the rate
    bound) and the client protocol's chain of dependent round trips x latency
    (:func:`critical_rounds`), plus the task time."""
    for record in records:
        if not ok(record):
            continue
        latency = record.get("latency_ms") or 0
        requests = record.get("requests") or 0
        concurrency = record.get("concurrency") or 1
        rounds = critical_rounds(record)
        record["critical_rounds"] = rounds
        if latency and requests and record.get("ideal_applies", True):
            task = record.get("task_s") or 0.0
            trips = max(requests / concurrency, rounds or 0)
            record["ideal_s"] = trips * latency / 1000.0 + task
            record["vs_ideal"] = record["wall_s"] / record["ideal_s"]
        else:
            record["ideal_s"] = None
            record["vs_ideal"] = None
        # the server-CPU bound: the emulator's CPU for the phase (it works on one call at a time)
        server = server_of(record)
        cpu_bound = record.get("server_cpu_s") if server == "emulator" else None
        record["server_bound_s"] = cpu_bound
        # the client-CPU bound: the client's own CPU time (one event loop, or threads under one
        # GIL, cannot finish sooner)
        bounds = {
            "latency": record["ideal_s"],
            "server CPU": cpu_bound,
            "client CPU": record.get("cpu_s"),
        }
        known = {k: v for k, v in bounds.items() if v}
        if known:
            near = max(known, key=lambda k: known[k])
            record["bound_s"] = known[near]
            record["near"] = near
            record["vs_bound"] = record["wall_s"] / known[near]
        else:
            record["bound_s"] = record["near"] = record["vs_bound"] = None
        size = record.get("size")
        for key, peer in (("vs_official", "official"), ("vs_official_16t", "official-16t")):
            other = find(records, record["scenario"], peer, size, server)
            record[key] = None if other is record else compare(record, other)


# -- targets --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One target of issue 6 item 7, evaluated for each aiolabel transport."""

    key: str
    text: str
    required: str
    measure: Callable[[list[dict[str, Any]], str], tuple[float | None, str]]
    """``(value, shown)`` for a client; value None when not measured."""
    met: Callable[[float], bool]
    shortfall: Callable[[float], str]
    scenario: str = ""
    server: str = "emulator"
    clients: tuple[str, ...] = ("aiolabel-httpx", "aiolabel-aiohttp")


def _speedup(
    scenario: str, peer: str = "vs_official", server: str = "emulator"
) -> Callable[..., tuple[float | None, str]]:
    def measure(records: list[dict[str, Any]], client: str) -> tuple[float | None, str]:
        record = find(records, scenario, client, server=server)
        value = ((record or {}).get(peer) or {}).get("speedup")
        return value, "—" if value is None else f"{value:.2f}x"

    return measure


def _field(
    scenario: str, path: Sequence[str], fmt: str, server: str = "emulator"
) -> Callable[..., tuple[float | None, str]]:
    def measure(records: list[dict[str, Any]], client: str) -> tuple[float | None, str]:
        record = find(records, scenario, client, server=server)
        node: Any = record or {}
        for part in path:
            node = (node or {}).get(part) if isinstance(node, dict) else None
        if not isinstance(node, int | float) or not ok(record):
            return None, "—"
        return float(node), fmt.format(node)

    return measure


def _memory_peak(records: list[dict[str, Any]], client: str) -> tuple[float | None, str]:
    big = find(records, "memory", client)
    if not ok(big):
        return None, "—"
    assert big is not None
    mib = big["peak_rss_mib"]
    return mib * MIB / MB, f"{mib * MIB / MB:.0f} MB ({mib:.0f} MiB) at {big['size']:,} rows"


def _memory_growth(records: list[dict[str, Any]], client: str) -> tuple[float | None, str]:
    runs = sorted(
        (r for r in records if r["scenario"] == "memory" and r["client"] == client and ok(r)),
        key=lambda r: r["size"],
    )
    if len(runs) < 2:
        return None, "—"
    small, big = runs[0], runs[-1]
    growth = big["peak_rss_mib"] / small["peak_rss_mib"]
    return growth, (
        f"{big['peak_rss_mib']:.0f} / {small['peak_rss_mib']:.0f} MiB = {growth:.2f}x"
        f" ({big['size']:,} vs {small['size']:,} rows)"
    )


def _times(need: float) -> Callable[[float], str]:
    return lambda v: f"{need / v:.1f}x short of {need:g}x" if v > 0 else "no speed-up"


TARGETS: tuple[Target, ...] = (
    Target(
        "lpo_vs_official", "LPO 100,000 rows: faster than the official SDK", ">= 10x",
        _speedup("lpo"), lambda v: v >= 10, _times(10),
    ),
    Target(
        "lpo_vs_16t", "LPO 100,000 rows: faster than the official SDK with 16 threads",
        ">= 1.3x", _speedup("lpo", "vs_official_16t"), lambda v: v >= 1.3, _times(1.3),
    ),
    Target(
        "lpo_vs_ideal", "LPO 100,000 rows: wall time / ideal (requests / concurrency x latency)",
        "<= 1.3", _field("lpo", ("vs_ideal",), "{:.2f}x"), lambda v: v <= 1.3,
        lambda v: f"{v / 1.3:.1f}x over the 1.3x bound",
    ),
    Target(
        "batches_vs_official", "create_batches 300,000 rows: faster than the official SDK",
        ">= 3x", _speedup("create_batches"), lambda v: v >= 3, _times(3),
    ),
    Target(
        "rows_vs_official", "create_data_rows 200,000 rows: faster than the official SDK",
        ">= 3x", _speedup("create_data_rows"), lambda v: v >= 3, _times(3),
    ),
    Target(
        "rows_memory", "create_data_rows 200,000 rows: peak RSS / the official SDK's",
        "<= 0.33", _field("create_data_rows", ("vs_official", "rss_ratio"), "{:.2f}"),
        lambda v: v <= 1 / 3, lambda v: f"{v * 3:.1f}x over a third",
    ),
    Target(
        "gets_vs_official", "1,000 get_data_row calls: faster than the official SDK", ">= 10x",
        _speedup("get_data_row"), lambda v: v >= 10, _times(10),
    ),
    Target(
        "cpu_per_request", "client CPU per request (zero latency) / the official SDK's",
        "<= 0.33", _field("overhead", ("vs_official", "cpu_per_request_ratio"), "{:.2f}"),
        lambda v: v <= 1 / 3, lambda v: f"{v * 3:.1f}x over a third",
    ),
    Target(
        "task_notice", "task completion noticed (median after server-side completion)",
        "<= 0.25 s", _field("task_notice", ("notice_median_s",), "{:.3f} s"),
        lambda v: v <= 0.25, lambda v: f"{v / 0.25:.1f}x over 0.25 s",
    ),
    Target(
        "memory_peak", "peak RSS of the 1,000,000-row create_data_rows + create_batches + LPO run",
        "<= 250 MB", _memory_peak, lambda v: v <= 250,
        lambda v: f"{v - 250:.0f} MB over",
    ),
    Target(
        "memory_flat", "peak RSS of the 1,000,000-row run / the 100,000-row run", "<= 1.10",
        _memory_growth, lambda v: v <= 1.10, lambda v: f"{(v - 1) * 100:.0f}% growth, 10% allowed",
    ),
)  # fmt: skip

A = "answering"
ANSWERING_TARGETS: tuple[Target, ...] = (
    Target(
        "answer_lpo_ideal", "LPO 100,000 rows: wall time / latency-bound ideal", "<= 1.3",
        _field("lpo", ("vs_ideal",), "{:.2f}x", A), lambda v: v <= 1.3,
        lambda v: f"{v / 1.3:.2f}x over the 1.3x bound", "lpo", A,
    ),
    Target(
        "answer_lpo_vs_official", "LPO 100,000 rows: faster than the official SDK's documented"
        " loop", ">= 15x", _speedup("lpo", server=A), lambda v: v >= 15, _times(15), "lpo", A,
    ),
    Target(
        "answer_lpo_cpu", "LPO 100,000 rows: client CPU per pair", "<= 1.0 us",
        _field("lpo", ("cpu_per_item_us",), "{:.2f} us", A), lambda v: v <= 1.0,
        lambda v: f"{v:.1f}x over 1.0 us", "lpo", A,
    ),
    Target(
        "answer_gets_ideal", "1,000 get_data_row: wall time / latency-bound ideal", "<= 1.2",
        _field("get_data_row", ("vs_ideal",), "{:.2f}x", A), lambda v: v <= 1.2,
        lambda v: f"{v / 1.2:.2f}x over the 1.2x bound", "get_data_row", A,
    ),
    Target(
        "answer_gets_cpu", "1,000 get_data_row: client CPU per request", "<= 0.25 ms",
        _field("get_data_row", ("cpu_per_request_ms",), "{:.3f} ms", A), lambda v: v <= 0.25,
        lambda v: f"{v / 0.25:.1f}x over 0.25 ms", "get_data_row", A, ("aiolabel-aiohttp",),
    ),
    Target(
        "answer_gets_cpu_ratio", "1,000 get_data_row: client CPU per request / the official"
        " SDK's", "<= 0.33",
        _field("get_data_row", ("vs_official", "cpu_per_request_ratio"), "{:.2f}", A),
        lambda v: v <= 1 / 3, lambda v: f"{v * 3:.1f}x over a third", "get_data_row", A,
        ("aiolabel-httpx",),
    ),
    Target(
        "answer_batches_ideal", "create_batches 300,000 rows: wall time / (latency-bound ideal"
        " + task time)", "<= 1.3", _field("create_batches", ("vs_ideal",), "{:.2f}x", A),
        lambda v: v <= 1.3, lambda v: f"{v / 1.3:.2f}x over the 1.3x bound", "create_batches", A,
    ),
    Target(
        "answer_rows_ideal", "create_data_rows 200,000 rows: wall time / (latency-bound ideal"
        " + task time)", "<= 1.3", _field("create_data_rows", ("vs_ideal",), "{:.2f}x", A),
        lambda v: v <= 1.3, lambda v: f"{v / 1.3:.2f}x over the 1.3x bound",
        "create_data_rows", A,
    ),
)  # fmt: skip


def evaluate_targets(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each target for each aiolabel transport: met / missed (by how much) / not measured."""
    out = []
    for target in (*ANSWERING_TARGETS, *TARGETS):
        if not any(server_of(r) == target.server for r in records):
            continue
        for client in target.clients:
            if target.key.startswith("memory") and not any(
                r["client"] == client and r["scenario"] == "memory" for r in records
            ):
                continue
            value, shown = target.measure(records, client)
            if value is None:
                status, short = "not measured", _why_not_measured(records, target, client)
            elif target.met(value):
                status, short = "met", ""
            else:
                status, short = "missed", target.shortfall(value)
            out.append(
                {
                    "target": target.key,
                    "server": target.server,
                    "description": target.text,
                    "required": target.required,
                    "client": client,
                    "value": value,
                    "measured": shown,
                    "status": status,
                    "shortfall": short,
                }
            )
    return out


def _why_not_measured(records: list[dict[str, Any]], target: Target, client: str) -> str:
    scenario = (
        target.scenario
        or {
            "lpo": "lpo",
            "batches": "create_batches",
            "rows": "create_data_rows",
            "gets": "get_data_row",
            "cpu": "overhead",
            "task": "task_notice",
            "memory": "memory",
        }[target.key.split("_")[0]]
    )
    reasons = []
    for name in (client, "official", "official-16t"):
        record = find(records, scenario, name, server=target.server)
        if record is not None and not ok(record):
            reasons.append(f"{name}: {record.get('reason') or record.get('status')}")
    return "; ".join(reasons) or "scenario not run"


# -- files ----------------------------------------------------------------------------------------


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.write_text(json.dumps(document, indent=2, sort_keys=False, default=str) + "\n")


def _num(value: Any, fmt: str = "{:,.2f}") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return fmt.format(value)


def _x(comparison: dict[str, Any] | None, key: str = "speedup") -> str:
    value = (comparison or {}).get(key)
    return "—" if value is None else f"{value:.2f}x"


def scenario_table(records: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| client | size | wall s | client CPU s | peak RSS MiB | requests | server CPU s"
        " | ideal s | wall / ideal | server-CPU bound s | near | wall / bound"
        " | speed-up vs official | vs 16 threads | load | check |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|",
    ]
    for r in records:
        label = CLIENT_LABELS.get(r["client"], r["client"])
        if not ok(r):
            reason = str(r.get("reason") or r.get("status")).splitlines()[0][:160]
            lines.append(
                f"| {label} | {r.get('size', '—'):,} | {r['status']}: {reason} |" + " |" * 12
            )
            continue
        lines.append(
            f"| {label} | {r['size']:,} | {_num(r['wall_s'])} | {_num(r['cpu_s'])}"
            f" | {_num(r['peak_rss_mib'], '{:,.0f}')} | {_num(r['requests'], '{:,}')}"
            f" | {_num(r.get('server_cpu_s'))} | {_num(r.get('ideal_s'))}"
            f" | {_num(r.get('vs_ideal'), '{:.2f}x')} | {_num(r.get('server_bound_s'))}"
            f" | {r.get('near') or '—'} | {_num(r.get('vs_bound'), '{:.2f}x')}"
            f" | {_x(r.get('vs_official'))}"
            f" | {_x(r.get('vs_official_16t'))} | {_load(r)}"
            f" | {r.get('check', '')}{_repeats(r)} |"
        )
    return lines


def _load(record: dict[str, Any]) -> str:
    load = _num(record.get("loadavg_1m"), "{:.1f}")
    busy = record.get("machine_cpu_busy_pct")
    return load if busy is None else f"{load} ({busy:.0f}% busy)"


def _repeats(record: dict[str, Any]) -> str:
    walls = record.get("repeat_walls_s")
    if not walls:
        return ""
    return "; median of " + ", ".join(f"{w:.2f}" for w in walls) + " s"


def _detail_tables(name: str, records: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    good = [r for r in records if ok(r)]
    if name == "overhead" and good:
        lines += [
            "",
            "| client | requests/s | client CPU ms / request | server CPU ms / request"
            " | CPU per request vs official |",
            "|---|---:|---:|---:|---:|",
        ]
        for r in good:
            lines.append(
                f"| {CLIENT_LABELS.get(r['client'], r['client'])}"
                f" | {_num(r.get('requests_per_s'), '{:,.0f}')}"
                f" | {_num(r.get('cpu_per_request_ms'), '{:.3f}')}"
                f" | {_num(r.get('server_cpu_per_request_ms'), '{:.3f}')}"
                f" | {_x(r.get('vs_official'), 'cpu_per_request_ratio')} |"
            )
    if name == "task_notice" and good:
        delays = [x.get("delay_ms") for x in good[0].get("rounds", [])]
        lines += [
            "",
            "| client | median s | max s | " + " | ".join(f"{d} ms" for d in delays) + " |",
            "|---|---:|---:|" + "---:|" * len(delays),
        ]
        for r in good:
            each = " | ".join(f"{x['notice_latency_s']:.3f}" for x in r.get("rounds", []))
            lines.append(
                f"| {CLIENT_LABELS.get(r['client'], r['client'])}"
                f" | {_num(r.get('notice_median_s'), '{:.3f}')}"
                f" | {_num(r.get('notice_max_s'), '{:.3f}')} | {each} |"
            )
        lines.append("")
        lines.append(
            "Columns after max: notice latency (s) of each round, by the task's rule delay."
        )
    if name == "memory" and good:
        lines += [
            "",
            "| rows | peak RSS MiB | peak before | peak after create_data_rows"
            " | after create_batches | after LPO | create_data_rows s | create_batches s | LPO s |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in good:
            e = r.get("extra", {})
            lines.append(
                f"| {r['size']:,} | {r['peak_rss_mib']:.0f}"
                f" | {_num(e.get('peak_before_mib'), '{:.0f}')}"
                f" | {_num(e.get('peak_after_create_data_rows_mib'), '{:.0f}')}"
                f" | {_num(e.get('peak_after_create_batches_mib'), '{:.0f}')}"
                f" | {_num(e.get('peak_after_lpo_mib'), '{:.0f}')}"
                f" | {_num(e.get('create_data_rows_s'))} | {_num(e.get('create_batches_s'))}"
                f" | {_num(e.get('lpo_s'))} |"
            )
    return lines


def answering_table(records: list[dict[str, Any]]) -> list[str]:
    """Per client against the answering server: what it answered, forwarded, and its CPU."""
    lines = [
        "",
        "| client | answered | forwarded to the emulator | answering server CPU s"
        " | client CPU per request ms | client CPU per item us |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in records:
        if not ok(r):
            continue
        by_op = r.get("requests_by_operation") or {}
        answered = sum(v for k, v in by_op.items() if k.startswith("answered:"))
        forwarded = sum(v for k, v in by_op.items() if k.startswith("forwarded:"))
        per_request = 1000 * r["cpu_s"] / r["requests"] if r.get("requests") else None
        per_item = 1e6 * r["cpu_s"] / r["size"] if r.get("size") else None
        lines.append(
            f"| {CLIENT_LABELS.get(r['client'], r['client'])} | {answered:,} | {forwarded:,}"
            f" | {_num(r.get('answering_cpu_s'))} | {_num(per_request, '{:.3f}')}"
            f" | {_num(per_item, '{:.2f}')} |"
        )
    return lines


def targets_table(targets: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| target | required | client | measured | status |",
        "|---|---|---|---|---|",
    ]
    for t in targets:
        status = t["status"] + (f" ({t['shortfall']})" if t["shortfall"] else "")
        lines.append(
            f"| {t['description']} | {t['required']} | {CLIENT_LABELS[t['client']]}"
            f" | {t['measured']} | {status} |"
        )
    return lines


def render_markdown(document: dict[str, Any], analysis: str = "") -> str:
    machine, settings = document["machine"], document["settings"]
    records: list[dict[str, Any]] = document["results"]
    lines = [
        "# Benchmark results: aiolabel vs the official labelbox SDK",
        "",
        f"Latest {'quick' if settings.get('quick') else 'full'} run,"
        f" {document['started_at']} to {document['finished_at']}"
        f" ({document['duration_s']:.0f} s).",
        "",
        f"- command: `{document['command']}`",
        f"- machine: {machine['nproc']} CPUs ({machine.get('cpu_model', '?')}),"
        f" {machine['ram_gib']:.1f} GiB RAM, {machine['platform']}",
        f"- Python {machine['python']}; labelbox {machine.get('labelbox')};"
        f" httpx {machine.get('httpx')}; aiohttp {machine.get('aiohttp')}",
        f"- git commit {machine.get('git_commit')}"
        + (
            " (src/ exported from HEAD: uncommitted work not measured)"
            if machine.get("source") == "HEAD snapshot"
            else (" (work tree had uncommitted changes)" if machine.get("git_dirty") else "")
        ),
        f"- load average before / after: {machine.get('loadavg_before')} /"
        f" {document.get('loadavg_after')}",
        f"- emulator: separate process on 127.0.0.1 ({settings['launcher']}),"
        f" {settings['latency_ms']:g} ms added per request during measured phases"
        " (0 ms during set-up and checks), SQLite file database",
        f"- aiolabel max_concurrency: {settings['aiolabel_concurrency']};"
        " official SDK with 16 threads: `concurrent.futures.ThreadPoolExecutor(16)`",
        "",
        "Each client runs in its own fresh process; client CPU time (user + system, all"
        " threads) and peak RSS (`ru_maxrss`) are that process's alone. Requests are counted by"
        " the emulator (`/_emulator/stats`) during the measured phase. Load: the 1-minute load"
        " average when the client started, and the machine's CPU use just before (the"
        " machine is shared with other work). Ideal = the longer of requests /"
        " concurrency x latency (concurrency 1 for the official SDK and for sequential cursor"
        " pages, 16 with threads, max_concurrency for aiolabel) and the client protocol's chain"
        " of dependent round trips x latency (create_batches: 3 for the official SDK's"
        " check -> createBatches -> task; 4 for aiolabel's check (the batch names looked up"
        " alongside) -> createEmptyBatch -> addDataRowsToBatchAsync -> task, 3 with one batch;"
        " create_data_rows: ontology -> descriptor files"
        " per task -> manifest -> upsertDataRows), plus the task time; speed-up = the official"
        " SDK's wall time / this client's.",
        "",
        "Two servers: **answering** is `benchmarks/answering.py` in front of the emulator: it"
        " answers each scenario's hot operations (the LPO mutation, get_data_row, the batch and"
        " upload mutations, polls of its own tasks, which complete at once) with canned,"
        " correctly shaped responses after the latency, at next to no CPU, and forwards"
        " everything else to the emulator; it measures the client. **emulator**: every"
        " request to the emulator. Bounds per row: the latency bound (ideal s), against"
        " the emulator the server-CPU bound (the emulator's CPU for the phase: it works on one"
        " call at a time), and the client-CPU bound (the client's CPU time); *near* names the"
        " largest, and wall / bound is the wall time over it.",
        "",
    ]
    targets = document["targets"]
    for server, heading in (
        ("answering", "## Targets against the answering server (issue 18)"),
        ("emulator", "## Targets against the emulator (issue 6, item 7)"),
    ):
        chosen = [t for t in targets if t.get("server", "emulator") == server]
        if chosen:
            lines += [heading, "", *targets_table(chosen), ""]
    scenarios: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in records:
        scenarios.setdefault((server_of(r), r["scenario"]), []).append(r)
    for (server, name), group in sorted(
        scenarios.items(), key=lambda item: item[0][0] != "answering"
    ):
        first = group[0]
        latency = "0 ms" if first.get("latency_ms") == 0 else f"{first.get('latency_ms'):g} ms"
        where = "against the answering server" if server == "answering" else "against the emulator"
        lines += [
            f"## {name} {where}: {first.get('title', '')}",
            "",
            f"Latency {latency}.",
            "",
            *scenario_table(group),
            *(answering_table(group) if server == "answering" else _detail_tables(name, group)),
            "",
        ]
    lines += ["![chart](results.png)", "", ANALYSIS_MARKER, ""]
    text = "\n".join(lines)
    if analysis.strip():
        text += analysis.strip() + "\n"
    return text


def kept_analysis(path: Path) -> str:
    """The hand-written analysis below the marker of an existing RESULTS.md."""
    if not path.exists():
        return ""
    text = path.read_text()
    _, found, after = text.partition(ANALYSIS_MARKER)
    return after if found else ""


# -- chart ----------------------------------------------------------------------------------------


def write_chart(path: Path, document: dict[str, Any]) -> None:
    """Six panels: wall time, speed-up, client CPU, CPU per request, task notice, peak RSS."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    records = [r for r in document["results"] if ok(r)]
    timed = [
        s
        for s in dict.fromkeys(r["scenario"] for r in records)
        if s not in ("memory", "overhead", "task_notice")
    ]
    clients = [c for c in CLIENT_LABELS if any(r["client"] == c for r in records)]
    fig, axes = plt.subplots(2, 3, figsize=(18, 10))
    width = 0.8 / max(len(clients), 1)

    def offset(k: int) -> float:
        return (k - (len(clients) - 1) / 2) * width

    def bars(
        ax: Any,
        value: Callable[[dict[str, Any]], float | None],
        names: list[str],
        skip: tuple[str, ...] = (),
    ) -> None:
        for k, client in enumerate(clients):
            if client in skip:
                continue
            xs, ys = [], []
            for i, scenario in enumerate(names):
                record = find(records, scenario, client)
                v = value(record) if record is not None else None
                if v is not None and v > 0:
                    xs.append(i + offset(k))
                    ys.append(v)
            ax.bar(xs, ys, width, label=CLIENT_LABELS[client], color=CLIENT_COLORS[client])
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels([n.replace("_", "\n") for n in names], fontsize=9)
        ax.grid(axis="y", alpha=0.3)

    def per_client(ax: Any, scenario: str, value: Callable[[dict[str, Any]], float | None]) -> None:
        names, values, colors = [], [], []
        for client in clients:
            record = find(records, scenario, client)
            v = value(record) if record is not None else None
            if v is not None:
                names.append(CLIENT_LABELS[client].replace(", ", ",\n").replace(" (", "\n("))
                values.append(v)
                colors.append(CLIENT_COLORS[client])
        ax.bar(range(len(values)), values, 0.6, color=colors)
        if values:
            ax.set_ylim(0, max(values) * 1.3)
        for x, v in enumerate(values):
            ax.annotate(f"{v:.3g}", (x, v), ha="center", va="bottom", fontsize=8)
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels(names, fontsize=8)
        ax.grid(axis="y", alpha=0.3)

    from matplotlib.ticker import FormatStrFormatter

    ax = axes[0][0]
    bars(ax, lambda r: r["wall_s"], timed)
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
    ax.yaxis.set_minor_formatter(FormatStrFormatter("%g"))
    ax.set_ylabel("wall time, s (log)")
    ax.set_title("Wall time (lower is better)")
    ax.legend(fontsize=8)

    ax = axes[0][1]
    bars(ax, lambda r: (r.get("vs_official") or {}).get("speedup"), timed, skip=("official",))
    ax.axhline(1.0, color="black", linewidth=0.8)
    needs = {"lpo": 10, "create_batches": 3, "create_data_rows": 3, "get_data_row": 10}
    for i, scenario in enumerate(timed):
        if scenario in needs:
            ax.plot(
                [i - 0.45, i + 0.45],
                [needs[scenario]] * 2,
                color="red",
                linestyle="--",
                linewidth=1.2,
                label=None if "target" in ax.get_legend_handles_labels()[1] else "target",
            )
    ax.set_yscale("log")
    ax.set_ylabel("official SDK wall / client wall (log)")
    ax.set_title("Speed-up vs the official SDK (higher is better)")
    ax.legend(fontsize=8)

    ax = axes[0][2]
    bars(ax, lambda r: r["cpu_s"], timed)
    ax.set_yscale("log")
    ax.set_ylabel("client CPU, s (log)")
    ax.set_title("Client CPU time (user + system, all threads)")

    ax = axes[1][0]
    per_client(ax, "overhead", lambda r: r.get("cpu_per_request_ms"))
    official = find(records, "overhead", "official")
    if ok(official) and official and official.get("cpu_per_request_ms"):
        ax.axhline(
            official["cpu_per_request_ms"] / 3,
            color="red",
            linestyle="--",
            linewidth=1.2,
            label="target: a third of the official SDK's",
        )
        ax.legend(fontsize=8)
    ax.set_ylabel("client CPU per request, ms")
    ax.set_title("Client overhead at zero latency (get_user)")

    ax = axes[1][1]
    per_client(ax, "task_notice", lambda r: r.get("notice_median_s"))
    ax.axhline(0.25, color="red", linestyle="--", linewidth=1.2, label="target: 0.25 s")
    ax.legend(fontsize=8)
    ax.set_ylabel("median delay, s")
    ax.set_title("Task completion noticed after the server completed it")

    ax = axes[1][2]
    memory = sorted((r for r in records if r["scenario"] == "memory"), key=lambda r: r["size"])
    shown = [s for s in timed if s in ("create_data_rows", "create_batches", "lpo")]
    names = shown + [f"memory {r['size']:,}" for r in memory]
    for k, client in enumerate(clients):
        xs, ys = [], []
        for i, scenario in enumerate(shown):
            record = find(records, scenario, client)
            if record is not None:
                xs.append(i + offset(k))
                ys.append(record["peak_rss_mib"])
        for j, r in enumerate(memory):
            if r["client"] == client:
                xs.append(len(shown) + j)
                ys.append(r["peak_rss_mib"])
        ax.bar(xs, ys, width, color=CLIENT_COLORS[client], label=CLIENT_LABELS[client])
    ax.axhline(250 * MB / MIB, color="red", linestyle="--", linewidth=1.2, label="250 MB (238 MiB)")
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels([n.replace("_", "\n").replace(" ", "\n") for n in names], fontsize=9)
    ax.set_ylabel("peak RSS, MiB")
    ax.set_title("Client peak RSS (memory: aiolabel, whole pipeline)")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")

    settings = document["settings"]
    quick = " (quick sizes)" if settings.get("quick") else ""
    fig.suptitle(
        f"aiolabel vs the official labelbox SDK: emulator in its own process on 127.0.0.1,"
        f" {settings['latency_ms']:g} ms per request{quick}",
        fontsize=13,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
