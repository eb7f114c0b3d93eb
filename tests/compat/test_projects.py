"""The official SDK's project workflows against the emulator over HTTP: create for several media
types and quality modes, get, list with where, update, delete, label count, members, task queues
and moving rows between them."""

from __future__ import annotations

import labelbox
import pytest
from labelbox import MediaType, Project
from labelbox.schema.identifiables import GlobalKeys, UniqueIds
from labelbox.schema.ontology_kind import EditorTaskType
from labelbox.schema.quality_mode import QualityMode
from lbox import exceptions as lbx

from aiolabel.emulator import EmulatorServer
from tests.compat._support import sdk_rows

pytestmark = pytest.mark.compat


@pytest.mark.parametrize(
    "media_type",
    [MediaType.Image, MediaType.Video, MediaType.Text, MediaType.Conversational, MediaType.Audio],
)
def test_create_project_for_media_types(lb_client: labelbox.Client, media_type: MediaType) -> None:
    project = lb_client.create_project(name=f"p {media_type.name}", media_type=media_type)
    assert project.media_type == media_type
    assert project.is_benchmark_enabled is True
    assert project.is_consensus_enabled is True
    assert project.auto_audit_number_of_labels == 3
    assert project.data_row_count == 0
    assert lb_client.get_project(project.uid).media_type == media_type


def test_quality_modes_and_description(lb_client: labelbox.Client) -> None:
    benchmark = lb_client.create_project(
        name="bench",
        media_type=MediaType.Image,
        description="only benchmark",
        quality_modes={QualityMode.Benchmark},
    )
    assert (benchmark.is_benchmark_enabled, benchmark.is_consensus_enabled) == (True, False)
    assert (benchmark.auto_audit_number_of_labels, benchmark.auto_audit_percentage) == (1, 1.0)
    assert lb_client.get_project(benchmark.uid).description == "only benchmark"
    plain = lb_client.create_project(name="plain", media_type=MediaType.Pdf, quality_modes=None)
    assert (plain.is_benchmark_enabled, plain.is_consensus_enabled) == (False, False)


def test_get_projects_with_where_update_and_delete(lb_client: labelbox.Client) -> None:
    first = lb_client.create_project(name="first", media_type=MediaType.Image, description="a")
    lb_client.create_project(name="second", media_type=MediaType.Image, description="b")
    found = list(
        lb_client.get_projects(where=(Project.name == "first") & (Project.description == "a"))
    )
    assert [p.uid for p in found] == [first.uid]
    assert {p.name for p in lb_client.get_projects(where=Project.name != "first")} == {"second"}
    first.update(name="renamed", description="changed")
    assert (first.name, first.description) == ("renamed", "changed")
    assert lb_client.get_project(first.uid).name == "renamed"
    first.delete()
    with pytest.raises(lbx.ResourceNotFoundError):
        lb_client.get_project(first.uid)
    assert {p.name for p in lb_client.get_projects()} == {"second"}
    assert [p.name for p in lb_client.get_organization().projects()] == ["second"]
    assert [p.name for p in lb_client.get_user().projects()] == ["second"]


def test_get_projects_pages_past_100(lb_client: labelbox.Client) -> None:
    for i in range(105):
        lb_client.create_project(name=f"many {i}", media_type=MediaType.Text, quality_modes=None)
    assert len(list(lb_client.get_projects())) == 105


def test_label_count_members_and_task_queues(
    emulator: EmulatorServer, lb_client: labelbox.Client
) -> None:
    project = lb_client.create_project(name="p", media_type=MediaType.Image)
    rows = sdk_rows(lb_client, 3, "lc-")
    project.create_batch("b", data_rows=rows.ids)
    assert project.get_label_count() == 0
    emulator.control("add_label", project_id=project.uid, data_row_id=rows.ids[0])
    assert project.get_label_count() == 1
    [member] = list(project.members())
    assert member.user().email == "emulator@aiolabel.localhost"
    assert member.role().name == "Admin"
    queues = project.task_queues()
    assert [(q.name, q.queue_type, q.data_row_count) for q in queues] == [
        ("Initial labeling task", "INITIAL_LABELING_QUEUE", 2),
        ("Initial review task", "MANUAL_REVIEW_QUEUE", 1),
        ("Rework (all rejected)", "MANUAL_REWORK_QUEUE", 0),
    ]


def test_move_data_rows_to_task_queue_and_done(lb_client: labelbox.Client) -> None:
    project = lb_client.create_project(name="p", media_type=MediaType.Image)
    rows = sdk_rows(lb_client, 4, "mv-")
    project.create_batch("b", global_keys=rows.global_keys)
    review = next(q for q in project.task_queues() if q.queue_type == "MANUAL_REVIEW_QUEUE")
    project.move_data_rows_to_task_queue(UniqueIds(rows.ids[:2]), review.uid)
    project.move_data_rows_to_task_queue(GlobalKeys(rows.global_keys[2:3]), None)
    counts = {q.queue_type: q.data_row_count for q in project.task_queues()}
    assert counts == {
        "INITIAL_LABELING_QUEUE": 1,
        "MANUAL_REVIEW_QUEUE": 2,
        "MANUAL_REWORK_QUEUE": 0,
    }
    outsider = sdk_rows(lb_client, 1, "out-")
    with pytest.raises(lbx.LabelboxError, match="Data rows were not moved successfully"):
        project.move_data_rows_to_task_queue(UniqueIds(outsider.ids), review.uid)
    assert {q.queue_type: q.data_row_count for q in project.task_queues()} == counts


def test_model_evaluation_projects(lb_client: labelbox.Client) -> None:
    live = lb_client.create_model_evaluation_project(name="live")
    assert live.media_type == MediaType.Conversational
    assert live.editor_task_type == EditorTaskType.ModelChatEvaluation
    assert live.is_chat_evaluation()
    offline = lb_client.create_offline_model_evaluation_project(name="offline")
    assert offline.editor_task_type == EditorTaskType.OfflineModelChatEvaluation
