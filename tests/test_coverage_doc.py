"""``docs/coverage.md`` tells the truth about aiolabel.

Each row of the item-by-item tables names, in its "aiolabel spelling" column, the dotted names
(from the ``aiolabel`` package) a user writes for the item, with the documented parameters in
parentheses. This test resolves every name against the installed package:

* a row marked **yes** or **partial** resolves every name to a real attribute (a method,
  property, pydantic field, class...) that accepts every listed parameter;
* a row marked **no** resolves none of its names (an implementation makes it yes/partial);
* a row marked **not provided** names only deliberate refusals: names its class (or the
  package) lists in ``_OTHER_SPELLINGS`` (:mod:`aiolabel._spellings`), whose reading fails at once
  with an ``AttributeError`` naming what to use instead;
* a row the emulator serves (yes/partial) names, in its notes' ``wire:`` clause (up to the next
  ``;``), only operations aiolabel sends (an ``aiolabel._operations`` document or a relationship
  document of the builder), and each of those documents validates against the emulator's SDL;
* the totals table and the totals sentence agree with the rows.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import graphql
import pytest
from pydantic import BaseModel

import aiolabel
import aiolabel._operations as operations_package
from aiolabel._operations import Operation
from aiolabel._operations import _builder as builder
from aiolabel._operations._entities import ENTITIES
from aiolabel.emulator.executor import build_schema
from tests.wire.catalogue import catalogue

DOC = Path(__file__).resolve().parent.parent / "docs" / "coverage.md"
HEADER = "| Item | Doc | aiolabel | aiolabel spelling | Emulator | Notes |"
STATUSES = {"yes", "partial", "**no**", "**not provided**"}
EMULATOR = {"yes", "partial", "**no**", "n/a"}
SPELLING = re.compile(r"`([A-Za-z_][\w.]*)(?:\(([\w, ]*)\))?`")


@dataclass(frozen=True)
class Row:
    section: str
    item: str
    status: str
    names: tuple[tuple[str, tuple[str, ...]], ...]
    emulator: str
    notes: str


def _split(line: str) -> list[str]:
    # cells are separated by " | "; a "|" inside backticks (e.g. `UniqueId|GlobalKey`) is not one
    return [cell.strip() for cell in line.strip()[1:-1].split(" | ")]


def _rows() -> list[Row]:
    rows: list[Row] = []
    section = None
    in_tables = False
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## Item by item"):
            in_tables = True
        heading = re.match(r"### (.+)", line)
        if heading:
            section = heading.group(1).strip()
            continue
        if not in_tables or section is None or not line.startswith("| "):
            continue
        if line.startswith("| Item "):
            assert line == HEADER, f"{section}: table header must be {HEADER!r}"
            continue
        cells = _split(line)
        assert len(cells) == 6, f"{section}: a row needs 6 cells: {line!r}"
        item, _doc, status, spelling, emulator, notes = cells
        names = tuple(
            (m.group(1), tuple(p.strip() for p in (m.group(2) or "").split(",") if p.strip()))
            for m in SPELLING.finditer(spelling)
        )
        rows.append(Row(section, item, status, names, emulator, notes))
    return rows


ROWS = _rows()
_MISSING = object()


@dataclass(frozen=True)
class Refusal:
    """A documented name aiolabel refuses on purpose, with what to write instead."""

    owner: str
    hint: str


def _resolve(dotted: str) -> Any:
    """The object ``aiolabel.<dotted>`` names, a :class:`Refusal` when the name is listed in its
    owner's ``_OTHER_SPELLINGS``, or ``_MISSING``. A pydantic field comes back as its
    ``FieldInfo``."""
    obj: Any = aiolabel
    for part in dotted.split("."):
        spellings = getattr(obj, "_OTHER_SPELLINGS", None) or {}
        if part in spellings:
            owner = obj.__name__ if hasattr(obj, "__name__") else type(obj).__name__
            return Refusal(owner, spellings[part])
        if isinstance(obj, type):
            found = inspect.getattr_static(obj, part, _MISSING)
            if found is _MISSING and issubclass(obj, BaseModel):
                found = obj.model_fields.get(part, _MISSING)
            if found is not _MISSING:
                found = getattr(obj, part, found)
        else:
            found = getattr(obj, part, _MISSING)
        if found is _MISSING:
            return _MISSING
        obj = found
    return obj


def _parameters(obj: Any) -> set[str] | None:
    """Parameter names ``obj`` accepts (``None`` when it takes ``**kwargs``)."""
    target = obj.fget if isinstance(obj, property) else obj
    if isinstance(target, staticmethod | classmethod):
        target = target.__func__
    signature = inspect.signature(target)
    names = set()
    for param in signature.parameters.values():
        if param.kind is inspect.Parameter.VAR_KEYWORD:
            return None
        names.add(param.name)
    return names


def _row_id(row: Row) -> str:
    return f"{row.section}: {row.item[:60]}"


def test_the_doc_has_every_section_and_known_statuses() -> None:
    assert len(ROWS) > 300
    for row in ROWS:
        assert row.status in STATUSES, _row_id(row)
        assert row.emulator in EMULATOR, _row_id(row)
        if row.status != "**not provided**":
            assert row.names, f"{_row_id(row)}: needs an aiolabel spelling"


@pytest.mark.parametrize("row", [r for r in ROWS if r.status in ("yes", "partial")], ids=_row_id)
def test_present_rows_resolve_with_their_parameters(row: Row) -> None:
    for name, params in row.names:
        obj = _resolve(name)
        assert obj is not _MISSING, f"{name} does not exist in aiolabel"
        assert not isinstance(obj, Refusal), f"{name} is a refusal, not an implementation"
        if params:
            accepted = _parameters(obj)
            if accepted is not None:
                assert set(params) <= accepted, f"{name} lacks {set(params) - accepted}"


@pytest.mark.parametrize("row", [r for r in ROWS if r.status == "**no**"], ids=_row_id)
def test_missing_rows_are_missing(row: Row) -> None:
    for name, _ in row.names:
        obj = _resolve(name)
        assert obj is _MISSING or isinstance(obj, Refusal), (
            f"{name} exists: the row should say yes or partial"
        )


@pytest.mark.parametrize("row", [r for r in ROWS if r.status == "**not provided**"], ids=_row_id)
def test_not_provided_rows_are_loud_refusals(row: Row) -> None:
    for name, _ in row.names:
        obj = _resolve(name)
        assert isinstance(obj, Refusal), f"{name} must be listed in its class's _OTHER_SPELLINGS"
        assert obj.hint


@cache
def _sent_documents() -> dict[str, set[str]]:
    """Operation name -> the documents aiolabel can send under it (the wire catalogue, every
    document constant, and every relationship document of the builder)."""
    documents: dict[str, set[str]] = {}

    def add(value: object) -> None:
        if isinstance(value, Operation):
            documents.setdefault(value.name, set()).add(value.document)

    for info in pkgutil.iter_modules(operations_package.__path__):
        module = importlib.import_module(f"{operations_package.__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, Mapping):
                for item in value.values():
                    add(item)
            elif isinstance(value, list | tuple):
                for item in value:
                    add(item)
            else:
                add(value)
    for _, operation, _ in catalogue():  # the builder's gets, lists, creates, updates...
        add(operation)
    for entity in ENTITIES.values():
        for rel in entity.relationships:
            uid = None if entity.name == "Organization" else "id1"
            add(builder.relationship(entity, uid, rel.name).operation)
    return documents


def _wire_clause(notes: str) -> list[str]:
    _, found, rest = notes.partition("wire:")
    return re.findall(r"\b(\w+PyApi)\b", rest.split(";")[0]) if found else []


SERVED = [r for r in ROWS if r.emulator in ("yes", "partial") and _wire_clause(r.notes)]


@pytest.mark.parametrize("row", SERVED, ids=_row_id)
def test_served_rows_name_documents_the_emulator_validates(row: Row) -> None:
    schema = _schema()
    for name in _wire_clause(row.notes):
        documents = _sent_documents().get(name)
        assert documents, f"{name}: aiolabel sends no such operation (move it out of 'wire:')"
        for document in documents:
            errors = graphql.validate(schema, graphql.parse(document))
            assert not errors, f"{name}: the emulator's SDL refuses it: {errors}"


@cache
def _schema() -> graphql.GraphQLSchema:
    return build_schema()


def _totals() -> dict[str, tuple[int, int, int, int, int]]:
    by_section: dict[str, Counter[str]] = {}
    for row in ROWS:
        counts = by_section.setdefault(row.section, Counter())
        counts["items"] += 1
        counts["present"] += row.status in ("yes", "partial")
        counts["partial"] += row.status == "partial"
        counts["refused"] += row.status == "**not provided**"
        counts["served"] += row.emulator in ("yes", "partial")
    return {
        section: (c["items"], c["present"], c["partial"], c["refused"], c["served"])
        for section, c in by_section.items()
    }


def test_totals_agree_with_the_rows() -> None:
    text = DOC.read_text(encoding="utf-8")
    table = {}
    for match in re.finditer(
        r"^\| ([^|]+?) \| (\d+) \| (\d+) \((\d+)\) \| (\d+) \| (\d+) \|$", text, re.M
    ):
        table[match.group(1)] = tuple(int(match.group(i)) for i in range(2, 7))
    assert table == _totals()
    items = sum(t[0] for t in table.values())
    present = sum(t[1] for t in table.values())
    partial = sum(t[2] for t in table.values())
    refused = sum(t[3] for t in table.values())
    sentence = (
        f"Totals: {items} items; {present} present in aiolabel ({partial} partial), "
        f"{refused} not provided (a loud error naming the replacement), "
        f"{items - present - refused} missing."
    )
    assert sentence in text


def test_a_refusal_fails_at_once_with_its_hint() -> None:
    refusals = [row for row in ROWS if row.status == "**not provided**" and row.names]
    assert refusals
    for row in refusals:
        for name, _ in row.names:
            refusal = _resolve(name)
            assert isinstance(refusal, Refusal)
            if "." not in name:  # a name of the package
                with pytest.raises(AttributeError) as caught:
                    getattr(aiolabel, name)
                assert str(caught.value) == f"aiolabel has no {name}: {refusal.hint}"
                continue
            owner_name, attr = name.rsplit(".", 1)
            owner = _resolve(owner_name)
            instance = owner.model_construct() if issubclass(owner, BaseModel) else None
            if instance is None:
                instance = object.__new__(owner)
            with pytest.raises(AttributeError) as caught:
                getattr(instance, attr)
            assert str(caught.value) == f"{owner.__name__} has no {attr}: {refusal.hint}"
