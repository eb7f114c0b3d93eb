"""DataRow, attachments, global keys and external ids against the emulator; each test checks
the stored state."""

from __future__ import annotations

import pytest

from aiolabel import AsyncClient
from aiolabel.emulator import Emulator
from aiolabel.errors import LabelboxError, ResourceNotFoundError, TimeoutError
from aiolabel.identifiers import GlobalKeys, UniqueIds
from aiolabel.models.attachment import AssetAttachment
from aiolabel.models.data_row import DataRow
from tests.integration._support import query, requests


def _stored(emu: Emulator, data_row_id: str) -> dict[str, object]:
    [row] = query(emu, "SELECT * FROM data_rows WHERE id = ?", data_row_id)
    return row


async def test_get_data_row_and_its_dataset(client: AsyncClient, emu: Emulator) -> None:
    made = emu.control("bulk_create_data_rows", count=2, global_key_prefix="g", dataset_name="n")
    row = await client.get_data_row(made["ids"][1])
    stored = _stored(emu, row.uid)
    assert (row.global_key, row.row_data) == (stored["global_key"], stored["row_data"])
    dataset = await row.dataset()
    assert (dataset.uid, dataset.name) == (made["dataset_id"], "n")
    assert (await row.organization()).uid == emu.state.org_id
    assert (await row.created_by()).uid == emu.state.user_id
    with pytest.raises(ResourceNotFoundError):
        await client.get_data_row("missing")
    assert requests(emu, "GetMetadataOntologyBetaPyApi") == 0


async def test_update_and_delete(client: AsyncClient, emu: Emulator) -> None:
    made = emu.control("bulk_create_data_rows", count=2, global_key_prefix="u")
    row = await client.get_data_row(made["ids"][0])
    updated = await row.update(external_id="ext", global_key="renamed", row_data={"text": "hi"})
    stored = _stored(emu, row.uid)
    assert (stored["external_id"], stored["global_key"]) == ("ext", "renamed")
    assert stored["row_data"] == '{"text": "hi"}'
    assert updated is row  # updated in place, as the official SDK does
    assert (row.external_id, row.global_key) == ("ext", "renamed")
    await updated.update(external_id="x", metadata_fields=[{"name": "tag", "value": "v"}])
    [meta] = query(emu, "SELECT * FROM data_row_metadata WHERE data_row_id = ?", row.uid)
    assert meta["value"] == '"v"'
    await row.delete()
    assert _stored(emu, row.uid)["deleted"] == 1
    assert _stored(emu, made["ids"][1])["deleted"] == 0


async def test_bulk_delete_is_chunked_and_concurrent(client: AsyncClient, emu: Emulator) -> None:
    made = emu.control("bulk_create_data_rows", count=2_600)
    rows = [DataRow.model_validate({"id": i})._bind(client) for i in made["ids"][:2_500]]
    seen: list[tuple[int, int | None]] = []
    await DataRow.bulk_delete(rows, progress=lambda d, t: seen.append((d, t)))
    deleted = query(emu, "SELECT id FROM data_rows WHERE deleted = 1")
    assert sorted(r["id"] for r in deleted) == sorted(made["ids"][:2_500])
    assert requests(emu, "deleteDataRowsPyApi") == 3
    assert len(seen) == 3  # one call per chunk, as chunks finish (in any order)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert seen[-1] == (2_500, 2_500)
    await DataRow.bulk_delete(UniqueIds(made["ids"][2_500:2_510]), client=client)
    assert len(query(emu, "SELECT id FROM data_rows WHERE deleted = 1")) == 2_510


async def test_attachments(client: AsyncClient, emu: Emulator) -> None:
    made = emu.control("bulk_create_data_rows", count=1)
    row = await client.get_data_row(made["ids"][0])
    first = await row.create_attachment("RAW_TEXT", "hello", "greeting")
    second = await row.create_attachment("IMAGE", "https://x/o.png")
    listed = [a async for a in row.attachments()]
    assert [a.uid for a in listed] == [first.uid, second.uid]
    assert isinstance(listed[0], AssetAttachment)
    assert (listed[0].attachment_type, listed[0].attachment_value, listed[0].attachment_name) == (
        "RAW_TEXT",
        "hello",
        "greeting",
    )
    changed = await first.update(value="bye", name="farewell")
    assert changed is first  # updated in place, as the official SDK does
    assert (first.attachment_value, first.attachment_name) == ("bye", "farewell")
    stored = {r["id"]: r for r in query(emu, "SELECT * FROM attachments")}
    assert (stored[first.uid]["value"], stored[first.uid]["name"]) == ("bye", "farewell")
    await second.delete()
    assert set(r["id"] for r in query(emu, "SELECT id FROM attachments")) == {first.uid}


