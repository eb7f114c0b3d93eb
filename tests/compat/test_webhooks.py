"""The official SDK's webhook calls against the emulator over HTTP, and real delivery: events
POSTed to a receiver on loopback, signed with X-Hub-Signature as the official examples check it."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator

import labelbox
import pytest
from labelbox.schema.annotation_import import AnnotationImportState, LabelImport
from labelbox.schema.label import Label
from lbox import exceptions as lbx

from aiolabel.emulator import EmulatorServer
from tests._support.receiver import Receiver
from tests.annotation_data import ONTOLOGY, bbox
from tests.compat._support import sdk_rows


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
    body = post.body
    expected = "sha1=" + hmac.new(b"my-secret", msg=body, digestmod=hashlib.sha1).hexdigest()
    assert post.headers["X-Hub-Signature"] == expected
    assert post.headers["X-Labelbox-Event"] == "LABEL_CREATED"
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
    event = json.loads(receiver.posts[0].body)
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
    assert len({p.body for p in receiver.posts}) == 1

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


TOPICS = [topic.value for topic in labelbox.Webhook.Topic]


def _settle(emulator: EmulatorServer) -> None:
    """Wait until every queued delivery is done (the control waits for them)."""
    emulator.control("webhook_deliveries")


def test_label_and_review_events_of_official_sdk_calls(
    lb_client: labelbox.Client, emulator: EmulatorServer, receiver: Receiver
) -> None:
    project = lb_client.create_project(name="hooks", media_type=labelbox.MediaType.Image)
    rows = sdk_rows(lb_client, 3, "wh-")
    batch = project.create_batch("b", data_rows=rows.ids)
    emulator.control("set_project_ontology", project_id=project.uid, ontology=ONTOLOGY)
    hook = labelbox.Webhook.create(lb_client, TOPICS, receiver.url, "s3cret", project)
    org_deletes = labelbox.Webhook.create(
        lb_client, ["LABEL_DELETED"], receiver.url, "org-secret", None
    )
    receiver.secrets.update({hook.uid: "s3cret", org_deletes.uid: "org-secret"})
    other = lb_client.create_project(name="other", media_type=labelbox.MediaType.Image)
    labelbox.Webhook.create(lb_client, TOPICS, receiver.url, "x", other)  # another project's
    labelbox.Webhook.create(lb_client, TOPICS, receiver.url, "y", None).delete()  # INACTIVE
    revoked = labelbox.Webhook.create(lb_client, TOPICS, receiver.url, "z", None)
    revoked.update(status="REVOKED")

    job = LabelImport.create_from_objects(
        lb_client, project.uid, "li", [bbox({"id": i}) for i in rows.ids]
    )
    job.wait_till_done(sleep_time_seconds=0.05)
    assert job.state == AnnotationImportState.FINISHED
    labels = list(project.labels())
    _settle(emulator)
    created = receiver.events("LABEL_CREATED")
    assert sorted(e["id"] for e in created) == sorted(label.uid for label in labels)
    keys = dict(zip(rows.ids, rows.global_keys, strict=True))
    for event in created:
        assert (event["event"], event["webhookId"]) == ("LABEL_CREATED", hook.uid)
        assert event["project"] == {"id": project.uid}
        assert event["dataRow"]["globalKey"] == keys[event["dataRow"]["id"]]
        assert event["deleted"] is False
    assert {e["dataRow"]["id"] for e in created} == set(rows.ids)

    first = labels[0]
    first.update(label='{"objects": []}')
    _settle(emulator)
    review = first.create_review(score=1.0)
    _settle(emulator)
    review.update(score=-1.0)
    _settle(emulator)
    review.delete()
    _settle(emulator)
    updated = receiver.events("LABEL_UPDATED")
    assert [e["id"] for e in updated] == [first.uid] * 4
    assert "review" not in updated[0]
    assert [
        (e["review"]["id"], e["review"]["score"], e["review"]["deleted"]) for e in updated[1:]
    ] == [(review.uid, 1.0, False), (review.uid, -1.0, False), (review.uid, -1.0, True)]

    Label.bulk_delete([labels[1]])
    batch.delete_labels()
    _settle(emulator)
    deleted = receiver.events("LABEL_DELETED")
    assert sorted((e["webhookId"], e["id"]) for e in deleted) == sorted(
        (h, label.uid) for h in (hook.uid, org_deletes.uid) for label in labels
    )
    assert all(e["deleted"] and e["project"] == {"id": project.uid} for e in deleted)
    # nothing reached the receiver from the other project's, the inactive or the revoked hook
    assert {p.headers["X-Labelbox-Id"] for p in receiver.posts} == {hook.uid, org_deletes.uid}
    assert len(receiver.posts) == len(created) + len(updated) + len(deleted)
