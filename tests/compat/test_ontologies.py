"""The official SDK's ontology workflows against the emulator over HTTP: ontologies and feature
schemas (GraphQL), their maintenance (REST under ``rest_endpoint``), and connecting an ontology
to a project with the default editor."""

from __future__ import annotations

from typing import Any

import labelbox
import pytest
from labelbox import (
    Classification,
    MediaType,
    OntologyBuilder,
    Option,
    Tool,
)
from lbox import exceptions as lbx

from aiolabel.emulator import EmulatorServer

pytestmark = pytest.mark.compat


@pytest.fixture
def client(emulator: EmulatorServer) -> labelbox.Client:
    """An official client whose REST calls reach the emulator too."""
    return labelbox.Client(
        api_key=emulator.api_key, endpoint=emulator.endpoint, rest_endpoint=emulator.rest_endpoint
    )


def builder() -> OntologyBuilder:
    radio = Classification(class_type=Classification.Type.RADIO, name="quality")
    radio.add_option(Option(value="good"))
    radio.add_option(
        Option(
            value="bad",
            options=[Classification(class_type=Classification.Type.TEXT, name="why")],
        )
    )
    return OntologyBuilder(
        tools=[
            Tool(tool=Tool.Type.BBOX, name="cat"),
            Tool(
                tool=Tool.Type.POLYGON,
                name="dog",
                color="#00ff00",
                classifications=[
                    Classification(
                        class_type=Classification.Type.CHECKLIST,
                        name="parts",
                        options=[Option(value="head"), Option(value="tail")],
                    )
                ],
            ),
        ],
        classifications=[radio, Classification(class_type=Classification.Type.TEXT, name="note")],
    )


def strip_ids(value: Any) -> Any:
    """A normalized tree without its server-assigned ids."""
    if isinstance(value, dict):
        return {
            k: strip_ids(v)
            for k, v in value.items()
            if k not in ("featureSchemaId", "schemaNodeId")
        }
    if isinstance(value, list):
        return [strip_ids(v) for v in value]
    return value


def test_builder_round_trip(client: labelbox.Client) -> None:
    sent = builder().asdict()
    ontology = client.create_ontology("animals", sent, media_type=MediaType.Image)
    assert ontology.media_type == MediaType.Image
    assert (ontology.object_schema_count, ontology.classification_schema_count) == (2, 2)
    read = client.get_ontology(ontology.uid)
    assert read.normalized == ontology.normalized
    rebuilt = OntologyBuilder.from_dict(read.normalized)
    assert strip_ids(rebuilt.asdict()) == strip_ids(sent)
    assert [t.name for t in read.tools()] == ["cat", "dog"]
    assert [c.name for c in read.classifications()] == ["quality", "note"]
    every_id = [t.feature_schema_id for t in read.tools()] + [
        o.feature_schema_id for o in read.classifications()[0].options
    ]
    assert all(isinstance(i, str) and len(i) == 25 for i in every_id)
    assert read.created_by().uid == client.get_user().uid


def test_plain_normalized_gets_defaults(client: labelbox.Client) -> None:
    normalized = {
        "tools": [{"tool": "polygon", "name": "cat", "color": "black"}],
        "classifications": [],
    }
    ontology = client.create_ontology("plain", normalized)
    assert ontology.media_type == MediaType.Unknown
    [tool] = ontology.tools()
    assert (tool.name, tool.color, tool.required, tool.classifications) == (
        "cat",
        "black",
        False,
        [],
    )


def test_get_ontologies_searches_and_pages(client: labelbox.Client) -> None:
    for i in range(3):
        client.create_ontology(f"Fruit {i}", {"tools": [], "classifications": []})
    client.create_ontology("vegetables", {"tools": [], "classifications": []})
    found = client.get_ontologies("fruit")
    found.paginator.params["first"] = 2  # two pages
    assert sorted(o.name for o in found) == ["Fruit 0", "Fruit 1", "Fruit 2"]
    assert [o.name for o in client.get_ontologies("VEG")] == ["vegetables"]


def test_feature_schemas(client: labelbox.Client) -> None:
    tool = client.create_feature_schema(Tool(tool=Tool.Type.LINE, name="road").asdict())
    assert tool.name == "road"
    assert tool.normalized["tool"] == "line"
    assert tool.uid == tool.normalized["featureSchemaId"]
    got = client.get_feature_schema(tool.uid)
    assert (got.uid, got.normalized) == (tool.uid, tool.normalized)
    client.create_feature_schema(
        Classification(class_type=Classification.Type.TEXT, name="roadside").asdict()
    )
    assert sorted(f.name for f in client.get_feature_schemas("ROAD")) == ["road", "roadside"]

    renamed = client.update_feature_schema_title(tool.uid, "street")
    assert renamed.name == "street" == renamed.normalized["name"]

    upserted = client.upsert_feature_schema(Tool(tool=Tool.Type.POINT, name="tree").asdict())
    assert upserted.normalized["tool"] == "point"
    again = client.upsert_feature_schema(
        Tool(
            tool=Tool.Type.POINT, name="tree", color="#123456", feature_schema_id=upserted.uid
        ).asdict()
    )
    assert again.uid == upserted.uid
    assert client.get_feature_schema(upserted.uid).normalized["color"] == "#123456"


