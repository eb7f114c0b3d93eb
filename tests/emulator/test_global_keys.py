"""Global-key jobs over the GraphQL API: assign, look up and clear, and their task transitions."""

from __future__ import annotations

from typing import Any

from aiolabel.emulator import Emulator
from tests.emulator._support import (
    all_rows,
    code,
    create_dataset,
    make_rows,
)

from .conftest import Gql

# -- global keys --------------------------------------------------------------------------------

GET_JOB = "query($k: [ID!]!) { dataRowsForGlobalKeys(where: {ids: $k}) { jobId}}"
GET_RESULT = (
    "query($jobId: ID!) { dataRowsForGlobalKeysResult(jobId: {id: $jobId}) { data { "
    "fetchedDataRows { id } notFoundGlobalKeys accessDeniedGlobalKeys } jobStatus}}"
)
ASSIGN_JOB = (
    "mutation($links: [AssignGlobalKeyToDataRowInput!]!) { assignGlobalKeysToDataRows(data: "
    "{assignInputs: $links}) { jobId } }"
)
ASSIGN_RESULT = (
    "query($jobId: ID!) { assignGlobalKeysToDataRowsResult(jobId: {id: $jobId}) { jobStatus data"
    " { sanitizedAssignments { dataRowId globalKey } invalidGlobalKeyAssignments { dataRowId "
    "globalKey } unmodifiedAssignments { dataRowId globalKey } accessDeniedAssignments { "
    "dataRowId globalKey } }}}"
)
CLEAR_JOB = "mutation($k: [ID!]!) { clearGlobalKeys(where: {ids: $k}) { jobId}}"
CLEAR_RESULT = (
    "query($jobId: ID!) { clearGlobalKeysResult(jobId: {id: $jobId}) { data { clearedGlobalKeys "
    "failedToClearGlobalKeys notFoundGlobalKeys accessDeniedGlobalKeys } jobStatus}}"
)


async def run_job(gql: Gql, start: str, result: str, variables: dict[str, Any]) -> dict[str, Any]:
    started = await gql.data(start, variables)
    job_id = next(iter(started.values()))["jobId"]
    answer: dict[str, Any] = next(iter((await gql.data(result, {"jobId": job_id})).values()))
    return answer


async def test_global_key_jobs(gql: Gql) -> None:
    ds = await create_dataset(gql)
    one, two, three = await make_rows(gql, ds, 3)
    got = await run_job(
        gql, GET_JOB, GET_RESULT, {"k": [two["globalKey"], "nope", one["globalKey"]]}
    )
    assert got["jobStatus"] == "COMPLETE"
    assert got["data"] == {
        "fetchedDataRows": [{"id": two["id"]}, {"id": ""}, {"id": one["id"]}],
        "notFoundGlobalKeys": ["nope"],
        "accessDeniedGlobalKeys": [],
    }
    links = [
        {"dataRowId": one["id"], "globalKey": "plain"},
        {"dataRowId": two["id"], "globalKey": "needs#cleaning"},
        {"dataRowId": three["id"], "globalKey": "PLAIN"},
        {"dataRowId": "missing", "globalKey": "k"},
        {"dataRowId": three["id"], "globalKey": ""},
        {"dataRowId": three["id"], "globalKey": one["globalKey"]},
    ]
    assigned = (await run_job(gql, ASSIGN_JOB, ASSIGN_RESULT, {"links": links}))["data"]
    assert assigned["unmodifiedAssignments"] == [
        {"dataRowId": one["id"], "globalKey": "plain"},
        {"dataRowId": two["id"], "globalKey": "needs#cleaning"},
        {"dataRowId": three["id"], "globalKey": one["globalKey"]},
    ]
    assert assigned["sanitizedAssignments"] == []
    assert [a["globalKey"] for a in assigned["invalidGlobalKeyAssignments"]] == ["PLAIN", "k", ""]
    keys = {r["id"]: r["globalKey"] for r in await all_rows(gql, ds)}
    assert keys == {one["id"]: "plain", two["id"]: "needs#cleaning", three["id"]: one["globalKey"]}
    cleared = await run_job(gql, CLEAR_JOB, CLEAR_RESULT, {"k": ["plain", "plain", "gone"]})
    assert cleared["data"]["clearedGlobalKeys"] == ["plain"]
    assert cleared["data"]["notFoundGlobalKeys"] == ["gone"]
    assert {r["id"]: r["globalKey"] for r in await all_rows(gql, ds)}[one["id"]] is None


async def test_global_key_job_transitions(gql: Gql, emu: Emulator) -> None:
    emu.set_transition("get-data-rows-for-global-keys", {"mode": "polls", "n": 1})
    emu.set_transition("clear-global-keys", {"mode": "fail"})
    job = (await gql.data(GET_JOB, {"k": ["x"]}))["dataRowsForGlobalKeys"]["jobId"]
    assert emu.wait_for_jobs()
    first = (await gql.data(GET_RESULT, {"jobId": job}))["dataRowsForGlobalKeysResult"]
    second = (await gql.data(GET_RESULT, {"jobId": job}))["dataRowsForGlobalKeysResult"]
    assert (first["jobStatus"], first["data"]) == ("IN_PROGRESS", None)
    assert second["jobStatus"] == "COMPLETE"
    ds = await create_dataset(gql)
    [row] = await make_rows(gql, ds, 1)
    clear = (await gql.data(CLEAR_JOB, {"k": [row["globalKey"]]}))["clearGlobalKeys"]["jobId"]
    assert emu.wait_for_jobs()
    failed = (await gql.data(CLEAR_RESULT, {"jobId": clear}))["clearGlobalKeysResult"]
    assert failed["jobStatus"] == "FAILED"
    assert (await all_rows(gql, ds))[0]["globalKey"] == row["globalKey"]
    wrong_kind = await gql(CLEAR_RESULT, {"jobId": job})
    assert code(wrong_kind) == "RESOURCE_NOT_FOUND"
