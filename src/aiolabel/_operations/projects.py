"""Project documents (wire doc §3.2–§3.3, §5.10): get, delete, label count, members.

``create``, ``update``, ``get_projects`` and relationship fetches depend on the call: build them
with :mod:`._builder` (``create(PROJECT, …)``, ``update(PROJECT, …)``,
``get_all(PROJECT, where, exclude_deleted=True)``, ``relationship(PROJECT, id, …)``).
"""

from __future__ import annotations

from aiolabel._operations import Operation

__all__ = ["DELETE_PROJECT", "GET_PROJECT", "LABEL_COUNT", "PROJECT_MEMBERS"]

GET_PROJECT = Operation(
    name="GetProjectPyApi",
    document=(
        "query GetProjectPyApi($param_0: ID!){project(where: {id: $param_0}){"
        "autoAuditNumberOfLabels autoAuditPercentage createdAt dataRowCount description "
        "editorTaskType isBenchmarkEnabled isConsensusEnabled lastActivityTime allowedMediaType "
        "modelSetupComplete name setupComplete id updatedAt uploadType}}"
    ),
    idempotent=True,
)
"""``client.get_project(id)``; variables ``{"param_0": id}``; reads ``project`` (⟨P⟩)."""

DELETE_PROJECT = Operation(
    name="deleteProjectPyApi",
    document=(
        "mutation deleteProjectPyApi($ProjectId: ID!){updateProject("
        " where: {id: $ProjectId} data: {deleted: true}) {id}}"
    ),
    idempotent=True,
)
"""``project.delete()`` (soft delete); variables ``{"ProjectId": id}``."""

LABEL_COUNT = Operation(
    name="LabelCountPyApi",
    document=(
        "query LabelCountPyApi($projectId: ID!) { project(where: {id: $projectId}) { labelCount } }"
    ),
    idempotent=True,
)
"""``project.get_label_count()``; reads ``project.labelCount``."""

PROJECT_MEMBERS = Operation(
    name="ProjectMemberOverviewPyApi",
    document=(
        "query ProjectMemberOverviewPyApi($projectId: ID!, $skip: Int!, $first: Int!) {"
        " project(where: {id : $projectId}) { id members(skip: $skip first: $first){ id user {"
        " createdAt email isExternalUser isViewer lastLoginAt nickname name picture id updatedAt"
        " } role { id name } accessFrom } } }"
    ),
    idempotent=True,
)
"""``project.members()``, offset pages of 100: ``{"projectId", "skip", "first"}``.

Reads ``project.members[]``. ``skip``/``first`` are variables here, literals in the official SDK.
"""
