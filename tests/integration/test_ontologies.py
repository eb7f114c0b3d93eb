"""aiolabel's ontology methods against the in-process emulator, checked against server state;
and ontologies written by aiolabel read back by the official SDK (over HTTP) and vice versa."""

from __future__ import annotations

from typing import Any

import labelbox as lb
import pytest

import aiolabel as al
from aiolabel import AsyncClient, MediaType
from aiolabel.emulator import Emulator, EmulatorServer
from aiolabel.errors import (
    InputError,
    InputTypeError,
    InvalidQueryError,
    LabelboxError,
    OperationNotAllowedException,
    ResourceConflict,
    ResourceNotFoundError,
)
from aiolabel.models.project import Project


def builder() -> al.OntologyBuilder:
    radio = al.Classification(class_type=al.Classification.Type.RADIO, name="quality")
    radio.add_option(al.Option(value="good"))
    radio.add_option(
        al.Option(value="bad", options=[al.Classification(class_type="text", name="why")])  # type: ignore[arg-type]
    )
    return al.OntologyBuilder(
        tools=[
            al.Tool(tool=al.Tool.Type.BBOX, name="cat"),
            al.Tool(tool=al.Tool.Type.POLYGON, name="dog", color="#00ff00"),
        ],
        classifications=[radio],
    )


def strip_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: strip_ids(v)
            for k, v in value.items()
            if k not in ("featureSchemaId", "schemaNodeId")
        }
    if isinstance(value, list):
        return [strip_ids(v) for v in value]
    return value


def requests(emu: Emulator) -> int:
    return int(emu.stats()["requests"])


async def test_create_read_and_list(client: AsyncClient) -> None:
    sent = builder().asdict()
    ontology = await client.create_ontology("animals", sent, media_type=MediaType.Image)
    assert ontology.media_type is MediaType.Image
    assert (ontology.object_schema_count, ontology.classification_schema_count) == (2, 1)
    again = await client.get_ontology(ontology.uid)
    assert again.normalized == ontology.normalized
    assert strip_ids(al.OntologyBuilder.from_ontology(again).asdict()) == strip_ids(sent)
    assert [t.name for t in again.tools()] == ["cat", "dog"]
    assert (await again.created_by()) == await client.get_user()
    for i in range(3):
        await client.create_ontology(f"animals {i}", {"tools": [], "classifications": []})
    paginator = client.get_ontologies("ANIMALS")
    assert len(await paginator.to_list()) == 4
    first = await client.get_ontologies("animals 1").get_one()
    assert first is not None
    assert first.name == "animals 1"
    assert await client.get_ontologies("nothing").to_list() == []


async def test_feature_schemas(client: AsyncClient) -> None:
    road = await client.create_feature_schema(al.Tool(tool=al.Tool.Type.LINE, name="road").asdict())
    assert road.uid == road.normalized["featureSchemaId"]
    assert (await client.get_feature_schema(road.uid)).normalized == road.normalized
    renamed = await client.update_feature_schema_title(road.uid, "street")
    assert (renamed.name, renamed.normalized["name"]) == ("street", "street")
    tree = await client.upsert_feature_schema(al.Tool(tool="point", name="tree").asdict())  # type: ignore[arg-type]
    updated = await client.upsert_feature_schema(
        al.Tool(
            tool=al.Tool.Type.POINT, name="tree", color="#123456", feature_schema_id=tree.uid
        ).asdict()
    )
    assert updated.uid == tree.uid
    assert updated.color == "#123456"
    names = [f.name async for f in client.get_feature_schemas("")]
    assert names == ["street", "tree"]

    ontology = await client.create_ontology_from_feature_schemas(
        "shared", [tree.uid, road.uid], media_type=MediaType.Image
    )
    assert [t.feature_schema_id for t in ontology.tools()] == [tree.uid, road.uid]


