"""aiolabel's models, model runs, slices and send-to-annotate against the in-process emulator,
checked against the server's stored state."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from aiolabel import AsyncClient, MediaType
from aiolabel.emulator import Emulator
from aiolabel.errors import (
    InputError,
    InputTypeError,
    PartialFailureError,
    ResourceNotFoundError,
)
from aiolabel.identifiers import GlobalKeys, UniqueIds
from aiolabel.models.model import ConflictResolutionStrategy, DataSplit, ModelRun
from aiolabel.models.project import Project
from tests.annotation_data import bbox
from tests.integration._support import requests


@pytest.fixture
async def run(client: AsyncClient) -> ModelRun:
    ontology = await client.create_ontology("o", {"tools": [], "classifications": []})
    model = await client.create_model("detector", ontology.uid)
    return await model.create_model_run("run", config={"lr": 0.1})


def stored(emu: Emulator, run: ModelRun) -> dict[str, Any]:
    state: dict[str, Any] = emu.control("model_run_state", model_run_id=run.uid)
    return state


async def test_models_and_runs_round_trip(client: AsyncClient, run: ModelRun) -> None:
    model = await client.get_model(run.model_id)
    assert model.name == "detector"
    assert [m.uid async for m in client.get_models()] == [model.uid]
    second = await model.create_model_run("second")
    assert [r.uid async for r in model.model_runs()] == [run.uid, second.uid]
    assert (await client.get_model_run(run.uid)).training_metadata == {"lr": 0.1}
    await second.delete()
    with pytest.raises(ResourceNotFoundError):
        await client.get_model_run(second.uid)
    await model.delete()
    with pytest.raises(ResourceNotFoundError):
        await client.get_model(model.uid)


async def test_config_and_status_are_stored(emu: Emulator, run: ModelRun) -> None:
    assert await run.update_config({"epochs": 2}) == {"trainingMetadata": {"lr": 0.1, "epochs": 2}}
    assert await run.get_config() == {"lr": 0.1, "epochs": 2}
    await run.reset_config()
    assert await run.get_config() is None
    await run.update_status(ModelRun.Status.TRAINING_MODEL, metadata={"step": "1"})
    assert stored(emu, run)["status"] == "TRAINING_MODEL"
    assert stored(emu, run)["statusMetadata"] == {"step": "1"}


async def test_data_rows_join_in_concurrent_chunks_and_get_splits(
    client: AsyncClient, emu: Emulator, run: ModelRun, rows: list[str], monkeypatch: Any
) -> None:
    monkeypatch.setattr("aiolabel._resources.models.UPSERT_CHUNK", 2)
    before = requests(emu, "createMEAModelRunDataRowRegistrationTaskPyApi")
    assert await run.upsert_data_rows(data_row_ids=rows[:5]) is True
    assert requests(emu, "createMEAModelRunDataRowRegistrationTaskPyApi") == before + 3
    await run.upsert_data_rows(global_keys=["gk-5"])
    # chunks run concurrently: which rows, not their order
    assert sorted(stored(emu, run)["dataRows"]) == sorted(rows[:6])

    await run.assign_data_rows_to_split(rows[:2], DataSplit.TRAINING)
    await run.assign_data_rows_to_split(global_keys=["gk-2"], split="VALIDATION")
    splits = {row: v["split"] for row, v in stored(emu, run)["dataRows"].items()}
    expected = ["TRAINING", "TRAINING", "VALIDATION", *["UNASSIGNED"] * 3]
    assert splits == dict(zip(rows[:6], expected, strict=True))

    listed = [r async for r in run.model_run_data_rows()]
    by_row = {(await r.data_row()).uid: r.data_split for r in listed}  # type: ignore[union-attr]
    assert by_row == {r: DataSplit(s) for r, s in splits.items()}
    first = await next(r for r in listed if r.data_split is DataSplit.VALIDATION).data_row()
    assert first is not None
    assert first.uid == rows[2]
    await run.delete_model_run_data_rows(rows[4:6])
    assert sorted(stored(emu, run)["dataRows"]) == sorted(rows[:4])


async def test_labels_join_by_id_and_by_project(
    client: AsyncClient, emu: Emulator, run: ModelRun, project: Project, rows: list[str]
) -> None:
    await project.create_batch("b", rows[:2])
    labels = [
        emu.control("add_label", project_id=project.uid, data_row_id=r)["id"] for r in rows[:2]
    ]
    await run.upsert_labels(label_ids=labels[:1])
    assert {v["labelId"] for v in stored(emu, run)["dataRows"].values()} == {labels[0]}
    await run.upsert_labels(project_id=project.uid)
    assert [v["labelId"] for v in stored(emu, run)["dataRows"].values()] == labels


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda r: r.upsert_data_rows(), InputError, "exactly one"),
        (lambda r: r.upsert_data_rows(["a"], ["b"]), InputError, "exactly one"),
        (lambda r: r.upsert_data_rows(data_row_ids=[]), InputError, "data_row_ids"),
        (lambda r: r.upsert_labels(), InputError, "label id or a project id"),
        (lambda r: r.upsert_labels(["l"], "p"), InputError, "only one"),
        (lambda r: r.assign_data_rows_to_split(["a"], "HOLDOUT"), InputError, "split"),
        (lambda r: r.update_status("DONE"), InputError, "Status"),
        (lambda r: r.update_config([1]), InputTypeError, "config"),
        (
            lambda r: r.send_to_annotate_from_model("p", None, "b", UniqueIds(["a"]), {"x": 1}),
            InputError,
            "unknown keys",
        ),
        (
            lambda r: r.send_to_annotate_from_model("p", None, "b", ["a"], {"batch_priority": 1}),
            InputTypeError,
            "data_rows",
        ),
    ],
)
async def test_bad_input_sends_nothing(
    emu: Emulator, run: ModelRun, call: Any, error: type[Exception], message: str
) -> None:
    before = requests(emu)
    with pytest.raises(error, match=message):
        await call(run)
    assert requests(emu) == before


async def test_catalog_params_are_checked_before_sending(
    client: AsyncClient, emu: Emulator
) -> None:
    before = requests(emu)
    for params, message in [
        ({}, "source_project_id"),
        ({"source_project_id": "p", "source_model_run_id": "r"}, "not both"),
        ({"source_project_id": "p", "batch_priority": 9}, "batch_priority"),
        ({"source_project_id": "p", "override_existing_annotations_rule": "MERGE"}, "override"),
    ]:
        with pytest.raises(InputError, match=message):
            await client.send_to_annotate_from_catalog("d", None, "b", UniqueIds(["a"]), params)
    assert requests(emu) == before


async def test_unknown_ids_are_typed_errors(
    client: AsyncClient, emu: Emulator, run: ModelRun, rows: list[str]
) -> None:
    with pytest.raises(ResourceNotFoundError):
        await client.create_model("m", "cl000000000000000000000000")
    # bulk paths report the failed chunks: here the one chunk, refused whole
    with pytest.raises(PartialFailureError, match="1 of 1 chunks") as caught:
        await run.upsert_data_rows(data_row_ids=[rows[0], "cl000000000000000000000000"])
    assert "cl000000000000000000000000" in str(caught.value.failures[0].error)
    assert stored(emu, run)["dataRows"] == {}


async def test_send_from_model_puts_predictions_in_the_queue(
    client: AsyncClient, emu: Emulator, run: ModelRun, rows: list[str]
) -> None:
    await run.upsert_data_rows(data_row_ids=rows[:2])
    job = await run.add_predictions("p", [bbox({"id": rows[0]})])
    await job.wait_till_done()
    dest = await client.create_project("dest", MediaType.Image)
    queue = (await dest.task_queues())[0]
    task = await run.send_to_annotate_from_model(
        dest.uid,
        queue.uid,
        "from run",
        UniqueIds(rows[:2]),
        {"batch_priority": 2, "override_existing_annotations_rule": "KEEP_EXISTING"},
    )
    await task.wait_till_done()
    assert task.status == "COMPLETE"
    batches = [b async for b in dest.batches()]
    assert [b.name for b in batches] == ["from run"]
    prelabels = emu.control("prelabels", project_id=dest.uid)
    assert [p["dataRow"]["id"] for p in prelabels] == [rows[0]]
    queued = {q.uid: q.data_row_count for q in await dest.task_queues()}
    assert queued[queue.uid] == 2


async def test_send_from_catalog_with_conflicts(
    client: AsyncClient, emu: Emulator, project: Project, rows: list[str]
) -> None:
    await project.create_batch("b", rows[:2])
    for r in rows[:2]:
        annotations = {"objects": [{"feature_schema_id": "new"}]}
        emu.control("add_label", project_id=project.uid, data_row_id=r, annotations=annotations)
    dest = await client.create_project("dest", MediaType.Image)
    await dest.create_batch("first", rows[:1])
    existing = {"objects": [{"feature_schema_id": "old"}]}
    emu.control("add_label", project_id=dest.uid, data_row_id=rows[0], annotations=existing)
    override = ConflictResolutionStrategy.OverrideWithAnnotations
    task = await client.send_to_annotate_from_catalog(
        dest.uid,
        None,
        "copy",
        GlobalKeys(["gk-0", "gk-1", "gk-missing"]),
        {"source_project_id": project.uid, "override_existing_annotations_rule": override},
    )
    await task.wait_till_done()
    assert [e["dataRowId"] for e in json.loads(task.result_url or "[]")] == ["gk-missing"]
    stored_labels = emu.control("project_annotations", project_id=dest.uid)
    assert [a["objects"][0]["feature_schema_id"] for a in stored_labels[rows[0]]] == ["new"]
    assert [a["objects"][0]["feature_schema_id"] for a in stored_labels[rows[1]]] == ["new"]


async def test_refused_send_creates_no_batch(
    client: AsyncClient, project: Project, rows: list[str]
) -> None:
    dest = await client.create_project("dest", MediaType.Image)
    with pytest.raises(ResourceNotFoundError):
        await client.send_to_annotate_from_catalog(
            dest.uid,
            "cl000000000000000000000000",
            "b",
            UniqueIds(rows[:1]),
            {"source_project_id": project.uid},
        )
    assert [b async for b in dest.batches()] == []


async def test_slices(client: AsyncClient, emu: Emulator, run: ModelRun, rows: list[str]) -> None:
    made = emu.control(
        "create_slice",
        slice_name="s",
        filter=[{"type": "global_key", "operator": "is", "ids": ["gk-0", "gk-1", "gk-2"]}],
    )
    catalog = await client.get_catalog_slice(made["id"])
    assert not isinstance(catalog, list)
    assert [i.to_hash() async for i in catalog.get_data_row_identifiers()] == [
        {"id": r, "global_key": f"gk-{i}"} for i, r in enumerate(rows[:3])
    ]
    assert [i async for i in catalog.get_data_row_ids()] == rows[:3]
    by_name = await client.get_catalog_slice(slice_name="s")
    assert not isinstance(by_name, list)
    assert by_name.uid == made["id"]
    await run.upsert_data_rows(data_row_ids=rows[1:4])
    model_slice = await client.get_model_slice(made["id"])
    assert [i async for i in model_slice.get_data_row_ids(run.uid)] == rows[1:3]
    assert client.build_catalog_query(UniqueIds(["a"])) == {
        "type": "data_row_id",
        "operator": "is",
        "ids": ["a"],
    }


def _readme_example() -> str:
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Models, model runs, slices and send-to-annotate") :]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None
    return match.group(1)


async def test_readme_example_runs_against_the_emulator(
    client: AsyncClient, emu: Emulator, project: Project, rows: list[str], capsys: Any
) -> None:
    namespace: dict[str, Any] = {}
    exec(compile(_readme_example(), "README.md", "exec"), namespace)
    await project.create_batch("b", rows[:3])
    for r in rows[:3]:
        emu.control("add_label", project_id=project.uid, data_row_id=r)
    ontology = await client.create_ontology("o", {"tools": [], "classifications": []})
    review = await client.create_project("review", MediaType.Image)
    run = await namespace["evaluate"](client, ontology.uid, project.uid, rows[:3], review.uid)
    state = stored(emu, run)
    assert state["status"] == "COMPLETE"
    assert [v["split"] for v in state["dataRows"].values()] == ["TRAINING"] * 2 + ["UNASSIGNED"]
    assert all(v["labelId"] for v in state["dataRows"].values())
    assert len(emu.control("project_annotations", project_id=review.uid)) == 0  # pre-labels
    assert len(emu.control("prelabels", project_id=review.uid)) == 0  # labels had no objects
    assert [b.name async for b in review.batches()] == ["to review"]
    assert capsys.readouterr().out.count("DataSplit.") == 3


async def test_model_run_and_slice_exports_stream_their_rows(
    client: AsyncClient, emu: Emulator, run: ModelRun, rows: list[str]
) -> None:
    await run.upsert_data_rows(data_row_ids=rows[:3])
    task = await run.export(params={"data_row_details": True})
    await task.wait_till_done()
    assert sorted([r["data_row"]["id"] async for r in task.result()]) == sorted(rows[:3])

    made = emu.control(
        "create_slice",
        slice_name="s",
        filter=[{"type": "data_row_id", "operator": "is", "ids": rows[3:5]}],
    )
    catalog = await client.get_catalog_slice(made["id"])
    assert not isinstance(catalog, list)
    task = await catalog.export_v2("slice export")
    await task.wait_till_done()
    assert task.name == "slice export"
    assert sorted([r["data_row"]["id"] async for r in task.result()]) == sorted(rows[3:5])

    before = requests(emu)
    with pytest.raises(InputError, match="unknown keys"):
        await run.export(params={"label_details": True})
    with pytest.raises(InputError, match="params"):
        await catalog.export(params={"labels": True})
    assert requests(emu) == before


async def test_run_foundry_app_makes_a_run_with_predictions(
    client: AsyncClient, emu: Emulator, run: ModelRun, rows: list[str]
) -> None:

    model = await client.get_model(run.model_id)
    app = emu.control("create_foundry_app", model_id=model.uid, classes={"car": "fs-car"})
    task = await client.run_foundry_app("foundry", GlobalKeys(["gk-0", "gk-1"]), app["id"])
    await task.wait_till_done()
    assert task.status == "COMPLETE"
    made = [r async for r in model.model_runs() if r.name == "foundry"]
    assert len(made) == 1
    predictions = emu.control("model_run_predictions", model_run_id=made[0].uid)
    assert [(p["dataRow"]["id"], p["schemaId"]) for p in predictions] == [
        (rows[0], "fs-car"),
        (rows[1], "fs-car"),
    ]
    with pytest.raises(ResourceNotFoundError):
        await client.run_foundry_app("x", UniqueIds(rows[:1]), "cl000000000000000000000000")
    before = requests(emu)
    with pytest.raises(InputTypeError, match="data_rows"):
        await client.run_foundry_app("x", rows[:1], app["id"])  # type: ignore[arg-type]
    assert requests(emu) == before


async def test_upsert_predictions_and_send_to_project_steps(
    client: AsyncClient,
    emu: Emulator,
    run: ModelRun,
    project: Project,
    rows: list[str],
    caplog: Any,
) -> None:
    await run.upsert_data_rows(data_row_ids=rows[:3])
    predictions = [bbox({"id": r}) for r in [*rows[:2], "cl000000000000000000000000"]]
    job, batch, sent = await run.upsert_predictions_and_send_to_project(
        "preds", predictions, project.uid, priority=2
    )
    # the failed prediction is reported by the import and left out of the batch
    assert [e["dataRow"]["id"] for e in await job.errors] == ["cl000000000000000000000000"]
    assert batch is not None
    assert sent is not None
    assert [(b.name, b.size) async for b in project.batches()] == [("preds", 2)]
    assert sorted(p["dataRow"]["id"] for p in emu.control("prelabels", project_id=project.uid)) == (
        sorted(rows[:2])
    )
    # a batch that cannot be made (the name is taken) ends the steps: logged, None
    await project.create_batch("again", rows[3:4])
    job, batch, sent = await run.upsert_predictions_and_send_to_project(
        "again", [bbox({"id": rows[2]})], project.uid
    )
    assert (batch, sent) == (None, None)
    assert "failed to create the batch" in caplog.text
    with pytest.raises(ResourceNotFoundError):
        await run.upsert_predictions_and_send_to_project(
            "x", predictions, "cl000000000000000000000000"
        )
