"""What aiolabel's catalog methods send, against what the official SDK sends for the same call.

Each case runs one call through the official ``labelbox.Client`` (offline recorder) and the same
call through ``AsyncClient`` (a recorder transport with the same canned answers), then compares
the two request lists: operation names, endpoints, documents and variables, up to the document
differences of ``differences.DOCUMENT_DIFFERENCES``. Round trips a case leaves out of the
comparison (``ignore``) must be named by a ``CallDifference`` of ``differences.CALL_DIFFERENCES``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import labelbox as lb
import pytest
from labelbox.schema.data_row_metadata import DataRowMetadata as LbDataRowMetadata
from labelbox.schema.data_row_metadata import DataRowMetadataField as LbField
from labelbox.schema.data_row_metadata import DataRowMetadataKind as LbKind
from labelbox.schema.data_row_metadata import DeleteDataRowMetadata as LbDelete
from labelbox.schema.identifiable import GlobalKey as LbGlobalKey
from labelbox.schema.identifiable import UniqueId as LbUniqueId

from aiolabel import AsyncClient
from aiolabel._operations import tasks as task_ops
from aiolabel.enums import DataRowMetadataKind
from aiolabel.identifiers import GlobalKey, GlobalKeys, UniqueId
from aiolabel.models.data_row import DataRow
from aiolabel.models.dataset import Dataset, IAMIntegration
from aiolabel.models.metadata import (
    DataRowMetadata,
    DataRowMetadataField,
    DeleteDataRowMetadata,
)
from tests.wire import canned
from tests.wire.compare import assert_same_calls
from tests.wire.differences import CALL_DIFFERENCES
from tests.wire.recorder import API_KEY, ENDPOINT, RecordedRequest, Recorder, recording_client

pytestmark = pytest.mark.filterwarnings("ignore:Automatic generation:DeprecationWarning")

TAG = "cko8s9r5v0001h2dk9elqdidh"


@dataclass
class Case:
    id: str
    official: Callable[[Any, Recorder], Any]
    ours: Callable[[AsyncClient, Recorder], Awaitable[Any]]
    ignore: tuple[str, ...] = ()
    difference: str | None = None
    """The ``CallDifference.method`` that explains ``ignore`` (required when ignoring)."""
    script: Callable[[Recorder], None] | None = None
    sort: bool = False
    """Concurrent requests: pair requests of one name by their variables, not their order."""
    check: Callable[[list[RecordedRequest], list[RecordedRequest]], None] | None = None


def off_dataset(c: Any, rec: Recorder) -> Any:
    ds = c.get_dataset("ds1")
    rec.clear()
    return ds


def off_row(c: Any, rec: Recorder) -> Any:
    row = c.get_data_row("dr1")
    rec.clear()
    return row


def off_ontology(c: Any, rec: Recorder) -> Any:
    mdo = c.get_data_row_metadata_ontology()
    rec.clear()
    return mdo


def our_dataset(c: AsyncClient) -> Dataset:
    return Dataset.from_wire(c, canned.dataset())


def our_row(c: AsyncClient) -> DataRow:
    return DataRow.from_wire(c, canned.data_row())


async def our_ontology(c: AsyncClient, rec: Recorder) -> Any:
    mdo = await c.get_data_row_metadata_ontology()
    rec.clear()
    return mdo


async def collect(iterator: Any) -> list[Any]:
    return [x async for x in iterator]


ITEMS = [
    {
        "row_data": "https://x/y.jpg",
        "global_key": "gk1",
        "external_id": "e1",
        "metadata_fields": [
            {"schema_id": TAG, "value": "hello"},
            {"name": "split", "value": "train"},
        ],
        "attachments": [{"type": "RAW_TEXT", "value": "hi", "name": "a"}],
        "media_type": "IMAGE",
    },
    {"row_data": "https://x/z.jpg"},
]


def _items() -> list[dict[str, Any]]:
    return json.loads(json.dumps(ITEMS))  # the official SDK changes the dicts it is given


def same_files(official: list[RecordedRequest], ours: list[RecordedRequest]) -> None:
    """The descriptor file holds the same specs (the official SDK orders them as its threads
    finish; aiolabel in input order) and the manifest is the same bytes."""
    theirs = [r.part("1").content for r in official if r.operation_name == "UploadFile"]
    mine = [r.part("1").content for r in ours if r.operation_name == "UploadFile"]
    assert len(theirs) == len(mine) == 2
    assert len(theirs[0]) == len(mine[0])
    key = lambda spec: json.dumps(spec, sort_keys=True)  # noqa: E731
    assert sorted(json.loads(theirs[0]), key=key) == sorted(json.loads(mine[0]), key=key)
    assert theirs[1] == mine[1]


CASES = [
    # -- client: datasets ----------------------------------------------------------------------
    Case(
        "create_dataset/cheap",
        lambda c, r: c.create_dataset(iam_integration=None, name="ds", description="d"),
        lambda c, r: c.create_dataset("ds", "d", iam_integration=None),
    ),
    Case(
        "create_dataset/default_iam",
        lambda c, r: c.create_dataset(name="ds"),
        lambda c, r: c.create_dataset("ds"),
        ignore=("GetOrganizationPyApi",),
        difference="Client.create_dataset",
    ),
    Case(
        "create_dataset/explicit_iam",
        lambda c, r: c.create_dataset(
            name="ds", iam_integration=lb.IAMIntegration(c, canned.iam_integration())
        ),
        lambda c, r: c.create_dataset(
            "ds", iam_integration=IAMIntegration.from_wire(c, canned.iam_integration())
        ),
    ),
    Case("get_dataset", lambda c, r: c.get_dataset("ds1"), lambda c, r: c.get_dataset("ds1")),
    Case(
        "get_datasets",
        lambda c, r: list(c.get_datasets(where=lb.Dataset.name == "ds")),
        lambda c, r: collect(c.get_datasets(where=Dataset.name == "ds")),
    ),
    # -- client: data rows, global keys --------------------------------------------------------
    Case(
        "get_data_row",
        lambda c, r: c.get_data_row("dr1"),
        lambda c, r: c.get_data_row("dr1"),
        ignore=("GetMetadataOntologyBetaPyApi",),
        difference="Client.get_data_row / get_data_row_by_global_key / Dataset.data_rows "
        "(first DataRow of a client)",
    ),
    Case(
        "get_data_row_by_global_key",
        lambda c, r: c.get_data_row_by_global_key("gk1"),
        lambda c, r: c.get_data_row_by_global_key("gk1"),
        ignore=("GetMetadataOntologyBetaPyApi",),
        difference="Client.get_data_row / get_data_row_by_global_key / Dataset.data_rows "
        "(first DataRow of a client)",
    ),
    Case(
        "get_data_row_ids_for_global_keys",
        lambda c, r: c.get_data_row_ids_for_global_keys(["gk1", "gk2"]),
        lambda c, r: c.get_data_row_ids_for_global_keys(GlobalKeys(["gk1", "gk2"])),
    ),
    Case(
        "assign_global_keys_to_data_rows",
        lambda c, r: c.assign_global_keys_to_data_rows(
            [{"data_row_id": "dr1", "global_key": "gk1"}, {"data_row_id": "dr2", "global_key": "k"}]
        ),
        lambda c, r: c.assign_global_keys_to_data_rows(
            [{"data_row_id": "dr1", "global_key": "gk1"}, {"data_row_id": "dr2", "global_key": "k"}]
        ),
    ),
    Case(
        "clear_global_keys",
        lambda c, r: c.clear_global_keys(["gk1"]),
        lambda c, r: c.clear_global_keys(["gk1"]),
    ),
    Case(
        "get_data_row_ids_for_external_ids",
        lambda c, r: c.get_data_row_ids_for_external_ids([f"e{i}" for i in range(250)]),
        lambda c, r: c.get_data_row_ids_for_external_ids([f"e{i}" for i in range(250)]),
        sort=True,
    ),
    Case(
        "get_data_row_metadata_ontology",
        lambda c, r: c.get_data_row_metadata_ontology(),
        lambda c, r: c.get_data_row_metadata_ontology(),
    ),
    # -- dataset -------------------------------------------------------------------------------
    Case(
        "dataset.create_data_rows",
        lambda c, r: off_dataset(c, r).create_data_rows(_items()),
        lambda c, r: our_dataset(c).create_data_rows(_items()),
        ignore=("GetUserPyApi",),
        difference="Dataset.create_data_rows / upsert_data_rows",
        check=same_files,
    ),
    Case(
        "dataset.upsert_data_rows",
        lambda c, r: off_dataset(c, r).upsert_data_rows(
            [
                {"key": LbGlobalKey("gk1"), "external_id": "new"},
                {"key": LbUniqueId("dr1"), "global_key": "gk9"},
                {"row_data": "https://x/n.jpg"},
            ]
        ),
        lambda c, r: our_dataset(c).upsert_data_rows(
            [
                {"key": GlobalKey("gk1"), "external_id": "new"},
                {"key": UniqueId("dr1"), "global_key": "gk9"},
                {"row_data": "https://x/n.jpg"},
            ]
        ),
        ignore=("GetUserPyApi",),
        difference="Dataset.create_data_rows / upsert_data_rows",
        check=same_files,
    ),
    Case(
        "dataset.create_data_row",
        lambda c, r: off_dataset(c, r).create_data_row(row_data="https://x/1.jpg", global_key="g"),
        lambda c, r: our_dataset(c).create_data_row(row_data="https://x/1.jpg", global_key="g"),
        ignore=(
            "GetUserPyApi",
            "GetUserCreatedTasksPyApi",
            "FailedDataRowImportsPyApi",
            "GetMetadataOntologyBetaPyApi",
        ),
        difference="Dataset.create_data_row",
    ),
    Case(
        "dataset.data_rows",
        lambda c, r: list(off_dataset(c, r).data_rows()),
        lambda c, r: collect(our_dataset(c).data_rows()),
        ignore=("GetMetadataOntologyBetaPyApi",),
        difference="Client.get_data_row / get_data_row_by_global_key / Dataset.data_rows "
        "(first DataRow of a client)",
    ),
    Case(
        "dataset.data_rows_for_external_id",
        lambda c, r: off_dataset(c, r).data_rows_for_external_id("e1", limit=3),
        lambda c, r: our_dataset(c).data_rows_for_external_id("e1", limit=3),
        ignore=("GetMetadataOntologyBetaPyApi",),
        difference="Client.get_data_row / get_data_row_by_global_key / Dataset.data_rows "
        "(first DataRow of a client)",
    ),
    Case(
        "dataset.export",
        lambda c, r: off_dataset(c, r).export(params={"metadata_fields": True}),
        lambda c, r: our_dataset(c).export(params={"metadata_fields": True}),
        ignore=("GetUserPyApi", "GetUserCreatedTasksPyApi"),
        difference="Dataset.export / DataRow.export",
    ),
    Case(
        "dataset.export/filters",
        lambda c, r: off_dataset(c, r).export(
            task_name="t",
            filters={
                "last_activity_at": ["2024-01-01", "2024-02-01 10:00:00"],
                "global_keys": ["gk1", "gk2"],
            },
        ),
        lambda c, r: our_dataset(c).export(
            task_name="t",
            filters={
                "last_activity_at": ("2024-01-01", "2024-02-01 10:00:00"),
                "global_keys": ["gk1", "gk2"],
            },
        ),
        ignore=("GetUserPyApi", "GetUserCreatedTasksPyApi"),
        difference="Dataset.export / DataRow.export",
    ),
    Case(
        "dataset.update",
        lambda c, r: off_dataset(c, r).update(name="n", description="d"),
        lambda c, r: our_dataset(c).update(name="n", description="d"),
    ),
    Case(
        "dataset.delete",
        lambda c, r: off_dataset(c, r).delete(),
        lambda c, r: our_dataset(c).delete(),
    ),
    # -- data row ------------------------------------------------------------------------------
    Case(
        "data_row.update",
        lambda c, r: off_row(c, r).update(external_id="e", global_key="g"),
        lambda c, r: our_row(c).update(external_id="e", global_key="g"),
    ),
    Case(
        "data_row.delete",
        lambda c, r: off_row(c, r).delete(),
        lambda c, r: our_row(c).delete(),
    ),
    Case(
        "DataRow.bulk_delete",
        lambda c, r: lb.DataRow.bulk_delete(
            [lb.DataRow(c, canned.data_row(id=f"dr{i}")) for i in range(3)]
        ),
        lambda c, r: DataRow.bulk_delete(
            [DataRow.from_wire(c, canned.data_row(id=f"dr{i}")) for i in range(3)]
        ),
        ignore=("GetMetadataOntologyBetaPyApi",),
        difference="Client.get_data_row / get_data_row_by_global_key / Dataset.data_rows "
        "(first DataRow of a client)",
    ),
    Case(
        "data_row.create_attachment",
        lambda c, r: off_row(c, r).create_attachment("RAW_TEXT", "hello", "nm"),
        lambda c, r: our_row(c).create_attachment("RAW_TEXT", "hello", "nm"),
    ),
    Case(
        "data_row.attachments",
        lambda c, r: list(off_row(c, r).attachments()),
        lambda c, r: collect(our_row(c).attachments()),
    ),
    Case(
        "attachment.update",
        lambda c, r: next(iter(off_row(c, r).attachments())).update(name="n2", value="v2"),
        lambda c, r: _attachment_then(c, r, lambda a: a.update(name="n2", value="v2")),
    ),
    Case(
        "attachment.delete",
        lambda c, r: next(iter(off_row(c, r).attachments())).delete(),
        lambda c, r: _attachment_then(c, r, lambda a: a.delete()),
    ),
    Case(
        "data_row.dataset",
        lambda c, r: off_row(c, r).dataset(),
        lambda c, r: our_row(c).dataset(),
    ),
    Case(
        "DataRow.export/ids",
        lambda c, r: lb.DataRow.export(c, data_rows=["dr1", "dr2"], task_name="t"),
        lambda c, r: DataRow.export(c, data_rows=["dr1", "dr2"], task_name="t"),
        ignore=("GetUserPyApi", "GetUserCreatedTasksPyApi"),
        difference="Dataset.export / DataRow.export",
    ),
    Case(
        "DataRow.export/global_keys",
        lambda c, r: lb.DataRow.export(c, global_keys=["gk1"], params={"attachments": True}),
        lambda c, r: DataRow.export(c, global_keys=["gk1"], params={"attachments": True}),
        ignore=("GetUserPyApi", "GetUserCreatedTasksPyApi"),
        difference="Dataset.export / DataRow.export",
    ),
    # -- metadata ------------------------------------------------------------------------------
    Case(
        "metadata.bulk_upsert",
        lambda c, r: off_ontology(c, r).bulk_upsert(
            [
                LbDataRowMetadata(
                    data_row_id=f"dr{i}", fields=[LbField(schema_id=TAG, value=f"v{i}")]
                )
                for i in range(120)
            ]
            + [LbDataRowMetadata(global_key="gk1", fields=[LbField(name="split", value="train")])]
        ),
        lambda c, r: _ontology_then(
            c,
            r,
            lambda o: o.bulk_upsert(
                [
                    DataRowMetadata(
                        data_row_id=f"dr{i}",
                        fields=[DataRowMetadataField(schema_id=TAG, value=f"v{i}")],
                    )
                    for i in range(120)
                ]
                + [
                    DataRowMetadata(
                        global_key="gk1", fields=[DataRowMetadataField(name="split", value="train")]
                    )
                ]
            ),
        ),
        sort=True,
    ),
    Case(
        "metadata.bulk_delete",
        lambda c, r: off_ontology(c, r).bulk_delete(
            [LbDelete(data_row_id=f"dr{i}", fields=[TAG]) for i in range(60)]
            + [LbDelete(data_row_id=LbGlobalKey("gk1"), fields=[TAG])]
        ),
        lambda c, r: _ontology_then(
            c,
            r,
            lambda o: o.bulk_delete(
                [DeleteDataRowMetadata(data_row_id=f"dr{i}", fields=[TAG]) for i in range(60)]
                + [DeleteDataRowMetadata(data_row_id=GlobalKey("gk1"), fields=[TAG])]
            ),
        ),
        sort=True,
    ),
    Case(
        "metadata.bulk_export",
        lambda c, r: off_ontology(c, r).bulk_export([f"dr{i}" for i in range(70)]),
        lambda c, r: _ontology_then(c, r, lambda o: o.bulk_export([f"dr{i}" for i in range(70)])),
        sort=True,
    ),
    Case(
        "metadata.update_schema",
        lambda c, r: off_ontology(c, r).update_schema("colour", "color"),
        lambda c, r: _ontology_then(c, r, lambda o: o.update_schema("colour", "color")),
        script=lambda r: _custom_schemas(r),
    ),
    Case(
        "metadata.update_enum_option",
        lambda c, r: off_ontology(c, r).update_enum_option("colour", "red", "crimson"),
        lambda c, r: _ontology_then(
            c, r, lambda o: o.update_enum_option("colour", "red", "crimson")
        ),
        script=lambda r: _custom_schemas(r),
    ),
    Case(
        "metadata.delete_schema",
        lambda c, r: off_ontology(c, r).delete_schema("colour"),
        lambda c, r: _ontology_then(c, r, lambda o: o.delete_schema("colour")),
        script=lambda r: _custom_schemas(r),
    ),
    Case(
        "dataset.relationships",
        lambda c, r: (
            off_dataset(c, r).created_by(),
            c.get_dataset("ds1").organization(),
            c.get_dataset("ds1").iam_integration(),
        ),
        lambda c, r: _all(
            our_dataset(c).created_by(),
            our_dataset(c).organization(),
            our_dataset(c).iam_integration(),
            c.get_dataset("ds1"),
            c.get_dataset("ds1"),
        ),
    ),
    Case(
        "data_row.relationships",
        lambda c, r: (off_row(c, r).organization(), c.get_data_row("dr1").created_by()),
        lambda c, r: _all(
            our_row(c).organization(), c.get_data_row("dr1"), our_row(c).created_by()
        ),
    ),
    Case(
        "metadata.create_schema",
        lambda c, r: off_ontology(c, r).create_schema("colour", LbKind.enum, ["red", "blue"]),
        lambda c, r: _ontology_then(
            c, r, lambda o: o.create_schema("colour", DataRowMetadataKind.enum, ["red", "blue"])
        ),
        script=lambda r: r.respond_always(
            "UpsertCustomMetadataSchemaPyApi",
            {
                "upsertCustomMetadataSchema": {
                    "id": "cs1aaaaaaaaaaaaaaaaaaaaaa",
                    "name": "colour",
                    "kind": "CustomMetadataEnum",
                    "options": [
                        {
                            "id": "co1aaaaaaaaaaaaaaaaaaaaaa",
                            "name": "red",
                            "kind": "CustomMetadataEnumOption",
                        },
                        {
                            "id": "co2aaaaaaaaaaaaaaaaaaaaaa",
                            "name": "blue",
                            "kind": "CustomMetadataEnumOption",
                        },
                    ],
                }
            },
        ),
    ),
]


COLOUR = {
    "id": "cs1aaaaaaaaaaaaaaaaaaaaaa",
    "name": "colour",
    "kind": "CustomMetadataEnum",
    "reserved": False,
    "options": [
        {
            "id": "co1aaaaaaaaaaaaaaaaaaaaaa",
            "kind": "CustomMetadataEnumOption",
            "name": "red",
            "reserved": False,
        },
        {
            "id": "co2aaaaaaaaaaaaaaaaaaaaaa",
            "kind": "CustomMetadataEnumOption",
            "name": "blue",
            "reserved": False,
        },
    ],
}


def _custom_schemas(rec: Recorder) -> None:
    rec.respond_always(
        "GetMetadataOntologyBetaPyApi",
        {"customMetadataOntology": [*canned.METADATA_ONTOLOGY, COLOUR]},
    )
    rec.respond_always(
        "UpsertCustomMetadataSchemaPyApi",
        {"upsertCustomMetadataSchema": {k: v for k, v in COLOUR.items() if k != "reserved"}},
    )
    rec.respond_always(
        "DeleteCustomMetadataSchemaPyApi", {"deleteCustomMetadataSchema": {"success": True}}
    )


async def _all(*calls: Awaitable[Any]) -> list[Any]:
    return [await call for call in calls]


async def _attachment_then(c: AsyncClient, rec: Recorder, then: Callable[[Any], Any]) -> Any:
    [attachment] = await collect(our_row(c).attachments())
    return await then(attachment)


async def _ontology_then(c: AsyncClient, rec: Recorder, then: Callable[[Any], Any]) -> Any:
    return await then(await our_ontology(c, rec))


def _sorted(requests: Sequence[RecordedRequest]) -> list[RecordedRequest]:
    return sorted(
        requests,
        key=lambda r: (r.operation_name or "", json.dumps(r.variables, sort_keys=True)),
    )


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_same_calls_as_the_official_sdk(case: Case) -> None:
    with recording_client() as (official, theirs):
        if case.script is not None:
            case.script(theirs)
        case.official(official, theirs)
    official_requests = list(theirs.requests)
    assert not theirs.unscripted, theirs.unscripted

    ours = Recorder()
    if case.script is not None:
        case.script(ours)
    async with AsyncClient(
        api_key=API_KEY, endpoint=ENDPOINT, transport=ours.httpx_transport()
    ) as client:
        await case.ours(client, ours)
    our_requests = list(ours.requests)
    assert not ours.unscripted, ours.unscripted

    if case.ignore:
        assert case.difference in {d.method for d in CALL_DIFFERENCES}, case.difference
    pick = _sorted if case.sort else list
    assert_same_calls(pick(official_requests), pick(our_requests), ignore=case.ignore)
    if case.check is not None:
        case.check(official_requests, our_requests)


async def test_create_data_row_asks_for_errors_once() -> None:
    ours = Recorder()
    async with AsyncClient(
        api_key=API_KEY, endpoint=ENDPOINT, transport=ours.httpx_transport()
    ) as c:
        await our_dataset(c).create_data_row(row_data="https://x/1.jpg")
    assert ours.names().count("FailedDataRowImportsPyApi") == 1
    assert "GetMetadataOntologyBetaPyApi" not in ours.names()


async def test_our_task_lookup_is_the_get_task_by_id_document() -> None:
    ours = Recorder()
    async with AsyncClient(
        api_key=API_KEY, endpoint=ENDPOINT, transport=ours.httpx_transport()
    ) as c:
        await our_dataset(c).export()
        await our_dataset(c).export()
    lookups = ours.graphql("GetUserCreatedTasksPyApi")
    assert [r.query for r in lookups] == [task_ops.GET_USER_CREATED_TASKS.document] * 2
    assert ours.names().count("GetUserPyApi") == 1  # cached per client
    with recording_client() as (official, theirs):
        official.get_task_by_id("task1")
    assert theirs.last("GetUserCreatedTasksPyApi").query is not None
    assert_same_calls(
        [theirs.last("GetUserCreatedTasksPyApi")], [lookups[0]], compare_variables=False
    )


async def test_large_inputs_split_into_tasks_of_the_same_shape() -> None:
    ours = Recorder()
    items = [{"row_data": f"https://x/{i}.jpg"} for i in range(25)]
    async with AsyncClient(
        api_key=API_KEY, endpoint=ENDPOINT, transport=ours.httpx_transport()
    ) as c:
        task = await our_dataset(c).create_data_rows(items, _items_per_task=10)
    assert len(task.tasks) == 3
    uploads = ours.graphql("UploadFile")
    urls = {id(r): f"{ours.state.file_base}upload{n}" for n, r in enumerate(uploads, 1)}
    manifests = [r for r in uploads if r.part("1").filename == "manifest.json"]
    files = [r for r in uploads if r.part("1").filename == "json_import.json"]
    assert len(manifests) == len(files) == 3
    assert all(r.part("1").content_type == "application/json" for r in uploads)
    bodies = [json.loads(r.part("1").content) for r in manifests]
    assert sorted(b["item_count"] for b in bodies) == [5, 10, 10]
    assert sorted(u for b in bodies for u in b["chunk_uris"]) == sorted(urls[id(r)] for r in files)
    upserts = ours.graphql("UpsertDataRowsPyApi")
    assert sorted(r.variables["manifestUri"] for r in upserts) == sorted(
        urls[id(r)] for r in manifests
    )
    specs = [s for r in files for s in json.loads(r.part("1").content)]
    assert sorted(s["payload"]["row_data"] for s in specs) == sorted(i["row_data"] for i in items)