def test_ontology_from_feature_schemas_shares_them(client: labelbox.Client) -> None:
    tool = client.create_feature_schema(Tool(tool=Tool.Type.BBOX, name="box").asdict())
    text = client.create_feature_schema(
        Classification(class_type=Classification.Type.TEXT, name="caption").asdict()
    )
    ontology = client.create_ontology_from_feature_schemas(
        "shared", [tool.uid, text.uid], media_type=MediaType.Image
    )
    assert [t.feature_schema_id for t in ontology.tools()] == [tool.uid]
    assert [c.feature_schema_id for c in ontology.classifications()] == [text.uid]
    client.update_feature_schema_title(tool.uid, "crate")
    assert client.get_ontology(ontology.uid).tools()[0].name == "crate"


def test_insert_move_delete_archive(client: labelbox.Client) -> None:
    ontology = client.create_ontology("o", builder().asdict(), media_type=MediaType.Image)
    extra = client.create_feature_schema(Tool(tool=Tool.Type.POINT, name="nose").asdict())
    client.insert_feature_schema_into_ontology(extra.uid, ontology.uid, 1)
    assert [t.name for t in client.get_ontology(ontology.uid).tools()] == ["cat", "nose", "dog"]
    client.insert_feature_schema_into_ontology(extra.uid, ontology.uid, 0)  # a move
    assert [t.name for t in client.get_ontology(ontology.uid).tools()] == ["nose", "cat", "dog"]

    assert client.is_feature_schema_archived(ontology.uid, extra.uid) is False
    result = client.delete_feature_schema_from_ontology(ontology.uid, extra.uid)
    assert (result.archived, result.deleted) == (False, True)
    assert [t.name for t in client.get_ontology(ontology.uid).tools()] == ["cat", "dog"]
    with pytest.raises(lbx.LabelboxError, match="not in the ontology"):
        client.is_feature_schema_archived(ontology.uid, extra.uid)
    with pytest.raises(lbx.ResourceNotFoundError):
        client.is_feature_schema_archived("nope", extra.uid)
    with pytest.raises(lbx.LabelboxError, match="Failed to remove"):
        client.delete_feature_schema_from_ontology(ontology.uid, extra.uid)


def test_archive_when_labels_use_the_feature(
    client: labelbox.Client, emulator: EmulatorServer
) -> None:
    ontology = client.create_ontology("o", builder().asdict(), media_type=MediaType.Image)
    project = client.create_project(name="p", media_type=MediaType.Image)
    project.connect_ontology(ontology)
    cat = ontology.tools()[0].feature_schema_id
    emulator.control(
        "ontologies_add_label", project_id=project.uid, annotations=[{"schemaId": cat}]
    )
    result = client.delete_feature_schema_from_ontology(ontology.uid, cat)
    assert (result.archived, result.deleted) == (True, False)
    assert client.is_feature_schema_archived(ontology.uid, cat) is True
    client.unarchive_feature_schema_node(ontology.uid, cat)
    assert client.is_feature_schema_archived(ontology.uid, cat) is False


def test_unused_lists_and_deletes(client: labelbox.Client) -> None:
    used = client.create_ontology("used", builder().asdict(), media_type=MediaType.Image)
    spare = client.create_ontology("spare", {"tools": [], "classifications": []})
    lonely = client.create_feature_schema(Tool(tool=Tool.Type.LINE, name="lonely").asdict())
    project = client.create_project(name="p", media_type=MediaType.Image)
    project.connect_ontology(used)

    assert client.get_unused_ontologies() == [spare.uid]
    assert client.get_unused_feature_schemas() == [lonely.uid]
    assert client.get_unused_ontologies(after=spare.uid) == []

    with pytest.raises(lbx.LabelboxError, match="used by projects"):
        client.delete_unused_ontology(used.uid)
    cat = used.tools()[0].feature_schema_id
    with pytest.raises(lbx.LabelboxError, match="used by ontologies"):
        client.delete_unused_feature_schema(cat)
    with pytest.raises(lbx.LabelboxError, match="not found"):
        client.delete_unused_ontology("nope")

    client.delete_unused_ontology(spare.uid)
    client.delete_unused_feature_schema(lonely.uid)
    assert client.get_unused_ontologies() == []
    assert client.get_unused_feature_schemas() == []
    with pytest.raises(lbx.ResourceNotFoundError):
        client.get_ontology(spare.uid)


