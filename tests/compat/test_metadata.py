"""The official SDK's metadata-ontology workflows against the emulator over HTTP: schemas and bulk
upsert, delete and export of metadata values."""

from __future__ import annotations

import labelbox
import pytest
from labelbox.schema.data_row_metadata import (
    DataRowMetadata,
    DataRowMetadataField,
    DataRowMetadataKind,
    DeleteDataRowMetadata,
)
from labelbox.schema.identifiable import GlobalKey
from labelbox.schema.identifiables import GlobalKeys, UniqueIds
from lbox import exceptions as lbx

pytestmark = pytest.mark.compat


def test_metadata_ontology_schemas_and_bulk_operations(lb_client: labelbox.Client) -> None:
    mdo = lb_client.get_data_row_metadata_ontology()
    assert {"tag", "split", "captureDateTime"} <= set(mdo.reserved_by_name)
    assert set(mdo.reserved_by_name["split"]) == {"train", "valid", "test"}
    colour = mdo.create_schema("colour", DataRowMetadataKind.enum, ["red", "green"])
    note = mdo.create_schema("note", DataRowMetadataKind.string)
    with pytest.raises(lbx.MalformedQueryException, match="already exists"):
        mdo.create_schema("tag", DataRowMetadataKind.string)
    dataset = lb_client.create_dataset(name="meta", iam_integration=None)
    task = dataset.create_data_rows(
        [{"row_data": f"https://x/{i}.jpg", "global_key": f"m{i}"} for i in range(3)]
    )
    task.wait_till_done()
    ids = {r["global_key"]: r["id"] for r in task.result}
    tag = mdo.reserved_by_name["tag"].uid
    red = mdo.custom_by_name["colour"]["red"].uid
    failures = mdo.bulk_upsert(
        [
            DataRowMetadata(
                data_row_id=ids["m0"],
                fields=[
                    DataRowMetadataField(schema_id=tag, value="t0"),
                    DataRowMetadataField(schema_id=colour.uid, value=red),
                ],
            ),
            DataRowMetadata(
                global_key="m1", fields=[DataRowMetadataField(schema_id=note.uid, value="n1")]
            ),
            DataRowMetadata(
                data_row_id="no-such-row", fields=[DataRowMetadataField(schema_id=tag, value="x")]
            ),
        ]
    )
    assert [(f.data_row_id, "not found" in (f.error or "")) for f in failures] == [
        ("no-such-row", True)
    ]
    exported = {m.data_row_id: m for m in mdo.bulk_export([ids["m0"], ids["m1"], ids["m2"]])}
    assert {f.schema_id: f.value for f in exported[ids["m0"]].fields} == {
        tag: "t0",
        colour.uid: red,
    }
    assert exported[ids["m2"]].fields == []
    by_key = mdo.bulk_export(GlobalKeys(["m1"]))
    assert [(m.global_key, [f.value for f in m.fields]) for m in by_key] == [("m1", ["n1"])]
    assert len(mdo.bulk_export(UniqueIds([ids["m1"]]))) == 1
    assert (
        mdo.bulk_delete(
            [
                DeleteDataRowMetadata(data_row_id=ids["m0"], fields=[colour.uid]),
                DeleteDataRowMetadata(data_row_id=GlobalKey("m1"), fields=[note.uid]),
            ]
        )
        == []
    )
    after = {m.data_row_id: m for m in mdo.bulk_export([ids["m0"], ids["m1"]])}
    assert [f.schema_id for f in after[ids["m0"]].fields] == [tag]
    assert after[ids["m1"]].fields == []
    renamed = mdo.update_schema("note", "remark")
    assert renamed.name == "remark"
    updated = mdo.update_enum_option("colour", "green", "blue")
    assert sorted(o.name for o in updated.options) == ["blue", "red"]
    assert mdo.delete_schema("remark") is True
    assert "remark" not in mdo.custom_by_name
