"""GraphQL execution: the schema from the SDL files, a bounded cache of parsed and validated
documents, one transaction per request, and Labelbox-shaped errors (wire doc §1.7)."""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from dataclasses import dataclass, replace
from importlib import resources
from threading import Lock
from typing import Any

from ariadne import make_executable_schema
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    ListTypeNode,
    NamedTypeNode,
    NonNullTypeNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    Undefined,
    VariableNode,
    default_field_resolver,
    execute_sync,
    parse,
    validate,
)
from graphql.execution.collect_fields import GroupedFieldSet
from graphql.execution.get_variable_signature import get_variable_signature
from graphql.execution.incremental.incremental_executor import IncrementalExecutor
from graphql.execution.values import VariableValueSource
from graphql.pyutils import Path

from aiolabel.emulator._hoist import HOISTED_NAME, PlainOverrides, hoist
from aiolabel.emulator.context import Context
from aiolabel.emulator.errors import EmulatorError, Malformed
from aiolabel.emulator.resolvers import domains
from aiolabel.emulator.resolvers.labeling import apply_plain_overrides

log = logging.getLogger("aiolabel.emulator")


def load_sdl() -> list[str]:
    """Every ``*.graphql`` file of the package's ``schema`` folder, in name order."""
    folder = resources.files("aiolabel.emulator").joinpath("schema")
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".graphql"))
    return [folder.joinpath(name).read_text(encoding="utf-8") for name in names]


def build_schema() -> GraphQLSchema:
    bindables: list[Any] = []
    for domain in domains():
        bindables.extend(domain.BINDABLES)
    return make_executable_schema(load_sdl(), *bindables)


@dataclass(frozen=True)
class Prepared:
    """A parsed and validated document (or why it is not one)."""

    document: DocumentNode | None
    operation_name: str | None
    operation_type: str | None
    errors: tuple[dict[str, Any], ...] = ()


def _error_body(error: GraphQLError, code: str) -> dict[str, Any]:
    body: dict[str, Any] = dict(error.formatted)
    body["extensions"] = {"code": code}
    return body


VALIDATION_MESSAGE = "GraphQL validation error"
"""What the deployed API says of a document or variables that do not fit its schema: the detail
is masked (so the schema is not revealed), the code kept, so the official SDK raises the same
``InvalidQueryError``."""


