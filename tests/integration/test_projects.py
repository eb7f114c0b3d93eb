"""Projects against the emulator: create, get, list with where, update, delete, label count,
members, task queues. Every test reads the server's state afterwards."""

from __future__ import annotations

from datetime import UTC, datetime
from unittest.mock import ANY

import pytest

from aiolabel import (
    AsyncClient,
    InputError,
    InputTypeError,
    MediaType,
    QualityMode,
    ResourceNotFoundError,
)
from aiolabel.emulator import Emulator
from aiolabel.models.project import Project
from tests.integration._support import (
    one,
    requests,
    sql,
)


async def test_create_project_default_quality(client: AsyncClient, emu: Emulator) -> None:
    made = await client.create_project("p1", MediaType.Video, description="d")
    [stored] = sql(emu, "SELECT * FROM projects WHERE id = ?", made.uid)
    assert (stored["name"], stored["description"], stored["media_type"]) == ("p1", "d", "VIDEO")
    assert stored["auto_audit_number_of_labels"] == 3
    assert stored["auto_audit_percentage"] == 0
    assert (stored["is_benchmark_enabled"], stored["is_consensus_enabled"]) == (1, 1)
    assert made.media_type is MediaType.Video
    assert made.is_benchmark_enabled
    assert made.is_consensus_enabled
    assert made.client is client


@pytest.mark.parametrize(
    ("modes", "explicit", "expected"),
    [
        ({QualityMode.Benchmark}, {}, (1, 1.0, 1, 0)),
        ({QualityMode.Consensus}, {}, (3, 0.0, 0, 1)),
        # no quality modes: no auto-audit fields are sent (the server picks them)
        (None, {"is_benchmark_enabled": False, "is_consensus_enabled": True}, (ANY, ANY, 0, 1)),
        # quality_modes overrides explicit flags, as in the official SDK
        ({QualityMode.Benchmark}, {"is_benchmark_enabled": False}, (1, 1.0, 1, 0)),
    ],
)
async def test_create_project_quality_modes(
    client: AsyncClient,
    emu: Emulator,
    modes: set[QualityMode] | None,
    explicit: dict[str, bool],
    expected: tuple[object, ...],
) -> None:
    made = await client.create_project("q", "IMAGE", quality_modes=modes, **explicit)
    [stored] = sql(
        emu,
        "SELECT auto_audit_number_of_labels, auto_audit_percentage, is_benchmark_enabled,"
        " is_consensus_enabled FROM projects WHERE id = ?",
        made.uid,
    )
    assert tuple(stored) == expected


async def test_create_project_bad_input_sends_nothing(client: AsyncClient, emu: Emulator) -> None:
    before = emu.stats()["requests"]
    with pytest.raises(InputError, match="name"):
        await client.create_project("   ", MediaType.Image)
    with pytest.raises(InputError, match="media_type"):
        await client.create_project("p", "HOLOGRAM")
    with pytest.raises(InputError, match="media_type"):
        await client.create_project("p", MediaType.Unknown)
    with pytest.raises(InputTypeError, match="quality_modes"):
        await client.create_project("p", MediaType.Image, quality_modes="BENCHMARK")  # type: ignore[arg-type]
    assert emu.stats()["requests"] == before
    assert one(emu, "SELECT COUNT(*) FROM projects") == 0


async def test_get_project(client: AsyncClient, project: Project) -> None:
    got = await client.get_project(project.uid)
    assert got == project
    with pytest.raises(ResourceNotFoundError):
        await client.get_project("no-such-project")
    with pytest.raises(InputTypeError, match="project_id"):
        await client.get_project(42)  # type: ignore[arg-type]


