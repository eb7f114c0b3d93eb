"""The official SDK's project activity calls against the emulator over HTTP: labeler performance
from the labels, the issues export as a file URL, reservation extension, a data row's winning
label; and a label made by the test control reaching a webhook."""

from __future__ import annotations

import labelbox
import pytest
import requests

from aiolabel.emulator import EmulatorServer


@pytest.fixture
def project_rows(
    lb_client: labelbox.Client, emulator: EmulatorServer
) -> tuple[labelbox.Project, list[str]]:
    made = emulator.control("bulk_create_data_rows", count=3)
    project = lb_client.create_project(name="p", media_type=labelbox.MediaType.Image)
    project.create_batch("b", made["ids"])
    return project, made["ids"]


def test_labeler_performance_counts_the_labels(
    lb_client: labelbox.Client,
    emulator: EmulatorServer,
    project_rows: tuple[labelbox.Project, list[str]],
) -> None:
    project, ids = project_rows
    assert list(project.labeler_performance()) == []
    emulator.control("add_label", project_id=project.uid, data_row_id=ids[0], seconds_to_create=4)
    emulator.control("add_label", project_id=project.uid, data_row_id=ids[1], seconds_to_create=8)
    [perf] = list(project.labeler_performance())
    assert perf.user.uid == lb_client.get_user().uid
    assert perf.count == 2
    assert perf.seconds_per_label == 6
    assert perf.total_time_labeling == 12
    assert perf.last_activity_time is not None


def test_winning_label_id(
    emulator: EmulatorServer,
    project_rows: tuple[labelbox.Project, list[str]],
    lb_client: labelbox.Client,
) -> None:
    project, ids = project_rows
    row = lb_client.get_data_row(ids[0])
    assert row.get_winning_label_id(project.uid) is None
    first = emulator.control("add_label", project_id=project.uid, data_row_id=ids[0])
    emulator.control("add_label", project_id=project.uid, data_row_id=ids[0])
    assert row.get_winning_label_id(project.uid) == first["id"]


def test_export_issues_is_a_file_url(
    emulator: EmulatorServer, project_rows: tuple[labelbox.Project, list[str]]
) -> None:
    project, ids = project_rows
    emulator.control("add_issue", project_id=project.uid, content="blurry", data_row_id=ids[0])
    emulator.control("add_issue", project_id=project.uid, content="fixed", status="Resolved")
    everything = requests.get(project.export_issues(), timeout=10).json()
    assert [i["content"] for i in everything] == ["blurry", "fixed"]
    [open_issue] = requests.get(project.export_issues(status="Open"), timeout=10).json()
    assert (open_issue["content"], open_issue["dataRowId"]) == ("blurry", ids[0])
    with pytest.raises(ValueError, match="status"):
        project.export_issues(status="Closed")


def test_extend_reservations(
    emulator: EmulatorServer, project_rows: tuple[labelbox.Project, list[str]]
) -> None:
    project, ids = project_rows
    assert project.extend_reservations("LabelingQueue") == 0
    emulator.control("reserve_data_rows", project_id=project.uid, data_row_ids=ids[:2])
    assert project.extend_reservations("LabelingQueue") == 2
    assert project.extend_reservations("ReviewQueue") == 0
    emulator.control("reserve_data_rows", project_id=project.uid, data_row_ids=ids[2:], seconds=-1)
    assert project.extend_reservations("LabelingQueue") == 2


def test_review_metrics_is_served(
    emulator: EmulatorServer, project_rows: tuple[labelbox.Project, list[str]]
) -> None:
    project, ids = project_rows
    emulator.control("add_label", project_id=project.uid, data_row_id=ids[0])
    counts = {score: project.review_metrics(score) for score in (None, *labelbox.Review.NetScore)}
    assert all(isinstance(n, int) for n in counts.values())
    assert sum(counts.values()) >= 1
