"""Webhooks end to end with aiolabel: created through the SDK, events delivered by the emulator
to a Starlette receiver on loopback (the README recipe), signatures checked with
``verify_webhook_signature``."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from aiolabel import (
    AsyncClient,
    InputError,
    InputTypeError,
    MediaType,
    UniqueIds,
    Webhook,
    verify_webhook_signature,
)
from aiolabel.emulator import Emulator
from aiolabel.emulator.server import free_port
from tests.integration._support import requests, sql

SECRET = "receiver-secret"


class StarletteReceiver:
    """The README recipe, served by uvicorn on a background thread."""

    def __init__(self) -> None:
        self.accepted: list[tuple[str, dict[str, Any]]] = []
        self.refused = 0

        async def labelbox_webhook(request: Request) -> Response:
            body = await request.body()
            if not verify_webhook_signature(body, SECRET, request.headers.get("X-Hub-Signature")):
                self.refused += 1
                return Response(status_code=401)
            self.accepted.append((request.headers["X-Labelbox-Event"], json.loads(body)))
            return Response(status_code=204)

        app = Starlette(routes=[Route("/labelbox", labelbox_webhook, methods=["POST"])])
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/labelbox"
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
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
def receiver() -> Iterator[StarletteReceiver]:
    r = StarletteReceiver()
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
    deliveries = emu.control("webhook_deliveries")
    assert sorted(d["status"] for d in deliveries) == ["DELIVERED", "FAILED"]
    [(topic, event)] = receiver.accepted
    assert topic == "WORKFLOW_ACTION"
    assert (event["webhookId"], event["project"]["id"]) == (hook.uid, project.uid)
    assert receiver.refused == 4  # the wrong secret: refused, retried, given up
