"""Document 003 (the data rows guide), example by example."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import aiolabel as lb
from aiolabel import AsyncClient


async def test_create_update_and_read_data_rows(client: AsyncClient) -> None:
    dataset = await client.create_dataset(name="Bulk import example", iam_integration=None)
    metadata_ontology = await client.get_data_row_metadata_ontology()
    assets = [
        {"row_data": f"https://example.com/{i}.jpg", "global_key": str(uuid.uuid4())}
        for i in range(5)
    ]
    asset_metadata_fields = [
        {
            "schema_id": metadata_ontology.reserved_by_name["captureDateTime"].uid,
            "value": datetime.now(UTC),  # the guide's datetime.utcnow() needs a time zone here
        },
        {"schema_id": metadata_ontology.reserved_by_name["tag"].uid, "value": "tag_string"},
    ]
    asset_attachments = [
        {"type": "IMAGE_OVERLAY", "value": "https://example.com/o.png", "name": "RGB"}
    ]
    for item in assets:
        item["metadata_fields"] = asset_metadata_fields
        item["attachments"] = asset_attachments
    task = await dataset.create_data_rows(assets)
    await task.wait_till_done()
    print(await task.errors)
    assert await task.errors is None

    data_rows = [row async for row in dataset.export_data_rows()]
    data_rows = [row async for row in dataset.export_data_rows(include_metadata=True)]
    data_rows = [row async for row in dataset.export_data_rows(timeout_seconds=120)]
    assert len(data_rows) == 5

    datarow = data_rows[0]
    data_row = await client.get_data_row(datarow.uid)
    res = await client.get_data_row_ids_for_global_keys([data_row.global_key or ""])
    data_row_ids = res["results"]
    assert data_row_ids == [data_row.uid]
    data_rows_iterator = dataset.data_rows()
    first = await data_rows_iterator.get_one()
    async for data_row in dataset.data_rows():
        print(data_row)
    assert first is not None

    new_global_key = str(uuid.uuid4())
    res = await client.assign_global_keys_to_data_rows(
        [{"data_row_id": data_row.uid, "global_key": new_global_key}]
    )
    assert res["status"] == "SUCCESS"
    await data_row.update(external_id="new_external_id")
    assert data_row.external_id == "new_external_id"
    await data_row.create_attachment(
        attachment_type="IMAGE_OVERLAY",
        attachment_value="https://example.com/o.png",
        attachment_name="RGB",
    )
    await lb.DataRow.bulk_delete(data_rows)
    assert [r async for r in dataset.data_rows()] == []
