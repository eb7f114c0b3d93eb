"""IAM integrations (wire doc §3.4): the default signer of a new dataset."""

from __future__ import annotations

from aiolabel._operations import Operation

__all__ = ["GET_ALL_IAM_INTEGRATIONS", "SET_SIGNER_FOR_DATASET", "VALIDATE_DATASET"]

GET_ALL_IAM_INTEGRATIONS = Operation(
    name="getAllIntegrationsPyApi",
    document=(
        "query getAllIntegrationsPyApi { iamIntegrations { createdAt isOrgDefault lastValidAt "
        "name provider id updatedAt valid settings { __typename ... on AwsIamIntegrationSettings "
        "{roleArn} ... on GcpIamIntegrationSettings {serviceAccountEmailId readBucket} } } }"
    ),
    idempotent=True,
)
"""``create_dataset`` with the default ``iam_integration``; no variables; reads
``iamIntegrations[]`` (⟨IAM⟩ plus ``settings``)."""

SET_SIGNER_FOR_DATASET = Operation(
    name="setSignerForDatasetPyApi",
    document=(
        "mutation setSignerForDatasetPyApi($signerId: ID!, $datasetId: ID!) { "
        "setSignerForDataset(data: { signerId: $signerId}, where: {id: $datasetId}){id}}"
    ),
    idempotent=True,
)
"""``{"signerId", "datasetId"}``: setting the same signer again changes nothing."""

VALIDATE_DATASET = Operation(
    name="validateDatasetPyApi",
    document=(
        "mutation validateDatasetPyApi($id: ID!){validateDataset(where: {id : $id}){ valid "
        "checks{name, success}}}"
    ),
    idempotent=True,
)
"""``{"id": dataset_id}``; reads ``validateDataset.valid`` (a check, changes nothing)."""
