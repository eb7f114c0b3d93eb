"""Administration and webhook calls: each one run by the official SDK and by aiolabel against the
same scripted answers, offline; the requests of the call must be the same operations with the
same variables, up to the listed differences (``tests/wire/differences.py``). The
official requests are also checked against aiolabel's constants and builders directly."""

from __future__ import annotations

import tempfile
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import labelbox as lb
import labelbox.schema.role as lb_role
import pytest
from labelbox.schema.role import ProjectRole as LbProjectRole

import aiolabel
from aiolabel._operations import Operation, admin, iam, project_activity, webhooks
from aiolabel._operations import _builder as b
from aiolabel._operations._entities import ORGANIZATION, PROJECT, TASK, USER
from tests.wire import canned
from tests.wire.compare import assert_same_calls, assert_same_wire
from tests.wire.recorder import ENDPOINT, RecordedRequest, Recorder, recording_client

pytestmark = pytest.mark.filterwarnings("ignore:Automatic generation:DeprecationWarning")

TS = "2024-01-01T00:00:00.000Z"
ROLES = {"roles": [{"id": "r1", "name": "Labeler"}, {"id": "r2", "name": "None"}]}
HOOK = {
    "id": "w1",
    "createdAt": TS,
    "updatedAt": TS,
    "url": "https://x",
    "topics": ["LABEL_CREATED"],
    "status": "ACTIVE",
}
TAG = {"id": "t1", "text": "x", "color": "ffffff"}
INVITE = {
    "createInvites": [
        {
            "invite": {
                "id": "i1",
                "createdAt": TS,
                "organizationRoleName": "None",
                "inviteeEmail": "a@b.co",
                "inviter": canned.user(),
            }
        }
    ]
}
SETUP = (
    "GetProjectPyApi",
    "GetOrganizationPyApi",
    "GetUserPyApi",
    "GetAvailableUserRolesPyApi",
    "GetDataRowPyApi",
    "GetMetadataOntologyBetaPyApi",
)
"""Fetches of the objects a call starts from: not part of the call under test."""

Official = Callable[[Any], Any]
Ours = Callable[[aiolabel.AsyncClient], Awaitable[Any]]


@dataclass
class Case:
    id: str
    official: Official
    ours: Ours
    expect: Mapping[str, Operation | b.Built]
    answers: Mapping[str, Any] = field(default_factory=dict)


# -- the calls, both ways -----------------------------------------------------------------------


def _official_invite(c: Any) -> None:
    roles = c.get_roles()
    c.get_organization().invite_user(
        "a@b.co",
        roles["NONE"],
        project_roles=[LbProjectRole(project=c.get_project("proj1"), role=roles["LABELER"])],
    )


async def _invite(c: aiolabel.AsyncClient) -> None:
    roles = await c.get_roles()
    project = await c.get_project("proj1")
    await (await c.get_organization()).invite_user(
        "a@b.co",
        roles["NONE"],
        project_roles=[aiolabel.ProjectRole(project=project, role=roles["LABELER"])],
    )


def _official_upsert(c: Any) -> None:
    c.get_user().upsert_project_role(c.get_project("proj1"), c.get_roles()["LABELER"])


async def _upsert(c: aiolabel.AsyncClient) -> None:
    roles = await c.get_roles()
    await (await c.get_user()).upsert_project_role(await c.get_project("proj1"), roles["LABELER"])


async def _remove_from_project(c: aiolabel.AsyncClient) -> None:
    await (await c.get_user()).remove_from_project(await c.get_project("proj1"))


async def _update_org_role(c: aiolabel.AsyncClient) -> None:
    await (await c.get_user()).update_org_role((await c.get_roles())["LABELER"])


def _official_hook_update(c: Any) -> None:
    hook = lb.Webhook(c, dict(HOOK))
    hook.update(topics=["LABEL_DELETED"], url="https://y", status="INACTIVE")
    hook.update(url="https://z")
    hook.delete()


async def _hook_update(c: aiolabel.AsyncClient) -> None:
    hook = aiolabel.Webhook.from_wire(c, HOOK)
    await hook.update(topics=["LABEL_DELETED"], url="https://y", status="INACTIVE")
    await hook.update(url="https://z")
    await hook.delete()