async def test_insert_remove_archive_and_unused(
    client: AsyncClient, emu: Emulator, project: Project
) -> None:
    ontology = await client.create_ontology("o", builder().asdict(), media_type=MediaType.Image)
    nose = await client.create_feature_schema(al.Tool(tool="point", name="nose").asdict())  # type: ignore[arg-type]
    assert await client.get_unused_feature_schemas() == [nose.uid]
    await client.insert_feature_schema_into_ontology(nose.uid, ontology.uid, 1)
    after = await client.get_ontology(ontology.uid)
    assert [t.name for t in after.tools()] == ["cat", "nose", "dog"]
    assert await client.get_unused_feature_schemas() == []
    assert await client.get_unused_ontologies() == [ontology.uid]

    await project.connect_ontology(ontology)
    assert await client.get_unused_ontologies() == []
    cat = ontology.tools()[0].feature_schema_id
    assert cat is not None
    emu.control("ontologies_add_label", project_id=project.uid, annotations=[{"schemaId": cat}])
    archived = await client.delete_feature_schema_from_ontology(ontology.uid, cat)
    assert (archived.archived, archived.deleted) == (True, False)
    assert await client.is_feature_schema_archived(ontology.uid, cat)
    await client.unarchive_feature_schema_node(ontology.uid, cat)
    assert not await client.is_feature_schema_archived(ontology.uid, cat)
    removed = await client.delete_feature_schema_from_ontology(ontology.uid, nose.uid)
    assert (removed.archived, removed.deleted) == (False, True)
    await client.delete_unused_feature_schema(nose.uid)
    with pytest.raises(ResourceNotFoundError):
        await client.get_feature_schema(nose.uid)

    with pytest.raises(ResourceConflict, match="used by projects"):
        await client.delete_unused_ontology(ontology.uid)
    with pytest.raises(ResourceConflict, match="used by ontologies"):
        await client.delete_unused_feature_schema(cat)
    spare = await client.create_ontology("spare", {"tools": [], "classifications": []})
    await client.delete_unused_ontology(spare.uid)
    with pytest.raises(ResourceNotFoundError):
        await client.get_ontology(spare.uid)


async def test_connect_ontology_and_editor(client: AsyncClient, project: Project) -> None:
    assert await project.ontology() is None
    assert await project.labeling_frontend() is None
    ontology = await client.create_ontology("o", builder().asdict(), media_type=MediaType.Image)
    with pytest.warns(UserWarning, match="default labeling editor"):
        await project.connect_ontology(ontology)
    connected = await project.ontology()
    assert connected is not None
    assert connected.uid == ontology.uid
    editor = await project.labeling_frontend()
    assert editor is not None
    assert editor.name == "Editor"
    [options] = await project.labeling_frontend_options().to_list()
    assert options.customization_options == '{"tools": [], "classifications": []}'
    assert [p.uid for p in await ontology.projects().to_list()] == [project.uid]
    assert (await al.OntologyBuilder.from_project(project)).asdict() == (
        al.OntologyBuilder.from_ontology(ontology).asdict()
    )
    frontends = await client.get_labeling_frontends(
        where=al.LabelingFrontend.name == "Editor"
    ).to_list()
    assert [f.uid for f in frontends] == [editor.uid]
    with pytest.raises(ResourceConflict, match="already set up"):
        await project.setup_editor(ontology)


async def test_setup_editor(client: AsyncClient, project: Project) -> None:
    ontology = await client.create_ontology("o", builder().asdict(), media_type=MediaType.Image)
    updated = await project.setup_editor(ontology)
    assert updated.setup_complete is not None
    connected = await project.ontology()
    assert connected is not None
    assert connected.uid == ontology.uid


async def test_connect_refusals(client: AsyncClient, emu: Emulator, project: Project) -> None:
    video = await client.create_ontology("v", {"tools": []}, media_type=MediaType.Video)
    before = requests(emu)
    with pytest.raises(InputError, match="same type"):
        await project.connect_ontology(video)
    assert requests(emu) == before
    ontology = await client.create_ontology("o", builder().asdict(), media_type=MediaType.Image)
    await project.connect_ontology(ontology)
    cat = ontology.tools()[0].feature_schema_id
    emu.control("ontologies_add_label", project_id=project.uid, annotations=[{"schemaId": cat}])
    other = await client.create_ontology("other", {"tools": [], "classifications": []})
    with (
        pytest.warns(UserWarning, match="Project has labels"),
        pytest.raises(OperationNotAllowedException, match="must contain"),
    ):
        await project.connect_ontology(other)
    still = await project.ontology()
    assert still is not None
    assert still.uid == ontology.uid


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda c: c.create_ontology("", {"tools": []}), InputError, "name must not be empty"),
        (
            lambda c: c.create_ontology("x", {"tools": [{"tool": "lasso", "name": "a"}]}),
            InputError,
            "unknown tool type",
        ),
        (
            lambda c: c.create_ontology(
                "x", {"classifications": [{"type": "slider", "name": "a"}]}
            ),
            InputError,
            "unknown classification type",
        ),
        (
            lambda c: c.create_ontology(
                "x", {"tools": [{"tool": "line", "name": "a"}, {"tool": "point", "name": "a"}]}
            ),
            InputError,
            "duplicate tool name",
        ),
        (
            lambda c: c.create_ontology("x", {"tools": []}, media_type="PHOTO"),
            InputError,
            "media_type",
        ),
        (
            lambda c: c.create_ontology("x", {"tools": []}, media_type=MediaType.Unknown),
            InputError,
            "media_type",
        ),
        (
            lambda c: c.create_ontology("x", {"tools": []}, ontology_kind="chat"),
            InputTypeError,
            "ontology_kind",
        ),
        (lambda c: c.get_ontology(""), InputError, "ontology_id"),
        (lambda c: c.create_feature_schema({"name": "x"}), InputError, "neither"),
        (lambda c: c.update_feature_schema_title("f", ""), InputError, "title"),
        (lambda c: c.insert_feature_schema_into_ontology("f", "o", -1), InputError, "position"),
        (
            lambda c: c.create_ontology_from_feature_schemas("x", "abc"),
            InputTypeError,
            "feature_schema_ids",
        ),
    ],
)
async def test_bad_input_sends_nothing(
    client: AsyncClient, emu: Emulator, call: Any, error: type[Exception], message: str
) -> None:
    before = requests(emu)
    with pytest.raises(error, match=message):
        await call(client)
    assert requests(emu) == before


