"""Projects over the emulator's GraphQL API: create for every media type, get, list with the ORM's
where, update, soft delete, label count, members, default task queues, faults."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from aiolabel.emulator import Emulator
from tests.emulator._support import (
    CREATE_PROJECT,
    LABEL_COUNT,
    PROJECT_FIELDS,
    TASK_QUEUES,
    create_batch,
    error_of,
    new_project,
    rows,
    status_of,
)
from tests.emulator.conftest import Gql

MEDIA_TYPES = [
    "AUDIO",
    "CONVERSATIONAL",
    "PDF",
    "TMS_GEO",
    "HTML",
    "IMAGE",
    "TMS_SIMPLE",
    "TEXT",
    "VIDEO",
    "POINT_CLOUD",
    "LLM",
]
GET_PROJECTS = (
    f"query GetProjectsPyApi%s{{projects(where: %s skip: 0 first: 100){{{PROJECT_FIELDS}}}}}"
)
UPDATE_PROJECT = (
    "mutation updateProjectPyApi($name: String!, $description: String!, $ProjectId: ID!)"
    "{updateProject(where: {id: $ProjectId} data: {name: $name description: $description})"
    f" {{{PROJECT_FIELDS}}}}}"
)
DELETE_PROJECT = (
    "mutation deleteProjectPyApi($ProjectId: ID!){updateProject(where: {id: $ProjectId}"
    " data: {deleted: true}) {id}}"
)
GET_PROJECT = (
    f"query GetProjectPyApi($param_0: ID!){{project(where: {{id: $param_0}}){{{PROJECT_FIELDS}}}}}"
)
MEMBERS = (
    "query ProjectMemberOverviewPyApi($projectId: ID!) { project(where: {id : $projectId})"
    " { id members(skip: 0 first: 100){ id user { createdAt email isExternalUser isViewer"
    " lastLoginAt nickname name picture id updatedAt } role { id name } accessFrom } } }"
)


async def names(gql: Gql, decls: str, where: str, variables: dict[str, Any]) -> list[str]:
    query = GET_PROJECTS % (f"({decls})" if decls else "", where)
    data = await gql.data(query, variables)
    return [p["name"] for p in data["projects"]]


@pytest.mark.parametrize("media_type", MEDIA_TYPES)
async def test_create_project_for_every_media_type(gql: Gql, media_type: str) -> None:
    body = await gql.data(
        CREATE_PROJECT,
        {
            "name": f"p {media_type}",
            "description": "about it",
            "allowedMediaType": media_type,
            "autoAuditPercentage": 1,
            "autoAuditNumberOfLabels": 1,
            "isBenchmarkEnabled": True,
            "isConsensusEnabled": False,
        },
    )
    project = body["createProject"]
    assert project["allowedMediaType"] == media_type
    assert project["description"] == "about it"
    assert (project["autoAuditNumberOfLabels"], project["autoAuditPercentage"]) == (1, 1.0)
    assert (project["isBenchmarkEnabled"], project["isConsensusEnabled"]) == (True, False)
    assert project["dataRowCount"] == 0
    assert project["uploadType"] is None
    assert project["editorTaskType"] is None
    datetime.strptime(project["createdAt"], "%Y-%m-%dT%H:%M:%S.%fZ")  # the SDK's format
    fetched = (await gql.data(GET_PROJECT, {"param_0": project["id"]}))["project"]
    assert fetched == project


async def test_unknown_media_type_and_blank_name_are_refused(gql: Gql) -> None:
    base = {
        "name": "p",
        "description": "",
        "autoAuditPercentage": 0,
        "autoAuditNumberOfLabels": 3,
        "isBenchmarkEnabled": True,
        "isConsensusEnabled": True,
    }
    error = error_of(await gql(CREATE_PROJECT, {**base, "allowedMediaType": "UNKNOWN"}))
    assert status_of(error) == 400
    error = error_of(await gql(CREATE_PROJECT, {**base, "name": "  ", "allowedMediaType": "IMAGE"}))
    assert status_of(error) == 400
    assert await names(gql, "", "{}", {}) == []


async def test_where_filters_as_the_orm_renders_them(gql: Gql) -> None:
    for name in ("alpha", "beta", "gamma"):
        await new_project(gql, name=name)
    found = await names(
        gql,
        "$param_0: String!, $param_1: Boolean!",
        "{AND: [{name: $param_0}, {deleted: $param_1}]}",
        {"param_0": "beta", "param_1": False},
    )
    assert found == ["beta"]
    found = await names(
        gql,
        "$param_0: String!, $param_1: String!, $param_2: Boolean!",
        "{AND: [{AND: [{name_gt: $param_0}, {name_not: $param_1}]}, {deleted: $param_2}]}",
        {"param_0": "alpha", "param_1": "gamma", "param_2": False},
    )
    assert found == ["beta"]
    found = await names(
        gql,
        "$param_0: DateTime!, $param_1: MediaType!",
        "{AND: [{createdAt_gte: $param_0}, {allowedMediaType: $param_1}]}",
        {"param_0": "2000-01-01T00:00:00Z", "param_1": "IMAGE"},
    )
    assert found == ["alpha", "beta", "gamma"]
    found = await names(
        gql, "$param_0: DateTime!", "{createdAt_lt: $param_0}", {"param_0": "2000-01-01T00:00:00Z"}
    )
    assert found == []


async def test_update_and_soft_delete(gql: Gql) -> None:
    project_id = await new_project(gql, name="old")
    updated = await gql.data(
        UPDATE_PROJECT, {"name": "new", "description": "desc", "ProjectId": project_id}
    )
    assert updated["updateProject"]["name"] == "new"
    assert updated["updateProject"]["description"] == "desc"
    deleted = await gql.data(DELETE_PROJECT, {"ProjectId": project_id})
    assert deleted == {"updateProject": {"id": project_id}}
    error = error_of(await gql(GET_PROJECT, {"param_0": project_id}))
    assert error["extensions"]["code"] == "RESOURCE_NOT_FOUND"
    assert await names(gql, "$param_0: Boolean!", "{deleted: $param_0}", {"param_0": False}) == []
    assert await names(gql, "$param_0: Boolean!", "{deleted: $param_0}", {"param_0": True}) == [
        "new"
    ]


async def test_refused_updates_change_nothing(emu: Emulator, gql: Gql) -> None:
    project_id = await new_project(gql, name="keep")
    error = error_of(
        await gql(UPDATE_PROJECT, {"name": " ", "description": "x", "ProjectId": project_id})
    )
    assert status_of(error) == 400
    switch = (
        "mutation updateProjectPyApi($n: Int!, $p: Float!, $ProjectId: ID!){updateProject("
        "where: {id: $ProjectId} data: {autoAuditNumberOfLabels: $n autoAuditPercentage: $p})"
        " {id}}"
    )
    error = error_of(await gql(switch, {"n": 1, "p": 1.0, "ProjectId": project_id}))
    assert "benchmark and consensus" in error["message"]
    await create_batch(gql, project_id, "b", rows(emu, 1))
    media = (
        "mutation updateProjectPyApi($m: MediaType!, $ProjectId: ID!){updateProject("
        "where: {id: $ProjectId} data: {allowedMediaType: $m}) {id}}"
    )
    error = error_of(await gql(media, {"m": "VIDEO", "ProjectId": project_id}))
    assert status_of(error) == 400
    project = (await gql.data(GET_PROJECT, {"param_0": project_id}))["project"]
    assert (project["name"], project["description"], project["allowedMediaType"]) == (
        "keep",
        "",
        "IMAGE",
    )
    assert project["autoAuditNumberOfLabels"] == 3


async def test_label_count_counts_live_labels(emu: Emulator, gql: Gql) -> None:
    project_id = await new_project(gql)
    ids = rows(emu, 3)
    await create_batch(gql, project_id, "b", ids)
    assert (await gql.data(LABEL_COUNT, {"projectId": project_id}))["project"]["labelCount"] == 0
    for data_row_id in ids[:2]:
        emu.control("add_label", project_id=project_id, data_row_id=data_row_id)
    assert (await gql.data(LABEL_COUNT, {"projectId": project_id}))["project"]["labelCount"] == 2
    project = (await gql.data(GET_PROJECT, {"param_0": project_id}))["project"]
    assert project["dataRowCount"] == 3


async def test_members_and_default_task_queues(gql: Gql) -> None:
    project_id = await new_project(gql)
    members = (await gql.data(MEMBERS, {"projectId": project_id}))["project"]["members"]
    assert len(members) == 1
    assert members[0]["user"]["email"] == "emulator@aiolabel.localhost"
    assert members[0]["role"]["name"] == "Admin"
    queues = (await gql.data(TASK_QUEUES, {"projectId": project_id}, experimental=True))["project"][
        "taskQueues"
    ]
    assert [(q["name"], q["queueType"], q["dataRowCount"]) for q in queues] == [
        ("Initial labeling task", "INITIAL_LABELING_QUEUE", 0),
        ("Initial review task", "MANUAL_REVIEW_QUEUE", 0),
        ("Rework (all rejected)", "MANUAL_REWORK_QUEUE", 0),
    ]


async def test_faults_apply_to_project_operations(emu: Emulator, gql: Gql) -> None:
    emu.set_faults(error_rate=1.0, operations={"CreateProjectPyApi"})
    response = await gql.raw(
        CREATE_PROJECT,
        {
            "name": "p",
            "description": "",
            "allowedMediaType": "IMAGE",
            "autoAuditPercentage": 0,
            "autoAuditNumberOfLabels": 3,
            "isBenchmarkEnabled": True,
            "isConsensusEnabled": True,
        },
    )
    assert response.status_code in (502, 503)
    emu.set_faults(error_rate=0.0, operations=None)
    assert await names(gql, "", "{}", {}) == []


async def test_org_users_are_filtered_before_they_are_paged(emu: Emulator, gql: Gql) -> None:
    with emu.state.store.transaction() as conn:
        org_id = conn.execute("SELECT org_id FROM users").fetchone()[0]
        for i in range(4):  # created after the seeded user, so listed after it
            conn.execute(
                "INSERT INTO users (id, org_id, email, name, nickname, timezone, created_at,"
                " updated_at) VALUES (?, ?, ?, 'U', 'u', NULL, '2999-01-01', '2999-01-01')",
                (f"u{i}", org_id, "twin@example.com" if i % 2 else f"u{i}@example.com"),
            )
    users = (
        "query U($where: UserWhereInput, $skip: Int, $first: Int)"
        " { organization { users(where: $where, skip: $skip, first: $first) { id } } }"
    )

    async def ids(**variables: Any) -> list[str]:
        found = (await gql.data(users, variables))["organization"]["users"]
        return [u["id"] for u in found]

    assert (await ids())[1:] == ["u0", "u1", "u2", "u3"]
    assert await ids(where={"email": "twin@example.com"}, first=1) == ["u1"]
    assert await ids(where={"email": "twin@example.com"}, skip=1) == ["u3"]
    project_id = await new_project(gql)
    members = (await gql.data(MEMBERS, {"projectId": project_id}))["project"]["members"]
    assert [m["id"] for m in members][1:] == ["u0", "u1", "u2", "u3"]


@pytest.mark.parametrize(
    "query",
    [
        "query Q($skip: Int, $first: Int) { datasets(skip: $skip, first: $first) { id } }",
        "query Q($skip: Int, $first: Int) { organization {"
        " users(skip: $skip, first: $first) { id } } }",
        "query Q($p: ID!, $skip: Int, $first: Int) { project(where: {id: $p}) {"
        " labelingParameterOverrides(skip: $skip, first: $first) { id } } }",
        "query Q($p: ID!, $skip: Int, $first: Int) { project(where: {id: $p}) {"
        " members(skip: $skip, first: $first) { id } } }",
        "query Q($d: ID!, $skip: Int, $first: Int) { dataRow(where: {id: $d}) {"
        " attachments(skip: $skip, first: $first) { id } } }",
    ],
)
@pytest.mark.parametrize("page", [{"skip": -1}, {"first": -5}])
async def test_offset_pages_refuse_negative_bounds(
    emu: Emulator, gql: Gql, query: str, page: dict[str, int]
) -> None:
    ids = {
        "p": await new_project(gql),
        "d": emu.control("bulk_create_data_rows", count=1)["ids"][0],
    }
    body = await gql(query, {**{k: v for k, v in ids.items() if f"${k}" in query}, **page})
    [error] = body["errors"]
    assert error["message"] == "skip and first must be >= 0"
    assert error["extensions"]["exception"]["status"] == 400  # the SDK's InvalidQueryError
