"""The failure report of ``aiolabel ingest --report FILE``.

The tool only ever replaces or removes a file it wrote itself: a report is recognised by its
shape (a CSV whose first line is the report's header, or NDJSON whose first line is a failure
object with exactly the report's fields), and a report path that names the manifest, or any
existing file of another shape, is refused before the run starts.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from pathlib import Path

from aiolabel.ingest._scratch import FailedRow, Scratch
from aiolabel.ingest._types import IngestError

COLUMNS = ("line", "global_key", "stage", "field", "reason")
"""The report's fields, in order (the CSV header)."""
_SNIFF_BYTES = 64 * 1024


def write_report(path: Path, failures: Iterator[FailedRow] | Sequence[FailedRow]) -> int:
    """Write failures to ``path``: CSV for a ``.csv`` name, NDJSON otherwise. Returns the count.

    Written to a temporary file beside ``path``, then renamed over it: an interrupted write
    leaves ``path`` as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.aiolabel-partial")
    count = 0
    try:
        with open(partial, "w", encoding="utf-8", newline="") as out:
            if path.suffix.lower() == ".csv":
                writer = csv.writer(out)
                writer.writerow(COLUMNS)
                for f in failures:
                    writer.writerow([f.line, f.global_key or "", f.stage, f.field or "", f.reason])
                    count += 1
            else:
                for f in failures:
                    out.write(json.dumps(asdict(f), ensure_ascii=False) + "\n")
                    count += 1
        os.replace(partial, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return count


def is_report(path: Path) -> bool:
    """Whether the file at ``path`` is a failure report this tool wrote (by its first line)."""
    try:
        with open(path, "rb") as file:
            head = file.read(_SNIFF_BYTES)
    except OSError:
        return False
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    if not first:
        return False
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if path.suffix.lower() == ".csv":
        return next(csv.reader([text]), []) == list(COLUMNS)
    try:
        doc = json.loads(text)
    except ValueError:
        return False
    return isinstance(doc, dict) and set(doc) == set(COLUMNS)


def check_report_path(report: Path, inputs: Iterable[Path]) -> None:
    """Refuse a report path that would destroy a file the tool did not write: one of the
    ``inputs`` (the manifest), a directory, or an existing file that is not a report."""
    for given in inputs:
        if _same_file(report, given):
            raise IngestError(f"--report {report}: is the manifest; choose another file")
    if report.is_dir():
        raise IngestError(f"--report {report}: is a directory, not a file")
    if report.exists() or report.is_symlink():
        if not report.is_file() or not is_report(report):
            raise IngestError(
                f"--report {report}: the file exists and is not an aiolabel failure report; "
                "it is left untouched: remove it or choose another file"
            )
        if not os.access(report, os.W_OK):
            raise IngestError(f"--report {report}: the file cannot be written")
    parent = _existing_parent(report)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise IngestError(f"--report {report}: cannot write in {parent}")


def finish_report(report: Path, scratch: Scratch) -> Path | None:
    """Write the failures to ``report``, or remove an old report when there are none (only a
    file with a report's shape is ever replaced or removed)."""
    exists = report.exists() or report.is_symlink()
    if exists and not (report.is_file() and is_report(report)):
        raise IngestError(
            f"--report {report}: the file changed during the run and is not an aiolabel "
            "failure report; it is left untouched"
        )
    if scratch.failed_lines():
        write_report(report, scratch.failures())
        return report
    if exists:
        with contextlib.suppress(FileNotFoundError):
            report.unlink()
    return None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def _existing_parent(path: Path) -> Path:
    parent = path.absolute().parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    return parent
