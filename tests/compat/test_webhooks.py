"""The official SDK's webhook calls against the emulator over HTTP, and real delivery: events
POSTed to a receiver on loopback, signed with X-Hub-Signature as the official examples check it."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import labelbox
import pytest
from lbox import exceptions as lbx

from aiolabel.emulator import EmulatorServer


class Receiver:
    """A loopback HTTP server recording every POST; answers ``status`` (a list: one per POST,
    the last repeated)."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.status = [200]
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.posts.append({"headers": dict(self.headers), "body": body})
                code = receiver.status.pop(0) if len(receiver.status) > 1 else receiver.status[0]
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def test_create_list_update_delete(lb_client: labelbox.Client) -> None:
    project = lb_client.create_project(name="p", media_type=labelbox.MediaType.Image)
    hook = labelbox.Webhook.create(
        lb_client, ["LABEL_CREATED", "LABEL_UPDATED"], "https://example.com/h", "s3cret", project
    )
    org_hook = labelbox.Webhook.create(
        lb_client, ["WORKFLOW_ACTION"], "https://example.com/o", "s3cret", None
    )
    assert hook.status == "ACTIVE"
    assert hook.topics == ["LABEL_CREATED", "LABEL_UPDATED"]
    assert [w.uid for w in project.webhooks()] == [hook.uid]
    assert [w.uid for w in lb_client.get_organization().webhooks()] == [hook.uid, org_hook.uid]
    hook.update(topics=["LABEL_DELETED"], url="https://example.com/new")
    assert (hook.topics, hook.url) == (["LABEL_DELETED"], "https://example.com/new")
    hook.delete()
    assert hook.status == "INACTIVE"
    assert next(iter(project.webhooks())).status == "INACTIVE"


def test_bad_urls_are_refused(lb_client: labelbox.Client) -> None:
    for url in ("ftp://example.com/h", "not a url", "http://"):
        with pytest.raises(lbx.LabelboxError, match="http"):
            labelbox.Webhook.create(lb_client, ["LABEL_CREATED"], url, "s", None)
    assert list(lb_client.get_organization().webhooks()) == []


def test_an_event_is_delivered_signed(
    lb_client: labelbox.Client, emulator: EmulatorServer, receiver: Receiver
) -> None:
    project = lb_client.create_project(name="p", media_type=labelbox.MediaType.Image)
    hook = labelbox.Webhook.create(lb_client, ["LABEL_CREATED"], receiver.url, "my-secret", project)
    labelbox.Webhook.create(lb_client, ["LABEL_DELETED"], receiver.url, "other", None)
    sent = emulator.control(
        "emit_webhook_event",
        topic="LABEL_CREATED",
        payload={"label": {"id": "l1"}, "project": {"id": project.uid}},
        project_id=project.uid,
    )
    assert sent == 1
    [delivery] = emulator.control("webhook_deliveries")
    assert delivery["status"] == "DELIVERED"
    [post] = receiver.posts
    body = post["body"]
    expected = "sha1=" + hmac.new(b"my-secret", msg=body, digestmod=hashlib.sha1).hexdigest()
    assert post["headers"]["X-Hub-Signature"] == expected
    assert post["headers"]["X-Labelbox-Event"] == "LABEL_CREATED"
    event = json.loads(body)
    assert event["label"] == {"id": "l1"}
    assert event["webhookId"] == hook.uid


def test_moving_rows_is_a_workflow_action(
    lb_client: labelbox.Client, emulator: EmulatorServer, receiver: Receiver
) -> None:
    made = emulator.control("bulk_create_data_rows", count=3)
    project = lb_client.create_project(name="p", media_type=labelbox.MediaType.Image)
    project.create_batch("b", made["ids"])
    labelbox.Webhook.create(lb_client, ["WORKFLOW_ACTION"], receiver.url, "k", project)
    queue = project.task_queues()[0]
    project.move_data_rows_to_task_queue(labelbox.UniqueIds(made["ids"][:2]), queue.uid)
    [delivery] = emulator.control("webhook_deliveries")
    assert delivery["status"] == "DELIVERED"
    event = json.loads(receiver.posts[0]["body"])
    assert event["project"] == {"id": project.uid}
    assert event["dataRowCount"] == 2


def test_a_failing_receiver_is_retried_then_given_up(
    lb_client: labelbox.Client, emulator: EmulatorServer, receiver: Receiver
) -> None:
    labelbox.Webhook.create(lb_client, ["LABEL_UPDATED"], receiver.url, "k", None)
    receiver.status = [500, 503, 200]
    emulator.control("emit_webhook_event", topic="LABEL_UPDATED", payload={"n": 1})
    [delivery] = emulator.control("webhook_deliveries")
    assert delivery["status"] == "DELIVERED"
    assert delivery["attempts"] == 3
    assert delivery["errors"] == ["HTTP 500", "HTTP 503"]
    assert len(receiver.posts) == 3
    assert len({p["body"] for p in receiver.posts}) == 1

    receiver.status = [500]
    emulator.control("emit_webhook_event", topic="LABEL_UPDATED", payload={"n": 2})
    last = emulator.control("webhook_deliveries")[-1]
    assert last["status"] == "FAILED"
    assert last["attempts"] == 4


def test_a_dead_receiver_does_not_block_the_emulator(
    lb_client: labelbox.Client, emulator: EmulatorServer, receiver: Receiver
) -> None:
    url = receiver.url
    receiver.close()
    labelbox.Webhook.create(lb_client, ["LABEL_CREATED"], url, "k", None)
    emulator.control("emit_webhook_event", topic="LABEL_CREATED", payload={})
    # the request that queued the event has returned; the emulator still answers
    assert lb_client.get_organization().uid
    [delivery] = emulator.control("webhook_deliveries")
    assert delivery["status"] == "FAILED"
    assert delivery["attempts"] == 4
    assert all("ConnectError" in e for e in delivery["errors"])
