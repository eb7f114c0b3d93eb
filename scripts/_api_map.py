"""Which module implements each public method, which GraphQL operations it may send, and which
emulator resolvers answer them: read from the code, for ``docs/api.md``.

The operations are found statically. Starting from a public method, the walk follows calls into
aiolabel code it can name: ``self.<method>``, the client's resources (``self._client._batches.add``,
``self.client._datasets.get``; a resource's class comes from the ``AsyncClient`` accessor's return
annotation), functions of imported aiolabel modules and of the same module, and the ORM builder,
whose documents are rebuilt from the entity named in the call. Every ``Operation`` it meets is an
operation the method may send. Calls it cannot name (a value kept in a local variable, an object
passed in) are not followed, so a method can send more than its row lists; the wire tests, not this
table, pin what is sent.

The resolvers come from the emulator's executable schema: each operation's document is walked from
its root type, and the first field on each path that has a resolver names it.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import textwrap
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, get_type_hints

import pydantic
from graphql import GraphQLObjectType, GraphQLSchema, get_named_type, parse
from graphql.language import FieldNode, OperationDefinitionNode, SelectionSetNode

import aiolabel
from aiolabel._operations import Operation, _builder
from aiolabel._operations._entities import Entity
from aiolabel._resources._base import BoundResource
from aiolabel.client import AsyncClient
from aiolabel.models.base import Model

NOT_FOLLOWED = (
    "aiolabel._transport",
    "aiolabel._retry",
    "aiolabel._ratelimit",
    "aiolabel._concurrency",
    "aiolabel._polling",
    "aiolabel._validation",
    "aiolabel.pagination",
    "aiolabel.errors",
    "aiolabel.emulator",
)
"""Core modules: they carry no operation of their own, so the walk does not enter them."""

SENDS_BY_ITSELF = {
    "BaseClient.upload_data": "UploadFile",
    "BaseClient.upload_file": "UploadFile",
}
"""Request-contract methods that send an operation of their own (the multipart upload)."""

_PUBLIC_NAMES: dict[str, Any] = {k: v for k, v in vars(aiolabel).items() if isinstance(v, type)}
"""Names a ``TYPE_CHECKING``-only annotation may use (``-> Project``)."""

_BUILDERS = {"get_one", "get_all", "relationship", "create", "update", "delete"}
_CLIENT_NAMES = {"client", "_client"}


@dataclass(frozen=True)
class Row:
    owner: str
    method: str
    module: str
    operations: tuple[str, ...]


@dataclass
class _Walk:
    operations: dict[str, str | None] = field(default_factory=dict)
    seen: set[Any] = field(default_factory=set)


def _resource_classes() -> dict[str, type]:
    """``{"_datasets": Datasets, ...}``: the client's resource accessors and their classes."""
    out: dict[str, type] = {}
    for klass in AsyncClient.__mro__:
        for name, value in vars(klass).items():
            if isinstance(value, BoundResource):
                out.setdefault(name, value._cls)
            elif isinstance(value, functools.cached_property):
                hints = get_type_hints(value.func)
                target = hints.get("return")
                if isinstance(target, type):
                    out.setdefault(name, target)
    return out


RESOURCES = _resource_classes()


def _operation_registry() -> dict[str, Operation]:
    """Every ``Operation`` constant of ``aiolabel._operations``, by name, plus the operations
    whose document is built per call (from a sample call)."""
    import importlib
    import pkgutil

    import aiolabel._operations as package
    from aiolabel._operations import labeling_parameter_overrides as lpo
    from aiolabel.identifiers import GlobalKey

    out: dict[str, Operation] = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, Operation):
                out.setdefault(value.name, value)
    sample = lpo.set_labeling_parameter_overrides("p", [(GlobalKey("k"), 1)]).operation
    out.setdefault(sample.name, sample)
    return out


OPERATIONS = _operation_registry()
ALL_OPERATIONS = {name: op.document for name, op in OPERATIONS.items()}


def _defining_class(func: Callable[..., Any]) -> type | None:
    module = inspect.getmodule(func)
    parts = func.__qualname__.split(".")
    if module is None or len(parts) < 2:
        return None
    owner: Any = module
    for part in parts[:-1]:
        owner = getattr(owner, part, None)
        if owner is None:
            return None
    return owner if isinstance(owner, type) else None


def _unwrap(value: Any) -> Any:
    if isinstance(value, (staticmethod, classmethod)):
        return value.__func__
    if isinstance(value, property):
        return value.fget
    if isinstance(value, functools.cached_property):
        return value.func
    return inspect.unwrap(value) if callable(value) else value


