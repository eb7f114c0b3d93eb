"""Webhooks end to end with aiolabel: created through the SDK, events delivered by the emulator
to a Starlette receiver on loopback (the README recipe), signatures checked with
``verify_webhook_signature``."""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from aiolabel import (
    AnnotationImportState,
    AsyncClient,
    InputError,
    InputTypeError,
    Label,
    LabelImport,
    MediaType,
    UniqueIds,
    Webhook,
    verify_webhook_signature,
)
from aiolabel.emulator import Emulator
from aiolabel.emulator.server import free_port
from tests.annotation_data import ONTOLOGY, bbox
from tests.integration._support import requests, sql

SECRET = "receiver-secret"
README = Path(__file__).resolve().parents[2] / "README.md"


def readme_recipe() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Webhooks") :]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None
    return match.group(1)


class StarletteReceiver:
    """The README recipe, run as written and served by uvicorn on a background thread."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.accepted: list[tuple[str, dict[str, Any]]] = []
        monkeypatch.setenv("LABELBOX_WEBHOOK_SECRET", SECRET)
        namespace: dict[str, Any] = {}
        exec(compile(readme_recipe(), str(README), "exec"), namespace)

        async def handle(topic: str, event: dict[str, Any]) -> None:
            self.accepted.append((topic, event))

        namespace["handle"] = handle
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/labelbox"
        self.server = uvicorn.Server(
            uvicorn.Config(namespace["app"], host="127.0.0.1", port=port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "receiver did not start"
            time.sleep(0.01)

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[StarletteReceiver]:
    r = StarletteReceiver(monkeypatch)
    yield r
    r.close()


def test_signature_helper() -> None:
    body = b'{"a":1}'
    good = "sha1=" + hmac.new(b"k", body, hashlib.sha1).hexdigest()
    assert verify_webhook_signature(body, "k", good)
    assert verify_webhook_signature(body.decode(), b"k", good)
    assert not verify_webhook_signature(body + b" ", "k", good)
    assert not verify_webhook_signature(body, "other", good)
    assert not verify_webhook_signature(body, "k", good.removeprefix("sha1="))
    assert not verify_webhook_signature(body, "k", None)
    with pytest.raises(ValueError, match="secret"):
        verify_webhook_signature(body, "", good)


async def test_crud_in_place(client: AsyncClient, emu: Emulator) -> None:
    project = await client.create_project("p", MediaType.Image)
    hook = await Webhook.create(
        client,
        [Webhook.Topic.LABEL_CREATED, "LABEL_UPDATED"],
        "https://example.com/a",
        "s",
        project,
    )
    assert hook.topics == ("LABEL_CREATED", "LABEL_UPDATED")
    [stored] = sql(emu, "SELECT * FROM webhooks")
    assert (stored["project_id"], stored["secret"]) == (project.uid, "s")
    org_hook = await Webhook.create(client, ["WORKFLOW_ACTION"], "http://example.com/b", "s", None)
    assert [w.uid for w in await project.webhooks().to_list()] == [hook.uid]
    org = await client.get_organization()
    assert [w.uid for w in await org.webhooks().to_list()] == [hook.uid, org_hook.uid]

    same = await hook.update(topics=["LABEL_DELETED"], url="https://example.com/c")
    assert same is hook
    assert (hook.topics, hook.url) == (("LABEL_DELETED",), "https://example.com/c")
    await hook.update(status=Webhook.Status.REVOKED)
    assert hook.status == "REVOKED"
    await hook.delete()
    assert hook.status == "INACTIVE"
    [stored] = sql(emu, "SELECT status, url FROM webhooks WHERE id = ?", hook.uid)
    assert tuple(stored) == ("INACTIVE", "https://example.com/c")


async def test_a_url_with_quotes_is_a_variable(client: AsyncClient, emu: Emulator) -> None:
    """The official SDK pastes the URL and secret into the text; here they travel as variables."""
    url = 'https://example.com/x?q="}) { id } #'
    hook = await Webhook.create(client, ["LABEL_CREATED"], url, 'se"cret\\', None)
    [stored] = sql(emu, "SELECT url, secret FROM webhooks WHERE id = ?", hook.uid)
    assert tuple(stored) == (url, 'se"cret\\')


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"url": "ftp://example.com"}, InputError, "http"),
        ({"url": "example.com/hook"}, InputError, "http"),
        ({"url": "https://"}, InputError, "host"),
        ({"secret": ""}, InputError, "Secret"),
        ({"secret": None}, InputTypeError, "secret"),
        ({"topics": []}, InputError, "non-empty"),
        ({"topics": "LABEL_CREATED"}, InputTypeError, "Topics"),
        ({"topics": ["LABEL_EXPLODED"]}, InputError, "supported values"),
    ],
)
async def test_bad_input_fails_before_any_request(
    client: AsyncClient, emu: Emulator, kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    args: dict[str, Any] = {
        "topics": ["LABEL_CREATED"],
        "url": "https://example.com",
        "secret": "s",
    } | kwargs
    before = sum(requests(emu).values())
    with pytest.raises(error, match=match):
        await Webhook.create(client, args["topics"], args["url"], args["secret"], None)
    assert sum(requests(emu).values()) == before


async def test_events_reach_a_starlette_receiver(
    client: AsyncClient, emu: Emulator, receiver: StarletteReceiver
) -> None:
    project = await client.create_project("p", MediaType.Image)
    hook = await Webhook.create(client, ["WORKFLOW_ACTION"], receiver.url, SECRET, project)
    await Webhook.create(client, ["WORKFLOW_ACTION"], receiver.url, "wrong-secret", None)
    made = emu.control("bulk_create_data_rows", count=2)
    await project.create_batch("b", made["ids"])
    queue = (await project.task_queues())[0]
    await project.move_data_rows_to_task_queue(UniqueIds(made["ids"]), queue.uid)
    deliveries = {d["webhook_id"]: d for d in emu.control("webhook_deliveries")}
    assert deliveries[hook.uid]["status"] == "DELIVERED"
    [(topic, event)] = receiver.accepted
    assert topic == "WORKFLOW_ACTION"
    assert (event["webhookId"], event["project"]["id"]) == (hook.uid, project.uid)
    [refused] = [d for uid, d in deliveries.items() if uid != hook.uid]
    assert refused["status"] == "FAILED"  # the wrong secret: refused, retried, given up
    assert refused["errors"] == ["HTTP 401"] * 4


async def test_label_and_review_events_of_aiolabel_calls(
    client: AsyncClient, emu: Emulator, receiver: StarletteReceiver
) -> None:
    """Labels made by an import, updated, reviewed and deleted through aiolabel: each change is one
    signed event per label, accepted by the README receiver (it refuses a bad signature)."""
    ids: list[str] = emu.control("bulk_create_data_rows", count=3)["ids"]
    project = await client.create_project("p", MediaType.Image)
    batch = await project.create_batch("b", ids)
    emu.control("set_project_ontology", project_id=project.uid, ontology=ONTOLOGY)
    hook = await Webhook.create(client, list(Webhook.Topic), receiver.url, SECRET, project)
    await Webhook.create(client, ["LABEL_DELETED"], receiver.url, "wrong-secret", None)

    job = await LabelImport.create_from_objects(
        client, project.uid, "li", [bbox({"id": i}) for i in ids]
    )
    await job.wait_till_done()
    assert job.state == AnnotationImportState.FINISHED
    labels = await project.labels().to_list()
    emu.control("webhook_deliveries")
    created = [e for t, e in receiver.accepted if t == "LABEL_CREATED"]
    rows = [(label.uid, (await label.data_row()).uid) for label in labels]
    assert sorted((e["id"], e["dataRow"]["id"]) for e in created) == sorted(rows)
    assert {(e["webhookId"], e["project"]["id"]) for e in created} == {(hook.uid, project.uid)}

    same = await labels[0].update(label="{}")
    assert (same.uid, same.label) == (labels[0].uid, "{}")
    emu.control("webhook_deliveries")
    review = await labels[0].create_review(score=1)
    emu.control("webhook_deliveries")
    await review.update(score=-1)
    emu.control("webhook_deliveries")
    await review.delete()
    emu.control("webhook_deliveries")
    updated = [e for t, e in receiver.accepted if t == "LABEL_UPDATED"]
    assert [e["id"] for e in updated] == [labels[0].uid] * 4
    assert [(e["review"]["score"], e["review"]["deleted"]) for e in updated[1:]] == [
        (1.0, False),
        (-1.0, False),
        (-1.0, True),
    ]

    await Label.bulk_delete(labels[:1])
    await batch.delete_labels()
    deliveries = emu.control("webhook_deliveries")
    deleted = [e for t, e in receiver.accepted if t == "LABEL_DELETED"]
    assert sorted(e["id"] for e in deleted) == sorted(label.uid for label in labels)
    assert {e["webhookId"] for e in deleted} == {hook.uid}
    refused = [d for d in deliveries if d["webhook_id"] != hook.uid]
    assert len(refused) == len(labels)  # the org hook's deletes: signed with its own secret
    assert all(d["status"] == "FAILED" and d["errors"][0] == "HTTP 401" for d in refused)
