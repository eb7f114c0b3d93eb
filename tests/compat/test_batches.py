"""The official SDK's batch workflows against the emulator over HTTP: create_batch on both paths by
ids, DataRow objects and global keys; the documented rules and their errors; create_batches over
100,000 rows; create_batches_from_dataset; listing, get, project, remove queued rows, delete labels
and delete."""

from __future__ import annotations

import labelbox
import pytest
from labelbox import MediaType
from lbox import exceptions as lbx

from aiolabel.emulator import EmulatorServer
from tests.compat._support import bulk_ids, sdk_rows

pytestmark = pytest.mark.compat


@pytest.fixture
def project(lb_client: labelbox.Client) -> labelbox.Project:
    return lb_client.create_project(name="batches", media_type=MediaType.Image)


def test_create_batch_sync_path_by_ids_objects_and_keys(
    lb_client: labelbox.Client, project: labelbox.Project
) -> None:
    rows = sdk_rows(lb_client, 9, "s-")
    by_ids = project.create_batch("by ids", data_rows=rows.ids[:3], priority=2)
    assert (by_ids.name, by_ids.size, list(by_ids.failed_data_row_ids)) == ("by ids", 3, [])
    objects = [lb_client.get_data_row(i) for i in rows.ids[3:6]]
    by_objects = project.create_batch(
        "by objects",
        data_rows=objects,
        consensus_settings={"number_of_labels": 3, "coverage_percentage": 0.25},
    )
    assert by_objects.size == 3
    assert by_objects.consensus_settings == {"numberOfLabels": 3, "coveragePercentage": 0.25}
    by_keys = project.create_batch("by keys", global_keys=rows.global_keys[6:])
    assert by_keys.size == 3
    assert [b.name for b in project.batches()] == ["by ids", "by objects", "by keys"]


def test_create_batch_async_path_over_1000_rows(
    lb_client: labelbox.Client, project: labelbox.Project
) -> None:
    rows = sdk_rows(lb_client, 3500, "a-")
    by_ids = project.create_batch("ids 1000", data_rows=rows.ids[:1000], priority=3)
    assert by_ids.size == 1000
    wanted = set(rows.ids[1000:2000])
    objects = [row for row in rows.dataset.data_rows() if row.uid in wanted]
    by_objects = project.create_batch("objects 1000", data_rows=objects)
    assert by_objects.size == 1000
    by_keys = project.create_batch("keys 1500", global_keys=rows.global_keys[2000:])
    assert by_keys.size == 1500, "past the inline limit the task runs in the background"
    fetched = lb_client.get_batch(project.uid, by_keys.uid)
    assert (fetched.name, fetched.size) == ("keys 1500", 1500)
    overrides = {o.data_row().uid: o.priority for o in project.labeling_parameter_overrides()}
    assert {overrides[i] for i in rows.ids[:1000]} == {3}


def test_fault_knobs_apply_to_batch_operations(
    emulator: EmulatorServer, lb_client: labelbox.Client, project: labelbox.Project
) -> None:
    rows = sdk_rows(lb_client, 2, "fk-")
    emulator.set_faults(drop_rate=1.0, operations={"createBatchV2PyApi"})
    with pytest.raises(lbx.NetworkError):
        project.create_batch("dropped", data_rows=rows.ids)
    emulator.set_faults(drop_rate=0.0, rate_limit=1, operations={"GetProjectBatchesPyApi"})
    assert list(project.batches()) == []
    with pytest.raises(lbx.ApiLimitError):
        list(project.batches())


def test_rules_answer_with_the_sdks_exceptions_and_change_nothing(
    emulator: EmulatorServer, lb_client: labelbox.Client, project: labelbox.Project
) -> None:
    rows = sdk_rows(lb_client, 6, "r-")
    videos = sdk_rows(lb_client, 2, "v-", extension="mp4")
    first = project.create_batch("first", data_rows=rows.ids[:3])
    with pytest.raises(lbx.ResourceConflict, match="already exists"):
        project.create_batch("first", data_rows=rows.ids[3:])
    with pytest.raises(lbx.InvalidQueryError, match="between 1 \\(highest\\) and 5"):
        project.create_batch("bad priority", data_rows=rows.ids[3:], priority=9)
    with pytest.raises(lbx.MalformedQueryException, match="do not exist: missing-key"):
        project.create_batch("bad keys", global_keys=["missing-key"])
    assert [(b.name, b.size) for b in project.batches()] == [("first", 3)]
    second = project.create_batch("second", data_rows=[*rows.ids, *videos.ids])
    assert second.size == 3, "rows already batched and other media types are left out"
    assert set(second.failed_data_row_ids) == {*rows.ids[:3], *videos.ids}
    assert first.size == 3


