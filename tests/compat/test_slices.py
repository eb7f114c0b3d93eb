"""The official SDK's slices and send-to-annotate from catalog against the emulator over HTTP:
catalog and model slices as saved queries over data rows, and copying rows with their labels
into a project's queue under each conflict strategy."""

from __future__ import annotations

import labelbox
import pytest
from labelbox import MediaType
from labelbox.schema.conflict_resolution_strategy import ConflictResolutionStrategy
from labelbox.schema.identifiables import GlobalKeys, UniqueIds
from lbox import exceptions as lbx

from aiolabel.emulator import EmulatorServer
from tests.compat._support import Rows, sdk_rows

pytestmark = pytest.mark.compat


@pytest.fixture
def rows(lb_client: labelbox.Client) -> Rows:
    return sdk_rows(lb_client, 5, "sl-")


def ids_filter(ids: list[str]) -> list[dict[str, object]]:
    return [{"type": "data_row_id", "operator": "is", "ids": ids}]


def test_a_catalog_slice_lists_the_rows_its_query_matches(
    lb_client: labelbox.Client, emulator: EmulatorServer, rows: Rows
) -> None:
    made = emulator.control(
        "create_slice",
        slice_name="cars",
        description="d",
        filter=ids_filter([*rows.ids[:3], "cl000000000000000000000000"]),
    )
    found = lb_client.get_catalog_slice(made["id"])
    assert (found.name, found.description) == ("cars", "d")
    identifiers = [i.to_hash() for i in found.get_data_row_identifiers()]
    assert identifiers == [
        {"id": i, "global_key": k} for i, k in zip(rows.ids[:3], rows.global_keys[:3], strict=True)
    ]
    assert lb_client.get_catalog_slice(slice_name="cars").uid == made["id"]
    # the query is evaluated on each read: a deleted row leaves the slice
    lb_client.get_data_row(rows.ids[0]).delete()
    assert [i.id.key for i in found.get_data_row_identifiers()] == rows.ids[1:3]


def test_global_key_filters_and_paging(
    lb_client: labelbox.Client, emulator: EmulatorServer, rows: Rows
) -> None:
    made = emulator.control(
        "create_slice",
        slice_name="keys",
        filter=[{"type": "global_key", "operator": "is", "ids": rows.global_keys}],
    )
    found = lb_client.get_catalog_slice(made["id"])
    collection = found.get_data_row_identifiers()
    collection._fetch_limit = 2  # type: ignore[attr-defined]  # several pages
    assert [i.id.key for i in collection] == rows.ids


def test_a_model_slice_lists_the_matching_rows_of_a_model_run(
    lb_client: labelbox.Client, emulator: EmulatorServer, rows: Rows
) -> None:
    ontology = lb_client.create_ontology("o", {"tools": [], "classifications": []})
    run = lb_client.create_model("m", ontology.uid).create_model_run("r")
    run.upsert_data_rows(data_row_ids=rows.ids[1:4])
    made = emulator.control(
        "create_slice", slice_name="ms", filter=ids_filter(rows.ids[:3]), model_run_id=run.uid
    )
    model_slice = lb_client.get_model_slice(made["id"])
    assert model_slice.name == "ms"
    assert [i.id.key for i in model_slice.get_data_row_identifiers(run.uid)] == rows.ids[1:3]


def test_an_unknown_slice_is_not_found(lb_client: labelbox.Client) -> None:
    with pytest.raises((lbx.ResourceNotFoundError, TypeError)):
        lb_client.get_model_slice("cl000000000000000000000000")


@pytest.fixture
def labelled(lb_client: labelbox.Client, emulator: EmulatorServer, rows: Rows) -> labelbox.Project:
    source = lb_client.create_project(name="source", media_type=MediaType.Image)
    source.create_batch("b", data_rows=rows.ids[:3])
    for i in rows.ids[:3]:
        annotations = {"objects": [{"feature_schema_id": "car", "name": "car"}]}
        emulator.control("add_label", project_id=source.uid, data_row_id=i, annotations=annotations)
    return source


