"""Project activity documents (official SDK 7.17 ``schema/project.py``, ``data_row.py``):
labeler performance, review metrics, the issues export, reservation extension, a data row's
winning label.

``review_metrics`` and ``extend_reservations`` write an enum *name* into the text (the net score,
the queue type), as the official SDK does; there is one fixed document per name here, so no value
from the caller ever reaches the text.
"""

from __future__ import annotations

from types import MappingProxyType

from aiolabel._operations import Operation

__all__ = [
    "EXTEND_RESERVATIONS",
    "ISSUES_EXPORT",
    "LABELER_PERFORMANCE",
    "QUEUE_TYPES",
    "REVIEW_METRICS",
    "SET_PROJECT_INSTRUCTIONS",
    "WINNING_LABEL_ID",
]

_USER = "createdAt email isExternalUser isViewer lastLoginAt nickname name picture id updatedAt"

LABELER_PERFORMANCE = Operation(
    name="LabelerPerformancePyApi",
    document=(
        "query LabelerPerformancePyApi($projectId: ID!, $skip: Int!, $first: Int!) { "
        "project(where: {id: $projectId}) { labelerPerformance(skip: $skip first: $first) { "
        "count user {createdAt email isExternalUser isViewer lastLoginAt nickname name "
        "picture id updatedAt} secondsPerLabel totalTimeLabeling consensus "
        "averageBenchmarkAgreement lastActivityTime} }}"
    ),
)
"""``project.labeler_performance()``, offset pages of 100: ``{"projectId", "skip", "first"}``
(``skip``/``first`` are literals in the official text)."""

ISSUES_EXPORT = Operation(
    name="GetProjectIssuesExportPyApi",
    document=(
        "query GetProjectIssuesExportPyApi($projectId: ID!, $status: IssueStatus) { "
        "project(where: { id: $projectId }) { issueExportUrl(where: { status: $status }) } }"
    ),
)
"""``project.export_issues(status)``: ``{"projectId", "status"}`` (``None``, Open, Resolved)."""

WINNING_LABEL_ID = Operation(
    name="GetWinningLabelIdPyApi",
    document=(
        "query GetWinningLabelIdPyApi($dataRowId: ID!, $projectId: ID!) { "
        "dataRow(where: { id: $dataRowId }) { labelingActivity(where: { projectId: $projectId }) "
        "{ selectedLabelId } }}"
    ),
)
"""``data_row.get_winning_label_id(project_id)``: ``{"dataRowId", "projectId"}``."""


REVIEW_METRICS = MappingProxyType(
    {
        "None": Operation(
            name="ProjectReviewMetricsPyApi",
            document=(
                "query ProjectReviewMetricsPyApi($projectId: ID!){ project(where: {id:$projectId}) "
                "{reviewMetrics {labelAggregate(netScore: None) {count}}} }"
            ),
        ),
        "Negative": Operation(
            name="ProjectReviewMetricsPyApi",
            document=(
                "query ProjectReviewMetricsPyApi($projectId: ID!){ project(where: {id:$projectId}) "
                "{reviewMetrics {labelAggregate(netScore: Negative) {count}}} }"
            ),
        ),
        "Zero": Operation(
            name="ProjectReviewMetricsPyApi",
            document=(
                "query ProjectReviewMetricsPyApi($projectId: ID!){ project(where: {id:$projectId}) "
                "{reviewMetrics {labelAggregate(netScore: Zero) {count}}} }"
            ),
        ),
        "Positive": Operation(
            name="ProjectReviewMetricsPyApi",
            document=(
                "query ProjectReviewMetricsPyApi($projectId: ID!){ project(where: {id:$projectId}) "
                "{reviewMetrics {labelAggregate(netScore: Positive) {count}}} }"
            ),
        ),
    }
)
"""``project.review_metrics(net_score)`` by net score name: ``{"projectId"}``."""

QUEUE_TYPES = ("LabelingQueue", "ReviewQueue")

EXTEND_RESERVATIONS = MappingProxyType(
    {
        "LabelingQueue": Operation(
            name="ExtendReservationsPyApi",
            document=(
                "mutation ExtendReservationsPyApi($projectId: ID!){ "
                "extendReservations(projectId:$projectId queueType:LabelingQueue)}"
            ),
            idempotent=True,
        ),
        "ReviewQueue": Operation(
            name="ExtendReservationsPyApi",
            document=(
                "mutation ExtendReservationsPyApi($projectId: ID!){ "
                "extendReservations(projectId:$projectId queueType:ReviewQueue)}"
            ),
            idempotent=True,
        ),
    }
)
"""``project.extend_reservations(queue_type)`` by queue type: ``{"projectId"}``."""

SET_PROJECT_INSTRUCTIONS = Operation(
    name="setprojectinsructionsPyApi",
    document=(
        "mutation setprojectinsructionsPyApi($projectId: ID!, $instructions_url: String!) { "
        "setProjectInstructions( where: {id: $projectId}, data: {instructionsUrl: "
        "$instructions_url} ) { id ontology { id options } } }"
    ),
    idempotent=True,
)
"""``project.upsert_instructions(path)`` after the upload: ``{"projectId", "instructions_url"}``
(the name's spelling is the official SDK's)."""
