"""Every GraphQL document aiolabel can send, with example variables.

:func:`catalogue` yields ``(label, Operation, variables)`` for

* every :class:`~aiolabel._operations.Operation` constant of every module of
  ``aiolabel._operations`` (found by scanning, so new modules and constants are included), with
  the example variables of :data:`EXAMPLES` or, for operations whose variables are all scalars
  or lists of scalars, variables generated from the declared types;
* documents the builder makes (``_builder``: gets, lists, relationships, create, update, delete)
  and the LPO document, each with its own variables.

The emulator tests use it to check that each document validates against the emulator's SDL and
that the example variables coerce::

    from tests.wire.catalogue import catalogue
    for label, operation, variables in catalogue():
        ...
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import graphql
from graphql.language import ast

import aiolabel._operations as operations_package
from aiolabel._operations import Operation
from aiolabel._operations import _builder as b
from aiolabel._operations._entities import (
    DATA_ROW,
    DATASET,
    LABELING_FRONTEND,
    LABELING_FRONTEND_OPTIONS,
    MODEL,
    MODEL_RUN,
    ONTOLOGY,
    ORGANIZATION,
    PROJECT,
    TASK,
    USER,
)
from aiolabel._operations.labeling_parameter_overrides import set_labeling_parameter_overrides
from aiolabel.identifiers import GlobalKey, UniqueId

F = b.FieldRef

SCALAR_EXAMPLES: dict[str, Any] = {
    "ID": "id1",
    "String": "text",
    "Int": 1,
    "Float": 0.5,
    "Boolean": True,
    "DateTime": "2024-01-01T00:00:00Z",
    "Json": {},
    "PageSize": 100,
    "UInt64": "0",
    "Upload": None,
    "MediaType": "IMAGE",
    "EditorTaskType": "MODEL_CHAT_EVALUATION",
    "UploadType": "MANUAL",
    "TaskStatus": "COMPLETE",
    "IssueStatus": "Open",
    "AttachmentType": "RAW_TEXT",
    "DeleteBatchLabelsType": "RequeueData",
    "TaskStreamType": "RESULT",
    # input objects of the ontology documents (two constants share the official operation name
    # upsertRootSchemaNodePyApi, so their examples go by type)
    "UpsertOntologyInput": {"name": "o", "normalized": '{"tools": []}', "mediaType": "IMAGE"},
    "UpsertRootSchemaNodeInput": {"normalized": '{"tool": "line", "name": "l"}'},
    "RootSchemaNodeWhere": {"featureSchemaId": "fs1"},
    "OntologyFilter": {"status": "ALL"},
    "RootSchemaNodeFilter": {"status": "ALL"},
}
"""An example value for every scalar and enum type a document declares."""

_IDS = {"ids": ["dr1", "dr2"], "idType": "ID"}
_CONSENSUS = {"numberOfLabels": 3, "coveragePercentage": 0.1}
_EXPORT_PARAMS = {
    "mediaTypeOverride": None,
    "includeAttachments": False,
    "includeEmbeddings": False,
    "includeMetadata": False,
    "includeDataRowDetails": False,
    "includeProjectDetails": False,
    "includePerformanceDetails": False,
    "includeLabelDetails": False,
    "includeInterpolatedFrames": False,
}

EXAMPLES: dict[str, dict[str, Any]] = {
    # operation name -> variables as the official SDK sends them (wire doc §3–§8)
    "createInvitesPyApi": {
        "data": [
            {
                "inviterId": "user1",
                "inviteeEmail": "a@b.co",
                "organizationId": "org1",
                "organizationRoleId": "role1",
                "projects": [{"projectId": "proj1", "projectRoleId": "role2"}],
                "userGroupIds": [],
                "userGroupWithRoleIds": [],
            }
        ]
    },
    "createBatchV2PyApi": {
        "projectId": "proj1",
        "batchInput": {
            "name": "b",
            "dataRowIds": ["dr1", "dr2"],
            "globalKeys": None,
            "priority": 3,
            "consensusSettings": _CONSENSUS,
        },
    },
    "createEmptyBatchPyApi": {
        "projectId": "proj1",
        "input": {"name": "b", "consensusSettings": None},
    },
    "addDataRowsToBatchAsyncPyApi": {
        "projectId": "proj1",
        "input": {"batchId": "batch1", "dataRowIds": ["dr1"], "globalKeys": None, "priority": 5},
    },
    "createBatchesPyApi": {
        "projectId": "proj1",
        "input": {
            "batchNamePrefix": "pre",
            "dataRowIds": ["dr1"],
            "globalKeys": None,
            "priority": 2,
            "consensusSettings": None,
        },
    },
    "createBatchesFromDatasetPyApi": {
        "projectId": "proj1",
        "input": {
            "batchNamePrefix": "pre",
            "datasetId": "ds1",
            "priority": 5,
            "consensusSettings": _CONSENSUS,
        },
    },
    "createQueuePriorityUpdateTaskPyApi": {
        "priority": 1,
        "projectId": "proj1",
        "dataRowIdentifiers": _IDS,
    },
    "AddDataRowsToTaskQueueAsyncPyApi": {
        "projectId": "proj1",
        "queueId": "tq1",
        "dataRowIdentifiers": {"ids": ["gk1"], "idType": "GKEY"},
    },
    "DatasetDataRowsPyApi": {
        "id": "ds1",
        "from": None,
        "first": 500,
        "where": {"externalId": "e1"},
    },
    "assignGlobalKeysToDataRowsPyApi": {
        "globalKeyDataRowLinks": [{"dataRowId": "dr1", "globalKey": "gk1"}]
    },
    "exportDataRowsInProjectPyApi": {
        "input": {
            "taskName": "tn",
            "isStreamableReady": True,
            "filters": {
                "projectId": "proj1",
                "searchQuery": {
                    "scope": None,
                    "query": [{"ids": ["gk1"], "operator": "is", "type": "global_key"}],
                },
            },
            "params": _EXPORT_PARAMS,
            "streamable": True,
        }
    },
    "exportDataRowsInCatalogPyApi": {
        "input": {
            "taskName": "Export v2: dataset - ds",
            "filters": {
                "searchQuery": {
                    "scope": None,
                    "query": [{"ids": ["ds1"], "operator": "is", "type": "dataset"}],
                }
            },
            "isStreamableReady": True,
            "params": _EXPORT_PARAMS
            | {
                "includePredictions": False,
                "projectIds": None,
                "modelRunIds": None,
                "allProjects": False,
                "allModelRuns": False,
            },
            "streamable": True,
        }
    },
    "UpsertDataRowMetadataBetaPyApi": {
        "metadata": [
            {
                "globalKey": None,
                "dataRowId": "dr1",
                "fields": [{"schemaId": "cko8s9r5v0001h2dk9elqdidh", "value": "x"}],
            }
        ]
    },
    "DeleteDataRowMetadataBetaPyApi": {
        "deletes": [
            {
                "schemaIds": ["cko8s9r5v0001h2dk9elqdidh"],
                "dataRowIdentifier": {"id": "dr1", "idType": "ID"},
            }
        ]
    },
    "UpsertCustomMetadataSchemaPyApi": {
        "data": {
            "name": "color",
            "kind": "CustomMetadataEnum",
            "options": [{"name": "red", "kind": "CustomMetadataEnumOption"}],
        }
    },
    "DeleteCustomMetadataSchemaPyApi": {"where": {"id": "schema1"}},
    "dataRowCustomMetadataPyApi": {"dataRowIdentifiers": {"ids": ["gk1"], "idType": "GKEY"}},
    "GetExportMetadataHeaderPyApi": {"where": {"id": "task1"}, "streamType": "RESULT"},
    "GetExportFileFromOffsetPyApi": {
        "where": {"id": "task1"},
        "streamType": "RESULT",
        "offset": "0",
    },
}


_WHERE_TASK = {"where": {"id": "task1"}}
_SEND_COMMON = {
    "destinationProjectId": "proj1",
    "batchInput": {"batchName": "b", "batchPriority": 5},
    "destinationTaskQueue": {"type": "id", "value": "queue1"},
    "excludeDataRowsInProject": False,
    "conflictLabelsResolutionStrategy": "KEEP_EXISTING",
}
_PREDICTIONS = {
    "featureSchemaIdsMapping": {},
    "modelRunId": "run1",
    "minConfidence": 0,
    "maxConfidence": 1,
}
EXAMPLES.update(
    {
        # models, model runs, slices, send to annotate (schema/model_run.py, slice.py, client.py)
        "MEALabelRegistrationTaskStatusPyApi": _WHERE_TASK,
        "MEADataRowRegistrationTaskStatusPyApi": _WHERE_TASK,
        "assignDataSplitPyApi": {
            "modelRunId": "run1",
            "data": {
                "assignments": [{"split": "TRAINING", "dataRowIds": ["dr1"], "globalKeys": None}]
            },
        },
        "setPipelineStatusPyApi": {
            "modelRunId": "run1",
            "data": {"status": "FAILED", "errorMessage": "e", "metadata": {"k": "v"}},
        },
        "updateModelRunConfigPyApi": {"modelRunId": "run1", "data": {"config": {"lr": 1}}},
        "getDataRowIdenfifiersBySavedModelQueryPyApi": {
            "id": "slice1",
            "modelRunId": "run1",
            "from": {"dataRowId": "dr1", "globalKey": None},
            "first": 100,
        },
        "exportDataRowsInModelRunPyApi": {
            "input": {
                "taskName": None,
                "filters": {"modelRunId": "run1"},
                "isStreamableReady": True,
                "params": {"mediaTypeOverride": None, "includePredictions": True},
                "streamable": True,
            }
        },
        "exportDataRowsInSlicePyApi": {
            "input": {
                "taskName": "t",
                "filters": {"sliceId": "slice1"},
                "isStreamableReady": True,
                "params": {"includeLabelDetails": True, "projectIds": None},
                "streamable": True,
            }
        },
        "CreateModelJobPyApi": {
            "input": {
                "modelId": "model1",
                "name": "run",
                "classToSchemaId": {},
                "inferenceParams": {},
                "ontologyId": "onto1",
                "modelAppId": "app1",
                "dataRowIds": ["dr1"],
            }
        },
        "SendToAnnotateFromMeaPyApi": {
            "input": _SEND_COMMON
            | {
                "annotationsInput": None,
                "predictionsInput": _PREDICTIONS,
                "searchQuery": [{"type": "data_row_id", "operator": "is", "ids": ["dr1"]}],
                "sourceModelRunId": "run1",
            }
        },
        "SendToAnnotateFromCatalogPyApi": {
            "input": _SEND_COMMON
            | {
                "annotationsInput": {"projectId": "proj2", "featureSchemaIdsMapping": {}},
                "predictionsInput": None,
                "searchQuery": {
                    "scope": None,
                    "query": [{"type": "global_key", "operator": "is", "ids": ["gk"]}],
                },
                "ordering": {"type": "RANDOM", "random": {"seed": 1}, "sorting": None},
                "sorting": None,
                "limit": None,
            }
        },
    }
)


def operation_constants() -> Iterator[tuple[str, Operation]]:
    """``("projects.GET_PROJECT", Operation)`` for every constant of ``aiolabel._operations``."""
    for info in sorted(pkgutil.iter_modules(operations_package.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{operations_package.__name__}.{info.name}")
        for attr, value in sorted(vars(module).items()):
            if isinstance(value, Operation):
                yield f"{info.name}.{attr}", value


def _named_type(type_node: ast.TypeNode) -> str:
    while not isinstance(type_node, ast.NamedTypeNode):
        type_node = type_node.type  # type: ignore[attr-defined]
    return type_node.name.value


def _example(type_node: ast.TypeNode) -> Any:
    if isinstance(type_node, ast.NonNullTypeNode):
        return _example(type_node.type)
    if isinstance(type_node, ast.ListTypeNode):
        return [_example(type_node.type)]
    assert isinstance(type_node, ast.NamedTypeNode)
    name = type_node.name.value
    if name not in SCALAR_EXAMPLES:
        raise KeyError(name)
    return SCALAR_EXAMPLES[name]


def generated_variables(operation: Operation) -> dict[str, Any]:
    """Variables made from the declared types; KeyError names a type that needs an example."""
    doc = graphql.parse(operation.document, no_location=True)
    op = doc.definitions[0]
    assert isinstance(op, ast.OperationDefinitionNode)
    return {d.variable.name.value: _example(d.type) for d in op.variable_definitions or ()}


def example_variables(operation: Operation) -> dict[str, Any]:
    """Example variables for a constant: :data:`EXAMPLES` first, else generated."""
    if operation.name in EXAMPLES:
        return dict(EXAMPLES[operation.name])
    return generated_variables(operation)


def built_examples() -> Iterator[tuple[str, b.Built]]:
    """A spread of builder-made documents (every shape the builder can produce)."""
    since = datetime(2024, 1, 1, tzinfo=UTC)
    for entity in (PROJECT, DATASET, DATA_ROW):
        yield f"get_one({entity.name})", b.get_one(entity, "id1")
    for entity in (USER, ORGANIZATION):
        yield f"get_one({entity.name})", b.get_one(entity)
    yield "get_all(Project)", b.get_all(PROJECT, exclude_deleted=True)
    yield (
        "get_all(Project, name & created_at)",
        b.get_all(PROJECT, (F("name") == "x") & (F("created_at") >= since), exclude_deleted=True),
    )
    yield (
        "get_all(Dataset, 3 comparisons)",
        b.get_all(DATASET, (F("name") != "x") & (F("row_count") > 3) & (F("description") == "d")),
    )
    yield "relationship(Project.organization)", b.relationship(PROJECT, "proj1", "organization")
    yield (
        "relationship(Project.labeling_parameter_overrides)",
        b.relationship(PROJECT, "proj1", "labeling_parameter_overrides"),
    )
    yield "relationship(DataRow.attachments)", b.relationship(DATA_ROW, "dr1", "attachments")
    yield "relationship(DataRow.dataset)", b.relationship(DATA_ROW, "dr1", "dataset")
    yield (
        "relationship(User.created_tasks, where, order_by)",
        b.relationship(
            USER, "user1", "created_tasks", F("uid") == "task1", order_by=F("created_at").desc
        ),
    )
    yield (
        "relationship(Organization.projects)",
        b.relationship(ORGANIZATION, None, "projects", F("name") == "p"),
    )
    yield (
        "create(Project)",
        b.create(
            PROJECT,
            {
                "name": "p",
                "description": "d",
                "media_type": "IMAGE",
                "auto_audit_percentage": 0,
                "auto_audit_number_of_labels": 3,
                "is_benchmark_enabled": True,
                "is_consensus_enabled": True,
            },
        ),
    )
    yield "create(Dataset)", b.create(DATASET, {"name": "ds"})
    yield "get_one(Ontology)", b.get_one(ONTOLOGY, "onto1")
    for entity, uid, rel in (
        (PROJECT, "proj1", "ontology"),
        (PROJECT, "proj1", "labeling_frontend"),
        (PROJECT, "proj1", "labeling_frontend_options"),
        (ONTOLOGY, "onto1", "projects"),
        (ONTOLOGY, "onto1", "created_by"),
        (TASK, "task1", "created_by"),
        (TASK, "task1", "organization"),
    ):
        yield f"relationship({entity.name}.{rel})", b.relationship(entity, uid, rel)
    yield "get_one(Model)", b.get_one(MODEL, "model1")
    yield "get_all(Model, name)", b.get_all(MODEL, F("name") == "m")
    yield "relationship(Model.model_runs)", b.relationship(MODEL, "model1", "model_runs")
    yield "get_one(ModelRun)", b.get_one(MODEL_RUN, "run1")
    yield "get_all(LabelingFrontend)", b.get_all(LABELING_FRONTEND, exclude_deleted=True)
    yield (
        "get_all(LabelingFrontend, name)",
        b.get_all(LABELING_FRONTEND, F("name") == "Editor", exclude_deleted=True),
    )
    yield (
        "create(LabelingFrontendOptions)",
        b.create(
            LABELING_FRONTEND_OPTIONS,
            {"project": "proj1", "labeling_frontend": "lf1", "customization_options": "{}"},
        ),
    )
    yield "update(Project)", b.update(PROJECT, "proj1", {"name": "n", "description": "d"})
    yield "update(Dataset)", b.update(DATASET, "ds1", {"name": "n"})
    yield (
        "update(DataRow)",
        b.update(DATA_ROW, "dr1", {"external_id": "e", "global_key": "g", "row_data": "r"}),
    )
    yield "delete(Project)", b.delete(PROJECT, "proj1")
    yield "delete(Dataset)", b.delete(DATASET, "ds1")
    yield (
        "set_labeling_parameter_overrides",
        set_labeling_parameter_overrides("proj1", [(UniqueId("dr1"), 2), (GlobalKey('g"k'), 1)]),
    )


def webhook_examples() -> Iterator[tuple[str, Operation, dict[str, Any]]]:
    """The webhook documents, whose topic and status names depend on the call."""
    from aiolabel._operations import webhooks

    url = {"url": "https://example.com/h"}
    yield (
        "webhooks.create_webhook(project)",
        webhooks.create_webhook(["LABEL_CREATED", "WORKFLOW_ACTION"], with_project=True),
        {"projectId": "proj1", "secret": "s"} | url,
    )
    yield (
        "webhooks.create_webhook(organization)",
        webhooks.create_webhook(["LABEL_DELETED"], with_project=False),
        {"secret": "s"} | url,
    )
    yield (
        "webhooks.update_webhook(all)",
        webhooks.update_webhook(["LABEL_UPDATED"], with_url=True, status="INACTIVE"),
        {"id": "w1"} | url,
    )
    yield (
        "webhooks.update_webhook(status)",
        webhooks.update_webhook(None, with_url=False, status="ACTIVE"),
        {"id": "w1"},
    )


def catalogue() -> Iterator[tuple[str, Operation, dict[str, Any]]]:
    """Every document aiolabel can send, labelled, with example variables."""
    for label, operation in operation_constants():
        yield label, operation, example_variables(operation)
    for label, built in built_examples():
        yield f"_builder.{label}", built.operation, built.variables
    yield from webhook_examples()
