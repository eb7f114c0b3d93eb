"""Document 004 (the API reference), the examples of the object sections (data rows, datasets,
projects, organisation, ontology builder, model runs, data row metadata, slices), one test each.

As in ``test_004_client.py``: ``await`` / ``async for`` added, placeholders (``DATASET_ID``,
``"schema-id"``, ...) replaced by objects made in the emulator, and an example that cannot work
with only ``await`` added asserts the error naming the aiolabel spelling.
"""

from __future__ import annotations

from typing import Any

import pytest

import aiolabel as lb
from aiolabel import (
    AsyncClient,
    DataRow,
    DataRowMetadata,
    DataRowMetadataField,
    DataRowMetadataKind,
    DeleteDataRowMetadata,
    GlobalKey,
    MediaType,
    OntologyBuilder,
    UniqueId,
    UniqueIds,
)
from aiolabel.emulator import Emulator
from aiolabel.errors import InvalidAttributeError
from tests.annotation_data import bbox

FILTERS_WINDOW = ["2000-01-01 00:00:00", "2050-01-01 00:00:00"]


@pytest.fixture
def made(emu: Emulator) -> dict[str, Any]:
    """Four image rows with global keys ``gk-0`` .. ``gk-3`` in one dataset."""
    rows: dict[str, Any] = emu.control("bulk_create_data_rows", count=4, global_key_prefix="gk-")
    return rows


async def _labelled(client: AsyncClient, emu: Emulator, rows: list[str]) -> lb.Project:
    """A project with the rows in a batch, each with a label."""
    project = await client.create_project("labelled", MediaType.Image)
    await project.create_batch("b", rows)
    for row in rows:
        emu.control("add_label", project_id=project.uid, data_row_id=row)
    return project


async def _exported_ids(task: lb.Task) -> list[str]:
    return sorted(line["data_row"]["id"] for line in await task.result)


# -- DataRow --------------------------------------------------------------------------------------


async def test_l1060_create_attachment(client: AsyncClient, made: dict[str, Any]) -> None:
    datarow = await client.get_data_row(made["ids"][0])
    # TEXT was renamed RAW_TEXT; the official SDK 7.17 refuses it too
    with pytest.raises(lb.InputError, match="RAW_TEXT"):
        await datarow.create_attachment("TEXT", "This is a text message")
    attachment = await datarow.create_attachment("RAW_TEXT", "This is a text message")
    assert (attachment.attachment_type, attachment.attachment_value) == (
        "RAW_TEXT",
        "This is a text message",
    )
    assert [a.uid async for a in datarow.attachments()] == [attachment.uid]


@pytest.mark.parametrize("method", ["export", "export_v2"])
async def test_l1080_l1097_data_row_export(
    client: AsyncClient, made: dict[str, Any], method: str
) -> None:
    DATASET_ID = made["dataset_id"]
    dataset = await client.get_dataset(DATASET_ID)
    export = getattr(DataRow, method)
    # the documents' relationship spelling, and the call without the client (7.17 needs it)
    with pytest.raises(TypeError, match=r"await obj\.data_rows\(\)\.to_list\(\)"):
        [data_row.uid for data_row in dataset.data_rows.list()]
    with pytest.raises(TypeError, match="client"):
        await export(data_rows=made["ids"], params={"label_details": True})
    task = await export(
        client,
        data_rows=[data_row.uid async for data_row in dataset.data_rows()],
        # or a list of DataRow objects: data_rows = data_set.data_rows.list()
        # or a list of global_keys=["global_key_1", "global_key_2"],
        params={"performance_details": False, "label_details": True},
    )
    await task.wait_till_done()
    await task.result
    assert await _exported_ids(task) == sorted(made["ids"])
    with pytest.raises(TypeError, match=r"await task\.errors"):
        bool(task.errors)
    assert await task.errors is None
    task = await export(client, global_keys=["gk-0", "gk-1"])
    await task.wait_till_done()
    assert await _exported_ids(task) == sorted(made["ids"][:2])


async def test_l1121_update(client: AsyncClient) -> None:
    db_object = await client.create_dataset(name="old", iam_integration=None)
    with pytest.raises(InvalidAttributeError, match="title"):
        await db_object.update(name="New name", title="A title")
    assert db_object.name == "old"
    await db_object.update(name="New name", description="A description")
    assert (db_object.name, db_object.description) == ("New name", "A description")
    assert (await client.get_dataset(db_object.uid)).name == "New name"


# -- Dataset --------------------------------------------------------------------------------------


