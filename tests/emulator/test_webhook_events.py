"""The emulator's webhook events: which webhooks hear which change, one event per label in bulk
operations, the older review topics, and a bounded queue that never holds up a request."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from aiolabel import (
    AsyncClient,
    ConflictResolutionStrategy,
    Label,
    MediaType,
    Project,
    UniqueIds,
    Webhook,
)
from aiolabel.emulator import Emulator
from tests._support.receiver import Receiver
from tests.emulator.conftest import Gql

SECRET = "hook-secret"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


async def _hook(
    client: AsyncClient, receiver: Receiver, topics: list[str], project: Project | None
) -> Webhook:
    hook = await Webhook.create(client, topics, receiver.url, SECRET, project)
    receiver.secrets[hook.uid] = SECRET
    return hook


async def _labelled(
    client: AsyncClient, emu: Emulator, count: int, name: str = "p", **label: Any
) -> tuple[Project, list[str], list[str]]:
    """A project whose ``count`` rows carry one label each (``add_label`` arguments ``label``):
    the project, row ids, label ids."""
    ids: list[str] = emu.control("bulk_create_data_rows", count=count)["ids"]
    project = await client.create_project(name, MediaType.Image)
    await project.create_batch("b", ids)
    labels = [
        emu.control("add_label", project_id=project.uid, data_row_id=i, **label)["id"] for i in ids
    ]
    return project, ids, labels


async def test_a_bulk_delete_is_one_event_per_label_for_the_hooks_in_scope(
    client: AsyncClient, emu: Emulator, receiver: Receiver
) -> None:
    first, _, first_labels = await _labelled(client, emu, 600, "first")
    second, _, second_labels = await _labelled(client, emu, 3, "second")
    assert emu.control("webhook_deliveries") == []  # no webhook yet: nothing was queued
    on_first = await _hook(client, receiver, ["LABEL_DELETED"], first)
    on_org = await _hook(client, receiver, ["LABEL_DELETED"], None)
    await _hook(client, receiver, ["LABEL_CREATED", "LABEL_UPDATED"], None)  # other topics
    everything = [label async for label in first.labels()] + [
        label async for label in second.labels()
    ]
    await Label.bulk_delete(everything)  # 603 labels: two projects, more than one request
    emu.control("webhook_deliveries")
    events = receiver.events("LABEL_DELETED")
    heard = Counter((e["webhookId"], e["id"]) for e in events)
    assert set(heard.values()) == {1}
    assert set(heard) == {(on_first.uid, i) for i in first_labels} | {
        (on_org.uid, i) for i in first_labels + second_labels
    }
    assert {e["project"]["id"] for e in events if e["webhookId"] == on_first.uid} == {first.uid}
    assert len(receiver.posts) == len(events)


async def test_older_review_topics(
    client: AsyncClient, emu: Emulator, gql: Gql, receiver: Receiver
) -> None:
    """Webhooks made through the API with REVIEW_CREATED / REVIEW_UPDATED (topics the official
    SDK no longer offers) hear reviews under them; a removal is a REVIEW_UPDATED."""
    project, ids, [label_id] = await _labelled(client, emu, 1)
    data = await gql.data(
        "mutation($url: String!) { createWebhook(data: {topics: {set: [REVIEW_CREATED"
        ' REVIEW_UPDATED REVIEW_DELETED]}, url: $url, secret: "' + SECRET + '"}) { id } }',
        {"url": receiver.url},
    )
    hook_id = data["createWebhook"]["id"]
    receiver.secrets[hook_id] = SECRET
    [label] = await project.labels().to_list()
    review = await label.create_review(score=1)
    emu.control("webhook_deliveries")
    await review.update(score=0)
    emu.control("webhook_deliveries")
    await review.delete()
    emu.control("webhook_deliveries")
    got = [(p.topic, p.event) for p in receiver.posts]
    assert all(p.verified for p in receiver.posts)
    assert [topic for topic, _ in got] == ["REVIEW_CREATED", "REVIEW_UPDATED", "REVIEW_UPDATED"]
    assert [(e["id"], e["score"], e["deleted"]) for _, e in got] == [
        (review.uid, 1.0, False),
        (review.uid, 0.0, False),
        (review.uid, 0.0, True),
    ]
    assert {(e["label"]["id"], e["dataRow"]["id"], e["project"]["id"]) for _, e in got} == {
        (label_id, ids[0], project.uid)
    }


async def test_an_overwriting_send_deletes_then_creates(
    client: AsyncClient, emu: Emulator, receiver: Receiver
) -> None:
    annotations = {"objects": [{"feature_schema_id": "new"}]}
    source, ids, _ = await _labelled(client, emu, 2, "source", annotations=annotations)
    override = ConflictResolutionStrategy.OverrideWithAnnotations
    dest = await client.create_project("dest", MediaType.Image)
    await dest.create_batch("first", ids[:1])
    old = emu.control("add_label", project_id=dest.uid, data_row_id=ids[0])["id"]
    hook = await _hook(client, receiver, ["LABEL_CREATED", "LABEL_DELETED"], dest)
    task = await client.send_to_annotate_from_catalog(
        dest.uid,
        None,
        "copy",
        UniqueIds(ids),
        {
            "source_project_id": source.uid,
            "override_existing_annotations_rule": override,
        },
    )
    await task.wait_till_done()
    emu.control("webhook_deliveries")
    made = {label.uid: (await label.data_row()).uid async for label in dest.labels()}
    [deleted] = receiver.events("LABEL_DELETED")
    assert (deleted["id"], deleted["dataRow"]["id"], deleted["deleted"]) == (old, ids[0], True)
    created = receiver.events("LABEL_CREATED")
    assert {e["id"]: e["dataRow"]["id"] for e in created} == made
    assert sorted(made.values()) == sorted(ids)
    assert {e["webhookId"] for e in created} == {hook.uid}


async def test_a_full_queue_drops_events_and_never_holds_up_a_request(
    client: AsyncClient, emu: Emulator, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, _, labels = await _labelled(client, emu, 20)
    dispatcher = emu.state.webhooks
    monkeypatch.setattr(dispatcher, "max_queued", 5)
    await _hook(client, receiver, ["LABEL_DELETED"], project)
    receiver.hold.clear()  # the receiver takes POSTs but does not answer
    listed = await project.labels().to_list()
    await Label.bulk_delete(listed)  # returns although no POST has been answered
    assert receiver.arrived.acquire(timeout=10)  # a delivery is in flight, held by the receiver
    assert not receiver.hold.is_set()
    history = dispatcher.history()
    assert Counter(d["status"] for d in history) == Counter({"PENDING": 5, "DROPPED": 15})
    assert dispatcher.dropped == 15
    assert all(
        d["errors"] == ["delivery queue full (5 waiting)"]
        for d in history
        if d["status"] == "DROPPED"
    )
    receiver.hold.set()
    delivered = emu.control("webhook_deliveries")
    assert Counter(d["status"] for d in delivered) == Counter({"DELIVERED": 5, "DROPPED": 15})
    kept = {json.loads(d["body"])["id"] for d in delivered if d["status"] == "DELIVERED"}
    assert kept == {e["id"] for e in receiver.events("LABEL_DELETED")}
    assert kept <= set(labels)
    assert len(kept) == 5