async def test_get_projects_where_and_pages(client: AsyncClient, emu: Emulator) -> None:
    for i in range(105):
        await client.create_project(f"many {i}", MediaType.Image)
    special = await client.create_project("special", MediaType.Text, description="x")
    gone = await client.create_project("special", MediaType.Text, description="y")
    await gone.delete()

    everything = [p async for p in client.get_projects()]
    assert len(everything) == 106  # the deleted one is not listed
    assert requests(emu)["GetProjectsPyApi"] == 2  # two pages of 100

    found = await client.get_projects(where=Project.name == "special").to_list()
    assert [p.uid for p in found] == [special.uid]
    both = client.get_projects(where=(Project.name == "special") & (Project.description == "x"))
    assert [p.uid for p in await both.to_list()] == [special.uid]
    assert await client.get_projects(where=Project.name == "nobody").to_list() == []
    with pytest.raises(InputTypeError, match="where"):
        client.get_projects(where="name = 'x'")  # type: ignore[arg-type]


async def test_update(project: Project, emu: Emulator) -> None:
    updated = await project.update(name="renamed", description="new")
    [stored] = sql(emu, "SELECT name, description FROM projects WHERE id = ?", project.uid)
    assert tuple(stored) == ("renamed", "new")
    assert (updated.name, updated.description) == ("renamed", "new")
    assert updated is project  # updated in place, as the official SDK does
    assert (project.name, project.description) == ("renamed", "new")
    when = datetime(2024, 5, 1, 12, tzinfo=UTC)
    await project.update(setup_complete=when)
    assert one(emu, "SELECT setup_complete FROM projects WHERE id = ?", project.uid).startswith(
        "2024-05-01T12:00:00"
    )


async def test_update_bad_input_sends_nothing(project: Project, emu: Emulator) -> None:
    before = emu.stats()["requests"]
    with pytest.raises(InputError, match="colour"):
        await project.update(colour="red")
    with pytest.raises(InputError, match="uid"):
        await project.update(uid="other")
    with pytest.raises(InputError, match="setup_complete"):
        await project.update(setup_complete=datetime(2024, 5, 1))  # no time zone
    with pytest.raises(InputError, match="media_type"):
        await project.update(media_type="HOLOGRAM")
    with pytest.raises(InputError, match="at least one"):
        await project.update()
    assert emu.stats()["requests"] == before
    assert one(emu, "SELECT name FROM projects WHERE id = ?", project.uid) == "integration project"


async def test_update_media_type(project: Project, emu: Emulator) -> None:
    updated = await project.update(media_type=MediaType.Text)
    assert one(emu, "SELECT media_type FROM projects WHERE id = ?", project.uid) == "TEXT"
    assert updated.media_type is MediaType.Text


async def test_delete(client: AsyncClient, project: Project, emu: Emulator) -> None:
    await project.delete()
    assert one(emu, "SELECT deleted FROM projects WHERE id = ?", project.uid) == 1
    assert [p async for p in client.get_projects()] == []


async def test_label_count(project: Project, rows: list[str], emu: Emulator) -> None:
    assert await project.get_label_count() == 0
    await project.create_batch("b", rows[:3])
    for row in rows[:2]:
        emu.control("add_label", project_id=project.uid, data_row_id=row)
    assert await project.get_label_count() == 2
    assert one(emu, "SELECT COUNT(*) FROM labels WHERE project_id = ?", project.uid) == 2


async def test_members(client: AsyncClient, project: Project, emu: Emulator) -> None:
    members = await project.members().to_list()
    assert [(await m.user()).uid for m in members] == [emu.state.user_id]
    assert (await members[0].role()).name == "Admin"
    assert (await members[0].user()).email == (await client.get_user()).email


async def test_task_queues(project: Project, rows: list[str], emu: Emulator) -> None:
    await project.create_batch("b", rows[:5])
    queues = await project.task_queues()
    stored = sql(
        emu,
        "SELECT id, queue_type FROM task_queues WHERE project_id = ? ORDER BY position",
        project.uid,
    )
    assert [(q.uid, q.queue_type) for q in queues] == [tuple(r) for r in stored]
    assert queues[0].queue_type == "INITIAL_LABELING_QUEUE"
    assert queues[0].data_row_count == 5
