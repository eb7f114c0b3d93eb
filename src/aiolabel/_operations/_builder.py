"""Builds the ORM documents whose shape depends on the call (wire doc §2.3–§2.6).

The official SDK formats these with ``%``; here they are graphql-core AST nodes printed with
:func:`graphql.print_ast`. Only names reach the document, and every name comes from the entity
tables of :mod:`._entities` (an unknown one raises before anything is built); values go to the
variables. Operation names, root fields, the ``param_N`` numbering, the ``$<Type>Id`` naming and
the declared types (the official "always ``!``" rule) are the official SDK's.

One deliberate difference (listed in ``docs/wire-differences.md``): the official SDK writes
``skip`` and ``first`` into the text (``skip: 0 first: 100``); here they are the variables
``$skip: Int!`` and ``$first: Int!``, so every page of a collection is one and the same document.
The real schema's argument types are not known. Labelbox's ORM API is Prisma-style
(``where``/``skip``/``first``, ``_not``/``_lt`` suffixes, ``connect``), whose generated schemas
declare ``skip: Int`` and ``first: Int``; a non-null ``Int!`` variable is valid in an ``Int`` and
in an ``Int!`` position alike, so ``Int!`` is the declaration that works whichever of the two the
server declares."""

from __future__ import annotations

import enum
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NoReturn, TypeAlias

from graphql import parse_type, print_ast
from graphql.language import ast

from aiolabel._operations import Operation
from aiolabel._operations._entities import ENTITIES, Entity, FieldSpec, RelationshipSpec
from aiolabel.errors import InputError, InputTypeError, InvalidAttributeError, InvalidQueryError

__all__ = [
    "FIRST",
    "PAGE_SIZE",
    "SKIP",
    "And",
    "Built",
    "Comparison",
    "FieldRef",
    "Op",
    "OrderBy",
    "Where",
    "create",
    "delete",
    "get_all",
    "get_one",
    "relationship",
    "update",
]

PAGE_SIZE = 100
"""The official page size of offset collections."""
SKIP = "skip"
"""Name of the offset variable of every offset collection document."""
FIRST = "first"
"""Name of the page-size variable of every offset collection document."""
PAGE_VARIABLE_TYPE = "Int!"
"""Declared type of ``$skip`` and ``$first`` (see the module docstring)."""

_INT32 = 2**31


class Op(enum.Enum):
    """A comparison operator and the suffix it puts on the field name."""

    EQ = ""
    NE = "_not"
    LT = "_lt"
    GT = "_gt"
    LE = "_lte"
    GE = "_gte"


class _Combinable:
    __slots__ = ()

    def __and__(self, other: Where) -> And:
        if not isinstance(other, Comparison | And):
            return NotImplemented
        return And(self, other)  # type: ignore[arg-type]

    def __or__(self, other: object) -> NoReturn:
        raise InvalidQueryError("Currently only AND logical ops are allowed in the where clause")

    def __invert__(self) -> NoReturn:
        raise InvalidQueryError("Currently only AND logical ops are allowed in the where clause")


@dataclass(frozen=True, slots=True)
class Comparison(_Combinable):
    """``field <op> value``; ``field`` is the Python field name (``external_id``)."""

    field: str
    op: Op
    value: Any


@dataclass(frozen=True, slots=True)
class And(_Combinable):
    """Both sides hold. Nesting stays binary, as in the official SDK."""

    first: Where
    second: Where


Where: TypeAlias = Comparison | And