async def test_l1187_create_data_row(client: AsyncClient) -> None:
    dataset = await client.create_dataset(name="d", iam_integration=None)
    row = await dataset.create_data_row(row_data="http://my_site.com/photos/img_01.jpg")
    assert row.row_data == "http://my_site.com/photos/img_01.jpg"
    assert [r.uid async for r in dataset.data_rows()] == [row.uid]


async def test_l1263_data_rows_where(client: AsyncClient, made: dict[str, Any]) -> None:
    dataset = await client.get_dataset(made["dataset_id"])
    row = await client.get_data_row(made["ids"][0])
    await row.update(external_id="my_external_id")
    # the parameter's example is a dict; both SDKs take a comparison
    with pytest.raises(lb.InputTypeError, match=r"DataRow\.\w+ =="):
        dataset.data_rows(where={"external_id": "my_external_id"})
    found = dataset.data_rows(where=DataRow.external_id == "my_external_id")
    assert [r.uid async for r in found] == [row.uid]


@pytest.mark.parametrize("method", ["export", "export_v2"])
async def test_l1290_l1326_dataset_export(
    client: AsyncClient, emu: Emulator, made: dict[str, Any], method: str
) -> None:
    DATASET_ID = made["dataset_id"]
    DATA_ROW_ID_1, DATA_ROW_ID_2 = made["ids"][:2]
    await _labelled(client, emu, made["ids"])  # label_created_at keeps labelled rows only
    dataset = await client.get_dataset(DATASET_ID)
    task = await getattr(dataset, method)(
        filters={
            "last_activity_at": FILTERS_WINDOW,
            "label_created_at": FILTERS_WINDOW,
            "data_row_ids": [DATA_ROW_ID_1, DATA_ROW_ID_2],
        },
        params={"performance_details": False, "label_details": True},
    )
    await task.wait_till_done()
    await task.result
    assert await _exported_ids(task) == sorted([DATA_ROW_ID_1, DATA_ROW_ID_2])


# -- OntologyBuilder, Organization ----------------------------------------------------------------


async def test_l1605_ontology_builder_and_setup(client: AsyncClient) -> None:
    project = await client.create_project("p", MediaType.Image)
    builder = OntologyBuilder()
    builder.add_tool(lb.Tool(tool=lb.Tool.Type.BBOX, name="box"))
    with pytest.raises(TypeError, match=r"to_list\(\)"):
        list(client.get_labeling_frontends())
    frontend = (await client.get_labeling_frontends().to_list())[0]
    assert frontend.name == "Editor"
    with pytest.raises(AttributeError, match=r"connect_ontology"):
        await project.setup(frontend, builder.asdict())
    with pytest.warns(UserWarning, match="default labeling editor"):
        await project.connect_ontology(await client.create_ontology("o", builder.asdict()))
    ontology = await project.ontology()
    assert ontology is not None
    assert [t.name for t in ontology.tools()] == ["box"]


async def test_l1674_create_resource_tag(client: AsyncClient) -> None:
    organization = await client.get_organization()
    tag = {"text": "tag-1", "color": "ffffff"}
    made = await organization.create_resource_tag(tag)
    assert (made.text, made.color) == ("tag-1", "ffffff")
    assert [t.uid for t in await organization.get_resource_tags()] == [made.uid]


# -- Project --------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["export", "export_v2"])
async def test_l1940_l2011_project_export(
    client: AsyncClient, emu: Emulator, made: dict[str, Any], method: str
) -> None:
    project = await _labelled(client, emu, made["ids"][:3])
    batch = await anext(project.batches())
    await project.create_batch("other", made["ids"][3:])
    DATA_ROW_ID_1, DATA_ROW_ID_2 = made["ids"][:2]
    BATCH_ID_1 = batch.uid
    # the documents' filters lack a comma after "data_row_ids": a syntax error as printed
    task = await getattr(project, method)(
        filters={
            "last_activity_at": FILTERS_WINDOW,
            "label_created_at": FILTERS_WINDOW,
            "data_row_ids": [DATA_ROW_ID_1, DATA_ROW_ID_2],
            "batch_ids": [BATCH_ID_1],
        },
        params={"performance_details": False, "label_details": True},
    )
    await task.wait_till_done()
    await task.result
    assert await _exported_ids(task) == sorted([DATA_ROW_ID_1, DATA_ROW_ID_2])


