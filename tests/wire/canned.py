"""Canned answers for the recorder: the response shapes of wire doc §10.4, per operation name.

Each answer carries every key the official SDK reads, so an official call runs to completion.
Ids are stable strings (``proj1``, ``ds1``, ``dr1``, ``batch1``, ``task1`` …); new tasks are
remembered in :class:`CannedState` so that the task lookup answers with the right type.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests._support.wire import TS
from tests._support.wire import user as wire_user

USER_ID = "user1"
ORG_ID = "org1"

Json = Any


class _NoDefault:
    pass


NO_DEFAULT: Any = _NoDefault()


@dataclass
class CannedState:
    """What the canned server remembers between requests of one recorder."""

    task_types: dict[str, str] = field(default_factory=dict)
    task_status: str = "COMPLETE"
    """Status returned by the task lookup (``IN_PROGRESS`` would make the SDK poll)."""
    export_lines: list[Json] = field(
        default_factory=lambda: [{"data_row": {"id": "dr1"}}, {"data_row": {"id": "dr2"}}]
    )
    file_base: str = "http://files.recorder.invalid/"
    files: dict[str, bytes] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def new_task(self, task_type: str) -> str:
        task_id = f"task{next(self._ids)}"
        self.task_types[task_id] = task_type
        return task_id

    def export_bytes(self) -> bytes:
        return "".join(json.dumps(line) + "\n" for line in self.export_lines).encode()


# -- entities (all keys of the selection sets of wire doc §2.2) -------------------------------


def user(**over: Json) -> Json:
    return wire_user(USER_ID, **over)


def organization(**over: Json) -> Json:
    return {"createdAt": TS, "name": "org", "id": ORG_ID, "updatedAt": TS} | over


def project(**over: Json) -> Json:
    return {
        "autoAuditNumberOfLabels": 3,
        "autoAuditPercentage": 0,
        "createdAt": TS,
        "dataRowCount": 0,
        "description": "",
        "editorTaskType": None,
        "isBenchmarkEnabled": True,
        "isConsensusEnabled": True,
        "lastActivityTime": TS,
        "allowedMediaType": "IMAGE",
        "modelSetupComplete": None,
        "name": "p",
        "setupComplete": None,
        "id": "proj1",
        "updatedAt": TS,
        "uploadType": None,
    } | over


def dataset(**over: Json) -> Json:
    return {
        "createdAt": TS,
        "description": None,
        "name": "ds",
        "rowCount": 0,
        "id": "ds1",
        "updatedAt": TS,
    } | over


def data_row(**over: Json) -> Json:
    return {
        "createdAt": TS,
        "externalId": None,
        "globalKey": "gk1",
        "mediaAttributes": {},
        "customMetadata": [],
        "metadataFields": [],
        "rowData": "https://x/1.jpg",
        "id": "dr1",
        "updatedAt": TS,
    } | over


def batch(**over: Json) -> Json:
    return {
        "consensusSettingsJson": None,
        "createdAt": TS,
        "name": "b",
        "size": 2,
        "id": "batch1",
        "updatedAt": TS,
    } | over


def task(**over: Json) -> Json:
    return {
        "completionPercentage": 1.0,
        "createdAt": TS,
        "errors": None,
        "metadata": None,
        "name": "task",
        "result": None,
        "status": "COMPLETE",
        "type": "export-data-rows",
        "id": "task1",
        "updatedAt": TS,
    } | over


def task_queue(**over: Json) -> Json:
    return {
        "dataRowCount": 0,
        "description": "",
        "name": "Initial labeling task",
        "queueType": "INITIAL_LABELING_QUEUE",
        "id": "tq1",
    } | over


def attachment(**over: Json) -> Json:
    return {"name": "nm", "type": "RAW_TEXT", "value": "hello", "id": "att1"} | over


def iam_integration(**over: Json) -> Json:
    return {
        "createdAt": TS,
        "isOrgDefault": True,
        "lastValidAt": TS,
        "name": "aws",
        "provider": "AWS",
        "id": "iam1",
        "updatedAt": TS,
        "valid": True,
        "settings": {"__typename": "AwsIamIntegrationSettings", "roleArn": "arn:aws:iam::1:role/x"},
    } | over


METADATA_ONTOLOGY = [
    {
        "id": "cko8s9r5v0001h2dk9elqdidh",
        "name": "tag",
        "kind": "CustomMetadataString",
        "reserved": True,
        "options": [],
    },
    {
        "id": "cko8sbczn0002h2dkdaxb5kal",
        "name": "split",
        "kind": "CustomMetadataEnum",
        "reserved": True,
        "options": [
            {
                "id": "cko8sbscr0003h2dk04w86hof",
                "kind": "CustomMetadataEnumOption",
                "name": "train",
                "reserved": True,
            }
        ],
    },
]


# -- per-operation defaults --------------------------------------------------------------------


def _var(variables: Json, *names: str, default: Json = None) -> Json:
    for name in names:
        if isinstance(variables, dict) and variables.get(name) is not None:
            return variables[name]
    return default


def _created_tasks(v: Json, s: CannedState) -> Json:
    task_id = _var(v, "taskId", "param_0", default="task1")
    task_type = s.task_types.get(task_id, "export-data-rows")
    return {"user": {"createdTasks": [task(id=task_id, type=task_type, status=s.task_status)]}}


def _upsert(v: Json, s: CannedState) -> Json:
    task_id = s.new_task("adv-upsert-data-rows")
    return {
        "upsertDataRows": {
            "id": task_id,
            "createdAt": TS,
            "updatedAt": TS,
            "name": "upsert",
            "status": "IN_PROGRESS",
            "completionPercentage": 0.0,
            "result": None,
            "errors": None,
            "type": "adv-upsert-data-rows",
            "metadata": None,
        }
    }


def _upload(v: Json, s: CannedState) -> Json:
    url = f"{s.file_base}upload{len(s.files) + 1}"
    s.files[url] = b""
    return {"uploadFile": {"url": url, "filename": "f"}}


def _export_header(v: Json, s: CannedState) -> Json:
    if _var(v, "streamType") != "RESULT":
        return {"task": {"exportMetadataHeader": None}}
    body = s.export_bytes()
    return {
        "task": {
            "exportMetadataHeader": {"totalSize": len(body), "totalLines": len(s.export_lines)}
        }
    }


def _export_file(v: Json, s: CannedState) -> Json:
    body = s.export_bytes()
    start = int(_var(v, "offset", default="0"))
    url = f"{s.file_base}export/{_var(v, 'where', default={}).get('id')}/{start}"
    s.files[url] = body[start:]
    return {
        "task": {
            "exportFileFromOffset": {
                "offsets": {"start": start, "end": len(body) - 1},
                "lines": {"start": 0, "end": len(s.export_lines) - 1},
                "file": url,
            }
        }
    }


def _export(root: str) -> Callable[[Json, CannedState], Json]:
    def answer(v: Json, s: CannedState) -> Json:
        return {root: {"taskId": s.new_task("export-data-rows"), "isStreamable": True}}

    return answer


def _project_task(root: str, task_type: str) -> Callable[[Json, CannedState], Json]:
    def answer(v: Json, s: CannedState) -> Json:
        return {"project": {root: {"taskId": s.new_task(task_type)}}}

    return answer


def _create_batches(root: str) -> Callable[[Json, CannedState], Json]:
    def answer(v: Json, s: CannedState) -> Json:
        task_id = s.new_task("create-batches")
        return {"project": {root: {"tasks": [{"batchUuid": "batch1", "taskId": task_id}]}}}

    return answer


def _global_key_result(v: Json, s: CannedState) -> Json:
    return {
        "dataRowsForGlobalKeysResult": {
            "jobStatus": "COMPLETE",
            "data": {
                "fetchedDataRows": [{"id": "dr1"}],
                "notFoundGlobalKeys": [],
                "accessDeniedGlobalKeys": [],
            },
        }
    }


def _echo_create_project(v: Json, s: CannedState) -> Json:
    return {
        "createProject": project(
            name=_var(v, "name", default="p"),
            description=_var(v, "description", default=""),
            allowedMediaType=_var(v, "allowedMediaType", default="IMAGE"),
        )
    }


_DEFAULTS: dict[str, Callable[[Json, CannedState], Json]] = {
    # users, organization
    "GetUserPyApi": lambda v, s: {"user": user()},
    "GetOrganizationPyApi": lambda v, s: {"organization": organization()},
    "CurrentUserPyApi": lambda v, s: {"user": {"timezone": None}},
    "GetUserCreatedTasksPyApi": _created_tasks,
    "GetCancelableTaskTypesPyApi": lambda v, s: {"cancelableTaskTypes": ["exportDataRows"]},
    "CancelTaskPyApi": lambda v, s: {"cancelBulkOperationJob": {"success": True}},
    # projects
    "CreateProjectPyApi": _echo_create_project,
    "GetProjectPyApi": lambda v, s: {"project": project(id=_var(v, "param_0", default="proj1"))},
    "getProjectPyApi": lambda v, s: {"project": project(id=_var(v, "projectId", default="proj1"))},
    "GetProjectsPyApi": lambda v, s: {"projects": [project()]},
    "updateProjectPyApi": lambda v, s: {"updateProject": project()},
    "deleteProjectPyApi": lambda v, s: {"updateProject": {"id": "proj1"}},
    "LabelCountPyApi": lambda v, s: {"project": {"labelCount": 0}},
    "ProjectMemberOverviewPyApi": lambda v, s: {
        "project": {
            "id": "proj1",
            "members": [
                {
                    "id": "member1",
                    "user": user(),
                    "role": {"id": "role1", "name": "LABELER"},
                    "accessFrom": "PROJECT_MEMBERSHIP",
                }
            ],
        }
    },
    "GetProjectLabelingParameterOverridesPyApi": lambda v, s: {
        "project": {
            "labelingParameterOverrides": [
                {"numberOfLabels": 1, "priority": 2, "id": "lpo1", "dataRow": data_row()}
            ]
        }
    },
    "SetLabelingParameterOverridesPyApi": lambda v, s: {
        "project": {"setLabelingParameterOverrides": {"success": True}}
    },
    "createQueuePriorityUpdateTaskPyApi": _project_task(
        "createQueuePriorityUpdateTask", "update-queue-priority"
    ),
    "AddDataRowsToTaskQueueAsyncPyApi": _project_task(
        "createBulkAddRowsToQueueTask", "send-to-task-queue"
    ),
    "GetProjectTaskQueuesPyApi": lambda v, s: {"project": {"taskQueues": [task_queue()]}},
    "GetProjectOrganizationPyApi": lambda v, s: {"project": {"organization": organization()}},
    "GetProjectCreatedByPyApi": lambda v, s: {"project": {"createdBy": user()}},
    # batches
    "CheckAllDataRowsHaveBeenProcessedPyApi": lambda v, s: {
        "queryAllDataRowsHaveBeenProcessed": {"allDataRowsHaveBeenProcessed": True}
    },
    "createBatchV2PyApi": lambda v, s: {
        "project": {
            "createBatchV2": {
                "batch": batch(name=_var(v, "batchInput", default={}).get("name", "b")),
                "failedDataRowIds": [],
            }
        }
    },
    "createEmptyBatchPyApi": lambda v, s: {"project": {"createEmptyBatch": {"id": "batch1"}}},
    "addDataRowsToBatchAsyncPyApi": _project_task(
        "addDataRowsToBatchAsync", "add-data-rows-to-batch"
    ),
    "createBatchesPyApi": _create_batches("createBatches"),
    "createBatchesFromDatasetPyApi": _create_batches("createBatchesFromDataset"),
    "getProjectBatchPyApi": lambda v, s: {"project": {"batches": {"nodes": [batch()]}}},
    "GetProjectBatchesPyApi": lambda v, s: {
        "project": {"id": "proj1", "batches": {"nodes": [batch()], "pageInfo": {"endCursor": None}}}
    },
    "RemoveQueuedDataRowsFromBatchPyApi": lambda v, s: {
        "project": {"removeQueuedDataRowsFromBatch": {"id": "batch1"}}
    },
    "DeleteBatchPyApi": lambda v, s: {"project": {"deleteBatch": {"deletedBatchId": "batch1"}}},
    "DeleteBatchLabelsPyApi": lambda v, s: {
        "project": {"deleteBatchLabels": {"deletedLabelIds": []}}
    },
    "GetBatchUserPyApi": lambda v, s: {"batch": {"user": user()}},
    # datasets, IAM
    "CreateDatasetPyApi": lambda v, s: {
        "createDataset": dataset(
            name=_var(v, "name", default="ds"), description=_var(v, "description")
        )
    },
    "GetDatasetPyApi": lambda v, s: {"dataset": dataset(id=_var(v, "param_0", default="ds1"))},
    "GetDatasetsPyApi": lambda v, s: {"datasets": [dataset()]},
    "updateDatasetPyApi": lambda v, s: {"updateDataset": dataset()},
    "deleteDatasetPyApi": lambda v, s: {"updateDataset": {"id": "ds1"}},
    "getAllIntegrationsPyApi": lambda v, s: {"iamIntegrations": [iam_integration()]},
    "setSignerForDatasetPyApi": lambda v, s: {"setSignerForDataset": {"id": "ds1"}},
    "validateDatasetPyApi": lambda v, s: {
        "validateDataset": {"valid": True, "checks": [{"name": "check", "success": True}]}
    },
    "GetDatasetOrganizationPyApi": lambda v, s: {"dataset": {"organization": organization()}},
    "GetDatasetCreatedByPyApi": lambda v, s: {"dataset": {"createdBy": user()}},
    "GetDatasetSignerPyApi": lambda v, s: {"dataset": {"signer": iam_integration()}},
    # data rows, uploads
    "GetDataRowPyApi": lambda v, s: {"dataRow": data_row(id=_var(v, "param_0", default="dr1"))},
    "GetMetadataOntologyBetaPyApi": lambda v, s: {"customMetadataOntology": METADATA_ONTOLOGY},
    "DatasetDataRowsPyApi": lambda v, s: {
        "datasetDataRows": {
            "nodes": [data_row()],
            "pageInfo": {"hasNextPage": False, "startCursor": None},
        }
    },
    "updateDataRowPyApi": lambda v, s: {"updateDataRow": data_row()},
    "deleteDataRowsPyApi": lambda v, s: {"deleteDataRows": [{"id": "dr1"}]},
    "CreateDataRowAttachmentPyApi": lambda v, s: {
        "createDataRowAttachment": attachment(
            type=_var(v, "type", default="RAW_TEXT"),
            value=_var(v, "value", default="hello"),
            name=_var(v, "name"),
        )
    },
    "updateDataRowAttachmentPyApi": lambda v, s: {
        "updateDataRowAttachment": attachment(
            id=_var(v, "attachment_id", default="att1"), name=_var(v, "name", default="nm")
        )
    },
    "deleteDataRowAttachmentPyApi": lambda v, s: {
        "deleteDataRowAttachment": {"id": _var(v, "attachment_id", default="att1")}
    },
    "GetDataRowAttachmentsPyApi": lambda v, s: {"dataRow": {"attachments": [attachment()]}},
    "GetDataRowDatasetPyApi": lambda v, s: {"dataRow": {"dataset": dataset()}},
    "GetDataRowOrganizationPyApi": lambda v, s: {"dataRow": {"organization": organization()}},
    "GetDataRowCreatedByPyApi": lambda v, s: {"dataRow": {"createdBy": user()}},
    "UploadFile": _upload,
    "UpsertDataRowsPyApi": _upsert,
    "SuccessesfulDataRowImportsPyApi": lambda v, s: {
        "successesfulDataRowImports": {
            "nodes": [
                {"id": "dr1", "externalId": None, "globalKey": "gk1", "rowData": "https://x/1.jpg"}
            ],
            "after": None,
            "total": 1,
        }
    },
    "FailedDataRowImportsPyApi": lambda v, s: {
        "failedDataRowImports": {"after": None, "total": 0, "results": []}
    },
    # global keys, external ids
    "getDataRowsForGlobalKeysPyApi": lambda v, s: {"dataRowsForGlobalKeys": {"jobId": "job1"}},
    "getDataRowsForGlobalKeysResultPyApi": _global_key_result,
    "assignGlobalKeysToDataRowsPyApi": lambda v, s: {
        "assignGlobalKeysToDataRows": {"jobId": "job1"}
    },
    "assignGlobalKeysToDataRowsResultPyApi": lambda v, s: {
        "assignGlobalKeysToDataRowsResult": {
            "jobStatus": "COMPLETE",
            "data": {
                "sanitizedAssignments": [],
                "invalidGlobalKeyAssignments": [],
                "unmodifiedAssignments": [{"dataRowId": "dr1", "globalKey": "gk1"}],
                "accessDeniedAssignments": [],
            },
        }
    },
    "clearGlobalKeysPyApi": lambda v, s: {"clearGlobalKeys": {"jobId": "job1"}},
    "clearGlobalKeysResultPyApi": lambda v, s: {
        "clearGlobalKeysResult": {
            "jobStatus": "COMPLETE",
            "data": {
                "clearedGlobalKeys": ["gk1"],
                "failedToClearGlobalKeys": [],
                "notFoundGlobalKeys": [],
                "accessDeniedGlobalKeys": [],
            },
        }
    },
    "externalIdsToDataRowIdsPyApi": lambda v, s: {
        "externalIdsToDataRowIds": [{"dataRowId": "dr1", "externalId": "e1"}]
    },
    # exports
    "exportDataRowsInProjectPyApi": _export("exportDataRowsInProject"),
    "exportDataRowsInCatalogPyApi": _export("exportDataRowsInCatalog"),
    "GetExportMetadataHeaderPyApi": _export_header,
    "GetExportFileFromOffsetPyApi": _export_file,
    # metadata
    "UpsertDataRowMetadataBetaPyApi": lambda v, s: {"upsertDataRowCustomMetadata": []},
    "DeleteDataRowMetadataBetaPyApi": lambda v, s: {"deleteDataRowCustomMetadata": []},
    "dataRowCustomMetadataPyApi": lambda v, s: {
        "dataRowCustomMetadata": [
            {
                "dataRowId": "dr1",
                "globalKey": "gk1",
                "fields": [{"value": "x", "schemaId": "cko8s9r5v0001h2dk9elqdidh"}],
            }
        ]
    },
}


def default_data(operation: str, variables: Json, state: CannedState) -> Json:
    """The ``data`` of the canned answer to ``operation``, or :data:`NO_DEFAULT`."""
    answer = _DEFAULTS.get(operation)
    if answer is None:
        return NO_DEFAULT
    return answer(variables, state)


def known_operations() -> frozenset[str]:
    return frozenset(_DEFAULTS)
