"""The official SDK's models and model runs against the emulator over HTTP: models bound to an
ontology, runs with data rows, labels, splits, status, config and predictions, and
send-to-annotate from a model run."""

from __future__ import annotations

import json

import labelbox
import pytest
from labelbox import DataSplit, MediaType, ModelRun
from labelbox.schema.annotation_import import AnnotationImport
from labelbox.schema.conflict_resolution_strategy import ConflictResolutionStrategy
from labelbox.schema.identifiables import GlobalKeys, UniqueIds
from lbox import exceptions as lbx

from aiolabel.emulator import EmulatorServer
from tests.annotation_data import bbox
from tests.compat._support import Rows, sdk_rows

pytestmark = pytest.mark.compat


@pytest.fixture
def lb_client(emulator: EmulatorServer) -> labelbox.Client:
    """The official client with experimental calls (splits, status) enabled."""
    return labelbox.Client(
        api_key=emulator.api_key, endpoint=emulator.endpoint, enable_experimental=True
    )


@pytest.fixture
def ontology(lb_client: labelbox.Client) -> labelbox.Ontology:
    return lb_client.create_ontology("models", {"tools": [], "classifications": []})


@pytest.fixture
def rows(lb_client: labelbox.Client) -> Rows:
    return sdk_rows(lb_client, 4, "mr-")


def state(emulator: EmulatorServer, run: ModelRun) -> dict[str, object]:
    result: dict[str, object] = emulator.control("model_run_state", model_run_id=run.uid)
    return result


def test_models_are_created_listed_fetched_and_deleted(
    lb_client: labelbox.Client, ontology: labelbox.Ontology
) -> None:
    model = lb_client.create_model("detector", ontology.uid)
    other = lb_client.create_model("segmenter", ontology.uid)
    assert model.name == "detector"
    assert model.ontology_id == ontology.uid
    assert lb_client.get_model(model.uid).name == "detector"
    assert [m.uid for m in lb_client.get_models()] == [model.uid, other.uid]
    model.delete()
    with pytest.raises(lbx.ResourceNotFoundError):
        lb_client.get_model(model.uid)
    assert [m.uid for m in lb_client.get_models()] == [other.uid]


# The service answers an unknown id with RESOURCE_NOT_FOUND; the official SDK's execute then
# returns None for its caller to raise, and these callers fail reading the answer (TypeError).
REFUSED = (lbx.ResourceNotFoundError, TypeError)


def test_a_model_needs_a_known_ontology(lb_client: labelbox.Client) -> None:
    with pytest.raises(REFUSED):
        lb_client.create_model("detector", "cl000000000000000000000000")
    assert list(lb_client.get_models()) == []


def test_model_runs_hold_config_status_and_belong_to_their_model(
    lb_client: labelbox.Client, ontology: labelbox.Ontology, emulator: EmulatorServer
) -> None:
    model = lb_client.create_model("detector", ontology.uid)
    run = model.create_model_run("run 1", config={"lr": 0.1})
    second = model.create_model_run("run 2")
    assert run.model_id == model.uid
    assert run.training_metadata == {"lr": 0.1}
    assert [r.uid for r in model.model_runs()] == [run.uid, second.uid]
    assert lb_client.get_model_run(run.uid).name == "run 1"

    assert run.update_config({"epochs": 3}) == {"trainingMetadata": {"lr": 0.1, "epochs": 3}}
    assert run.get_config() == {"lr": 0.1, "epochs": 3}
    assert run.reset_config() == {"trainingMetadata": None}
    assert run.get_config() is None

    run.update_status(ModelRun.Status.FAILED, metadata={"k": "v"}, error_message="oom")
    stored = state(emulator, run)
    assert stored["status"] == "FAILED"
    assert stored["errorMessage"] == "oom"
    assert stored["statusMetadata"] == {"k": "v"}

    second.delete()
    assert [r.uid for r in model.model_runs()] == [run.uid]
    with pytest.raises(lbx.ResourceNotFoundError):
        lb_client.get_model_run(second.uid)


