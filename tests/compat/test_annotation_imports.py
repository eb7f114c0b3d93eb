"""The official SDK's annotation imports against the emulator over HTTP: MAL and label imports from
objects and from a file, their statuses and errors, from_name, refresh and delete."""

from __future__ import annotations

import json
from pathlib import Path

import labelbox
import pytest
from labelbox import MediaType
from labelbox.schema.annotation_import import (
    AnnotationImportState,
    LabelImport,
    MALPredictionImport,
    MEAPredictionImport,
)
from lbox import exceptions as lbx

from aiolabel.emulator import EmulatorServer
from tests.annotation_data import ONTOLOGY, bbox, every_kind, radio, uid
from tests.compat._support import Rows, sdk_rows
from tests.compat.test_exports import read

pytestmark = pytest.mark.compat


@pytest.fixture
def project(lb_client: labelbox.Client, emulator: EmulatorServer) -> tuple[labelbox.Project, Rows]:
    project = lb_client.create_project(name="imports", media_type=MediaType.Image)
    rows = sdk_rows(lb_client, 3, "imp-")
    project.create_batch("b", data_rows=rows.ids[:2])
    emulator.control("set_project_ontology", project_id=project.uid, ontology=ONTOLOGY)
    return project, rows


def test_mal_import_from_objects_reports_every_line(
    lb_client: labelbox.Client, project: tuple[labelbox.Project, Rows]
) -> None:
    project, rows = project
    good = [*every_kind({"id": rows.ids[0]}), radio({"globalKey": rows.global_keys[1]})]
    duplicate = bbox({"id": rows.ids[0]})
    bad = [
        bbox({"id": rows.ids[0]}, name="not-a-feature"),
        {**bbox({"id": rows.ids[0]}), "bbox": {"top": 1, "left": 2, "height": 0, "width": 1}},
        {**bbox({"id": rows.ids[0]}), "point": {"x": 1, "y": 1}},
        radio({"id": rows.ids[0]}, answer="snowy"),
        bbox({"id": rows.ids[2]}),  # not in the project
        bbox({"id": "cl000000000000000000000000"}),
        duplicate,
        dict(duplicate),
    ]
    job = MALPredictionImport.create_from_objects(lb_client, project.uid, "mal-1", good + bad)
    assert job.state in (AnnotationImportState.RUNNING, AnnotationImportState.FINISHED)
    job.wait_till_done(sleep_time_seconds=0.05)
    assert job.state == AnnotationImportState.FINISHED
    statuses = job.statuses
    assert [s["uuid"] for s in statuses] == [a["uuid"] for a in good + bad]
    assert [s["status"] for s in statuses] == ["SUCCESS"] * len(good) + ["FAILURE"] * 6 + [
        "SUCCESS",
        "FAILURE",
    ]
    errors = job.errors
    messages = [e["errors"][0]["message"] for e in errors]
    assert len(errors) == 7
    assert "not in the project's ontology" in messages[0]
    assert "positive" in messages[1]
    assert "needs bbox" in messages[2]
    assert "snowy" in messages[3]
    assert "not in the project" in messages[4]
    assert "not found" in messages[5]
    assert "more than once" in messages[6]
    assert statuses[-2]["status"] == "SUCCESS"  # the first of the duplicates is kept
    assert {e["errors"][0]["name"] for e in errors} == {"ValidationError"}
    assert job.inputs == good + bad
    # pre-labels are not labels
    assert project.get_label_count() == 0


def test_label_import_from_file_creates_labels(
    lb_client: labelbox.Client, project: tuple[labelbox.Project, Rows], tmp_path: Path
) -> None:
    project, rows = project
    annotations = [bbox({"id": rows.ids[0]}), radio({"id": rows.ids[0]}), bbox({"id": rows.ids[1]})]
    path = tmp_path / "labels.ndjson"
    path.write_text("".join(json.dumps(a) + "\n" for a in annotations))
    job = LabelImport.create_from_file(lb_client, project.uid, "li-1", str(path))
    job.wait_till_done(sleep_time_seconds=0.05)
    assert job.state == AnnotationImportState.FINISHED
    assert job.errors == []
    assert [s["status"] for s in job.statuses] == ["SUCCESS"] * 3
    assert project.get_label_count() == 2
    labels = list(project.labels())
    assert {label.data_row().uid for label in labels} == set(rows.ids[:2])
    lines = read(project.export(params={"label_details": True}))
    exported = {line["data_row"]["id"]: line["projects"][project.uid]["labels"] for line in lines}
    first = exported[rows.ids[0]][0]
    assert "label_details" in first
    objects = first["annotations"]["objects"]
    assert [(o["name"], o["bounding_box"]) for o in objects] == [
        ("box", {"top": 1, "left": 2, "height": 10, "width": 20})
    ]
    answer = first["annotations"]["classifications"][0]["radio_answer"]
    assert (answer["name"], answer["feature_schema_id"]) == ("sunny", "fs-sunny")
    again = LabelImport.from_name(lb_client, project.uid, "li-1")
    assert again.uid == job.uid
    assert again.state == AnnotationImportState.FINISHED


