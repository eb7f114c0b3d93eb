"""Data-row items and catalog arguments: bad input raises a typed error naming the argument, before
any request; good items become the official specs."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from aiolabel import AsyncClient
from aiolabel._bulk.specs import prepare_item
from aiolabel._operations._entities import DATA_ROW
from aiolabel._validation import InvalidItemAttribute, check_ids, where_as_dict
from aiolabel.errors import InputError, InputTypeError, InvalidAttributeError
from aiolabel.identifiers import GlobalKey, GlobalKeys, UniqueId, UniqueIds
from aiolabel.models.data_row import DataRow
from aiolabel.models.dataset import Dataset
from aiolabel.models.metadata import (
    DataRowMetadata,
    DataRowMetadataField,
    DataRowMetadataKind,
    DataRowMetadataOntology,
    DeleteDataRowMetadata,
)
from tests.unit.conftest import API_KEY, ENDPOINT

ONTOLOGY = [
    {"id": "tag", "name": "tag", "kind": "CustomMetadataString", "reserved": True, "options": []},
    {
        "id": "split",
        "name": "split",
        "kind": "CustomMetadataEnum",
        "reserved": True,
        "options": [
            {"id": "train", "name": "train", "kind": "CustomMetadataEnumOption", "reserved": True},
            {"id": "valid", "name": "valid", "kind": "CustomMetadataEnumOption", "reserved": True},
        ],
    },
    {"id": "n", "name": "score", "kind": "CustomMetadataNumber", "reserved": False},
    {"id": "t", "name": "when", "kind": "CustomMetadataDateTime", "reserved": False},
    {"id": "e", "name": "emb", "kind": "CustomMetadataEmbedding", "reserved": False},
]


class Refusing:
    """A transport that records requests; the checks under test must send none."""

    def __init__(self) -> None:
        self.sent: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return httpx.Response(500, json={"errors": [{"message": "no request expected"}]})


@pytest.fixture
async def offline() -> AsyncIterator[tuple[AsyncClient, Refusing]]:
    refusing = Refusing()
    async with AsyncClient(
        api_key=API_KEY, endpoint=ENDPOINT, transport=httpx.MockTransport(refusing)
    ) as client:
        yield client, refusing


def _ontology(client: AsyncClient | None = None) -> DataRowMetadataOntology:
    return DataRowMetadataOntology(client, ONTOLOGY)  # type: ignore[arg-type]


def _prep(raw: object, *, upsert: bool = False) -> dict[str, Any]:
    p = prepare_item(raw, 7, dataset_id="ds1", upsert=upsert, ontology=_ontology())
    return {"id": p.key, "payload": p.payload}


# -- one item -------------------------------------------------------------------------------------


def test_a_create_item_becomes_the_official_spec() -> None:
    raw = {
        "row_data": "https://x/y.jpg",
        "global_key": "gk1",
        "external_id": "e1",
        "metadata_fields": [
            {"schema_id": "tag", "value": "hello"},
            {"name": "split", "value": "train"},
        ],
        "attachments": [{"type": "RAW_TEXT", "value": "hi", "name": "a"}],
        "media_type": "IMAGE",
        "dataset_id": "other",
        "embeddings": None,
    }
    before = json.dumps(raw, sort_keys=True)
    spec = _prep(raw)
    assert spec == {
        "id": {"type": "AUTO", "value": ""},
        "payload": {
            "row_data": "https://x/y.jpg",
            "global_key": "gk1",
            "external_id": "e1",
            "metadata_fields": [
                {"schemaId": "tag", "value": "hello"},
                {"schemaId": "split", "value": {}},
                {"schemaId": "train", "value": {}},
            ],
            "attachments": [{"type": "RAW_TEXT", "value": "hi", "name": "a"}],
            "media_type": "IMAGE",
            "dataset_id": "ds1",
        },
    }
    assert json.dumps(raw, sort_keys=True) == before  # the caller's dict is untouched


def test_upsert_keys_and_field_keys() -> None:
    assert _prep({"key": GlobalKey("g"), "external_id": "n"}, upsert=True)["id"] == {
        "type": "GKEY",
        "value": "g",
    }
    assert _prep({"key": UniqueId("d"), DataRow.global_key: "g2"}, upsert=True) == {
        "id": {"type": "ID", "value": "d"},
        "payload": {"global_key": "g2", "dataset_id": "ds1"},
    }


def test_a_local_file_is_marked_for_upload(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("hi")
    p = prepare_item(str(path), 0, dataset_id="ds1", upsert=False, ontology=None)
    assert p.local_path == str(path)
    assert p.payload == {"row_data": str(path), "external_id": str(path), "dataset_id": "ds1"}


def test_legacy_conversational_data() -> None:
    spec = _prep({"conversationalData": [{"messageId": "1", "content": "hi"}], "externalId": "c"})
    assert spec["payload"]["row_data"] == {
        "type": "application/vnd.labelbox.conversational",
        "version": 1,
        "messages": [{"messageId": "1", "content": "hi"}],
    }
    assert spec["payload"]["external_id"] == "c"


@pytest.mark.parametrize(
    ("raw", "upsert", "error", "match"),
    [
        ({"row_data": "https://x", "colour": 1}, False, InvalidItemAttribute, "colour"),
        ({"external_id": "e"}, False, InputError, "row_data is required"),
        ({"row_data": ""}, False, InputError, "row_data must not be empty"),
        ({"row_data": "s3://b/k"}, False, InputError, "s3"),
        ({"row_data": 5}, False, InputTypeError, "row_data"),
        ({"row_data": "https://x", "global_key": 3}, False, InputTypeError, "global_key"),
        ({"row_data": "https://x", "global_key": ""}, False, InputError, "global_key"),
        ({"row_data": "https://x", "media_type": "HOLOGRAM"}, False, InputError, "media_type"),
        ({"row_data": "https://x", "key": GlobalKey("g")}, False, InputError, "upsert_data_rows"),
        ({"key": "g", "external_id": "e"}, True, InputTypeError, "UniqueId or a GlobalKey"),
        ({"key": GlobalKey("g")}, True, InputError, "nothing to change"),
        ({"row_data": "https://x", "attachments": {}}, False, InputTypeError, "attachments"),
        (
            {"row_data": "https://x", "attachments": [{"type": "SMELL", "value": "x"}]},
            False,
            InputError,
            "attachments\\[0\\].type",
        ),
        (
            {"row_data": "https://x", "attachments": [{"type": "RAW_TEXT", "value": ""}]},
            False,
            InputError,
            "value",
        ),
        (
            {"row_data": "https://x", "metadata_fields": [{"name": "nope", "value": 1}]},
            False,
            InputError,
            "nope",
        ),
        (
            {"row_data": "https://x", "metadata_fields": [{"name": "split", "value": "test"}]},
            False,
            InputError,
            "test",
        ),
        (
            {"row_data": "https://x", "metadata_fields": [{"name": "tag", "value": 3}]},
            False,
            InputTypeError,
            "tag",
        ),
        (
            {
                "row_data": "https://x",
                "metadata_fields": [{"name": "when", "value": datetime(2024, 1, 1)}],
            },
            False,
            InputError,
            "time zone",
        ),
        (
            {"row_data": "https://x", "metadata_fields": [{"name": "emb", "value": [1.0]}]},
            False,
            InputError,
            "128",
        ),
        ("/no/such/file.jpg", False, InputError, "does not exist"),
        (42, False, InputTypeError, "must be a dict"),
    ],
)
def test_bad_items_are_refused_naming_the_item(
    raw: object, upsert: bool, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match) as info:
        _prep(raw, upsert=upsert)
    assert "items[7]" in str(info.value)


def test_an_unknown_field_is_also_the_official_error() -> None:
    with pytest.raises(InvalidAttributeError) as info:
        _prep({"row_data": "https://x", "colour": 1})
    assert isinstance(info.value, InputError)
    assert info.value.field == {"colour"}


def test_metadata_values_are_normalised() -> None:
    ontology = _ontology()
    assert ontology.parse_upsert_metadata(
        [
            DataRowMetadataField(name="score", value="2"),
            {"schema_id": "t", "value": datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)},
            {"name": "emb", "value": [1] * 128},
        ]
    ) == [
        {"schemaId": "n", "value": 2.0},
        {"schemaId": "t", "value": "2024-01-02T03:04:05Z"},
        {"schemaId": "e", "value": [1.0] * 128},
    ]
    by_name = {"name": "when", "value": "2024-01-02T03:04:05+01:00"}
    assert ontology.parse_upsert_metadata([by_name]) == [
        {"schemaId": "t", "value": "2024-01-02T02:04:05Z"}
    ]
    twice = [{"schema_id": "t", "value": "2024-01-02T00:00:00Z"}, by_name]  # one schema, by id
    with pytest.raises(InputError, match=r"only be specified once per DataRow : \[t\]"):
        ontology.parse_upsert_metadata(twice)
    assert ontology.get_by_name("split") == {
        "train": ontology.fields_by_id["train"],
        "valid": ontology.fields_by_id["valid"],
    }
    assert [f.name for f in ontology.reserved_fields] == ["tag", "split"]
    assert [f.name for f in ontology.custom_fields] == ["score", "when", "emb"]
    with pytest.raises(KeyError):
        ontology.get_by_name("missing")


def test_parse_metadata_folds_enums_and_reads_datetimes() -> None:
    [row] = _ontology().parse_metadata(
        [
            {
                "dataRowId": "dr1",
                "globalKey": None,
                "fields": [
                    {"schemaId": "split", "value": {}},
                    {"schemaId": "train", "value": {}},
                    {"schemaId": "t", "value": "2024-01-02T03:04:05Z"},
                ],
            }
        ]
    )
    assert row.data_row_id == "dr1"
    assert [(f.schema_id, f.value, f.name) for f in row.fields] == [
        ("split", "train", "split"),
        ("t", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), "when"),
    ]


# -- argument helpers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "error", "match"),
    [
        ([], InputError, "ids must not be empty"),
        ("abc", InputTypeError, "list of str"),
        (["a", 3], InputTypeError, r"ids\[1\] must be a str"),
        (["a", " "], InputError, r"ids\[1\] must not be empty"),
        (["a", "b", "a"], InputError, r"ids\[2\]: 'a' appears more than once"),
        (GlobalKeys(["g"]), InputTypeError, "cannot be GlobalKeys"),
    ],
)
def test_check_ids(values: object, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        check_ids("ids", values, allow=UniqueIds)


def test_check_ids_accepts_identifier_lists_and_converts() -> None:
    assert check_ids("ids", UniqueIds(["a", "b"]), allow=UniqueIds) == ["a", "b"]
    assert check_ids("ids", [1, 2], convert=str) == ["1", "2"]


def test_where_as_dict() -> None:
    assert where_as_dict(DATA_ROW, DataRow.external_id == "e") == {"externalId": "e"}
    assert where_as_dict(DATA_ROW, DataRow.global_key != "g") == {"globalKey_not": "g"}
    assert where_as_dict(DATA_ROW, None) is None
    with pytest.raises(InputTypeError, match="single comparison"):
        where_as_dict(DATA_ROW, (DataRow.external_id == "e") & (DataRow.global_key == "g"))
    with pytest.raises(InputError, match="time zone"):
        where_as_dict(DATA_ROW, DataRow.created_at > datetime(2024, 1, 1))


# -- methods: refused before any request -------------------------------------------------------


def _dataset(client: AsyncClient) -> Dataset:
    return Dataset.from_wire(client, {"id": "ds1", "name": "d"})


def _row(client: AsyncClient) -> DataRow:
    return DataRow.from_wire(client, {"id": "dr1"})


Call = Callable[[AsyncClient], Any]


async def _invoke(call: Call, client: AsyncClient) -> None:
    """Run a call that raises at once (a paginator) or when awaited (a coroutine)."""
    result = call(client)
    if hasattr(result, "__await__"):
        await result


REFUSED: list[tuple[str, Call, type[Exception], str]] = [
    ("create_dataset/name", lambda c: c.create_dataset(""), InputError, "name"),
    ("create_dataset/type", lambda c: c.create_dataset(3), InputTypeError, "name"),  # type: ignore[arg-type]
    (
        "create_dataset/iam",
        lambda c: c.create_dataset("d", iam_integration="x"),  # type: ignore[arg-type]
        InputTypeError,
        "iam_integration",
    ),
    ("get_dataset", lambda c: c.get_dataset(5), InputTypeError, "dataset_id"),  # type: ignore[arg-type]
    ("get_data_row", lambda c: c.get_data_row(""), InputError, "data_row_id"),
    (
        "get_data_row_by_global_key",
        lambda c: c.get_data_row_by_global_key(None),  # type: ignore[arg-type]
        InputTypeError,
        "global_key",
    ),
    (
        "external_ids/empty",
        lambda c: c.get_data_row_ids_for_external_ids([]),
        InputError,
        "external_ids",
    ),
    (
        "external_ids/dup",
        lambda c: c.get_data_row_ids_for_external_ids(["a", "a"]),
        InputError,
        r"external_ids\[1\]",
    ),
    (
        "global_keys/type",
        lambda c: c.get_data_row_ids_for_global_keys([1]),  # type: ignore[list-item]
        InputTypeError,
        r"global_keys\[0\]",
    ),
    (
        "global_keys/unique_ids",
        lambda c: c.get_data_row_ids_for_global_keys(UniqueIds(["a"])),  # type: ignore[arg-type]
        InputTypeError,
        "global_keys",
    ),
    (
        "global_keys/timeout",
        lambda c: c.get_data_row_ids_for_global_keys(["a"], timeout_seconds=0),
        InputError,
        "timeout_seconds",
    ),
    ("clear_global_keys", lambda c: c.clear_global_keys([]), InputError, "global_keys"),
    (
        "assign/missing",
        lambda c: c.assign_global_keys_to_data_rows([{"data_row_id": "d"}]),
        InputError,
        r"inputs\[0\] needs both",
    ),
    (
        "assign/unknown",
        lambda c: c.assign_global_keys_to_data_rows(
            [{"data_row_id": "d", "global_key": "g", "sanitize": True}]
        ),
        InvalidItemAttribute,
        "sanitize",
    ),
    (
        "assign/dup-key",
        lambda c: c.assign_global_keys_to_data_rows(
            [{"data_row_id": "a", "global_key": "g"}, {"data_row_id": "b", "global_key": "g"}]
        ),
        InputError,
        r"inputs\[1\]: global key 'g'",
    ),
    (
        "assign/dup-row",
        lambda c: c.assign_global_keys_to_data_rows(
            [{"data_row_id": "a", "global_key": "g"}, {"data_row_id": "a", "global_key": "h"}]
        ),
        InputError,
        r"inputs\[1\]: data row 'a'",
    ),
    (
        "create_data_rows/empty",
        lambda c: _dataset(c).create_data_rows([]),
        InputError,
        "items must not be empty",
    ),
    (
        "create_data_rows/string",
        lambda c: _dataset(c).create_data_rows("https://x"),  # type: ignore[arg-type]
        InputTypeError,
        "items",
    ),
    (
        "create_data_rows/last-item-bad",
        lambda c: _dataset(c).create_data_rows(
            [{"row_data": f"https://x/{i}"} for i in range(50)] + [{"row_data": 1}]
        ),
        InputTypeError,
        r"items\[50\]",
    ),
    (
        "create_data_rows/dup-global-key",
        lambda c: _dataset(c).create_data_rows(
            [
                {"row_data": "https://a", "global_key": "g"},
                {"row_data": "https://b", "global_key": "g"},
            ]
        ),
        InputError,
        r"items\[1\]: global key 'g'",
    ),
    (
        "upsert_data_rows/dup-key",
        lambda c: _dataset(c).upsert_data_rows(
            [{"key": UniqueId("a"), "external_id": "1"}, {"key": UniqueId("a"), "external_id": "2"}]
        ),
        InputError,
        r"items\[1\]: key",
    ),
    (
        "create_data_rows/concurrency",
        lambda c: _dataset(c).create_data_rows([{"row_data": "https://x"}], max_concurrency=0),
        InputError,
        "max_concurrency",
    ),
    (
        "create_data_row/both",
        lambda c: _dataset(c).create_data_row({"row_data": "https://x"}, external_id="e"),
        InputError,
        "not both",
    ),
    (
        "data_rows/where",
        lambda c: _dataset(c).data_rows(where=(DataRow.external_id == "a") & (DataRow.uid == "b")),
        InputTypeError,
        "single comparison",
    ),
    (
        "data_rows_for_external_id/limit",
        lambda c: _dataset(c).data_rows_for_external_id("e", limit=0),
        InputError,
        "limit",
    ),
    (
        "dataset.update/unknown",
        lambda c: _dataset(c).update(colour="x"),
        InvalidItemAttribute,
        "colour",
    ),
    ("dataset.update/empty", lambda c: _dataset(c).update(), InputError, "name or description"),
    (
        "dataset.export/filters",
        lambda c: _dataset(c).export(filters={"data_row_ids": []}),
        InputError,
        "data_row_ids",
    ),
    (
        "dataset.export/both",
        lambda c: _dataset(c).export(filters={"data_row_ids": ["a"], "global_keys": ["b"]}),
        InputError,
        "both",
    ),
    (
        "dataset.export/naive",
        lambda c: _dataset(c).export(filters={"last_activity_at": (datetime(2024, 1, 1), None)}),
        InputError,
        "time zone",
    ),
    (
        "dataset.export/params",
        lambda c: _dataset(c).export(params={"colour": True}),
        InputError,
        "colour",
    ),
    ("data_row.update/none", lambda c: _row(c).update(), InputError, "at least one"),
    ("data_row.update/empty", lambda c: _row(c).update(external_id=""), InputError, "external_id"),
    (
        "data_row.update/unknown",
        lambda c: _row(c).update(external_id="e", colour="x"),
        InvalidItemAttribute,
        "colour",
    ),
    (
        "data_row.attachment/type",
        lambda c: _row(c).create_attachment("SMELL", "x"),
        InputError,
        "attachment_type",
    ),
    (
        "data_row.attachment/value",
        lambda c: _row(c).create_attachment("RAW_TEXT", ""),
        InputError,
        "attachment_value",
    ),
    (
        "bulk_delete/empty",
        lambda c: DataRow.bulk_delete([], client=c),
        InputError,
        "data_rows",
    ),
    (
        "bulk_delete/dup",
        lambda c: DataRow.bulk_delete([_row(c), "dr1"]),
        InputError,
        r"data_rows\[1\]",
    ),
    (
        "bulk_delete/no-client",
        lambda c: DataRow.bulk_delete(["dr1"]),
        InputError,
        "client=",
    ),
    (
        "export/both",
        lambda c: DataRow.export(c, data_rows=["a"], global_keys=["b"]),
        InputError,
        "exactly one",
    ),
    ("export/neither", lambda c: DataRow.export(c), InputError, "exactly one"),
    (
        "export/too-many",
        lambda c: DataRow.export(c, global_keys=[f"g{i}" for i in range(2001)]),
        InputError,
        "2000",
    ),
    (
        "export/keys-as-ids",
        lambda c: DataRow.export(c, data_rows=GlobalKeys(["g"])),  # type: ignore[arg-type]
        InputTypeError,
        "data_rows",
    ),
]


@pytest.mark.parametrize(("label", "call", "error", "match"), REFUSED, ids=[r[0] for r in REFUSED])
async def test_refused_before_any_request(
    offline: tuple[AsyncClient, Refusing],
    label: str,
    call: Call,
    error: type[Exception],
    match: str,
) -> None:
    client, refusing = offline
    with pytest.raises(error, match=match):
        await _invoke(call, client)
    assert refusing.sent == []


async def test_a_streamed_bad_item_stops_before_any_request(
    offline: tuple[AsyncClient, Refusing],
) -> None:
    client, refusing = offline

    def items() -> Any:
        yield {"row_data": "https://x/0"}
        yield {"row_data": "https://x/1", "colour": "red"}

    with pytest.raises(InvalidItemAttribute, match=r"items\[1\]"):
        await _dataset(client).create_data_rows(items())
    assert refusing.sent == []


METADATA_REFUSED: list[tuple[str, Call, type[Exception], str]] = [
    ("upsert/empty", lambda o: o.bulk_upsert([]), InputError, "metadata"),
    ("upsert/type", lambda o: o.bulk_upsert([{"data_row_id": "a"}]), InputTypeError, "metadata"),
    (
        "upsert/neither",
        lambda o: o.bulk_upsert([DataRowMetadata(fields=[])]),
        InputError,
        "exactly one",
    ),
    (
        "upsert/dup",
        lambda o: o.bulk_upsert(
            [DataRowMetadata(data_row_id="a"), DataRowMetadata(data_row_id="a")]
        ),
        InputError,
        r"metadata\[1\]",
    ),
    (
        "upsert/value",
        lambda o: o.bulk_upsert(
            [
                DataRowMetadata(
                    data_row_id="a", fields=[DataRowMetadataField(name="score", value="x")]
                )
            ]
        ),
        InputTypeError,
        r"metadata\[0\].fields\[0\]",
    ),
    (
        "delete/no-fields",
        lambda o: o.bulk_delete([DeleteDataRowMetadata(data_row_id="a", fields=[])]),
        InputError,
        "no fields",
    ),
    (
        "delete/dup",
        lambda o: o.bulk_delete(
            [
                DeleteDataRowMetadata(data_row_id=GlobalKey("g"), fields=["tag"]),
                DeleteDataRowMetadata(data_row_id=GlobalKey("g"), fields=["n"]),
            ]
        ),
        InputError,
        r"deletes\[1\]",
    ),
    ("export/empty", lambda o: o.bulk_export([]), InputError, "data_row_ids"),
    ("export/dup", lambda o: o.bulk_export(["a", "a"]), InputError, r"data_row_ids\[1\]"),
    (
        "create_schema/kind",
        lambda o: o.create_schema("x", "CustomMetadataString"),
        InputTypeError,
        "kind",
    ),
    (
        "create_schema/options",
        lambda o: o.create_schema("x", DataRowMetadataKind.string, ["a"]),
        InputError,
        "options",
    ),
    (
        "create_schema/name",
        lambda o: o.create_schema("x" * 101, DataRowMetadataKind.string),
        InputError,
        "name",
    ),
]


@pytest.mark.parametrize(
    ("label", "call", "error", "match"), METADATA_REFUSED, ids=[r[0] for r in METADATA_REFUSED]
)
async def test_metadata_refused_before_any_request(
    offline: tuple[AsyncClient, Refusing],
    label: str,
    call: Callable[[DataRowMetadataOntology], Any],
    error: type[Exception],
    match: str,
) -> None:
    client, refusing = offline
    with pytest.raises(error, match=match):
        await call(_ontology(client))
    assert refusing.sent == []
