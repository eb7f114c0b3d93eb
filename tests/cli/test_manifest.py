"""The manifest reader: fields, per-line errors naming line and field, CSV headers, streaming."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from aiolabel.enums import AttachmentType, MediaType
from aiolabel.ingest._manifest import (
    MAX_PRIORITY,
    LineError,
    Manifest,
    ManifestError,
    ManifestRow,
    detect_format,
    read_manifest,
)

from .conftest import write_ndjson

GOOD = {"row_data": "https://cdn.example.com/a.jpg", "global_key": "a"}


def one(tmp_path: Path, item: dict[str, Any] | str, **kwargs: Any) -> ManifestRow | LineError:
    path = write_ndjson(tmp_path / "m.ndjson", [item])
    [result] = list(read_manifest(path, **kwargs))
    return result


def error(tmp_path: Path, item: dict[str, Any] | str, **kwargs: Any) -> LineError:
    result = one(tmp_path, item, **kwargs)
    assert isinstance(result, LineError), result
    return result


def test_a_full_line_becomes_the_sdk_item(tmp_path: Path) -> None:
    row = one(
        tmp_path,
        {
            **GOOD,
            "external_id": "a.jpg",
            "media_type": "image",
            "metadata": {"tag": "street", "captureDateTime": "2024-01-01T00:00:00Z"},
            "attachments": [{"type": "RAW_TEXT", "value": "note", "name": "n"}],
            "priority": 3,
            "batch": " review ",
        },
    )
    assert isinstance(row, ManifestRow)
    assert row.line == 1
    assert row.media_type is MediaType.Image
    assert row.priority == 3
    assert row.batch == "review"
    assert row.attachments[0].type is AttachmentType.RAW_TEXT
    assert row.data_row() == {
        "row_data": "https://cdn.example.com/a.jpg",
        "global_key": "a",
        "external_id": "a.jpg",
        "media_type": "IMAGE",
        "metadata_fields": [
            {"name": "tag", "value": "street"},
            {"name": "captureDateTime", "value": "2024-01-01T00:00:00Z"},
        ],
        "attachments": [{"type": "RAW_TEXT", "value": "note", "name": "n"}],
    }


def test_metadata_as_a_list_by_name_or_schema_id(tmp_path: Path) -> None:
    row = one(
        tmp_path,
        {**GOOD, "metadata": [{"name": "tag", "value": "x"}, {"schema_id": "s1", "value": 2}]},
    )
    assert isinstance(row, ManifestRow)
    assert row.data_row()["metadata_fields"] == [
        {"name": "tag", "value": "x"},
        {"schema_id": "s1", "value": 2},
    ]


@pytest.mark.parametrize(
    ("item", "field", "words"),
    [
        ({"global_key": "a"}, "row_data", "required"),
        ({**GOOD, "row_data": "ftp://host/a.jpg"}, "row_data", "scheme 'ftp'"),
        ({**GOOD, "row_data": "cdn.example.com/a.jpg"}, "row_data", "not a URL"),
        ({**GOOD, "row_data": "https:///a.jpg"}, "row_data", "no host"),
        ({**GOOD, "row_data": "https://a b.com/x.jpg"}, "row_data", "white space"),
        ({**GOOD, "row_data": "https://host:99999/x"}, "row_data", "not a valid URL"),
        ({**GOOD, "row_data": 3}, "row_data", "must be a string"),
        ({**GOOD, "global_key": ""}, "global_key", "blank"),
        ({**GOOD, "global_key": "k" * 201}, "global_key", "longer than 200"),
        ({**GOOD, "priority": 0}, "priority", "from 1 (highest)"),
        ({**GOOD, "priority": MAX_PRIORITY + 1}, "priority", "from 1 (highest)"),
        ({**GOOD, "priority": "high"}, "priority", "'high'"),
        ({**GOOD, "priority": True}, "priority", "whole number"),
        ({**GOOD, "priority": 1.5}, "priority", "whole number"),
        ({**GOOD, "media_type": "HOLOGRAM"}, "media_type", "unknown media type"),
        ({**GOOD, "metadata": "tag=x"}, "metadata", "object of name"),
        ({**GOOD, "metadata": {"tag": None}}, "metadata", "no value"),
        ({**GOOD, "metadata": {"flag": True}}, "metadata", "booleans"),
        ({**GOOD, "metadata": [{"value": 1}]}, "metadata", "name or a schema_id"),
        ({**GOOD, "attachments": {"type": "IMAGE"}}, "attachments", "list"),
        ({**GOOD, "attachments": [{"type": "PHOTO", "value": "x"}]}, "attachments", "type"),
        ({**GOOD, "attachments": [{"type": "IMAGE", "value": ""}]}, "attachments", "value"),
        ({**GOOD, "batch": "  "}, "batch", "blank"),
        ({**GOOD, "colour": "red"}, "colour", "unknown field 'colour'"),
    ],
)
def test_a_bad_field_names_line_and_field(
    tmp_path: Path, item: dict[str, Any], field: str, words: str
) -> None:
    bad = error(tmp_path, item)
    assert bad.line == 1
    assert bad.field == field
    assert words in bad.message
    assert str(bad).startswith(f"line 1, field {field!r}: ")


def test_missing_global_key_is_refused_unless_allowed(tmp_path: Path) -> None:
    item = {"row_data": "https://cdn.example.com/a.jpg"}
    bad = error(tmp_path, item)
    assert bad.field == "global_key"
    assert "--allow-missing-global-keys" in bad.message
    row = one(tmp_path, item, allow_missing_global_keys=True)
    assert isinstance(row, ManifestRow)
    assert row.global_key is None
    assert "global_key" not in row.data_row()


def test_bad_lines_do_not_stop_the_others(tmp_path: Path) -> None:
    path = write_ndjson(
        tmp_path / "m.jsonl",
        [
            GOOD,
            "",
            "{not json",
            "[1, 2]",
            {**GOOD, "global_key": "b"},
            "   ",
            {**GOOD, "global_key": "c", "priority": -1},
        ],
    )
    manifest = Manifest(path)
    results = list(manifest)
    assert [(type(r).__name__, r.line) for r in results] == [
        ("ManifestRow", 1),
        ("LineError", 3),
        ("LineError", 4),
        ("ManifestRow", 5),
        ("LineError", 7),
    ]
    assert "not valid JSON" in results[1].message  # type: ignore[union-attr]
    assert "expected a JSON object, got a list" in results[2].message  # type: ignore[union-attr]
    assert manifest.records == 5  # blank lines are not records


def test_non_utf8_line_is_reported_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "m.ndjson"
    path.write_bytes(
        json.dumps(GOOD).encode() + b"\n" + b'{"row_data": "\xff"}\n' + json.dumps(GOOD).encode()
    )
    results = list(read_manifest(path))
    assert isinstance(results[0], ManifestRow)
    assert isinstance(results[1], LineError)
    assert "not UTF-8" in results[1].message
    assert results[1].line == 2
    assert isinstance(results[2], ManifestRow)


def test_csv_columns_json_columns_and_metadata_columns(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text(
        "\ufeffrow_data,global_key,priority,metadata.tag,metadata.split,attachments,batch\n"
        'https://x.com/1.jpg,k1,2,street,train,"[{""type"": ""RAW_TEXT"", ""value"": ""n""}]",b\n'
        "https://x.com/2.jpg,k2,,,,,\n",
        encoding="utf-8",
    )
    first, second = list(read_manifest(path))
    assert isinstance(first, ManifestRow)
    assert isinstance(second, ManifestRow)
    assert first.priority == 2
    assert first.batch == "b"
    assert first.data_row()["metadata_fields"] == [
        {"name": "tag", "value": "street"},
        {"name": "split", "value": "train"},
    ]
    assert first.attachments[0].value == "n"
    assert second.priority is None
    assert second.metadata == ()
    assert second.batch is None
    assert second.line == 3


def test_csv_bad_records_carry_their_first_line(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text(
        "row_data,global_key,priority,metadata\n"
        '"https://x.com/1.jpg\nsecond line",k1,1,\n'  # a quoted value spanning lines 2-3
        "https://x.com/2.jpg,k2\n"  # line 4: too few values
        "https://x.com/3.jpg,k3,two,\n"  # line 5: priority not a number
        "https://x.com/4.jpg,k4,1,{bad\n"  # line 6: metadata not JSON
        "https://x.com/5.jpg,k5,1,\n",
        encoding="utf-8",
    )
    results = list(read_manifest(path))
    found = [(r.line, r.field) for r in results if isinstance(r, LineError)]
    assert found == [(2, "row_data"), (4, None), (5, "priority"), (6, "metadata")]
    assert isinstance(results[-1], ManifestRow)
    assert results[-1].line == 7


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("row_data,global_key,colour\n", "unknown column 'colour'"),
        ("global_key,priority\n", "no 'row_data' column"),
        ("row_data,priority\n", "no 'global_key' column"),
        ("row_data,global_key,global_key\n", "appears twice"),
        ("row_data,global_key,metadata,metadata.tag\n", "not both"),
        ("", "empty"),
    ],
)
def test_csv_header_problems_stop_before_reading(tmp_path: Path, header: str, words: str) -> None:
    path = tmp_path / "m.csv"
    path.write_text(header + "https://x.com/1.jpg,k1,1\n" if header else "", encoding="utf-8")
    with pytest.raises(ManifestError, match=words):
        Manifest(path)


def test_csv_without_global_key_column_when_allowed(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("row_data\nhttps://x.com/1.jpg\n", encoding="utf-8")
    [row] = list(read_manifest(path, allow_missing_global_keys=True))
    assert isinstance(row, ManifestRow)
    assert row.global_key is None


def test_gzip_manifests(tmp_path: Path) -> None:
    path = tmp_path / "m.ndjson.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write(json.dumps(GOOD) + "\n")
    [row] = list(read_manifest(path))
    assert isinstance(row, ManifestRow)
    assert row.global_key == "a"


def test_format_detection_and_file_problems(tmp_path: Path) -> None:
    assert detect_format(Path("a.CSV")) == "csv"
    assert detect_format(Path("a.jsonl.gz")) == "ndjson"
    with pytest.raises(ManifestError, match="cannot tell the manifest format"):
        detect_format(Path("assets.txt"))
    with pytest.raises(ManifestError, match="no such file"):
        Manifest(tmp_path / "missing.ndjson")
    (tmp_path / "dir.ndjson").mkdir()
    with pytest.raises(ManifestError, match="is a directory"):
        Manifest(tmp_path / "dir.ndjson")
    # --format overrides the name
    path = write_ndjson(tmp_path / "assets.txt", [GOOD])
    assert isinstance(next(iter(Manifest(path, format="ndjson"))), ManifestRow)


def test_reading_is_streamed(tmp_path: Path) -> None:
    """The first row comes back after reading one line, not the file."""
    path = write_ndjson(
        tmp_path / "big.ndjson", [{**GOOD, "global_key": f"k{i}"} for i in range(20_000)]
    )
    manifest = Manifest(path)
    rows = iter(manifest)
    first = next(rows)
    assert isinstance(first, ManifestRow)
    assert first.global_key == "k0"
    size = path.stat().st_size
    assert manifest.bytes_read < size / 100
    assert sum(1 for _ in rows) == 19_999
    assert manifest.bytes_read == size