class FieldRef:
    """A field to compare: ``FieldRef("name") == "x"`` gives a :class:`Comparison`."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other: object) -> Comparison:  # type: ignore[override]
        return Comparison(self.name, Op.EQ, other)

    def __ne__(self, other: object) -> Comparison:  # type: ignore[override]
        return Comparison(self.name, Op.NE, other)

    def __lt__(self, other: object) -> Comparison:
        return Comparison(self.name, Op.LT, other)

    def __gt__(self, other: object) -> Comparison:
        return Comparison(self.name, Op.GT, other)

    def __le__(self, other: object) -> Comparison:
        return Comparison(self.name, Op.LE, other)

    def __ge__(self, other: object) -> Comparison:
        return Comparison(self.name, Op.GE, other)

    __hash__ = object.__hash__

    @property
    def asc(self) -> OrderBy:
        return OrderBy(self.name, descending=False)

    @property
    def desc(self) -> OrderBy:
        return OrderBy(self.name, descending=True)

    def __repr__(self) -> str:
        return f"FieldRef({self.name!r})"


@dataclass(frozen=True, slots=True)
class OrderBy:
    """Sort a relationship fetch by a field (``orderBy: <field>_ASC|DESC``)."""

    field: str
    descending: bool = False


@dataclass(frozen=True, slots=True)
class Built:
    """A built operation and the variables to send with it."""

    operation: Operation
    variables: dict[str, Any]


# -- AST helpers ---------------------------------------------------------------------------------


def _name(value: str) -> ast.NameNode:
    return ast.NameNode(value=value)


def _var(name: str) -> ast.VariableNode:
    return ast.VariableNode(name=_name(name))


def _obj(*fields: tuple[str, ast.ValueNode]) -> ast.ObjectValueNode:
    return ast.ObjectValueNode(
        fields=tuple(ast.ObjectFieldNode(name=_name(k), value=v) for k, v in fields)
    )


def _arg(name: str, value: ast.ValueNode) -> ast.ArgumentNode:
    return ast.ArgumentNode(name=_name(name), value=value)


def _field(
    name: str,
    arguments: tuple[ast.ArgumentNode, ...] = (),
    selections: tuple[ast.SelectionNode, ...] | None = None,
) -> ast.FieldNode:
    return ast.FieldNode(
        name=_name(name),
        arguments=arguments,
        directives=(),
        selection_set=None if selections is None else ast.SelectionSetNode(selections=selections),
    )


def _selection(entity: Entity) -> tuple[ast.SelectionNode, ...]:
    """The entity's full selection: every field, then its cached relationships."""
    out: list[ast.SelectionNode] = []
    for spec in entity.fields:
        sub = tuple(_field(s) for s in spec.subfields) if spec.subfields else None
        out.append(_field(spec.graphql, selections=sub))
    for rel in entity.relationships:
        if rel.cache:
            out.append(_field(rel.graphql, selections=_selection(ENTITIES[rel.target])))
    return tuple(out)


def _document(
    kind: ast.OperationType,
    name: str,
    declarations: list[tuple[str, str]],
    root: ast.FieldNode,
) -> str:
    definitions = tuple(
        ast.VariableDefinitionNode(variable=_var(var), type=parse_type(type_), directives=())
        for var, type_ in declarations
    )
    operation = ast.OperationDefinitionNode(
        operation=kind,
        name=_name(name),
        variable_definitions=definitions,
        directives=(),
        selection_set=ast.SelectionSetNode(selections=(root,)),
    )
    # print_ast indents over many lines; these documents hold no string literals (values are
    # variables), so collapsing whitespace is safe and gives one compact line like the official.
    return " ".join(print_ast(ast.DocumentNode(definitions=(operation,))).split())


# -- values --------------------------------------------------------------------------------------

_ENUM_TYPES = frozenset({"MediaType", "EditorTaskType", "UploadType", "TaskStatus"})


def _value(entity: Entity, spec: FieldSpec, value: Any) -> Any:
    """``value`` checked against the field's GraphQL type and converted to its wire form."""
    kind = spec.type
    where = f"{entity.name}.{spec.name}"
    if value is None:
        raise InputError(f"{where}: None cannot be sent (the field is declared non-null)")
    if kind in ("ID", "String"):
        if not isinstance(value, str):
            raise InputTypeError(f"{where} expects a str, got {type(value).__name__}")
        return value
    if kind == "Int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputTypeError(f"{where} expects an int, got {type(value).__name__}")
        if not -_INT32 <= value < _INT32:
            raise InputError(f"{where} must fit a signed 32-bit integer, got {value}")
        return value
    if kind == "Float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputTypeError(f"{where} expects a number, got {type(value).__name__}")
        if not math.isfinite(value):
            raise InputError(f"{where} must be finite, got {value}")
        return value
    if kind == "Boolean":
        if not isinstance(value, bool):
            raise InputTypeError(f"{where} expects a bool, got {type(value).__name__}")
        return value
    if kind == "DateTime":
        if isinstance(value, datetime):
            if value.tzinfo is None or value.utcoffset() is None:
                raise InputError(f"{where}: a datetime needs a time zone")
            return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if not isinstance(value, str):
            raise InputTypeError(f"{where} expects a datetime, got {type(value).__name__}")
        return value
    if kind in _ENUM_TYPES:
        if isinstance(value, enum.Enum):
            value = value.value
        if not isinstance(value, str):
            raise InputTypeError(f"{where} expects a {kind}, got {type(value).__name__}")
        return value
    if kind.startswith("["):
        if not isinstance(value, list | tuple):
            raise InputTypeError(f"{where} expects a list, got {type(value).__name__}")
        return list(value)
    return value  # Json: passed through


