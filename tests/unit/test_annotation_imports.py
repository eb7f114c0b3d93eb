"""Client-side checks of annotations before anything is sent, and the per-row limit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aiolabel._resources.annotation_imports import (
    _check_per_row,
    _checked,
    _numbered_lines,
    _row_key,
    encode_annotation,
)
from aiolabel.errors import InputError, InputTypeError


def ann(row: str = "dr1", name: str = "box", **extra: Any) -> dict[str, Any]:
    return {"uuid": "u-" + row + name, "name": name, "dataRow": {"id": row}, **extra}


def test_encode_is_compact_ndjson() -> None:
    assert encode_annotation(ann(), 1) == (
        b'{"uuid":"u-dr1box","name":"box","dataRow":{"id":"dr1"}}\n'
    )


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ("text", InputTypeError, "line 7: an annotation must be a dict"),
        ({"name": "box", "dataRow": {"id": "x"}}, InputError, "line 7: 'uuid' is missing"),
        ({"uuid": "u"}, InputError, "'dataRow' is missing"),
        ({"uuid": "u", "dataRow": {}}, InputError, "only one of 'id' or 'globalKey'"),
        ({"uuid": "u", "dataRow": {"id": "a", "globalKey": "b"}}, InputError, "only one"),
        ({"uuid": "u", "dataRow": {"id": 5}}, InputTypeError, "dataRow.id must be a str"),
        ({"uuid": "u", "dataRow": {"id": "a"}, "name": 3}, InputTypeError, "name must be a str"),
        ({"uuid": "u", "dataRow": {"id": "a"}, "x": float("nan")}, InputTypeError, "not JSON"),
        ({"uuid": "u", "dataRow": {"id": "a"}, "x": object()}, InputTypeError, "not JSON"),
    ],
)
def test_bad_annotations_are_typed_errors_naming_the_line(
    value: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        encode_annotation(value, 7)


def test_per_row_limit_counts_row_and_feature_name() -> None:
    same = [ann(name="box") for _ in range(5001)]
    with pytest.raises(InputError, match="line 5001: data row dr1 has more than 5000"):
        _checked(same)
    spread = [ann(name="box") for _ in range(5000)] + [ann(name="other")]
    assert len(_checked(spread)) == 5001


def test_hash_collisions_are_confirmed_on_the_lines() -> None:
    chunk = [(i, encode_annotation(ann(row=f"r{i}"), i + 1), 42) for i in range(5001)]
    _check_per_row(chunk)  # one hash, but 5001 different rows: no error


def test_row_key_prefers_the_global_key() -> None:
    by_key = {"uuid": "u", "name": "n", "dataRow": {"globalKey": "k"}}
    assert _row_key(by_key) == hash(("k", "n"))


async def test_file_lines_skip_blanks_and_name_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "a.ndjson"
    path.write_text(json.dumps(ann()) + "\n\n" + json.dumps(ann(row="dr2")) + "\n[1]\n")
    seen: list[tuple[int, str]] = []

    async def read() -> None:
        async for index, encoded, _ in _numbered_lines(path):
            seen.append((index, json.loads(encoded)["dataRow"]["id"]))

    with pytest.raises(InputTypeError, match="line 4: each line must be a JSON object"):
        await read()
    assert seen == [(0, "dr1"), (1, "dr2")]


async def test_empty_input_is_refused() -> None:
    async def drain(source: Any) -> None:
        async for _ in _numbered_lines(source):
            pass

    with pytest.raises(InputError, match="cannot be empty"):
        await drain([])
    with pytest.raises(InputTypeError):
        await drain({"uuid": "u"})
