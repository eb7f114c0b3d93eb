"""Compare a document aiolabel sends with the one the official SDK sends, as GraphQL ASTs.

Both are parsed, the deliberate differences of ``tests.wire.differences`` are applied
to the official one (a literal becomes the variable aiolabel uses), and the two are printed in a
canonical form: whitespace and commas gone, variable definitions, arguments and input-object
fields sorted (their order carries no meaning), selections kept in order (the official order is
part of what we reproduce). Anything else that differs fails.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import graphql
from graphql.language import ast

from aiolabel._operations import Operation
from tests.wire.differences import VariableForLiteral, document_differences_for
from tests.wire.recorder import RecordedRequest


def _replace(node: Any, **changes: Any) -> Any:
    values = {k: getattr(node, k) for k in node.keys if k != "loc"}
    values.update(changes)
    return type(node)(**values)


def parse_operation(document: str) -> ast.OperationDefinitionNode:
    """The single named operation of ``document`` (anything else is an error)."""
    doc = graphql.parse(document, no_location=True)
    ops = [d for d in doc.definitions if isinstance(d, ast.OperationDefinitionNode)]
    if len(doc.definitions) != 1 or len(ops) != 1:
        raise AssertionError(f"expected exactly one operation, got {len(doc.definitions)}")
    if ops[0].name is None:
        raise AssertionError("the operation has no name")
    return ops[0]


# -- canonical form ------------------------------------------------------------------------------


def _canon_value(value: ast.ValueNode) -> ast.ValueNode:
    if isinstance(value, ast.ObjectValueNode):
        fields = sorted(
            (_replace(f, value=_canon_value(f.value)) for f in value.fields),
            key=lambda f: f.name.value,
        )
        return _replace(value, fields=tuple(fields))
    if isinstance(value, ast.ListValueNode):
        return _replace(value, values=tuple(_canon_value(v) for v in value.values))
    return value


def _canon_selections(selection_set: ast.SelectionSetNode | None) -> ast.SelectionSetNode | None:
    if selection_set is None:
        return None
    out = []
    for sel in selection_set.selections:
        if isinstance(sel, ast.FieldNode):
            args = sorted(
                (_replace(a, value=_canon_value(a.value)) for a in sel.arguments or ()),
                key=lambda a: a.name.value,
            )
            sel = _replace(
                sel, arguments=tuple(args), selection_set=_canon_selections(sel.selection_set)
            )
        elif isinstance(sel, ast.InlineFragmentNode):
            sel = _replace(sel, selection_set=_canon_selections(sel.selection_set))
        out.append(sel)
    return _replace(selection_set, selections=tuple(out))


def canonical(op: ast.OperationDefinitionNode) -> str:
    """One-line canonical text of an operation (see the module docstring)."""
    definitions = sorted(op.variable_definitions or (), key=lambda d: d.variable.name.value)
    op = _replace(
        op,
        variable_definitions=tuple(definitions),
        selection_set=_canon_selections(op.selection_set),
    )
    return " ".join(graphql.print_ast(op).replace(",", " ").split())


def variable_types(op: ast.OperationDefinitionNode) -> dict[str, str]:
    return {d.variable.name.value: graphql.print_ast(d.type) for d in op.variable_definitions or ()}


def root_paths(op: ast.OperationDefinitionNode) -> list[tuple[str, ...]]:
    """Every field path that carries arguments, root first: ``[("project", "batches"), …]``."""
    out: list[tuple[str, ...]] = []

    def walk(sel: ast.SelectionSetNode | None, prefix: tuple[str, ...]) -> None:
        for s in sel.selections if sel else ():
            if isinstance(s, ast.FieldNode):
                path = (*prefix, s.name.value)
                if s.arguments:
                    out.append(path)
                walk(s.selection_set, path)

    walk(op.selection_set, ())
    return out


# -- differences ---------------------------------------------------------------------------------


def _fields_at(
    sel: ast.SelectionSetNode | None, prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], ast.FieldNode]]:
    out: list[tuple[tuple[str, ...], ast.FieldNode]] = []
    for s in sel.selections if sel else ():
        if isinstance(s, ast.FieldNode):
            path = (*prefix, s.name.value)
            out.append((path, s))
            out.extend(_fields_at(s.selection_set, path))
    return out


def _value_at(value: ast.ValueNode | None, path: Sequence[str]) -> ast.ValueNode | None:
    for key in path:
        if not isinstance(value, ast.ObjectValueNode):
            return None
        value = next((f.value for f in value.fields if f.name.value == key), None)
    return value


def _set_value_at(value: ast.ValueNode, path: Sequence[str], new: ast.ValueNode) -> ast.ValueNode:
    if not path:
        return new
    assert isinstance(value, ast.ObjectValueNode)
    fields = tuple(
        _replace(f, value=_set_value_at(f.value, path[1:], new)) if f.name.value == path[0] else f
        for f in value.fields
    )
    return _replace(value, fields=fields)


def _rewrite_field(
    sel: ast.SelectionSetNode | None,
    target: tuple[str, ...],
    argument: str,
    value_path: Sequence[str],
    new: ast.ValueNode,
    prefix: tuple[str, ...] = (),
) -> ast.SelectionSetNode | None:
    if sel is None:
        return None
    out = []
    for s in sel.selections:
        if isinstance(s, ast.FieldNode):
            path = (*prefix, s.name.value)
            if path == target:
                args = tuple(
                    _replace(a, value=_set_value_at(a.value, value_path, new))
                    if a.name.value == argument
                    else a
                    for a in s.arguments or ()
                )
                s = _replace(s, arguments=args)
            elif target[: len(path)] == path:
                s = _replace(
                    s,
                    selection_set=_rewrite_field(
                        s.selection_set, target, argument, value_path, new, path
                    ),
                )
        out.append(s)
    return _replace(sel, selections=tuple(out))


@dataclass
class Applied:
    """The official operation with the allowed differences applied, and what they moved."""

    operation: ast.OperationDefinitionNode
    moved_values: dict[str, Any] = field(default_factory=dict)
    """Literal values of the official document, now variables: ``{"skip": 0, "first": 100}``."""
    used: list[VariableForLiteral] = field(default_factory=list)


def apply_differences(
    official: ast.OperationDefinitionNode,
    ours: ast.OperationDefinitionNode,
    differences: Sequence[VariableForLiteral] | None = None,
) -> Applied:
    """Turn the official literals into variables where a listed difference allows it and ours
    has that variable; everything else is left for the comparison to catch."""
    name = official.name.value if official.name else ""
    entries = document_differences_for(name) if differences is None else differences
    result = Applied(official)
    our_fields = dict(_fields_at(ours.selection_set))
    our_types = variable_types(ours)
    for entry in entries:
        if not entry.applies_to(name):
            continue
        for path, node in _fields_at(result.operation.selection_set):
            if entry.field_path is not None and path != entry.field_path:
                continue
            arg = next((a for a in node.arguments or () if a.name.value == entry.argument), None)
            theirs = _value_at(arg.value if arg else None, entry.value_path)
            if theirs is None or isinstance(theirs, ast.VariableNode):
                continue
            our_node = our_fields.get(path)
            our_arg = next(
                (
                    a
                    for a in (our_node.arguments if our_node else ()) or ()
                    if a.name.value == entry.argument
                ),
                None,
            )
            mine = _value_at(our_arg.value if our_arg else None, entry.value_path)
            if not (isinstance(mine, ast.VariableNode) and mine.name.value == entry.variable):
                continue
            if our_types.get(entry.variable) != entry.type:
                continue
            assert arg is not None
            result.moved_values[entry.variable] = graphql.value_from_ast_untyped(theirs)
            new_sel = _rewrite_field(
                result.operation.selection_set,
                path,
                entry.argument,
                entry.value_path,
                ast.VariableNode(name=ast.NameNode(value=entry.variable)),
            )
            definitions = tuple(result.operation.variable_definitions or ())
            if entry.variable not in {d.variable.name.value for d in definitions}:
                definitions += (
                    ast.VariableDefinitionNode(
                        variable=ast.VariableNode(name=ast.NameNode(value=entry.variable)),
                        type=graphql.parse_type(entry.type),
                        directives=(),
                    ),
                )
            result.operation = _replace(
                result.operation, selection_set=new_sel, variable_definitions=definitions
            )
            result.used.append(entry)
    return result


# -- the assertion -------------------------------------------------------------------------------


def endpoint_of(operation: Operation) -> str:
    return "_gql" if operation.experimental else "graphql"


def _jsonish(value: Any) -> Any:
    return json.loads(json.dumps(value))


def assert_same_wire(
    official_document: str,
    ours: Operation,
    *,
    official_variables: Mapping[str, Any] | None = None,
    our_variables: Mapping[str, Any] | None = None,
    official_endpoint: str | None = None,
    differences: Sequence[VariableForLiteral] | None = None,
) -> Applied:
    """Fail unless ``ours`` is the official document up to the listed differences.

    Compares operation kind and name, endpoint kind (when ``official_endpoint`` is given), root
    field paths, arguments, variable names and declared types, selection sets and — when both
    are given — the variables' values (the official literals that became variables included).
    """
    theirs_op = parse_operation(official_document)
    ours_op = parse_operation(ours.document)
    assert ours_op.name is not None
    assert theirs_op.name is not None
    assert ours.name == ours_op.name.value, f"Operation.name {ours.name!r} != document's name"
    assert ours_op.name.value == theirs_op.name.value, (
        f"operation name: ours {ours_op.name.value!r}, official {theirs_op.name.value!r}"
    )
    assert ours_op.operation == theirs_op.operation, (
        f"{ours.name}: ours is a {ours_op.operation.value}, official a {theirs_op.operation.value}"
    )
    if official_endpoint is not None:
        assert endpoint_of(ours) == official_endpoint, (
            f"{ours.name}: ours goes to /{endpoint_of(ours)}, official to /{official_endpoint}"
        )
    applied = apply_differences(theirs_op, ours_op, differences)
    expected, actual = canonical(applied.operation), canonical(ours_op)
    if expected != actual:
        diff = "\n".join(
            difflib.unified_diff(
                expected.split(" "), actual.split(" "), "official", "aiolabel", lineterm="", n=3
            )
        )
        raise AssertionError(
            f"{ours.name}: documents differ beyond the listed differences\n"
            f"official: {expected}\naiolabel: {actual}\n{diff}"
        )
    if official_variables is not None and our_variables is not None:
        want = _jsonish(dict(official_variables or {}) | applied.moved_values)
        got = _jsonish(dict(our_variables))
        assert got == want, f"{ours.name}: variables differ\nofficial: {want}\naiolabel: {got}"
    return applied


def assert_same_calls(
    official: Sequence[RecordedRequest],
    ours: Sequence[RecordedRequest],
    *,
    compare_variables: bool = True,
    ignore: Sequence[str] = (),
) -> None:
    """Fail unless two recorded calls sent the same GraphQL requests, up to the listed
    document differences.

    Requests are paired by operation name in the order sent (the n-th ``X`` of ours with the
    n-th ``X`` of the official SDK); both must send the same multiset of operation names, minus
    ``ignore`` (for round trips a ``CallDifference`` says aiolabel saves or adds). Each pair is
    compared with :func:`assert_same_wire`, endpoint included, and with the variables unless
    ``compare_variables`` is false (for calls whose chunking or ids differ by design).
    """
    from collections import Counter

    def graphql_only(requests: Sequence[RecordedRequest]) -> list[RecordedRequest]:
        return [r for r in requests if r.query is not None and r.operation_name not in ignore]

    theirs, mine = graphql_only(official), graphql_only(ours)
    want = Counter(r.operation_name for r in theirs)
    got = Counter(r.operation_name for r in mine)
    assert got == want, f"operations differ: official sent {dict(want)}, aiolabel sent {dict(got)}"
    seen: Counter[str | None] = Counter()
    for request in mine:
        index = seen[request.operation_name]
        seen[request.operation_name] += 1
        match = [r for r in theirs if r.operation_name == request.operation_name][index]
        operation = Operation(
            request.operation_name or "",
            request.query or "",
            experimental=request.endpoint == "_gql",
        )
        assert_same_wire(
            match.query or "",
            operation,
            official_variables=match.variables if compare_variables else None,
            our_variables=request.variables if compare_variables else None,
            official_endpoint=match.endpoint,
        )
