"""The official SDK's export workflows against the emulator over HTTP: project.export and
dataset.export with filters and params, DataRow.export by ids or global keys, read back through
the buffered stream (whose chunk sizes the SDK checks against the offsets)."""

from __future__ import annotations

from typing import Any

import labelbox
import pytest
from labelbox import DataRow, MediaType
from labelbox.schema.export_task import StreamType
from lbox import exceptions as lbx

from aiolabel.emulator import EmulatorServer
from tests.compat._support import Rows, sdk_rows

pytestmark = pytest.mark.compat


def read(task: Any) -> list[dict[str, Any]]:
    task.wait_till_done()
    assert task.status == "COMPLETE"
    lines: list[dict[str, Any]] = []
    if (
        not task.has_result()
    ):  # an empty export has no stream, as the documentation's examples check
        return lines
    task.get_buffered_stream(StreamType.RESULT).start(lambda output: lines.append(output.json))
    return lines


@pytest.fixture
def labelled(
    emulator: EmulatorServer, lb_client: labelbox.Client
) -> tuple[labelbox.Project, Rows, list[labelbox.Batch]]:
    project = lb_client.create_project(name="exp", media_type=MediaType.Image)
    rows = sdk_rows(lb_client, 6, "exp-")
    first = project.create_batch("first", data_rows=rows.ids[:3], priority=3)
    second = project.create_batch("second", data_rows=rows.ids[3:], priority=1)
    emulator.control(
        "add_label",
        project_id=project.uid,
        data_row_id=rows.ids[0],
        created_at="2022-03-04T05:06:07.000Z",
    )
    return project, rows, [first, second]


def test_project_export_with_params(
    labelled: tuple[labelbox.Project, Rows, list[labelbox.Batch]],
) -> None:
    project, rows, _ = labelled
    lines = read(
        project.export(
            params={
                "data_row_details": True,
                "project_details": True,
                "label_details": True,
                "performance_details": True,
                "attachments": True,
                "metadata_fields": True,
            }
        )
    )
    assert [line["data_row"]["id"] for line in lines] == [*rows.ids[3:], *rows.ids[:3]]
    line = next(line for line in lines if line["data_row"]["id"] == rows.ids[0])
    assert line["data_row"]["global_key"] == "exp-0"
    assert line["data_row"]["details"]["dataset_id"] == rows.dataset.uid
    assert line["attachments"] == []
    assert line["metadata_fields"] == []
    details = line["projects"][project.uid]["project_details"]
    assert (details["batch_name"], details["priority"], details["workflow_status"]) == (
        "first",
        3,
        "IN_REVIEW",
    )
    [label] = line["projects"][project.uid]["labels"]
    assert label["label_details"]["created_at"].startswith("2022-03-04T05:06:07")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"workflow_status": "ToLabel"}, [3, 4, 5, 1, 2]),
        ({"workflow_status": "InReview"}, [0]),
        ({"workflow_status": "Done"}, []),
        ({"global_keys": ["exp-1", "exp-4"]}, [4, 1]),
        ({"data_row_ids": "ids 0 5"}, [5, 0]),
        ({"batch_ids": "first"}, [0, 1, 2]),
        ({"label_created_at": ["2022-03-04", "2022-03-04"]}, [0]),
        ({"label_created_at": [None, "2022-03-03 23:59:59"]}, []),
        ({"last_activity_at": ["2000-01-01 00:00:00", "2100-01-01 00:00:00"]}, [3, 4, 5, 0, 1, 2]),
        ({"last_activity_at": [None, "2000-01-01"]}, []),
    ],
)
def test_project_export_filters(
    labelled: tuple[labelbox.Project, Rows, list[labelbox.Batch]],
    filters: dict[str, Any],
    expected: list[int],
) -> None:
    project, rows, batches = labelled
    if filters.get("data_row_ids") == "ids 0 5":
        filters = {"data_row_ids": [rows.ids[0], rows.ids[5]]}
    if filters.get("batch_ids") == "first":
        filters = {"batch_ids": [batches[0].uid]}
    lines = read(project.export(filters=filters))
    assert [line["data_row"]["id"] for line in lines] == [rows.ids[i] for i in expected]


def test_dataset_export_and_data_row_export(
    lb_client: labelbox.Client, labelled: tuple[labelbox.Project, Rows, list[labelbox.Batch]]
) -> None:
    project, rows, _ = labelled
    lines = read(rows.dataset.export())
    assert sorted(line["data_row"]["id"] for line in lines) == sorted(rows.ids)
    lines = read(
        rows.dataset.export(
            filters={"global_keys": ["exp-2", "exp-3"]},
            params={"project_ids": [project.uid], "project_details": True},
        )
    )
    by_key = {line["data_row"]["global_key"]: line for line in lines}
    assert sorted(by_key) == ["exp-2", "exp-3"]
    assert by_key["exp-2"]["projects"][project.uid]["project_details"]["batch_name"] == "first"
    assert by_key["exp-3"]["projects"][project.uid]["project_details"]["batch_name"] == "second"
    lines = read(DataRow.export(lb_client, data_rows=rows.ids[4:]))
    assert sorted(line["data_row"]["id"] for line in lines) == sorted(rows.ids[4:])
    lines = read(DataRow.export(lb_client, global_keys=["exp-0"]))
    assert [line["data_row"]["global_key"] for line in lines] == ["exp-0"]


def test_stream_in_several_chunks_and_export_v2(
    emulator: EmulatorServer,
    lb_client: labelbox.Client,
    labelled: tuple[labelbox.Project, Rows, list[labelbox.Batch]],
) -> None:
    project, _rows, _ = labelled
    emulator.control("set_export_chunk_bytes", size=300)
    task = project.export(params={"data_row_details": True})
    lines = read(task)
    assert len(lines) == 6
    assert task.get_total_lines(StreamType.RESULT) == 6
    assert task.get_total_file_size(StreamType.RESULT) > 3 * 300
    assert task.has_errors() is False
    with pytest.warns(DeprecationWarning, match="export_v2"):
        legacy = project.export_v2()
    legacy.wait_till_done()
    assert len(legacy.result) == 6
    assert legacy.errors is None


def test_malformed_export_requests_raise_malformed_query(
    lb_client: labelbox.Client, labelled: tuple[labelbox.Project, Rows, list[labelbox.Batch]]
) -> None:
    project, _, _ = labelled
    document = (
        "mutation exportDataRowsInProjectPyApi($input: ExportDataRowsInProjectInput!)"
        "{exportDataRowsInProject(input: $input){taskId isStreamable}}"
    )
    bad = {"type": "labeled_at", "value": {"operator": "SOMETIME", "value": "2020-01-01"}}
    with pytest.raises(lbx.MalformedQueryException, match="Unsupported date operator"):
        lb_client.execute(
            document,
            {"input": {"filters": {"projectId": project.uid, "searchQuery": {"query": [bad]}}}},
            error_log_key="errors",
        )
    with pytest.raises(ValueError, match="workflow_status"):
        project.export(filters={"workflow_status": "Sleeping"})  # type: ignore[typeddict-item]