def _validation_error(error: GraphQLError) -> dict[str, Any]:
    """A validation failure, masked as the service masks it. The emulator keeps graphql-core's
    own words in ``extensions.detail`` (the official SDK reads only the code), with any "Did you
    mean" suggestion dropped."""
    detail = error.message.split(" Did you mean", 1)[0]
    body: dict[str, Any] = {"message": VALIDATION_MESSAGE}
    if error.locations:
        body["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    body["extensions"] = {"code": "GRAPHQL_VALIDATION_FAILED", "detail": detail}
    return body


def format_error(error: GraphQLError) -> dict[str, Any]:
    """A GraphQL error in the shape the official SDK maps (every error carries a code)."""
    original = error.original_error
    if isinstance(original, EmulatorError):
        body: dict[str, Any] = {"message": original.message}
        if error.locations:
            body["locations"] = [
                {"line": loc.line, "column": loc.column} for loc in error.locations
            ]
        if error.path:
            body["path"] = list(error.path)
        body["extensions"] = original.extensions()
        if isinstance(original, Malformed):
            body["errors"] = original.message
        return body
    if not error.path:  # variable coercion and the like: the request does not fit the schema
        return _validation_error(error)
    if original is not None:
        log.error("resolver failed", exc_info=original)
        message = f"Internal server error: {type(original).__name__}"
    else:  # a field broke the schema's promises (null for a non-null field)
        message = error.message
    return {
        "message": message,
        "path": list(error.path),
        "extensions": {"code": "INTERNAL_SERVER_ERROR", "exception": {"status": 500}},
    }


MAX_CACHED_QUERY_CHARS = 32_768
"""Longer documents (the official SDK's pasted LPO lists) are not cached: each is unique, and a
parsed 1,000-item list holds megabytes."""

_SKIP_LITERAL = re.compile(r"(\bskip\s*:\s*)(?:0|[1-9][0-9]{0,8})(?![0-9A-Za-z_.])")
"""An Int literal of ``skip`` below 10**9: the official SDK pastes each page's offset into the
text (``labelingParameterOverrides(skip: 300 first: 100)``), so every page is a new document.
Whether such a document is valid does not depend on the number: it is validated once with
``skip: 0`` and each page's text is only parsed (validation is most of the cost)."""


class _Precoerced:
    """A variable value already coerced to its declared type (the hoisted LPO list)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


_LEAF_TYPES = (GraphQLScalarType, GraphQLEnumType)


class _PlainExecutor(IncrementalExecutor):
    """graphql-core's executor with a short path for the commonest field: a scalar or enum read
    off a ``dict`` by the default resolver (no resolver of its own, no arguments). Such a field
    is completed on the spot (``dict.get`` and the type's ``coerce_output_value``), without the
    resolve info, path and completion machinery built for every field; whatever is not plainly
    such a field (a ``None`` for a non-null field, a callable or exception value, a value the
    type refuses, objects and lists) takes graphql-core's own path, which raises its errors.
    Results, field order and errors are those of graphql-core's executor."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[tuple[GraphQLObjectType, int], tuple[Any, Any]] = {}

    def _plan(
        self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
    ) -> list[tuple[str, Any, str, Any, bool, bool]]:
        """Per response key: its field details, the field's name, and whether it is a plain
        leaf or list field (the leaf type and whether it is non-null), computed once per
        selection set and request (graphql-core memoizes the set for every value of a list)."""
        key = (parent_type, id(grouped_field_set))
        cached = self._plans.get(key)
        if cached is not None:
            known: list[tuple[str, Any, str, Any, bool, bool]] = cached[1]
            return known
        plan: list[tuple[str, Any, str, Any, bool, bool]] = []
        fields = parent_type.fields
        for response_name, details in grouped_field_set.items():
            node = details[0].node
            name = node.name.value
            field = fields.get(name)
            leaf: Any = None
            non_null = plain_list = False
            if (
                field is not None
                and field.resolve is None
                and not field.args
                and not node.arguments
            ):
                kind = field.type
                non_null = type(kind) is GraphQLNonNull
                if non_null:
                    kind = kind.of_type
                if isinstance(kind, _LEAF_TYPES):
                    leaf = kind
                elif type(kind) is GraphQLList and not node.directives:
                    plain_list = True
            plan.append((response_name, details, name, leaf, non_null, plain_list))
        self._plans[key] = (grouped_field_set, plan)
        return plan

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        if (
            type(source_value) is not dict
            or self.middleware_manager is not None
            or self.field_resolver is not default_field_resolver
        ):
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        results: dict[str, Any] = {}
        get = source_value.get
        for response_name, details, name, leaf, non_null, plain_list in self._plan(
            parent_type, grouped_field_set
        ):
            if leaf is not None:
                value = get(name)
                if value is None:
                    if not non_null:
                        results[response_name] = None
                        continue
                elif not callable(value) and not isinstance(value, Exception):
                    try:
                        coerced = leaf.coerce_output_value(value)
                    except Exception:  # graphql-core's path raises it, located
                        coerced = None
                    if coerced is not None and coerced is not Undefined:
                        results[response_name] = coerced
                        continue
            elif plain_list:
                value = get(name)
                if type(value) is list and not value:  # an empty list: nothing to complete
                    results[response_name] = []
                    continue
            result = self.execute_field(
                parent_type,
                source_value,
                details,
                Path(path, response_name, parent_type.name),
                position_context,
            )
            if result is not Undefined:
                if self.is_awaitable(result):  # never in the emulator's synchronous execution
                    raise RuntimeError("the emulator's resolvers are synchronous")
                results[response_name] = result
        return results

    def complete_value(
        self,
        return_type: Any,
        field_details_list: Any,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        """Objects read as ``dict`` (alone or in a ``list``) are completed straight from their
        sub-selection, without the per-value checks graphql-core makes for values of every
        kind; anything else (and any ``@stream``ed list) is graphql-core's."""
        kind = return_type
        if type(kind) is GraphQLNonNull:
            kind = kind.of_type
        if type(result) is dict:
            if type(kind) is GraphQLObjectType and kind.is_type_of is None:
                return self._complete_object(
                    kind, field_details_list, path, result, position_context
                )
        elif type(result) is list and type(kind) is GraphQLList:
            if not result:
                return []
            if not field_details_list[0].node.directives:
                item_type = kind.of_type
                item = item_type.of_type if type(item_type) is GraphQLNonNull else item_type
                if type(item) is GraphQLObjectType and item.is_type_of is None:
                    out: list[Any] = []
                    for index, value in enumerate(result):
                        item_path = path.add_key(index, None)
                        if type(value) is not dict:
                            self.complete_list_item_value(
                                value,
                                out,
                                item_type,
                                field_details_list,
                                info,
                                item_path,
                                position_context,
                            )
                            continue
                        try:
                            completed = self._complete_object(
                                item, field_details_list, item_path, value, position_context
                            )
                        except Exception as raw_error:  # as graphql-core's list items
                            self.handle_field_error(
                                raw_error, item_type, field_details_list, item_path
                            )
                            completed = None
                        out.append(completed)
                    return out
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _complete_object(
        self,
        kind: GraphQLObjectType,
        field_details_list: Any,
        path: Path,
        value: dict[str, Any],
        position_context: Any,
    ) -> Any:
        completed = self.collect_and_execute_subfields(
            kind, field_details_list, path, value, position_context
        )
        if self.is_awaitable(completed):  # never in the emulator's synchronous execution
            raise RuntimeError("the emulator's resolvers are synchronous")
        return completed


class _PrecoercedExecutor(_PlainExecutor):
    """graphql-core's executor, taking ``_Precoerced`` variable values as they are."""

    @classmethod
    def build(
        cls,
        schema: GraphQLSchema,
        document: DocumentNode,
        root_value: Any = None,
        context_value: Any = None,
        raw_variable_values: dict[str, Any] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        raw = raw_variable_values or {}
        ready = {k: v.value for k, v in raw.items() if isinstance(v, _Precoerced)}
        others = {k: v for k, v in raw.items() if k not in ready}
        built = super().build(schema, document, root_value, context_value, others, *args, **kwargs)
        if isinstance(built, list) or not ready:
            return built
        for definition in built.operation.variable_definitions or ():
            name = definition.variable.name.value
            if name in ready:
                signature = get_variable_signature(schema, definition)
                assert not isinstance(signature, GraphQLError)
                built.variable_values.sources[name] = VariableValueSource(signature, ready[name])
                built.variable_values.coerced[name] = ready[name]
        return built


class _Rollback(Exception):
    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body


class _FullPath(Exception):
    """The direct LPO path declines: roll back and run the request through graphql-core."""


_PLAIN_LPO_ANSWER = {"project": {"setLabelingParameterOverrides": {"success": True}}}


def _field(node: Any, name: str, arguments: int) -> FieldNode | None:
    """``node`` if it is the field ``name`` (no alias, no directives) with that many arguments
    and, when it has a selection set, exactly one selection."""
    if not isinstance(node, FieldNode) or node.name.value != name or node.alias is not None:
        return None
    if node.directives or len(node.arguments or ()) != arguments:
        return None
    if node.selection_set is not None and len(node.selection_set.selections) != 1:
        return None
    return node


def _is_variable(node: Any, name: str) -> bool:
    return isinstance(node, VariableNode) and node.name.value == name


def is_plain_lpo(document: DocumentNode | None) -> bool:
    """Whether ``document`` is exactly ``mutation ($projectId: ID!, $<hoisted>:
    [LabelingParameterOverrideInput!]) {project(where: {id: $projectId})
    {setLabelingParameterOverrides(dataWithDataRowIdentifiers: $<hoisted>) {success}}}``, in any
    spacing and order of the two variables: the hoisted LPO mutation, whose only answer when it
    succeeds is ``{"project": {"setLabelingParameterOverrides": {"success": true}}}``."""
    if document is None or len(document.definitions) != 1:
        return False
    operation = document.definitions[0]
    if not isinstance(operation, OperationDefinitionNode) or operation.directives:
        return False
    if operation.operation != OperationType.MUTATION:
        return False
    declared = {}
    for definition in operation.variable_definitions or ():
        if definition.default_value is not None or definition.directives:
            return False
        declared[definition.variable.name.value] = definition.type
    project_id, hoisted = declared.get("projectId"), declared.get(HOISTED_NAME)
    if len(declared) != 2 or not isinstance(project_id, NonNullTypeNode):
        return False
    if not isinstance(project_id.type, NamedTypeNode) or project_id.type.name.value != "ID":
        return False
    if not isinstance(hoisted, ListTypeNode) or not isinstance(hoisted.type, NonNullTypeNode):
        return False
    item = hoisted.type.type
    if not isinstance(item, NamedTypeNode) or item.name.value != "LabelingParameterOverrideInput":
        return False
    if len(operation.selection_set.selections) != 1:
        return False
    project = _field(operation.selection_set.selections[0], "project", 1)
    if project is None or project.selection_set is None:
        return False
    (where_argument,) = project.arguments or ()
    if where_argument.name.value != "where":
        return False
    where = where_argument.value
    if not isinstance(where, ObjectValueNode) or len(where.fields) != 1:
        return False
    if where.fields[0].name.value != "id" or not _is_variable(where.fields[0].value, "projectId"):
        return False
    setter = _field(project.selection_set.selections[0], "setLabelingParameterOverrides", 1)
    if setter is None or setter.selection_set is None:
        return False
    (argument,) = setter.arguments or ()
    if argument.name.value != "dataWithDataRowIdentifiers" or not _is_variable(
        argument.value, HOISTED_NAME
    ):
        return False
    success = _field(setter.selection_set.selections[0], "success", 0)
    return success is not None and success.selection_set is None


class Executor:
    """Runs documents against the schema; caches what parsing and validation produced."""

    def __init__(self, cache_size: int = 512) -> None:
        self.schema = build_schema()
        self._cache: OrderedDict[str, Prepared] = OrderedDict()
        self._cache_size = cache_size
        self._lock = Lock()
        self.cache_hits = 0
        self.cache_misses = 0
        self._plain_lpos: dict[str, bool] = {}

    def prepare(self, query: str) -> Prepared:
        """Parse and validate ``query``, once per distinct text (bounded LRU)."""
        with self._lock:
            hit = self._cache.get(query)
            if hit is not None:
                self._cache.move_to_end(query)
                self.cache_hits += 1
                return hit
            self.cache_misses += 1
        paged = self._prepare_paged(query)
        if paged is not None:
            return paged
        prepared = self._prepare(query)
        if len(query) > MAX_CACHED_QUERY_CHARS:  # values pasted into the text: never seen again
            return prepared
        with self._lock:
            self._cache[query] = prepared
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return prepared

    def prepare_request(
        self, query: str, variables: dict[str, Any] | None
    ) -> tuple[Prepared, dict[str, Any] | None]:
        """``prepare`` after hoisting a pasted LPO list into a variable (see ``_hoist``); the
        variables to execute with (the hoisted one already coerced)."""
        hoisted = hoist(query, variables)
        if hoisted is None:
            return self.prepare(query), variables
        prepared = self.prepare(hoisted.query)
        if (
            hoisted.plain is not None
            and variables is not None
            and variables.keys() == {"projectId"}
            and type(variables["projectId"]) is str
            and self._plain_lpo(hoisted.query, prepared)
        ):  # executed directly (see execute), the list kept as columns
            return prepared, {"projectId": variables["projectId"], HOISTED_NAME: hoisted.plain}
        return prepared, {**(variables or {}), HOISTED_NAME: _Precoerced(hoisted.value)}

    def _plain_lpo(self, query: str, prepared: Prepared) -> bool:
        """:func:`is_plain_lpo` of a prepared document, once per text."""
        with self._lock:
            known = self._plain_lpos.get(query)
        if known is None:
            known = is_plain_lpo(prepared.document)
            with self._lock:
                if len(self._plain_lpos) >= 64:
                    self._plain_lpos.clear()
                self._plain_lpos[query] = known
        return known

    def _prepare_paged(self, query: str) -> Prepared | None:
        """A document differing from a valid one only in ``skip`` literals: parsed, not
        validated again (documents with strings are left alone: a string could hold the text)."""
        if "skip" not in query or '"' in query:
            return None
        canonical, count = _SKIP_LITERAL.subn(r"\g<1>0", query)
        if not count or canonical == query:
            return None
        model = self.prepare(canonical)
        if model.document is None:
            return None
        try:
            document = parse(query)
        except GraphQLError:
            return None
        return replace(model, document=document)

    def _prepare(self, query: str) -> Prepared:
        try:
            document = parse(query)
        except GraphQLError as error:
            return Prepared(None, None, None, (_error_body(error, "GRAPHQL_PARSE_FAILED"),))
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        name = operations[0].name.value if operations and operations[0].name else None
        kind = operations[0].operation.value if operations else None
        errors = validate(self.schema, document)
        if errors:
            return Prepared(
                None,
                name,
                kind,
                tuple(_validation_error(e) for e in errors),
            )
        if len(operations) != 1:
            malformed = Malformed("A request must contain exactly one operation")
            return Prepared(
                None, name, kind, ({"message": malformed.message, **_malformed(malformed)},)
            )
        return Prepared(document, name, kind)

    def execute(
        self, prepared: Prepared, variables: dict[str, Any] | None, context: Context
    ) -> dict[str, Any]:
        """Run one prepared document in one transaction; any error rolls everything back."""
        if prepared.document is None:
            return {"data": None, "errors": list(prepared.errors)}
        state = context.state
        plain = (variables or {}).get(HOISTED_NAME)
        if isinstance(plain, PlainOverrides):
            assert variables is not None
            try:
                with state.store.transaction() as conn:
                    context.conn = conn
                    if not apply_plain_overrides(
                        context, variables["projectId"], plain.keys, plain.json_object()
                    ):
                        raise _FullPath
            except _FullPath:
                variables = {**variables, HOISTED_NAME: _Precoerced(plain.coerced())}
            else:
                context.run_after_commit()
                return {"data": _PLAIN_LPO_ANSWER}
        try:
            with state.store.transaction() as conn:
                context.conn = conn
                result = execute_sync(
                    self.schema,
                    prepared.document,
                    context_value=context,
                    variable_values=variables,
                    executor_class=_PrecoercedExecutor
                    if variables and HOISTED_NAME in variables
                    else _PlainExecutor,
                )
                body: dict[str, Any] = {"data": result.data}
                if result.errors:
                    body["errors"] = [format_error(e) for e in result.errors]
                    raise _Rollback(body)
        except _Rollback as rollback:
            return rollback.body
        context.run_after_commit()
        return body


def _malformed(error: Malformed) -> dict[str, Any]:
    return {"errors": error.message, "extensions": error.extensions()}
