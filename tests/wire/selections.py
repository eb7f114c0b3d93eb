"""Entity selection sets, exactly as the official SDK emits them (wire doc §2.2: ⟨P⟩, ⟨DS⟩ …).

Same fields, same order, same spacing. The documents in this package write them out in full (a
document is one constant string); a test checks every document against these and against the
official SDK.
"""

from __future__ import annotations

__all__ = [
    "ATTACHMENT_SELECTION",
    "BATCH_SELECTION",
    "DATASET_SELECTION",
    "DATA_ROW_SELECTION",
    "IAM_INTEGRATION_SELECTION",
    "LPO_SELECTION",
    "ORGANIZATION_SELECTION",
    "PROJECT_SELECTION",
    "TASK_QUEUE_SELECTION",
    "TASK_SELECTION",
    "USER_SELECTION",
]

PROJECT_SELECTION = (
    "autoAuditNumberOfLabels autoAuditPercentage createdAt dataRowCount description "
    "editorTaskType isBenchmarkEnabled isConsensusEnabled lastActivityTime allowedMediaType "
    "modelSetupComplete name setupComplete id updatedAt uploadType"
)
"""⟨P⟩ Project."""

DATASET_SELECTION = "createdAt description name rowCount id updatedAt"
"""⟨DS⟩ Dataset."""

DATA_ROW_SELECTION = (
    "createdAt externalId globalKey mediaAttributes customMetadata { schemaId value } "
    "metadataFields { schemaId name value kind } rowData id updatedAt"
)
"""⟨DR⟩ DataRow."""

BATCH_SELECTION = "consensusSettingsJson createdAt name size id updatedAt"
"""⟨B⟩ Batch."""

TASK_SELECTION = (
    "completionPercentage createdAt errors metadata name result status status type id updatedAt"
)
"""⟨T⟩ Task (``status`` twice, as the official SDK selects it)."""

LPO_SELECTION = (
    "numberOfLabels priority id dataRow{createdAt externalId globalKey mediaAttributes "
    "customMetadata { schemaId value } metadataFields { schemaId name value kind } rowData id "
    "updatedAt}"
)
"""⟨LPO⟩ LabelingParameterOverride, with its cached ``dataRow{⟨DR⟩}``."""

TASK_QUEUE_SELECTION = "dataRowCount description name queueType id"
"""⟨TQ⟩ TaskQueue."""

USER_SELECTION = (
    "createdAt email isExternalUser isViewer lastLoginAt nickname name picture id updatedAt"
)
"""⟨U⟩ User."""

ORGANIZATION_SELECTION = "createdAt name id updatedAt"
"""⟨O⟩ Organization."""

ATTACHMENT_SELECTION = "name type value id"
"""⟨ATT⟩ AssetAttachment."""

IAM_INTEGRATION_SELECTION = "createdAt isOrgDefault lastValidAt name provider id updatedAt valid"
"""⟨IAM⟩ IAMIntegration."""
