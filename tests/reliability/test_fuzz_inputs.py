"""Input fuzzing of the public surface: for every public method of the client and the models,
hypothesis puts a bad value (wrong type, empty, out of range, malformed shape) in one argument,
the others being valid. The call must raise a typed aiolabel error (a ``LabelboxError``:
``InputError``, ``InputTypeError``...) and send nothing: the transport fails the test if used."""

from __future__ import annotations

import inspect
import math
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiolabel import AsyncClient, GlobalKey, GlobalKeys, UniqueId, UniqueIds
from aiolabel.emulator import Emulator
from aiolabel.enums import MediaType, QualityMode
from aiolabel.errors import LabelboxError
from aiolabel.models.attachment import AssetAttachment
from aiolabel.models.batch import Batch
from aiolabel.models.create_batches_task import CreateBatchesTask
from aiolabel.models.data_row import DataRow
from aiolabel.models.dataset import Dataset
from aiolabel.models.metadata import (
    DataRowMetadata,
    DataRowMetadataField,
    DataRowMetadataOntology,
    DeleteDataRowMetadata,
)
from aiolabel.models.project import Project
from aiolabel.models.task import Task

ENDPOINT = "https://api.fuzz.test/graphql"
ID = "c" + "a" * 24
TAG = "cko8s9r5v0001h2dk9elqdidh"
"""The reserved ``tag`` metadata schema."""


class Opaque:
    """Not anything the SDK knows."""

    def __repr__(self) -> str:
        return "Opaque()"