def test_over_100000_rows_refused_by_sdk_and_server(
    emulator: EmulatorServer, lb_client: labelbox.Client, project: labelbox.Project
) -> None:
    too_many = [f"cl{i:023d}" for i in range(100_001)]
    with pytest.raises(ValueError, match="Batch exceeds max size"):
        project.create_batch("too big", data_rows=too_many)
    document = (
        "mutation createBatchV2PyApi($projectId: ID!, $batchInput: CreateBatchInput!) {"
        " project(where: {id: $projectId}) { createBatchV2(input: $batchInput) {"
        " batch { id } failedDataRowIds } } }"
    )
    with pytest.raises(lbx.InvalidQueryError, match="max size"):
        lb_client.execute(
            document,
            {"projectId": project.uid, "batchInput": {"name": "raw", "dataRowIds": too_many}},
            experimental=True,
        )
    assert list(project.batches()) == []


def test_create_batches_over_100000_rows(
    emulator: EmulatorServer, lb_client: labelbox.Client, project: labelbox.Project
) -> None:
    _, ids = bulk_ids(emulator, 100_001)
    task = project.create_batches("big-", data_rows=ids, priority=2)
    assert len(task.tasks) == 2
    task.wait_till_done()
    assert [t.status for t in task.tasks] == ["COMPLETE", "COMPLETE"]
    assert task.errors() is None
    batches = task.result()
    assert [(b.name, b.size) for b in batches] == [("big-0000", 100_000), ("big-0001", 1)]
    with pytest.raises(lbx.ResourceConflict):
        project.create_batches("big-", data_rows=ids[:10])


def test_create_batches_errors_for_failed_tasks(
    emulator: EmulatorServer, lb_client: labelbox.Client, project: labelbox.Project
) -> None:
    rows = sdk_rows(lb_client, 3, "f-")
    emulator.set_transition("add-data-rows-to-batch", {"mode": "fail", "errors": ["no room"]})
    task = project.create_batches("fail-", global_keys=rows.global_keys)
    task.wait_till_done()
    [failed] = task.tasks
    assert task.errors() == {failed.uid: ["no room"]}


def test_create_batches_from_dataset_adds_only_new_rows(
    lb_client: labelbox.Client, project: labelbox.Project
) -> None:
    rows = sdk_rows(lb_client, 5, "d-")
    project.create_batch("existing", data_rows=rows.ids[:2])
    task = project.create_batches_from_dataset("from-ds-", rows.dataset.uid, priority=4)
    task.wait_till_done()
    assert task.errors() is None
    [batch] = task.result()
    assert (batch.name, batch.size) == ("from-ds-0000", 3)
    overrides = {o.data_row().uid: o.priority for o in project.labeling_parameter_overrides()}
    assert {overrides[i] for i in rows.ids[2:]} == {4}


def test_batch_project_remove_queued_delete_labels_and_delete(
    emulator: EmulatorServer, lb_client: labelbox.Client, project: labelbox.Project
) -> None:
    rows = sdk_rows(lb_client, 4, "x-")
    batch = project.create_batch("life", data_rows=rows.ids)
    assert batch.project().uid == project.uid
    assert batch.user().email == "emulator@aiolabel.localhost"
    emulator.control("add_label", project_id=project.uid, data_row_id=rows.ids[0])
    with pytest.raises(lbx.OperationNotAllowedException, match="has labels"):
        batch.delete()
    assert lb_client.get_batch(project.uid, batch.uid).size == 4
    batch.remove_queued_data_rows()
    assert lb_client.get_batch(project.uid, batch.uid).size == 1
    result = batch.delete_labels(set_labels_as_template=True)
    assert len(result["project"]["deleteBatchLabels"]["deletedLabelIds"]) == 1
    assert project.get_label_count() == 0
    batch.delete()
    assert list(project.batches()) == []
    again = project.create_batch("life", data_rows=rows.ids)
    assert (again.size, list(again.failed_data_row_ids)) == (4, [])
