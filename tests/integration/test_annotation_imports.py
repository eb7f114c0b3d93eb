"""aiolabel's annotation imports and labels against the emulator, checked against server state:
one import from objects / a file, bulk imports split into parts, resumed by name, with every
refused line reported; labels, reviews and benchmarks."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from aiolabel import (
    AnnotationImportState,
    AsyncClient,
    InputError,
    InputTypeError,
    LabelboxError,
    LabelImport,
    MALPredictionImport,
    MediaType,
    Project,
    ResourceNotFoundError,
)
from aiolabel.emulator import Emulator
from tests.annotation_data import ONTOLOGY, bbox, every_kind, radio


@pytest.fixture
async def setup(emu: Emulator, client: AsyncClient) -> tuple[Project, list[str]]:
    made = emu.control("bulk_create_data_rows", count=30)
    ids: list[str] = made["ids"]
    project = await client.create_project(name="imports", media_type=MediaType.Image)
    await project.create_batch("b", data_rows=ids[:20])
    emu.control("set_project_ontology", project_id=project.uid, ontology=ONTOLOGY)
    return project, ids


async def test_mal_import_from_objects(
    client: AsyncClient, emu: Emulator, setup: tuple[Project, list[str]]
) -> None:
    project, ids = setup
    good = every_kind({"id": ids[0]})
    bad = bbox({"id": ids[25]})  # not in the project
    job = await MALPredictionImport.create_from_objects(client, project.uid, "m", [*good, bad])
    await job.wait_till_done()
    assert job.state == AnnotationImportState.FINISHED
    statuses = await job.statuses()
    assert [s["status"] for s in statuses] == ["SUCCESS"] * len(good) + ["FAILURE"]
    errors = [e async for e in job.errors()]
    assert errors[0]["uuid"] == bad["uuid"]
    assert "not in the project" in errors[0]["errors"][0]["message"]
    assert await job.inputs() == [*good, bad]
    assert len(emu.control("prelabels", project_id=project.uid)) == len(good)
    again = await MALPredictionImport.from_name(client, project.uid, "m")
    assert (again.uid, (await again.project()).uid) == (job.uid, project.uid)
    await again.delete()
    assert emu.control("prelabels", project_id=project.uid) == []


async def test_client_side_errors_before_sending(
    client: AsyncClient, emu: Emulator, setup: tuple[Project, list[str]], tmp_path: Path
) -> None:
    project, ids = setup
    no_uuid = {"name": "box", "dataRow": {"id": ids[0]}, "bbox": {}}
    with pytest.raises(InputError, match="line 2: 'uuid' is missing"):
        await MALPredictionImport.create_from_objects(
            client, project.uid, "x", [bbox({"id": ids[0]}), no_uuid]
        )
    with pytest.raises(InputTypeError, match="line 1"):
        await MALPredictionImport.create_from_objects(client, project.uid, "x", ["text"])
    with pytest.raises(InputError, match="only one of 'id' or 'globalKey'"):
        await MALPredictionImport.create_from_objects(
            client, project.uid, "x", [bbox({"id": ids[0], "globalKey": "k"})]
        )
    path = tmp_path / "a.ndjson"
    path.write_text(json.dumps(bbox({"id": ids[0]})) + "\n{oops\n")
    with pytest.raises(InputError, match="line 2: malformed JSON"):
        await MALPredictionImport.create_from_file(client, project.uid, "x", path)
    assert emu.control("import_stats")["imports"] == 0


async def test_label_import_from_file_creates_labels(
    client: AsyncClient, setup: tuple[Project, list[str]], tmp_path: Path
) -> None:
    project, ids = setup
    path = tmp_path / "labels.ndjson"
    rows = [bbox({"id": ids[0]}), radio({"id": ids[0]}), bbox({"id": ids[1]})]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    job = await LabelImport.create_from_file(client, project.uid, "li", path)
    await job.wait_till_done()
    assert await job.errors() == []
    assert await project.get_label_count() == 2
    labels = await project.labels().to_list()
    assert {(await label.data_row()).uid for label in labels} == {ids[0], ids[1]}
    row = await client.get_data_row(ids[0])
    assert [label.uid async for label in row.labels()] == [
        label.uid for label in labels if (await label.data_row()).uid == ids[0]
    ]


async def _stream(annotations: list[dict[str, Any]]) -> AsyncIterator[dict[str, Any]]:
    for annotation in annotations:
        yield annotation


async def test_bulk_import_splits_reports_and_resumes(
    client: AsyncClient, emu: Emulator, setup: tuple[Project, list[str]]
) -> None:
    project, ids = setup
    annotations = []
    for i in range(95):
        row = {"id": ids[i % 20]} if i % 10 else {"id": ids[25]}  # every tenth not in project
        annotations.append(bbox(row) if i % 2 else radio(row))
    report = await project.import_annotations(
        "bulk", _stream(annotations), annotations_per_import=20
    )
    assert [imp.name for imp in report.imports] == [f"bulk-{i:09d}" for i in range(0, 95, 20)]
    assert (report.annotations, report.failed, report.reused) == (95, 10, 0)
    failures = [f async for f in report.failures()]
    assert [f.line for f in failures] == list(range(1, 96, 10))
    assert [f.uuid for f in failures] == [annotations[i]["uuid"] for i in range(0, 95, 10)]
    assert all("not in the project" in f.reasons[0] for f in failures)
    assert emu.control("prelabels", project_id=project.uid).__len__() == 85
    again = await project.import_annotations("bulk", annotations, annotations_per_import=20)
    assert (again.reused, again.annotations, again.failed) == (5, 95, 10)
    assert emu.control("import_stats")["imports"] == 5
    assert len(emu.control("prelabels", project_id=project.uid)) == 85


async def test_failures_read_only_the_imports_with_refused_lines(
    client: AsyncClient, emu: Emulator, setup: tuple[Project, list[str]]
) -> None:
    project, ids = setup
    annotations = [bbox({"id": ids[i % 20]}) for i in range(30)]
    for i in (2, 25, 27):
        annotations[i] = bbox({"id": ids[25]})  # not in the project
    report = await project.import_annotations("sparse", annotations, annotations_per_import=10)
    assert report.failed_per_import == [1, 0, 2]
    before = emu.stats()["by_operation"]["files:GET"]
    failures = [f async for f in report.failures()]
    assert [f.line for f in failures] == [3, 26, 28]
    assert [f.uuid for f in failures] == [annotations[i]["uuid"] for i in (2, 25, 27)]
    downloads = emu.stats()["by_operation"]["files:GET"] - before
    assert downloads == 2  # the status files of the parts with refused lines, not the clean one


async def test_bulk_label_import_from_path(
    client: AsyncClient, setup: tuple[Project, list[str]], tmp_path: Path
) -> None:
    project, ids = setup
    path = tmp_path / "big.ndjson"
    with path.open("w") as out:
        for i in range(40):
            out.write(json.dumps(bbox({"id": ids[i % 20]})) + "\n")
    report = await project.import_annotations("lbl", path, kind="label", annotations_per_import=15)
    assert len(report.imports) == 3
    assert report.failed == 0
    assert await project.get_label_count() == 15 + 15 + 10  # a label per data row per import


async def test_upload_annotations_is_deprecated_over_mal(
    client: AsyncClient, setup: tuple[Project, list[str]]
) -> None:
    project, ids = setup
    with pytest.warns(DeprecationWarning, match="upload_annotations"):
        request = await project.upload_annotations("old", [bbox({"id": ids[0]})])
    await request.wait_till_done()
    assert request.state == AnnotationImportState.FINISHED
    assert (await MALPredictionImport.from_name(client, project.uid, "old")).uid == request.uid


async def test_one_import_over_the_limit_is_refused_before_sending(
    client: AsyncClient, emu: Emulator, setup: tuple[Project, list[str]], tmp_path: Path
) -> None:
    project, ids = setup
    row = {"id": ids[0]}
    too_many = [bbox(row, name=f"n{i % 50}") for i in range(100_001)]
    with pytest.raises(InputError, match="100,001 annotations is over the 100,000"):
        await MALPredictionImport.create_from_objects(client, project.uid, "big", too_many)
    assert emu.control("import_stats")["imports"] == 0


async def test_the_emulator_fails_a_file_over_the_limit_as_a_whole(
    client: AsyncClient, emu: Emulator, setup: tuple[Project, list[str]]
) -> None:
    project, ids = setup
    row = json.dumps(bbox({"id": ids[0]})) + "\n"
    url = await client.upload_data(row * 100_001, "big.ndjson", "application/x-ndjson")
    job = await MALPredictionImport.create_from_url(client, project.uid, "big", url)
    await job.wait_till_done()
    assert job.state == AnnotationImportState.FAILED
    with pytest.raises(LabelboxError, match="failed"):
        await job.errors()


async def _model_run(client: AsyncClient) -> str:
    ontology = await client.create_ontology("o", {"tools": [], "classifications": []})
    model = await client.create_model("detector", ontology.uid)
    return (await model.create_model_run("run")).uid


async def test_mea_predictions_to_mal(
    client: AsyncClient, emu: Emulator, setup: tuple[Project, list[str]]
) -> None:
    from aiolabel import MEAPredictionImport, MEAToMALPredictionImport

    project, ids = setup
    run_id = await _model_run(client)
    predictions = [bbox({"id": ids[0]}), bbox({"id": ids[25]})]
    mea = await MEAPredictionImport.create_from_objects(client, run_id, "preds", predictions)
    await mea.wait_till_done()
    assert (mea.state, mea.model_run_id) == (AnnotationImportState.FINISHED, run_id)
    assert [s["status"] async for s in mea.statuses()] == ["SUCCESS", "SUCCESS"]
    found = await MEAPredictionImport.from_name(client, run_id, "preds")
    assert found.uid == mea.uid
    copy = await MEAToMALPredictionImport.create_for_model_run_data_rows(
        client, run_id, [ids[0], ids[25]], project.uid, "to-mal"
    )
    await copy.wait_till_done()
    statuses = await copy.statuses()
    assert sorted(s["status"] for s in statuses) == ["FAILURE", "SUCCESS"]  # ids[25]: not queued
    prelabels = emu.control("prelabels", project_id=project.uid)
    assert [p["uuid"] for p in prelabels] == [predictions[0]["uuid"]]
    again = await MEAToMALPredictionImport.from_name(client, project.uid, "to-mal")
    assert again.uid == copy.uid


async def test_mea_imports_need_a_model_run_that_exists(
    client: AsyncClient, emu: Emulator, setup: tuple[Project, list[str]]
) -> None:
    from aiolabel import MEAPredictionImport, MEAToMALPredictionImport

    project, ids = setup
    missing = "cl000000000000000000000000"
    with pytest.raises(ResourceNotFoundError, match=f"Model run {missing} not found"):
        await MEAPredictionImport.create_from_objects(
            client, missing, "preds", [bbox({"id": ids[0]})]
        )
    with pytest.raises(ResourceNotFoundError, match=f"Model run {missing} not found"):
        await MEAToMALPredictionImport.create_for_model_run_data_rows(
            client, missing, [ids[0]], project.uid, "to-mal"
        )
    run = await client.get_model_run(await _model_run(client))
    await run.delete()
    with pytest.raises(ResourceNotFoundError, match="not found"):
        await MEAPredictionImport.create_from_objects(
            client, run.uid, "preds", [bbox({"id": ids[0]})]
        )
    assert emu.control("import_stats")["imports"] == 0


async def test_a_failed_part_reports_every_line(
    client: AsyncClient, emu: Emulator, setup: tuple[Project, list[str]]
) -> None:
    project, ids = setup
    emu.set_transition("annotation-import-mal", {"mode": "fail"})
    annotations = [bbox({"id": ids[i]}) for i in range(5)]
    report = await project.import_annotations("f", annotations, annotations_per_import=3)
    assert (report.annotations, report.failed) == (5, 5)
    failures = [f async for f in report.failures()]
    assert [(f.line, f.uuid) for f in failures] == [
        (i + 1, a["uuid"]) for i, a in enumerate(annotations)
    ]
    assert all("failed as a whole" in f.reasons[0] for f in failures)


async def test_imports_and_tasks_share_the_clients_poller(
    client: AsyncClient, emu: Emulator, setup: tuple[Project, list[str]]
) -> None:
    project, ids = setup
    emu.set_transition("annotation-import-mal", {"mode": "polls", "n": 3})
    jobs = [
        await MALPredictionImport.create_from_objects(client, project.uid, f"p{i}", [bbox(row)])
        for i, row in enumerate(({"id": ids[0]}, {"id": ids[1]}))
    ]
    before = client._poller.ticks
    await asyncio.gather(*(job.wait_till_done() for job in jobs))
    assert [job.state for job in jobs] == [AnnotationImportState.FINISHED] * 2
    assert client._poller.ticks - before >= 3  # the reads the rule held back, in shared ticks


async def test_an_imports_project_counts_live_rows_as_the_project_does(
    client: AsyncClient, emu: Emulator, setup: tuple[Project, list[str]]
) -> None:
    project, ids = setup
    job = await MALPredictionImport.create_from_objects(
        client, project.uid, "c", [bbox({"id": ids[0]})]
    )
    await (await client.get_data_row(ids[3])).delete()
    await job.refresh()  # the project comes with the import, as the official ORM caches it
    seen = await job.project()
    assert seen.data_row_count == (await client.get_project(project.uid)).data_row_count == 19