async def _listed(paginator: Any) -> list[Any]:
    return await paginator.to_list()  # type: ignore[no-any-return]


CASES = [
    Case(
        "get_roles",
        lambda c: c.get_roles(),
        lambda c: c.get_roles(),
        {"GetAvailableUserRolesPyApi": admin.GET_ROLES},
    ),
    Case(
        "organization.invite_user",
        _official_invite,
        _invite,
        {"createInvitesPyApi": admin.CREATE_INVITES},
        {"createInvitesPyApi": INVITE},
    ),
    Case(
        "organization.invite_limit",
        lambda c: c.get_organization().invite_limit(),
        lambda c: _then(c.get_organization(), lambda o: o.invite_limit()),
        {"InvitesLimitPyApi": admin.INVITES_LIMIT},
        {"InvitesLimitPyApi": {"invitesLimit": {"used": 1, "limit": 2, "remaining": 1}}},
    ),
    Case(
        "organization.remove_user",
        lambda c: c.get_organization().remove_user(c.get_user()),
        lambda c: _remove_user(c),
        {"DeleteMemberPyApi": admin.DELETE_MEMBER},
        {"DeleteMemberPyApi": {"updateUser": {"id": "user1", "deleted": True}}},
    ),
    Case(
        "organization.create_resource_tag",
        lambda c: c.get_organization().create_resource_tag({"text": "x", "color": "ffffff"}),
        lambda c: _then(
            c.get_organization(),
            lambda o: o.create_resource_tag({"text": "x", "color": "ffffff"}),
        ),
        {"CreateResourceTagPyApi": admin.CREATE_RESOURCE_TAG},
        {"CreateResourceTagPyApi": {"createResourceTag": TAG}},
    ),
    Case(
        "organization.get_resource_tags",
        lambda c: c.get_organization().get_resource_tags(),
        lambda c: _then(c.get_organization(), lambda o: o.get_resource_tags()),
        {"GetOrganizationResourceTagsPyApi": admin.GET_ORGANIZATION_RESOURCE_TAGS},
        {"GetOrganizationResourceTagsPyApi": {"organization": {"resourceTag": [TAG]}}},
    ),
    Case(
        "organization.get_iam_integrations",
        lambda c: c.get_organization().get_iam_integrations(),
        lambda c: _then(c.get_organization(), lambda o: o.get_iam_integrations()),
        {"getAllIntegrationsPyApi": iam.GET_ALL_IAM_INTEGRATIONS},
    ),
    Case(
        "organization.get_default_iam_integration",
        lambda c: c.get_organization().get_default_iam_integration(),
        lambda c: _then(c.get_organization(), lambda o: o.get_default_iam_integration()),
        {"getAllIntegrationsPyApi": iam.GET_ALL_IAM_INTEGRATIONS},
    ),
    Case(
        "organization.users",
        lambda c: list(c.get_organization().users()),
        lambda c: _then(c.get_organization(), lambda o: _listed(o.users())),
        {"GetOrganizationUsersPyApi": b.relationship(ORGANIZATION, None, "users")},
        {"GetOrganizationUsersPyApi": {"organization": {"users": [canned.user()]}}},
    ),
    Case(
        "organization.webhooks",
        lambda c: list(c.get_organization().webhooks()),
        lambda c: _then(c.get_organization(), lambda o: _listed(o.webhooks())),
        {"GetOrganizationWebhooksPyApi": b.relationship(ORGANIZATION, None, "webhooks")},
        {"GetOrganizationWebhooksPyApi": {"organization": {"webhooks": [HOOK]}}},
    ),
    Case(
        "user.projects",
        lambda c: list(c.get_user().projects()),
        lambda c: _then(c.get_user(), lambda u: _listed(u.projects())),
        {"GetUserProjectsPyApi": b.relationship(USER, canned.USER_ID, "projects")},
        {"GetUserProjectsPyApi": {"user": {"projects": [canned.project()]}}},
    ),
    Case(
        "user.organization",
        lambda c: c.get_user().organization(),
        lambda c: _then(c.get_user(), lambda u: u.organization()),
        {"GetUserOrganizationPyApi": b.relationship(USER, canned.USER_ID, "organization")},
        {"GetUserOrganizationPyApi": {"user": {"organization": canned.organization()}}},
    ),
    Case(
        "user.update_org_role",
        lambda c: c.get_user().update_org_role(c.get_roles()["LABELER"]),
        _update_org_role,
        {"SetOrganizationRolePyApi": admin.SET_ORGANIZATION_ROLE},
        {"SetOrganizationRolePyApi": {"setOrganizationRole": {"id": "r1", "name": "Labeler"}}},
    ),
    Case(
        "user.upsert_project_role",
        _official_upsert,
        _upsert,
        {
            "GetUserOrgRolePyApi": b.relationship(USER, canned.USER_ID, "org_role"),
            "SetProjectMembershipPyApi": admin.SET_PROJECT_MEMBERSHIP,
        },
        {
            "GetUserOrgRolePyApi": {"user": {"orgRole": {"id": "r2", "name": "None"}}},
            "SetProjectMembershipPyApi": {"setProjectMembership": {"id": "m1"}},
        },
    ),
    Case(
        "user.remove_from_project",
        lambda c: c.get_user().remove_from_project(c.get_project("proj1")),
        _remove_from_project,
        {
            "GetUserOrgRolePyApi": b.relationship(USER, canned.USER_ID, "org_role"),
            "SetProjectMembershipPyApi": admin.SET_PROJECT_MEMBERSHIP,
        },
        {
            "GetUserOrgRolePyApi": {"user": {"orgRole": {"id": "r2", "name": "None"}}},
            "SetProjectMembershipPyApi": {"setProjectMembership": {"id": "m1"}},
        },
    ),
    Case(
        "project.update_project_resource_tags",
        lambda c: c.get_project("proj1").update_project_resource_tags(["t1"]),
        lambda c: _then(c.get_project("proj1"), lambda p: p.update_project_resource_tags(["t1"])),
        {"UpdateProjectResourceTagsPyApi": admin.UPDATE_PROJECT_RESOURCE_TAGS},
        {"UpdateProjectResourceTagsPyApi": {"project": {"updateProjectResourceTags": [TAG]}}},
    ),
    Case(
        "project.get_resource_tags",
        lambda c: c.get_project("proj1").get_resource_tags(),
        lambda c: _then(c.get_project("proj1"), lambda p: p.get_resource_tags()),
        {"GetProjectResourceTagsPyApi": admin.GET_PROJECT_RESOURCE_TAGS},
        {"GetProjectResourceTagsPyApi": {"project": {"name": "p", "resourceTags": [TAG]}}},
    ),
    Case(
        "project.created_by",
        lambda c: c.get_project("proj1").created_by(),
        lambda c: _then(c.get_project("proj1"), lambda p: p.created_by()),
        {"GetProjectCreatedByPyApi": b.relationship(PROJECT, "proj1", "created_by")},
        {"GetProjectCreatedByPyApi": {"project": {"createdBy": canned.user()}}},
    ),
    Case(
        "project.organization",
        lambda c: c.get_project("proj1").organization(),
        lambda c: _then(c.get_project("proj1"), lambda p: p.organization()),
        {"GetProjectOrganizationPyApi": b.relationship(PROJECT, "proj1", "organization")},
        {"GetProjectOrganizationPyApi": {"project": {"organization": canned.organization()}}},
    ),
    Case(
        "project.webhooks",
        lambda c: list(c.get_project("proj1").webhooks()),
        lambda c: _then(c.get_project("proj1"), lambda p: _listed(p.webhooks())),
        {"GetProjectWebhooksPyApi": b.relationship(PROJECT, "proj1", "webhooks")},
        {"GetProjectWebhooksPyApi": {"project": {"webhooks": [HOOK]}}},
    ),
    Case(
        "Webhook.create/project",
        lambda c: lb.Webhook.create(
            c, ["LABEL_CREATED", "LABEL_UPDATED"], "https://x", "s", c.get_project("proj1")
        ),
        lambda c: _then(
            c.get_project("proj1"),
            lambda p: aiolabel.Webhook.create(
                c, ["LABEL_CREATED", "LABEL_UPDATED"], "https://x", "s", p
            ),
        ),
        {
            "CreateWebhookPyApi": webhooks.create_webhook(
                ["LABEL_CREATED", "LABEL_UPDATED"], with_project=True
            )
        },
        {"CreateWebhookPyApi": {"createWebhook": HOOK}},
    ),
    Case(
        "Webhook.create/organization",
        lambda c: lb.Webhook.create(c, ["WORKFLOW_ACTION"], "https://x", "s", None),
        lambda c: aiolabel.Webhook.create(c, ["WORKFLOW_ACTION"], "https://x", "s", None),
        {"CreateWebhookPyApi": webhooks.create_webhook(["WORKFLOW_ACTION"], with_project=False)},
        {"CreateWebhookPyApi": {"createWebhook": HOOK}},
    ),
    Case(
        "Webhook.update/delete",
        _official_hook_update,
        _hook_update,
        {},  # three documents of one name: checked by the call comparison
        {"UpdateWebhookPyApi": {"updateWebhook": HOOK}},
    ),
]