async def test_unknown_ids(client: AsyncClient) -> None:
    with pytest.raises(ResourceNotFoundError):
        await client.get_ontology("nope")
    with pytest.raises(ResourceNotFoundError):
        await client.get_feature_schema("nope")
    with pytest.raises(ResourceNotFoundError):
        await client.is_feature_schema_archived("nope", "nope")
    with pytest.raises(ResourceNotFoundError):
        await client.update_feature_schema_title("nope", "x")
    with pytest.raises(ResourceNotFoundError):
        await client.insert_feature_schema_into_ontology("nope", "nope", 0)
    with pytest.raises(ResourceNotFoundError):
        await client.delete_unused_ontology("nope")
    with pytest.raises(ResourceNotFoundError):
        await client.create_ontology_from_feature_schemas("x", ["nope"])
    with pytest.raises(ResourceNotFoundError):
        await client.create_ontology("x", {"tools": [{"tool": "line", "name": "a",
                                                      "featureSchemaId": "c" * 25}]})  # fmt: skip
    assert await client.get_ontologies("").to_list() == []
    ontology = await client.create_ontology("o", {"tools": []})
    with pytest.raises(LabelboxError, match="not in the ontology"):
        await client.is_feature_schema_archived(ontology.uid, "nope")


async def test_server_refusals_store_nothing(client: AsyncClient) -> None:
    """What only the server can know (a duplicate name after a rename) is refused whole."""
    a = await client.create_feature_schema({"tool": "line", "name": "a"})
    b = await client.create_feature_schema({"tool": "line", "name": "b"})
    ontology = await client.create_ontology_from_feature_schemas("o", [a.uid, b.uid])
    with pytest.raises(InvalidQueryError, match="Duplicate tool name 'a'"):
        await client.update_feature_schema_title(b.uid, "a")
    another_a = await client.create_feature_schema({"tool": "point", "name": "a"})
    with pytest.raises(InvalidQueryError, match="Duplicate tool name 'a'"):
        await client.insert_feature_schema_into_ontology(another_a.uid, ontology.uid, 0)
    assert [t.name for t in (await client.get_ontology(ontology.uid)).tools()] == ["a", "b"]
    assert [o.name async for o in client.get_ontologies("")] == ["o"]


# -- the official SDK and aiolabel on one server ----------------------------------------------


@pytest.fixture
def server(labelbox_emulator_server: EmulatorServer) -> EmulatorServer:
    return labelbox_emulator_server


async def test_both_sdks_read_each_others_ontologies(server: EmulatorServer) -> None:
    official = lb.Client(
        api_key=server.api_key, endpoint=server.endpoint, rest_endpoint=server.rest_endpoint
    )
    async with AsyncClient(api_key=server.api_key, endpoint=server.endpoint) as client:
        assert client.rest_endpoint == server.rest_endpoint
        ours = await client.create_ontology("ours", builder().asdict(), MediaType.Image)
        theirs_view = official.get_ontology(ours.uid)
        assert theirs_view.normalized == ours.normalized
        assert lb.OntologyBuilder.from_dict(theirs_view.normalized).asdict() == (
            al.OntologyBuilder.from_ontology(ours).asdict()
        )

        theirs = official.create_ontology(
            "theirs", lb.OntologyBuilder.from_dict(strip_ids(builder().asdict())).asdict(),
            media_type=lb.MediaType.Image,
        )  # fmt: skip
        our_view = await client.get_ontology(theirs.uid)
        assert our_view.normalized == theirs.normalized
        assert our_view.media_type is MediaType.Image
        assert strip_ids(our_view.normalized) == strip_ids(ours.normalized)
        assert await client.get_unused_ontologies() == official.get_unused_ontologies()
