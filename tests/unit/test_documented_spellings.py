"""Spellings of the Labelbox documents that aiolabel does not take: each fails at once naming
the aiolabel spelling, and stays invisible to ``hasattr`` and to ordinary attribute errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

import aiolabel as lb
from aiolabel.models.annotation_import import MEAPredictionImport, NdjsonRows
from aiolabel.models.base import listed_as_relationship
from aiolabel.models.dataset import Dataset
from aiolabel.models.metadata import DataRowMetadataOntology
from aiolabel.models.ontology_builder import check_feature, check_normalized
from aiolabel.models.project import Project
from aiolabel.pagination import OffsetPaginator


def test_module_names_the_client_and_queue_modes() -> None:
    with pytest.raises(AttributeError, match=r"AsyncClient\(api_key\)"):
        lb.Client  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(AttributeError, match="batch mode is the only mode"):
        lb.QueueMode  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        lb.Nope  # type: ignore[attr-defined]  # noqa: B018
    assert not hasattr(lb, "Client")
    assert lb.AsyncClient is not None


def test_model_spellings_only_for_the_listed_names() -> None:
    project = Project.model_construct(uid="p")
    with pytest.raises(AttributeError, match=r"Project has no setup: .*connect_ontology"):
        project.setup  # noqa: B018
    with pytest.raises(AttributeError, match="'Project' object has no attribute 'nope'"):
        project.nope  # type: ignore[attr-defined]  # noqa: B018
    assert not hasattr(project, "setup")
    job = MEAPredictionImport.model_construct(uid="j", name="n", state="RUNNING")
    with pytest.raises(AttributeError, match=r"job\.state"):
        job.status  # type: ignore[attr-defined]  # noqa: B018
    # the class-level where-clause lookup is untouched
    assert Project.name == "x"


def test_tool_type_bounding_box_names_bbox() -> None:
    with pytest.raises(AttributeError, match=r"Tool\.Type\.BBOX"):
        lb.Tool.Type.BOUNDING_BOX  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(AttributeError):
        lb.Tool.Type.NOPE  # type: ignore[attr-defined]  # noqa: B018
    assert lb.Tool.Type.BBOX is lb.Tool.Type("rectangle")
    assert [t.name for t in lb.Tool.Type][:2] == ["POLYGON", "SEGMENTATION"]


def test_a_builder_object_for_a_dict_names_asdict() -> None:
    tool = lb.Tool(tool=lb.Tool.Type.BBOX, name="box")
    with pytest.raises(lb.InputTypeError, match=r"normalized\.asdict\(\)"):
        check_feature(tool)
    with pytest.raises(lb.InputTypeError, match=r"normalized\.asdict\(\)"):
        check_normalized(lb.OntologyBuilder(tools=[tool]))
    with pytest.raises(lb.InputTypeError, match="must be a dict, got list"):
        check_feature([])


def test_relationship_list_names_the_paginator() -> None:
    dataset = Dataset.model_construct(uid="d")
    with pytest.raises(TypeError, match=r"await obj\.data_rows\(\)\.to_list\(\)"):
        dataset.data_rows.list()  # type: ignore[attr-defined]

    @listed_as_relationship
    def labels() -> None:
        return None

    with pytest.raises(TypeError, match=r"obj\.labels\(\)"):
        labels.list()  # type: ignore[attr-defined]
    assert labels() is None


async def test_paginator_refuses_sync_iteration() -> None:
    async def fetch(variables: dict[str, Any]) -> dict[str, Any]:
        return {"things": [1, 2] if variables["skip"] == 0 else []}

    paginator = OffsetPaginator(fetch, None, ["things"], int)
    with pytest.raises(TypeError, match=r"async for item in \.\.\.` or `await \.\.\.\.to_list"):
        list(paginator)
    with pytest.raises(TypeError, match=r"await anext"):
        next(paginator)
    assert await paginator.to_list() == [1, 2]


async def test_ndjson_rows_await_iterate_call_but_never_truthy() -> None:
    async def rows() -> AsyncIterator[dict[str, Any]]:
        yield {"a": 1}

    errors = NdjsonRows(rows(), "errors")
    with pytest.raises(TypeError, match=r"`await job\.errors`"):
        bool(errors)
    assert errors() is errors
    assert await errors == [{"a": 1}]
    assert [r async for r in NdjsonRows(rows(), "errors")()] == [{"a": 1}]


def test_metadata_ontology_batch_names_bulk() -> None:
    mdo = DataRowMetadataOntology.__new__(DataRowMetadataOntology)
    with pytest.raises(AttributeError, match=r"the method is bulk_upsert"):
        mdo.batch_upsert  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(AttributeError, match=r"the method is bulk_delete"):
        mdo.batch_delete  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        mdo.nope  # type: ignore[attr-defined]  # noqa: B018
