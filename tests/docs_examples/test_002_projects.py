"""Document 002 (the projects guide), example by example."""

from __future__ import annotations

import pytest

import aiolabel as lb
from aiolabel import AsyncClient
from aiolabel.emulator import Emulator
from aiolabel.enums import QualityMode


async def _project(client: AsyncClient) -> lb.Project:
    return await client.create_project(name="<project_name>", media_type=lb.MediaType.Image)


async def test_create_a_project(client: AsyncClient) -> None:
    project = await client.create_project(
        name="<project_name>",
        description="<project_description>",  # optional
        media_type=lb.MediaType.Image,  # specify the media type
    )
    # create a project that uses consensus quality control
    consensus = await client.create_project(
        name="<project_name>",
        media_type=lb.MediaType.Image,
        quality_modes={QualityMode.Consensus},
    )
    assert project.description == "<project_description>"
    assert consensus.is_consensus_enabled


async def test_get_a_project(client: AsyncClient) -> None:
    made = await _project(client)
    project = await client.get_project(made.uid)
    # alternatively, you can get a project by name
    by_name = await client.get_projects(where=lb.Project.name == "<project_name>").get_one()
    assert by_name is not None
    assert project.uid == by_name.uid == made.uid


async def test_create_a_batch(client: AsyncClient, keys: list[str]) -> None:
    project = await _project(client)
    batch = await project.create_batch(
        name="<unique_batch_name>",
        global_keys=keys[:3],
        priority=5,
    )
    ids = [
        r.uid async for r in (await client.create_dataset("d", iam_integration=None)).data_rows()
    ]
    assert ids == []
    consensus = await client.create_project(
        name="c", media_type=lb.MediaType.Image, quality_modes={QualityMode.Consensus}
    )
    rows = await client.get_data_row_ids_for_global_keys(keys[3:5])
    second = await consensus.create_batch(
        name="<unique_batch_name>",
        data_rows=rows["results"],
        consensus_settings={"number_of_labels": 3, "coverage_percentage": 0.1},
    )
    assert (batch.size, second.size) == (3, 2)


async def test_create_multiple_batches(client: AsyncClient, keys: list[str]) -> None:
    project = await _project(client)
    task = await project.create_batches(name_prefix="demo-create-batches-", global_keys=keys)
    await task.wait_till_done()
    print("Errors: ", await task.errors())
    print("Result: ", await task.result())
    assert await task.errors() is None
    assert [b.name for b in await task.result()] == ["demo-create-batches-0000"]


async def test_create_batches_from_a_dataset(client: AsyncClient, emu: Emulator) -> None:
    made = emu.control("bulk_create_data_rows", count=4)
    project = await _project(client)
    dataset = await client.get_dataset(made["dataset_id"])
    task = await project.create_batches_from_dataset(
        name_prefix="demo-dataset-batches-", dataset_id=dataset.uid
    )
    await task.wait_till_done()
    print("Errors: ", await task.errors())
    print("Result: ", await task.result())
    assert sum(b.size or 0 for b in await task.result()) == 4


async def test_get_the_batches_and_a_batch(client: AsyncClient, keys: list[str]) -> None:
    project = await _project(client)
    made = await project.create_batch("b1", global_keys=keys[:2])
    batches = project.batches()
    batch = await anext(batches)  # inspect one batch
    async for batch in project.batches():  # inspect all batches
        print(batch)
    batches_list = await project.batches().to_list()
    batch = await client.get_batch(project.uid, made.uid)
    assert [b.uid for b in batches_list] == [batch.uid]


async def test_members_and_their_roles(client: AsyncClient) -> None:
    project = await _project(client)
    members = project.members()
    member = await anext(members)  # inspect one member
    print(await member.user(), await member.role(), member.access_from)
    print(
        (await member.user()).uid,
        (await member.user()).email,
        (await member.role()).name,
        member.access_from,
        sep="\t",
    )
    async for member in project.members():  # inspect all members
        print(await member.user(), await member.role(), member.access_from)
    assert member.access_from == "ORGANIZATION"


async def test_task_queues_and_moving_rows(client: AsyncClient, keys: list[str]) -> None:
    project = await _project(client)
    await project.create_batch("b", global_keys=keys[:2])
    task_queues = await project.task_queues()
    for task_queue in task_queues:
        print(task_queue)
    review = next(q for q in task_queues if q.queue_type == "MANUAL_REVIEW_QUEUE")
    await project.move_data_rows_to_task_queue(
        data_row_ids=lb.GlobalKeys(keys[:2]),  # Use "lb.UniqueIds" for "<data_row_ids>"
        task_queue_id=review.uid,  # Use "None" to move data rows to the "Done" bucket
    )
    assert {q.name: q.data_row_count for q in await project.task_queues()}[review.name] == 2