def _class_attribute(klass: type, name: str) -> Any:
    for base in klass.__mro__:
        if name in vars(base):
            return _unwrap(vars(base)[name])
    return None


class _Resolver:
    """Names what an expression in one function refers to, where that can be known statically."""

    CLIENT = object()

    def __init__(
        self, func: Callable[..., Any], klass: type | None, constants: dict[str, str] | None = None
    ) -> None:
        self.globals = getattr(func, "__globals__", {})
        self.klass = klass
        self.constants = constants or {}

    def learn(self, tree: ast.AST) -> None:
        """Names bound inside the function: its own imports, and locals assigned from a call
        whose return annotation is an aiolabel class (``project = await self._project()``)."""
        self.locals: dict[str, Any] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                try:
                    module = importlib.import_module(node.module)
                except ImportError:
                    continue
                for alias in node.names:
                    self.locals[alias.asname or alias.name] = getattr(module, alias.name, None)
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
                if isinstance(value, ast.Await):
                    value = value.value
                if isinstance(target, ast.Name) and isinstance(value, ast.Call):
                    returned = self._returns(self(value.func))
                    if returned is not None:
                        self.locals[target.id] = ("self", returned)

    @staticmethod
    def _returns(target: Any) -> type | None:
        func = target[0] if isinstance(target, tuple) and inspect.isfunction(target[0]) else target
        if not inspect.isfunction(func):
            return None
        try:
            returned = get_type_hints(func, localns=_PUBLIC_NAMES).get("return")
        except Exception:
            return None
        if isinstance(returned, type) and returned.__module__.startswith("aiolabel"):
            return returned
        return None

    def __call__(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in self.constants:
                return self.constants[node.id]
            if node.id in getattr(self, "locals", {}):
                return self.locals[node.id]
            if node.id in ("self", "cls") and self.klass is not None:
                return ("self", self.klass)
            if node.id in _CLIENT_NAMES:
                return self.CLIENT
            return self.globals.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self(node.value)
            if base is None:
                return None
            if isinstance(base, tuple) and base[0] == "self":
                if node.attr in _CLIENT_NAMES and not issubclass(base[1], AsyncClient):
                    return self.CLIENT
                if issubclass(base[1], AsyncClient) and node.attr in RESOURCES:
                    return ("self", RESOURCES[node.attr])
                value = _class_attribute(base[1], node.attr)
                return (value, base[1]) if inspect.isfunction(value) else value
            if base is self.CLIENT:
                if node.attr in RESOURCES:
                    return ("self", RESOURCES[node.attr])
                value = _class_attribute(AsyncClient, node.attr)
                return (value, AsyncClient) if inspect.isfunction(value) else None
            if isinstance(base, types.ModuleType):
                return getattr(base, node.attr, None)
            if isinstance(base, type):
                value = _class_attribute(base, node.attr)
                return (value, base) if inspect.isfunction(value) else None
        return None


def _followable(func: Any) -> bool:
    module = getattr(func, "__module__", "") or ""
    return module.startswith("aiolabel") and not module.startswith(NOT_FOLLOWED)


def _built(call: ast.Call, name: str, resolve: _Resolver) -> Operation | None:
    """The ORM operation a builder call makes, rebuilt from the entity it names."""
    if not call.args:
        return None
    entity = resolve(call.args[0])
    if not isinstance(entity, Entity):
        return None
    first = entity.fields[0].name if entity.fields else "name"
    try:
        if name == "get_one":
            built = _builder.get_one(entity, "x")
        elif name == "get_all":
            built = _builder.get_all(entity)
        elif name == "relationship":
            rel = resolve(call.args[2]) if len(call.args) > 2 else None
            if not isinstance(rel, str):
                return None
            built = _builder.relationship(entity, "x", rel)
        elif name == "delete":
            built = _builder.delete(entity, "x")
        else:
            spec = next((f for f in entity.fields if f.type == "String"), None)
            data = {spec.name if spec else first: "x"}
            built = (
                _builder.create(entity, data)
                if name == "create"
                else _builder.update(entity, "x", data)
            )
    except Exception:
        return None
    return built.operation


def _is_transport_upload(call: ast.Call) -> bool:
    """``<client>._transport.upload(...)``: the multipart ``UploadFile`` request."""
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "upload"
        and isinstance(func.value, ast.Attribute)
        and func.value.attr == "_transport"
    )


