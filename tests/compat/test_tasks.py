"""The official SDK's task workflows against the emulator over HTTP: get by id, cancel, forced
failures and polling until a task rule releases the task."""

from __future__ import annotations

import labelbox
import pytest
from labelbox.schema.task import DataUpsertTask
from lbox import exceptions as lbx

from aiolabel.emulator import EmulatorServer

pytestmark = pytest.mark.compat


def test_get_task_by_id_and_cancel(emulator: EmulatorServer, lb_client: labelbox.Client) -> None:
    dataset = lb_client.create_dataset(name="tasks", iam_integration=None)
    task = dataset.create_data_rows([{"row_data": "https://x/a.jpg"}])
    found = lb_client.get_task_by_id(task.uid)
    assert isinstance(found, DataUpsertTask)
    assert (found.status, found.type) == ("COMPLETE", "adv-upsert-data-rows")
    with pytest.raises(lbx.LabelboxError, match="not in progress"):
        lb_client.cancel_task(task.uid)
    with pytest.raises(lbx.ResourceNotFoundError):
        lb_client.get_task_by_id("no-such-task")
    emulator.set_transition("adv-upsert-data-rows", {"mode": "polls", "n": 50})
    pending = dataset.create_data_rows([{"row_data": "https://x/b.jpg"}])
    assert pending.status == "IN_PROGRESS"
    assert lb_client.cancel_task(pending.uid) is True
    emulator.wait_for_jobs()
    assert lb_client.get_task_by_id(pending.uid).status == "CANCELING"
    assert lb_client.get_task_by_id(pending.uid).status == "CANCELED"


def test_forced_failure_is_seen_by_wait_result_and_errors(
    emulator: EmulatorServer, lb_client: labelbox.Client
) -> None:
    emulator.set_transition(
        "adv-upsert-data-rows", {"mode": "fail", "errors": ["Upload rejected by policy"]}
    )
    dataset = lb_client.create_dataset(name="failing", iam_integration=None)
    task = dataset.create_data_rows([{"row_data": "https://x/a.jpg", "global_key": "f"}])
    emulator.wait_for_jobs()
    task.wait_till_done()
    assert task.status == "FAILED"
    assert [e["message"] for e in task.errors] == ["Upload rejected by policy"]
    with pytest.raises(ValueError, match="Job failed"):
        _ = task.result
    assert list(dataset.data_rows()) == []


def test_wait_till_done_polls_until_the_rule_releases_the_task(
    emulator: EmulatorServer, lb_client: labelbox.Client
) -> None:
    emulator.set_transition("adv-upsert-data-rows", {"mode": "polls", "n": 1})
    dataset = lb_client.create_dataset(name="polled", iam_integration=None)
    task = dataset.create_data_rows([{"row_data": "https://x/a.jpg", "global_key": "p"}])
    assert task.status == "IN_PROGRESS"
    emulator.wait_for_jobs()
    task.wait_till_done(timeout_seconds=30)
    assert task.status == "COMPLETE"
    assert [r["global_key"] for r in task.result] == ["p"]


def test_task_created_by_and_organization(lb_client: labelbox.Client) -> None:
    dataset = lb_client.create_dataset(name="owned-task", iam_integration=None)
    export = dataset.export()
    export.wait_till_done()
    user, org = lb_client.get_user(), lb_client.get_organization()
    assert export.created_by().uid == user.uid
    assert export.organization().uid == org.uid
    task = lb_client.get_task_by_id(export.uid)
    assert labelbox.ExportTask.get_task(lb_client, export.uid).uid == export.uid
    assert task.created_by().uid == user.uid
    assert task.organization().uid == org.uid
