"""The ORM document builder against the official SDK's own query builder, and its input checks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import graphql
import labelbox as lb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from labelbox.orm import query as official_query
from labelbox.orm.comparison import Comparison as OfficialComparison
from labelbox.orm.model import Entity as OfficialEntity
from labelbox.orm.model import Field as OfficialField

from aiolabel._operations import _builder as b
from aiolabel._operations._entities import (
    DATA_ROW,
    DATASET,
    ENTITIES,
    ORGANIZATION,
    PROJECT,
    TASK,
    USER,
    Entity,
)
from aiolabel._operations.labeling_parameter_overrides import set_labeling_parameter_overrides
from aiolabel.errors import InputError, InputTypeError, InvalidAttributeError, InvalidQueryError
from aiolabel.identifiers import GlobalKey, UniqueId
from tests.wire import canned
from tests.wire.compare import assert_same_wire, parse_operation
from tests.wire.recorder import recording_client

F = b.FieldRef
OPS = {
    b.Op.EQ: lambda f, v: f == v,
    b.Op.NE: lambda f, v: f != v,
    b.Op.LT: lambda f, v: f < v,
    b.Op.GT: lambda f, v: f > v,
    b.Op.LE: lambda f, v: f <= v,
    b.Op.GE: lambda f, v: f >= v,
}


def official_field(entity: Entity, name: str) -> OfficialField:
    if name == "deleted":
        return OfficialEntity.deleted
    return getattr(getattr(OfficialEntity, entity.name), name)  # type: ignore[no-any-return]


def to_official(entity: Entity, where: b.Where) -> Any:
    if isinstance(where, b.And):
        return to_official(entity, where.first) & to_official(entity, where.second)
    return OPS[where.op](official_field(entity, where.field), where.value)


def official_list(entity: Entity, where: b.Where | None, skip: int = 0) -> tuple[str, Any]:
    text, params = official_query.get_all(getattr(OfficialEntity, entity.name), where)
    return text % (skip, 100), params


# -- every operator, AND of 2 and 3, through the official client --------------------------------


@pytest.mark.parametrize("op", list(b.Op), ids=[o.name for o in b.Op])
def test_each_operator_matches_get_projects(op: b.Op) -> None:
    value: Any = "x" if op in (b.Op.EQ, b.Op.NE) else datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    name = "name" if op in (b.Op.EQ, b.Op.NE) else "created_at"
    with recording_client() as (client, rec):
        list(client.get_projects(where=OPS[op](getattr(lb.Project, name), value)))
    [request] = rec.graphql()
    ours = b.get_all(PROJECT, OPS[op](F(name), value), exclude_deleted=True)
    assert_same_wire(
        request.query or "",
        ours.operation,
        official_variables=request.variables,
        our_variables=ours.variables,
        official_endpoint=request.endpoint,
    )


@pytest.mark.parametrize(
    "shape", ["a&b", "(a&b)&c", "a&(b&c)"], ids=["and-2", "and-3-left", "and-3-right"]
)
def test_and_nesting_matches_get_datasets(shape: str) -> None:
    a_off, b_off, c_off = (
        lb.Dataset.name == "n",
        lb.Dataset.row_count > 5,
        lb.Dataset.description != "d",
    )
    a_our, b_our, c_our = F("name") == "n", F("row_count") > 5, F("description") != "d"
    official_where, our_where = {
        "a&b": (a_off & b_off, a_our & b_our),
        "(a&b)&c": ((a_off & b_off) & c_off, (a_our & b_our) & c_our),
        "a&(b&c)": (a_off & (b_off & c_off), a_our & (b_our & c_our)),
    }[shape]
    with recording_client() as (client, rec):
        list(client.get_datasets(where=official_where))
    [request] = rec.graphql()
    ours = b.get_all(DATASET, our_where, exclude_deleted=True)
    assert_same_wire(
        request.query or "",
        ours.operation,
        official_variables=request.variables,
        our_variables=ours.variables,
    )


# -- property: any where over any entity, against the official query builder --------------------

SAMPLE_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "ID": st.text(min_size=1, max_size=8),
    "String": st.text(max_size=8),
    "Int": st.integers(-(2**31), 2**31 - 1),
    "Float": st.floats(allow_nan=False, allow_infinity=False, width=32),
    "Boolean": st.booleans(),
    "DateTime": st.just("2024-01-01T00:00:00Z"),
    "Json": st.just({"k": 1}),
}


@st.composite
def entity_and_where(draw: st.DrawFn) -> tuple[Entity, b.Where]:
    entity = draw(st.sampled_from(sorted(ENTITIES.values(), key=lambda e: e.name)))
    usable = [f for f in entity.fields if f.type in SAMPLE_VALUES or not f.type.startswith("[")]
    fields = draw(
        st.lists(st.sampled_from(usable), min_size=1, max_size=4, unique_by=lambda f: f.name)
    )
    leaves: list[b.Where] = []
    for spec in fields:
        strategy = SAMPLE_VALUES.get(spec.type, st.sampled_from(["IMAGE", "MANUAL", "COMPLETE"]))
        leaves.append(b.Comparison(spec.name, draw(st.sampled_from(list(b.Op))), draw(strategy)))
    where = leaves[0]
    for leaf in leaves[1:]:
        where = b.And(leaf, where) if draw(st.booleans()) else b.And(where, leaf)
    return entity, where


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entity_and_where(), st.booleans())
def test_any_where_matches_the_official_query_builder(
    case: tuple[Entity, b.Where], exclude_deleted: bool
) -> None:
    entity, where = case
    official_where = to_official(entity, where)
    if exclude_deleted:
        official_where = official_where & (OfficialEntity.deleted == False)  # noqa: E712
    text, params = official_list(entity, official_where)
    ours = b.get_all(entity, where, exclude_deleted=exclude_deleted)
    assert_same_wire(text, ours.operation, official_variables=params, our_variables=ours.variables)


@settings(max_examples=50, deadline=None)
@given(entity_and_where(), st.data())
def test_document_depends_on_the_shape_only(
    case: tuple[Entity, b.Where], data: st.DataObject
) -> None:
    """Other values, same document: no value ever reaches the text."""
    entity, where = case

    def revalue(w: b.Where) -> b.Where:
        if isinstance(w, b.And):
            return b.And(revalue(w.first), revalue(w.second))
        spec = entity.field(w.field)
        assert spec is not None
        strategy = SAMPLE_VALUES.get(spec.type, st.sampled_from(["VIDEO", "AUTO", "FAILED"]))
        return b.Comparison(w.field, w.op, data.draw(strategy))

    first, second = b.get_all(entity, where), b.get_all(entity, revalue(where), skip=500)
    assert first.operation == second.operation


# -- relationships, create, update, delete against the official builder -------------------------


def _official_object(entity_name: str, body: dict[str, Any]) -> Any:
    with recording_client() as (client, _):
        return getattr(OfficialEntity, entity_name)(client, body)


RELATIONSHIPS = [
    ("Project", canned.project(), "organization", None, None),
    ("Project", canned.project(), "created_by", None, None),
    ("Project", canned.project(), "labeling_parameter_overrides", None, None),
    ("Dataset", canned.dataset(), "iam_integration", None, None),
    ("DataRow", canned.data_row(), "dataset", None, None),
    ("DataRow", canned.data_row(), "attachments", None, None),
    ("User", canned.user(), "projects", F("name") == "p", F("created_at").asc),
    ("User", canned.user(), "created_tasks", (F("uid") == "t1") & (F("status") != "X"), None),
    ("Organization", canned.organization(), "projects", F("name") == "p", F("name").desc),
    ("Organization", canned.organization(), "users", None, None),
]


@pytest.mark.parametrize(
    ("entity_name", "body", "rel", "where", "order_by"),
    RELATIONSHIPS,
    ids=[f"{e}.{r}" for e, _, r, _, _ in RELATIONSHIPS],
)
def test_relationship_matches_the_official_query_builder(
    entity_name: str, body: dict[str, Any], rel: str, where: Any, order_by: Any
) -> None:
    entity = ENTITIES[entity_name]
    source = _official_object(entity_name, body)
    official_rel = next(r for r in type(source).relationships() if r.name == rel)
    target = ENTITIES[official_rel.destination_type_name]
    official_where = None if where is None else to_official(target, where)
    if official_rel.filter_deleted and official_rel.relationship_type.name == "ToMany":
        not_deleted = official_rel.destination_type.deleted == False  # noqa: E712
        official_where = not_deleted if official_where is None else official_where & not_deleted
    official_order = None
    if order_by is not None:
        field = official_field(target, order_by.field)
        official_order = field.desc if order_by.descending else field.asc
    src = source if entity_name != "Organization" else type(source)
    text, params = official_query.relationship(src, official_rel, official_where, official_order)
    if "%d" in text:
        text = text % (0, 100)
    ours = b.relationship(
        entity, None if entity_name == "Organization" else body["id"], rel, where, order_by
    )
    assert_same_wire(text, ours.operation, official_variables=params, our_variables=ours.variables)


CREATES = [
    (PROJECT, {"name": "p"}),
    (PROJECT, {"name": "p", "description": "d", "media_type": "IMAGE", "upload_type": "MANUAL"}),
    (DATASET, {"name": "ds"}),
    (DATASET, {"name": "ds", "description": "d"}),
    (DATA_ROW, {"row_data": "r", "dataset": "ds1"}),
]


@pytest.mark.parametrize(("entity", "data"), CREATES, ids=[str(i) for i in range(len(CREATES))])
def test_create_matches_the_official_query_builder(entity: Entity, data: dict[str, Any]) -> None:
    official_entity = getattr(OfficialEntity, entity.name)
    official_data = {official_entity.attribute(k): v for k, v in data.items()}
    text, params = official_query.create(official_entity, official_data)
    ours = b.create(entity, data)
    assert_same_wire(text, ours.operation, official_variables=params, our_variables=ours.variables)


UPDATES = [
    ("Project", canned.project(), {"name": "n"}),
    ("Project", canned.project(), {"name": "n", "description": "d", "media_type": "VIDEO"}),
    ("Dataset", canned.dataset(), {"description": "d", "name": "n"}),
    ("DataRow", canned.data_row(), {"external_id": "e", "global_key": "g", "row_data": "r"}),
]


@pytest.mark.parametrize(
    ("entity_name", "body", "data"), UPDATES, ids=[str(i) for i in range(len(UPDATES))]
)
def test_update_and_delete_match_the_official_query_builder(
    entity_name: str, body: dict[str, Any], data: dict[str, Any]
) -> None:
    entity = ENTITIES[entity_name]
    obj = _official_object(entity_name, body)
    values = {type(obj).field(k): v for k, v in data.items()}
    text, params = official_query.update_fields(obj, values)
    ours = b.update(entity, body["id"], data)
    assert_same_wire(text, ours.operation, official_variables=params, our_variables=ours.variables)
    text, params = official_query.delete(obj)
    ours = b.delete(entity, body["id"])
    assert_same_wire(text, ours.operation, official_variables=params, our_variables=ours.variables)


def test_get_one_matches_the_official_query_builder() -> None:
    for entity in ENTITIES.values():
        uid = None if entity.name in ("User", "Organization") else "id-1"
        text, params = official_query.get_single(getattr(OfficialEntity, entity.name), uid)
        ours = b.get_one(entity, uid)
        assert_same_wire(
            text, ours.operation, official_variables=params, our_variables=ours.variables
        )


# -- bad input, before anything is built ---------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: b.get_all(PROJECT, F("nope") == 1), InvalidAttributeError, "nope"),
        (lambda: b.get_all(PROJECT, F("name){x}") == 1), InvalidAttributeError, "name"),
        (
            lambda: b.get_all(PROJECT, (F("name") == "a") & (F("name") == "b")),
            InvalidQueryError,
            "same field",
        ),
        (lambda: (F("name") == "a") | (F("name") == "b"), InvalidQueryError, "AND"),
        (lambda: ~(F("name") == "a"), InvalidQueryError, "AND"),
        (lambda: b.get_all(PROJECT, F("name") == 3), InputTypeError, "Project.name"),
        (lambda: b.get_all(PROJECT, F("data_row_count") == True), InputTypeError, "int"),  # noqa: E712
        (lambda: b.get_all(PROJECT, F("data_row_count") == 2**31), InputError, "32-bit"),
        (
            lambda: b.get_all(PROJECT, F("created_at") > datetime(2024, 1, 1)),
            InputError,
            "time zone",
        ),
        (
            lambda: b.get_all(PROJECT, F("auto_audit_percentage") > float("nan")),
            InputError,
            "finite",
        ),
        (lambda: b.get_all(PROJECT, "name = x"), InputTypeError, "where"),  # type: ignore[arg-type]
        (lambda: b.get_all(PROJECT, skip=-1), InputError, "skip"),
        (lambda: b.get_all(PROJECT, first=0), InputError, "first"),
        (lambda: b.get_one(PROJECT, ""), InputError, "empty"),
        (lambda: b.get_one(PROJECT, 5), InputTypeError, "str"),  # type: ignore[arg-type]
        (lambda: b.create(PROJECT, {}), InputError, "no Project fields"),
        (lambda: b.create(PROJECT, {"name": None}), InputError, "None"),
        (lambda: b.create(PROJECT, {"uid": "x"}), InvalidAttributeError, "uid"),
        (
            lambda: b.create(PROJECT, {"name": "p", "colour": "red"}),
            InvalidAttributeError,
            "colour",
        ),
        (lambda: b.update(PROJECT, "p1", {"description": None}), InputError, "None"),
        (
            lambda: b.update(PROJECT, "p1", {"dataset_name_or_id": "x"}),
            InvalidAttributeError,
            "dataset",
        ),
        (lambda: b.update(DATASET, "d1", {"deleted": True}), InvalidAttributeError, "deleted"),
        (lambda: b.relationship(PROJECT, "p1", "nope"), InvalidAttributeError, "nope"),
        (
            lambda: b.relationship(PROJECT, "p1", "organization", F("name") == "o"),
            InvalidQueryError,
            "to-one",
        ),
        (lambda: b.relationship(ORGANIZATION, "o1", "projects"), InputError, "without an id"),
        (
            lambda: b.relationship(USER, "u1", "created_tasks", order_by=F("nope").asc),
            InvalidAttributeError,
            "nope",
        ),
        (lambda: b.relationship(USER, None, "created_tasks"), InputTypeError, "User id"),
    ],
)
def test_bad_input_raises_a_typed_error(call: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()


def test_deleted_may_be_compared_and_repeated_like_the_official_sdk() -> None:
    built = b.get_all(TASK, (F("deleted") == False) & (F("deleted") == False))  # noqa: E712
    assert built.variables == {"param_0": False, "param_1": False, "skip": 0, "first": 100}


def test_enum_values_are_sent_as_their_wire_value() -> None:
    from aiolabel.enums import MediaType

    built = b.update(PROJECT, "p1", {"media_type": MediaType.Video})
    assert built.variables == {"allowedMediaType": "VIDEO", "ProjectId": "p1"}


# -- the LPO document --------------------------------------------------------------------------


@given(
    st.lists(
        st.tuples(
            st.booleans(),
            st.text(min_size=1).filter(lambda s: not any(0xD800 <= ord(c) <= 0xDFFF for c in s)),
            st.integers(-(2**31), 2**31 - 1),
        ),
        min_size=1,
        max_size=5,
        unique_by=lambda t: (t[0], t[1]),
    )
)
@settings(max_examples=100, deadline=None)
def test_lpo_literals_read_back_exactly(items: list[tuple[bool, str, int]]) -> None:
    pairs = [(GlobalKey(k) if gk else UniqueId(k), p) for gk, k, p in items]
    built = set_labeling_parameter_overrides("proj1", pairs)
    op = parse_operation(built.operation.document)
    field = op.selection_set.selections[0].selection_set.selections[0]  # type: ignore[union-attr]
    [argument] = field.arguments
    assert graphql.value_from_ast_untyped(argument.value) == [
        {"dataRowIdentifier": {"id": k, "idType": "GKEY" if gk else "ID"}, "priority": p}
        for gk, k, p in items
    ]
    assert built.variables == {"projectId": "proj1"}
    assert built.operation.idempotent


@pytest.mark.parametrize(
    ("overrides", "error", "match"),
    [
        ([], InputError, "empty"),
        ([("dr1", 1)], InputTypeError, "UniqueId or a GlobalKey"),
        ([(UniqueId("dr1"), "1")], InputTypeError, "int"),
        ([(UniqueId("dr1"), True)], InputTypeError, "int"),
        ([(UniqueId("dr1"), 2**31)], InputError, "32-bit"),
        ([(UniqueId("dr1"), 1), (UniqueId("dr1"), 2)], InputError, "more than once"),
        ([(UniqueId("dr1"),)], InputTypeError, "tuple"),
        ("dr1", InputTypeError, "sequence"),
    ],
)
def test_lpo_bad_input(overrides: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        set_labeling_parameter_overrides("proj1", overrides)


def test_official_comparison_class_is_what_we_mirror() -> None:
    """The operator table is the official one (suffixes and all six operators)."""
    assert {op.name for op in OfficialComparison.Op} == {op.name for op in b.Op}
