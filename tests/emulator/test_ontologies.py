"""The emulator's ontology domain over its own API: GraphQL error codes, REST statuses and error
bodies, all-or-nothing writes, and the lookup helpers other domains use."""

from __future__ import annotations

import json
from typing import Any

import httpx

from aiolabel.emulator import Emulator
from aiolabel.emulator.resolvers import ontologies as domain
from tests.emulator.conftest import Gql

CREATE = (
    "mutation C($data: UpsertOntologyInput!) { upsertOntology(data: $data) {"
    " id normalized mediaType objectSchemaCount } }"
)
NORMALIZED = {
    "tools": [
        {
            "tool": "rectangle",
            "name": "cat",
            "classifications": [
                {"type": "radio", "name": "size", "options": [{"value": "s"}, {"value": "l"}]}
            ],
        }
    ],
    "classifications": [{"type": "text", "name": "note"}],
}


async def create(gql: Gql, normalized: Any = NORMALIZED, **data: Any) -> dict[str, Any]:
    body = await gql(CREATE, {"data": {"name": "o", "normalized": json.dumps(normalized), **data}})
    return body


async def rest(
    http: httpx.AsyncClient, emu: Emulator, method: str, path: str, body: Any = None
) -> httpx.Response:
    return await http.request(
        method,
        "/api/v1" + path,
        json=body,
        headers={"Authorization": f"Bearer {emu.api_key}"},
    )


def counts(emu: Emulator) -> tuple[int, int, int]:
    with emu.state.store.reading() as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("ontologies", "feature_schemas", "ontology_features")
        )


async def test_ids_defaults_and_counts(gql: Gql) -> None:
    ontology = (await create(gql, mediaType="IMAGE"))["data"]["upsertOntology"]
    assert ontology["mediaType"] == "IMAGE"
    assert ontology["objectSchemaCount"] == 1
    [tool] = ontology["normalized"]["tools"]
    assert tool["color"] == "#ff0000"
    assert tool["required"] is False
    nested = tool["classifications"][0]
    assert nested["instructions"] == "size"
    assert [o["label"] for o in nested["options"]] == ["s", "l"]
    option = nested["options"][0]
    ids = [tool["featureSchemaId"], nested["featureSchemaId"], option["featureSchemaId"]]
    assert len(set(ids)) == 3
    assert all(len(i) == 25 for i in ids)
    assert tool["schemaNodeId"] == domain.schema_node_id(ontology["id"], tool["featureSchemaId"])
    again = await gql.data("query G($id: ID!) { ontology(where: {id: $id}) { normalized } }",
                           {"id": ontology["id"]})  # fmt: skip
    assert again["ontology"]["normalized"] == ontology["normalized"]


async def test_refusals_are_400s_and_store_nothing(gql: Gql, emu: Emulator) -> None:
    before = counts(emu)
    for normalized, message in [
        ({"tools": [{"tool": "lasso", "name": "x"}]}, "unknown tool type"),
        ({"tools": [{"tool": "line", "name": " "}]}, "non-empty"),
        ({"tools": [{"tool": "line", "name": "a"}, {"tool": "line", "name": "a"}]}, "Duplicate"),
        ({"tools": [], "classifications": [{"type": "checklist", "name": "c"}]}, "options"),
        ({"tools": [{"tool": "line", "name": "a", "featureSchemaId": "c" * 25}]}, "not found"),
        ("not json", "not valid JSON"),
    ]:
        body = await create(gql, normalized) if normalized != "not json" else await gql(
            CREATE, {"data": {"name": "o", "normalized": "{"}}
        )  # fmt: skip
        [error] = body["errors"]
        assert message in error["message"]
        assert error["extensions"]["code"] in ("INTERNAL_SERVER_ERROR", "RESOURCE_NOT_FOUND")
    assert counts(emu) == before


async def test_rest_statuses_and_error_bodies(
    gql: Gql, http: httpx.AsyncClient, emu: Emulator
) -> None:
    ontology = (await create(gql))["data"]["upsertOntology"]
    cat = ontology["normalized"]["tools"][0]["featureSchemaId"]
    missing = await rest(http, emu, "GET", "/ontologies/nope")
    assert missing.status_code == 404
    assert missing.json() == {
        "statusCode": 404,
        "message": "Ontology nope not found",
        "error": "Not Found",
    }
    in_use = await rest(http, emu, "DELETE", f"/feature-schemas/{cat}")
    assert in_use.status_code == 409
    assert "used by ontologies" in in_use.json()["message"]
    bad = await rest(http, emu, "POST", f"/ontologies/{ontology['id']}/feature-schemas/{cat}",
                     {"position": -1})  # fmt: skip
    assert bad.status_code == 400
    stranger = await http.get("/api/v1/ontologies/unused", headers={"Authorization": "Bearer x"})
    assert stranger.status_code == 401
    deleted = await rest(http, emu, "DELETE", f"/ontologies/{ontology['id']}")
    assert deleted.status_code == 204
    assert deleted.content == b""
    note = ontology["normalized"]["classifications"][0]["featureSchemaId"]
    assert (await rest(http, emu, "GET", "/feature-schemas/unused")).json() == [cat, note]
    assert (await rest(http, emu, "DELETE", f"/feature-schemas/{cat}")).status_code == 204


async def test_unused_pages_of_100(gql: Gql, http: httpx.AsyncClient, emu: Emulator) -> None:
    ids = [(await create(gql, {"tools": []}))["data"]["upsertOntology"]["id"] for _ in range(101)]
    first = (await rest(http, emu, "GET", "/ontologies/unused", {"after": None})).json()
    assert first == ids[:100]
    rest_of = (await rest(http, emu, "GET", "/ontologies/unused", {"after": ids[99]})).json()
    assert rest_of == ids[100:]


async def test_lookup_helpers_for_other_domains(gql: Gql, emu: Emulator) -> None:
    ontology = (await create(gql, mediaType="IMAGE"))["data"]["upsertOntology"]
    project = (
        await gql.data(
            'mutation P { createProject(data: {name: "p", allowedMediaType: IMAGE}) { id } }'
        )
    )["createProject"]["id"]
    await gql.data(
        "mutation C($p: ID!, $o: ID!) { project(where: {id: $p}) {"
        " connectOntology(ontologyId: $o) { id } } }",
        {"p": project, "o": ontology["id"]},
    )
    tool = ontology["normalized"]["tools"][0]
    option = tool["classifications"][0]["options"][1]
    with emu.state.store.reading() as conn:
        assert domain.project_ontology_id(conn, project) == ontology["id"]
        nodes = domain.ontology_nodes(conn, ontology["id"])
        assert [(n.kind, n.name) for n in nodes] == [
            ("tool", "cat"),
            ("classification", "size"),
            ("option", "s"),
            ("option", "l"),
            ("classification", "note"),
        ]
        by_name = domain.resolve_feature(conn, project, name="cat")
        assert by_name is not None
        assert by_name.feature_schema_id == tool["featureSchemaId"]
        by_node = domain.resolve_feature(conn, project, schema_id=option["schemaNodeId"])
        assert by_node is not None
        assert (by_node.kind, by_node.name, by_node.root_feature_schema_id) == (
            "option",
            "l",
            tool["featureSchemaId"],
        )
        assert domain.resolve_feature(conn, project, name="size") is None  # nested: by id only
