"""The model base: frozen, camelCase aliases, aware datetimes, private client binding."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from aiolabel import DataUpsertTask, Organization, Task, TaskStatus, User
from aiolabel.errors import LabelboxError

from .conftest import TS, USER, task_wire


def test_wire_names_and_python_names_both_work() -> None:
    user = User.from_wire(None, USER)
    assert user.is_external_user is False
    assert User(id="u", is_viewer=True).is_viewer is True
    assert user.model_dump(by_alias=True)["isViewer"] is False
    assert user.model_dump(by_alias=True)["nickname"] == "nick"  # .name comes from wire nickname


def test_datetimes_are_timezone_aware() -> None:
    org = Organization.from_wire(
        None, {"id": "o", "createdAt": TS, "updatedAt": "2024-02-03T04:05:06"}
    )
    assert org.created_at == datetime(2024, 1, 1, tzinfo=UTC)
    assert org.updated_at is not None
    assert org.updated_at.tzinfo is not None


def test_models_are_frozen_and_unknown_keys_ignored() -> None:
    org = Organization.from_wire(None, {"id": "o", "somethingNew": 1})
    with pytest.raises(ValidationError):
        org.name = "x"  # type: ignore[misc]
    assert not hasattr(org, "somethingNew")


def test_a_malformed_response_object_is_a_labelbox_error() -> None:
    with pytest.raises(LabelboxError, match="unexpected User"):
        User.from_wire(None, {"email": "no id"})
    with pytest.raises(LabelboxError):
        User.from_wire(None, ["not", "an", "object"])  # type: ignore[arg-type]


def test_an_unbound_model_says_so() -> None:
    with pytest.raises(LabelboxError, match="not bound"):
        _ = User(id="u").client


def test_task_identity_status_and_class() -> None:
    a = Task.from_wire(None, task_wire("t", "IN_PROGRESS"))
    b = Task.from_wire(None, task_wire("t", "COMPLETE"))
    assert a == b
    assert len({a, b}) == 1
    assert a.status_as_enum is TaskStatus.In_Progress
    assert not a.done
    assert b.done
    assert Task.from_wire(None, task_wire("t", "WEIRD")).status_as_enum is TaskStatus.Unknown
    upsert = Task._build(None, task_wire("u", type="ADV-UPSERT-DATA-ROWS"))  # type: ignore[arg-type]
    assert isinstance(upsert, DataUpsertTask)
    assert upsert.is_creation_task()
    assert Task.from_wire(None, task_wire("j", name="JSON Import")).is_creation_task()
    assert (
        Task.from_wire(None, task_wire("r", result="https://x", errors="https://y")).result_url
        == "https://x"
    )
