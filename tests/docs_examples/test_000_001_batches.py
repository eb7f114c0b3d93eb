"""Documents 000 and 001 (the batches guides), example by example."""

from __future__ import annotations

import aiolabel as lb
from aiolabel import AsyncClient
from aiolabel.emulator import Emulator


async def test_batch_lifecycle(client: AsyncClient, emu: Emulator, keys: list[str]) -> None:
    project = await client.create_project(name="p", media_type=lb.MediaType.Image)
    await project.create_batch(name="<unique_batch_name>", global_keys=keys[:3], priority=5)
    batches = project.batches()  # a paginated collection of Batch objects
    batch = await anext(batches)  # get one batch
    async for batch in project.batches():  # inspect all batches
        print(batch)
    batches_list = await project.batches().to_list()
    data_rows = [row async for row in batch.export_data_rows(include_metadata=False)]
    for data_row in data_rows:  # inspect the data rows
        print(data_row)
    print(batch.name, batch.created_at, batch.updated_at, batch.size)
    assert (await batch.project()).uid == project.uid
    # re-queue the data with labels as templates
    await batch.delete_labels(set_labels_as_template=True)
    await batch.remove_queued_data_rows()  # archive the batch
    await batch.delete()
    assert len(batches_list) == 1
    assert len(data_rows) == 3


async def test_queued_and_dataset_rows(client: AsyncClient, emu: Emulator) -> None:
    made = emu.control("bulk_create_data_rows", count=3)
    dataset = await client.get_dataset(made["dataset_id"])
    project = await client.create_project(name="p", media_type=lb.MediaType.Image)
    await project.create_batch("b", data_rows=made["ids"][:2])
    queued_data_rows = [dr["id"] async for dr in project.export_queued_data_rows()]
    data_rows = [dr.uid async for dr in dataset.export_data_rows()]
    assert sorted(queued_data_rows) == sorted(made["ids"][:2])
    assert sorted(data_rows) == sorted(made["ids"])