async def test_set_and_update_data_row_priority(client: AsyncClient, keys: list[str]) -> None:
    project = await _project(client)
    await project.create_batch("b", global_keys=keys[:3])
    export_params = {"data_row_details": True}
    export_task = await project.export_v2(params=export_params)
    await export_task.wait_till_done()  # Wait until the export task is complete
    if await export_task.errors:  # Check for any errors in the export task
        print(await export_task.errors)
    export_json = await export_task.result
    global_keys = [item["data_row"]["global_key"] for item in export_json]
    lpos = []
    priority = 1
    for global_key in global_keys:
        lpos.append((lb.GlobalKey(global_key), priority))
        priority += 1
    await project.set_labeling_parameter_overrides(lpos)
    project_lpos = await project.labeling_parameter_overrides().to_list()  # Check results
    for lpo in project_lpos:
        print(lpo)
        print("Data row:", (await lpo.data_row()).uid)
    await project.update_data_row_labeling_priority(
        data_rows=lb.GlobalKeys(global_keys[:2]), priority=1
    )
    priorities = {
        (await lpo.data_row()).global_key: lpo.priority
        async for lpo in project.labeling_parameter_overrides()
    }
    assert priorities == {global_keys[0]: 1, global_keys[1]: 1, global_keys[2]: 3}


async def test_project_tags(client: AsyncClient) -> None:
    project = await _project(client)
    org = await client.get_organization()
    first = await org.create_resource_tag({"text": "first", "color": "008856"})
    second = await org.create_resource_tag({"text": "second", "color": "ffffff"})
    tags = await project.update_project_resource_tags([first.uid, second.uid])
    tags = await project.get_resource_tags()
    assert [(t.uid, t.color, t.text) for t in tags] == [
        (first.uid, "008856", "first"),
        (second.uid, "ffffff", "second"),
    ]


async def test_export_the_labels_and_the_queued_rows(client: AsyncClient, keys: list[str]) -> None:
    project = await _project(client)
    await project.create_batch("b", global_keys=keys[:2])
    export_params = {
        "attachments": True,
        "metadata_fields": True,
        "data_row_details": True,
        "project_details": True,
        "performance_details": True,
    }
    filters = {"last_activity_at": ["2000-01-01 00:00:00", "2050-01-01 00:00:00"]}
    export_task = await project.export_v2(params=export_params, filters=filters)
    await export_task.wait_till_done()
    if await export_task.errors:
        print(await export_task.errors)
    export_json = await export_task.result
    print("results: ", export_json)
    assert len(export_json) == 2
    filters = {"workflow_status": "ToLabel"}  # only the queued data rows
    task = await project.export_v2(params=export_params, filters=filters)
    await task.wait_till_done()
    if await task.errors:
        print(await task.errors)
    export_json = await task.result
    assert sorted(row["data_row"]["global_key"] for row in export_json) == keys[:2]


async def test_export_the_issues(client: AsyncClient, emu: Emulator) -> None:
    project = await _project(client)
    emu.control("add_issue", project_id=project.uid, content="open one")
    url = await project.export_issues()
    issues = [i async for i in _json_lines(client, url)]
    open_issues_url = await project.export_issues(status="Open")
    resolved_issues_url = await project.export_issues(status="Resolved")
    assert [i["content"] for i in issues] == ["open one"]
    assert open_issues_url is not None
    assert resolved_issues_url is not None


async def _json_lines(client: AsyncClient, url: str | None) -> object:
    import json

    assert url is not None
    body = b"".join([chunk async for chunk in client._download(url)])
    for item in json.loads(body):
        yield item


async def test_update_delete_and_the_basics(client: AsyncClient) -> None:
    project = await _project(client)
    await project.update(name="<new_project_name>")
    assert project.name == "<new_project_name>"
    print(project.name, project.description, project.updated_at, project.created_at)
    print(project.last_activity_time, project.auto_audit_number_of_labels)
    print(project.auto_audit_percentage)
    user = await project.created_by()
    organization = await project.organization()
    assert user.uid == (await client.get_user()).uid
    assert organization.uid == (await client.get_organization()).uid
    await project.delete()
    with pytest.raises(lb.ResourceNotFoundError):
        await client.get_project(project.uid)


async def test_the_webhooks(client: AsyncClient) -> None:
    project = await _project(client)
    await lb.Webhook.create(client, ["LABEL_CREATED"], "https://example.com/h", "secret", project)
    webhooks = project.webhooks()
    webhook = await anext(webhooks)  # inspect one webhook
    async for webhook in project.webhooks():  # inspect all webhooks
        print(webhook)
    webhooks_list = await project.webhooks().to_list()
    assert [w.uid for w in webhooks_list] == [webhook.uid]


async def test_the_number_of_labels(client: AsyncClient, emu: Emulator, keys: list[str]) -> None:
    project = await _project(client)
    batch = await project.create_batch("b", global_keys=keys[:1])
    [row] = [r["data_row"]["id"] async for r in batch.export_data_rows()]
    emu.control("add_label", project_id=project.uid, data_row_id=row)
    assert await project.get_label_count() == 1
