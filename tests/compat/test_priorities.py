"""The official SDK's priority workflows against the emulator over HTTP: labelling-parameter
overrides by UniqueId and GlobalKey, their listing, and bulk priority updates."""

from __future__ import annotations

import labelbox
import pytest
from labelbox import MediaType
from labelbox.schema.identifiable import GlobalKey, UniqueId
from labelbox.schema.identifiables import GlobalKeys, UniqueIds
from lbox import exceptions as lbx

from aiolabel.emulator import EmulatorServer
from tests.compat._support import Rows, sdk_rows

pytestmark = pytest.mark.compat


@pytest.fixture
def batched(lb_client: labelbox.Client) -> tuple[labelbox.Project, Rows]:
    project = lb_client.create_project(name="lpo", media_type=MediaType.Image)
    rows = sdk_rows(lb_client, 3, "lpo-")
    project.create_batch("b", data_rows=rows.ids)
    return project, rows


def overrides(project: labelbox.Project) -> dict[str, tuple[int, int]]:
    return {
        o.data_row().uid: (o.priority, o.number_of_labels)
        for o in project.labeling_parameter_overrides()
    }


def test_every_batched_row_starts_with_the_batch_priority(
    batched: tuple[labelbox.Project, Rows],
) -> None:
    project, rows = batched
    assert overrides(project) == {i: (5, 1) for i in rows.ids}
    for override in project.labeling_parameter_overrides():
        assert isinstance(override.data_row(), labelbox.DataRow)


def test_set_overrides_by_unique_id_and_global_key(batched: tuple[labelbox.Project, Rows]) -> None:
    project, rows = batched
    assert project.set_labeling_parameter_overrides(
        [(UniqueId(rows.ids[0]), 2147483647), (GlobalKey(rows.global_keys[1]), -2147483648)]
    )
    assert overrides(project) == {
        rows.ids[0]: (2147483647, 1),
        rows.ids[1]: (-2147483648, 1),
        rows.ids[2]: (5, 1),
    }
    ordered = [o.data_row().uid for o in project.labeling_parameter_overrides()]
    assert ordered == [rows.ids[1], rows.ids[2], rows.ids[0]]


def test_refused_overrides(batched: tuple[labelbox.Project, Rows]) -> None:
    project, rows = batched
    with pytest.raises(lbx.InvalidQueryError):
        project.set_labeling_parameter_overrides([(UniqueId(rows.ids[0]), 2**31)])
    with pytest.raises(lbx.InvalidQueryError, match="more than 1,000"):
        project.set_labeling_parameter_overrides([(UniqueId(rows.ids[0]), 1)] * 1001)
    with pytest.raises(lbx.InvalidQueryError, match="not found"):
        project.set_labeling_parameter_overrides(
            [(UniqueId(rows.ids[0]), 1), (GlobalKey("no-such-key"), 1)]
        )
    assert overrides(project) == {i: (5, 1) for i in rows.ids}


def test_update_data_row_labeling_priority(
    emulator: EmulatorServer, batched: tuple[labelbox.Project, Rows]
) -> None:
    project, rows = batched
    assert project.update_data_row_labeling_priority(UniqueIds(rows.ids[:2]), 1)
    assert project.update_data_row_labeling_priority(GlobalKeys(rows.global_keys[2:]), 3)
    assert overrides(project) == {rows.ids[0]: (1, 1), rows.ids[1]: (1, 1), rows.ids[2]: (3, 1)}
    queue = emulator.control("labeling_queue", project_id=project.uid)
    assert [r["data_row_id"] for r in queue] == rows.ids
    with pytest.raises(lbx.LabelboxError, match="Priority was not updated successfully"):
        project.update_data_row_labeling_priority(GlobalKeys(["nobody"]), 2)
