"""Enums and identifiers behave like the official SDK's (which serves as the oracle)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from labelbox.schema.identifiable import GlobalKey as LbGlobalKey
from labelbox.schema.identifiable import UniqueId as LbUniqueId
from labelbox.schema.media_type import MediaType as LbMediaType
from labelbox.schema.taskstatus import TaskStatus as LbTaskStatus

from aiolabel import GlobalKey, GlobalKeys, IdType, MediaType, TaskStatus, UniqueId, UniqueIds

WIRE_SPELLINGS = [
    "IMAGE",
    "image",
    "Image",
    "VIDEO",
    "TEXT",
    "PDF",
    "Pdf",
    "Document",
    "TMS_GEO",
    "Tms_Geo",
    "geospatial_tile",
    "TMS_SIMPLE",
    "simple-tile",
    "POINT_CLOUD",
    "pointCloud",
    "LLM",
    "CONVERSATIONAL",
    "HTML",
    "AUDIO",
    "UNKNOWN",
    "something-else",
    None,
]


@pytest.mark.parametrize("spelling", WIRE_SPELLINGS)
def test_media_type_parsing_matches_official(spelling: str | None) -> None:
    assert MediaType(spelling).value == LbMediaType(spelling).value


@given(st.text(alphabet=st.sampled_from("abcdegilmnoprstuvxIMAGEVDOTPFLC_- 1"), max_size=16))
def test_media_type_parsing_matches_official_on_any_text(spelling: str) -> None:
    assert MediaType(spelling).value == LbMediaType(spelling).value


def test_media_type_members_match_official() -> None:
    assert {m: MediaType[m].value for m in MediaType.__members__} == {
        m: LbMediaType[m].value for m in LbMediaType.__members__
    }
    assert not MediaType.is_supported(MediaType.Unknown)
    assert MediaType.is_supported(MediaType.Image)
    assert MediaType.Unsupported not in MediaType.supported()


@given(st.text())
def test_task_status_unknown_fallback_matches_official(value: str) -> None:
    assert TaskStatus(value).value == LbTaskStatus(value).value


def test_task_status_finality() -> None:
    assert TaskStatus.Complete.is_final
    assert TaskStatus.Failed.is_final
    assert not TaskStatus.In_Progress.is_final
    assert not TaskStatus.Canceling.is_final


def test_identifiers_equality_hash_and_kind() -> None:
    assert UniqueId("a") == UniqueId("a")
    assert UniqueId("a") != GlobalKey("a")
    assert len({UniqueId("a"), UniqueId("a"), GlobalKey("a")}) == 2
    assert UniqueId("a").id_type is IdType.DataRowId
    assert GlobalKey("a").id_type is IdType.GlobalKey
    # same wire id-type strings as the official SDK
    assert UniqueId("a").id_type.value == LbUniqueId("a").id_type
    assert GlobalKey("a").id_type.value == LbGlobalKey("a").id_type
    assert str(GlobalKey("k")) == "GKEY:k"


@pytest.mark.parametrize("bad", [1, None, b"x", ["a"]])
def test_identifier_rejects_non_strings(bad: object) -> None:
    with pytest.raises(TypeError):
        UniqueId(bad)  # type: ignore[arg-type]


def test_identifier_rejects_empty() -> None:
    with pytest.raises(ValueError, match="empty"):
        GlobalKey("")


def test_identifiables_sequence_behaviour() -> None:
    keys = GlobalKeys(["a", "b", "c"])
    assert len(keys) == 3
    assert list(keys) == ["a", "b", "c"]
    assert keys[1] == "b"
    assert keys[1:] == GlobalKeys(["b", "c"])
    assert keys != UniqueIds(["a", "b", "c"])
    assert list(keys.identifiers()) == [GlobalKey("a"), GlobalKey("b"), GlobalKey("c")]
    with pytest.raises(TypeError):
        UniqueIds(["a", 3])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="empty"):
        UniqueIds(["a", ""])


def test_data_row_ids_is_the_official_alias_of_unique_ids() -> None:
    from aiolabel import AsyncClient, DataRowIds

    ids = DataRowIds(["a", "b"])
    assert ids == UniqueIds(["a", "b"])
    assert ids.id_type is IdType.DataRowId
    assert AsyncClient.build_catalog_query(ids) == AsyncClient.build_catalog_query(
        UniqueIds(["a", "b"])
    )
