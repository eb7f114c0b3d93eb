"""Injection: ids, global keys, names, metadata and attachment values holding quotes,
backslashes, braces, newlines, unicode and GraphQL syntax are stored and read back verbatim
through every path that carries them (values travel as variables; the LPO list, the one literal,
is escaped), against the emulator in process."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from aiolabel import AsyncClient, GlobalKey, UniqueId
from aiolabel.emulator import Emulator
from aiolabel.enums import MediaType
from aiolabel.errors import InvalidQueryError, LabelboxError, MalformedQueryException
from aiolabel.models.dataset import Dataset
from aiolabel.models.project import Project

NASTY = [
    *"\"'\\{}[]()$!#:,@|&=`",
    "\n",
    "\r\n",
    "\t",
    "\u2028",
    "\u200b",
    "é",
    "漢字",
    "😀",
    "\x00",
]
GRAPHQL = [
    '") { id } } mutation { deleteDataset(where: {id: "x"}) { id } } #',
    '"""block"""',
    '\\"',
    "\\u0041",
    "${id}",
    '{"a": [1, 2]}',
    "query { user { id } }",
    "'; DROP TABLE data_rows; --",
    "\\n",
    "null",
    "__typename",
    "... on Query { x }",
]
weird = (
    st.lists(
        st.one_of(st.sampled_from(NASTY), st.sampled_from(GRAPHQL), st.text(max_size=4)),
        min_size=1,
        max_size=6,
    )
    .map("".join)
    .filter(lambda s: bool(s.strip()) and len(s) <= 180)
)
SETTINGS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def on_emulator(body: Callable[[AsyncClient], Awaitable[None]]) -> None:
    async def run() -> None:
        async with (
            Emulator() as emu,
            AsyncClient(api_key=emu.api_key, endpoint=emu.endpoint, transport=emu.transport) as c,
        ):
            await body(c)

    anyio.run(run)


async def exported(task: Any) -> list[dict[str, Any]]:
    await task.wait_till_done()
    return [line async for line in task.result()]


@SETTINGS
@given(key=weird, external_id=weird, note=weird, name=weird, text=weird, second=weird)
def test_catalog_paths_keep_every_value_verbatim(
    key: str, external_id: str, note: str, name: str, text: str, second: str
) -> None:
    key2 = "2:" + second
    assume(not key2.endswith(" ") and "  " not in key2)  # badly spaced keys are refused

    async def body(client: AsyncClient) -> None:
        dataset = await client.create_dataset(name, description=text, iam_integration=None)
        task = await dataset.create_data_rows(
            [
                {
                    "row_data": "https://cdn.example.com/i.jpg",
                    "global_key": key,
                    "external_id": external_id,
                    "metadata_fields": [{"name": "tag", "value": note}],
                    "attachments": [{"type": "RAW_TEXT", "value": text, "name": name}],
                }
            ]
        )
        await task.wait_till_done()
        assert not await task.has_errors()

        # names and descriptions, found by a where filter on the name
        [found] = await client.get_datasets(where=Dataset.name == name).to_list()
        assert (found.uid, found.name, found.description) == (dataset.uid, name, text)

        # global-key jobs and the row itself
        ids = await client.get_data_row_ids_for_global_keys([key])
        assert ids["status"] == "SUCCESS"
        row = await client.get_data_row_by_global_key(key)
        assert (row.uid, row.global_key, row.external_id) == (ids["results"][0], key, external_id)
        assert [m["value"] for m in row.metadata_fields if m.get("name") == "tag"] == [note]
        [att] = [a async for a in row.attachments()]
        assert (att.attachment_value, att.attachment_name) == (text, name)
        assert (await client.get_data_row_ids_for_external_ids([external_id]))[external_id] == [
            row.uid
        ]

        # exports
        [line] = await exported(
            await dataset.export(params={"metadata_fields": True, "attachments": True})
        )
        details = line["data_row"]
        assert (details["global_key"], details["external_id"]) == (key, external_id)
        assert [m["value"] for m in line["metadata_fields"] if m["schema_name"] == "tag"] == [note]
        assert [(a["value"], a["name"]) for a in line["attachments"]] == [(text, name)]

        # reassigning, then clearing, a key
        assigned = await client.assign_global_keys_to_data_rows(
            [{"data_row_id": row.uid, "global_key": key2}]
        )
        assert assigned["status"] == "SUCCESS", assigned
        assert (await client.get_data_row(row.uid)).global_key == key2
        cleared = await client.clear_global_keys([key2])
        assert cleared["results"] == [key2]
        assert (await client.get_data_row(row.uid)).global_key is None

    on_emulator(body)


@SETTINGS
@given(key=weird, project_name=weird, batch_name=weird, missing_id=weird)
def test_project_paths_keep_every_value_verbatim(
    key: str, project_name: str, batch_name: str, missing_id: str
) -> None:
    async def body(client: AsyncClient) -> None:
        dataset = await client.create_dataset("d", iam_integration=None)
        rows = [{"row_data": "https://cdn.example.com/p.jpg", "global_key": key}]
        await (await dataset.create_data_rows(rows)).wait_till_done()
        project = await client.create_project(project_name, MediaType.Image, description=key)
        [found] = await client.get_projects(where=Project.name == project_name).to_list()
        assert (found.uid, found.name, found.description) == (project.uid, project_name, key)

        batch = await project.create_batch(batch_name, global_keys=[key])
        assert batch.name == batch_name
        assert [b.name async for b in project.batches()] == [batch_name]
        assert (await client.get_batch(project.uid, batch.uid)).name == batch_name

        # the one literal list: a global key full of GraphQL syntax, escaped
        assert await project.set_labeling_parameter_overrides([(GlobalKey(key), 3)])
        [lpo] = [o async for o in project.labeling_parameter_overrides()]
        assert (lpo.priority, lpo.cached_data_row.global_key) == (3, key)
        # ... and an id that names nothing: refused as such, never a broken document
        with pytest.raises(LabelboxError) as info:
            await project.set_labeling_parameter_overrides([(UniqueId(missing_id), 2)])
        assert not isinstance(info.value, InvalidQueryError | MalformedQueryException), info.value

        [line] = await exported(await project.export(params={"project_details": True}))
        assert line["data_row"]["global_key"] == key
        details = line["projects"][project.uid]["project_details"]
        assert (details["batch_name"], details["priority"]) == (batch_name, 3)

    on_emulator(body)