async def test_global_key_lookup_assign_and_clear(client: AsyncClient, emu: Emulator) -> None:
    made = emu.control("bulk_create_data_rows", count=3, global_key_prefix="gk")
    ids = made["ids"]

    found = await client.get_data_row_ids_for_global_keys(GlobalKeys(["gk0", "missing", "gk2"]))
    assert found == {
        "status": "PARTIAL SUCCESS",
        "results": [ids[0], "", ids[2]],
        "errors": [{"global_key": "missing", "error": "Data Row not found"}],
    }
    row = await client.get_data_row_by_global_key("gk1")
    assert row.uid == ids[1]
    with pytest.raises(ResourceNotFoundError):
        await client.get_data_row_by_global_key("missing")

    assigned = await client.assign_global_keys_to_data_rows(
        [
            {"data_row_id": ids[0], "global_key": "fresh"},
            {"data_row_id": "no-such-row", "global_key": "other"},
        ]
    )
    assert assigned["status"] == "PARTIAL SUCCESS"
    assert assigned["results"] == [
        {"data_row_id": ids[0], "global_key": "fresh", "sanitized": False}
    ]
    assert assigned["errors"] == [
        {
            "data_row_id": "no-such-row",
            "global_key": "other",
            "error": "Invalid assignment. Either DataRow does not exist, or globalKey is invalid",
        }
    ]
    assert _stored(emu, ids[0])["global_key"] == "fresh"

    cleared = await client.clear_global_keys(["fresh", "gk1", "nothing"])
    assert cleared["status"] == "PARTIAL SUCCESS"
    assert cleared["results"] == ["fresh", "gk1"]
    assert cleared["errors"] == [
        {
            "global_key": "nothing",
            "error": "Failed to find data row matching provided global key",
        }
    ]
    assert [_stored(emu, i)["global_key"] for i in ids] == [None, None, "gk2"]

    failed = await client.clear_global_keys(["nothing"])
    assert (failed["status"], failed["results"]) == ("FAILURE", [])


async def test_global_key_jobs_poll_with_backoff(client: AsyncClient, emu: Emulator) -> None:
    made = emu.control("bulk_create_data_rows", count=1, global_key_prefix="p")
    emu.set_transition("get-data-rows-for-global-keys", {"mode": "polls", "n": 3})
    found = await client.get_data_row_ids_for_global_keys(["p0"])
    assert found["results"] == made["ids"]
    assert requests(emu, "getDataRowsForGlobalKeysResultPyApi") == 4

    emu.set_transition("clear-global-keys", {"mode": "fail"})
    with pytest.raises(LabelboxError, match="failed"):
        await client.clear_global_keys(["p0"])

    emu.set_transition("assign-global-keys-to-data-rows", {"mode": "polls", "n": 1000})
    with pytest.raises(TimeoutError, match="assign_global_keys_to_data_rows"):
        await client.assign_global_keys_to_data_rows(
            [{"data_row_id": made["ids"][0], "global_key": "q"}], timeout_seconds=0.5
        )
    # the job was accepted: giving up waiting does not undo it on the server
    assert _stored(emu, made["ids"][0])["global_key"] == "q"


async def test_external_ids_in_concurrent_chunks(client: AsyncClient, emu: Emulator) -> None:
    made = emu.control("bulk_create_data_rows", count=250, external_id_prefix="x")
    extra = emu.control("bulk_create_data_rows", count=1, external_id_prefix="x")
    wanted = [f"x{i}" for i in range(250)] + ["absent"]
    found = await client.get_data_row_ids_for_external_ids(wanted)
    assert requests(emu, "externalIdsToDataRowIdsPyApi") == 3
    assert found["x0"] == sorted([made["ids"][0], extra["ids"][0]], key=found["x0"].index)
    assert len(found["x0"]) == 2
    assert all(found[f"x{i}"] == [made["ids"][i]] for i in range(1, 250))
    assert "absent" not in found