def _rest_call(call: ast.Call, resolve: _Resolver) -> str | None:
    """``client._rest("DELETE", ops.ontology_path(id))`` -> ``REST DELETE /ontologies/{}``: the
    path rebuilt with ``{}`` for every value the call passes."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "_rest" and len(call.args) >= 2):
        return None
    method = call.args[0]
    verb = method.value if isinstance(method, ast.Constant) else "?"
    path = _sample_path(call.args[1], resolve)
    return f"REST {verb} {path if path is not None else ast.unparse(call.args[1])[:60]}"


def _sample_path(node: ast.expr, resolve: _Resolver) -> str | None:
    value = resolve(node)
    if isinstance(value, str):
        return value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _sample_path(node.left, resolve), _sample_path(node.right, resolve)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.Call):
        target = resolve(node.func)
        if inspect.isfunction(target) and target.__module__.startswith("aiolabel._operations"):
            try:
                return str(target(*["{}"] * len(node.args))).replace("%7B%7D", "{}")
            except Exception:  # a path function that wants other values
                return None
    return None


def rest_resolvers(label: str) -> list[str]:
    """The emulator's REST handler for ``REST <verb> <path>`` (``{}`` for each value)."""
    import re

    from aiolabel.emulator.resolvers import rest_routes

    _, verb, path = label.split(" ", 2)
    sample = path.replace("{}", "x")
    for method, template, handler in rest_routes():
        pattern = re.sub(r"\\{\w+\\}", "[^/]+", re.escape(template))
        if method == verb and re.fullmatch(pattern, sample):
            module = handler.__module__.removeprefix("aiolabel.emulator.")
            return [f"{module}.{handler.__name__}"]
    return []


def _bindings(
    func: Callable[..., Any], call: ast.Call, method: bool, resolve: _Resolver
) -> dict[str, str]:
    """The string constants a call passes, by parameter name (``_to_one(ds, "created_by")``)."""
    try:
        names = list(inspect.signature(func).parameters)
    except (TypeError, ValueError):
        return {}
    if method and names:
        names = names[1:]
    out: dict[str, str] = {}
    for name, arg in zip(names, call.args, strict=False):
        value = resolve(arg)
        if isinstance(value, str):
            out[name] = value
    for keyword in call.keywords:
        value = resolve(keyword.value)
        if keyword.arg and isinstance(value, str):
            out[keyword.arg] = value
    return out


def _walk(
    func: Callable[..., Any],
    klass: type | None,
    walk: _Walk,
    depth: int = 0,
    constants: dict[str, str] | None = None,
) -> None:
    constants = constants or {}
    key = (func, tuple(sorted(constants.items())))
    if depth > 8 or key in walk.seen or not _followable(func):
        return
    walk.seen.add(key)
    if func.__qualname__ in SENDS_BY_ITSELF:
        name = SENDS_BY_ITSELF[func.__qualname__]
        walk.operations.setdefault(name, ALL_OPERATIONS.get(name))
    try:
        source = textwrap.dedent(inspect.getsource(func))
    except (OSError, TypeError):
        return
    tree = ast.parse(source)
    resolve = _Resolver(func, klass, constants)
    resolve.learn(tree)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load):
            value = resolve(node)
            if isinstance(value, Operation):
                walk.operations.setdefault(value.name, value.document)
            elif isinstance(value, (dict, tuple, list)) and not isinstance(value, str):
                # a table of operations picked from by kind: the call sends one of them
                members = value.values() if isinstance(value, dict) else value
                for member in members:
                    if isinstance(member, Operation):
                        walk.operations.setdefault(member.name, member.document)
        if not isinstance(node, ast.Call):
            continue
        if _is_transport_upload(node):
            walk.operations.setdefault("UploadFile", ALL_OPERATIONS.get("UploadFile"))
            continue
        rest = _rest_call(node, resolve)
        if rest is not None:
            walk.operations.setdefault(rest, None)
            continue
        target = resolve(node.func)
        if target is Operation and node.args and isinstance(node.args[0], ast.Name):
            name = resolve(node.args[0])
            if isinstance(name, str):
                walk.operations.setdefault(name, None)
            continue
        if inspect.isfunction(target) and target.__module__ == _builder.__name__:
            if target.__name__ in _BUILDERS:
                op = _built(node, target.__name__, resolve)
                if op is not None:
                    walk.operations.setdefault(op.name, op.document)
            continue
        if isinstance(target, tuple) and len(target) == 2 and inspect.isfunction(target[0]):
            bound = _bindings(target[0], node, True, resolve)
            _walk(target[0], target[1], walk, depth + 1, bound)
        elif isinstance(target, tuple) and target[0] == "self":
            continue
        elif inspect.isfunction(target):
            klass_of = _defining_class(target)
            bound = _bindings(target, node, klass_of is not None, resolve)
            _walk(target, klass_of, walk, depth + 1, bound)
        elif isinstance(target, type) and _followable(target) and not issubclass(target, Model):
            # an object made here is then driven through methods the walk cannot name: all of
            # its own methods count
            for value in vars(target).values():
                method = _unwrap(value)
                if inspect.isfunction(method):
                    _walk(method, target, walk, depth + 1)