PERFORMANCE = {
    "count": 2,
    "user": canned.user(),
    "secondsPerLabel": 3.0,
    "totalTimeLabeling": 6.0,
    "consensus": None,
    "averageBenchmarkAgreement": None,
    "lastActivityTime": TS,
}


def _metrics(score: Any) -> Case:
    name = "None" if score is None else score.name
    return Case(
        f"project.review_metrics/{name}",
        lambda c: c.get_project("proj1").review_metrics(score),
        lambda c: _then(c.get_project("proj1"), lambda p: p.review_metrics(score)),
        {"ProjectReviewMetricsPyApi": project_activity.REVIEW_METRICS[name]},
        {
            "ProjectReviewMetricsPyApi": {
                "project": {"reviewMetrics": {"labelAggregate": {"count": 3}}}
            }
        },
    )


def _reservations(queue: str) -> Case:
    return Case(
        f"project.extend_reservations/{queue}",
        lambda c: c.get_project("proj1").extend_reservations(queue),
        lambda c: _then(c.get_project("proj1"), lambda p: p.extend_reservations(queue)),
        {"ExtendReservationsPyApi": project_activity.EXTEND_RESERVATIONS[queue]},
        {"ExtendReservationsPyApi": {"extendReservations": 2}},
    )


def _issues(status: str | None) -> Case:
    return Case(
        f"project.export_issues/{status}",
        lambda c: c.get_project("proj1").export_issues(status),
        lambda c: _then(c.get_project("proj1"), lambda p: p.export_issues(status)),
        {"GetProjectIssuesExportPyApi": project_activity.ISSUES_EXPORT},
        {"GetProjectIssuesExportPyApi": {"project": {"issueExportUrl": "https://f/i.json"}}},
    )


