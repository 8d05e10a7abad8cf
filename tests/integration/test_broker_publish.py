"""Publishing to Redis through config.broker's transport: every message arrives, and the
channel sets up one Redis client, not one per message."""

import json
from unittest import mock

import redis
from kombu.transport import redis as kombu_redis

from config.broker import Channel
from registrations.messaging.tasks import queue_delivery


def test_redis_broker_urls_use_the_shared_client_channel(broker_url):
    from config.celery import app

    with app.connection_for_write() as conn:
        assert isinstance(conn.default_channel, Channel)


def test_every_published_message_arrives_through_one_client(celery_live):
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