def test_data_rows_are_upserted_split_listed_and_removed(
    lb_client: labelbox.Client, ontology: labelbox.Ontology, rows: Rows, emulator: EmulatorServer
) -> None:
    run = lb_client.create_model("m", ontology.uid).create_model_run("r")
    assert run.upsert_data_rows(data_row_ids=rows.ids[:2]) is True
    assert run.upsert_data_rows(global_keys=rows.global_keys[2:]) is True
    listed = list(run.model_run_data_rows())
    assert [r.data_row().uid for r in listed] == rows.ids
    assert {r.data_split for r in listed} == {DataSplit.UNASSIGNED}

    assert run.assign_data_rows_to_split(rows.ids[:1], DataSplit.TRAINING) is True
    assert run.assign_data_rows_to_split(global_keys=rows.global_keys[1:2], split="TEST")
    splits = {row: v["split"] for row, v in state(emulator, run)["dataRows"].items()}  # type: ignore[attr-defined]
    assert splits == dict(
        zip(rows.ids, ["TRAINING", "TEST", "UNASSIGNED", "UNASSIGNED"], strict=True)
    )

    run.delete_model_run_data_rows(rows.ids[3:])
    assert [r.data_row().uid for r in run.model_run_data_rows()] == rows.ids[:3]


def test_an_unknown_data_row_is_refused_and_nothing_is_added(
    lb_client: labelbox.Client, ontology: labelbox.Ontology, rows: Rows, emulator: EmulatorServer
) -> None:
    run = lb_client.create_model("m", ontology.uid).create_model_run("r")
    with pytest.raises(REFUSED):
        run.upsert_data_rows(data_row_ids=[rows.ids[0], "cl000000000000000000000000"])
    assert state(emulator, run)["dataRows"] == {}
    with pytest.raises(ValueError, match="split"):
        run.assign_data_rows_to_split(rows.ids[:1], "HOLDOUT")


def test_labels_are_upserted_by_id_and_by_project(
    lb_client: labelbox.Client, ontology: labelbox.Ontology, rows: Rows, emulator: EmulatorServer
) -> None:
    project = lb_client.create_project(name="p", media_type=MediaType.Image)
    project.create_batch("b", data_rows=rows.ids[:3])
    labels = [
        emulator.control("add_label", project_id=project.uid, data_row_id=i)["id"]
        for i in rows.ids[:3]
    ]
    run = lb_client.create_model("m", ontology.uid).create_model_run("r")
    assert run.upsert_labels(label_ids=labels[:1]) is True
    assert {r.label_id for r in run.model_run_data_rows()} == {labels[0]}
    assert run.upsert_labels(project_id=project.uid) is True
    by_row = {row: v["labelId"] for row, v in state(emulator, run)["dataRows"].items()}  # type: ignore[attr-defined]
    assert by_row == dict(zip(rows.ids[:3], labels, strict=True))
    with pytest.raises(ValueError, match="only one"):
        run.upsert_labels(label_ids=labels, project_id=project.uid)


def test_predictions_are_sent_to_a_project_queue_as_prelabels(
    lb_client: labelbox.Client, ontology: labelbox.Ontology, rows: Rows, emulator: EmulatorServer
) -> None:
    run = lb_client.create_model("m", ontology.uid).create_model_run("r")
    run.upsert_data_rows(data_row_ids=rows.ids[:2])
    job = run.add_predictions("preds", [bbox({"id": rows.ids[0]})])
    job.wait_till_done(sleep_time_seconds=0.05)
    assert job.errors == []
    project = lb_client.create_project(name="dest", media_type=MediaType.Image)
    queue = next(q for q in project.task_queues() if q.queue_type == "MANUAL_REVIEW_QUEUE")
    task = run.send_to_annotate_from_model(
        destination_project_id=project.uid,
        task_queue_id=queue.uid,
        batch_name="from model",
        data_rows=UniqueIds(rows.ids[:3]),
        params={
            "predictions_ontology_mapping": {},
            "exclude_data_rows_in_project": False,
            "override_existing_annotations_rule": ConflictResolutionStrategy.KeepExisting,
            "batch_priority": 2,
        },
    )
    task.wait_till_done()
    assert task.status == "COMPLETE"
    failed = json.loads(task.result_url)  # per-row errors, as for batch tasks
    assert [e["dataRowId"] for e in failed] == [rows.ids[2]]  # not in the model run
    (batch,) = list(project.batches())
    assert batch.name == "from model"
    prelabels = emulator.control("prelabels", project_id=project.uid)
    assert [p["dataRow"]["id"] for p in prelabels] == [rows.ids[0]]
    queued = next(q for q in project.task_queues() if q.uid == queue.uid)
    assert queued.data_row_count == 2


