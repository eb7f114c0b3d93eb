"""The public surface: ``aiolabel.__all__`` is exactly the list below, every name in it can be
imported and has its own docstring, and every public name of the package is in it.

A change to the public API changes this list, deliberately."""

from __future__ import annotations

import importlib
import inspect

import pytest

import aiolabel

EXPORTED = [
    "AnnotationImportState",
    "ApiLimitError",
    "AssetAttachment",
    "AsyncClient",
    "AttachmentType",
    "AuthenticationError",
    "AuthorizationError",
    "Batch",
    "Benchmark",
    "BulkImportRequest",
    "BulkImportRequestState",
    "CatalogSlice",
    "Classification",
    "CollectionJobStatus",
    "ConflictResolutionStrategy",
    "ConsensusSettings",
    "CreateBatchesTask",
    "DataRow",
    "DataRowIds",
    "DataRowMetadata",
    "DataRowMetadataBatchResponse",
    "DataRowMetadataField",
    "DataRowMetadataKind",
    "DataRowMetadataOntology",
    "DataRowMetadataSchema",
    "DataSplit",
    "DataUpsertTask",
    "DataUpsertTaskGroup",
    "Dataset",
    "DeleteBatchLabelsType",
    "DeleteDataRowMetadata",
    "DeleteFeatureFromOntologyResult",
    "ExportFilters",
    "ExportParams",
    "ExportTask",
    "FeatureSchema",
    "FeatureSchemaAttribute",
    "GlobalKey",
    "GlobalKeys",
    "IAMIntegration",
    "IdType",
    "InconsistentOntologyException",
    "InputError",
    "InputTypeError",
    "InternalServerError",
    "InvalidQueryError",
    "Invite",
    "InviteLimit",
    "Label",
    "LabelImport",
    "LabelboxError",
    "LabelerPerformance",
    "LabelingFrontend",
    "LabelingFrontendOptions",
    "LabelingParameterOverride",
    "MALPredictionImport",
    "MEAPredictionImport",
    "MEAToMALPredictionImport",
    "MalformedQueryException",
    "MediaType",
    "Model",
    "ModelRun",
    "ModelRunDataRow",
    "ModelSlice",
    "NetworkError",
    "Ontology",
    "OntologyBuilder",
    "OntologyKind",
    "OperationNotAllowedException",
    "Option",
    "Organization",
    "Paginator",
    "PartialFailureError",
    "ProcessingWaitTimeout",
    "Project",
    "ProjectMember",
    "ProjectRole",
    "PromptResponseClassification",
    "QualityMode",
    "ResourceConflict",
    "ResourceNotFoundError",
    "ResourceTag",
    "ResponseOption",
    "Review",
    "Role",
    "SendToAnnotateFromCatalogParams",
    "SendToAnnotateFromModelParams",
    "Slice",
    "StreamType",
    "Task",
    "TaskFailedError",
    "TaskQueue",
    "TaskStatus",
    "TaskTimeout",
    "TimeoutError",
    "Tool",
    "UniqueId",
    "UniqueIds",
    "UnprocessableEntityError",
    "UpsertPartialFailure",
    "User",
    "ValidationFailedError",
    "Webhook",
    "WorkflowStatus",
    "__version__",
    "verify_webhook_signature",
]


def test_all_is_exactly_the_exported_list_sorted() -> None:
    assert aiolabel.__all__ == EXPORTED
    assert sorted(aiolabel.__all__) == aiolabel.__all__


def test_every_public_name_of_the_package_is_exported() -> None:
    public = {
        name
        for name, value in vars(aiolabel).items()
        if not name.startswith("_") and not inspect.ismodule(value)
    }
    assert public == set(aiolabel.__all__) - {"__version__"}


@pytest.mark.parametrize("name", EXPORTED)
def test_every_exported_name_imports(name: str) -> None:
    module = importlib.import_module("aiolabel")
    assert getattr(module, name) is getattr(aiolabel, name)
    namespace: dict[str, object] = {}
    exec(f"from aiolabel import {name}", namespace)
    assert namespace[name] is getattr(aiolabel, name)


@pytest.mark.parametrize("name", [n for n in EXPORTED if n != "__version__"])
def test_every_exported_name_has_its_own_docstring(name: str) -> None:
    value = getattr(aiolabel, name)
    doc = value.__dict__.get("__doc__") if inspect.isclass(value) else value.__doc__
    assert isinstance(doc, str), name
    assert doc.strip(), name


def test_version_is_a_string() -> None:
    assert isinstance(aiolabel.__version__, str)
    assert aiolabel.__version__


@pytest.mark.parametrize("name", [n for n in EXPORTED if n != "__version__"])
def test_every_exported_class_lives_in_a_public_module(name: str) -> None:
    value = getattr(aiolabel, name)
    if inspect.isclass(value):
        module = value.__module__
        assert module.startswith("aiolabel."), (name, module)
        assert not any(part.startswith("_") for part in module.split(".")), (name, module)
