"""What aiolabel's ontology, feature-schema and editor methods send, compared with what the
official SDK 7.17 sends for the same call: GraphQL documents and variables (up to the listed
document differences), and the REST calls under ``rest_endpoint`` (method, path, JSON body).

Both SDKs run offline against recorders answering from the same script.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import labelbox as lb
import pytest
from labelbox.schema.ontology_kind import OntologyKind as LbOntologyKind
from lbox import exceptions as lbx

import aiolabel as al
from aiolabel import AsyncClient, MediaType, OntologyKind
from aiolabel.models.ontology import Ontology
from aiolabel.models.project import Project
from tests.wire import canned
from tests.wire.compare import assert_same_calls
from tests.wire.differences import CALL_DIFFERENCES
from tests.wire.recorder import API_KEY, ENDPOINT, Recorder, Reply, recording_client

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

NORMALIZED = {
    "tools": [
        {
            "tool": "line",
            "name": "road",
            "required": False,
            "color": "#ff0000",
            "classifications": [],
            "schemaNodeId": "sn1",
            "featureSchemaId": "fs1",
            "attributes": None,
        }
    ],
    "classifications": [
        {
            "type": "text",
            "instructions": "note",
            "name": "note",
            "required": False,
            "options": [],
            "schemaNodeId": "sn2",
            "featureSchemaId": "fs2",
            "attributes": None,
            "scope": "global",
        }
    ],
}


def ontology(**over: Any) -> dict[str, Any]:
    return {
        "classificationSchemaCount": 1,
        "createdAt": canned.TS,
        "description": None,
        "mediaType": "IMAGE",
        "name": "o",
        "normalized": NORMALIZED,
        "objectSchemaCount": 1,
        "id": "onto1",
        "updatedAt": canned.TS,
    } | over


def feature(index: int = 0) -> dict[str, Any]:
    node = NORMALIZED["tools" if index == 0 else "classifications"][0]
    return {"name": node["name"], "normalized": node, "id": node["schemaNodeId"]}


def script(rec: Recorder) -> None:
    def upsert(request: Any) -> Any:
        if "upsertOntology" in (request.query or ""):
            return {"upsertOntology": ontology()}
        return {"upsertRootSchemaNode": feature()}

    def root_node(request: Any) -> Any:
        wanted = request.variables["rootSchemaNodeWhere"]["featureSchemaId"]
        return {"rootSchemaNode": feature(0 if wanted == "fs1" else 1)}

    rec.respond_always("upsertRootSchemaNodePyApi", upsert)
    rec.respond_always("GetOntologyPyApi", {"ontology": ontology()})
    rec.respond_always(
        "getOntologiesPyApi", {"ontologies": {"nodes": [ontology()], "nextCursor": None}}
    )
    rec.respond_always("rootSchemaNodePyApi", root_node)
    rec.respond_always(
        "rootSchemaNodesPyApi",
        {"rootSchemaNodes": {"nodes": [feature(0), feature(1)], "nextCursor": None}},
    )
    rec.respond_always("GetProjectOntologyPyApi", {"project": {"ontology": ontology()}})
    rec.respond_always("GetProjectLabelingFrontendPyApi", {"project": {"labelingFrontend": None}})
    editor = {"description": "d", "iframeUrlPath": "u", "name": "Editor", "id": "lf1"}
    rec.respond_always("GetLabelingFrontendsPyApi", {"labelingFrontends": [editor]})
    rec.respond_always("ConnectProjectAndLabelingFrontendPyApi", {"updateProject": {"id": "proj1"}})
    rec.respond_always(
        "CreateLabelingFrontendOptionsPyApi",
        {"createLabelingFrontendOptions": {"customizationOptions": "{}", "id": "lfo1"}},
    )
    rec.respond_always("ConnectOntologyPyApi", {"project": {"connectOntology": {"id": "proj1"}}})
    rec.respond_always("GetOntologyProjectsPyApi", {"ontology": {"projects": [canned.project()]}})
    rec.respond_always("GetOntologyCreatedByPyApi", {"ontology": {"createdBy": canned.user()}})
    nodes = {"tools": [{"featureSchemaId": "fs1", "archived": True}], "classifications": [],
             "relationships": []}  # fmt: skip
    rec.rest.update(
        {
            ("DELETE", "/feature-schemas/fs1"): Reply(None, 204),
            ("DELETE", "/ontologies/onto1"): Reply(None, 204),
            ("PATCH", "/feature-schemas/fs1/definition"): Reply({"schemaId": "fs1"}, 200),
            ("PUT", "/feature-schemas/fs1"): Reply({"schemaId": "fs1"}, 200),
            ("PUT", "/feature-schemas/new_feature_schema_id"): Reply({"schemaId": "fs1"}, 200),
            ("POST", "/ontologies/onto1/feature-schemas/fs1"): Reply({}, 201),
            ("GET", "/ontologies/unused"): Reply(["onto1"], 200),
            ("GET", "/feature-schemas/unused"): Reply(["fs1"], 200),
            ("GET", "/ontologies/onto1"): Reply({"featureSchemaNodes": nodes}, 200),
            ("DELETE", "/ontologies/onto1/feature-schemas/fs1"): Reply(
                {"archived": False, "deleted": True}, 200
            ),
            ("PATCH", "/ontologies/onto1/feature-schemas/fs1/unarchive"): Reply(
                {"unarchived": True}, 200
            ),
        }
    )


def official(call: Callable[[Any], Any]) -> tuple[Recorder, Any]:
    with recording_client() as (client, rec):
        script(rec)
        result = call(client)
    return rec, result


@asynccontextmanager
async def ours() -> AsyncIterator[tuple[AsyncClient, Recorder]]:
    rec = Recorder()
    script(rec)
    async with AsyncClient(
        api_key=API_KEY, endpoint=ENDPOINT, transport=rec.httpx_transport()
    ) as client:
        yield client, rec


def rest_calls(rec: Recorder) -> list[tuple[str, str, Any]]:
    return [(r.method, r.rest_path, r.variables) for r in rec.requests if r.endpoint == "rest"]


def same(theirs: Recorder, mine: Recorder) -> None:
    assert not theirs.unscripted, theirs.unscripted
    assert not mine.unscripted, mine.unscripted
    assert_same_calls(theirs.requests, mine.requests)
    assert rest_calls(mine) == rest_calls(theirs)
    assert [r.endpoint for r in mine.requests] == [r.endpoint for r in theirs.requests]


def lb_ontology(client: Any) -> Any:
    return lb.Ontology(client, ontology())


def lb_project(client: Any) -> Any:
    return lb.Project(client, canned.project())


def our_ontology(client: AsyncClient) -> Ontology:
    return Ontology.from_wire(client, ontology())


def our_project(client: AsyncClient) -> Project:
    return Project.from_wire(client, canned.project())


FRONTEND = "GetProjectLabelingFrontendPyApi"

BUILT = lb.OntologyBuilder(
    tools=[lb.Tool(tool=lb.Tool.Type.BBOX, name="cat")],
    classifications=[
        lb.Classification(
            class_type=lb.Classification.Type.RADIO, name="q", options=[lb.Option(value="a")]
        )
    ],
).asdict()


async def test_create_ontology() -> None:
    theirs, _ = official(lambda c: c.create_ontology("o", BUILT, media_type=lb.MediaType.Image))
    async with ours() as (client, mine):
        await client.create_ontology("o", BUILT, media_type=MediaType.Image)
    same(theirs, mine)
    assert json.loads(mine.requests[0].variables["data"]["normalized"]) == BUILT


async def test_create_ontology_without_media_type_and_for_chat_evaluation() -> None:
    theirs, _ = official(lambda c: c.create_ontology("o", NORMALIZED))
    async with ours() as (client, mine):
        await client.create_ontology("o", NORMALIZED)
    same(theirs, mine)
    theirs, _ = official(
        lambda c: c.create_ontology("o", NORMALIZED, ontology_kind=LbOntologyKind.ModelEvaluation)
    )
    async with ours() as (client, mine):
        await client.create_ontology("o", NORMALIZED, ontology_kind=OntologyKind.ModelEvaluation)
    same(theirs, mine)
    assert mine.requests[0].variables["data"]["editorTaskType"] == "MODEL_CHAT_EVALUATION"


async def test_reads() -> None:
    def calls(c: Any) -> Any:
        return (
            c.get_ontology("onto1"),
            list(c.get_ontologies("o")),
            c.get_feature_schema("fs1"),
            list(c.get_feature_schemas("r")),
        )

    theirs, (o, os_, f, fs) = official(calls)
    async with ours() as (client, mine):
        ours_o = await client.get_ontology("onto1")
        ours_os = await client.get_ontologies("o").to_list()
        ours_f = await client.get_feature_schema("fs1")
        ours_fs = await client.get_feature_schemas("r").to_list()
    same(theirs, mine)
    assert (ours_o.uid, ours_o.normalized) == (o.uid, o.normalized)
    assert [x.uid for x in ours_os] == [x.uid for x in os_]
    assert (ours_f.uid, ours_f.normalized) == (f.uid, f.normalized)
    assert [x.uid for x in ours_fs] == [x.uid for x in fs] == ["fs1", "fs2"]


async def test_feature_schema_writes() -> None:
    tool = {"tool": "line", "name": "road", "color": None, "classifications": []}

    def calls(c: Any) -> Any:
        return (
            c.create_feature_schema(tool),
            c.create_ontology_from_feature_schemas("o", ["fs1", "fs2"], lb.MediaType.Image),
            c.upsert_feature_schema(lb.Tool(tool=lb.Tool.Type.LINE, name="road").asdict()),
            c.upsert_feature_schema(
                lb.Tool(tool=lb.Tool.Type.LINE, name="road", feature_schema_id="fs1").asdict()
            ),
            c.update_feature_schema_title("fs1", "street"),
        )

    theirs, _ = official(calls)
    async with ours() as (client, mine):
        await client.create_feature_schema(tool)
        await client.create_ontology_from_feature_schemas("o", ["fs1", "fs2"], MediaType.Image)
        await client.upsert_feature_schema(al.Tool(tool=al.Tool.Type.LINE, name="road").asdict())
        await client.upsert_feature_schema(
            al.Tool(tool=al.Tool.Type.LINE, name="road", feature_schema_id="fs1").asdict()
        )
        await client.update_feature_schema_title("fs1", "street")
    same(theirs, mine)
    assert [m for m, _, _ in rest_calls(mine)] == ["PUT", "PUT", "PATCH"]


async def test_maintenance_rest_calls() -> None:
    def calls(c: Any) -> Any:
        c.insert_feature_schema_into_ontology("fs1", "onto1", 2)
        return (
            c.get_unused_ontologies(),
            c.get_unused_ontologies("onto0"),
            c.get_unused_feature_schemas(),
            c.is_feature_schema_archived("onto1", "fs1"),
            c.delete_feature_schema_from_ontology("onto1", "fs1").deleted,
            c.unarchive_feature_schema_node("onto1", "fs1"),
            c.delete_unused_feature_schema("fs1"),
            c.delete_unused_ontology("onto1"),
        )

    theirs, result = official(calls)
    async with ours() as (client, mine):
        await client.insert_feature_schema_into_ontology("fs1", "onto1", 2)
        mine_result = (
            await client.get_unused_ontologies(),
            await client.get_unused_ontologies("onto0"),
            await client.get_unused_feature_schemas(),
            await client.is_feature_schema_archived("onto1", "fs1"),
            (await client.delete_feature_schema_from_ontology("onto1", "fs1")).deleted,
            await client.unarchive_feature_schema_node("onto1", "fs1"),
            await client.delete_unused_feature_schema("fs1"),
            await client.delete_unused_ontology("onto1"),
        )
    same(theirs, mine)
    assert mine_result == result
    assert rest_calls(mine)[:2] == [
        ("POST", "/ontologies/onto1/feature-schemas/fs1", {"position": 2}),
        ("GET", "/ontologies/unused", {"after": None}),
    ]


async def test_rest_ids_are_quoted_as_the_official_sdk_quotes_them() -> None:
    def call(c: Any) -> None:
        with pytest.raises(lbx.LabelboxError):
            c.delete_unused_ontology("a b/c")

    theirs, _ = official(call)
    async with ours() as (client, mine):
        with pytest.raises(al.ResourceNotFoundError):
            await client.delete_unused_ontology("a b/c")
    assert [r.url.partition("/api/v1")[2] for r in mine.requests] == [
        r.url.partition("/api/v1")[2] for r in theirs.requests
    ]


async def test_connect_ontology_with_the_default_editor() -> None:
    theirs, _ = official(lambda c: lb_project(c).connect_ontology(lb_ontology(c)))
    async with ours() as (client, mine):
        await our_project(client).connect_ontology(our_ontology(client))
    # the official SDK asks for the project's editor twice in a row
    lookups = [i for i, r in enumerate(theirs.requests) if r.operation_name == FRONTEND]
    assert len(lookups) == 2
    assert lookups[1] == lookups[0] + 1
    del theirs.requests[lookups[1]]
    assert any(d.method == "Project.connect_ontology" for d in CALL_DIFFERENCES)
    same(theirs, mine)
    assert mine.names() == [
        "LabelCountPyApi",
        "GetProjectLabelingFrontendPyApi",
        "GetLabelingFrontendsPyApi",
        "ConnectProjectAndLabelingFrontendPyApi",
        "CreateLabelingFrontendOptionsPyApi",
        "ConnectOntologyPyApi",
    ]


async def test_relationships_and_frontends() -> None:
    def calls(c: Any) -> Any:
        project, onto = lb_project(c), lb_ontology(c)
        return (
            project.ontology().uid,
            [p.uid for p in onto.projects()],
            onto.created_by().uid,
            [f.uid for f in c._get_labeling_frontends()],
        )

    theirs, result = official(calls)
    async with ours() as (client, mine):
        project, onto = our_project(client), our_ontology(client)
        connected = await project.ontology()
        creator = await onto.created_by()
        assert connected is not None
        assert creator is not None
        mine_result = (
            connected.uid,
            [p.uid for p in await onto.projects().to_list()],
            creator.uid,
            [f.uid for f in await client.get_labeling_frontends().to_list()],
        )
    same(theirs, mine)
    assert mine_result == result