def _uid(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise InputTypeError(f"{what} must be a str, got {type(value).__name__}")
    if not value:
        raise InputError(f"{what} must not be empty")
    return value


def _page(skip: object, first: object) -> dict[str, int]:
    if isinstance(skip, bool) or not isinstance(skip, int):
        raise InputTypeError(f"skip must be an int, got {type(skip).__name__}")
    if isinstance(first, bool) or not isinstance(first, int):
        raise InputTypeError(f"first must be an int, got {type(first).__name__}")
    if skip < 0 or first < 1 or skip >= _INT32 or first >= _INT32:
        raise InputError(f"skip must be >= 0 and first >= 1, got skip={skip}, first={first}")
    return {SKIP: skip, FIRST: first}


# -- where ---------------------------------------------------------------------------------------


def _comparisons(where: Where) -> Iterator[Comparison]:
    if isinstance(where, Comparison):
        yield where
    elif isinstance(where, And):
        yield from _comparisons(where.first)
        yield from _comparisons(where.second)
    else:
        raise InputTypeError(
            f"a where clause is a Comparison or an And, got {type(where).__name__}"
        )


def _check_where(entity: Entity, where: Where | None) -> None:
    """The official ``check_where_clause``: known fields, each at most once (``deleted`` aside)."""
    if where is None:
        return
    names = [c.field for c in _comparisons(where) if c.field != "deleted"]
    for c in _comparisons(where):
        if not isinstance(c.op, Op):
            raise InputTypeError(f"not a comparison operator: {c.op!r}")
    unknown = {n for n in names if entity.field(n) is None}
    if unknown:
        raise InvalidAttributeError(entity.name, unknown)
    if len(set(names)) != len(names):
        raise InvalidQueryError(
            f"Where clause contains multiple comparisons for the same field: {where!r}"
        )


class _Params:
    """``param_N`` variables in the order they are generated, as in the official SDK."""

    def __init__(self) -> None:
        self.declarations: list[tuple[str, str]] = []
        self.values: dict[str, Any] = {}

    def add(self, type_: str, value: Any) -> str:
        name = f"param_{len(self.declarations)}"
        self.declarations.append((name, type_ + "!"))
        self.values[name] = value
        return name


def _where_value(entity: Entity, where: Where, params: _Params) -> ast.ValueNode:
    if isinstance(where, And):
        first = _where_value(entity, where.first, params)
        second = _where_value(entity, where.second, params)
        return _obj(("AND", ast.ListValueNode(values=(first, second))))
    spec = entity.field(where.field)
    assert spec is not None  # checked by _check_where
    var = params.add(spec.type, _value(entity, spec, where.value))
    return _obj((spec.graphql + where.op.value, _var(var)))


def _clauses(
    entity: Entity,
    where: Where | None,
    params: _Params,
    *,
    paginate: bool,
    order_by: OrderBy | None = None,
) -> tuple[ast.ArgumentNode, ...]:
    """``(where: … skip: $skip first: $first orderBy: …)`` in the official clause order."""
    args: list[ast.ArgumentNode] = []
    if where is not None:
        args.append(_arg("where", _where_value(entity, where, params)))
    if paginate:
        args.append(_arg(SKIP, _var(SKIP)))
        args.append(_arg(FIRST, _var(FIRST)))
    if order_by is not None:
        spec = entity.field(order_by.field)
        if spec is None or spec.name == "deleted":
            raise InvalidAttributeError(entity.name, order_by.field)
        direction = "DESC" if order_by.descending else "ASC"
        args.append(_arg("orderBy", ast.EnumValueNode(value=f"{spec.graphql}_{direction}")))
    return tuple(args)


def _not_deleted(where: Where | None) -> Where:
    deleted = Comparison("deleted", Op.EQ, False)
    return deleted if where is None else And(where, deleted)


def _title(name: str) -> str:
    return name[:1].upper() + name[1:]


# -- builders ------------------------------------------------------------------------------------


def get_one(entity: Entity, uid: str | None = None) -> Built:
    """``Get<Type>PyApi``: one object by id, or the singleton (User, Organization) without one."""
    params = _Params()
    where = None if uid is None else Comparison("uid", Op.EQ, _uid(uid, f"{entity.name} id"))
    args = _clauses(entity, where, params, paginate=False)
    root = _field(entity.root, args, _selection(entity))
    name = f"Get{entity.name}PyApi"
    document = _document(ast.OperationType.QUERY, name, params.declarations, root)
    return Built(Operation(name, document, idempotent=True), params.values)


def get_all(
    entity: Entity,
    where: Where | None = None,
    *,
    exclude_deleted: bool = False,
    skip: int = 0,
    first: int = PAGE_SIZE,
) -> Built:
    """``Get<Type>sPyApi``: a page of an offset collection filtered by ``where``.

    ``exclude_deleted`` appends ``& (deleted == False)`` as ``get_projects`` and ``get_datasets``
    do. Change ``variables["skip"]`` for the next page; the document stays the same.
    """
    _check_where(entity, where)
    if exclude_deleted:
        where = _not_deleted(where)
    params = _Params()
    args = _clauses(entity, where, params, paginate=True)
    root = _field(entity.root + "s", args, _selection(entity))
    name = f"Get{entity.name}sPyApi"
    declarations = [*params.declarations, (SKIP, PAGE_VARIABLE_TYPE), (FIRST, PAGE_VARIABLE_TYPE)]
    document = _document(ast.OperationType.QUERY, name, declarations, root)
    return Built(Operation(name, document, idempotent=True), params.values | _page(skip, first))


def relationship(
    entity: Entity,
    uid: str | None,
    name: str,
    where: Where | None = None,
    order_by: OrderBy | None = None,
    *,
    skip: int = 0,
    first: int = PAGE_SIZE,
) -> Built:
    """``Get<Type><Rel>PyApi``: the objects a relationship of one object points to.

    To-many relationships are offset collections (``where``, ``order_by``, ``skip``/``first``);
    the ``deleted == False`` filter is added where the official SDK adds it. ``uid`` is None only
    for Organization, whose relationships the official SDK fetches without an id.
    """
    rel = entity.relationship(name)
    if rel is None:
        raise InvalidAttributeError(entity.name, name)
    target = ENTITIES[rel.target]
    if not rel.to_many and (where is not None or order_by is not None):
        raise InvalidQueryError(f"{entity.name}.{name} is to-one: it takes no where or order_by")
    _check_where(target, where)
    if rel.to_many and rel.filter_deleted:
        where = _not_deleted(where)
    params = _Params()
    inner_args = _clauses(target, where, params, paginate=rel.to_many, order_by=order_by)
    inner = _field(rel.graphql, inner_args, _selection(target))
    outer_where = None
    if entity.name != "Organization":
        outer_where = Comparison("uid", Op.EQ, _uid(uid, f"{entity.name} id"))
    elif uid is not None:
        raise InputError("Organization relationships are fetched without an id")
    outer = _field(entity.root, _clauses(entity, outer_where, params, paginate=False), (inner,))
    op_name = f"Get{entity.name}{_title(rel.graphql)}PyApi"
    declarations = list(params.declarations)
    variables = dict(params.values)
    if rel.to_many:
        declarations += [(SKIP, PAGE_VARIABLE_TYPE), (FIRST, PAGE_VARIABLE_TYPE)]
        variables |= _page(skip, first)
    document = _document(ast.OperationType.QUERY, op_name, declarations, outer)
    return Built(Operation(op_name, document, idempotent=True), variables)


def _data_fields(
    entity: Entity, data: Mapping[str, Any], *, creating: bool
) -> list[tuple[FieldSpec | RelationshipSpec, Any]]:
    if not isinstance(data, Mapping):
        raise InputTypeError(f"data must be a mapping, got {type(data).__name__}")
    if not data:
        raise InputError(f"no {entity.name} fields given")
    out: list[tuple[FieldSpec | RelationshipSpec, Any]] = []
    unknown: set[str] = set()
    for key, value in data.items():
        spec = entity.create_field(key) if creating else entity.field(key)
        if spec is not None and spec.name not in ("uid", "deleted"):
            out.append((spec, _value(entity, spec, value)))
            continue
        rel = entity.relationship(key) if creating else None
        if rel is not None and not rel.to_many:
            out.append((rel, _uid(value, f"{entity.name}.{key}")))
            continue
        unknown.add(str(key))
    if unknown:
        raise InvalidAttributeError(entity.name, unknown)
    return out


def create(entity: Entity, data: Mapping[str, Any]) -> Built:
    """``Create<Type>PyApi``: variables named by the GraphQL field names, in ``data``'s order.

    Keys are Python field names (``media_type``) or to-one relationship names, whose value is
    the id to connect.
    """
    declarations: list[tuple[str, str]] = []
    variables: dict[str, Any] = {}
    fields: list[tuple[str, ast.ValueNode]] = []
    for spec, value in _data_fields(entity, data, creating=True):
        declarations.append(
            (spec.graphql, ("ID" if isinstance(spec, RelationshipSpec) else spec.type) + "!")
        )
        variables[spec.graphql] = value
        if isinstance(spec, RelationshipSpec):
            fields.append((spec.graphql, _obj(("connect", _obj(("id", _var(spec.graphql)))))))
        else:
            fields.append((spec.graphql, _var(spec.graphql)))
    root = _field(f"create{entity.name}", (_arg("data", _obj(*fields)),), _selection(entity))
    name = f"Create{entity.name}PyApi"
    document = _document(ast.OperationType.MUTATION, name, declarations, root)
    return Built(Operation(name, document, idempotent=False), variables)


def update(entity: Entity, uid: str, data: Mapping[str, Any]) -> Built:
    """``update<Type>PyApi``: set fields of one object; the id variable is ``$<Type>Id``."""
    id_var = f"{entity.name}Id"
    declarations: list[tuple[str, str]] = []
    variables: dict[str, Any] = {}
    fields: list[tuple[str, ast.ValueNode]] = []
    for spec, value in _data_fields(entity, data, creating=False):
        assert isinstance(spec, FieldSpec)
        declarations.append((spec.graphql, spec.type + "!"))
        variables[spec.graphql] = value
        fields.append((spec.graphql, _var(spec.graphql)))
    declarations.append((id_var, "ID!"))
    variables[id_var] = _uid(uid, f"{entity.name} id")
    args = (_arg("where", _obj(("id", _var(id_var)))), _arg("data", _obj(*fields)))
    root = _field(f"update{entity.name}", args, _selection(entity))
    name = f"update{entity.name}PyApi"
    document = _document(ast.OperationType.MUTATION, name, declarations, root)
    return Built(Operation(name, document, idempotent=True), variables)


def delete(entity: Entity, uid: str) -> Built:
    """``delete<Type>PyApi``: the soft delete, ``update<Type>(… data: {deleted: true})``."""
    id_var = f"{entity.name}Id"
    args = (
        _arg("where", _obj(("id", _var(id_var)))),
        _arg("data", _obj(("deleted", ast.BooleanValueNode(value=True)))),
    )
    root = _field(f"update{entity.name}", args, (_field("id"),))
    name = f"delete{entity.name}PyApi"
    document = _document(ast.OperationType.MUTATION, name, [(id_var, "ID!")], root)
    variables = {id_var: _uid(uid, f"{entity.name} id")}
    return Built(Operation(name, document, idempotent=True), variables)
