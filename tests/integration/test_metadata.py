"""The metadata ontology and bulk metadata calls against the emulator; each test checks the
stored values."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from aiolabel import AsyncClient
from aiolabel.emulator import Emulator
from aiolabel.enums import DataRowMetadataKind
from aiolabel.identifiers import GlobalKey, GlobalKeys, UniqueId
from aiolabel.models.metadata import (
    DataRowMetadata,
    DataRowMetadataField,
    DataRowMetadataOntology,
    DeleteDataRowMetadata,
)
from tests.integration._support import metadata_of, query, requests

TAG = "cko8s9r5v0001h2dk9elqdidh"


async def test_the_ontology_is_fetched_once(client: AsyncClient, emu: Emulator) -> None:
    ontology = await client.get_data_row_metadata_ontology()
    assert isinstance(ontology, DataRowMetadataOntology)
    assert await client.get_data_row_metadata_ontology() is ontology
    assert requests(emu, "GetMetadataOntologyBetaPyApi") == 1
    stored = query(emu, "SELECT id, name FROM metadata_schemas WHERE reserved = 1")
    assert {f.uid for f in ontology.fields_by_id.values()} == {r["id"] for r in stored}
    tag = ontology.reserved_by_name["tag"]
    assert not isinstance(tag, dict)
    assert (tag.uid, tag.kind) == (TAG, DataRowMetadataKind.string)
    split = ontology.get_by_name("split")
    assert isinstance(split, dict)
    assert set(split) == {"train", "valid", "test"}
    assert ontology.custom_fields == []


async def test_custom_schemas_create_update_delete(client: AsyncClient, emu: Emulator) -> None:
    ontology = await client.get_data_row_metadata_ontology()
    colour = await ontology.create_schema("colour", DataRowMetadataKind.enum, ["red", "blue"])
    assert [o.name for o in colour.options or []] == ["red", "blue"]
    assert ontology.custom_by_name_normalized["colour"].uid == colour.uid
    stored = query(emu, "SELECT name, kind FROM metadata_schemas WHERE parent_id = ?", colour.uid)
    assert sorted(r["name"] for r in stored) == ["blue", "red"]

    renamed = await ontology.update_schema("colour", "color")
    assert renamed.uid == colour.uid
    assert "color" in ontology.custom_by_name
    assert "colour" not in ontology.custom_by_name
    option = await ontology.update_enum_option("color", "red", "crimson")
    assert sorted(o.name for o in option.options or []) == ["blue", "crimson"]
    [row] = query(emu, "SELECT name FROM metadata_schemas WHERE id = ?", colour.uid)
    assert row["name"] == "color"

    score = await ontology.create_schema("score", DataRowMetadataKind.number)
    assert await ontology.delete_schema("score") is True
    assert query(emu, "SELECT deleted FROM metadata_schemas WHERE id = ?", score.uid) in (
        [],
        [{"deleted": 1}],
    )
    assert "score" not in ontology.custom_by_name
    with pytest.raises(KeyError):
        await ontology.delete_schema("score")


async def test_bulk_upsert_export_delete_in_concurrent_batches(
    client: AsyncClient, emu: Emulator
) -> None:
    made = emu.control("bulk_create_data_rows", count=120, global_key_prefix="m")
    ids = made["ids"]
    ontology = await client.get_data_row_metadata_ontology()
    score = await ontology.create_schema("score", DataRowMetadataKind.number)
    items = [
        DataRowMetadata(
            data_row_id=ids[i],
            fields=[
                DataRowMetadataField(name="tag", value=f"t{i}"),
                DataRowMetadataField(schema_id=score.uid, value=i),
                DataRowMetadataField(name="split", value="valid"),
                DataRowMetadataField(
                    name="captureDateTime", value=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
                ),
            ],
        )
        for i in range(110)
    ] + [DataRowMetadata(global_key="m115", fields=[DataRowMetadataField(name="tag", value="g")])]
    seen: list[tuple[int, int | None]] = []
    failures = await ontology.bulk_upsert(items, progress=lambda d, t: seen.append((d, t)))
    assert failures == []
    assert requests(emu, "UpsertDataRowMetadataBetaPyApi") == 3  # 50 + 50 + 11
    assert seen[-1] == (111, 111)
    split = ontology.get_by_name("split")
    assert isinstance(split, dict)
    split_id = ontology.reserved_by_name_normalized["split"].uid
    when_id = ontology.reserved_by_name_normalized["captureDateTime"].uid
    values = metadata_of(emu, ids[7])
    assert json.loads(values[TAG]) == "t7"
    assert json.loads(values[score.uid]) == 7.0
    assert json.loads(values[when_id]).startswith("2024-01-02T03:04:05")
    assert json.loads(values[split_id]) == split["valid"].uid
    assert json.loads(metadata_of(emu, ids[115])[TAG]) == "g"

    exported = await ontology.bulk_export(ids[:105])
    assert requests(emu, "dataRowCustomMetadataPyApi") == 3
    assert [m.data_row_id for m in exported] == ids[:105]
    by_schema = {f.schema_id: f for f in exported[7].fields}
    assert by_schema[TAG].value == "t7"
    assert by_schema[split_id].value == split["valid"].uid
    assert by_schema[when_id].value == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    [by_key] = await ontology.bulk_export(GlobalKeys(["m115"]))
    assert [(f.name, f.value) for f in by_key.fields] == [("tag", "g")]

    deletes = [DeleteDataRowMetadata(data_row_id=ids[i], fields=[TAG]) for i in range(60)] + [
        DeleteDataRowMetadata(data_row_id=UniqueId(ids[60]), fields=[score.uid]),
        DeleteDataRowMetadata(data_row_id=GlobalKey("m115"), fields=[TAG]),
    ]
    assert await ontology.bulk_delete(deletes) == []
    assert requests(emu, "DeleteDataRowMetadataBetaPyApi") == 2
    assert TAG not in metadata_of(emu, ids[0])
    assert score.uid in metadata_of(emu, ids[0])
    assert score.uid not in metadata_of(emu, ids[60])
    assert metadata_of(emu, ids[115]) == {}
    assert TAG in metadata_of(emu, ids[61])


async def test_refused_items_come_back_as_failures(client: AsyncClient, emu: Emulator) -> None:
    made = emu.control("bulk_create_data_rows", count=1)
    ontology = await client.get_data_row_metadata_ontology()
    failures = await ontology.bulk_upsert(
        [
            DataRowMetadata(
                data_row_id=made["ids"][0], fields=[DataRowMetadataField(name="tag", value="ok")]
            ),
            DataRowMetadata(
                data_row_id="no-such-row", fields=[DataRowMetadataField(name="tag", value="x")]
            ),
        ]
    )
    assert [(f.data_row_id, bool(f.error)) for f in failures] == [("no-such-row", True)]
    assert json.loads(metadata_of(emu, made["ids"][0])[TAG]) == "ok"
