"""Argument checks (priorities, identifiers, sequences, consensus settings, project input, key
batches): every bad input is refused, naming the argument, before anything is sent."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiolabel import (
    GlobalKey,
    GlobalKeys,
    InputError,
    InputTypeError,
    MediaType,
    QualityMode,
    UniqueId,
    UniqueIds,
)
from aiolabel._operations._builder import And, Comparison, Op
from aiolabel._resources._rows import check_sequence, pick_rows, stream_items
from aiolabel._resources.projects import _ProjectInput
from aiolabel._validation import (
    INT32_MAX,
    INT32_MIN,
    check_batch_priority,
    check_identifiers,
    check_int32_priority,
    check_override,
)
from aiolabel.enums import IdType
from aiolabel.models.batch import Batch, ConsensusSettings
from aiolabel.models.data_row import DataRow
from aiolabel.models.labeling import LabelingParameterOverride
from aiolabel.models.member import ProjectMember
from aiolabel.models.project import Project
from aiolabel.models.task_queue import TaskQueue
from tests.wire import canned


@pytest.mark.parametrize("priority", [1, 2, 3, 4, 5])
def test_batch_priority_range(priority: int) -> None:
    assert check_batch_priority(priority) == priority


@pytest.mark.parametrize(
    ("priority", "error"),
    [
        (0, InputError),
        (6, InputError),
        (-1, InputError),
        ("1", InputTypeError),
        (True, InputTypeError),
        (2.0, InputTypeError),
    ],
)
def test_batch_priority_refused(priority: object, error: type[Exception]) -> None:
    with pytest.raises(error, match=r"^priority"):
        check_batch_priority(priority)


@given(st.integers())
def test_int32_priority(value: int) -> None:
    if INT32_MIN <= value <= INT32_MAX:
        assert check_int32_priority(value) == value
    else:
        with pytest.raises(InputError, match="signed 32-bit"):
            check_int32_priority(value)


def test_pick_rows() -> None:
    assert pick_rows(["a"], None) == ("data_rows", ["a"])
    assert pick_rows(None, ("k",)) == ("global_keys", ("k",))
    with pytest.raises(InputError, match="not both"):
        pick_rows(["a"], ["k"])
    with pytest.raises(InputError, match="data_rows"):
        pick_rows(None, None)
    with pytest.raises(InputTypeError, match="global_keys"):
        pick_rows(None, "key")
    with pytest.raises(InputTypeError, match="data_rows"):
        pick_rows(5, None)
    with pytest.raises(InputTypeError, match="GlobalKeys"):
        pick_rows(GlobalKeys(["k"]), None)
    assert pick_rows(UniqueIds(["a"]), None)[0] == "data_rows"


def test_check_sequence() -> None:
    row = DataRow.from_wire(None, {"id": "dr9"})
    assert check_sequence(["a", row], "data_rows") == ["a", "dr9"]
    with pytest.raises(InputError, match="data_rows must not be empty"):
        check_sequence([], "data_rows")
    with pytest.raises(InputTypeError, match=r"global_keys\[0\]"):
        check_sequence([row], "global_keys")  # DataRow objects are data rows, not keys
    with pytest.raises(InputError, match=r"data_rows\[1\] must not be empty"):
        check_sequence(["a", "  "], "data_rows")
    with pytest.raises(InputError, match=r"data_rows\[2\]: 'a' appears more than once"):
        check_sequence(["a", "b", "a"], "data_rows")
    with pytest.raises(InputError, match="at most 3"):
        check_sequence(["a", "b", "c", "d"], "data_rows", max_rows=3)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(["a", " a", "a ", "b", "", " ", "\t", "c"]), st.integers(0, 2)),
        max_size=8,
    )
)
def test_check_sequence_decides_as_checking_key_by_key(values: list[Any]) -> None:
    """The one-pass check accepts exactly what checking each key, then repeats, accepts, and
    refuses the rest with the key-by-key errors (keys differing only in blanks are distinct)."""
    from aiolabel._resources._rows import _row_key
    from aiolabel._validation import no_duplicates

    def by_key() -> list[str]:
        if not values:
            raise InputError("data_rows must not be empty")
        keys = [_row_key(item, "data_rows", i) for i, item in enumerate(values)]
        no_duplicates(keys, "data_rows")
        return keys

    try:
        expected: list[str] | str = by_key()
    except (InputError, InputTypeError) as exc:
        expected = f"{type(exc).__name__}: {exc}"
    try:
        got: list[str] | str = check_sequence(values, "data_rows")
    except (InputError, InputTypeError) as exc:
        got = f"{type(exc).__name__}: {exc}"
    assert got == expected


async def test_stream_items_sync_and_async() -> None:
    async def source() -> AsyncIterator[Any]:
        yield "a"
        yield DataRow.from_wire(None, {"id": "b"})

    assert [k async for k in stream_items(source(), "data_rows")] == ["a", "b"]
    assert [k async for k in stream_items(iter(["x", "y"]), "global_keys")] == ["x", "y"]
    seen: list[str] = []

    async def drain(items: list[Any]) -> None:
        async for key in stream_items(items, "data_rows"):
            seen.append(key)

    with pytest.raises(InputError, match=r"data_rows\[2\]"):
        await drain(["a", "b", " "])
    assert seen == ["a", "b"]  # checked as read: what came before was already handed on
    seen.clear()
    await drain(["a", "b", "a"])  # repeats are found batch by batch (KeyBatch), not here
    assert seen == ["a", "b", "a"]
    seen.clear()
    with pytest.raises(InputTypeError, match=r"data_rows\[1\]"):
        await drain(["c", 2])


def test_check_identifiers() -> None:
    assert check_identifiers(UniqueIds(["a", "b"]), "data_rows") == (IdType.DataRowId, ["a", "b"])
    assert check_identifiers(GlobalKeys(["k"]), "x") == (IdType.GlobalKey, ["k"])
    with pytest.raises(InputTypeError, match="data_rows must be UniqueIds or GlobalKeys"):
        check_identifiers(["a"], "data_rows")
    with pytest.raises(InputError, match="must not be empty"):
        check_identifiers(UniqueIds([]), "data_rows")
    with pytest.raises(InputError, match=r"data_rows\[1\]"):
        check_identifiers(GlobalKeys(["k", "k"]), "data_rows")


def test_check_override() -> None:
    assert check_override((UniqueId("a"), 3, "extra"), 0) == (UniqueId("a"), 3)
    assert check_override([GlobalKey("g"), -1], 4) == (GlobalKey("g"), -1)
    with pytest.raises(InputTypeError, match=r"data\[2\] must be"):
        check_override((UniqueId("a"),), 2)
    with pytest.raises(InputTypeError, match=r"data\[0\]: the identifier"):
        check_override(("a", 1), 0)
    with pytest.raises(InputError, match=r"data\[0\] priority"):
        check_override((UniqueId("a"), 2**31), 0)


def test_consensus_settings() -> None:
    wire = {"numberOfLabels": 3, "coveragePercentage": 0.1}
    coerced = ConsensusSettings.coerce({"number_of_labels": 3, "coverage_percentage": 0.1})
    assert coerced.to_wire() == wire
    assert ConsensusSettings.coerce(coerced) is coerced
    for bad in (
        {"number_of_labels": 3},
        {"number_of_labels": 0, "coverage_percentage": 0.1},
        {"number_of_labels": 3, "coverage_percentage": 1.5},
        {"number_of_labels": "3", "coverage_percentage": 0.1},
        {"number_of_labels": 3, "coverage_percentage": 0.1, "labels": 2},
    ):
        with pytest.raises(InputError, match="consensus_settings"):
            ConsensusSettings.coerce(bad)
    with pytest.raises(InputTypeError, match="consensus_settings"):
        ConsensusSettings.coerce((3, 0.1))


@pytest.mark.parametrize(
    ("modes", "flags", "expected"),
    [
        (
            {QualityMode.Benchmark, QualityMode.Consensus},
            {},
            {"auto_audit_percentage": 0, "auto_audit_number_of_labels": 3}
            | {"is_benchmark_enabled": True, "is_consensus_enabled": True},
        ),
        (
            {QualityMode.Benchmark},
            {"is_consensus_enabled": True},
            {"auto_audit_percentage": 1, "auto_audit_number_of_labels": 1}
            | {"is_benchmark_enabled": True, "is_consensus_enabled": False},
        ),
        (
            {QualityMode.Consensus},
            {},
            {"auto_audit_percentage": 0, "auto_audit_number_of_labels": 3}
            | {"is_benchmark_enabled": False, "is_consensus_enabled": True},
        ),
        (None, {"is_benchmark_enabled": True}, {"is_benchmark_enabled": True}),
        (set(), {}, {}),
    ],
)
def test_project_input_quality_modes(
    modes: set[QualityMode] | None, flags: dict[str, bool], expected: dict[str, Any]
) -> None:
    checked = _ProjectInput(
        name="p",
        media_type=MediaType.Image,
        quality_modes=None if modes is None else frozenset(modes),
        **flags,
    )
    fields = checked.fields()
    assert fields == {"name": "p", "media_type": MediaType.Image} | expected
    assert list(fields)[:2] == ["name", "media_type"]


def test_project_input_refusals() -> None:
    with pytest.raises(ValueError, match="name"):
        _ProjectInput(name=" ", media_type=MediaType.Image)
    with pytest.raises(ValueError, match="media type"):
        _ProjectInput(name="p", media_type="PICTURE")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="media type"):
        _ProjectInput(name="p", media_type=MediaType.Unsupported)
    with pytest.raises(ValueError, match="extra"):
        _ProjectInput(name="p", media_type=MediaType.Image, auto_audit_percentage=1)  # type: ignore[call-arg]
    assert _ProjectInput(name="p", media_type="image").media_type is MediaType.Image  # type: ignore[arg-type]


async def test_update_refuses_before_using_the_client() -> None:
    project = Project.from_wire(None, canned.project())  # unbound: any request would fail
    for kwargs, match in [
        ({"colour": "red"}, "colour"),
        ({"created_at": datetime(2024, 1, 1)}, "created_at"),
        ({"setup_complete": datetime(2024, 1, 1)}, "time zone"),
        ({"media_type": "PICTURE"}, "media_type"),
        ({"deleted": True}, "deleted"),
        ({}, "at least one"),
    ]:
        with pytest.raises(InputError, match=match):
            await project.update(**kwargs)


def test_models_parse_the_official_selections() -> None:
    project = Project.from_wire(None, canned.project(allowedMediaType="VIDEO"))
    assert (project.uid, project.media_type, project.auto_audit_number_of_labels) == (
        "proj1",
        MediaType.Video,
        3,
    )
    batch = Batch._parse(
        None, "proj1", canned.batch(consensusSettingsJson={"numberOfLabels": 2}), ["x"]
    )
    assert (batch.project_id, batch.consensus_settings, batch.failed_data_row_ids) == (
        "proj1",
        {"numberOfLabels": 2},
        ["x"],
    )
    lpo = LabelingParameterOverride.from_wire(
        None, {"id": "l", "priority": 2, "numberOfLabels": 1, "dataRow": canned.data_row()}
    )
    assert (lpo.priority, lpo.number_of_labels, lpo.cached_data_row.uid) == (2, 1, "dr1")
    queue = TaskQueue.from_wire(None, canned.task_queue())
    assert (queue.queue_type, queue.data_row_count) == ("INITIAL_LABELING_QUEUE", 0)
    member = ProjectMember.from_wire(
        None,
        {
            "id": "m",
            "user": canned.user(),
            "role": {"id": "r", "name": "LABELER"},
            "accessFrom": "PROJECT_MEMBERSHIP",
        },
    )
    assert (member.cached_user.uid, member.cached_role.name, member.access_from) == (
        "user1",
        "LABELER",
        "PROJECT_MEMBERSHIP",
    )


def test_project_where_dsl() -> None:
    clause = (Project.name == "x") & (Project.media_type != MediaType.Video)
    assert clause == And(Comparison("name", Op.EQ, "x"), Comparison("media_type", Op.NE, "VIDEO"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=6), max_size=40), st.integers(0, 1_000))
def test_a_batch_refuses_exactly_its_first_repeated_key(keys: list[str], start: int) -> None:
    from aiolabel._bulk.keys import KeyBatch

    batch = KeyBatch(start)
    for key in keys:
        batch.add(key)
    first_repeat = next((i for i, k in enumerate(keys) if k in keys[:i]), None)
    if first_repeat is None:
        assert json.loads(batch.close("global_keys").text) == keys
    else:
        with pytest.raises(InputError, match=re.escape(f"global_keys[{start + first_repeat}]")):
            batch.close("global_keys")


def test_equal_hashes_of_different_keys_are_not_a_repeat(monkeypatch: pytest.MonkeyPatch) -> None:
    import aiolabel._bulk.keys as batch_create

    monkeypatch.setattr(batch_create, "hash", lambda key: 7, raising=False)  # every key collides
    batch = batch_create.KeyBatch(0)
    for key in ("a", "b", "c"):
        batch.add(key)
    assert json.loads(batch.close("data_rows").text) == ["a", "b", "c"]
    repeated = batch_create.KeyBatch(5)
    for key in ("a", "b", "c", "b"):
        repeated.add(key)
    with pytest.raises(InputError, match=r"data_rows\[8\]: 'b' appears more than once"):
        repeated.close("data_rows")


def test_an_unchecked_batch_keeps_no_hashes_and_refuses_nothing() -> None:
    from aiolabel._bulk.keys import KeyBatch

    batch = KeyBatch(0, check=False)  # a list's batch: the list was checked whole
    for key in ("a", "b", "a"):
        batch.add(key)
    assert batch._hashes is None
    assert json.loads(batch.close("global_keys").text) == ["a", "b", "a"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=8), min_size=1, max_size=30))
def test_a_list_batch_is_encoded_as_a_streamed_batch_is(keys: list[str]) -> None:
    """A list's batch (encoded in one call) and a stream's (key by key) carry the same bytes,
    which are json.dumps's compact text: control characters, quotes, non-ASCII, U+2028 alike."""
    from aiolabel._bulk.keys import KeyBatch, encode_keys

    streamed = KeyBatch(0, check=False)
    for key in keys:
        streamed.add(key)
    expected = json.dumps(keys, ensure_ascii=False, separators=(",", ":")).encode()
    assert encode_keys(keys, "data_rows").text == streamed.close("data_rows").text == expected


