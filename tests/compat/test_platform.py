"""The official SDK's identity calls and error mapping against the emulator platform."""

from __future__ import annotations

import labelbox
import pytest
from lbox import exceptions as lbx

from aiolabel.emulator import EmulatorServer

pytestmark = pytest.mark.compat


def test_get_user_and_organization(lb_client: labelbox.Client) -> None:
    user = lb_client.get_user()
    org = lb_client.get_organization()
    assert user.email == "emulator@aiolabel.localhost"
    assert user.created_at is not None
    assert org.name == "Emulator Organization"
    assert user.organization().uid == org.uid


def test_wrong_key_is_authentication_error(emulator: EmulatorServer) -> None:
    client = labelbox.Client(api_key="lbemu_not-the-key", endpoint=emulator.endpoint)
    with pytest.raises(lbx.AuthenticationError):
        client.get_user()


def test_rate_limit_is_api_limit_error(
    emulator: EmulatorServer, lb_client: labelbox.Client
) -> None:
    emulator.set_faults(rate_limit=1)
    lb_client.get_user()
    with pytest.raises(lbx.ApiLimitError, match="You have exceeded"):
        lb_client.get_user()


def test_dropped_connection_is_network_error(
    emulator: EmulatorServer, lb_client: labelbox.Client
) -> None:
    emulator.set_faults(drop_rate=1.0)
    with pytest.raises(lbx.NetworkError):
        lb_client.get_user()


def test_unknown_field_is_invalid_query(lb_client: labelbox.Client) -> None:
    with pytest.raises(lbx.InvalidQueryError):
        lb_client.execute("query Nope { user { notAField } }")


def test_created_tasks_relationship_with_order_by(
    emulator: EmulatorServer, lb_client: labelbox.Client
) -> None:
    from labelbox.schema.task import Task

    user = lb_client.get_user()
    with emulator.state.store.transaction() as conn:
        for task_id, stamp in (
            ("t-old", "2024-01-01T00:00:00.000Z"),
            ("t-new", "2025-01-01T00:00:00.000Z"),
        ):
            conn.execute(
                "INSERT INTO tasks (id, org_id, created_by, type, name, status, completion,"
                " created_at, updated_at, work_done, outcome_status) VALUES"
                " (?, ?, ?, 'x', 'n', 'COMPLETE', 1, ?, ?, 1, 'COMPLETE')",
                (task_id, emulator.state.org_id, user.uid, stamp, stamp),
            )
    newest_first = [t.uid for t in user.created_tasks(order_by=Task.created_at.desc)]
    oldest_first = [t.uid for t in user.created_tasks(order_by=Task.created_at.asc)]
    assert newest_first == ["t-new", "t-old"]
    assert oldest_first == ["t-old", "t-new"]


def test_creator_and_organization_relations(lb_client: labelbox.Client) -> None:
    user, org = lb_client.get_user(), lb_client.get_organization()
    dataset = lb_client.create_dataset(name="owned", iam_integration=None)
    project = lb_client.create_project(name="owned", media_type=labelbox.MediaType.Image)
    task = dataset.create_data_rows([{"row_data": "https://x/a.jpg", "global_key": "owned-a"}])
    task.wait_till_done()
    row = lb_client.get_data_row(task.result[0]["id"])
    batch = project.create_batch("owned", [row.uid])
    for owned in (dataset, project, row):
        assert owned.created_by().uid == user.uid
        assert owned.organization().uid == org.uid
    assert batch.user().uid == user.uid


def test_user_and_organization(lb_client: labelbox.Client) -> None:
    user = lb_client.get_user()
    assert user.organization().uid == lb_client.get_organization().uid
