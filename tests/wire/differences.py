"""Every deliberate difference between what aiolabel sends and what the official SDK sends.

Test data: the wire tests apply these tables, and ``docs/wire-differences.md`` is rendered from
them (``python scripts/docs.py``; ``tests/test_docs.py`` fails when the page is stale).

Rule: aiolabel sends the official SDK's operations (names, endpoints, root fields, arguments,
variable names and types, selection sets). Where the official SDK pastes a *value* into the text,
aiolabel sends the same operation with that value as a variable. Each such place is one
:class:`VariableForLiteral` in :data:`DOCUMENT_DIFFERENCES`; the wire tests
(``tests/wire``) accept exactly these and fail on any other difference.

:data:`CALL_DIFFERENCES` lists differences in *how many* requests a call makes (chunking,
concurrency, round trips saved), for the tests that compare whole calls.

Kept as literal text, as in the official SDK:

* ``setLabelingParameterOverrides``' list (wire doc §5.5): its input type's name is unknown, so
  no variable can be declared; it is rendered by the one escaping function
  (``aiolabel._literals.graphql_literal``), which the official SDK lacks.
* Constants that are structure, not values: ``deleted: true`` of a soft delete, the
  ``skip: 0 first: 1`` of ``GetUserCreatedTasksPyApi``'s hand-written variant, ``orderBy`` enum
  names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "CALL_DIFFERENCES",
    "DOCUMENT_DIFFERENCES",
    "CallDifference",
    "VariableForLiteral",
    "document_differences_for",
]


@dataclass(frozen=True, slots=True)
class VariableForLiteral:
    """A literal of the official document that aiolabel sends as a variable instead.

    In operations whose name fully matches ``operation`` (a regular expression), on the field at
    ``field_path`` (root field first; ``None``: any field), the argument ``argument`` — or, with
    ``value_path``, the input-object field inside it — is a literal in the official document and
    ``$variable`` (declared ``type``) in aiolabel's, with the same value.
    """

    operation: str
    field_path: tuple[str, ...] | None
    argument: str
    value_path: tuple[str, ...]
    variable: str
    type: str
    reason: str

    def applies_to(self, operation_name: str) -> bool:
        return re.fullmatch(self.operation, operation_name) is not None


_PAGE_REASON = (
    "The official SDK writes offsets into the text (skip: 0 first: 100), so every page is a new "
    "document and defeats server-side query caching. The real schema's types are unknown; its "
    "Prisma-style ORM API declares skip/first as Int, and an Int! variable is valid in both an "
    "Int and an Int! position."
)

_WEBHOOK_REASON = (
    "The official SDK pastes the URL, the secret and the ids into the text unescaped (a quote "
    "in a URL or secret breaks the request, or changes it). Ids are ID and the URL and secret "
    "String wherever the API declares them; topics and status stay enum literals (names of "
    "Webhook.Topic / Webhook.Status only, rendered by aiolabel._literals.enum_names)."
)

_ORM_COLLECTIONS = r"Get\w+PyApi|ProjectMemberOverviewPyApi|LabelerPerformancePyApi"
"""ORM lists (``Get<Type>sPyApi``), to-many relationships (``Get<Type><Rel>PyApi``), members,
labeler performance."""

DOCUMENT_DIFFERENCES: tuple[VariableForLiteral, ...] = (
    VariableForLiteral(_ORM_COLLECTIONS, None, "skip", (), "skip", "Int!", _PAGE_REASON),
    VariableForLiteral(_ORM_COLLECTIONS, None, "first", (), "first", "Int!", _PAGE_REASON),
    VariableForLiteral(
        "deleteLabelsPyApi",
        ("deleteLabels",),
        "labelIds",
        (),
        "labelIds",
        "[ID!]!",
        "The official SDK pastes the label ids, unescaped, into the text (Label.bulk_delete).",
    ),
    VariableForLiteral(
        "GetProjectLabelsPyApi",
        ("project", "labels"),
        "where",
        ("createdBy", "id"),
        "createdBy",
        "ID!",
        "The official SDK pastes the user id into the text (project.labels(created_by=)).",
    ),
    VariableForLiteral(
        "deleteDataRowsPyApi",
        ("deleteDataRows",),
        "where",
        ("dataRowIds",),
        "dataRowIds",
        "[ID!]!",
        "The official SDK pastes the ids, unescaped, into the text (wire doc §11.1). Every "
        "other data-row id list of the API (dataRowIds of the processing check, of batches) "
        "is declared [ID!], so [ID!]! fits.",
    ),
    *(
        VariableForLiteral(operation, (root,), argument, path, variable, type_, _WEBHOOK_REASON)
        for operation, root, argument, path, variable, type_ in (
            ("CreateWebhookPyApi", "createWebhook", "data", ("project", "id"), "projectId", "ID!"),
            ("CreateWebhookPyApi", "createWebhook", "data", ("url",), "url", "String!"),
            ("CreateWebhookPyApi", "createWebhook", "data", ("secret",), "secret", "String!"),
            ("UpdateWebhookPyApi", "updateWebhook", "where", ("id",), "id", "ID!"),
            ("UpdateWebhookPyApi", "updateWebhook", "data", ("url",), "url", "String!"),
        )
    ),
)
"""Every document difference, and why."""


def document_differences_for(operation_name: str) -> tuple[VariableForLiteral, ...]:
    """The entries that apply to one operation."""
    return tuple(d for d in DOCUMENT_DIFFERENCES if d.applies_to(operation_name))


@dataclass(frozen=True, slots=True)
class CallDifference:
    """A difference in the requests one public call makes (count, order, concurrency)."""

    method: str
    official: str
    aiolabel: str
    reason: str


CALL_DIFFERENCES: tuple[CallDifference, ...] = (
    CallDifference(
        "Project.connect_ontology",
        "GetProjectLabelingFrontendPyApi twice in a row when the project has no editor (once in"
        " connect_ontology, once in _connect_default_labeling_front_end)",
        "GetProjectLabelingFrontendPyApi once",
        "The second lookup cannot answer differently; one round trip fewer.",
    ),
    CallDifference(
        "MALPredictionImport / LabelImport / MEAPredictionImport .create_from_objects / "
        "create_from_file",
        "one multipart create...ByFilePyApi carrying the NDJSON",
        "UploadFile (the NDJSON streamed, spooled to disk when large), then create...ByUrlPyApi"
        " with the file's URL",
        "One upload path for every file (streamed, retried on its own); both are the service's"
        " documented operations.",
    ),
    CallDifference(
        "AnnotationImport.wait_till_done",
        "refresh every sleep_time_seconds (10 s by default)",
        "the client's one poller: 0.1 s growing to task_poll_interval, with jitter",
        "Completion noticed sooner; the number of refreshes differs with timing only.",
    ),
    CallDifference(
        "Label.bulk_delete / Project.delete_labels_by_user",
        "one deleteLabelsPyApi with every id pasted (delete_labels_by_user: per 500, serially)",
        "deleteLabelsPyApi per 500 ids (a variable), chunks run concurrently",
        "Bounded request size, not serialised.",
    ),
    CallDifference(
        "DataRow.bulk_delete",
        "one deleteDataRowsPyApi with every id pasted into the text",
        "deleteDataRowsPyApi per chunk of 1,000 ids (a variable), chunks run concurrently",
        "Bounded request size; the official SDK has no limit (wire doc §11.3).",
    ),
    CallDifference(
        "DataRowMetadataOntology.bulk_upsert / bulk_delete / bulk_export",
        "one request per 50 items, one after the other",
        "one request per 50 items, run concurrently under the client's limiter",
        "Same requests, not serialised (wire doc §11.2).",
    ),
    CallDifference(
        "Client.get_data_row_ids_for_external_ids",
        "externalIdsToDataRowIdsPyApi per 100 ids, one after the other",
        "the same requests, run concurrently under the client's limiter",
        "Same requests, not serialised (wire doc §11.2).",
    ),
    CallDifference(
        "Client.create_dataset",
        "CreateDatasetPyApi, then GetOrganizationPyApi and getAllIntegrationsPyApi (default "
        "iam_integration), then setSignerForDatasetPyApi and validateDatasetPyApi",
        "getAllIntegrationsPyApi first (no GetOrganizationPyApi: the integration list does not "
        "need the organisation), then CreateDatasetPyApi, setSigner and validate",
        "One round trip fewer, and a refused lookup (several defaults, an invalid integration) "
        "creates nothing instead of leaving a dataset behind. iam_integration=None still skips "
        "the lookup entirely.",
    ),
    CallDifference(
        "Client.get_data_row_ids_for_global_keys / assign_global_keys_to_data_rows / "
        "clear_global_keys / get_data_row_by_global_key",
        "the result query at once, then every 2 s",
        "the result query at once, then after 0.1 s growing to task_poll_interval (0.3 s) "
        "with jitter (the task poller's schedule)",
        "Completion noticed sooner; the number of result queries differs with timing only.",
    ),
    CallDifference(
        "Dataset.create_data_rows / upsert_data_rows",
        "every item in one task: descriptor files from recursive halving (re-serialised), "
        "uploaded in completion order by 20 threads, then the manifest, UpsertDataRowsPyApi "
        "and GetUserPyApi",
        "descriptor files filled in one pass in input order, uploaded 4 at a time; above "
        "100,000 items one manifest and UpsertDataRowsPyApi per 100,000 items; no GetUserPyApi "
        "(the user id is cached per client when a task is refreshed); the file part is named "
        "json_import.json with Content-Type application/json (the official SDK swaps the two)",
        "Deterministic requests and results, bounded memory and bounded server tasks "
        "(wire doc §11.3, §11.5).",
    ),
    CallDifference(
        "Dataset.create_data_row",
        "the upsert, GetUserPyApi, createdTasks every 2 s, FailedDataRowImportsPyApi twice, "
        "SuccessesfulDataRowImportsPyApi, GetDataRowPyApi",
        "the upsert (COMPLETE at once skips polling; else backoff from 0.1 s), "
        "FailedDataRowImportsPyApi once, SuccessesfulDataRowImportsPyApi, GetDataRowPyApi",
        "Redundant round trips removed (wire doc §11.2).",
    ),
    CallDifference(
        "Dataset.export / DataRow.export",
        "exportDataRowsInCatalogPyApi, then GetUserPyApi and the ORM createdTasks lookup "
        "(Task.get_task)",
        "exportDataRowsInCatalogPyApi and get_task_by_id's GetUserCreatedTasksPyApi (same "
        "operation name, the hand-written document); GetUserPyApi once per client",
        "The user id is cached per client (wire doc §11.2); one task lookup document for "
        "every task.",
    ),
    CallDifference(
        "Client.get_data_row / get_data_row_by_global_key / Dataset.data_rows (first DataRow "
        "of a client)",
        "GetMetadataOntologyBetaPyApi when the first DataRow object is built",
        "no ontology fetch; DataRow.metadata holds schema ids and raw values",
        "The ontology is fetched only where it is needed: metadata names in create_data_rows, "
        "bulk metadata calls, get_data_row_metadata_ontology (wire doc §11.2).",
    ),
    CallDifference(
        "Project.create_batch / create_batches (processing wait)",
        "CheckAllDataRowsHaveBeenProcessedPyApi per 100,000 ids, one after the other, asked "
        "again every 30 s (fixed) for up to 3,600 s",
        "the same query per 100,000 ids, the chunks' checks concurrent, asked again after "
        "1 s doubling to 30 s (jittered), bounded by Project._wait_processing_max_seconds",
        "Rows are usually processed within seconds: a fixed 30 s sleep wastes most of it "
        "(wire doc §11.2 item 5). Same request, same limit, ProcessingWaitTimeout as before.",
    ),
    CallDifference(
        "Project.create_batches (more than 100,000 rows)",
        "one createBatchesPyApi carrying every id (the server splits it into batches of "
        "100,000 named <prefix>0000...)",
        "per batch of 100,000, concurrently (a list's batches all at once, a stream's 2 at a "
        "time by default): the processing check, createEmptyBatchPyApi named <prefix>NNNN and "
        "addDataRowsToBatchAsyncPyApi; GetProjectBatchesPyApi alongside the first checks "
        "(no batch is created before it found no <prefix>NNNN name taken)",
        "One request with millions of ids cannot be streamed, retried or reported on per "
        "batch. The per-batch requests are those the official create_batch sends for 1,000+ "
        "rows, so the service accepts them; names and sizes come out as the server's split. "
        "Up to 100,000 rows the official createBatchesPyApi is sent unchanged.",
    ),
    CallDifference(
        "CreateBatchesTask (from create_batches, create_batches_from_dataset, "
        "create_batch(wait=False))",
        "GetUserPyApi + GetUserCreatedTasksPyApi per task at construction, one after the "
        "other; wait_till_done waits on each task in turn (2 s polls); result() calls "
        "getProjectBatchPyApi per batch, one after the other",
        "no request at construction (the tasks are known by id); wait_till_done refreshes "
        "every task in the client's one polling loop (at once, then 0.1 s growing to "
        "task_poll_interval, 0.3 s); result() sends the same getProjectBatchPyApi per batch, "
        "concurrently",
        "Wire doc §11.2 items 4 and 6: sequential fetches and fixed polling.",
    ),
    CallDifference(
        "Project.create_batch (1,000 rows or more)",
        "after addDataRowsToBatchAsyncPyApi: GetUserPyApi + the createdTasks lookup, then "
        "polls every 2 s",
        "after addDataRowsToBatchAsyncPyApi: the createdTasks lookup as the first poll (at "
        "once, then 0.1 s growing); GetUserPyApi once per client",
        "The task is known by id; the user id is cached per client (wire doc §11.2).",
    ),
    CallDifference(
        "Project.set_labeling_parameter_overrides",
        "one SetLabelingParameterOverridesPyApi with every pair in its literal list",
        "one per 1,000 pairs (the service's limit per call), concurrently through the chunk "
        "runner; the list rendered by the one escaping function",
        "The service refuses more than 1,000 overrides per call; the official SDK leaves the "
        "chunking (and its failures) to the caller (wire doc §11.3 item 11).",
    ),
    CallDifference(
        "Project.update_data_row_labeling_priority / move_data_rows_to_task_queue",
        "one mutation with every id, then GetUserPyApi + the createdTasks lookup and 2 s polls",
        "one mutation per 1,000,000 ids (concurrently when several), the tasks waited for in "
        "the client's one polling loop, GetUserPyApi once per client; wait=False returns the "
        "tasks at once",
        "1,000,000 is the documented per-call limit; fixed polling (wire doc §11.2).",
    ),
    CallDifference(
        "Project.export (date filters)",
        "CurrentUserPyApi once per date filter; GetUserPyApi before every task lookup",
        "CurrentUserPyApi once per call, only when a date filter needs it; GetUserPyApi once "
        "per client",
        "The time zone and the user do not change between two filters of one call "
        "(wire doc §11.2 item 6).",
    ),
    CallDifference(
        "Batch.export_data_rows / Batch.export",
        "removed in 7.x (the replacement is project.export(filters={'batch_ids': [id]}))",
        "exactly that replacement: exportDataRowsInProjectPyApi filtered by the batch, then "
        "the export stream",
        "Kept for users of the older SDK; sends only official requests.",
    ),
    CallDifference(
        "every call, after a failed request",
        "mutations resent blindly on 5xx and some connection errors; 429 and resets not "
        "retried; retries serialised with fixed sleeps",
        "429/503 and never-sent requests retried for every operation; after an ambiguous "
        "failure (timeout, dropped connection, 500/502/504) a non-idempotent mutation is first "
        "reconciled: GetProjectBatchesPyApi (batch by name), GetUserRecentTasks and the task's "
        "first result page (the task a lost answer started), GetDataRowAttachmentsPyApi; "
        "createProject/createDataset are not resent",
        "Nothing lost, nothing created twice (README, Reliability; aiolabel._reconcile).",
    ),
)
"""Every call-level difference, and why. A new resource adds its entries here."""