def test_send_to_an_unknown_task_queue_creates_nothing(
    lb_client: labelbox.Client, ontology: labelbox.Ontology, rows: Rows
) -> None:
    run = lb_client.create_model("m", ontology.uid).create_model_run("r")
    run.upsert_data_rows(global_keys=rows.global_keys[:1])
    project = lb_client.create_project(name="dest", media_type=MediaType.Image)
    with pytest.raises(REFUSED):
        run.send_to_annotate_from_model(
            project.uid,
            "cl000000000000000000000000",
            "b",
            GlobalKeys(rows.global_keys[:1]),
            {"predictions_ontology_mapping": {}},  # type: ignore[typeddict-item]
        )
    assert list(project.batches()) == []


def test_a_foundry_run_makes_a_model_run_with_the_fake_models_predictions(
    lb_client: labelbox.Client, ontology: labelbox.Ontology, rows: Rows, emulator: EmulatorServer
) -> None:
    from labelbox.schema.foundry.app import App
    from labelbox.schema.foundry.foundry_client import FoundryClient

    model = lb_client.create_model("foundry", ontology.uid)
    app = FoundryClient(lb_client)._create_app(
        App(
            model_id=model.uid,
            name="app",
            inference_params={"threshold": 0.5},
            class_to_schema_id={"car": "fs-car", "cat": "fs-cat"},
            ontology_id=ontology.uid,
        )
    )
    task = lb_client.run_foundry_app("foundry run", GlobalKeys(rows.global_keys[:3]), app.id)
    task.wait_till_done()
    assert task.status == "COMPLETE"
    (run,) = list(model.model_runs())
    assert run.name == "foundry run"
    assert [r.data_row().uid for r in run.model_run_data_rows()] == rows.ids[:3]
    predictions = emulator.control("model_run_predictions", model_run_id=run.uid)
    assert [p["dataRow"]["id"] for p in predictions] == rows.ids[:3]
    assert {p["schemaId"] for p in predictions} <= {"fs-car", "fs-cat"}
    # deterministic: the same rows get the same predictions in a second run
    lb_client.run_foundry_app("again", UniqueIds(rows.ids[:3]), app.id).wait_till_done()
    again = next(r for r in model.model_runs() if r.name == "again")
    assert emulator.control("model_run_predictions", model_run_id=again.uid) == predictions
    with pytest.raises(lbx.ResourceNotFoundError):
        lb_client.run_foundry_app("x", UniqueIds(rows.ids[:1]), "cl000000000000000000000000")


def test_upsert_predictions_and_send_to_project(
    lb_client: labelbox.Client,
    ontology: labelbox.Ontology,
    rows: Rows,
    emulator: EmulatorServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the SDK's waits inside this call sleep 10 s a round by default
    wait = AnnotationImport.wait_till_done
    monkeypatch.setattr(
        AnnotationImport,
        "wait_till_done",
        lambda self, sleep_time_seconds=0, show_progress=False: wait(self, 0.05, show_progress),
    )
    run = lb_client.create_model("m", ontology.uid).create_model_run("r")
    run.upsert_data_rows(data_row_ids=rows.ids[:3])
    project = lb_client.create_project(name="dest", media_type=MediaType.Image)
    predictions = [bbox({"id": r}) for r in [*rows.ids[:2], "cl000000000000000000000000"]]
    job, batch, sent = run.upsert_predictions_and_send_to_project("preds", predictions, project.uid)
    assert [e["dataRow"]["id"] for e in job.errors] == ["cl000000000000000000000000"]
    assert batch is not None
    assert (batch.name, batch.size) == ("preds", 2)
    assert sent is not None
    assert sent.state.value == "FINISHED"
    prelabels = emulator.control("prelabels", project_id=project.uid)
    assert sorted(p["dataRow"]["id"] for p in prelabels) == sorted(rows.ids[:2])
