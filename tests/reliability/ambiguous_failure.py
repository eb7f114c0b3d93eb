"""What happens to each mutation after an ambiguous failure: the one table.

An ambiguous failure is one after which the client cannot know whether the server applied the
mutation: a timeout after the request was sent, a dropped connection, a 500, 502 or 504. (429,
503 and requests that provably never left are unambiguous: every operation is resent after
them.) Each mutation the SDK sends is here with one of three policies:

* ``resend`` — repeating it cannot change the outcome (``Operation.idempotent``): retried like a
  query;
* ``reconcile`` — a lookup runs first (:mod:`aiolabel._reconcile`); what it finds is used as the
  answer, and the mutation is resent only when the lookup shows it was not applied;
* ``not resent`` — no lookup can tell (names are not unique): the error is raised at once with
  ``maybe_applied`` set, and its message says so.

Queries are always ``resend``. Nothing at run time reads this table: the client acts on each
operation's ``idempotent`` flag and on the reconcile step its call site passes. The table is the
declared intent, checked by ``test_reconcile.py``: it covers every mutation of the catalogue and
agrees with each operation's ``idempotent`` flag. The README's Reliability section is this table
in prose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["AMBIGUOUS_FAILURE", "Kind", "Policy"]

Kind = Literal["resend", "reconcile", "not resent"]


@dataclass(frozen=True, slots=True)
class Policy:
    """One mutation's policy, and how it is carried out."""

    kind: Kind
    how: str


def _p(kind: Kind, how: str) -> Policy:
    return Policy(kind, how)