async def test_l2119_l2122_set_labeling_parameter_overrides(
    client: AsyncClient, made: dict[str, Any]
) -> None:
    project = await client.create_project("p", MediaType.Image)
    await project.create_batch("b", made["ids"])
    data_row_id1, data_row_id2 = made["ids"][:2]
    # plain strings are refused, as by the official SDK: UniqueId / GlobalKey say which they are
    with pytest.raises(lb.InputTypeError, match="UniqueId"):
        await project.set_labeling_parameter_overrides([(data_row_id1, 2), (data_row_id2, 1)])
    assert await project.set_labeling_parameter_overrides(
        [(UniqueId(data_row_id1), 2), (UniqueId(data_row_id2), 1)]
    )
    data_row_gk1, data_row_gk2 = GlobalKey("gk-2"), GlobalKey("gk-3")
    assert await project.set_labeling_parameter_overrides([(data_row_gk1, 2), (data_row_gk2, 1)])
    priorities = {
        (await o.data_row()).uid: o.priority async for o in project.labeling_parameter_overrides()
    }
    assert priorities == dict(zip(made["ids"], [2, 1, 2, 1], strict=True))


# -- ModelRun -------------------------------------------------------------------------------------


async def _run(client: AsyncClient) -> lb.ModelRun:
    ontology = await client.create_ontology("o", {"tools": [{"tool": "rectangle", "name": "box"}]})
    model = await client.create_model("m", ontology.uid)
    return await model.create_model_run("run")


@pytest.mark.parametrize("method", ["export", "export_v2"])
async def test_l2905_l2924_model_run_export(
    client: AsyncClient, made: dict[str, Any], method: str
) -> None:
    model_run = await _run(client)
    await model_run.upsert_data_rows(data_row_ids=made["ids"][:2])
    export = getattr(model_run, method)
    # the reference's media_attributes is no ModelRunExportParams key (7.17 ignores it)
    with pytest.raises(lb.InputError, match="data_row_details"):
        await export("my_export_task", params={"media_attributes": True})
    export_task = await export("my_export_task", params={"data_row_details": True})
    await export_task.wait_till_done()
    assert export_task.name == "my_export_task"
    assert await _exported_ids(export_task) == sorted(made["ids"][:2])


async def test_l2938_send_to_annotate_from_model(client: AsyncClient, made: dict[str, Any]) -> None:
    model_run = await _run(client)
    await model_run.upsert_data_rows(data_row_ids=made["ids"][:1])
    destination = await client.create_project("destination", MediaType.Image)
    DESTINATION_PROJECT_ID, DATA_ROW_ID = destination.uid, made["ids"][0]
    TASK_QUEUE_ID = (await destination.task_queues())[0].uid
    task = await model_run.send_to_annotate_from_model(
        destination_project_id=DESTINATION_PROJECT_ID,
        batch_name="batch",
        data_rows=UniqueIds([DATA_ROW_ID]),
        task_queue_id=TASK_QUEUE_ID,
        params={},
    )
    await task.wait_till_done()
    assert task.status == "COMPLETE"
    assert [b.name async for b in destination.batches()] == ["batch"]


async def test_l3001_upsert_predictions_and_send_to_project(
    client: AsyncClient, emu: Emulator, made: dict[str, Any]
) -> None:
    model_run = await _run(client)
    await model_run.upsert_data_rows(data_row_ids=made["ids"][:2])
    project = await client.create_project("p", MediaType.Image)
    name, project_id = "predictions", project.uid
    predictions = [bbox({"id": row}) for row in made["ids"][:2]]
    (
        mea_import_job,
        batch,
        mal_import_job,
    ) = await model_run.upsert_predictions_and_send_to_project(name, predictions, project_id)
    # the documents print mea_import_job.status: the import's status is its state
    with pytest.raises(AttributeError, match=r"job\.state"):
        print(mea_import_job.status, await mea_import_job.errors)
    print(mea_import_job.state, await mea_import_job.errors)
    with pytest.raises(TypeError, match=r"await job\.errors"):
        bool(mea_import_job.errors)
    assert await mea_import_job.errors == []
    assert batch is not None
    assert (batch.name, batch.size) == ("predictions", 2)
    assert mal_import_job is not None
    print(mal_import_job.state, await mal_import_job.errors)
    assert mal_import_job.state == lb.AnnotationImportState.FINISHED
    prelabels = emu.control("prelabels", project_id=project.uid)
    assert sorted(p["dataRow"]["id"] for p in prelabels) == sorted(made["ids"][:2])


async def test_l3001_nothing_imported_gives_no_batch(
    client: AsyncClient, made: dict[str, Any]
) -> None:
    model_run = await _run(client)
    project = await client.create_project("p", MediaType.Image)
    # the row does not exist: its prediction fails, nothing is sent on
    job, batch, sent = await model_run.upsert_predictions_and_send_to_project(
        "p", [bbox({"id": "cl000000000000000000000000"})], project.uid
    )
    assert len(await job.errors) == 1
    assert (batch, sent) == (None, None)
    assert [b async for b in project.batches()] == []


