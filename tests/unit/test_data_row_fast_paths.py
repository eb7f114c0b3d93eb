"""The short paths of ``create_data_rows`` / ``upsert_data_rows`` give exactly what the checked
paths give, and hand anything else to them: a plain item rendered in one pass
(``render_plain``) is the text ``json.dumps`` writes for ``prepare_item``'s spec; plain metadata
fields (``_plain_fields_json``) the text of ``_upsert_fields``; a window of specs appended whole
(``DescriptorChunker.add_list``) the same files as one spec at a time."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiolabel._bulk.descriptors import DescriptorChunk, DescriptorChunker, spec_texts
from aiolabel._bulk.specs import Prepared, encode_specs, prepare_item, prepare_rows, render_plain
from aiolabel.enums import MediaType
from aiolabel.identifiers import GlobalKey, UniqueId
from aiolabel.models.data_row import DataRow
from aiolabel.models.metadata import DataRowMetadataField, DataRowMetadataOntology

ONTOLOGY = [
    {"id": "tag", "name": "tag", "kind": "CustomMetadataString", "reserved": True},
    {
        "id": "split",
        "name": "split",
        "kind": "CustomMetadataEnum",
        "reserved": True,
        "options": [
            {"id": "train", "name": "train", "kind": "CustomMetadataEnumOption"},
            {"id": "o-valid", "name": "valid", "kind": "CustomMetadataEnumOption"},
            {"id": "o-test", "name": "tag", "kind": "CustomMetadataEnumOption"},  # a schema id
            {"id": "o-dup", "name": "valid", "kind": "CustomMetadataEnumOption"},  # a repeat
        ],
    },
    {"id": "n", "name": "score", "kind": "CustomMetadataNumber", "reserved": False},
    {"id": "t", "name": "when", "kind": "CustomMetadataDateTime", "reserved": False},
    {"id": "e", "name": "emb", "kind": "CustomMetadataEmbedding", "reserved": False},
    {"id": "c-tag", "name": "tag", "kind": "CustomMetadataNumber", "reserved": False},  # shadowed
    {"id": "c-kind", "name": "kind", "kind": "CustomMetadataEnum", "reserved": False},  # no options
    {"id": 'é"q', "name": 'quoted "é"', "kind": "CustomMetadataString", "reserved": False},
]
ONTOLOGY_IDS = ["tag", "split", "train", "o-valid", "o-test", "o-dup", "n", "t", "e", "c-tag"]
ONTOLOGY_IDS += ["c-kind", 'é"q', "nope"]
NAMES = ["tag", "split", "score", "when", "emb", "kind", 'quoted "é"', "nope"]
DATASET = 'ds"1'
DATASET_JSON = '"dataset_id": ' + json.dumps(DATASET)


def _ontology() -> DataRowMetadataOntology:
    return DataRowMetadataOntology(None, ONTOLOGY)  # type: ignore[arg-type]


ONT = _ontology()

texts = st.text(alphabet=st.sampled_from('ab"\\\n\x01é☃😀 :/'), max_size=6)
urls = st.one_of(
    st.sampled_from(["https://x/1.jpg", 'http://h/p?q="1"', "HTTPS://x", "ftp://x/y"]),
    st.sampled_from(["s3://b/k", "s3:/b", "", "no-scheme", "1http://x", "gs://b/é"]),
    texts.map(lambda t: "https://x/" + t),
)
values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([10**400, -(10**400)]),
    st.floats(allow_nan=True, allow_infinity=True),
    texts,
    st.sampled_from([*ONTOLOGY_IDS, "valid", "2", "2024-01-02T03:04:05Z"]),
    st.just([1.0] * 128),
    st.lists(st.integers(), max_size=2),
    st.just(datetime(2024, 1, 2, tzinfo=UTC)),
)
refs = st.one_of(st.sampled_from(ONTOLOGY_IDS), st.none(), st.integers(), texts)
plain_field = st.one_of(
    st.builds(lambda r, v: {"schema_id": r, "value": v}, refs, values),
    st.builds(lambda r, v: {"schemaId": r, "value": v}, refs, values),
    st.builds(lambda n, v: {"name": n, "value": v}, st.sampled_from(NAMES), values),
)
field = st.one_of(
    plain_field,
    plain_field,
    st.builds(lambda r, n, v: {"schema_id": r, "name": n, "value": v}, refs, refs, values),
    st.builds(lambda r: {"schema_id": r}, refs),
    st.builds(lambda r, v: {"schema_id": r, "value": v, "extra": 1}, refs, values),
    st.builds(lambda n, v: DataRowMetadataField(name=n, value=v), st.sampled_from(NAMES), texts),
    st.sampled_from([None, "tag", 3]),
)
fields = st.one_of(
    st.lists(plain_field, max_size=4),
    st.lists(field, max_size=4),
    st.sampled_from([None, "tag", {"schema_id": "tag", "value": "x"}, ()]),
)
attachments = st.one_of(
    st.lists(
        st.fixed_dictionaries(
            {"type": st.sampled_from(["RAW_TEXT", "IMAGE", "SMELL", 3]), "value": values},
            optional={"name": st.one_of(texts, st.none(), st.integers())},
        ),
        max_size=2,
    ),
    st.sampled_from([None, {}, "x", [3]]),
)
embeddings = st.one_of(
    st.lists(
        st.fixed_dictionaries(
            {
                "embedding_id": st.one_of(texts, st.integers()),
                "vector": st.one_of(
                    st.lists(st.one_of(st.integers(), st.floats(), st.booleans()), max_size=3),
                    st.just("v"),
                ),
            },
            optional={"clusters": st.one_of(st.lists(st.integers(), max_size=2), st.none())},
        ),
        max_size=2,
    ),
    st.sampled_from([None, "x"]),
)
member_values = {
    "row_data": st.one_of(urls, urls, texts, st.none(), st.integers(), st.just({"a": "b"})),
    "global_key": st.one_of(texts, texts, st.none(), st.integers()),
    "external_id": st.one_of(texts, texts, st.none(), st.integers()),
    "metadata_fields": fields,
    "media_type": st.one_of(
        st.sampled_from(list(MediaType)),
        st.sampled_from(["IMAGE", "image", "PDF", "UNKNOWN", "HOLOGRAM", "Geospatial_Tile"]),
        st.none(),
        st.integers(),
    ),
    "attachments": attachments,
    "embeddings": embeddings,
    "dataset_id": st.one_of(texts, st.none(), st.integers()),
    "key": st.one_of(
        st.builds(GlobalKey, texts.filter(bool)),
        st.builds(UniqueId, texts.filter(bool)),
        st.none(),
        texts,
    ),
    "colour": texts,
    "tileLayerUrl": texts,
    "conversationalData": st.just([{"messageId": "1", "content": "hi"}]),
    DataRow.row_data: urls,
}


numbers = st.one_of(st.integers(-(2**60), 2**60), st.floats(allow_nan=False, allow_infinity=False))
good_field = st.one_of(
    st.builds(lambda r, v: {"schema_id": r, "value": v}, st.sampled_from(["tag", 'é"q']), texts),
    st.builds(lambda n, v: {"name": n, "value": v}, st.sampled_from(["tag", 'quoted "é"']), texts),
    st.builds(lambda v: {"schemaId": "n", "value": v}, numbers),
    st.builds(lambda v: {"name": "score", "value": v}, numbers),
    st.builds(
        lambda v: {"schema_id": "split", "value": v},
        st.sampled_from(["train", "o-valid", "o-test", "o-dup", "valid"]),
    ),
    st.builds(
        lambda v: {"name": "split", "value": v},
        st.sampled_from(["train", "valid", "tag", "o-dup", "o-valid", "o-test"]),
    ),
)
good_values = {
    "row_data": texts.map(lambda t: "https://x/" + t),
    "global_key": texts.filter(bool),
    "external_id": texts,
    "metadata_fields": st.lists(good_field, max_size=3),
    "media_type": st.sampled_from([*MediaType.supported(), "IMAGE", "VIDEO", "PDF"]),
    "attachments": st.lists(
        st.fixed_dictionaries(
            {"type": st.sampled_from(["RAW_TEXT", "IMAGE"]), "value": texts.filter(bool)},
            optional={"name": texts},
        ),
        max_size=2,
    ),
    "embeddings": st.lists(
        st.fixed_dictionaries(
            {"embedding_id": texts, "vector": st.lists(numbers, max_size=3)},
            optional={"clusters": st.lists(st.integers(), max_size=2)},
        ),
        max_size=2,
    ),
    "dataset_id": texts,
    "key": st.one_of(
        st.builds(GlobalKey, texts.filter(bool)), st.builds(UniqueId, texts.filter(bool))
    ),
}


@st.composite
def rows(draw: st.DrawFn) -> Any:
    """Items of any shape, most of them plain or nearly (each value mostly a good one)."""
    names = draw(
        st.lists(
            st.sampled_from(list(member_values)),
            unique_by=lambda k: k if isinstance(k, str) else "FieldRef",
            max_size=6,
        )
    )
    if draw(st.integers(0, 3)):  # mostly the usual keys, in any order
        names = [n for n in names if n in good_values]
        if "row_data" not in names and draw(st.integers(0, 3)):
            names.insert(draw(st.integers(0, len(names))), "row_data")
    return {
        name: draw(
            good_values[name]
            if name in good_values and draw(st.integers(0, 4))
            else member_values[name]
        )
        for name in names
    }


def _general(raw: object, upsert: bool) -> Prepared | tuple[type[BaseException], str]:
    try:
        return prepare_item(raw, 7, dataset_id=DATASET, upsert=upsert, ontology=ONT)
    except Exception as exc:
        return type(exc), str(exc)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=rows(), upsert=st.booleans())
def test_a_rendered_item_is_the_checked_spec_as_json_dumps_writes_it(
    raw: dict[Any, Any], upsert: bool
) -> None:
    before = repr(raw)
    rendered = render_plain(raw, upsert, DATASET_JSON, ONT)
    general = _general(raw, upsert)
    assert repr(raw) == before  # the caller's dict is untouched
    if rendered is None:
        return  # the checked path's to do
    assert isinstance(general, Prepared), general  # never a refusal taken for plain
    text, key, global_key = rendered
    assert text == json.dumps(general.wire())
    assert key == (
        f"{general.key['type']}:{general.key['value']}" if general.key["value"] else None
    )
    assert global_key == general.payload.get("global_key")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(rows(), max_size=8), upsert=st.booleans())
def test_a_window_is_checked_and_encoded_as_item_by_item(
    items: list[dict[Any, Any]], upsert: bool
) -> None:
    general = [_general(raw, upsert) for raw in items]
    first_bad = next((i for i, g in enumerate(general) if not isinstance(g, Prepared)), None)
    out: list[Any] = []
    if first_bad is not None:
        error, message = general[first_bad]  # type: ignore[misc]
        named = message.replace("items[7]", f"items[{first_bad}]")
        with pytest.raises(error) as info:
            prepare_rows(items, 0, out, dataset_id=DATASET, upsert=upsert, ontology=ONT)
        assert str(info.value) == named
        assert len(out) == first_bad  # the items before it, checked
        return
    done = prepare_rows(items, 0, out, dataset_id=DATASET, upsert=upsert, ontology=ONT)
    assert done == len(items)
    wires = [g.wire() for g in general if isinstance(g, Prepared)]
    assert encode_specs(out) == json.dumps(wires)


def test_rows_with_metadata_wait_for_the_ontology() -> None:
    items: list[Any] = [
        {"row_data": "https://x/0"},
        {"row_data": "https://x/1", "metadata_fields": [{"name": "tag", "value": "a"}]},
        {"row_data": "https://x/2"},
    ]
    out: list[Any] = []
    assert prepare_rows(items, 0, out, dataset_id="d", upsert=False, ontology=None) == 1
    assert prepare_rows(items[1:], 1, out, dataset_id="d", upsert=False, ontology=ONT) == 2
    assert json.loads(encode_specs(out))[1]["payload"]["metadata_fields"] == [
        {"schemaId": "tag", "value": "a"}
    ]


def test_unusual_items_take_the_checked_path() -> None:
    class Key(str):
        pass

    plain = {"row_data": "https://x/a.jpg", "global_key": "g"}
    assert render_plain(plain, False, DATASET_JSON, ONT) is not None
    for unusual in (
        {**plain, "global_key": None},  # dropped by the checked path
        {Key("row_data"): "https://x/a.jpg"},
        {DataRow.row_data: "https://x/a.jpg"},
        {**plain, "media_type": "image"},  # read tolerantly
        {**plain, "metadata_fields": [{"name": "when", "value": "2024-01-01T00:00:00Z"}]},
        {**plain, "metadata_fields": [DataRowMetadataField(name="tag", value="x")]},
        {**plain, "metadata_fields": [{"schema_id": "n", "value": True}]},
        {**plain, "metadata_fields": [{"schema_id": "n", "value": math.inf}]},
        {**plain, "key": GlobalKey("g")},  # only an upsert takes a key
        {"row_data": "/a/local/file.jpg"},
    ):
        assert render_plain(unusual, False, DATASET_JSON, ONT) is None, unusual


@settings(max_examples=1500, deadline=None)
@given(
    value=st.one_of(
        st.lists(field, max_size=4),
        st.lists(plain_field, max_size=4),
        st.lists(good_field, max_size=4),
    )
)
def test_plain_metadata_fields_are_the_checked_fields(value: list[Any]) -> None:
    fast = ONT._plain_fields_json(value)
    if fast is None:
        return
    assert fast == json.dumps(ONT._upsert_fields(value, "metadata_fields"))


def test_plain_metadata_fields_follow_the_checked_resolution() -> None:
    def fast(*fields: dict[str, Any]) -> Any:
        text = ONT._plain_fields_json(list(fields))
        return None if text is None else json.loads(text)

    enum = [{"schemaId": "split", "value": {}}, {"schemaId": "train", "value": {}}]
    assert fast({"name": "split", "value": "train"}) == enum
    assert fast({"schema_id": "split", "value": "train"}) == enum
    assert fast({"name": "split", "value": "valid"})[1] == {"schemaId": "o-valid", "value": {}}
    assert fast({"name": "split", "value": "tag"}) is None  # an id, not this enum's option
    assert fast({"schema_id": "split", "value": "valid"}) is None  # by id: an option id
    assert fast({"name": "tag", "value": "x"}) == [{"schemaId": "tag", "value": "x"}]  # reserved
    assert fast({"schemaId": "n", "value": 2}) == [{"schemaId": "n", "value": 2.0}]
    assert fast({"name": "kind", "value": "x"}) is None
    assert fast({"schema_id": "tag", "value": "a"}, {"name": "tag", "value": "b"}) is None
    with pytest.raises(Exception, match="only be specified once"):
        ONT._upsert_fields([{"schema_id": "tag", "value": "a"}, {"name": "tag", "value": "b"}], "m")


def test_a_refreshed_ontology_resolves_plain_fields_anew() -> None:
    ontology = _ontology()
    field = [{"name": "score", "value": 1}]
    assert ontology._plain_fields_json(field) == '[{"schemaId": "n", "value": 1.0}]'
    ontology._build([{"id": "n2", "name": "score", "kind": "CustomMetadataString"}])
    assert ontology._plain_fields_json(field) is None  # now a string schema: 1 is refused
    assert ontology._plain_fields_json([{"name": "score", "value": "1"}]) == (
        '[{"schemaId": "n2", "value": "1"}]'
    )


# -- descriptor files -----------------------------------------------------------------------------

specs = st.lists(
    st.one_of(
        st.fixed_dictionaries(
            {
                "id": st.just({"type": "AUTO", "value": ""}),
                "payload": st.dictionaries(texts, texts, max_size=3),
            }
        ),
        st.just({"id": {"type": "AUTO"}, "payload": {"rows": [{"id": 1}, {"id": 2}]}}),
        st.just({"payload": '}, {"id": "x"'}),
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(
    batches=st.lists(specs, max_size=6),
    max_bytes=st.integers(2, 400),
    per_task=st.integers(1, 12),
)
def test_a_list_appended_whole_makes_the_files_spec_by_spec_makes(
    batches: list[list[Any]], max_bytes: int, per_task: int
) -> None:
    one, whole = DescriptorChunker(max_bytes, per_task), DescriptorChunker(max_bytes, per_task)
    chunks_one: list[DescriptorChunk | None] = []
    chunks_whole: list[DescriptorChunk | None] = []
    for batch in batches:
        text = json.dumps(batch)
        assert spec_texts(text) == [json.dumps(s).encode() for s in batch]
        for spec in batch:
            chunks_one.extend(one.add(json.dumps(spec).encode()))
        chunks_whole.extend(whole.add_list(text, len(batch)))
        assert one.pending == whole.pending
    chunks_one.append(one.close())
    chunks_whole.append(whole.close())
    assert chunks_whole == chunks_one
    files = [json.loads(c.body) for c in chunks_whole if c is not None]
    assert [s for f in files for s in f] == [s for b in batches for s in b]


def test_numbers_with_no_json_are_refused_as_bad_input() -> None:
    """A metadata number too large for a float, and NaN or infinity in an embedding vector,
    are typed errors naming the item (JSON has no text for them), on either path."""
    from aiolabel.errors import InputError

    too_large = {
        "row_data": "https://a/x.jpg",
        "metadata_fields": [{"name": "score", "value": 2**1100}],
    }
    nan = {
        "row_data": "https://a/x.jpg",
        "embeddings": [{"embedding_id": "e", "vector": [1.0, math.nan]}],
    }
    inf = {
        "row_data": "https://a/x.jpg",
        "embeddings": [{"embedding_id": "e", "vector": [math.inf]}],
    }
    for item, message in (
        (too_large, "must fit a float"),
        (nan, r"items\[3\].embeddings\[0\].vector must hold finite numbers"),
        (inf, "must hold finite numbers"),
    ):
        with pytest.raises(InputError, match=message):
            prepare_item(item, 3, dataset_id="ds", upsert=False, ontology=ONT)
        with pytest.raises(InputError, match=message):
            prepare_rows([item], 3, [], dataset_id="ds", upsert=False, ontology=ONT)