AMBIGUOUS_FAILURE: dict[str, Policy] = {
    # data rows
    "UploadFile": _p("resend", "a new upload; the first file, if stored, is never referenced"),
    "UpsertDataRowsPyApi": _p(
        "reconcile",
        "the user's upsert tasks started since the attempt are waited for and the one whose "
        "results hold the first rows of the manifest (by global key, id, or external id with "
        "row data) is the answer; none: resent; rows with none of these: not resent",
    ),
    "deleteDataRowsPyApi": _p("resend", "deleting again leaves them deleted"),
    "updateDataRowPyApi": _p("resend", "sets the same fields again"),
    "assignGlobalKeysToDataRowsPyApi": _p("resend", "the same key to the same row again"),
    "clearGlobalKeysPyApi": _p("resend", "clearing again leaves them cleared"),
    "CreateDataRowAttachmentPyApi": _p(
        "reconcile", "the row's attachment with the same type, value and name is the answer"
    ),
    "updateDataRowAttachmentPyApi": _p("resend", "sets the same fields again"),
    "deleteDataRowAttachmentPyApi": _p("resend", "deleting again leaves it deleted"),
    "UpsertDataRowMetadataBetaPyApi": _p("resend", "the same values again"),
    "DeleteDataRowMetadataBetaPyApi": _p("resend", "deleting again leaves them deleted"),
    "UpsertCustomMetadataSchemaPyApi": _p(
        "reconcile", "the ontology's schema with that name is the answer"
    ),
    "DeleteCustomMetadataSchemaPyApi": _p("resend", "deleting again leaves it deleted"),
    # datasets and projects
    "CreateDatasetPyApi": _p(
        "not resent", "names are not unique; look the dataset up by name before trying again"
    ),
    "updateDatasetPyApi": _p("resend", "sets the same fields again"),
    "deleteDatasetPyApi": _p("resend", "deleting again leaves it deleted"),
    "setSignerForDatasetPyApi": _p("resend", "the same signer again"),
    "validateDatasetPyApi": _p("resend", "a check"),
    "CreateProjectPyApi": _p(
        "not resent", "names are not unique; look the project up by name before trying again"
    ),
    "updateProjectPyApi": _p("resend", "sets the same fields again"),
    "deleteProjectPyApi": _p("resend", "deleting again leaves it deleted"),
    # batches
    "createEmptyBatchPyApi": _p("reconcile", "the project's batch of that name is the answer"),
    "addDataRowsToBatchAsyncPyApi": _p(
        "reconcile",
        "the user's batch task started since the attempt for that batch id is the answer; "
        "none: resent",
    ),
    "createBatchesPyApi": _p(
        "reconcile",
        "the batch <prefix>0000 by name, then its filling task by batch id; no batch: resent",
    ),
    "createBatchV2PyApi": _p(
        "reconcile",
        "the batch by name: found, the call raises naming it (its refused rows are unknown), "
        "never creating it twice; not found: resent",
    ),
    "createBatchesFromDatasetPyApi": _p(
        "reconcile",
        "the batch <prefix>0000 by name: found, the call raises naming it; not found: resent",
    ),
    "RemoveQueuedDataRowsFromBatchPyApi": _p("resend", "removing again leaves them removed"),
    "DeleteBatchPyApi": _p("resend", "deleting again leaves it deleted"),
    "DeleteBatchLabelsPyApi": _p("resend", "deleting again leaves them deleted"),
    # priorities, queues, exports, tasks
    "SetLabelingParameterOverridesPyApi": _p("resend", "the same priorities again"),
    "createQueuePriorityUpdateTaskPyApi": _p("resend", "the same priorities again"),
    "AddDataRowsToTaskQueueAsyncPyApi": _p("resend", "the same rows to the same queue"),
    "exportDataRowsInProjectPyApi": _p("resend", "another export; the first is never read"),
    "exportDataRowsInCatalogPyApi": _p("resend", "another export; the first is never read"),
    "CancelTaskPyApi": _p("resend", "cancelling again changes nothing"),
    # ontologies and the editor (the REST maintenance calls: resent when idempotent - GETs,
    # title, insert at a position, unarchive - else not resent)
    "upsertRootSchemaNodePyApi": _p(
        "not resent", "a second ontology or feature schema would be made (names are not unique)"
    ),
    "ConnectOntologyPyApi": _p("resend", "the same ontology again"),
    "ConnectProjectAndLabelingFrontendPyApi": _p("resend", "the same editor again"),
    "CreateLabelingFrontendOptionsPyApi": _p(
        "not resent", "a second options row would be made; nothing identifies the first"
    ),
    # labels, reviews, benchmarks and annotation imports
    "deleteLabelsPyApi": _p("resend", "deleting again leaves them deleted"),
    "updateLabelPyApi": _p("resend", "sets the same text again"),
    "CreateReviewPyApi": _p("not resent", "a second review would be made; reviews have no key"),
    "updateReviewPyApi": _p("resend", "sets the same score again"),
    "deleteReviewPyApi": _p("resend", "deleting again leaves it deleted"),
    "CreateBenchmarkPyApi": _p("not resent", "a second create is refused: the label is one"),
    "DeleteBenchmarkPyApi": _p("not resent", "a second delete is refused: it is gone"),
    "toggle_model_assisted_labelingPyApi": _p("resend", "sets the same switch again"),
    "deleteModelAssistedLabelingPredictionImportPyApi": _p("resend", "deleting again is a no-op"),
    "createMALPredictionImportByUrlPyApi": _p("reconcile", "the import looked up by its name"),
    "createLabelImportByUrlPyApi": _p("reconcile", "the import looked up by its name"),
    "createMEAPredictionImportByUrlPyApi": _p("reconcile", "the import looked up by its name"),
    "createMALPredictionImportByFilePyApi": _p("not resent", "not sent by aiolabel (by URL)"),
    "createLabelImportByFilePyApi": _p("not resent", "not sent by aiolabel (by URL)"),
    "createMEAPredictionImportByFilePyApi": _p("not resent", "not sent by aiolabel (by URL)"),
    "createMalPredictionImportForModelRunDataRowsPyApi": _p(
        "not resent", "aiolabel does not look it up; the error says it may have been applied"
    ),
    # organisation administration
    "createInvitesPyApi": _p(
        "not resent", "a second invitation would be sent; list the invites before trying again"
    ),
    "CreateResourceTagPyApi": _p(
        "not resent", "a second tag would be made; look the tag up by text before trying again"
    ),
    "DeleteMemberPyApi": _p("resend", "removing again leaves the user removed"),
    "SetOrganizationRolePyApi": _p("resend", "the same role again"),
    "SetProjectMembershipPyApi": _p("resend", "the same membership again"),
    "UpdateProjectResourceTagsPyApi": _p("resend", "the same tags again"),
    "setprojectinsructionsPyApi": _p("resend", "the same instructions again"),
    # models, model runs, slices, send to annotate
    "createModelPyApi": _p("not resent", "a second model would be made; look it up by name"),
    "DeleteModelPyApi": _p("resend", "deleting again leaves it deleted"),
    "CreateModelRunPyApi": _p("not resent", "a second run would be made; list model_runs()"),
    "DeleteModelRunPyApi": _p("resend", "deleting again leaves it deleted"),
    "createMEAModelRunDataRowRegistrationTaskPyApi": _p("resend", "an upsert: the same rows"),
    "createMEAModelRunLabelRegistrationTaskPyApi": _p("resend", "an upsert: the same labels"),
    "createMEAModelRunProjectLabelRegistrationTaskPyApi": _p("resend", "an upsert of the labels"),
    "DeleteModelRunDataRowsPyApi": _p("resend", "removing again leaves them removed"),
    "assignDataSplitPyApi": _p("resend", "the same split again"),
    "setPipelineStatusPyApi": _p("resend", "the same status again"),
    "updateModelRunConfigPyApi": _p("resend", "merges the same keys again"),
    "resetModelRunConfigPyApi": _p("resend", "resetting again leaves it reset"),
    "exportDataRowsInModelRunPyApi": _p("resend", "another export of the same rows"),
    "exportDataRowsInSlicePyApi": _p("resend", "another export of the same rows"),
    "SendToAnnotateFromMeaPyApi": _p(
        "not resent", "a second batch would be made (refused by its name); check the batches"
    ),
    "SendToAnnotateFromCatalogPyApi": _p(
        "not resent", "a second batch would be made (refused by its name); check the batches"
    ),
    "CreateModelJobPyApi": _p("not resent", "a second run would be made; list model_runs()"),
}
"""Mutation name -> what an ambiguous failure leads to, and how."""