# -- DataRowMetadataOntology ----------------------------------------------------------------------


async def test_l3085_metadata_ontology_schemas(client: AsyncClient) -> None:
    mdo = await client.get_data_row_metadata_ontology()
    name, kind, options = "fruit", DataRowMetadataKind.enum, ["apple", "pear"]
    created = await mdo.create_schema(name, kind, options)
    assert created.kind is DataRowMetadataKind.enum
    await mdo.refresh_ontology()
    schema = mdo.get_by_name(name)
    assert isinstance(schema, dict)
    assert sorted(schema) == ["apple", "pear"]
    option, new_option = "apple", "plum"
    updated = await mdo.update_enum_option(name, option, new_option)
    assert sorted(o.name for o in updated.options or []) == ["pear", "plum"]
    new_name = "fruits"
    assert (await mdo.update_schema(name, new_name)).name == "fruits"
    assert await mdo.delete_schema(new_name) is True


async def test_l3146_bulk_upsert(client: AsyncClient, made: dict[str, Any]) -> None:
    mdo = await client.get_data_row_metadata_ontology()
    schema = await mdo.create_schema("note", DataRowMetadataKind.string)
    metadata = DataRowMetadata(
        data_row_id=made["ids"][0],  # Alternatively, set global_key="global-key"
        fields=[DataRowMetadataField(schema_id=schema.uid, value="my-message")],
    )
    with pytest.raises(AttributeError, match=r"bulk_upsert"):
        await mdo.batch_upsert([metadata])
    assert await mdo.bulk_upsert([metadata]) == []
    metadata = DataRowMetadata(
        global_key="gk-1", fields=[DataRowMetadataField(schema_id=schema.uid, value="other")]
    )
    assert await mdo.bulk_upsert([metadata]) == []
    data_rows = [await client.get_data_row(i) for i in made["ids"][:2]]
    exported = await mdo.bulk_export([data_row.uid for data_row in data_rows])
    assert [[f.value for f in m.fields if f.schema_id == schema.uid] for m in exported] == [
        ["my-message"],
        ["other"],
    ]


@pytest.mark.parametrize("identify", [UniqueId, GlobalKey, str])
async def test_l3090_l3099_l3108_bulk_delete(
    client: AsyncClient, made: dict[str, Any], identify: Any
) -> None:
    mdo = await client.get_data_row_metadata_ontology()
    schemas = [(await mdo.create_schema(f"s{i}", DataRowMetadataKind.string)).uid for i in (1, 2)]
    fields = [DataRowMetadataField(schema_id=s, value="v") for s in schemas]
    await mdo.bulk_upsert([DataRowMetadata(data_row_id=made["ids"][0], fields=fields)])
    key = "gk-0" if identify is GlobalKey else made["ids"][0]
    delete = DeleteDataRowMetadata(data_row_id=identify(key), fields=schemas)
    with pytest.raises(AttributeError, match=r"bulk_delete"):
        await mdo.batch_delete([delete])
    assert await mdo.bulk_delete([delete]) == []
    [exported] = await mdo.bulk_export([made["ids"][0]])
    assert [f for f in exported.fields if f.schema_id in schemas] == []


async def test_l3220_l3237_parse_metadata(client: AsyncClient, made: dict[str, Any]) -> None:
    mdo = await client.get_data_row_metadata_ontology()
    schema = await mdo.create_schema("note", DataRowMetadataKind.string)
    metadata_fields = {"schemaId": schema.uid, "value": "hello"}
    [field] = mdo.parse_metadata_fields([metadata_fields])
    assert (field.name, field.value) == ("note", "hello")
    metadata = {"dataRowId": made["ids"][0], "fields": [metadata_fields]}
    [parsed] = mdo.parse_metadata([metadata])
    assert parsed.data_row_id == made["ids"][0]
    assert parsed.fields == [field]


# -- CatalogSlice ---------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["export", "export_v2"])
async def test_l3759_l3763_slice_export(
    client: AsyncClient, emu: Emulator, made: dict[str, Any], method: str
) -> None:
    SLICE_ID = emu.control(
        "create_slice",
        slice_name="s",
        filter=[{"type": "data_row_id", "operator": "is", "ids": made["ids"][:3]}],
    )["id"]
    slice = await client.get_catalog_slice(SLICE_ID)
    assert isinstance(slice, lb.CatalogSlice)
    task = await getattr(slice, method)(
        params={"performance_details": False, "label_details": True}
    )
    await task.wait_till_done()
    await task.result
    assert await _exported_ids(task) == sorted(made["ids"][:3])