def test_send_from_catalog_copies_labels_into_done_or_prelabels_into_a_queue(
    lb_client: labelbox.Client, emulator: EmulatorServer, rows: Rows, labelled: labelbox.Project
) -> None:
    done = lb_client.create_project(name="done", media_type=MediaType.Image)
    task = lb_client.send_to_annotate_from_catalog(
        destination_project_id=done.uid,
        task_queue_id=None,
        batch_name="copied",
        data_rows=UniqueIds(rows.ids[:2]),
        params={"source_project_id": labelled.uid, "batch_priority": 3},
    )
    task.wait_till_done()
    assert task.status == "COMPLETE"
    assert task.result_url is None
    (batch,) = list(done.batches())
    assert batch.name == "copied"
    assert done.get_label_count() == 2

    queued = lb_client.create_project(name="queued", media_type=MediaType.Image)
    queue = queued.task_queues()[0]
    task = lb_client.send_to_annotate_from_catalog(
        queued.uid,
        queue.uid,
        "to queue",
        GlobalKeys(rows.global_keys[:1]),
        {"source_project_id": labelled.uid},
    )
    task.wait_till_done()
    assert queued.get_label_count() == 0
    (prelabel,) = emulator.control("prelabels", project_id=queued.uid)
    assert prelabel["feature_schema_id"] == "car"
    assert next(q for q in queued.task_queues() if q.uid == queue.uid).data_row_count == 1


@pytest.mark.parametrize(
    ("strategy", "kept"),
    [
        (ConflictResolutionStrategy.KeepExisting, "existing"),
        (ConflictResolutionStrategy.OverrideWithAnnotations, "car"),
    ],
)
def test_conflict_strategy_decides_between_existing_and_incoming_labels(
    lb_client: labelbox.Client,
    emulator: EmulatorServer,
    rows: Rows,
    labelled: labelbox.Project,
    strategy: ConflictResolutionStrategy,
    kept: str,
) -> None:
    dest = lb_client.create_project(name="dest", media_type=MediaType.Image)
    dest.create_batch("first", data_rows=rows.ids[:1])
    existing = {"objects": [{"feature_schema_id": "existing"}]}
    emulator.control(
        "add_label", project_id=dest.uid, data_row_id=rows.ids[0], annotations=existing
    )
    task = lb_client.send_to_annotate_from_catalog(
        dest.uid,
        None,
        "again",
        UniqueIds(rows.ids[:2]),
        {"source_project_id": labelled.uid, "override_existing_annotations_rule": strategy},
    )
    task.wait_till_done()
    assert task.status == "COMPLETE"
    assert task.result_url is None
    stored = emulator.control("project_annotations", project_id=dest.uid)
    (only,) = stored[rows.ids[0]]  # the row already in the project: one label either way
    assert only["objects"][0]["feature_schema_id"] == kept
    assert stored[rows.ids[1]][0]["objects"][0]["feature_schema_id"] == "car"
    (batch,) = [b for b in dest.batches() if b.name == "again"]
    assert batch.size == 1  # only the new row joins the new batch


def test_a_refused_send_creates_no_batch(
    lb_client: labelbox.Client, rows: Rows, labelled: labelbox.Project
) -> None:
    other = lb_client.create_ontology("other", {"tools": [], "classifications": []})
    dest = lb_client.create_project(name="dest", media_type=MediaType.Image)
    dest.connect_ontology(other)
    with pytest.raises(lbx.LabelboxError, match="featureSchemaIdsMapping"):
        lb_client.send_to_annotate_from_catalog(
            dest.uid, None, "b", UniqueIds(rows.ids[:1]), {"source_project_id": labelled.uid}
        )
    assert list(dest.batches()) == []
    with pytest.raises(ValueError, match="source_project_id"):
        lb_client.send_to_annotate_from_catalog(dest.uid, None, "b", UniqueIds(rows.ids), {})


def test_slice_and_model_run_exports_hold_their_rows(
    lb_client: labelbox.Client, emulator: EmulatorServer, rows: Rows
) -> None:
    made = emulator.control("create_slice", slice_name="e", filter=ids_filter(rows.ids[:2]))
    catalog = lb_client.get_catalog_slice(made["id"])
    task = catalog.export(params={"data_row_details": True})
    task.wait_till_done()
    exported = [o.json for o in task.get_buffered_stream()]
    assert sorted(e["data_row"]["id"] for e in exported) == sorted(rows.ids[:2])

    ontology = lb_client.create_ontology("o", {"tools": [], "classifications": []})
    run = lb_client.create_model("m", ontology.uid).create_model_run("r")
    run.upsert_data_rows(global_keys=rows.global_keys[2:4])
    task = run.export()
    task.wait_till_done()
    exported = [o.json for o in task.get_buffered_stream()]
    assert sorted(e["data_row"]["global_key"] for e in exported) == rows.global_keys[2:4]