def test_a_key_no_utf8_can_hold_is_refused_by_its_position() -> None:
    from aiolabel._bulk.keys import ListBatches, encode_keys

    with pytest.raises(InputError, match=r"global_keys\[7\]: 'x\\ud800' is not valid Unicode"):
        encode_keys(["ok", "x\ud800"], "global_keys", start=6)  # a lone surrogate
    assert encode_keys(["ok", "é"], "global_keys").text == '["ok","é"]'.encode()
    for at_once in (True, False):  # either way, before any batch is handed out
        with pytest.raises(InputError, match=r"data_rows\[4\]: "):
            ListBatches(["a", "b", "c", "d", "\udfff", "é"], 3, "data_rows", at_once=at_once)


@pytest.mark.parametrize("at_once", [True, False])
async def test_list_batches_hold_the_keys_as_checked(at_once: bool) -> None:
    """Encoded now (every batch starts at once: the keys are not kept) or as each batch starts
    (from a copy): either way the batches are the list as it was when the job began."""
    from aiolabel._bulk.keys import ListBatches

    keys = [f"k{i}" for i in range(7)]
    batches = ListBatches(keys, 3, "data_rows", at_once=at_once)
    assert batches.count == 3
    assert (batches._keys is None) is at_once
    keys.clear()
    got = [(b.index, b.start, b.count, b.key_list()) async for b in batches]
    assert got == [
        (0, 0, 3, ["k0", "k1", "k2"]),
        (1, 3, 3, ["k3", "k4", "k5"]),
        (2, 6, 1, ["k6"]),
    ]
    assert batches.unread() == []
