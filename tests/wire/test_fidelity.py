"""Each official SDK call of wire doc §3–§8, recorded offline, against aiolabel's documents.

For every case the official call runs through the recorder; every GraphQL request it sends must
have an expectation here (so nothing it sends goes unchecked), and each expectation must match
that request: operation name, endpoint, root fields, arguments, variable names and types,
selection set — up to the differences listed in ``tests.wire.differences`` — and, for
documents built from the same inputs, the variables' values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import labelbox as lb
import pytest
from labelbox import GlobalKeys, UniqueIds
from labelbox.schema.data_row_metadata import (
    DataRowMetadata,
    DataRowMetadataField,
    DeleteDataRowMetadata,
)
from labelbox.schema.identifiable import GlobalKey as LbGlobalKey
from labelbox.schema.identifiable import UniqueId as LbUniqueId
from labelbox.schema.quality_mode import QualityMode
from lbox import exceptions as lbx

from aiolabel._operations import (
    Operation,
    attachments,
    batches,
    data_rows,
    datasets,
    exports,
    global_keys,
    iam,
    labeling_parameter_overrides,
    metadata,
    projects,
    task_queues,
    tasks,
    users,
)
from aiolabel._operations import _builder as b
from aiolabel._operations._entities import BATCH, DATA_ROW, DATASET, ORGANIZATION, PROJECT, USER
from aiolabel.identifiers import GlobalKey, UniqueId
from tests.wire import canned
from tests.wire.compare import assert_same_wire
from tests.wire.recorder import RecordedRequest, Recorder, recording_client

F = b.FieldRef
T = TypeVar("T")

pytestmark = pytest.mark.filterwarnings("ignore:Automatic generation:DeprecationWarning")

Ours = Operation | b.Built | Callable[[RecordedRequest], b.Built]


@dataclass
class Case:
    id: str
    call: Callable[[Any, Recorder], Any]
    expect: Mapping[str, Ours]
    script: Callable[[Recorder], None] | None = None
    occurrence: Mapping[str, int] = field(default_factory=dict)
    """Which recorded request of a name a Built is compared with (default: the first)."""


def after(rec: Recorder, obj: T) -> T:
    """Forget what fetching ``obj`` sent, so the case records only the call under test."""
    rec.clear()
    return obj


def created_task_lookup(request: RecordedRequest) -> b.Built:
    """The ORM task lookup of ``Task.get_task`` (``user.created_tasks(where=Task.uid == id)``)."""
    v = request.variables
    return b.relationship(USER, v["param_1"], "created_tasks", F("uid") == v["param_0"])


TASK_LOOKUP: dict[str, Ours] = {
    "GetUserPyApi": users.GET_USER,
    "GetUserCreatedTasksPyApi": created_task_lookup,
}
ONTOLOGY: dict[str, Ours] = {"GetMetadataOntologyBetaPyApi": metadata.GET_METADATA_ONTOLOGY}
PROJECT_CREATE_DEFAULT = {
    "name": "p",
    "media_type": "IMAGE",
    "auto_audit_percentage": 0,
    "auto_audit_number_of_labels": 3,
    "is_benchmark_enabled": True,
    "is_consensus_enabled": True,
}


def project(c: Any, rec: Recorder) -> Any:
    return after(rec, c.get_project("proj1"))


def dataset(c: Any, rec: Recorder) -> Any:
    return after(rec, c.get_dataset("ds1"))


def data_row(c: Any, rec: Recorder) -> Any:
    return after(rec, c.get_data_row("dr1"))


def batch(c: Any, rec: Recorder) -> Any:
    return after(rec, c.get_batch("proj1", "batch1"))


def in_progress_once(rec: Recorder) -> None:
    rec.respond(
        "GetUserCreatedTasksPyApi",
        lambda r: {"user": {"createdTasks": [canned.task(id="task1", status="IN_PROGRESS")]}},
    )


def hundred_projects(rec: Recorder) -> None:
    rec.respond("GetProjectsPyApi", {"projects": [canned.project(id=f"p{i}") for i in range(100)]})


CASES = [
    # -- client (§3) ---------------------------------------------------------------------------
    Case("get_user", lambda c, r: c.get_user(), {"GetUserPyApi": users.GET_USER}),
    Case("get_user/builder", lambda c, r: c.get_user(), {"GetUserPyApi": b.get_one(USER)}),
    Case(
        "get_organization",
        lambda c, r: c.get_organization(),
        {"GetOrganizationPyApi": users.GET_ORGANIZATION},
    ),
    Case(
        "get_organization/builder",
        lambda c, r: c.get_organization(),
        {"GetOrganizationPyApi": b.get_one(ORGANIZATION)},
    ),
    Case(
        "create_project",
        lambda c, r: c.create_project(name="p", media_type=lb.MediaType.Image),
        {"CreateProjectPyApi": b.create(PROJECT, PROJECT_CREATE_DEFAULT)},
    ),
    Case(
        "create_project/description",
        lambda c, r: c.create_project(name="p", description="d", media_type=lb.MediaType.Image),
        {
            "CreateProjectPyApi": b.create(
                PROJECT, {"name": "p", "description": "d"} | PROJECT_CREATE_DEFAULT
            )
        },
    ),
    Case(
        "create_project/benchmark",
        lambda c, r: c.create_project(
            name="p", media_type=lb.MediaType.Video, quality_modes={QualityMode.Benchmark}
        ),
        {
            "CreateProjectPyApi": b.create(
                PROJECT,
                PROJECT_CREATE_DEFAULT
                | {
                    "media_type": "VIDEO",
                    "auto_audit_percentage": 1,
                    "auto_audit_number_of_labels": 1,
                    "is_consensus_enabled": False,
                },
            )
        },
    ),
    Case(
        "create_project/no-quality-modes",
        lambda c, r: c.create_project(
            name="p", media_type=lb.MediaType.Image, quality_modes=None, is_benchmark_enabled=True
        ),
        {
            "CreateProjectPyApi": b.create(
                PROJECT, {"name": "p", "media_type": "IMAGE", "is_benchmark_enabled": True}
            )
        },
    ),
    Case(
        "create_model_evaluation_project",
        lambda c, r: c.create_model_evaluation_project(name="p", dataset_name="dsn"),
        {
            "CreateProjectPyApi": lambda req: b.create(
                PROJECT,
                {
                    "name": "p",
                    "media_type": "CONVERSATIONAL",
                    "auto_audit_percentage": 0,
                    "auto_audit_number_of_labels": 3,
                    "is_benchmark_enabled": True,
                    "is_consensus_enabled": True,
                    "data_row_count": 100,
                    "editor_task_type": "MODEL_CHAT_EVALUATION",
                    "dataset_name_or_id": "dsn",
                    "append_to_existing_dataset": False,
                },
            )
        },
    ),
    Case(
        "get_project",
        lambda c, r: c.get_project("proj1"),
        {"GetProjectPyApi": projects.GET_PROJECT},
    ),
    Case(
        "get_project/builder",
        lambda c, r: c.get_project("proj1"),
        {"GetProjectPyApi": b.get_one(PROJECT, "proj1")},
    ),
    Case(
        "get_projects",
        lambda c, r: list(c.get_projects()),
        {"GetProjectsPyApi": b.get_all(PROJECT, exclude_deleted=True)},
    ),
    Case(
        "get_projects/where",
        lambda c, r: list(c.get_projects(where=lb.Project.name == "x")),
        {"GetProjectsPyApi": b.get_all(PROJECT, F("name") == "x", exclude_deleted=True)},
    ),
    Case(
        "get_projects/second-page",
        lambda c, r: list(c.get_projects(where=lb.Project.name == "x")),
        {"GetProjectsPyApi": b.get_all(PROJECT, F("name") == "x", exclude_deleted=True, skip=100)},
        script=hundred_projects,
        occurrence={"GetProjectsPyApi": 1},
    ),
    Case(
        "create_dataset/no-iam",
        lambda c, r: c.create_dataset(name="ds", iam_integration=None),
        {"CreateDatasetPyApi": b.create(DATASET, {"name": "ds"})},
    ),
    Case(
        "create_dataset/default-iam",
        lambda c, r: c.create_dataset(name="ds", description="d"),
        {
            "CreateDatasetPyApi": b.create(DATASET, {"name": "ds", "description": "d"}),
            "GetOrganizationPyApi": users.GET_ORGANIZATION,
            "getAllIntegrationsPyApi": iam.GET_ALL_IAM_INTEGRATIONS,
            "setSignerForDatasetPyApi": iam.SET_SIGNER_FOR_DATASET,
            "validateDatasetPyApi": iam.VALIDATE_DATASET,
        },
    ),
    Case(
        "get_dataset",
        lambda c, r: c.get_dataset("ds1"),
        {"GetDatasetPyApi": datasets.GET_DATASET},
    ),
    Case(
        "get_dataset/builder",
        lambda c, r: c.get_dataset("ds1"),
        {"GetDatasetPyApi": b.get_one(DATASET, "ds1")},
    ),
    Case(
        "get_datasets/where-and",
        lambda c, r: list(
            c.get_datasets(where=(lb.Dataset.name == "x") & (lb.Dataset.description == "y"))
        ),
        {
            "GetDatasetsPyApi": b.get_all(
                DATASET, (F("name") == "x") & (F("description") == "y"), exclude_deleted=True
            )
        },
    ),
    Case(
        "get_data_row",
        lambda c, r: c.get_data_row("dr1"),
        {"GetDataRowPyApi": data_rows.GET_DATA_ROW} | ONTOLOGY,
    ),
    Case(
        "get_data_row/builder",
        lambda c, r: c.get_data_row("dr1"),
        {"GetDataRowPyApi": b.get_one(DATA_ROW, "dr1")} | ONTOLOGY,
    ),
    Case(
        "get_data_row_ids_for_global_keys",
        lambda c, r: c.get_data_row_ids_for_global_keys(["gk1"]),
        {
            "getDataRowsForGlobalKeysPyApi": global_keys.GET_DATA_ROWS_FOR_GLOBAL_KEYS,
            "getDataRowsForGlobalKeysResultPyApi": global_keys.GET_DATA_ROWS_FOR_GLOBAL_KEYS_RESULT,
        },
    ),
    Case(
        "get_data_row_by_global_key",
        lambda c, r: c.get_data_row_by_global_key("gk1"),
        {
            "getDataRowsForGlobalKeysPyApi": global_keys.GET_DATA_ROWS_FOR_GLOBAL_KEYS,
            "getDataRowsForGlobalKeysResultPyApi": global_keys.GET_DATA_ROWS_FOR_GLOBAL_KEYS_RESULT,
            "GetDataRowPyApi": data_rows.GET_DATA_ROW,
        }
        | ONTOLOGY,
    ),
    Case(
        "assign_global_keys_to_data_rows",
        lambda c, r: c.assign_global_keys_to_data_rows(
            [{"data_row_id": "dr1", "global_key": "gk1"}]
        ),
        {
            "assignGlobalKeysToDataRowsPyApi": global_keys.ASSIGN_GLOBAL_KEYS_TO_DATA_ROWS,
            "assignGlobalKeysToDataRowsResultPyApi": (
                global_keys.ASSIGN_GLOBAL_KEYS_TO_DATA_ROWS_RESULT
            ),
        },
    ),
    Case(
        "clear_global_keys",
        lambda c, r: c.clear_global_keys(["gk1"]),
        {
            "clearGlobalKeysPyApi": global_keys.CLEAR_GLOBAL_KEYS,
            "clearGlobalKeysResultPyApi": global_keys.CLEAR_GLOBAL_KEYS_RESULT,
        },
    ),
    Case(
        "get_data_row_ids_for_external_ids",
        lambda c, r: c.get_data_row_ids_for_external_ids(["e1", "e2"]),
        {"externalIdsToDataRowIdsPyApi": data_rows.EXTERNAL_IDS_TO_DATA_ROW_IDS},
    ),
    Case(
        "get_batch",
        lambda c, r: c.get_batch("proj1", "batch1"),
        {"getProjectBatchPyApi": batches.GET_PROJECT_BATCH},
    ),
    Case(
        "get_task_by_id",
        lambda c, r: c.get_task_by_id("task1"),
        {"GetUserPyApi": users.GET_USER, "GetUserCreatedTasksPyApi": tasks.GET_USER_CREATED_TASKS},
    ),
    Case(
        "ExportTask.get_task",
        lambda c, r: lb.ExportTask.get_task(c, "task1"),
        TASK_LOOKUP,
    ),
    Case(
        "cancel_task",
        lambda c, r: c.cancel_task("task1"),
        {
            "GetUserPyApi": users.GET_USER,
            "GetUserCreatedTasksPyApi": tasks.GET_USER_CREATED_TASKS,
            "GetCancelableTaskTypesPyApi": tasks.GET_CANCELABLE_TASK_TYPES,
            "CancelTaskPyApi": tasks.CANCEL_TASK,
        },
        script=in_progress_once,
    ),
    Case(
        "get_data_row_metadata_ontology",
        lambda c, r: c.get_data_row_metadata_ontology(),
        ONTOLOGY,
    ),
    # -- dataset (§4) --------------------------------------------------------------------------
    Case(
        "create_data_rows",
        lambda c, r: dataset(c, r).create_data_rows(
            [{"row_data": "https://x/1.jpg", "global_key": "gk1"}]
        ),
        {
            "UploadFile": data_rows.UPLOAD_FILE,
            "UpsertDataRowsPyApi": data_rows.UPSERT_DATA_ROWS,
            "GetUserPyApi": users.GET_USER,
        },
    ),
    Case(
        "create_data_row",
        lambda c, r: dataset(c, r).create_data_row(row_data="https://x/1.jpg"),
        {
            "UploadFile": data_rows.UPLOAD_FILE,
            "UpsertDataRowsPyApi": data_rows.UPSERT_DATA_ROWS,
            "FailedDataRowImportsPyApi": tasks.FAILED_DATA_ROW_IMPORTS,
            "SuccessesfulDataRowImportsPyApi": tasks.SUCCESSFUL_DATA_ROW_IMPORTS,
            "GetDataRowPyApi": data_rows.GET_DATA_ROW,
        }
        | TASK_LOOKUP
        | ONTOLOGY,
    ),
    Case(
        "upsert_data_rows",
        lambda c, r: dataset(c, r).upsert_data_rows(
            [{"key": LbGlobalKey("gk1"), "external_id": "e"}]
        ),
        {
            "UploadFile": data_rows.UPLOAD_FILE,
            "UpsertDataRowsPyApi": data_rows.UPSERT_DATA_ROWS,
            "GetUserPyApi": users.GET_USER,
        },
    ),
    Case(
        "dataset.data_rows",
        lambda c, r: list(dataset(c, r).data_rows()),
        {"DatasetDataRowsPyApi": datasets.DATASET_DATA_ROWS} | ONTOLOGY,
    ),
    Case(
        "dataset.data_row_for_external_id",
        lambda c, r: dataset(c, r).data_row_for_external_id("e1"),
        {"DatasetDataRowsPyApi": datasets.DATASET_DATA_ROWS} | ONTOLOGY,
    ),
    Case(
        "dataset.export",
        lambda c, r: dataset(c, r).export(),
        {"exportDataRowsInCatalogPyApi": exports.EXPORT_DATA_ROWS_IN_CATALOG} | TASK_LOOKUP,
    ),
    Case(
        "dataset.update",
        lambda c, r: dataset(c, r).update(name="n", description="d"),
        {"updateDatasetPyApi": b.update(DATASET, "ds1", {"name": "n", "description": "d"})},
    ),
    Case(
        "dataset.delete",
        lambda c, r: dataset(c, r).delete(),
        {"deleteDatasetPyApi": datasets.DELETE_DATASET},
    ),
    Case(
        "dataset.delete/builder",
        lambda c, r: dataset(c, r).delete(),
        {"deleteDatasetPyApi": b.delete(DATASET, "ds1")},
    ),
    # -- project (§5) --------------------------------------------------------------------------
    Case(
        "create_batch",
        lambda c, r: project(c, r).create_batch(
            "b",
            ["dr1", "dr2"],
            priority=3,
            consensus_settings={"number_of_labels": 3, "coverage_percentage": 0.1},
        ),
        {
            "CheckAllDataRowsHaveBeenProcessedPyApi": batches.CHECK_DATA_ROWS_PROCESSED,
            "createBatchV2PyApi": batches.CREATE_BATCH_V2,
        },
    ),
    Case(
        "create_batch/global-keys",
        lambda c, r: project(c, r).create_batch("b", global_keys=["gk1"]),
        {
            "CheckAllDataRowsHaveBeenProcessedPyApi": batches.CHECK_GLOBAL_KEYS_PROCESSED,
            "createBatchV2PyApi": batches.CREATE_BATCH_V2,
        },
    ),
    Case(
        "create_batch/async",
        lambda c, r: project(c, r).create_batch("b", [f"dr{i}" for i in range(1000)]),
        {
            "CheckAllDataRowsHaveBeenProcessedPyApi": batches.CHECK_DATA_ROWS_PROCESSED,
            "createEmptyBatchPyApi": batches.CREATE_EMPTY_BATCH,
            "addDataRowsToBatchAsyncPyApi": batches.ADD_DATA_ROWS_TO_BATCH_ASYNC,
            "getProjectBatchPyApi": batches.GET_PROJECT_BATCH,
        }
        | TASK_LOOKUP,
    ),
    Case(
        "create_batches",
        lambda c, r: project(c, r).create_batches("pre", ["dr1"], priority=2),
        {
            "CheckAllDataRowsHaveBeenProcessedPyApi": batches.CHECK_DATA_ROWS_PROCESSED,
            "createBatchesPyApi": batches.CREATE_BATCHES,
        }
        | TASK_LOOKUP,
    ),
    Case(
        "create_batches/global-keys",
        lambda c, r: project(c, r).create_batches("pre", global_keys=["gk1"]),
        {
            "CheckAllDataRowsHaveBeenProcessedPyApi": batches.CHECK_GLOBAL_KEYS_PROCESSED,
            "createBatchesPyApi": batches.CREATE_BATCHES,
        }
        | TASK_LOOKUP,
    ),
    Case(
        "create_batches_from_dataset",
        lambda c, r: project(c, r).create_batches_from_dataset("pre", "ds1"),
        {"createBatchesFromDatasetPyApi": batches.CREATE_BATCHES_FROM_DATASET} | TASK_LOOKUP,
    ),
    Case(
        "project.batches",
        lambda c, r: list(project(c, r).batches()),
        {"GetProjectBatchesPyApi": batches.GET_PROJECT_BATCHES},
    ),
    Case(
        "set_labeling_parameter_overrides",
        lambda c, r: project(c, r).set_labeling_parameter_overrides(
            [(LbUniqueId("dr1"), 2), (LbGlobalKey("gk1"), 1)]
        ),
        {
            "SetLabelingParameterOverridesPyApi": (
                labeling_parameter_overrides.set_labeling_parameter_overrides(
                    "proj1", [(UniqueId("dr1"), 2), (GlobalKey("gk1"), 1)]
                )
            )
        },
    ),
    Case(
        "labeling_parameter_overrides",
        lambda c, r: list(project(c, r).labeling_parameter_overrides()),
        {
            "GetProjectLabelingParameterOverridesPyApi": b.Built(
                labeling_parameter_overrides.GET_PROJECT_LABELING_PARAMETER_OVERRIDES,
                {"param_0": "proj1", "skip": 0, "first": 100},
            )
        },
    ),
    Case(
        "labeling_parameter_overrides/builder",
        lambda c, r: list(project(c, r).labeling_parameter_overrides()),
        {
            "GetProjectLabelingParameterOverridesPyApi": b.relationship(
                PROJECT, "proj1", "labeling_parameter_overrides"
            )
        },
    ),
    Case(
        "update_data_row_labeling_priority",
        lambda c, r: project(c, r).update_data_row_labeling_priority(UniqueIds(["dr1", "dr2"]), 1),
        {
            "createQueuePriorityUpdateTaskPyApi": (
                labeling_parameter_overrides.CREATE_QUEUE_PRIORITY_UPDATE_TASK
            )
        }
        | TASK_LOOKUP,
    ),
    Case(
        "task_queues",
        lambda c, r: project(c, r).task_queues(),
        {"GetProjectTaskQueuesPyApi": task_queues.GET_PROJECT_TASK_QUEUES},
    ),
    Case(
        "move_data_rows_to_task_queue",
        lambda c, r: project(c, r).move_data_rows_to_task_queue(GlobalKeys(["gk1"]), "tq1"),
        {"AddDataRowsToTaskQueueAsyncPyApi": task_queues.ADD_DATA_ROWS_TO_TASK_QUEUE_ASYNC}
        | TASK_LOOKUP,
    ),
    Case(
        "move_data_rows_to_task_queue/done",
        lambda c, r: project(c, r).move_data_rows_to_task_queue(UniqueIds(["dr1"]), None),
        {"AddDataRowsToTaskQueueAsyncPyApi": task_queues.ADD_DATA_ROWS_TO_TASK_QUEUE_ASYNC}
        | TASK_LOOKUP,
    ),
    Case(
        "members",
        lambda c, r: list(project(c, r).members()),
        {
            "ProjectMemberOverviewPyApi": b.Built(
                projects.PROJECT_MEMBERS, {"projectId": "proj1", "skip": 0, "first": 100}
            )
        },
    ),
    Case(
        "project.export",
        lambda c, r: project(c, r).export(
            task_name="tn",
            filters={"global_keys": ["gk1"], "batch_ids": ["b1"], "workflow_status": "InReview"},
        ),
        {"exportDataRowsInProjectPyApi": exports.EXPORT_DATA_ROWS_IN_PROJECT} | TASK_LOOKUP,
    ),
    Case(
        "project.export/date-filter",
        lambda c, r: project(c, r).export(
            filters={"last_activity_at": ["2000-01-01 00:00:00", "2050-01-01 00:00:00"]}
        ),
        {
            "CurrentUserPyApi": users.CURRENT_USER_TIMEZONE,
            "exportDataRowsInProjectPyApi": exports.EXPORT_DATA_ROWS_IN_PROJECT,
        }
        | TASK_LOOKUP,
    ),
    Case(
        "project.export/stream",
        lambda c, r: [
            line.json
            for line in (lambda t: (t.wait_till_done(), t)[1])(
                project(c, r).export()
            ).get_buffered_stream()
        ],
        {
            "exportDataRowsInProjectPyApi": exports.EXPORT_DATA_ROWS_IN_PROJECT,
            "GetExportMetadataHeaderPyApi": tasks.GET_EXPORT_METADATA_HEADER,
            "GetExportFileFromOffsetPyApi": tasks.GET_EXPORT_FILE_FROM_OFFSET,
        }
        | TASK_LOOKUP,
    ),
    Case(
        "get_label_count",
        lambda c, r: project(c, r).get_label_count(),
        {"LabelCountPyApi": projects.LABEL_COUNT},
    ),
    Case(
        "project.update",
        lambda c, r: project(c, r).update(name="n", description="d"),
        {"updateProjectPyApi": b.update(PROJECT, "proj1", {"name": "n", "description": "d"})},
    ),
    Case(
        "project.update/media-type",
        lambda c, r: project(c, r).update(media_type=lb.MediaType.Video),
        {"updateProjectPyApi": b.update(PROJECT, "proj1", {"media_type": "VIDEO"})},
    ),
    Case(
        "project.delete",
        lambda c, r: project(c, r).delete(),
        {"deleteProjectPyApi": projects.DELETE_PROJECT},
    ),
    Case(
        "project.delete/builder",
        lambda c, r: project(c, r).delete(),
        {"deleteProjectPyApi": b.delete(PROJECT, "proj1")},
    ),
    Case(
        "project.organization",
        lambda c, r: project(c, r).organization(),
        {"GetProjectOrganizationPyApi": b.relationship(PROJECT, "proj1", "organization")},
    ),
    Case(
        "project.created_by",
        lambda c, r: project(c, r).created_by(),
        {"GetProjectCreatedByPyApi": b.relationship(PROJECT, "proj1", "created_by")},
    ),
    # -- batch (§6) ----------------------------------------------------------------------------
    Case(
        "batch.project",
        lambda c, r: batch(c, r).project(),
        {"getProjectPyApi": batches.GET_BATCH_PROJECT},
    ),
    Case(
        "batch.remove_queued_data_rows",
        lambda c, r: batch(c, r).remove_queued_data_rows(),
        {"RemoveQueuedDataRowsFromBatchPyApi": batches.REMOVE_QUEUED_DATA_ROWS_FROM_BATCH},
    ),
    Case(
        "batch.delete_labels",
        lambda c, r: batch(c, r).delete_labels(set_labels_as_template=True),
        {"DeleteBatchLabelsPyApi": batches.DELETE_BATCH_LABELS},
    ),
    Case(
        "batch.delete",
        lambda c, r: batch(c, r).delete(),
        {"DeleteBatchPyApi": batches.DELETE_BATCH},
    ),
    Case(
        "batch.user",
        lambda c, r: batch(c, r).user(),
        {"GetBatchUserPyApi": b.relationship(BATCH, "batch1", "user")},
    ),
    # -- data row, attachments, metadata (§8) --------------------------------------------------
    Case(
        "data_row.update",
        lambda c, r: data_row(c, r).update(external_id="e", global_key="g", row_data="r"),
        {
            "updateDataRowPyApi": b.update(
                DATA_ROW, "dr1", {"external_id": "e", "global_key": "g", "row_data": "r"}
            )
        },
    ),
    Case(
        "data_row.delete",
        lambda c, r: data_row(c, r).delete(),
        {"deleteDataRowsPyApi": b.Built(data_rows.DELETE_DATA_ROWS, {"dataRowIds": ["dr1"]})},
    ),
    Case(
        "DataRow.bulk_delete",
        lambda c, r: lb.DataRow.bulk_delete([data_row(c, r), after(r, c.get_data_row("dr2"))]),
        {
            "deleteDataRowsPyApi": b.Built(
                data_rows.DELETE_DATA_ROWS, {"dataRowIds": ["dr1", "dr2"]}
            )
        },
    ),
    Case(
        "data_row.create_attachment",
        lambda c, r: data_row(c, r).create_attachment("RAW_TEXT", "hello", "nm"),
        {"CreateDataRowAttachmentPyApi": attachments.CREATE_DATA_ROW_ATTACHMENT},
    ),
    Case(
        "data_row.attachments",
        lambda c, r: list(data_row(c, r).attachments()),
        {
            "GetDataRowAttachmentsPyApi": b.Built(
                attachments.GET_DATA_ROW_ATTACHMENTS, {"param_0": "dr1", "skip": 0, "first": 100}
            )
        },
    ),
    Case(
        "data_row.attachments/builder",
        lambda c, r: list(data_row(c, r).attachments()),
        {"GetDataRowAttachmentsPyApi": b.relationship(DATA_ROW, "dr1", "attachments")},
    ),
    Case(
        "attachment.update",
        lambda c, r: after(r, next(iter(data_row(c, r).attachments()))).update(name="n2"),
        {"updateDataRowAttachmentPyApi": attachments.UPDATE_DATA_ROW_ATTACHMENT},
    ),
    Case(
        "attachment.delete",
        lambda c, r: after(r, next(iter(data_row(c, r).attachments()))).delete(),
        {"deleteDataRowAttachmentPyApi": attachments.DELETE_DATA_ROW_ATTACHMENT},
    ),
    Case(
        "data_row.dataset",
        lambda c, r: data_row(c, r).dataset(),
        {"GetDataRowDatasetPyApi": b.relationship(DATA_ROW, "dr1", "dataset")},
    ),
    Case(
        "DataRow.export/global-keys",
        lambda c, r: lb.DataRow.export(c, global_keys=["gk1"]),
        {"exportDataRowsInCatalogPyApi": exports.EXPORT_DATA_ROWS_IN_CATALOG} | TASK_LOOKUP,
    ),
    Case(
        "DataRow.export/ids",
        lambda c, r: lb.DataRow.export(c, data_rows=["dr1"]),
        {"exportDataRowsInCatalogPyApi": exports.EXPORT_DATA_ROWS_IN_CATALOG} | TASK_LOOKUP,
    ),
    Case(
        "metadata.bulk_upsert",
        lambda c, r: after(r, c.get_data_row_metadata_ontology()).bulk_upsert(
            [
                DataRowMetadata(
                    data_row_id="dr1",
                    fields=[DataRowMetadataField(schema_id="cko8s9r5v0001h2dk9elqdidh", value="x")],
                ),
                DataRowMetadata(
                    global_key="gk1", fields=[DataRowMetadataField(name="split", value="train")]
                ),
            ]
        ),
        {"UpsertDataRowMetadataBetaPyApi": metadata.UPSERT_DATA_ROW_METADATA},
    ),
    Case(
        "metadata.bulk_delete",
        lambda c, r: after(r, c.get_data_row_metadata_ontology()).bulk_delete(
            [
                DeleteDataRowMetadata(
                    data_row_id=LbUniqueId("dr1"), fields=["cko8s9r5v0001h2dk9elqdidh"]
                ),
                DeleteDataRowMetadata(
                    data_row_id=LbGlobalKey("gk1"), fields=["cko8s9r5v0001h2dk9elqdidh"]
                ),
            ]
        ),
        {"DeleteDataRowMetadataBetaPyApi": metadata.DELETE_DATA_ROW_METADATA},
    ),
    Case(
        "metadata.bulk_export",
        lambda c, r: after(r, c.get_data_row_metadata_ontology()).bulk_export(GlobalKeys(["gk1"])),
        {"dataRowCustomMetadataPyApi": metadata.EXPORT_DATA_ROW_METADATA},
    ),
    # -- ORM relationships of users and organizations (§2.5) -----------------------------------
    Case(
        "user.created_tasks",
        lambda c, r: list(after(r, c.get_user()).created_tasks()),
        {"GetUserCreatedTasksPyApi": b.relationship(USER, "user1", "created_tasks")},
    ),
    Case(
        "user.created_tasks/where-order",
        lambda c, r: list(
            after(r, c.get_user()).created_tasks(
                where=lb.Task.status == "COMPLETE", order_by=lb.Task.created_at.desc
            )
        ),
        {
            "GetUserCreatedTasksPyApi": b.relationship(
                USER,
                "user1",
                "created_tasks",
                F("status") == "COMPLETE",
                order_by=F("created_at").desc,
            )
        },
    ),
    Case(
        "organization.projects",
        lambda c, r: list(after(r, c.get_organization()).projects(where=lb.Project.name == "p")),
        {
            "GetOrganizationProjectsPyApi": b.relationship(
                ORGANIZATION, None, "projects", F("name") == "p"
            )
        },
        script=lambda rec: rec.respond(
            "GetOrganizationProjectsPyApi", {"organization": {"projects": []}}
        ),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_official_call_matches_our_documents(case: Case) -> None:
    rec = Recorder()
    if case.script is not None:
        case.script(rec)
    with recording_client(rec) as (client, _):
        case.call(client, rec)
    sent = rec.graphql()
    assert sent, "the official call sent nothing"
    assert not rec.unscripted, f"unscripted operations: {rec.unscripted}"
    unchecked = sorted({r.operation_name or "" for r in sent} - set(case.expect))
    assert not unchecked, f"sent but not checked: {unchecked}"
    for name, ours in case.expect.items():
        requests = [r for r in sent if r.operation_name == name]
        assert requests, f"{name} expected but not sent; sent: {rec.names()}"
        if isinstance(ours, Operation):
            for request in requests:
                assert_same_wire(request.query or "", ours, official_endpoint=request.endpoint)
            continue
        request = requests[case.occurrence.get(name, 0)]
        built = ours(request) if callable(ours) else ours
        assert_same_wire(
            request.query or "",
            built.operation,
            official_variables=request.variables,
            our_variables=built.variables,
            official_endpoint=request.endpoint,
        )


def test_every_official_operation_of_the_cases_has_a_constant_or_builder() -> None:
    """Nothing the official SDK sends in these flows is missing from aiolabel's documents."""
    from tests.wire.catalogue import catalogue

    ours = {operation.name for _, operation, _ in catalogue()}
    for case in CASES:
        for name in case.expect:
            assert name in ours or name.startswith("Get"), f"{case.id}: {name} not in catalogue"


