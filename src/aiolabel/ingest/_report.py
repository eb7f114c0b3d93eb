"""The failure report of ``aiolabel ingest --report FILE``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path

from aiolabel.ingest._scratch import FailedRow, Scratch


def write_report(path: Path, failures: Iterator[FailedRow] | Sequence[FailedRow]) -> int:
    """Write failures to ``path``: CSV for a ``.csv`` name, NDJSON otherwise. Returns the count."""
    import csv
    import json

    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        if path.suffix.lower() == ".csv":
            writer = csv.writer(out)
            writer.writerow(["line", "global_key", "stage", "field", "reason"])
            for f in failures:
                writer.writerow([f.line, f.global_key or "", f.stage, f.field or "", f.reason])
                count += 1
        else:
            for f in failures:
                out.write(json.dumps(asdict(f), ensure_ascii=False) + "\n")
                count += 1
    return count


def finish_report(report: Path, scratch: Scratch) -> Path | None:
    """Write the failures to ``report``, or remove an old report when there are none."""
    if scratch.failed_lines():
        write_report(report, scratch.failures())
        return report
    with contextlib.suppress(FileNotFoundError):
        report.unlink()
    return None
