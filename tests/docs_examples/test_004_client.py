"""Document 004 (the API reference), the examples of the ``Client`` section, one test each.

Each example runs as written with ``await`` / ``async for`` added; placeholders (``"<dataset_id>"``,
``"cleabc1my012ioqvu5anyaabc"``) are replaced by objects made in the emulator. An example that
cannot work with only ``await`` added asserts the error naming the aiolabel spelling.
``EXAMPLES`` in ``test_004_reference.py`` lists every example of the document by line.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

import aiolabel as lb
from aiolabel import (
    AsyncClient,
    Classification,
    ConflictResolutionStrategy,
    Dataset,
    LabelingFrontend,
    MediaType,
    Model,
    OntologyBuilder,
    Project,
    Tool,
    UniqueIds,
)
from aiolabel.emulator import Emulator


@pytest.fixture
def row_ids(emu: Emulator) -> list[str]:
    """Ids of four image rows without global keys."""
    ids: list[str] = emu.control("bulk_create_data_rows", count=4)["ids"]
    return ids


async def _ontology(client: AsyncClient) -> lb.Ontology:
    normalized = {"tools": [{"tool": "polygon", "name": "cat", "color": "black"}]}
    return await client.create_ontology("ontology-name", normalized)


# -- L19 ------------------------------------------------------------------------------------------


async def test_l19_client(emu: Emulator) -> None:
    logging.basicConfig(level=logging.INFO)
    with pytest.raises(AttributeError, match="AsyncClient"):
        lb.Client("<APIKEY>")  # type: ignore[attr-defined]
    async with lb.AsyncClient("<APIKEY>", endpoint=emu.endpoint, transport=emu.transport) as client:
        assert "<APIKEY>" not in repr(client)


# -- global keys ----------------------------------------------------------------------------------


async def test_l54_assign_global_keys_to_data_rows(client: AsyncClient, row_ids: list[str]) -> None:
    global_key_data_row_inputs = [
        {"data_row_id": row_ids[0], "global_key": "key1"},
        {"data_row_id": row_ids[1], "global_key": "key2"},
    ]
    job_result = await client.assign_global_keys_to_data_rows(global_key_data_row_inputs)
    print(job_result["status"])
    print(job_result["results"])
    print(job_result["errors"])
    assert job_result["status"] == "SUCCESS"
    assert job_result["results"] == [
        {"data_row_id": row_ids[0], "global_key": "key1", "sanitized": False},
        {"data_row_id": row_ids[1], "global_key": "key2", "sanitized": False},
    ]
    assert job_result["errors"] == []
    # the documented partial success: one key is already taken by another row
    job_result = await client.assign_global_keys_to_data_rows(
        [
            {"data_row_id": row_ids[2], "global_key": "gk"},
            {"data_row_id": row_ids[3], "global_key": "key1"},
        ]
    )
    assert job_result["status"] == "PARTIAL SUCCESS"  # the documents print "Partial Success"
    assert job_result["results"] == [
        {"data_row_id": row_ids[2], "global_key": "gk", "sanitized": False}
    ]
    [error] = job_result["errors"]
    assert (error["data_row_id"], error["global_key"]) == (row_ids[3], "key1")
    assert error["error"]


async def test_l95_clear_global_keys(client: AsyncClient, row_ids: list[str]) -> None:
    await client.assign_global_keys_to_data_rows(
        [
            {"data_row_id": row_ids[0], "global_key": "key1"},
            {"data_row_id": row_ids[1], "global_key": "key2"},
        ]
    )
    job_result = await client.clear_global_keys(["key1", "key2", "notfoundkey"])
    print(job_result["status"])
    print(job_result["results"])
    print(job_result["errors"])
    assert job_result["status"] == "PARTIAL SUCCESS"
    assert sorted(job_result["results"]) == ["key1", "key2"]
    assert job_result["errors"] == [
        {
            "global_key": "notfoundkey",
            "error": "Failed to find data row matching provided global key",
        }
    ]


async def test_l356_get_data_row_ids_for_global_keys(
    client: AsyncClient, row_ids: list[str]
) -> None:
    await client.assign_global_keys_to_data_rows(
        [
            {"data_row_id": row_ids[0], "global_key": "key1"},
            {"data_row_id": row_ids[1], "global_key": "key2"},
        ]
    )
    job_result = await client.get_data_row_ids_for_global_keys(["key1", "key2"])
    print(job_result["status"])
    print(job_result["results"])
    print(job_result["errors"])
    assert job_result == {"status": "SUCCESS", "results": row_ids[:2], "errors": []}
    job_result = await client.get_data_row_ids_for_global_keys(["key1", "asdf"])
    assert job_result["status"] == "PARTIAL SUCCESS"
    assert job_result["results"] == [row_ids[0], ""]
    assert job_result["errors"] == [{"global_key": "asdf", "error": "Data Row not found"}]


# -- datasets -------------------------------------------------------------------------------------


async def test_l123_create_dataset(client: AsyncClient) -> None:
    dataset = await client.create_dataset(name="<dataset_name>")
    assert dataset.name == "<dataset_name>"
    dataset = await client.create_dataset(
        name="<dataset_name>", description="<dataset_description>"
    )
    assert dataset.description == "<dataset_description>"


async def test_l376_get_dataset(client: AsyncClient) -> None:
    made = await client.create_dataset(name="<dataset_name>", iam_integration=None)
    dataset = await client.get_dataset(made.uid)
    assert dataset == made


async def test_l393_get_datasets(client: AsyncClient) -> None:
    made = await client.create_dataset(
        name="<dataset_name>", description="<dataset_description>", iam_integration=None
    )
    await client.create_dataset(name="<dataset_name>", iam_integration=None)
    datasets = client.get_datasets(
        where=(Dataset.name == "<dataset_name>") & (Dataset.description == "<dataset_description>")
    )
    assert [d.uid async for d in datasets] == [made.uid]


# -- feature schemas and ontologies ---------------------------------------------------------------


async def test_l127_create_feature_schema(client: AsyncClient) -> None:
    normalized: Any = {"tool": "polygon", "name": "cat", "color": "black"}
    feature_schema = await client.create_feature_schema(normalized)
    assert feature_schema.normalized["tool"] == "polygon"

    normalized = Tool(tool=Tool.Type.BBOX, name="cat", color="black").asdict()
    feature_schema = await client.create_feature_schema(normalized)
    assert feature_schema.normalized["tool"] == "rectangle"

    normalized = Tool(
        tool=Tool.Type.SEGMENTATION,
        name="cat",
        classifications=[Classification(class_type=Classification.Type.TEXT, name="name")],
    )
    # the document passes the Tool itself; the official SDK and aiolabel take its asdict()
    with pytest.raises(lb.InputTypeError, match=r"asdict\(\)"):
        await client.create_feature_schema(normalized)  # type: ignore[arg-type]
    feature_schema = await client.create_feature_schema(normalized.asdict())
    assert feature_schema.normalized["classifications"][0]["name"] == "name"


async def test_l176_create_ontology(client: AsyncClient) -> None:
    normalized: Any = {
        "tools": [{"tool": "polygon", "name": "cat", "color": "black"}],
        "classifications": [],
    }
    ontology = await client.create_ontology("ontology-name", normalized)
    assert [t.name for t in ontology.tools()] == ["cat"]
    normalized = OntologyBuilder(
        tools=[Tool(tool=Tool.Type.BBOX, name="cat", color="black")]
    ).asdict()
    ontology = await client.create_ontology("ontology-name", normalized)
    assert [t.tool for t in ontology.tools()] == [Tool.Type.BBOX]


async def test_l260_delete_feature_schema_from_ontology(client: AsyncClient) -> None:
    ontology = await _ontology(client)
    feature_schema_id = ontology.normalized["tools"][0]["featureSchemaId"]
    result = await client.delete_feature_schema_from_ontology(ontology.uid, feature_schema_id)
    assert (result.deleted, result.archived) == (True, False)
    assert (await client.get_ontology(ontology.uid)).normalized["tools"] == []


async def test_l267_delete_unused_feature_schema(client: AsyncClient) -> None:
    unused = await client.create_feature_schema({"tool": "polygon", "name": "c", "color": "red"})
    await client.delete_unused_feature_schema(unused.uid)
    with pytest.raises(lb.ResourceNotFoundError):
        await client.get_feature_schema(unused.uid)


async def test_l274_delete_unused_ontology(client: AsyncClient) -> None:
    ontology = await _ontology(client)
    await client.delete_unused_ontology(ontology.uid)
    with pytest.raises(lb.ResourceNotFoundError):
        await client.get_ontology(ontology.uid)


async def test_l572_get_unused_feature_schemas(client: AsyncClient) -> None:
    made = [
        (await client.create_feature_schema({"tool": "polygon", "name": f"u{i}"})).uid
        for i in range(3)
    ]
    first = await client.get_unused_feature_schemas()
    assert sorted(first) == sorted(made)
    after = sorted(made)[0]
    assert await client.get_unused_feature_schemas(after) == sorted(made)[1:]


async def test_l584_get_unused_ontologies(client: AsyncClient) -> None:
    made = [(await _ontology(client)).uid for _ in range(3)]
    assert sorted(await client.get_unused_ontologies()) == sorted(made)
    after = sorted(made)[0]
    assert await client.get_unused_ontologies(after) == sorted(made)[1:]


async def test_l597_insert_feature_schema_into_ontology(client: AsyncClient) -> None:
    normalized = {
        "tools": [{"tool": "polygon", "name": n} for n in ("a", "b", "c")],
        "classifications": [],
    }
    ontology = await client.create_ontology("ontology-name", normalized)
    schema = await client.create_feature_schema({"tool": "polygon", "name": "new"})
    await client.insert_feature_schema_into_ontology(schema.uid, ontology.uid, 2)
    tools = (await client.get_ontology(ontology.uid)).normalized["tools"]
    assert [t["name"] for t in tools] == ["a", "b", "new", "c"]


async def test_l670_update_feature_schema_title(client: AsyncClient) -> None:
    schema = await client.create_feature_schema({"tool": "polygon", "name": "old"})
    updated = await client.update_feature_schema_title(schema.uid, "New Title")
    assert updated.name == "New Title"
    assert (await client.get_feature_schema(schema.uid)).name == "New Title"


async def test_l681_upsert_feature_schema(client: AsyncClient) -> None:
    with pytest.raises(AttributeError, match=r"Tool\.Type\.BBOX"):
        Tool(name="tool", tool=Tool.Type.BOUNDING_BOX, color="#FF0000")
    tool = Tool(name="tool", tool=Tool.Type.BBOX, color="#FF0000")
    made = await client.upsert_feature_schema(tool.asdict())
    tool = Tool(feature_schema_id=made.uid, name="tool", tool=Tool.Type.BBOX, color="#00FF00")
    updated = await client.upsert_feature_schema(tool.asdict())
    assert updated.uid == made.uid
    assert (await client.get_feature_schema(made.uid)).normalized["color"] == "#00FF00"


async def test_l430_get_labeling_frontends(client: AsyncClient) -> None:
    frontend = client.get_labeling_frontends(where=LabelingFrontend.name == "Editor")
    assert [f.name async for f in frontend] == ["Editor"]


# -- models ---------------------------------------------------------------------------------------


async def test_l160_l443_l460_l485_models(client: AsyncClient) -> None:
    ontology = await _ontology(client)
    model = await client.create_model("<model_name>", ontology.uid)
    assert (model.name, model.ontology_id) == ("<model_name>", ontology.uid)
    model = await client.get_model(model.uid)
    model_run = await model.create_model_run("<model_run_name>")
    model_run = await client.get_model_run(model_run.uid)
    assert model_run.model_id == model.uid
    await client.create_model("other", ontology.uid)
    models = client.get_models(where=(Model.name == "<model_name>"))
    assert [m.uid async for m in models] == [model.uid]


# -- organization, user, projects -----------------------------------------------------------------


async def test_l522_l590_organization_and_user(client: AsyncClient) -> None:
    organization = await client.get_organization()
    user = await client.get_user()
    assert (await user.organization()).uid == organization.uid


async def test_l216_create_project(client: AsyncClient) -> None:
    with pytest.raises(AttributeError, match="queue_mode"):
        lb.QueueMode.Batch  # type: ignore[attr-defined]  # noqa: B018
    project = await client.create_project(
        name="<project_name>",
        description="<project_description>",
        media_type=MediaType.Image,
    )
    assert project.media_type == MediaType.Image


async def test_l527_l544_get_project_and_projects(client: AsyncClient) -> None:
    made = await client.create_project(
        name="<project_name>", description="<project_description>", media_type=MediaType.Image
    )
    await client.create_project(name="<project_name>", media_type=MediaType.Image)
    project = await client.get_project(made.uid)
    projects = client.get_projects(
        where=(Project.name == "<project_name>") & (Project.description == "<project_description>")
    )
    assert [p.uid async for p in projects] == [project.uid]


# -- send to annotate -----------------------------------------------------------------------------


async def test_l627_send_to_annotate_from_catalog(
    client: AsyncClient, emu: Emulator, row_ids: list[str]
) -> None:
    source = await client.create_project("source", MediaType.Image)
    await source.create_batch("b", row_ids[:1])
    emu.control("add_label", project_id=source.uid, data_row_id=row_ids[0])
    destination = await client.create_project("destination", MediaType.Image)
    queue = next(
        q for q in await destination.task_queues() if q.queue_type == "INITIAL_LABELING_QUEUE"
    )
    DESTINATION_PROJECT_ID, TASK_QUEUE_ID = destination.uid, queue.uid
    SOURCE_PROJECT_ID, DATA_ROW_ID = source.uid, row_ids[0]
    task = await client.send_to_annotate_from_catalog(
        destination_project_id=DESTINATION_PROJECT_ID,
        task_queue_id=TASK_QUEUE_ID,
        batch_name="batch_name",
        data_rows=UniqueIds([DATA_ROW_ID]),
        params={
            "source_project_id": SOURCE_PROJECT_ID,
            "override_existing_annotations_rule": ConflictResolutionStrategy.OverrideWithAnnotations,  # noqa: E501
        },
    )
    await task.wait_till_done()
    assert task.status == "COMPLETE"
    assert await task.errors is None
    assert [b.name async for b in destination.batches()] == ["batch_name"]
    counts = {q.uid: q.data_row_count for q in await destination.task_queues()}
    assert counts[TASK_QUEUE_ID] == 1