def test_a_date_where_value_is_sent_as_the_official_utc_string() -> None:
    since = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    with recording_client() as (client, rec):
        list(client.get_projects(where=lb.Project.created_at >= since))
    [request] = rec.graphql()
    built = b.get_all(PROJECT, F("created_at") >= since, exclude_deleted=True)
    assert_same_wire(
        request.query or "",
        built.operation,
        official_variables=request.variables,
        our_variables=built.variables,
    )
    assert built.variables["param_0"] == "2024-05-06T07:08:09Z"


def test_an_id_the_official_sdk_breaks_on_is_just_a_variable_value() -> None:
    """``deleteDataRows`` pastes ids unescaped (wire doc §11.1); ours never changes the text."""
    with recording_client() as (client, rec):
        row = after(rec, client.get_data_row('x"y\\z'))
        with pytest.raises(lbx.LabelboxError, match="Syntax Error"):
            lb.DataRow.bulk_delete([row])
    [request] = rec.graphql()
    assert 'x"y' in (request.query or "")  # the value went into the official text
    assert (
        data_rows.DELETE_DATA_ROWS.document
        == b.Built(data_rows.DELETE_DATA_ROWS, {}).operation.document
    )
    assert 'x"y' not in data_rows.DELETE_DATA_ROWS.document
