"""Export filters and params render exactly as the official SDK renders them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from labelbox.schema.export_filters import build_filters
from pydantic import ValidationError

from aiolabel import MediaType
from aiolabel._resources.exports import (
    data_rows_export_input,
    dataset_export_input,
    needs_timezone,
    project_export_input,
    search_query,
)
from aiolabel.types import ExportFilters, ExportParams


class _TimezoneClient:
    """Stands in for the official client: answers the CurrentUserPyApi query."""

    def __init__(self, zone: str | None) -> None:
        self.zone = zone
        self.calls = 0

    def execute(self, query: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        assert "CurrentUserPyApi" in query
        self.calls += 1
        return {"user": {"timezone": self.zone}}


CASES: list[dict[str, Any]] = [
    {},
    {"data_row_ids": ["a", "b"]},
    {"global_keys": ["k"]},
    {"batch_ids": ["b1", "b2"], "workflow_status": "InReview"},
    {"workflow_status": "ToLabel"},
    {"workflow_status": "Done", "global_keys": ["x"]},
    {"last_activity_at": ["2000-01-01 00:00:00", "2050-01-01 00:00:00"]},
    {"last_activity_at": ["2000-01-01", None]},
    {"label_created_at": [None, "2050-01-01"]},
    {"label_created_at": ["2023-05-23T14:30:00+0000", "2024-01-01T00:00:00+0000"]},
    {
        "last_activity_at": ["2000-01-01", "2001-01-01"],
        "label_created_at": ["2002-01-01", None],
        "data_row_ids": ["d"],
        "batch_ids": ["b"],
        "workflow_status": "InRework",
    },
]


@pytest.mark.parametrize("zone", [None, "Europe/Paris"])
@pytest.mark.parametrize("case", CASES)
def test_search_query_matches_official(case: dict[str, Any], zone: str | None) -> None:
    official = build_filters(_TimezoneClient(zone), dict(case))
    filters = ExportFilters.model_validate(case)
    tz = (zone or "UTC") if needs_timezone(filters) else None
    assert search_query(filters, tz) == official


def test_iso_offsets_are_converted_not_relabelled() -> None:
    filters = ExportFilters(label_created_at=("2023-05-23T14:30:00+0530", None))
    term = search_query(filters, "Europe/Paris")[0]
    assert term["value"]["value"] == "2023-05-23T09:00:00+0000"
    assert term["value"]["timezone"] == "UTC"
    official = build_filters(
        _TimezoneClient(None), {"label_created_at": ["2023-05-23T14:30:00+0530", None]}
    )
    assert official[0]["value"]["value"] == "2023-05-23T14:30:00+0000"  # the official SDK's shift


def test_datetime_bounds_need_a_zone_and_become_utc() -> None:
    with pytest.raises(ValidationError, match="time zone"):
        ExportFilters(last_activity_at=(datetime(2024, 1, 1), None))
    paris = timezone(timedelta(hours=1))
    filters = ExportFilters(last_activity_at=(datetime(2024, 1, 1, 1, 0, tzinfo=paris), None))
    term = search_query(filters, "Asia/Tokyo")[0]
    assert term["value"] == {
        "operator": "GREATER_THAN_OR_EQUAL",
        "timezone": "UTC",
        "value": "2024-01-01 00:00:00",
    }


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"data_row_ids": []}, "non-empty"),
        ({"global_keys": ["k"] * 2001}, "at most 2000"),
        ({"data_row_ids": ["a"], "global_keys": ["k"]}, "cannot both"),
        ({"workflow_status": "Nope"}, "workflow_status"),
        ({"last_activity_at": ["yesterday", None]}, "not 'YYYY-MM-DD'"),
        ({"last_activity_at": ["2000-01-01"]}, "pair"),
        ({"unknown": 1}, "unknown"),
        ({"batch_ids": [""]}, "empty strings"),
    ],
)
def test_bad_filters_are_refused(bad: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ExportFilters.model_validate(bad)


def test_date_filters_need_a_timezone() -> None:
    with pytest.raises(ValueError, match="timezone"):
        search_query(ExportFilters(label_created_at=("2000-01-01", None)))


@given(
    st.lists(st.text(min_size=1), min_size=1, max_size=20),
    st.sampled_from(["data_row_ids", "global_keys", "batch_ids"]),
)
def test_any_ids_render_like_official(ids: list[str], kind: str) -> None:
    assert search_query(ExportFilters.model_validate({kind: ids})) == build_filters(
        _TimezoneClient(None), {kind: ids}
    )


def _official_inputs() -> dict[str, dict[str, Any]]:
    """What the official SDK sends for one project, dataset and data-row export each."""
    from labelbox.schema.data_row import DataRow
    from labelbox.schema.dataset import Dataset
    from labelbox.schema.media_type import MediaType as LbMediaType
    from labelbox.schema.project import Project

    sent: dict[str, dict[str, Any]] = {}

    class Client(_TimezoneClient):
        def execute(self, query: str, params: Any = None, **kwargs: Any) -> dict[str, Any]:
            if "CurrentUserPyApi" in query:
                return super().execute(query)
            name = "exportDataRowsInProject" if "InProject" in query else "exportDataRowsInCatalog"
            sent[name if name not in sent else name + "2"] = params["input"]
            raise _Stop

    class _Stop(Exception):
        pass

    client = Client("UTC")
    project = Project.__new__(Project)
    project.__dict__.update(uid="p1", client=client)
    dataset = Dataset.__new__(Dataset)
    dataset.__dict__.update(uid="ds1", client=client, name="my ds")
    with pytest.raises(_Stop):
        project._export(
            "tn",
            {
                "global_keys": ["g"],
                "batch_ids": ["b"],
                "workflow_status": "ToLabel",
                "last_activity_at": ["2000-01-01", "2001-01-01"],
            },
            {
                "media_type_override": LbMediaType.Image,
                "performance_details": True,
                "label_details": True,
            },
            streamable=True,
        )
    with pytest.raises(_Stop):
        dataset._export(
            None,
            {"data_row_ids": ["d1"]},
            {"attachments": True, "metadata_fields": True, "project_ids": ["p1"]},
            streamable=True,
        )
    with pytest.raises(_Stop):
        DataRow._export(
            client, None, ["g1", "g2"], None, {"data_row_details": True}, streamable=True
        )
    return sent


def test_export_inputs_match_official() -> None:
    official = _official_inputs()
    assert official["exportDataRowsInProject"] == project_export_input(
        "p1",
        task_name="tn",
        filters=ExportFilters(
            global_keys=["g"],
            batch_ids=["b"],
            workflow_status="ToLabel",
            last_activity_at=("2000-01-01", "2001-01-01"),
        ),
        params=ExportParams(
            media_type_override=MediaType.Image, performance_details=True, label_details=True
        ),
        timezone="UTC",
    )
    assert official["exportDataRowsInCatalog"] == dataset_export_input(
        "ds1",
        "my ds",
        task_name=None,
        filters=ExportFilters(data_row_ids=["d1"]),
        params=ExportParams(attachments=True, metadata_fields=True, project_ids=["p1"]),
        timezone=None,
    )
    assert official["exportDataRowsInCatalog2"] == data_rows_export_input(
        data_row_ids=None,
        global_keys=["g1", "g2"],
        task_name=None,
        params=ExportParams(data_row_details=True),
    )


def test_project_only_filters_refused_for_datasets() -> None:
    with pytest.raises(ValueError, match="project exports"):
        dataset_export_input(
            "d",
            "n",
            task_name=None,
            filters=ExportFilters(batch_ids=["b"]),
            params=ExportParams(),
            timezone=None,
        )
    with pytest.raises(ValueError, match="data_rows or global_keys"):
        data_rows_export_input(
            data_row_ids=None, global_keys=[], task_name=None, params=ExportParams()
        )
    with pytest.raises(ValidationError, match="30"):
        ExportParams(project_ids=[str(i) for i in range(31)])