def test_connect_ontology_sets_up_the_editor(client: labelbox.Client) -> None:
    project = client.create_project(name="p", media_type=MediaType.Image)
    assert project.ontology() is None
    assert project.labeling_frontend() is None
    ontology = client.create_ontology("o", builder().asdict(), media_type=MediaType.Image)
    with pytest.warns(UserWarning, match="default labeling editor"):
        project.connect_ontology(ontology)
    assert project.ontology().uid == ontology.uid
    assert project.labeling_frontend().name == "Editor"
    [options] = list(project.labeling_frontend_options())
    assert options.customization_options == '{"tools": [], "classifications": []}'
    assert [p.uid for p in ontology.projects()] == [project.uid]
    assert (
        OntologyBuilder.from_project(project).asdict()
        == OntologyBuilder.from_dict(ontology.normalized).asdict()
    )

    second = client.create_ontology("o2", {"tools": [], "classifications": []})
    project.connect_ontology(second)  # no labels: changing the ontology is allowed
    assert project.ontology().uid == second.uid
    assert list(client._get_labeling_frontends()) != []


def test_connect_refusals(client: labelbox.Client, emulator: EmulatorServer) -> None:
    project = client.create_project(name="p", media_type=MediaType.Image)
    video = client.create_ontology("v", {"tools": [], "classifications": []}, MediaType.Video)
    with pytest.raises(ValueError, match="same type"):
        project.connect_ontology(video)
    ontology = client.create_ontology("o", builder().asdict(), media_type=MediaType.Image)
    project.connect_ontology(ontology)
    cat = ontology.tools()[0].feature_schema_id
    emulator.control(
        "ontologies_add_label", project_id=project.uid, annotations=[{"schemaId": cat}]
    )
    other = client.create_ontology("other", {"tools": [], "classifications": []})
    with (
        pytest.warns(UserWarning, match="Project has labels"),
        pytest.raises(lbx.OperationNotAllowedException, match="must contain"),
    ):
        project.connect_ontology(other)
    assert project.ontology().uid == ontology.uid
    keeps = client.create_ontology_from_feature_schemas("keeps", [cat], MediaType.Image)
    with pytest.warns(UserWarning, match="Project has labels"):
        project.connect_ontology(keeps)
    assert project.ontology().uid == keeps.uid


@pytest.mark.parametrize(
    ("normalized", "message"),
    [
        ({"tools": [{"tool": "lasso", "name": "x"}], "classifications": []}, "unknown tool"),
        ({"tools": [], "classifications": [{"type": "slider", "name": "x"}]}, "classification"),
        ({"tools": [{"tool": "line", "name": ""}], "classifications": []}, "non-empty"),
        (
            {"tools": [{"tool": "line", "name": "a"}, {"tool": "point", "name": "a"}]},
            "Duplicate tool name",
        ),
        ({"tools": [], "classifications": [{"type": "radio", "name": "r"}]}, "needs options"),
    ],
)
def test_refused_ontologies_store_nothing(
    client: labelbox.Client, normalized: dict[str, Any], message: str
) -> None:
    with pytest.raises(lbx.InvalidQueryError, match=message):
        client.create_ontology("bad", normalized)
    assert list(client.get_ontologies("")) == []
    assert list(client.get_feature_schemas("")) == []


def test_unknown_ids(client: labelbox.Client) -> None:
    with pytest.raises(lbx.ResourceNotFoundError):
        client.get_ontology("nope")
    # RESOURCE_NOT_FOUND makes the official execute() return None, which get_feature_schema
    # then subscripts: the official SDK's own TypeError (aiolabel raises ResourceNotFoundError)
    with pytest.raises(TypeError):
        client.get_feature_schema("nope")
    with pytest.raises(lbx.LabelboxError, match="not found"):
        client.update_feature_schema_title("nope", "x")
    with pytest.raises(lbx.LabelboxError, match="not found"):
        client.insert_feature_schema_into_ontology("nope", "nope", 0)
    with pytest.raises(lbx.LabelboxError, match="Failed unarchive"):
        client.unarchive_feature_schema_node("nope", "nope")
    with pytest.raises(TypeError):
        client.create_ontology_from_feature_schemas("x", ["nope"])
    assert list(client.get_ontologies("")) == []


def test_rest_needs_the_api_key(emulator: EmulatorServer) -> None:
    stranger = labelbox.Client(
        api_key="wrong", endpoint=emulator.endpoint, rest_endpoint=emulator.rest_endpoint
    )
    with pytest.raises(lbx.LabelboxError, match="Unauthorized"):
        stranger.get_unused_ontologies()
