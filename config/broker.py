"""Kombu's Redis transport, publishing through one Redis client per channel.

Kombu makes a new `redis.Redis` for every message it publishes (`conn_or_acquire`), and
setting one up (redis-py fills a table of some 170 response callbacks) costs the web
process more CPU than sending the message: a quarter of a publish, found by
bench/profile_request.py (`kombu/transport/redis.py:_create_client`). This channel keeps
the one it made; commands still take a connection from the channel's pool and give it
back, as before. config.celery makes it the transport of `redis://` and `rediss://`
broker URLs, so a broker URL changed at run time (tests do) gets it too.
"""

from contextlib import contextmanager

from kombu.transport import TRANSPORT_ALIASES
from kombu.transport import redis as kombu_redis

TRANSPORT = "config.broker:Transport"


class Channel(kombu_redis.Channel):
    _shared_client = None

    @contextmanager
    def conn_or_acquire(self, client=None):
        if client:
            yield client
            return
        if self._shared_client is None:
            self._shared_client = self._create_client()
        yield self._shared_client

    def close(self):
        self._shared_client = None
        super().close()


class Transport(kombu_redis.Transport):
    Channel = Channel


def use_for_redis_urls() -> None:
    """`redis://` and `rediss://` broker URLs resolve to this transport."""
    TRANSPORT_ALIASES["redis"] = TRANSPORT
    TRANSPORT_ALIASES["rediss"] = TRANSPORT
