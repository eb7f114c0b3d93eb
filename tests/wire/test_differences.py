"""The comparison accepts exactly the listed differences and nothing else."""

from __future__ import annotations

from dataclasses import replace

import labelbox as lb
import pytest

from aiolabel._operations import Operation, data_rows, projects, webhooks
from tests.wire.compare import assert_same_wire
from tests.wire.differences import DOCUMENT_DIFFERENCES, document_differences_for
from tests.wire.recorder import recording_client

OFFICIAL_MEMBERS = (
    "query ProjectMemberOverviewPyApi($projectId: ID!) { project(where: {id : $projectId}) { id "
    "members(skip: 0 first: 100){ id user { createdAt email isExternalUser isViewer lastLoginAt "
    "nickname name picture id updatedAt } role { id name } accessFrom } } }"
)
OFFICIAL_GET = (
    "query GetDatasetPyApi($param_0: ID!){dataset(where: {id: $param_0}){createdAt description "
    "name rowCount id updatedAt}}"
)


def _op(name: str, document: str, **kw: object) -> Operation:
    return Operation(name, document, **kw)  # type: ignore[arg-type]


def test_listed_difference_is_accepted_and_moves_the_values() -> None:
    applied = assert_same_wire(
        OFFICIAL_MEMBERS,
        projects.PROJECT_MEMBERS,
        official_variables={"projectId": "p"},
        our_variables={"projectId": "p", "skip": 0, "first": 100},
    )
    assert applied.moved_values == {"skip": 0, "first": 100}
    assert {d.variable for d in applied.used} == {"skip", "first"}


def test_the_same_difference_unlisted_fails() -> None:
    with pytest.raises(AssertionError, match="differ"):
        assert_same_wire(OFFICIAL_MEMBERS, projects.PROJECT_MEMBERS, differences=())


def test_moved_value_must_be_the_official_value() -> None:
    with pytest.raises(AssertionError, match="variables differ"):
        assert_same_wire(
            OFFICIAL_MEMBERS,
            projects.PROJECT_MEMBERS,
            official_variables={"projectId": "p"},
            our_variables={"projectId": "p", "skip": 100, "first": 100},
        )


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("$skip: Int!", "$skip: Int"),  # other declared type
        ("skip: $skip", "skip: $offset"),  # other variable name
        ("id user {", "id user { locale"),  # selection changed
        ("role { id name }", "role { name id }"),  # selection order changed
        ("{id : $projectId}", "{id : $projectId, deleted: $projectId}"),  # extra argument
    ],
)
def test_any_other_difference_fails(old: str, new: str) -> None:
    document = projects.PROJECT_MEMBERS.document.replace(old, new, 1)
    assert document != projects.PROJECT_MEMBERS.document
    if "$offset" in document:
        document = document.replace("$skip: Int!", "$offset: Int!")
    with pytest.raises(AssertionError):
        assert_same_wire(OFFICIAL_MEMBERS, replace(projects.PROJECT_MEMBERS, document=document))


def test_layout_commas_and_declaration_order_do_not_matter() -> None:
    ours = _op(
        "GetDatasetPyApi",
        "query GetDatasetPyApi(\n  $param_0: ID!\n) {\n  dataset(where: { id: $param_0 }) "
        "{ createdAt, description, name, rowCount, id, updatedAt }\n}",
    )
    assert_same_wire(OFFICIAL_GET, ours)


def test_wrong_type_name_endpoint_or_kind_fails() -> None:
    with pytest.raises(AssertionError):
        assert_same_wire(
            OFFICIAL_GET, _op("GetDatasetPyApi", OFFICIAL_GET.replace("ID!", "String!"))
        )
    doc = OFFICIAL_GET.replace("GetDatasetPyApi", "GetDatasetsPyApi")
    with pytest.raises(AssertionError, match="operation name"):
        assert_same_wire(OFFICIAL_GET, _op("GetDatasetsPyApi", doc))
    with pytest.raises(AssertionError, match="/_gql"):
        assert_same_wire(
            OFFICIAL_GET,
            _op("GetDatasetPyApi", OFFICIAL_GET, experimental=True),
            official_endpoint="graphql",
        )
    with pytest.raises(AssertionError, match="mutation"):
        assert_same_wire(
            OFFICIAL_GET, _op("GetDatasetPyApi", OFFICIAL_GET.replace("query", "mutation", 1))
        )


def test_every_listed_difference_is_exercised_by_an_official_call() -> None:
    used = set()
    with recording_client() as (client, rec):
        list(client.get_project("proj1").members())
        client.get_data_row("dr1").delete()
        hook = {"id": "w1", "url": "https://x", "topics": ["LABEL_CREATED"], "status": "ACTIVE"}
        hook |= {"createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z"}
        rec.respond("CreateWebhookPyApi", {"createWebhook": hook})
        rec.respond("UpdateWebhookPyApi", {"updateWebhook": hook})
        lb.Webhook.create(client, ["LABEL_CREATED"], "https://x", "s", client.get_project("p"))
        lb.Webhook(client, dict(hook)).update(url="https://y")
    for request in rec.graphql():
        name = request.operation_name or ""
        if name == "ProjectMemberOverviewPyApi":
            ours = projects.PROJECT_MEMBERS
        elif name == "deleteDataRowsPyApi":
            ours = data_rows.DELETE_DATA_ROWS
        elif name == "CreateWebhookPyApi":
            ours = webhooks.create_webhook(["LABEL_CREATED"], with_project=True)
        elif name == "UpdateWebhookPyApi":
            ours = webhooks.update_webhook(None, with_url=True, status=None)
        else:
            continue
        used |= set(assert_same_wire(request.query or "", ours).used)
    labels = ("deleteLabelsPyApi", "GetProjectLabelsPyApi")  # exercised in test_labels
    assert used == {d for d in DOCUMENT_DIFFERENCES if d.operation not in labels}


def test_differences_apply_by_operation_name() -> None:
    assert {d.variable for d in document_differences_for("GetProjectsPyApi")} == {"skip", "first"}
    assert {d.variable for d in document_differences_for("deleteDataRowsPyApi")} == {"dataRowIds"}
    assert document_differences_for("createBatchV2PyApi") == ()
