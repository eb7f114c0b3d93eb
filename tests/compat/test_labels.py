"""The official SDK's labels, reviews and benchmarks against the emulator over HTTP: listing by
project and data row, filters, bulk delete, reviews, benchmarks, label count and the MAL switch."""

from __future__ import annotations

import labelbox
import pytest
from labelbox import MediaType
from labelbox.schema.label import Label
from labelbox.schema.review import Review
from lbox import exceptions as lbx

from aiolabel.emulator import EmulatorServer
from tests.compat._support import Rows, sdk_rows

pytestmark = pytest.mark.compat


@pytest.fixture
def labelled(
    lb_client: labelbox.Client, emulator: EmulatorServer
) -> tuple[labelbox.Project, Rows, list[str]]:
    project = lb_client.create_project(name="labels", media_type=MediaType.Image)
    rows = sdk_rows(lb_client, 3, "lab-")
    project.create_batch("b", data_rows=rows.ids)
    made = [
        emulator.control("add_label", project_id=project.uid, data_row_id=i)["id"]
        for i in (rows.ids[0], rows.ids[0], rows.ids[1])
    ]
    return project, rows, made


def test_project_and_data_row_labels(labelled: tuple[labelbox.Project, Rows, list[str]]) -> None:
    project, rows, made = labelled
    labels = list(project.labels())
    assert [label.uid for label in labels] == made
    assert all(isinstance(label, Label) for label in labels)
    assert project.get_label_count() == 3
    first = labels[0]
    assert first.data_row().uid == rows.ids[0]
    assert first.project().uid == project.uid
    assert first.created_by().uid == project.client.get_user().uid
    assert first.seconds_to_label == 10.0
    assert first.is_benchmark_reference is False
    data_row = project.client.get_data_row(rows.ids[0])
    assert [label.uid for label in data_row.labels()] == made[:2]
    mine = list(project.labels(created_by=project.client.get_user().uid))
    assert len(mine) == 3
    assert list(project.labels(created_by="somebody-else")) == []


def test_bulk_delete_labels(labelled: tuple[labelbox.Project, Rows, list[str]]) -> None:
    project, _, made = labelled
    labels = list(project.labels())
    Label.bulk_delete(labels[:2])
    assert [label.uid for label in project.labels()] == made[2:]
    assert project.get_label_count() == 1
    assert project.delete_labels_by_user(project.client.get_user().uid) == 1
    assert project.get_label_count() == 0


def test_reviews(labelled: tuple[labelbox.Project, Rows, list[str]]) -> None:
    project, _, _ = labelled
    label = next(iter(project.labels()))
    review = label.create_review(score=1.0)
    assert isinstance(review, Review)
    assert review.score == 1.0
    assert [r.uid for r in label.reviews()] == [review.uid]
    assert project.review_metrics(Review.NetScore.Positive) == 1
    assert project.review_metrics(None) == 2
    review.update(score=-1.0)
    assert review.score == -1.0
    assert project.review_metrics(Review.NetScore.Negative) == 1
    assert review.label().uid == label.uid
    assert review.created_by().uid == project.client.get_user().uid
    assert review.organization().uid == project.client.get_organization().uid
    assert review.project().uid == project.uid
    review.delete()
    assert list(label.reviews()) == []
    assert project.review_metrics(None) == 3


def test_benchmarks(labelled: tuple[labelbox.Project, Rows, list[str]]) -> None:
    project, _, _ = labelled
    label = next(iter(project.labels()))
    benchmark = label.create_benchmark()
    assert benchmark.reference_label().uid == label.uid
    assert benchmark.completed_count == 1  # the other label on the same row
    assert [b.uid for b in project.benchmarks()] == [benchmark.uid]
    assert next(iter(project.labels())).is_benchmark_reference is True
    with pytest.raises(lbx.LabelboxError):
        label.create_benchmark()
    benchmark.delete()
    assert list(project.benchmarks()) == []


def test_model_assisted_labeling_switch(
    labelled: tuple[labelbox.Project, Rows, list[str]],
) -> None:
    project, _, _ = labelled
    assert project.enable_model_assisted_labeling() is True
    assert project.enable_model_assisted_labeling(False) is False


def test_unknown_label_is_not_found(lb_client: labelbox.Client) -> None:
    with pytest.raises(lbx.ResourceNotFoundError):
        lb_client._get_single(Label, "cl000000000000000000000000")


def test_labels_are_listed_across_pages_in_creation_order(
    lb_client: labelbox.Client, emulator: EmulatorServer
) -> None:
    project = lb_client.create_project(name="many labels", media_type=MediaType.Image)
    rows = sdk_rows(lb_client, 120, "many-")
    project.create_batch("b", data_rows=rows.ids)
    made = [
        emulator.control(
            "add_label",
            project_id=project.uid,
            data_row_id=rows.ids[i % 120],
            created_at=f"2026-01-01T00:{i // 60:02d}:{i % 60:02d}.000Z",
            move_to="stay",
        )["id"]
        for i in range(250)
    ]
    assert [label.uid for label in project.labels()] == made  # three pages of 100
    mine = project.labels(created_by=lb_client.get_user().uid)
    assert [label.uid for label in mine] == made
    assert [label.uid for label in lb_client.get_data_row(rows.ids[0]).labels()] == made[::120]
