"""``task.result`` / ``task.errors`` as the documents use them, with ``await`` added: the list
(errors: None when there are none), streamed with ``async for``, and never truthy by accident."""

from __future__ import annotations

import contextlib

import pytest

from aiolabel import AsyncClient


async def test_upsert_task_as_documented(client: AsyncClient) -> None:
    dataset = await client.create_dataset("d", iam_integration=None)
    task = await dataset.create_data_rows(
        [
            {"row_data": "https://example.com/a.jpg", "global_key": "a"},
            {"row_data": "https://example.com/b.jpg", "global_key": "b"},
        ]
    )
    await task.wait_till_done()
    assert await task.errors is None
    assert await task.failed_data_rows is None
    result = await task.result
    assert sorted(r["global_key"] for r in result) == ["a", "b"]
    created = await task.created_data_rows
    assert created is not None
    assert sorted(r["global_key"] for r in created) == ["a", "b"]
    assert [r["global_key"] async for r in task.result] == [r["global_key"] for r in result]
    assert [r async for r in task.result()] == result
    with pytest.raises(TypeError, match=r"await task\.errors"):
        bool(task.errors)  # the documents' `if task.errors:` without await
    with pytest.raises(TypeError, match=r"await task\.result"):
        bool(task.result())


async def test_errors_are_a_list_when_rows_are_refused(client: AsyncClient) -> None:
    dataset = await client.create_dataset("d", iam_integration=None)
    first = await dataset.create_data_rows([{"row_data": "https://e.com/a.jpg", "global_key": "k"}])
    await first.wait_till_done()
    other = await client.create_dataset("e", iam_integration=None)
    task = await other.create_data_rows([{"row_data": "https://e.com/b.jpg", "global_key": "k"}])
    await task.wait_till_done()
    errors = await task.errors
    assert errors is not None
    assert len(errors) == 1
    assert "message" in errors[0]
    assert await task.failed_data_rows == errors
    assert await task.has_errors()


async def test_export_task_result_and_errors(client: AsyncClient) -> None:
    dataset = await client.create_dataset("d", iam_integration=None)
    made = await dataset.create_data_rows([{"row_data": "https://e.com/a.jpg", "global_key": "x"}])
    await made.wait_till_done()
    export = await dataset.export()
    await export.wait_till_done()
    assert await export.errors is None
    [row] = await export.result
    assert row["data_row"]["global_key"] == "x"
    async with contextlib.aclosing(export.result()) as rows:
        assert [r["data_row"]["global_key"] async for r in rows] == ["x"]


async def test_task_creator_and_organization(client: AsyncClient) -> None:
    dataset = await client.create_dataset("owned", iam_integration=None)
    task = await dataset.export()
    await task.wait_till_done()
    user, org = await client.get_user(), await client.get_organization()
    assert (await task.created_by()).uid == user.uid
    assert (await task.organization()).uid == org.uid
    found = await client.get_task_by_id(task.uid)
    assert (await found.created_by()).email == user.email


async def test_an_unknown_task_has_no_creator(client: AsyncClient) -> None:
    from aiolabel import ResourceNotFoundError, Task

    ghost = Task.from_wire(client, {"id": "no-such-task"})
    with pytest.raises(ResourceNotFoundError):
        await ghost.created_by()
