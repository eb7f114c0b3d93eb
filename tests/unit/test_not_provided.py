"""Documented names aiolabel refuses on purpose (SDK 7.17 removed them) fail at once, before
any request, with an ``AttributeError`` naming the replacement (docs/coverage.md, "not
provided"), and ``hasattr`` stays false."""

from __future__ import annotations

from typing import Any

import pytest

import aiolabel
from aiolabel import (
    AsyncClient,
    Batch,
    Dataset,
    Project,
    ResourceTag,
    Task,
)
from aiolabel.models.export_stream import ExportStream


async def _no_rows() -> Any:
    if False:  # pragma: no cover - an empty async generator
        yield {}


def _instances() -> dict[str, Any]:
    return {
        "Project": Project.model_construct(uid="p1", name="p"),
        "Dataset": Dataset.model_construct(uid="d1", name="d"),
        "Batch": Batch.model_construct(uid="b1", name="b"),
        "ResourceTag": ResourceTag.model_construct(uid="t1", text="t", color="#00ff00"),
        "Task": Task.model_construct(uid="k1", name="export"),
        "ExportStream": ExportStream(_no_rows()),
    }


REFUSED = [
    ("Project", "queue_mode", "batch mode"),
    ("Project", "get_queue_mode", "batch mode"),
    ("Project", "export_labels", "project.export"),
    ("Project", "label_generator", "project.export"),
    ("Project", "setup", "connect_ontology"),
    ("Project", "bulk_import_requests", "MALPredictionImport.from_name"),
    ("Dataset", "create_data_rows_sync", "create_data_rows"),
    ("Batch", "deleted", "project.batches()"),
    ("Batch", "created_by", "project.members()"),
    ("ResourceTag", "update", "update_project_resource_tags"),
    ("ResourceTag", "project_resource_tag", "get_resource_tags"),
    ("Task", "deleted", "task.status"),
    ("ExportStream", "with_line", "get_buffered_stream"),
    ("ExportStream", "with_offset", "get_buffered_stream"),
]


@pytest.mark.parametrize(("owner", "name", "instead"), REFUSED)
def test_reading_a_refused_name_raises_naming_the_replacement(
    owner: str, name: str, instead: str
) -> None:
    obj = _instances()[owner]
    with pytest.raises(AttributeError) as caught:
        getattr(obj, name)
    message = str(caught.value)
    assert message.startswith(f"{owner} has no {name}: ")
    assert instead in message
    assert "SDK 7." in message
    assert not hasattr(obj, name)


async def test_the_guide_spelling_on_the_client_names_the_7_17_method() -> None:
    async with AsyncClient(api_key="k", endpoint="http://127.0.0.1:9/graphql") as client:
        with pytest.raises(AttributeError, match="get_data_row_ids_for_global_keys"):
            await client.get_data_rows_for_global_keys(["gk"])


@pytest.mark.parametrize(
    "name", ["FileConverter", "FileConverterOutput", "JsonConverter", "JsonConverterOutput"]
)
def test_converters_are_refused_at_import(name: str) -> None:
    with pytest.raises(AttributeError, match="get_buffered_stream"):
        getattr(aiolabel, name)
    with pytest.raises(ImportError, match=name):
        exec(f"from aiolabel import {name}", {})


def test_other_unknown_names_stay_attribute_errors() -> None:
    with pytest.raises(AttributeError):
        aiolabel.NoSuchThing  # type: ignore[attr-defined]  # noqa: B018
    assert not hasattr(aiolabel, "NoSuchThing")


def test_refusals_do_not_disturb_the_models() -> None:
    project = _instances()["Project"]
    assert "queue_mode" not in Project.model_fields
    assert project.model_dump()["name"] == "p"
    assert "p1" in repr(project)
    assert Project.name == "x"  # the where-clause spelling still works


async def test_update_queue_mode_says_why_before_any_request() -> None:
    from aiolabel import InputError

    project = _instances()["Project"]
    with pytest.raises(InputError, match="batch mode"):
        await project.update(queue_mode="BATCH")
