"""The catalog as a service: bad input, restarts on a file, the document cache, faults per
operation, the control API over HTTP, the ``aiolabel emulator serve`` command and the pytest
plugin's fixtures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from aiolabel.emulator import Emulator, EmulatorServer
from tests.emulator._support import (
    CREATE_DATASET,
    DATASET_ROWS,
    UPSERT,
    all_rows,
    code,
    create_dataset,
    spec,
    successes,
    upload_manifest,
    upsert,
)

from .conftest import Gql


async def _row_count(gql: Gql, ds: str) -> int:
    return len(await all_rows(gql, ds))


@pytest.mark.parametrize(
    ("query", "variables", "expected"),
    [
        ("mutation { createDataset(data: {name: ", None, "GRAPHQL_PARSE_FAILED"),
        (
            'mutation { createDataset(data: {name: "n", colour: 1}) { id } }',
            None,
            "GRAPHQL_VALIDATION_FAILED",
        ),
        ("query { datasets { id notAField } }", None, "GRAPHQL_VALIDATION_FAILED"),
        (CREATE_DATASET, {"name": 5}, "GRAPHQL_VALIDATION_FAILED"),
        (CREATE_DATASET, {}, "GRAPHQL_VALIDATION_FAILED"),
        (UPSERT, {"manifestUri": ["a"]}, "GRAPHQL_VALIDATION_FAILED"),
        (DATASET_ROWS, {"id": "x", "first": "ten"}, "GRAPHQL_VALIDATION_FAILED"),
        (
            "mutation($w: DataRowsWhereInput!){deleteDataRows(where: $w){id}}",
            {"w": {"dataRowIds": "not-a-list", "extra": 1}},
            "GRAPHQL_VALIDATION_FAILED",
        ),
    ],
)
async def test_bad_documents_and_variables_change_nothing(
    gql: Gql, query: str, variables: dict[str, Any] | None, expected: str
) -> None:
    ds = await create_dataset(gql)
    await upsert(gql, [spec(ds, row_data="https://x/1.jpg", global_key="kept")])
    response = await gql.raw(query, variables)
    assert response.status_code == 200
    assert code(response.json()) == expected
    listed = (await gql.data("query{datasets{id}}"))["datasets"]
    assert [d["id"] for d in listed] == [ds]
    assert [r["globalKey"] for r in await all_rows(gql, ds)] == ["kept"]


async def test_a_refused_mutation_rolls_back_everything_it_did(gql: Gql) -> None:
    ds = await create_dataset(gql)
    rows = await successes(
        gql,
        (
            await upsert(
                gql,
                [
                    spec(ds, row_data="https://x/1.jpg", global_key="a"),
                    spec(ds, row_data="https://x/2.jpg", global_key="b"),
                ],
            )
        )["id"],
    )
    both = (
        "mutation($a: ID!, $b: ID!){ first: updateDataRow(where: {id: $a}, data: {externalId:"
        ' "changed"}) { id } second: updateDataRow(where: {id: $b}, data: {globalKey: "A"}) '
        "{ id } }"
    )
    body = await gql(both, {"a": rows[0]["id"], "b": rows[1]["id"]})
    assert [e["extensions"]["code"] for e in body["errors"]] == ["RESOURCE_CONFLICT"]
    assert {r["globalKey"]: r["externalId"] for r in await all_rows(gql, ds)} == {
        "a": None,
        "b": None,
    }


async def test_malformed_upload_of_a_chunk_stores_nothing(
    http: httpx.AsyncClient, emu: Emulator
) -> None:
    response = await http.post(
        "/graphql",
        content=b"--x\r\nContent-Disposition: form-data; name=operations\r\n\r\n{bad",
        headers={
            "Authorization": f"Bearer {emu.api_key}",
            "Content-Type": "multipart/form-data; boundary=x",
        },
    )
    assert response.status_code == 400
    assert code(response.json()) == "MALFORMED_REQUEST"
    with emu.state.store.reading() as conn:
        assert conn.execute("SELECT count(*) FROM files").fetchone()[0] == 0


async def test_oversized_manifest_upload_is_refused() -> None:
    async with (
        Emulator(max_body_bytes=4096) as emu,
        httpx.AsyncClient(transport=emu.transport, base_url="http://e") as http,
    ):
        gql = Gql(http, emu.api_key)
        ds = await create_dataset(gql)
        specs = [spec(ds, row_data="https://x/" + "y" * 100 + ".jpg") for _ in range(60)]
        response = await http.post(
            "/graphql",
            files={
                "operations": (None, json.dumps({"query": "x", "variables": {"file": None}})),
                "map": (None, json.dumps({"1": ["variables.file"]})),
                "1": ("a", json.dumps(specs).encode(), "application/json"),
            },
            headers={"Authorization": f"Bearer {emu.api_key}"},
        )
        assert response.status_code == 413
        assert code(response.json()) == "MALFORMED_REQUEST"
        assert await all_rows(gql, ds) == []


async def test_restart_on_the_same_file_keeps_the_catalog(tmp_path: Path) -> None:
    db = str(tmp_path / "emulator.sqlite")
    async with (
        Emulator(db=db, api_key="lbemu_fixed") as emu,
        httpx.AsyncClient(transport=emu.transport, base_url="http://e") as http,
    ):
        gql = Gql(http, emu.api_key)
        ds = await create_dataset(gql, "persisted")
        schema = await gql.data(
            "mutation($d: UpsertCustomMetadataSchemaInput!){upsertCustomMetadataSchema("
            "data: $d){id}}",
            {"d": {"name": "score", "kind": "CustomMetadataNumber"}},
        )
        score = schema["upsertCustomMetadataSchema"]["id"]
        await upsert(
            gql,
            [
                spec(
                    ds,
                    row_data="https://x/1.jpg",
                    global_key="gk",
                    metadata_fields=[{"schemaId": score, "value": 0.5}],
                    attachments=[{"type": "RAW_TEXT", "value": "t"}],
                )
            ],
        )
    async with (
        Emulator(db=db, api_key="lbemu_fixed") as emu,
        httpx.AsyncClient(transport=emu.transport, base_url="http://e") as http,
    ):
        gql = Gql(http, emu.api_key)
        [dataset] = (await gql.data("query{datasets{id name}}"))["datasets"]
        assert dataset == {"id": ds, "name": "persisted"}
        [row] = await all_rows(gql, ds)
        assert row["globalKey"] == "gk"
        assert row["customMetadata"] == [{"schemaId": score, "value": 0.5}]
        ontology = await gql.data("query{customMetadataOntology{name}}")
        names = [s["name"] for s in ontology["customMetadataOntology"]]
        assert names.count("tag") == 1
        assert "score" in names
        task = await upsert(gql, [spec(ds, row_data="https://x/2.jpg", global_key="GK")])
        assert await successes(gql, task["id"]) == []


async def test_document_cache_serves_repeated_pages(gql: Gql, emu: Emulator) -> None:
    ds = await create_dataset(gql)
    await upsert(gql, [spec(ds, row_data=f"https://x/{i}.jpg") for i in range(30)])
    before = emu.stats()["document_cache"]
    assert len(await all_rows(gql, ds, first=4)) == 30
    after = emu.stats()["document_cache"]
    assert after["misses"] - before["misses"] == 1
    assert after["hits"] - before["hits"] == 7


async def test_faults_switched_per_operation(gql: Gql, emu: Emulator) -> None:
    ds = await create_dataset(gql)
    uri = await upload_manifest(gql, [spec(ds, row_data="https://x/1.jpg")])
    emu.set_faults(error_rate=1.0, operations={"UpsertDataRowsPyApi"}, seed=1)
    assert (await gql.raw(UPSERT, {"manifestUri": uri})).status_code in (502, 503)
    assert (await gql.raw(DATASET_ROWS, {"id": ds, "first": 5})).status_code == 200
    assert await all_rows(gql, ds) == []
    emu.set_faults(error_rate=0.0, applied_then_failed_rate=1.0)
    assert (await gql.raw(UPSERT, {"manifestUri": uri})).status_code == 502
    emu.set_faults(applied_then_failed_rate=0.0, operations=None)
    assert len(await all_rows(gql, ds)) == 1


def test_control_api_over_http() -> None:
    with EmulatorServer() as server, httpx.Client(base_url=server.base_url) as http:
        auth = {"Authorization": f"Bearer {server.api_key}"}
        created = http.post(
            "/graphql", json={"query": CREATE_DATASET, "variables": {"name": "d"}}, headers=auth
        ).json()
        assert created["data"]["createDataset"]["name"] == "d"
        added = http.post(
            "/_emulator/actions/add_iam_integration",
            json={"integration_name": "x", "provider": "GCP"},
        )
        assert added.status_code == 200
        listed = http.post(
            "/graphql", json={"query": "query{iamIntegrations{id name provider}}"}, headers=auth
        ).json()["data"]["iamIntegrations"]
        assert listed == [{"id": added.json()["result"], "name": "x", "provider": "GCP"}]
        bad = http.post("/_emulator/actions/add_iam_integration", json={"provider": "IBM"})
        assert bad.status_code == 400
        rule = http.post(
            "/_emulator/transitions", json={"adv-upsert-data-rows": {"mode": "polls", "n": 3}}
        )
        assert rule.json()["adv-upsert-data-rows"]["n"] == 3
        faults = http.post(
            "/_emulator/faults", json={"operations": ["CreateDatasetPyApi"], "error_rate": 1}
        )
        assert faults.json()["operations"] == ["CreateDatasetPyApi"]
        failing = http.post(
            "/graphql", json={"query": CREATE_DATASET, "variables": {"name": "e"}}, headers=auth
        )
        assert failing.status_code in (502, 503)
        assert http.post("/_emulator/reset").json() == {"ok": True}
        http.post("/_emulator/faults", json={"error_rate": 0})
        after = http.post(
            "/graphql", json={"query": "query{datasets{id} iamIntegrations{id}}"}, headers=auth
        ).json()["data"]
        assert after == {"datasets": [], "iamIntegrations": []}
        assert http.get("/_emulator/transitions").json() == {}


def test_cli_serve_prints_three_lines_and_serves(tmp_path: Path) -> None:
    db = tmp_path / "cli.sqlite"
    command = [
        sys.executable,
        "-m",
        "aiolabel.cli",
        "emulator",
        "serve",
        "--port",
        "0",
        "--db",
        str(db),
        "--api-key",
        "lbemu_cli-test",
        "--seed",
        "3",
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as process:
        try:
            assert process.stdout is not None
            first = process.stdout.readline().strip()
            endpoint_line = process.stdout.readline().strip()
            key_line = process.stdout.readline().strip()
            prefix = "aiolabel emulator listening on http://127.0.0.1:"
            assert first.startswith(prefix), first
            port = int(first.removeprefix(prefix))
            assert endpoint_line == f"LABELBOX_ENDPOINT=http://127.0.0.1:{port}/graphql"
            assert key_line == "LABELBOX_API_KEY=lbemu_cli-test"
            endpoint = endpoint_line.split("=", 1)[1]
            key = key_line.split("=", 1)[1]
            body = None
            for _ in range(100):
                try:
                    body = httpx.post(
                        endpoint,
                        json={"query": CREATE_DATASET, "variables": {"name": "via-cli"}},
                        headers={"Authorization": f"Bearer {key}"},
                    ).json()
                    break
                except httpx.ConnectError:
                    time.sleep(0.05)
            assert body is not None
            assert body["data"]["createDataset"]["name"] == "via-cli"
        finally:
            process.terminate()
            process.wait(timeout=20)
    assert db.exists()


def test_cli_refuses_a_key_without_the_prefix() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "aiolabel.cli", "emulator", "serve", "--api-key", "plain"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "lbemu_" in result.stderr
    assert result.stdout == ""
