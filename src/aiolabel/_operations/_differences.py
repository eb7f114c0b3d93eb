"""Every deliberate difference between what aiolabel sends and what the official SDK sends.

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

_ORM_COLLECTIONS = r"Get\w+PyApi|ProjectMemberOverviewPyApi"
"""ORM lists (``Get<Type>sPyApi``), to-many relationships (``Get<Type><Rel>PyApi``), members."""

DOCUMENT_DIFFERENCES: tuple[VariableForLiteral, ...] = (
    VariableForLiteral(_ORM_COLLECTIONS, None, "skip", (), "skip", "Int!", _PAGE_REASON),
    VariableForLiteral(_ORM_COLLECTIONS, None, "first", (), "first", "Int!", _PAGE_REASON),
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
        "the result query at once, then after 0.1 s growing to 3 s with jitter (the task "
        "poller's schedule)",
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
        "exportDataRowsInCatalogPyApi, then GetUserPyApi and the createdTasks lookup",
        "exportDataRowsInCatalogPyApi and the createdTasks lookup; GetUserPyApi once per client",
        "The user id is cached per client (wire doc §11.2).",
    ),
    CallDifference(
        "Client.get_data_row / get_data_row_by_global_key / Dataset.data_rows (first DataRow "
        "of a client)",
        "GetMetadataOntologyBetaPyApi when the first DataRow object is built",
        "no ontology fetch; DataRow.metadata holds schema ids and raw values",
        "The ontology is fetched only where it is needed: metadata names in create_data_rows, "
        "bulk metadata calls, get_data_row_metadata_ontology (wire doc §11.2).",
    ),
)
"""Every call-level difference, and why. Resource code adds its own entries here."""