CASES += [
    Case(
        "project.labeler_performance",
        lambda c: list(c.get_project("proj1").labeler_performance()),
        lambda c: _then(c.get_project("proj1"), lambda p: _listed(p.labeler_performance())),
        {"LabelerPerformancePyApi": project_activity.LABELER_PERFORMANCE},
        {"LabelerPerformancePyApi": {"project": {"labelerPerformance": [PERFORMANCE]}}},
    ),
    *(_metrics(score) for score in (None, *lb.Review.NetScore)),
    *(_reservations(queue) for queue in project_activity.QUEUE_TYPES),
    *(_issues(status) for status in (None, "Open", "Resolved")),
    Case(
        "data_row.get_winning_label_id",
        lambda c: c.get_data_row("dr1").get_winning_label_id("proj1"),
        lambda c: _then(c.get_data_row("dr1"), lambda r: r.get_winning_label_id("proj1")),
        {"GetWinningLabelIdPyApi": project_activity.WINNING_LABEL_ID},
        {"GetWinningLabelIdPyApi": {"dataRow": {"labelingActivity": {"selectedLabelId": "l1"}}}},
    ),
    Case(
        "ExportTask.get_task",
        lambda c: lb.ExportTask.get_task(c, "task1"),
        lambda c: aiolabel.ExportTask.get_task(c, "task1"),
        {
            "GetUserCreatedTasksPyApi": b.relationship(
                USER, canned.USER_ID, "created_tasks", b.FieldRef("uid") == "task1"
            )
        },
        {"GetUserCreatedTasksPyApi": {"user": {"createdTasks": [canned.task(id="task1")]}}},
    ),
    Case(
        "task.created_by",
        lambda c: lb.Task(c, canned.task(id="task1")).created_by(),
        lambda c: aiolabel.Task.from_wire(c, canned.task(id="task1")).created_by(),
        {"GetTaskCreatedByPyApi": b.relationship(TASK, "task1", "created_by")},
        {"GetTaskCreatedByPyApi": {"task": {"createdBy": canned.user()}}},
    ),
    Case(
        "task.organization",
        lambda c: lb.Task(c, canned.task(id="task1")).organization(),
        lambda c: aiolabel.Task.from_wire(c, canned.task(id="task1")).organization(),
        {"GetTaskOrganizationPyApi": b.relationship(TASK, "task1", "organization")},
        {"GetTaskOrganizationPyApi": {"task": {"organization": canned.organization()}}},
    ),
]


