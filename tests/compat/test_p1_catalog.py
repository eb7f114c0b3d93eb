"""The official SDK's dataset, IAM, metadata and task workflows against the emulator over HTTP
(issue 3, item 9)."""

from __future__ import annotations

import datetime as dt

import labelbox
import pytest
from labelbox import Dataset
from labelbox.schema.data_row_metadata import (
    DataRowMetadata,
    DataRowMetadataField,
    DataRowMetadataKind,
    DeleteDataRowMetadata,
)
from labelbox.schema.identifiable import GlobalKey
from labelbox.schema.identifiables import GlobalKeys, UniqueIds
from labelbox.schema.task import DataUpsertTask
from lbox import exceptions as lbx

from aiolabel.emulator import EmulatorServer

pytestmark = pytest.mark.compat


def test_user_and_organization(lb_client: labelbox.Client) -> None:
    user = lb_client.get_user()
    assert user.organization().uid == lb_client.get_organization().uid


def test_dataset_create_get_list_update_delete(
    emulator: EmulatorServer, lb_client: labelbox.Client
) -> None:
    dataset = lb_client.create_dataset(name="alpha", description="first")
    lb_client.create_dataset(name="beta", description="first")
    lb_client.create_dataset(name="alpha", description="other")
    calls = emulator.stats()["by_operation"]
    assert calls["graphql:getAllIntegrationsPyApi"] == 3
    assert "graphql:setSignerForDatasetPyApi" not in calls
    assert (dataset.name, dataset.description, dataset.row_count) == ("alpha", "first", 0)
    fetched = lb_client.get_dataset(dataset.uid)
    assert (fetched.uid, fetched.created_at) == (dataset.uid, dataset.created_at)
    assert fetched.created_by().uid == lb_client.get_user().uid
    assert len(list(lb_client.get_datasets())) == 3
    both = (Dataset.name == "alpha") & (Dataset.description == "first")
    assert [d.uid for d in lb_client.get_datasets(where=both)] == [dataset.uid]
    assert len(list(lb_client.get_datasets(where=Dataset.name != "alpha"))) == 1
    since = dataset.created_at - dt.timedelta(seconds=5)
    assert len(list(lb_client.get_datasets(where=Dataset.created_at >= since))) == 3
    assert list(lb_client.get_datasets(where=Dataset.created_at < since)) == []
    dataset.update(name="gamma", description="changed")
    assert lb_client.get_dataset(dataset.uid).name == "gamma"
    dataset.delete()
    with pytest.raises(lbx.ResourceNotFoundError):
        lb_client.get_dataset(dataset.uid)
    assert {d.name for d in lb_client.get_datasets()} == {"alpha", "beta"}


def test_create_dataset_uses_the_default_iam_integration(
    emulator: EmulatorServer, lb_client: labelbox.Client
) -> None:
    integration_id = emulator.control("add_iam_integration", integration_name="aws-default")
    dataset = lb_client.create_dataset(name="signed")
    calls = emulator.stats()["by_operation"]
    assert calls["graphql:setSignerForDatasetPyApi"] == 1
    assert calls["graphql:validateDatasetPyApi"] == 1
    signer = dataset.iam_integration()
    assert signer is not None
    assert (signer.uid, signer.name, signer.provider) == (integration_id, "aws-default", "AWS")
    [listed] = lb_client.get_organization().get_iam_integrations()
    assert listed.is_org_default
    assert listed.settings.role_arn.startswith("arn:aws:iam::")
    unsigned = lb_client.create_dataset(name="plain", iam_integration=None)
    assert unsigned.iam_integration() is None


def test_invalid_default_iam_integration_fails_and_removes_the_dataset(
    emulator: EmulatorServer, lb_client: labelbox.Client
) -> None:
    emulator.control("add_iam_integration", valid=False)
    with pytest.raises(ValueError, match="not valid"):
        lb_client.create_dataset(name="doomed")
    assert list(lb_client.get_datasets()) == []


def test_metadata_ontology_schemas_and_bulk_operations(lb_client: labelbox.Client) -> None:
    mdo = lb_client.get_data_row_metadata_ontology()
    assert {"tag", "split", "captureDateTime"} <= set(mdo.reserved_by_name)
    assert set(mdo.reserved_by_name["split"]) == {"train", "valid", "test"}
    colour = mdo.create_schema("colour", DataRowMetadataKind.enum, ["red", "green"])
    note = mdo.create_schema("note", DataRowMetadataKind.string)
    with pytest.raises(lbx.MalformedQueryException, match="already exists"):
        mdo.create_schema("tag", DataRowMetadataKind.string)
    dataset = lb_client.create_dataset(name="meta", iam_integration=None)
    task = dataset.create_data_rows(
        [{"row_data": f"https://x/{i}.jpg", "global_key": f"m{i}"} for i in range(3)]
    )
    task.wait_till_done()
    ids = {r["global_key"]: r["id"] for r in task.result}
    tag = mdo.reserved_by_name["tag"].uid
    red = mdo.custom_by_name["colour"]["red"].uid
    failures = mdo.bulk_upsert(
        [
            DataRowMetadata(
                data_row_id=ids["m0"],
                fields=[
                    DataRowMetadataField(schema_id=tag, value="t0"),
                    DataRowMetadataField(schema_id=colour.uid, value=red),
                ],
            ),
            DataRowMetadata(
                global_key="m1", fields=[DataRowMetadataField(schema_id=note.uid, value="n1")]
            ),
            DataRowMetadata(
                data_row_id="no-such-row", fields=[DataRowMetadataField(schema_id=tag, value="x")]
            ),
        ]
    )
    assert [(f.data_row_id, "not found" in (f.error or "")) for f in failures] == [
        ("no-such-row", True)
    ]
    exported = {m.data_row_id: m for m in mdo.bulk_export([ids["m0"], ids["m1"], ids["m2"]])}
    assert {f.schema_id: f.value for f in exported[ids["m0"]].fields} == {
        tag: "t0",
        colour.uid: red,
    }
    assert exported[ids["m2"]].fields == []
    by_key = mdo.bulk_export(GlobalKeys(["m1"]))
    assert [(m.global_key, [f.value for f in m.fields]) for m in by_key] == [("m1", ["n1"])]
    assert len(mdo.bulk_export(UniqueIds([ids["m1"]]))) == 1
    assert (
        mdo.bulk_delete(
            [
                DeleteDataRowMetadata(data_row_id=ids["m0"], fields=[colour.uid]),
                DeleteDataRowMetadata(data_row_id=GlobalKey("m1"), fields=[note.uid]),
            ]
        )
        == []
    )
    after = {m.data_row_id: m for m in mdo.bulk_export([ids["m0"], ids["m1"]])}
    assert [f.schema_id for f in after[ids["m0"]].fields] == [tag]
    assert after[ids["m1"]].fields == []
    renamed = mdo.update_schema("note", "remark")
    assert renamed.name == "remark"
    updated = mdo.update_enum_option("colour", "green", "blue")
    assert sorted(o.name for o in updated.options) == ["blue", "red"]
    assert mdo.delete_schema("remark") is True
    assert "remark" not in mdo.custom_by_name


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
    assert lb_client.get_task_by_id(pending.uid).status in ("CANCELLING", "CANCELED")


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
