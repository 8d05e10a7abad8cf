"""Publishing to Redis through config.broker: Kombu's channel sets up one Redis client, not
one per message; `publish` writes the message Celery writes; every message arrives."""

import base64
import json
from unittest import mock

import pytest
import redis
from kombu.transport import redis as kombu_redis

from config.broker import Channel, publish
from config.logging import request_id_var
from registrations.messaging.tasks import send_outbox_message, send_outbox_messages


def test_redis_broker_urls_use_the_shared_client_channel(broker_url):
    from config.celery import app

    with app.connection_for_write() as conn:
        assert isinstance(conn.default_channel, Channel)


def test_every_message_celery_publishes_arrives_through_one_client(celery_live):
    def queue_delivery(ids):  # through Celery's publisher, as a retry or a refund goes
        task, args = (
            (send_outbox_message, (ids[0],)) if len(ids) == 1 else (send_outbox_messages, (ids,))
        )
        task.apply_async(args, argsrepr=repr(args), kwargsrepr="{}")

    queue_delivery([100])  # the channel is set up
    with mock.patch.object(
        kombu_redis.Channel,
        "_create_client",
        autospec=True,
        wraps=kombu_redis.Channel._create_client,
    ) as create_client:
        queue_delivery([101, 102])  # a change's emails: one task
        queue_delivery([103])
        queue_delivery([104])
    queued = redis.Redis.from_url(celery_live).lrange("email", 0, -1)
    bodies = [json.loads(message)["headers"]["argsrepr"] for message in queued]
    assert sorted(bodies) == ["(100,)", "(103,)", "(104,)", "([101, 102],)"]
    assert create_client.call_count == 0  # Kombu's own channel: one per message


def _decoded(message: bytes) -> dict:
    message = json.loads(message)
    message["body"] = json.loads(base64.b64decode(message["body"]))
    for volatile in ("id", "root_id"):
        message["headers"].pop(volatile)
    for volatile in ("correlation_id", "delivery_tag"):
        message["properties"].pop(volatile)
    return message


def test_publish_writes_the_message_celery_writes(celery_live):
    token = request_id_var.set("req-4711")
    try:
        send_outbox_messages.apply_async(([101, 102],))
        publish(send_outbox_messages, ([101, 102],))
        send_outbox_message.apply_async((103,))
        publish(send_outbox_message, (103,))
    finally:
        request_id_var.reset(token)
    client = redis.Redis.from_url(celery_live)
    celerys_many, ours_many, celerys_one, ours_one = reversed(client.lrange("email", 0, -1))
    assert _decoded(ours_many) == _decoded(celerys_many)
    assert _decoded(ours_one) == _decoded(celerys_one)
    ours = json.loads(ours_one)
    assert ours["headers"]["request_id"] == "req-4711"
    assert (
        ours["headers"]["id"] == ours["headers"]["root_id"] == ours["properties"]["correlation_id"]
    )
    assert json.loads(ours_many)["headers"]["id"] != ours["headers"]["id"]  # one id per message


def test_publish_to_a_broker_that_is_down_raises(celery_live):
    from tests.integration.conftest import use_broker

    use_broker("redis://127.0.0.1:1/0")
    try:
        with pytest.raises(redis.ConnectionError):  # queue_delivery logs it; the sweep requeues
            publish(send_outbox_message, (1,))
    finally:
        use_broker(celery_live)


@pytest.fixture
def celery_apply_async(monkeypatch):
    """What reaches apply_async instead of publish's own message: (task name, args)."""
    from config.celery import app

    eager, url = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager = False
    sent = []
    for task in (send_outbox_message, send_outbox_messages):
        monkeypatch.setattr(
            task, "apply_async", lambda args, task=task, **options: sent.append((task.name, args))
        )
    yield sent
    app.conf.task_always_eager, app.conf.broker_url = eager, url


@pytest.mark.parametrize(
    "url",
    [
        "rediss://127.0.0.1:6379/0",  # TLS: Kombu and redis-py check certificates differently
        "redis://127.0.0.1:6379/0?ssl_cert_reqs=none",  # options only Kombu reads
        "redis://127.0.0.1:6379/0;redis://127.0.0.1:6380/0",  # failover
        "filesystem://",
    ],
)
def test_brokers_read_differently_go_through_celery(url, celery_apply_async):
    from config.celery import app

    app.conf.broker_url = url  # put back by the fixture
    publish(send_outbox_message, (7,))
    assert celery_apply_async == [(send_outbox_message.name, (7,))]


def test_a_task_queued_by_a_running_task_goes_through_celery(
    broker_url, monkeypatch, celery_apply_async
):
    from celery import Celery

    # Celery sets the queueing task as the new one's parent and root.
    monkeypatch.setattr(Celery, "current_worker_task", property(lambda app: object()))
    publish(send_outbox_messages, ([1, 2],))
    assert celery_apply_async == [(send_outbox_messages.name, ([1, 2],))]


def test_other_publish_signal_receivers_go_through_celery(broker_url, celery_apply_async):
    from celery.signals import before_task_publish

    def tracing(**kwargs):  # a tracer's, say, that adds its own headers
        pass

    before_task_publish.connect(tracing)
    try:
        publish(send_outbox_message, (8,))
    finally:
        before_task_publish.disconnect(tracing)
    publish(send_outbox_message, (9,))  # without it: written here
    assert celery_apply_async == [(send_outbox_message.name, (8,))]
    assert redis.Redis.from_url(broker_url).llen("email") == 1
