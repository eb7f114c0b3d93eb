"""The official SDK's dataset and IAM-integration workflows against the emulator over HTTP."""

from __future__ import annotations

import datetime as dt

import labelbox
import pytest
from labelbox import Dataset
from lbox import exceptions as lbx

from aiolabel.emulator import EmulatorServer

pytestmark = pytest.mark.compat


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
