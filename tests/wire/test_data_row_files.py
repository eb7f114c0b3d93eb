"""The descriptor files ``create_data_rows`` uploads hold, byte for byte, what ``json.dumps``
writes for the specs the checked path (``prepare_item``) makes, cut where appending one spec at
a time would cut them, whatever mix of plain and unusual items, windows, files and tasks, and
whether the input is a list, an iterator or an async iterator."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from aiolabel import AsyncClient
from aiolabel._bulk.descriptors import DescriptorChunker
from aiolabel._bulk.specs import prepare_item
from aiolabel.models.data_row import DataRow
from aiolabel.models.dataset import Dataset
from aiolabel.models.metadata import DataRowMetadataOntology
from tests.wire import canned
from tests.wire.recorder import API_KEY, ENDPOINT, Recorder

TAG = "cko8s9r5v0001h2dk9elqdidh"
MAX_BYTES = 9_000
PER_TASK = 700


def _item(i: int) -> dict[Any, Any]:
    base: dict[Any, Any] = {
        "row_data": f"https://x/{i}.jpg",
        "global_key": f'gk-{i}-é"',
        "external_id": f"e{i}",
    }
    kind = i % 9
    if kind == 1:
        base["metadata_fields"] = [
            {"name": "split", "value": "train"},
            {"schema_id": TAG, "value": f"t{i}"},
        ]
    elif kind == 2:
        base["media_type"] = "image"  # read tolerantly: the checked path
    elif kind == 3:
        base = {DataRow.row_data: base["row_data"], "external_id": f"e{i}"}
    elif kind == 4:
        base["attachments"] = [{"type": "RAW_TEXT", "value": "hi", "name": "a"}]
        base["dataset_id"] = "elsewhere"
    elif kind == 5:
        base = {"conversationalData": [{"messageId": "1", "content": "hi"}], "externalId": f"c{i}"}
    elif kind == 6:
        base["global_key"] = None
    return base


ITEMS = 1_900  # several windows, files per task and tasks


def _expected() -> list[bytes]:
    ontology = DataRowMetadataOntology(None, canned.METADATA_ONTOLOGY)  # type: ignore[arg-type]
    chunker = DescriptorChunker(MAX_BYTES, PER_TASK)
    bodies = []
    for i in range(ITEMS):
        spec = prepare_item(_item(i), i, dataset_id="ds1", upsert=False, ontology=ontology)
        bodies += [c.body for c in chunker.add(json.dumps(spec.wire()).encode())]
    last = chunker.close()
    assert last is not None
    return [*bodies, last.body]


def _list() -> list[dict[Any, Any]]:
    return [_item(i) for i in range(ITEMS)]


def _iterator() -> Iterator[dict[Any, Any]]:
    return (_item(i) for i in range(ITEMS))


async def _async_iterator() -> AsyncIterator[dict[Any, Any]]:
    for i in range(ITEMS):
        yield _item(i)


@pytest.mark.parametrize("source", [_list, _iterator, _async_iterator])
async def test_descriptor_files_are_the_checked_specs_as_json_dumps_writes_them(
    source: Any,
) -> None:
    rec = Recorder()
    async with AsyncClient(
        api_key=API_KEY, endpoint=ENDPOINT, transport=rec.httpx_transport()
    ) as c:
        dataset = Dataset.from_wire(c, canned.dataset())
        task = await dataset.create_data_rows(
            source(), _max_chunk_bytes=MAX_BYTES, _items_per_task=PER_TASK
        )
    uploads = [r.part("1") for r in rec.graphql("UploadFile")]
    files = [p.content for p in uploads if p.filename == "json_import.json"]
    assert sorted(files) == sorted(_expected())  # uploaded concurrently: in any order
    manifests = [json.loads(p.content) for p in uploads if p.filename == "manifest.json"]
    assert sorted(m["item_count"] for m in manifests) == [500, 700, 700]
    assert len(task.tasks) == 3