_INSTRUCTIONS = Path(tempfile.mkdtemp()) / "instructions.pdf"
_INSTRUCTIONS.write_bytes(b"%PDF-1.4")
FRONTEND = {"id": "lf1", "name": "Editor", "description": None, "iframeUrlPath": None}

CASES.append(
    Case(
        "project.upsert_instructions",
        lambda c: c.get_project("proj1").upsert_instructions(str(_INSTRUCTIONS)),
        lambda c: _then(
            c.get_project("proj1"), lambda p: p.upsert_instructions(str(_INSTRUCTIONS))
        ),
        {"setprojectinsructionsPyApi": project_activity.SET_PROJECT_INSTRUCTIONS},
        {
            "GetProjectLabelingFrontendPyApi": {"project": {"labelingFrontend": FRONTEND}},
            "setprojectinsructionsPyApi": {
                "setProjectInstructions": {"id": "proj1", "ontology": {"id": "o1", "options": {}}}
            },
        },
    )
)


async def _then(first: Awaitable[Any], then: Callable[[Any], Awaitable[Any]]) -> Any:
    return await then(await first)


async def _remove_user(c: aiolabel.AsyncClient) -> None:
    user = await c.get_user()
    await (await c.get_organization()).remove_user(user)


def _script(rec: Recorder, case: Case) -> None:
    rec.respond_always("GetAvailableUserRolesPyApi", ROLES)
    for name, answer in case.answers.items():
        rec.respond_always(name, answer)


def _official(case: Case) -> list[RecordedRequest]:
    lb_role._ROLES = None  # the official SDK caches the roles for the process
    rec = Recorder()
    _script(rec, case)
    with recording_client(rec) as (client, _):
        case.official(client)
    assert not rec.unscripted, rec.unscripted
    return rec.graphql()


async def _ours(case: Case) -> list[RecordedRequest]:
    rec = Recorder()
    _script(rec, case)
    async with aiolabel.AsyncClient(
        api_key="test-key", endpoint=ENDPOINT, transport=rec.httpx_transport()
    ) as client:
        await case.ours(client)
    assert not rec.unscripted, rec.unscripted
    return rec.graphql()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_official_requests_match_our_documents(case: Case) -> None:
    sent = _official(case)
    for name, ours in case.expect.items():
        requests = [r for r in sent if r.operation_name == name]
        assert requests, f"{name} not sent; sent {[r.operation_name for r in sent]}"
        for request in requests:
            if isinstance(ours, Operation):
                assert_same_wire(request.query or "", ours, official_endpoint=request.endpoint)
            else:
                assert_same_wire(
                    request.query or "",
                    ours.operation,
                    official_variables=request.variables,
                    our_variables=ours.variables,
                    official_endpoint=request.endpoint,
                )


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_our_call_sends_the_official_requests(case: Case) -> None:
    official = _official(case)
    ours = await _ours(case)
    ignore = () if case.id == "get_roles" else SETUP
    assert_same_calls(official, ours, ignore=ignore)
