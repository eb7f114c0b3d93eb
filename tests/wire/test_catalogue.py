"""Every document of the catalogue: well-formed, named, declared honestly, values never inlined."""

from __future__ import annotations

from typing import Any

import graphql
import pytest
from graphql.language import ast
from labelbox.orm import query as official_query
from labelbox.orm.model import Entity as OfficialEntity
from labelbox.orm.model import Field as OfficialField

from aiolabel._operations import Operation
from aiolabel._operations._builder import _selection
from aiolabel._operations._entities import ENTITIES, Entity
from tests.wire import selections as _selections
from tests.wire.catalogue import catalogue, generated_variables, operation_constants
from tests.wire.compare import canonical, parse_operation

ALL = list(catalogue())
IDS = [label for label, _, _ in ALL]

EXPERIMENTAL = {
    # wire doc §10.1, "Sent to /_gql"
    "createBatchV2PyApi",
    "createEmptyBatchPyApi",
    "addDataRowsToBatchAsyncPyApi",
    "GetProjectBatchesPyApi",
    "GetProjectTaskQueuesPyApi",
    "AddDataRowsToTaskQueueAsyncPyApi",
    "RemoveQueuedDataRowsFromBatchPyApi",
    "DeleteBatchPyApi",
    "DeleteBatchLabelsPyApi",
    # ModelRun's @experimental methods
    "assignDataSplitPyApi",
    "assignDataRowsToDataSplitTaskStatusPyApi",
    "setPipelineStatusPyApi",
}
TIMEOUT_180 = {
    # wire doc §1.5
    "createBatchV2PyApi",
    "createEmptyBatchPyApi",
    "addDataRowsToBatchAsyncPyApi",
    "GetProjectTaskQueuesPyApi",
    "AddDataRowsToTaskQueueAsyncPyApi",
    "getProjectBatchPyApi",
}
NOT_IDEMPOTENT = {
    # mutations whose repetition creates something again
    "CreateProjectPyApi",
    "CreateDatasetPyApi",
    "UpsertDataRowsPyApi",
    "createBatchV2PyApi",
    "createEmptyBatchPyApi",
    "addDataRowsToBatchAsyncPyApi",
    "createBatchesPyApi",
    "createBatchesFromDatasetPyApi",
    "CreateDataRowAttachmentPyApi",
    "UpsertCustomMetadataSchemaPyApi",
    "upsertRootSchemaNodePyApi",  # create_ontology and create_feature_schema
    "CreateLabelingFrontendOptionsPyApi",
    "createInvitesPyApi",
    "CreateResourceTagPyApi",
    "CreateWebhookPyApi",
    "createMALPredictionImportByFilePyApi",
    "createMALPredictionImportByUrlPyApi",
    "createLabelImportByFilePyApi",
    "createLabelImportByUrlPyApi",
    "createMEAPredictionImportByFilePyApi",
    "createMEAPredictionImportByUrlPyApi",
    "createMalPredictionImportForModelRunDataRowsPyApi",
    "CreateReviewPyApi",
    "CreateBenchmarkPyApi",
    "DeleteBenchmarkPyApi",
    "createModelPyApi",
    "CreateModelRunPyApi",
    "SendToAnnotateFromMeaPyApi",
    "SendToAnnotateFromCatalogPyApi",
    "CreateModelJobPyApi",
}


@pytest.mark.parametrize(("label", "operation", "variables"), ALL, ids=IDS)
def test_document_parses_to_one_named_operation(
    label: str, operation: Operation, variables: dict[str, Any]
) -> None:
    doc = graphql.parse(operation.document)
    assert len(doc.definitions) == 1
    [definition] = doc.definitions
    assert isinstance(definition, ast.OperationDefinitionNode)
    assert definition.name is not None
    assert definition.name.value == operation.name
    assert operation.is_mutation == (definition.operation is ast.OperationType.MUTATION)


@pytest.mark.parametrize(("label", "operation", "variables"), ALL, ids=IDS)
def test_example_variables_match_the_declarations(
    label: str, operation: Operation, variables: dict[str, Any]
) -> None:
    op = parse_operation(operation.document)
    declared = {d.variable.name.value: d.type for d in op.variable_definitions or ()}
    assert set(variables) <= set(declared), f"undeclared: {set(variables) - set(declared)}"
    required = {n for n, t in declared.items() if isinstance(t, ast.NonNullTypeNode)}
    missing = {n for n in required if variables.get(n) is None}
    assert not missing - {"file"}, f"required variables without a value: {missing}"


@pytest.mark.parametrize(("label", "operation", "variables"), ALL, ids=IDS)
def test_declarations(label: str, operation: Operation, variables: dict[str, Any]) -> None:
    assert operation.experimental == (operation.name in EXPERIMENTAL)
    assert operation.timeout == (180.0 if operation.name in TIMEOUT_180 else None)
    if operation.is_mutation:
        assert operation.idempotent == (operation.name not in NOT_IDEMPOTENT), (
            "declare idempotent=True exactly for mutations whose repetition changes nothing"
        )
    assert operation.retry_safe == (operation.name not in NOT_IDEMPOTENT)


