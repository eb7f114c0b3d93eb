"""What the commands print: progress bars, the summary, the failures, the JSON document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from aiolabel.cli._options import say

if TYPE_CHECKING:
    from rich.console import Console

    from aiolabel.ingest import IngestResult


class Bars:
    """Rich progress bars fed by the pipeline's ``progress(stage, done, total)`` callbacks."""

    LABELS: ClassVar[dict[str, str]] = {
        "read": "Reading manifest",
        "upload": "Uploading data rows",
        "tasks": "Waiting for tasks",
        "batches": "Creating batches",
        "priorities": "Setting priorities",
        "export": "Exporting project",
        "verify": "Verifying rows",
    }

    def __init__(self, console: Console, enabled: bool) -> None:
        from rich.progress import (
            BarColumn,
            Progress,
            TaskID,
            TextColumn,
            TimeElapsedColumn,
        )

        self.enabled = enabled
        self._ids: dict[str, TaskID] = {}
        self.progress = Progress(
            TextColumn("{task.description:<22}"),
            BarColumn(bar_width=32),
            TextColumn("{task.percentage:>3.0f}%"),
            TextColumn("{task.fields[count]}", style="cyan"),
            TimeElapsedColumn(),
            console=console,
            disable=not enabled,
            transient=False,
        )

    def __enter__(self) -> Bars:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        if stage == "read":
            count = "" if total is None else f"{done / 1e6:,.1f}/{total / 1e6:,.1f} MB"
        else:
            count = f"{done:,}" + ("" if total is None else f"/{total:,}")
        task = self._ids.get(stage)
        if task is None:
            task = self.progress.add_task(
                self.LABELS.get(stage, stage), total=total, completed=done, count=count
            )
            self._ids[stage] = task
        else:
            self.progress.update(task, completed=done, total=total, count=count)


def summary_table(result: IngestResult) -> Any:
    from rich.table import Table

    s = result.summary
    table = Table(show_header=False, box=None, pad_edge=False, padding=(0, 1))
    table.add_column(style="bold")
    table.add_column()

    def where(name: str, uid: str | None, created: bool) -> str:
        state = "would be created" if s.dry_run and uid is None else ("created" if created else "")
        return name + (f" ({uid})" if uid else "") + (f", {state}" if state else "")

    verb = "would be created" if s.dry_run else "created"
    table.add_row("Dataset", where(s.dataset_name, s.dataset_id, s.dataset_created))
    table.add_row("Project", where(s.project_name, s.project_id, s.project_created))
    table.add_row("Media type", s.media_type)
    numbers = Table(show_header=False, box=None, pad_edge=False, padding=(0, 1))
    numbers.add_column(style="bold")
    numbers.add_column(justify="right")
    numbers.add_column(style="dim")
    numbers.add_row("Rows read", f"{s.rows_read:,}", "")
    numbers.add_row("  " + verb, f"{s.rows_created:,}", "")
    numbers.add_row("  already present", f"{s.rows_already_present:,}", "")
    numbers.add_row("  failed", f"{s.rows_failed:,}", f"{s.rows_invalid:,} invalid lines")
    if not s.dry_run:
        numbers.add_row("Batches", f"{s.batches:,}", f"{s.batches_created:,} created")
        numbers.add_row("  rows batched", f"{s.rows_batched:,}", "")
        numbers.add_row("  already batched", f"{s.rows_already_batched:,}", "")
        numbers.add_row("Priorities set", f"{s.priorities_set:,}", "")
    numbers.add_row("Time", f"{s.seconds:,.1f} s", f"{s.rows_per_second:,.0f} rows/s")
    if s.retries or s.reconciled:
        numbers.add_row("Retries", f"{s.retries:,}", f"{s.reconciled:,} lost answers reconciled")
    return table, numbers


def print_failures(err: Console, result: IngestResult, report: Path | None) -> None:
    if not result.failures_total:
        return
    shown = result.failures[:10]
    say(err, f"{result.failures_total:,} line(s) did not land:")
    for f in shown:
        where = f"line {f.line}" + (f", field {f.field!r}" if f.field else "")
        key = f" [{f.global_key}]" if f.global_key else ""
        say(err, f"  {where}{key} ({f.stage}): {f.reason}")
    if result.failures_total > len(shown):
        more = result.failures_total - len(shown)
        if report is not None:
            say(err, f"  ... and {more:,} more in {report}")
        else:
            say(err, f"  ... and {more:,} more; pass --report FILE to list them all")
    elif report is not None:
        say(err, f"failure report: {report}")


def finish(
    out: Console,
    err: Console,
    result: IngestResult,
    report: Path | None,
    json_output: bool,
    title: str,
    extra: dict[str, Any] | None = None,
) -> None:
    from dataclasses import asdict

    if json_output:
        doc: dict[str, Any] = {
            "ok": result.ok,
            "summary": result.summary.as_dict(),
            "failures_total": result.failures_total,
            "failures": [asdict(f) for f in result.failures[:100]],
            "report": None if result.report_path is None else str(result.report_path),
        }
        doc.update(extra or {})
        print(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    s = result.summary
    heading = f"{title}: {s.manifest}" + (" (dry run: nothing was created)" if s.dry_run else "")
    say(out, heading)
    for table in summary_table(result):
        out.print(table)
    if s.stopped:
        say(err, f"aiolabel: {s.stopped}")
    print_failures(err, result, result.report_path or report if result.failures_total else None)
