"""Where clauses written on model classes, as in the official SDK (``Project.name == "x"``)."""

from __future__ import annotations

import pytest
from pydantic import Field

from aiolabel._operations._builder import And, Comparison, Op
from aiolabel.errors import InputTypeError, InvalidQueryError
from aiolabel.models.base import Model, as_where


class Project(Model):
    __entity__ = "Project"

    uid: str = Field(alias="id")
    name: str | None = None


def test_class_attributes_build_comparisons() -> None:
    clause = (Project.name == "x") & (Project.uid != "p")
    assert clause == And(Comparison("name", Op.EQ, "x"), Comparison("uid", Op.NE, "p"))
    assert as_where(clause, "Project") is clause
    assert (Project.name >= "a") == Comparison("name", Op.GE, "a")


def test_instances_keep_their_values() -> None:
    project = Project(id="p1", name="n")
    assert project.name == "n"
    assert project.uid == "p1"


def test_unknown_attributes_still_raise() -> None:
    with pytest.raises(AttributeError):
        _ = Project.not_a_field


def test_or_and_not_are_refused_like_the_official_sdk() -> None:
    with pytest.raises(InvalidQueryError, match="only AND"):
        _ = (Project.name == "x") | (Project.name == "y")


@pytest.mark.parametrize("bad", [True, "name = x", 3, ("name", "x")])
def test_as_where_refuses_other_values(bad: object) -> None:
    with pytest.raises(InputTypeError, match=r"Project\.name"):
        as_where(bad, "Project")
    assert as_where(None, "Project") is None


def test_public_models_are_exported_and_filterable() -> None:
    import aiolabel

    missing = [name for name in aiolabel.__all__ if not hasattr(aiolabel, name)]
    assert missing == []
    assert (aiolabel.Project.name == "x") == Comparison("name", Op.EQ, "x")
    assert (aiolabel.Dataset.name != "y") == Comparison("name", Op.NE, "y")
    assert (aiolabel.DataRow.external_id == "e") == Comparison("external_id", Op.EQ, "e")