def _literals(node: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Literal values in argument positions, with the path of field/argument names."""
    out: list[tuple[tuple[str, ...], Any]] = []
    if isinstance(node, ast.VariableNode | ast.EnumValueNode):
        return out
    if isinstance(node, ast.ObjectValueNode):
        for f in node.fields:
            out += _literals(f.value, (*path, f.name.value))
        return out
    if isinstance(node, ast.ListValueNode):
        for v in node.values:
            out += _literals(v, path)
        return out
    if isinstance(node, ast.ValueNode):
        return [(path, graphql.value_from_ast_untyped(node))]
    if isinstance(node, ast.FieldNode):
        for a in node.arguments or ():
            out += _literals(a.value, (*path, node.name.value, a.name.value))
    for child in ("selection_set",):
        sel = getattr(node, child, None)
        for s in sel.selections if sel else ():
            out += _literals(
                s, (*path, node.name.value) if isinstance(node, ast.FieldNode) else path
            )
    return out


STRUCTURAL_LITERALS = {
    # constants of the shape, identical for every call (see tests/wire/differences.py)
    ("update{T}", "data", "deleted"): True,
    ("user", "createdTasks", "skip"): 0,
    ("user", "createdTasks", "first"): 1,
}


@pytest.mark.parametrize(("label", "operation", "variables"), ALL, ids=IDS)
def test_no_value_is_written_into_the_text(
    label: str, operation: Operation, variables: dict[str, Any]
) -> None:
    op = parse_operation(operation.document)
    found = _literals(op)
    if operation.name == "SetLabelingParameterOverridesPyApi":
        return  # the one literal list, rendered by aiolabel._literals (tested there)
    for path, value in found:
        key = ("update{T}", *path[1:]) if path[0].startswith("update") else path
        assert STRUCTURAL_LITERALS.get(key, object()) == value, f"literal {value!r} at {path}"


def test_operations_sharing_a_name_share_their_declarations() -> None:
    seen: dict[str, Operation] = {}
    for _, operation in operation_constants():
        first = seen.setdefault(operation.name, operation)
        assert (first.experimental, first.idempotent, first.timeout) == (
            operation.experimental,
            operation.idempotent,
            operation.timeout,
        )


def test_generated_variables_name_the_type_that_needs_an_example() -> None:
    op = Operation("XPyApi", "query XPyApi($a: SomeInput!) { x(a: $a) }")
    with pytest.raises(KeyError, match="SomeInput"):
        generated_variables(op)


# -- selection sets and entity tables ------------------------------------------------------------

SELECTIONS = {
    "Project": _selections.PROJECT_SELECTION,
    "Dataset": _selections.DATASET_SELECTION,
    "DataRow": _selections.DATA_ROW_SELECTION,
    "Batch": _selections.BATCH_SELECTION,
    "Task": _selections.TASK_SELECTION,
    "LabelingParameterOverride": _selections.LPO_SELECTION,
    "TaskQueue": _selections.TASK_QUEUE_SELECTION,
    "User": _selections.USER_SELECTION,
    "Organization": _selections.ORGANIZATION_SELECTION,
    "AssetAttachment": _selections.ATTACHMENT_SELECTION,
    "IAMIntegration": _selections.IAM_INTEGRATION_SELECTION,
}


def _official(name: str) -> Any:
    return getattr(OfficialEntity, name)


def _selection_text(entity: Entity) -> str:
    op = ast.OperationDefinitionNode(
        operation=ast.OperationType.QUERY,
        name=ast.NameNode(value="X"),
        variable_definitions=(),
        directives=(),
        selection_set=ast.SelectionSetNode(selections=_selection(entity)),
    )
    return canonical(op)


@pytest.mark.parametrize("name", sorted(SELECTIONS))
def test_selection_constant_is_the_official_text(name: str) -> None:
    assert SELECTIONS[name] == official_query.results_query_part(_official(name))


@pytest.mark.parametrize("name", sorted(SELECTIONS))
def test_builder_selection_is_the_official_selection(name: str) -> None:
    expected = canonical(parse_operation("query X {" + SELECTIONS[name] + "}"))
    assert _selection_text(ENTITIES[name]) == expected


@pytest.mark.parametrize("name", sorted(ENTITIES))
def test_entity_table_matches_the_official_entity(name: str) -> None:
    ours, theirs = ENTITIES[name], _official(name)
    assert ours.name == theirs.type_name()
    official_fields = [
        (attr, f.graphql_name, f.field_type.name)
        for attr in dir(theirs)
        if isinstance(f := getattr(theirs, attr), OfficialField) and f is not OfficialEntity.deleted
    ]
    assert [(f.name, f.graphql, f.type) for f in ours.fields] == official_fields
    official_rels = {r.name: r for r in theirs.relationships()}
    for rel in ours.relationships:
        other = official_rels[rel.name]
        assert (rel.graphql, rel.target, rel.cache, rel.filter_deleted) == (
            other.graphql_name,
            other.destination_type_name,
            other.cache,
            other.filter_deleted,
        )
        assert rel.to_many == (other.relationship_type.name == "ToMany")
    for rel in theirs.relationships():
        if rel.destination_type_name in ENTITIES:
            assert ours.relationship(rel.name) is not None, f"{name}.{rel.name} missing"
