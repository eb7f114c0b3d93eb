"""The paginated listings the official SDK reads (overrides, batches, dataset rows, labels) cost
one page per page: every statement they run is an index search in listing order (no scan, no
sort), and the offset pages (overrides, labels) continue from where the previous page ended."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from aiolabel.emulator import Emulator, EmulatorConfig
from tests.emulator._support import (
    DATASET_ROWS,
    LPOS,
    PROJECT_BATCHES,
    create_batch,
    lpo_document,
    new_project,
    rows,
)
from tests.emulator.conftest import Gql

TABLES = ("project_data_rows", "data_rows", "batches", "labels")


@contextmanager
def statements(emu: Emulator) -> Iterator[list[str]]:
    """Every SQL statement the emulator runs inside the block, with its values filled in."""
    seen: list[str] = []
    with emu.state.store.reading() as conn:
        conn.set_trace_callback(seen.append)
    try:
        yield seen
    finally:
        with emu.state.store.reading() as conn:
            conn.set_trace_callback(None)


def plans(emu: Emulator, sql: list[str]) -> list[tuple[str, list[str]]]:
    """``EXPLAIN QUERY PLAN`` of each SELECT on a listed table."""
    out = []
    with emu.state.store.reading() as conn:
        for text in sql:
            if not text.lstrip().upper().startswith("SELECT"):
                continue
            if not any(table in text for table in TABLES):
                continue
            detail = [str(r[3]) for r in conn.execute("EXPLAIN QUERY PLAN " + text)]
            out.append((text, detail))
    return out


def assert_indexed(found: list[tuple[str, list[str]]]) -> None:
    assert found, "no listing statement was seen"
    for text, detail in found:
        for step in detail:
            assert not step.startswith("SCAN"), (text, detail)
            assert "TEMP B-TREE" not in step, (text, detail)


async def queued_project(emu: Emulator, gql: Gql, count: int) -> tuple[str, list[str]]:
    """A project whose queue holds ``count`` rows in two batches of different priority, with
    overrides giving runs of equal priority that cross page boundaries."""
    project_id = await new_project(gql)
    ids = rows(emu, count)
    half = count // 2
    await create_batch(gql, project_id, "first", ids[:half])
    await create_batch(gql, project_id, "second", ids[half:], priority=3)
    items = [(key, "ID", 1 + (i // 70) % 4) for i, key in enumerate(ids[: count // 3])]
    await gql.data(lpo_document(items), {"projectId": project_id})
    return project_id, ids


async def lpo_page(gql: Gql, project_id: str, skip: int) -> list[str]:
    page = (await gql.data(LPOS % skip, {"param_0": project_id}))["project"][
        "labelingParameterOverrides"
    ]
    return [item["dataRow"]["id"] for item in page]


async def test_override_pages_are_index_searches_from_the_previous_page_end(
    emu: Emulator, gql: Gql
) -> None:
    project_id, _ = await queued_project(emu, gql, 450)
    expected = [r["data_row_id"] for r in emu.control("labeling_queue", project_id=project_id)]
    listed: list[str] = []
    with statements(emu) as sql:
        for skip in range(0, 500, 100):
            listed += await lpo_page(gql, project_id, skip)
    assert listed == expected
    queue_reads = [s for s in sql if "FROM project_data_rows p JOIN" in s]
    assert sum("OFFSET" in s for s in queue_reads) == 0, "every page continued from a key"
    assert_indexed(plans(emu, sql))


async def test_a_write_between_pages_falls_back_to_the_offset(emu: Emulator, gql: Gql) -> None:
    project_id, _ = await queued_project(emu, gql, 300)
    first = await lpo_page(gql, project_id, 0)
    # move the last queued row to the front: the remembered key no longer marks position 100
    last = [r["data_row_id"] for r in emu.control("labeling_queue", project_id=project_id)][-1]
    await gql.data(lpo_document([(last, "ID", -5)]), {"projectId": project_id})
    expected = [r["data_row_id"] for r in emu.control("labeling_queue", project_id=project_id)]
    with statements(emu) as sql:
        second = await lpo_page(gql, project_id, 100)
    assert second == expected[100:200]
    assert first[0] != expected[0] == last
    assert any("OFFSET" in s for s in sql if "FROM project_data_rows p JOIN" in s)


async def test_batch_and_dataset_row_pages_are_index_searches(emu: Emulator, gql: Gql) -> None:
    project_id = await new_project(gql)
    made = emu.control("bulk_create_data_rows", count=30)
    for k in range(5):
        await create_batch(gql, project_id, f"b{k}", made["ids"][6 * k : 6 * k + 6])
    with statements(emu) as sql:
        page = (
            await gql.data(
                PROJECT_BATCHES,
                {"projectId": project_id, "from": None, "first": 2},
                experimental=True,
            )
        )["project"]["batches"]
        await gql.data(
            PROJECT_BATCHES,
            {"projectId": project_id, "from": page["pageInfo"]["endCursor"], "first": 2},
            experimental=True,
        )
        rows_page = (
            await gql.data(DATASET_ROWS, {"id": made["dataset_id"], "first": 10, "where": None})
        )["datasetDataRows"]
        await gql.data(
            DATASET_ROWS,
            {
                "id": made["dataset_id"],
                "first": 10,
                "from": rows_page["pageInfo"]["startCursor"],
                "where": None,
            },
        )
    found = plans(emu, sql)
    assert any("FROM batches" in text for text, _ in found)
    assert any("FROM data_rows" in text for text, _ in found)
    assert_indexed(found)


PROJECT_LABELS = (
    "query GetProjectLabelsPyApi($projectId: ID!) {project (where: {id: $projectId})"
    " {labels (skip: %d first: 100 %s) {id createdAt}}}"
)
"""The official SDK's ``project.labels()`` page (``%s``: its optional ``where:{...}``)."""
DATA_ROW_LABELS = (
    "query DataRowLabels($id: ID!) {dataRow(where: {id: $id}) {labels(skip: %d first: 2) {id}}}"
)