class Forbidden(httpx.AsyncBaseTransport):
    """Counts requests and fails them: no bad input may reach the network."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request.content[:300].decode(errors="replace"))
        raise AssertionError(f"a request was sent: {self.sent[-1]}")


# -- bad values by kind of argument ----------------------------------------------------------

junk = st.one_of(
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.binary(min_size=1, max_size=4),
    st.builds(Opaque),
    st.lists(st.integers(), min_size=1, max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), min_size=1, max_size=2),
)
not_str = st.one_of(junk.filter(lambda v: not isinstance(v, str)), st.none())
not_str_or_none = junk
bad_int = st.one_of(
    st.text(max_size=3),
    st.floats(),
    st.booleans(),
    st.none(),
    st.binary(max_size=2),
    st.builds(Opaque),
)
bad_opt_int = st.one_of(
    st.text(max_size=3), st.floats(), st.booleans(), st.binary(max_size=2), st.integers(max_value=0)
)
bad_positive = st.one_of(
    st.text(max_size=3),
    st.none(),
    st.booleans(),
    st.lists(st.integers(), min_size=1, max_size=2),
    st.floats(max_value=0.0),
    st.just(math.nan),
)
bad_bool = st.one_of(
    st.text(max_size=3), st.integers(), st.none(), st.floats(), st.lists(st.booleans(), min_size=1)
)
bad_callable = st.one_of(
    st.integers(), st.text(min_size=1, max_size=3), st.lists(st.integers(), min_size=1)
)
bad_mapping = st.one_of(
    st.integers(min_value=1),
    st.text(min_size=1, max_size=3),
    st.lists(st.integers(), min_size=1, max_size=2),
    st.dictionaries(st.sampled_from(["bogus", "not_a_field"]), st.integers(), min_size=1),
    st.builds(Opaque),
)
bad_id_list = st.one_of(
    st.integers(),
    st.none(),
    st.text(min_size=1, max_size=5),  # a bare string is not a list of ids
    st.binary(min_size=1, max_size=3),
    st.just([]),
    st.lists(
        st.one_of(st.integers(), st.none(), st.floats(), st.binary(min_size=1), st.builds(Opaque)),
        min_size=1,
        max_size=3,
    ),
    st.lists(st.just(""), min_size=1, max_size=2),
    st.just([ID, ID]),  # duplicates within one call
    st.dictionaries(st.text(min_size=1, max_size=2), st.integers(), min_size=1, max_size=2),
)
bad_opt_id_list = bad_id_list.filter(lambda v: v is not None)
bad_media = st.one_of(
    st.integers(),
    st.none(),
    st.lists(st.integers(), min_size=1),
    st.text(max_size=6).filter(lambda s: s.upper() not in {m.value for m in MediaType}),
)
bad_items = st.one_of(
    st.integers(),
    st.none(),
    st.text(min_size=1, max_size=3).filter(lambda s: not s.startswith("/")),
    st.just([]),
    st.lists(st.one_of(st.integers(), st.none(), st.builds(Opaque)), min_size=1, max_size=2),
    st.just([{"bogus": 1}]),
    st.just([{"row_data": 5}]),
    st.just([{"row_data": ""}]),
    st.just([{"row_data": "https://x.test/1.jpg", "media_type": "NOPE"}]),
    st.just([{"row_data": "https://x.test/1.jpg", "global_key": 7}]),
    st.just([{"row_data": "https://x.test/a.jpg", "global_key": "k"}] * 2),
    st.just(
        [{"row_data": "https://x.test/1.jpg", "attachments": [{"type": "NOPE", "value": "v"}]}]
    ),
)
bad_lpos = st.one_of(
    st.integers(),
    st.none(),
    st.text(min_size=1, max_size=3),
    st.just([]),
    st.lists(st.integers(), min_size=1, max_size=2),
    st.just([(ID, 1)]),  # a bare string is not an identifier
    st.just([(UniqueId(ID),)]),
    st.just([(UniqueId(ID), "1")]),
    st.just([(UniqueId(ID), 1.5)]),
    st.just([(UniqueId(ID), True)]),
    st.integers(min_value=2**31).map(lambda p: [(GlobalKey("k"), p)]),
    st.integers(max_value=-(2**31) - 1).map(lambda p: [(GlobalKey("k"), p)]),
    st.just([(GlobalKey("k"), 1), (GlobalKey("k"), 2)]),
)
bad_key_inputs = st.one_of(
    st.integers(),
    st.none(),
    st.text(min_size=1, max_size=3),
    st.just([]),
    st.just([{"data_row_id": 1, "global_key": "k"}]),
    st.just([{"data_row_id": ID, "global_key": None}]),
    st.just([{"bogus": "x"}]),
    st.just([{"data_row_id": ID}]),
    st.just([{"data_row_id": ID, "global_key": "a"}, {"data_row_id": ID, "global_key": "b"}]),
)
bad_sequence_of_objects = st.one_of(
    st.integers(),
    st.none(),
    st.text(min_size=1, max_size=3),
    st.lists(
        st.one_of(st.integers(), st.text(max_size=2), st.builds(Opaque)), min_size=1, max_size=2
    ),
)
bad_quality = st.one_of(
    st.integers(),
    st.text(min_size=1, max_size=4),
    st.lists(
        st.one_of(st.integers(), st.text(max_size=4)).filter(
            lambda v: v not in {m.value for m in QualityMode}
        ),
        min_size=1,
        max_size=2,
    ),
)
bad_upload = st.one_of(
    st.integers(),
    st.none(),
    st.floats(),
    st.builds(Opaque),
    st.dictionaries(st.text(max_size=2), st.integers(), min_size=1, max_size=2),
    st.lists(st.integers(), min_size=1, max_size=3),
)
bad_update_kwargs = st.one_of(
    st.just({}),
    st.dictionaries(st.sampled_from(["bogus", "uid", "created_at"]), st.integers(), min_size=1),
    st.dictionaries(st.sampled_from(["name", "description", "external_id"]), not_str, min_size=1),
    st.just({"name": ""}),
)


bad_normalized = st.one_of(
    st.integers(),
    st.none(),
    st.text(max_size=3),
    st.lists(st.integers(), max_size=2),
    st.just({"tools": [{"tool": "lasso", "name": "x"}]}),
    st.just({"tool": "lasso", "name": "x"}),
    st.just({"type": "slider", "name": "x"}),
    st.just({"tool": "line", "name": ""}),
    st.just({"type": "radio", "name": "r", "options": []}),
    st.just({"tools": [{"tool": "line", "name": "a"}, {"tool": "point", "name": "a"}]}),
)
"""Tool/classification or ontology dicts the service refuses (each also refused by the other
check: an ontology dict has neither 'tool' nor 'type', a feature dict has unknown keys)."""


BATCH_METHODS = {"create_batch", "create_batches", "create_batches_from_dataset"}


def by_annotation(method: str, name: str, annotation: str) -> st.SearchStrategy[Any]:
    """The bad values of one argument, from its name and declared type."""
    special: dict[str, st.SearchStrategy[Any]] = {
        "priority": st.one_of(
            bad_int,
            st.integers().filter(lambda p: not 1 <= p <= 5)
            if method in BATCH_METHODS
            else st.integers().filter(lambda p: not -(2**31) <= p < 2**31),
        ),
        "media_type": bad_media.filter(lambda v: v is not None)
        if "None" in annotation
        else bad_media,
        "normalized": bad_normalized,
        "feature_schema": bad_normalized,
        "ontology_kind": st.one_of(st.integers(), st.text(min_size=1), st.builds(Opaque)),
        "ontology": st.one_of(st.none(), st.integers(), st.text(), st.builds(Opaque)),
        "items": bad_items,
        "data": bad_lpos,
        "global_key_to_data_row_inputs": bad_key_inputs,
        "quality_modes": bad_quality,
        "content": bad_upload,
        "kwargs": bad_update_kwargs,
        "tasks": bad_sequence_of_objects,
        "metadata": bad_sequence_of_objects,
        "deletes": bad_sequence_of_objects,
        "unparsed": bad_sequence_of_objects,
        "metadata_fields": bad_sequence_of_objects,
        "kind": st.one_of(st.integers(), st.none(), st.text(max_size=4)),
        "variables": st.one_of(
            st.integers(),
            st.text(min_size=1),
            st.lists(st.integers(), min_size=1),
            st.builds(lambda: {"x": Opaque()}),
            st.just({"x": math.nan}),
        ),
        "where": st.one_of(
            st.integers(),
            st.text(min_size=1),
            st.dictionaries(st.text(), st.integers(), min_size=1),
        ),
        "client": st.one_of(st.integers(), st.text(min_size=1), st.builds(Opaque)),
        "iam_integration": st.one_of(
            st.integers(), st.text(min_size=1), st.lists(st.integers(), min_size=1)
        ),
        "path": st.one_of(
            st.integers(), st.none(), st.just(""), st.just("/nonexistent/aiolabel/x.jpg")
        ),
        "limit": st.one_of(bad_int, st.integers(max_value=0)),
        "external_id": not_str,  # an empty external id is a valid lookup, as officially
        "file_upload_thread_count": st.one_of(bad_int, st.integers(max_value=0)),
        "resource_tag_ids": bad_id_list.filter(lambda v: v != []),  # [] clears the tags
        "net_score": st.one_of(
            st.integers(),
            st.just("None"),
            st.text(max_size=8).filter(lambda s: s not in ("Negative", "Zero", "Positive")),
            st.lists(st.integers(), min_size=1),
        ),
        "created_by": st.one_of(st.integers(), st.just(""), st.lists(st.integers(), min_size=1)),
        "user_id": st.one_of(st.integers(), st.just(""), st.lists(st.integers(), min_size=1)),
        "datasets": st.one_of(st.integers(), st.text(min_size=1), st.builds(Opaque)),
        "order_by": st.one_of(st.integers(), st.text(min_size=1), st.builds(Opaque)),
        "toggle": bad_bool.filter(lambda v: v is not None),
        "validate": bad_bool.filter(lambda v: v is not None),
        "annotations": st.one_of(
            st.integers(),
            st.none(),
            st.just({}),
            st.just([]),
            st.just([1]),
            st.just("/nonexistent"),
        ),
        "queue_type": st.one_of(
            not_str,
            st.text(max_size=12).filter(lambda s: s not in ("LabelingQueue", "ReviewQueue")),
        ),
    }
    if method == "send_to_annotate_from_catalog":
        special["params"] = st.one_of(
            st.integers(),
            st.text(min_size=1),
            st.just({}),  # no source
            st.just({"source_project_id": "p", "source_model_run_id": "r"}),
            st.integers()
            .filter(lambda p: not 1 <= p <= 5)
            .map(lambda p: {"source_project_id": "p", "batch_priority": p}),
            st.text(max_size=8).map(
                lambda r: {"source_project_id": "p", "override_existing_annotations_rule": r}
            ),
            st.dictionaries(st.integers(), st.integers(), min_size=1),
        )
    if name in special:
        return special[name]
    kinds: list[tuple[Callable[[str], bool], st.SearchStrategy[Any]]] = [
        (lambda a: a == "str", st.one_of(not_str, st.just(""))),
        (lambda a: a == "str | None", not_str_or_none.filter(lambda v: not isinstance(v, str))),
        (lambda a: a == "int", bad_int),
        (lambda a: a == "int | None", bad_opt_int),
        (lambda a: a.startswith("float"), bad_positive),
        (lambda a: a == "bool", bad_bool),
        (lambda a: a == "bool | None", bad_bool.filter(lambda v: v is not None)),
        (lambda a: a.startswith("Progress"), bad_callable),
        (lambda a: "Mapping[str, Any] | None" in a, bad_mapping),
        (lambda a: a.endswith("| None") and ("Sequence" in a or "Iterable" in a), bad_opt_id_list),
        (lambda a: "Sequence" in a or "Iterable" in a or "UniqueIds" in a, bad_id_list),
    ]
    for matches, strategy in kinds:
        if matches(annotation):
            if "None" in annotation:  # None is a valid value of an optional argument
                return strategy.filter(lambda v: v is not None)
            return strategy
    raise KeyError(f"no bad values for {name}: {annotation}")


# -- the surface ---------------------------------------------------------------------------------


@dataclass
class World:
    client: AsyncClient
    transport: Forbidden
    objects: dict[str, Any] = field(default_factory=dict)


ONTOLOGY_RAW: list[dict[str, Any]] = []


async def world() -> World:
    transport = Forbidden()
    client = AsyncClient(api_key="k", endpoint=ENDPOINT, transport=transport, max_retries=0)
    client._user_id, client._org_id = ID, ID
    task = Task.from_wire(client, {"id": ID, "type": "adv-upsert-data-rows", "status": "COMPLETE"})
    objects = {
        "client": client,
        "project": Project.from_wire(client, {"id": ID, "name": "p"}),
        "dataset": Dataset.from_wire(client, {"id": ID, "name": "d"}),
        "data_row": DataRow.from_wire(client, {"id": ID, "rowData": "https://x.test/1.jpg"}),
        "batch": Batch._parse(client, ID, {"id": ID, "name": "b"}),
        "task": task,
        "attachment": AssetAttachment.from_wire(
            client, {"id": ID, "type": "RAW_TEXT", "value": "v"}
        ),
        "ontology": DataRowMetadataOntology(client, ONTOLOGY_RAW),
        "batches_task": CreateBatchesTask(client, ID, [ID], [task]),
        "data_row_class": DataRow,
    }
    return World(client, transport, objects)


VALID: dict[str, Any] = {
    "name": "n",
    "user_id": ID,
    "annotations": [
        {"uuid": "00000000-0000-0000-0000-000000000001", "name": "b", "dataRow": {"id": ID}}
    ],
    "new_name": "m",
    "option": "a",
    "new_option": "b",
    "name_prefix": "pre-",
    "media_type": MediaType.Image,
    "project_id": ID,
    "batch_id": ID,
    "dataset_id": ID,
    "data_row_id": ID,
    "task_id": ID,
    "global_key": "gk",
    "external_id": "e",
    "global_keys": GlobalKeys(["gk"]),
    "external_ids": ["e"],
    "query": "query Q { a }",
    "content": b"x",
    "tasks": [],
    "items": [{"row_data": "https://x.test/1.jpg"}],
    "data": [(GlobalKey("gk"), 1)],
    "data_rows": UniqueIds([ID]),
    "data_row_ids": UniqueIds([ID]),
    "priority": 3,
    "global_key_to_data_row_inputs": [{"data_row_id": ID, "global_key": "gk"}],
    "attachment_type": "RAW_TEXT",
    "attachment_value": "v",
    "kind": "CustomMetadataString",
    "unparsed": [],
    "deletes": [DeleteDataRowMetadata(data_row_id=ID, fields=[TAG])],
    "metadata": [
        DataRowMetadata(data_row_id=ID, fields=[DataRowMetadataField(schema_id=TAG, value="t")])
    ],
    "normalized": {"tools": []},
    "feature_schema": {"tool": "line", "name": "x"},
    "ontology_id": ID,
    "model_id": ID,
    "model_run_id": ID,
    "slice_id": ID,
    "destination_project_id": ID,
    "task_queue_id": ID,
    "batch_name": "b",
    "params": {"source_project_id": ID},
    "model_run_name": "r",
    "app_id": ID,
    "feature_schema_id": ID,
    "root_feature_schema_id": ID,
    "title": "t",
    "position": 0,
    "feature_schema_ids": [ID],
    "name_contains": "x",
}
"""Valid values for the required arguments that are not being fuzzed."""

# (object, method, arguments not fuzzed because any value of them is valid or they are covered
# by another argument's case)
SURFACE: list[tuple[str, str]] = [
    ("client", "assign_global_keys_to_data_rows"),
    ("client", "cancel_task"),
    ("client", "clear_global_keys"),
    ("client", "create_dataset"),
    ("client", "create_project"),
    ("client", "execute"),
    ("client", "get_batch"),
    ("client", "get_data_row"),
    ("client", "get_data_row_by_global_key"),
    ("client", "get_data_row_ids_for_external_ids"),
    ("client", "get_data_row_ids_for_global_keys"),
    ("client", "get_dataset"),
    ("client", "get_datasets"),
    ("client", "get_project"),
    ("client", "get_projects"),
    ("client", "get_task_by_id"),
    ("client", "upload_data"),
    ("client", "upload_file"),
    ("client", "wait_for_tasks"),
    ("client", "create_ontology"),
    ("client", "create_ontology_from_feature_schemas"),
    ("client", "get_ontology"),
    ("client", "get_ontologies"),
    ("client", "create_feature_schema"),
    ("client", "get_feature_schema"),
    ("client", "get_feature_schemas"),
    ("client", "upsert_feature_schema"),
    ("client", "update_feature_schema_title"),
    ("client", "insert_feature_schema_into_ontology"),
    ("client", "delete_feature_schema_from_ontology"),
    ("client", "delete_unused_feature_schema"),
    ("client", "delete_unused_ontology"),
    ("client", "get_unused_feature_schemas"),
    ("client", "get_unused_ontologies"),
    ("client", "is_feature_schema_archived"),
    ("client", "unarchive_feature_schema_node"),
    ("client", "get_labeling_frontends"),
    ("client", "create_model"),
    ("client", "get_model"),
    ("client", "get_models"),
    ("client", "get_model_run"),
    ("client", "get_catalog_slice"),
    ("client", "get_model_slice"),
    ("client", "send_to_annotate_from_catalog"),
    ("client", "build_catalog_query"),
    ("client", "run_foundry_app"),
    ("project", "create_batch"),
    ("project", "create_batches"),
    ("project", "create_batches_from_dataset"),
    ("project", "export"),
    ("project", "export_issues"),
    ("project", "export_queued_data_rows"),
    ("project", "export_v2"),
    ("project", "extend_reservations"),
    ("project", "review_metrics"),
    ("project", "update_project_resource_tags"),
    ("project", "upsert_instructions"),
    ("project", "move_data_rows_to_task_queue"),
    ("project", "set_labeling_parameter_overrides"),
    ("project", "update"),
    ("project", "update_data_row_labeling_priority"),
    ("project", "connect_ontology"),
    ("project", "setup_editor"),
    ("dataset", "create_data_row"),
    ("dataset", "create_data_rows"),
    ("dataset", "upsert_data_rows"),
    ("dataset", "data_row_for_external_id"),
    ("dataset", "data_rows_for_external_id"),
    ("dataset", "data_rows"),
    ("dataset", "export"),
    ("dataset", "export_data_rows"),
    ("dataset", "export_v2"),
    ("dataset", "update"),
    ("data_row", "create_attachment"),
    ("data_row", "update"),
    ("data_row_class", "bulk_delete"),
    ("data_row_class", "export"),
    ("batch", "delete_labels"),
    ("batch", "export"),
    ("batch", "export_data_rows"),
    ("task", "wait_till_done"),
    ("attachment", "update"),
    ("ontology", "bulk_delete"),
    ("ontology", "bulk_export"),
    ("ontology", "bulk_upsert"),
    ("ontology", "create_schema"),
    ("ontology", "delete_schema"),
    ("ontology", "get_by_name"),
    ("ontology", "parse_metadata"),
    ("ontology", "parse_metadata_fields"),
    ("ontology", "parse_upsert_metadata"),
    ("ontology", "update_enum_option"),
    ("ontology", "update_schema"),
    ("batches_task", "wait_till_done"),
    ("project", "labels"),
    ("project", "delete_labels_by_user"),
    ("project", "enable_model_assisted_labeling"),
    ("project", "upload_annotations"),
    ("project", "import_annotations"),
]
SKIP_ARGS = {"_max_chunk_bytes", "_items_per_task"}


def fuzzable(owner: str, method: str) -> list[tuple[str, str, bool]]:
    """(name, annotation, required) of the arguments of one public method."""
    target = {
        "client": AsyncClient,
        "project": Project,
        "dataset": Dataset,
        "data_row": DataRow,
        "data_row_class": DataRow,
        "batch": Batch,
        "task": Task,
        "attachment": AssetAttachment,
        "ontology": DataRowMetadataOntology,
        "batches_task": CreateBatchesTask,
    }[owner]
    out = []
    for p in inspect.signature(getattr(target, method)).parameters.values():
        if p.name in ("self", "cls") or p.name in SKIP_ARGS:
            continue
        annotation = p.annotation if isinstance(p.annotation, str) else str(p.annotation)
        out.append((p.name, annotation, p.default is inspect.Parameter.empty))
    return out


async def call(w: World, owner: str, method: str, bad_name: str, bad: Any) -> Any:
    args = fuzzable(owner, method)
    kwargs: dict[str, Any] = {}
    for name, _, required in args:
        if name == "kwargs":
            continue
        if name == bad_name:
            kwargs[name] = bad
        elif name == "client":
            kwargs[name] = w.client
        elif required:
            kwargs[name] = VALID[name]
    if method == "create_batch" and bad_name != "data_rows":
        kwargs.setdefault("global_keys", ["gk"])
    if bad_name == "kwargs":
        kwargs.update(bad)
    result = getattr(w.objects[owner], method)(**kwargs)
    if inspect.isawaitable(result):
        result = await result
    if hasattr(result, "__aiter__"):  # paginators and streams check on the first step
        iterator: AsyncIterator[Any] = result.__aiter__()
        await iterator.__anext__()
    return result


CASES = [(o, m) for o, m in SURFACE]


@pytest.fixture(scope="module", autouse=True)
def _ontology() -> None:
    """The emulator's metadata ontology, for the ontology's methods."""

    async def fetch() -> list[dict[str, Any]]:
        async with (
            Emulator() as emu,
            AsyncClient(api_key=emu.api_key, endpoint=emu.endpoint, transport=emu.transport) as c,
        ):
            return await c._metadata.fetch_raw("test")

    ONTOLOGY_RAW[:] = anyio.run(fetch)


@pytest.mark.parametrize(("owner", "method"), CASES, ids=[f"{o}.{m}" for o, m in CASES])
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_bad_input_raises_a_typed_error_and_sends_nothing(
    owner: str, method: str, data: st.DataObject
) -> None:
    args = [
        (n, a) for n, a, _ in fuzzable(owner, method) if n != "client" or owner == "data_row_class"
    ]
    if not args:
        pytest.skip("no arguments")
    name, annotation = data.draw(st.sampled_from(args), label="argument")
    bad = data.draw(by_annotation(method, name, annotation), label=name)

    async def run() -> None:
        w = await world()
        try:
            with pytest.raises(LabelboxError):
                await call(w, owner, method, name, bad)
        finally:
            await w.client.aclose()
        assert w.transport.sent == []

    anyio.run(run)


def test_the_surface_lists_every_public_method_that_takes_arguments() -> None:
    listed = set(SURFACE)
    for owner, target in (
        ("client", AsyncClient),
        ("project", Project),
        ("dataset", Dataset),
        ("batch", Batch),
        ("attachment", AssetAttachment),
        ("ontology", DataRowMetadataOntology),
    ):
        for name, fn in inspect.getmembers(target, callable):
            if name.startswith("_") or name.startswith("model_") or name in dir(Task.__base__):
                continue
            if isinstance(inspect.getattr_static(target, name), property):
                continue
            params = [p for p in inspect.signature(fn).parameters if p not in ("self", "cls")]
            if params and (owner, name) not in listed:
                raise AssertionError(f"{owner}.{name} takes arguments but is not fuzzed")
