"""aiolabel's labels, reviews and benchmarks against the emulator, checked against server state."""

from __future__ import annotations

import pytest

from aiolabel import AsyncClient, InputError, Label, MediaType, Project
from aiolabel.emulator import Emulator


@pytest.fixture
async def setup(emu: Emulator, client: AsyncClient) -> tuple[Project, list[str]]:
    ids: list[str] = emu.control("bulk_create_data_rows", count=3)["ids"]
    project = await client.create_project(name="labels", media_type=MediaType.Image)
    await project.create_batch("b", data_rows=ids)
    return project, ids


async def test_labels_reviews_and_benchmarks(
    client: AsyncClient, emu: Emulator, setup: tuple[Project, list[str]]
) -> None:
    project, ids = setup
    for data_row_id in (ids[0], ids[0], ids[1]):
        emu.control("add_label", project_id=project.uid, data_row_id=data_row_id)
    labels = await project.labels().to_list()
    assert len(labels) == 3
    user = await client.get_user()
    assert (await labels[0].created_by()).uid == user.uid
    assert len(await project.labels(created_by=user.uid).to_list()) == 3
    review = await labels[0].create_review(score=1)
    assert [r.uid async for r in labels[0].reviews()] == [review.uid]
    updated = await review.update(score=-1)
    assert updated is review  # in place, as the official SDK
    assert review.score == -1.0
    assert (await updated.label()).uid == labels[0].uid
    assert (await updated.created_by()).uid == user.uid
    assert (await updated.organization()).uid == (await client.get_organization()).uid
    assert (await updated.project()).uid == project.uid
    await updated.delete()
    assert await labels[0].reviews().to_list() == []
    benchmark = await labels[0].create_benchmark()
    assert (await benchmark.reference_label()).uid == labels[0].uid
    assert [b.uid async for b in project.benchmarks()] == [benchmark.uid]
    await benchmark.delete()
    assert await project.benchmarks().to_list() == []
    relabelled = await labels[2].update(label="legacy text")
    assert relabelled is labels[2]
    assert labels[2].label == "legacy text"
    assert [x.label async for x in project.labels() if x.uid == labels[2].uid] == ["legacy text"]
    await Label.bulk_delete(labels[:2])
    assert await project.get_label_count() == 1
    assert await project.delete_labels_by_user(user.uid) == 1
    assert await project.get_label_count() == 0
    assert await project.enable_model_assisted_labeling() is True
    with pytest.raises(InputError):
        await labels[0].create_review()