def label_order(emu: Emulator, sql: str, *params: object) -> list[str]:
    with emu.state.store.reading() as conn:
        return [r[0] for r in conn.execute(sql, params)]


async def labelled_project(emu: Emulator, gql: Gql, count: int) -> tuple[str, list[str]]:
    """A project with ``count`` labels on ``count * 2 // 3`` rows (the first rows labelled
    twice), 40 of them made at one instant across the first page boundary, so the order falls
    back to the ids there."""
    project_id = await new_project(gql)
    ids = rows(emu, count * 2 // 3)
    await create_batch(gql, project_id, "b", ids)
    for i in range(count):
        second = 1 if 80 <= i < 120 else 0 if i < 80 else 2
        stamp = f"2026-01-01T00:00:0{second}.{0 if second == 1 else i:03d}Z"
        emu.control(
            "add_label",
            project_id=project_id,
            data_row_id=ids[i % len(ids)],
            created_at=stamp,
            move_to="stay",
        )
    return project_id, ids


async def label_page(gql: Gql, project_id: str, skip: int, where: str = "") -> list[str]:
    found = await gql.data(PROJECT_LABELS % (skip, where), {"projectId": project_id})
    return [label["id"] for label in found["project"]["labels"]]


def label_reads(sql: list[str]) -> list[str]:
    return [s for s in sql if "FROM labels l" in s]


async def test_label_pages_are_index_searches_from_the_previous_page_end(
    emu: Emulator, gql: Gql
) -> None:
    project_id, ids = await labelled_project(emu, gql, 250)
    expected = label_order(
        emu,
        "SELECT id FROM labels WHERE project_id = ? AND deleted = 0 ORDER BY created_at, id",
        project_id,
    )
    assert len(expected) == 250
    listed: list[str] = []
    with statements(emu) as sql:
        for skip in range(0, 300, 100):
            listed += await label_page(gql, project_id, skip)
        row_labels = []
        for skip in range(0, 4, 2):
            found = await gql.data(DATA_ROW_LABELS % skip, {"id": ids[0]})
            row_labels += [label["id"] for label in found["dataRow"]["labels"]]
    assert listed == expected
    assert row_labels == label_order(
        emu,
        "SELECT id FROM labels WHERE data_row_id = ? AND deleted = 0 ORDER BY created_at, id",
        ids[0],
    )
    assert len(row_labels) == 2
    reads = label_reads(sql)
    assert sum("OFFSET 0" not in s and "OFFSET" in s for s in reads) == 0, (
        "every later page continued from a key"
    )
    assert sum("(l.created_at, l.id) >" in s for s in reads) == 3  # two project pages, one row
    assert_indexed(plans(emu, sql))


async def test_filtered_label_pages_continue_within_their_filter(emu: Emulator, gql: Gql) -> None:
    project_id = await new_project(gql)
    made = [emu.control("bulk_create_data_rows", count=150) for _ in range(2)]
    await create_batch(gql, project_id, "b", made[0]["ids"] + made[1]["ids"])
    for i in range(150):  # alternately a row of the first dataset and of the second
        for half in made:
            emu.control("add_label", project_id=project_id, data_row_id=half["ids"][i])
    in_first = f'where:{{dataRow: {{dataset: {{id_in: ["{made[0]["dataset_id"]}"]}}}}}}'
    everything = await_all(emu, project_id)
    first_only = label_order(
        emu,
        "SELECT l.id FROM labels l JOIN data_rows d ON d.id = l.data_row_id"
        " WHERE l.project_id = ? AND d.dataset_id = ? ORDER BY l.created_at, l.id",
        project_id,
        made[0]["dataset_id"],
    )
    assert len(first_only) == 150
    assert await label_page(gql, project_id, 0) == everything[:100]
    # the filtered listing at offset 100 does not continue from the unfiltered page's end
    assert await label_page(gql, project_id, 100, in_first) == first_only[100:200]
    listed = [x for skip in (0, 100) for x in await label_page(gql, project_id, skip, in_first)]
    assert listed == first_only
    assert await label_page(gql, project_id, 100) == everything[100:200]


def await_all(emu: Emulator, project_id: str) -> list[str]:
    return label_order(
        emu,
        "SELECT id FROM labels WHERE project_id = ? AND deleted = 0 ORDER BY created_at, id",
        project_id,
    )


async def test_a_label_made_between_pages_falls_back_to_the_offset(emu: Emulator, gql: Gql) -> None:
    project_id, ids = await labelled_project(emu, gql, 150)
    first = await label_page(gql, project_id, 0)
    early = emu.control(
        "add_label",
        project_id=project_id,
        data_row_id=ids[-1],
        created_at="2000-01-01T00:00:00.000Z",
        move_to="stay",
    )
    expected = await_all(emu, project_id)
    with statements(emu) as sql:
        second = await label_page(gql, project_id, 100)
    assert expected[0] == early["id"] != first[0]
    assert second == expected[100:200]
    assert any("OFFSET 100" in s for s in label_reads(sql))


def test_trace_sees_filled_in_values() -> None:
    """The plan check relies on traced statements carrying their values (Python >= 3.11)."""
    conn = sqlite3.connect(":memory:")
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    conn.execute("SELECT ?", (7,))
    assert seen == ["SELECT 7"]


async def test_pages_differing_in_skip_are_validated_once(emu: Emulator, gql: Gql) -> None:
    project_id, _ = await queued_project(emu, gql, 250)
    executor = emu.state.executor
    await lpo_page(gql, project_id, 0)
    misses = executor.cache_misses
    validated = executor.cache_hits
    assert len(await lpo_page(gql, project_id, 200)) == 50
    # one miss for the new text, then a hit on its ``skip: 0`` form: no second validation
    assert (executor.cache_misses, executor.cache_hits) == (misses + 1, validated + 1)
    too_big = await gql(LPOS % 10**10, {"param_0": project_id})
    assert too_big["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    unknown = await gql((LPOS % 100).replace("numberOfLabels", "nope"), {"param_0": project_id})
    assert unknown["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


OLD_QUEUE_INDEX = (
    "CREATE INDEX project_data_rows_queue_order ON project_data_rows"
    " (project_id, COALESCE(lpo_priority, batch_priority), batch_priority, seq)"
)
"""The queue-order index of emulators before it was keyed by the project's seq."""


def client(emu: Emulator) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=emu.transport, base_url=emu.endpoint.removesuffix("/graphql")
    )


async def test_a_file_from_before_the_seq_keyed_queue_index_upgrades(tmp_path: Path) -> None:
    config = EmulatorConfig(db=str(tmp_path / "emu.sqlite3"))
    async with Emulator(config) as emu, client(emu) as http:
        gql = Gql(http, emu.api_key)
        project_id, _ = await queued_project(emu, gql, 250)
        other_id, _ = await queued_project(emu, gql, 30)
        expected = [r["data_row_id"] for r in emu.control("labeling_queue", project_id=project_id)]
    with sqlite3.connect(config.db) as conn:  # the file as an older emulator left it
        conn.execute("DROP INDEX project_data_rows_queue")
        conn.execute("ALTER TABLE project_data_rows DROP COLUMN project_seq")
        conn.execute(OLD_QUEUE_INDEX)
    conn.close()
    async with Emulator(config) as emu, client(emu) as http:
        gql = Gql(http, emu.api_key)
        with emu.state.store.reading() as conn:
            indexes = {r[1] for r in conn.execute("PRAGMA index_list(project_data_rows)")}
            unset = conn.execute(
                "SELECT COUNT(*) FROM project_data_rows WHERE project_seq IS NULL"
            ).fetchone()[0]
        assert "project_data_rows_queue" in indexes
        assert "project_data_rows_queue_order" not in indexes
        assert unset == 0
        listed: list[str] = []
        with statements(emu) as sql:
            for skip in range(0, 300, 100):
                listed += await lpo_page(gql, project_id, skip)
        assert listed == expected
        assert_indexed(plans(emu, sql))
        assert len(await lpo_page(gql, other_id, 0)) == 30
        # rows queued after the upgrade join the same index
        later = await new_project(gql)
        await create_batch(gql, later, "late", rows(emu, 5))
        assert len(await lpo_page(gql, later, 0)) == 5


async def test_a_file_from_before_the_label_listing_indexes_upgrades(tmp_path: Path) -> None:
    config = EmulatorConfig(db=str(tmp_path / "emu.sqlite3"))
    async with Emulator(config) as emu, client(emu) as http:
        project_id, _ = await labelled_project(emu, Gql(http, emu.api_key), 150)
        expected = await_all(emu, project_id)
    with sqlite3.connect(config.db) as conn:  # the file as an older emulator left it
        conn.execute("DROP INDEX labels_of_project")
        conn.execute("DROP INDEX labels_of_data_row")
        conn.execute("CREATE INDEX labels_by_data_row ON labels (data_row_id, deleted)")
    conn.close()
    async with Emulator(config) as emu, client(emu) as http:
        with emu.state.store.reading() as conn:
            indexes = {r[1] for r in conn.execute("PRAGMA index_list(labels)")}
        assert {"labels_of_project", "labels_of_data_row"} <= indexes
        assert "labels_by_data_row" not in indexes
        gql = Gql(http, emu.api_key)
        with statements(emu) as sql:
            listed = [x for skip in (0, 100) for x in await label_page(gql, project_id, skip)]
        assert listed == expected
        assert_indexed(plans(emu, sql))


async def test_a_page_end_read_inside_a_rolled_back_transaction_is_forgotten(
    emu: Emulator, gql: Gql
) -> None:
    """A rollback undoes writes without counting as one: the page ends recorded while they
    stood are dropped, and the next page is read by OFFSET from the restored queue."""
    from aiolabel.emulator.resolvers.labeling import queue_page

    project_id, _ = await queued_project(emu, gql, 300)
    expected = [r["data_row_id"] for r in emu.control("labeling_queue", project_id=project_id)]
    store = emu.state.store

    class Refused(Exception):
        pass

    with contextlib.suppress(Refused), store.transaction() as conn:
        # the last 100 rows to the front, then the first page read as they stand
        conn.execute(
            "UPDATE project_data_rows SET lpo_priority = -1 WHERE project_id = ?"
            " AND data_row_id IN (SELECT value FROM json_each(?))",
            (project_id, json.dumps(expected[-100:])),
        )
        moved = [r["data_row_id"] for r in queue_page(conn, store.page_ends, project_id, 0, 100)]
        assert sorted(moved) == sorted(expected[-100:])
        raise Refused
    assert [r["data_row_id"] for r in emu.control("labeling_queue", project_id=project_id)] == (
        expected
    )
    with statements(emu) as sql:
        assert await lpo_page(gql, project_id, 100) == expected[100:200]
    assert any("OFFSET" in s for s in sql if "FROM project_data_rows p JOIN" in s)


def test_each_store_keeps_its_own_page_ends() -> None:
    from aiolabel.emulator.store import Store

    first, second = Store(), Store()
    with first.reading() as conn:
        first.page_ends.ended(conn, ("queue", "p"), 100, (1, 1, 1))
        assert first.page_ends.after(conn, ("queue", "p"), 100) == (1, 1, 1)
    with second.reading() as conn:
        assert second.page_ends.after(conn, ("queue", "p"), 100) is None