def _delegate(func: Callable[..., Any], klass: type | None) -> tuple[Callable[..., Any], type]:
    """Where a one-line method hands over: the resource method it calls, or itself."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError):
        return func, klass or object
    body = tree.body[0].body if tree.body and hasattr(tree.body[0], "body") else []
    statements = [
        s for s in body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
    ]
    if len(statements) == 1:
        resolve = _Resolver(func, klass)
        for node in ast.walk(statements[0]):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = resolve(node.func.value)
                if (
                    isinstance(owner, tuple)
                    and owner[0] == "self"
                    and owner[1] in RESOURCES.values()
                ):
                    method = _class_attribute(owner[1], node.func.attr)
                    if inspect.isfunction(method):
                        return method, owner[1]
    return func, klass or object


def _public_methods(klass: type) -> Iterator[tuple[str, Callable[..., Any]]]:
    """Public methods (not properties) defined in aiolabel, inherited ones included."""
    skip = set(dir(pydantic.BaseModel)) if issubclass(klass, pydantic.BaseModel) else set()
    if issubclass(klass, Model):
        skip |= set(vars(Model))
    for name in sorted(dir(klass)):
        if name.startswith("_") or name in skip:
            continue
        raw = next((vars(b)[name] for b in klass.__mro__ if name in vars(b)), None)
        if isinstance(raw, (property, functools.cached_property)):
            continue
        value = _unwrap(raw)
        if inspect.isfunction(value) and value.__module__.startswith("aiolabel"):
            yield name, value


def public_classes() -> list[type]:
    """``AsyncClient`` first, then every exported class with public methods of its own."""
    classes: list[type] = [AsyncClient]
    for name in aiolabel.__all__:
        value = getattr(aiolabel, name)
        if (
            isinstance(value, type)
            and value not in classes  # an alias (DataRowIds is UniqueIds) is listed once
            and not issubclass(value, BaseException)
            and any(True for _ in _public_methods(value))
            and not _is_enum(value)
        ):
            classes.append(value)
    return classes


def _is_enum(klass: type) -> bool:
    import enum

    return issubclass(klass, enum.Enum)


def rows() -> tuple[list[Row], dict[str, str | None]]:
    """One row per public method, and every operation's document (None: built at call time)."""
    out: list[Row] = []
    documents: dict[str, str | None] = {}
    for klass in public_classes():
        for name, func in _public_methods(klass):
            impl, impl_class = _delegate(func, _defining_class(func) or klass)
            walk = _Walk()
            _walk(impl, impl_class, walk)
            documents.update({k: v for k, v in walk.operations.items() if v or k not in documents})
            out.append(
                Row(
                    klass.__name__,
                    name,
                    f"{impl.__module__}.{impl.__qualname__}",
                    tuple(sorted(walk.operations)),
                )
            )
    return out, documents


def resolvers(schema: GraphQLSchema, document: str) -> list[str]:
    """The emulator resolvers that answer a document, outside in: those of root fields and of
    object fields (the resolvers of scalar fields only shape an answer)."""
    found: list[str] = []
    tree = parse(document)
    for definition in tree.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        root = (
            schema.mutation_type if definition.operation.value == "mutation" else schema.query_type
        )
        _resolved(root, definition.selection_set, found)
    return list(dict.fromkeys(found))


def _resolved(
    parent: GraphQLObjectType | None, selections: SelectionSetNode | None, found: list[str]
) -> None:
    if parent is None or selections is None:
        return
    for selection in selections.selections:
        if not isinstance(selection, FieldNode):
            continue
        field_def = parent.fields.get(selection.name.value)
        if field_def is None:
            continue
        named = get_named_type(field_def.type)
        shown = (
            parent.name in ("Query", "Mutation")
            or isinstance(named, GraphQLObjectType)
            or len(selections.selections) == 1
        )
        if field_def.resolve is not None and shown:
            fn = inspect.unwrap(field_def.resolve)
            module = getattr(fn, "__module__", "?").removeprefix("aiolabel.emulator.")
            found.append(f"{module}.{getattr(fn, '__name__', '?')}")
        if isinstance(named, GraphQLObjectType):
            _resolved(named, selection.selection_set, found)
