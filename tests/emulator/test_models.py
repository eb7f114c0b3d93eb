"""The emulator's models, model runs, slices and send-to-annotate over GraphQL: the rules it
enforces and the refusals that leave nothing behind."""

from __future__ import annotations

from typing import Any

import pytest

from aiolabel.emulator import Emulator
from aiolabel.emulator.resolvers.foundry import fake_prediction
from tests.emulator.conftest import Gql

ONTOLOGY = 'mutation { upsertOntology(data: {name: "o", normalized: "{}"}) { id } }'


@pytest.fixture
async def run_id(gql: Gql) -> str:
    ontology = (await gql.data(ONTOLOGY))["upsertOntology"]["id"]
    model = await gql.data(
        'mutation($o: ID!) { createModel(data: {name: "m", ontologyId: $o}) { id } }',
        {"o": ontology},
    )
    run = await gql.data(
        'mutation($m: ID!) { createModelRun(data: {name: "r", modelId: $m}) { id } }',
        {"m": model["createModel"]["id"]},
    )
    return str(run["createModelRun"]["id"])


@pytest.fixture
def rows(emu: Emulator) -> list[str]:
    made = emu.control("bulk_create_data_rows", count=3, media_type="IMAGE", global_key_prefix="k")
    ids: list[str] = made["ids"]
    return ids


def code(body: dict[str, Any]) -> str:
    return str(body["errors"][0]["extensions"]["code"])


async def test_a_split_for_a_row_outside_the_run_is_refused_whole(
    gql: Gql, emu: Emulator, run_id: str, rows: list[str]
) -> None:
    register = (
        "mutation($r: ID!, $ids: [ID!]) { createMEAModelRunDataRowRegistrationTask("
        "where: {id: $r}, data: {dataRowIds: $ids}) }"
    )
    await gql.data(register, {"r": run_id, "ids": rows[:1]})
    body = await gql(
        "mutation($r: ID!, $d: CreateAssignDataRowsToDataSplitTaskInput!) {"
        " createAssignDataRowsToDataSplitTask(modelRun: {id: $r}, data: $d) }",
        {
            "r": run_id,
            "d": {
                "assignments": [
                    {"split": "TRAINING", "dataRowIds": rows[:1]},
                    {"split": "TEST", "dataRowIds": rows[1:2]},
                ]
            },
        },
        experimental=True,
    )
    assert "not in model run" in body["errors"][0]["message"]
    state = emu.control("model_run_state", model_run_id=run_id)
    assert state["dataRows"] == {rows[0]: {"split": "UNASSIGNED", "labelId": None}}


async def test_an_unknown_split_name_is_a_graphql_error(gql: Gql, run_id: str) -> None:
    body = await gql(
        "mutation($r: ID!) { createAssignDataRowsToDataSplitTask(modelRun: {id: $r},"
        ' data: {assignments: [{split: HOLDOUT, dataRowIds: ["x"]}]}) }',
        {"r": run_id},
        experimental=True,
    )
    assert body["data"] is None
    assert "HOLDOUT" in str(body["errors"][0])


async def test_config_merges_and_must_be_an_object(gql: Gql, run_id: str) -> None:
    update = (
        "mutation($r: ID!, $c: Json) { updateModelRunConfig(modelRun: {id: $r},"
        " data: {config: $c}) { trainingMetadata } }"
    )
    await gql.data(update, {"r": run_id, "c": {"a": 1}})
    merged = await gql.data(update, {"r": run_id, "c": {"b": 2}})
    assert merged["updateModelRunConfig"]["trainingMetadata"] == {"a": 1, "b": 2}
    assert "object" in (await gql(update, {"r": run_id, "c": [1]}))["errors"][0]["message"]


async def test_a_send_with_an_unknown_filter_type_creates_no_batch(
    gql: Gql, emu: Emulator, rows: list[str]
) -> None:
    project = await gql.data(
        'mutation { createProject(data: {name: "p", allowedMediaType: IMAGE}) { id } }'
    )
    project_id = project["createProject"]["id"]
    body = await gql(
        "mutation($i: SendToAnnotateFromCatalogInput!) { sendToAnnotateFromCatalog(input: $i)"
        " { taskId } }",
        {
            "i": {
                "destinationProjectId": project_id,
                "batchInput": {"batchName": "b", "batchPriority": 5},
                "destinationTaskQueue": {"type": "done"},
                "searchQuery": {
                    "scope": None,
                    "query": [
                        {"type": "data_row_id", "operator": "is", "ids": rows},
                        {"type": "label_created_at", "operator": "is", "ids": []},
                    ],
                },
            }
        },
    )
    assert "Unsupported catalog filter" in body["errors"][0]["message"]
    with emu.state.store.reading() as conn:
        assert conn.execute("SELECT COUNT(*) FROM batches").fetchone()[0] == 0


def test_the_fake_model_is_deterministic_and_uses_the_apps_classes() -> None:
    classes = {"car": "fs1", "cat": "fs2"}
    first = fake_prediction("row-1", classes)
    assert first == fake_prediction("row-1", classes)
    assert first is not None
    assert first["schemaId"] in classes.values()
    assert 0.5 <= first["confidence"] <= 1
    picked = {p["name"] for i in range(40) if (p := fake_prediction(f"row-{i}", classes))}
    assert picked == {"car", "cat"}
    assert fake_prediction("row-1", {}) is None