def test_mal_import_from_file_and_by_name(
    lb_client: labelbox.Client, project: tuple[labelbox.Project, Rows], tmp_path: Path
) -> None:
    project, rows = project
    path = tmp_path / "mal.ndjson"
    path.write_text(json.dumps(bbox({"id": rows.ids[0]})) + "\n{not json\n")
    job = MALPredictionImport.create_from_file(lb_client, project.uid, "mal-f", str(path))
    job.wait_till_done(sleep_time_seconds=0.05)
    assert [s["status"] for s in job.statuses] == ["SUCCESS", "FAILURE"]
    assert job.errors[0]["errors"][0]["message"] == "Invalid JSON"
    found = MALPredictionImport.from_name(lb_client, project.uid, "mal-f")
    assert found.uid == job.uid
    assert found.project().uid == project.uid
    found.delete()
    with pytest.raises(lbx.ResourceNotFoundError):
        MALPredictionImport.from_name(lb_client, project.uid, "mal-f")


def test_import_transitions_follow_the_task_rule(
    lb_client: labelbox.Client, project: tuple[labelbox.Project, Rows], emulator: EmulatorServer
) -> None:
    project, rows = project
    emulator.set_transition("annotation-import-mal", {"mode": "polls", "n": 2})
    job = MALPredictionImport.create_from_objects(
        lb_client, project.uid, "slow", [bbox({"id": rows.ids[0]})]
    )
    emulator.wait_for_jobs()
    assert job.state == AnnotationImportState.RUNNING
    job.refresh()
    assert job.state == AnnotationImportState.RUNNING
    job.refresh()
    job.refresh()
    assert job.state == AnnotationImportState.FINISHED
    assert job.progress == "100%"


def test_failed_import_and_its_errors(
    lb_client: labelbox.Client, project: tuple[labelbox.Project, Rows], emulator: EmulatorServer
) -> None:
    project, rows = project
    emulator.set_transition("annotation-import-label", {"mode": "fail"})
    job = LabelImport.create_from_objects(lb_client, project.uid, "f", [bbox({"id": rows.ids[0]})])
    job.wait_till_done(sleep_time_seconds=0.05)
    assert job.state == AnnotationImportState.FAILED
    with pytest.raises(ValueError, match="Import failed"):
        job.errors  # noqa: B018 - the property downloads


def test_duplicate_import_name_is_refused(
    lb_client: labelbox.Client, project: tuple[labelbox.Project, Rows]
) -> None:
    project, rows = project
    MALPredictionImport.create_from_objects(
        lb_client, project.uid, "x", [bbox({"id": rows.ids[0]})]
    )
    with pytest.raises(lbx.LabelboxError):
        MALPredictionImport.create_from_objects(
            lb_client, project.uid, "x", [bbox({"id": rows.ids[0]})]
        )


def test_mea_import_from_objects(
    lb_client: labelbox.Client, project: tuple[labelbox.Project, Rows]
) -> None:
    _, rows = project
    ontology = lb_client.create_ontology("mea", {"tools": [], "classifications": []})
    run = lb_client.create_model("detector", ontology.uid).create_model_run("run")
    prediction = {
        "uuid": uid(),
        "name": "box",
        "dataRow": {"id": rows.ids[2]},
        "bbox": {"top": 0, "left": 0, "height": 1, "width": 1},
    }
    job = MEAPredictionImport.create_from_objects(lb_client, run.uid, "mea", [prediction])
    job.wait_till_done(sleep_time_seconds=0.05)
    assert job.state == AnnotationImportState.FINISHED
    assert job.model_run_id == run.uid
    assert MEAPredictionImport.from_name(lb_client, run.uid, "mea").uid == job.uid


# The service answers an unknown model run with RESOURCE_NOT_FOUND; the official SDK's execute
# then returns None and create_from_objects fails reading the answer (TypeError).
def test_mea_import_into_an_unknown_model_run_is_refused(
    lb_client: labelbox.Client, project: tuple[labelbox.Project, Rows], emulator: EmulatorServer
) -> None:
    _, rows = project
    with pytest.raises((lbx.ResourceNotFoundError, TypeError)):
        MEAPredictionImport.create_from_objects(
            lb_client, "cl000000000000000000000000", "mea", [bbox({"id": rows.ids[2]})]
        )
    assert emulator.control("import_stats")["imports"] == 0


def test_import_checked_against_the_connected_ontology(lb_client: labelbox.Client) -> None:
    from labelbox import Classification, OntologyBuilder, Option, Tool

    project = lb_client.create_project(name="onto-imports", media_type=MediaType.Image)
    rows = sdk_rows(lb_client, 1, "onto-")
    project.create_batch("b", data_rows=rows.ids)
    builder = OntologyBuilder(
        tools=[Tool(tool=Tool.Type.BBOX, name="car")],
        classifications=[
            Classification(class_type=Classification.Type.RADIO, name="q", options=[Option("yes")])
        ],
    )
    ontology = lb_client.create_ontology("o", builder.asdict(), media_type=MediaType.Image)
    project.connect_ontology(ontology)
    row = {"id": rows.ids[0]}
    annotations = [
        bbox(row, name="car"),
        {"uuid": uid(), "name": "q", "dataRow": row, "answer": {"name": "yes"}},
        bbox(row),  # "box" is not in this ontology
    ]
    job = MALPredictionImport.create_from_objects(lb_client, project.uid, "o", annotations)
    job.wait_till_done(sleep_time_seconds=0.05)
    assert [s["status"] for s in job.statuses] == ["SUCCESS", "SUCCESS", "FAILURE"]
