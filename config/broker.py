"""Publishing to Redis: Kombu's transport with one Redis client per channel, and
`publish`, the web process's cheap way to queue a task.

Kombu makes a new `redis.Redis` for every message it publishes (`conn_or_acquire`), and
setting one up (redis-py fills a table of some 170 response callbacks) costs the web
process more CPU than sending the message: a quarter of a publish, found by
bench/profile_request.py (`kombu/transport/redis.py:_create_client`). This channel keeps
the one it made; commands still take a connection from the channel's pool and give it
back, as before. config.celery makes it the transport of `redis://` and `rediss://`
broker URLs, so a broker URL changed at run time (tests do) gets it too.

`publish` writes the message itself and pushes it with one command (see its docstring).
"""

import base64
import functools
import json
import uuid
from contextlib import contextmanager

import redis
from celery import Task
from celery.signals import before_task_publish
from celery.utils.nodenames import anon_nodename
from kombu.transport import TRANSPORT_ALIASES
from kombu.transport import redis as kombu_redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from config.logging import HEADER as REQUEST_ID_HEADER
from config.logging import request_id_var

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


# --- Publishing from the web process ---------------------------------------------------------

# The embed part of a protocol-2 body: no callbacks, no chain, no chord.
_EMBED = {"callbacks": None, "errbacks": None, "chain": None, "chord": None}
_clients: dict[str, redis.Redis] = {}


def publish(task: Task, args: tuple) -> None:
    """Queue `task(*args)`, as `task.apply_async(args)` would, for less CPU.

    With a plain Redis broker, the message (Celery's protocol 2 in Kombu's Redis envelope)
    is written here and pushed with one LPUSH: about a fifth of apply_async's CPU, which
    builds a producer, declares the queue and runs its routing and signals for every
    message (bench/profile_request.py registration). Raises what Redis raises when it is
    down, as apply_async does.

    Everything else goes through apply_async (`_written_here` says what): eager mode, other
    brokers, broker URLs that Kombu and redis-py read differently (TLS, options, failover),
    a task published by a running task (Celery links the two), tasks or settings with
    options that would change the message, and other `before_task_publish` receivers than
    this project's (this path sends no signals: config.logging's request id is added here).

    tests/integration/test_broker_publish.py holds the message to the one Celery writes,
    so an upgrade that changes the format fails there rather than in the worker.
    """
    app = task.app
    url = app.conf.broker_url or ""
    if not _written_here(task, url):
        task.apply_async(args, argsrepr=repr(args), kwargsrepr="{}")
        return
    queue = _queue_of(app, task.name)
    _client(url, app.conf.broker_transport_options).lpush(queue, task_message(task, args, queue))


# Settings under which Celery writes the message that task_message writes.
_PLAIN_SETTINGS = {
    "task_always_eager": False,
    "task_serializer": "json",
    "task_compression": None,
    "task_protocol": 2,
    "task_send_sent_event": False,
    "broker_write_url": None,
}


def _written_here(task: Task, url: str) -> bool:
    app = task.app
    conf = app.conf
    if (
        not url.startswith("redis://")
        or "?" in url
        or ";" in url
        or any(conf.get(name) != value for name, value in _PLAIN_SETTINGS.items())
        or conf.broker_transport_options.get("global_keyprefix")
        or app.current_worker_task is not None
        or len(before_task_publish.receivers) > 1
    ):
        return False
    # The task's own queue, priority, expiry...: none (time limits are the worker's to
    # apply: Celery leaves them out of the message too); its serializer, JSON.
    options = task._get_exec_options()
    return options.get("serializer") in (None, "json") and all(
        value is None
        for name, value in options.items()
        if name not in ("serializer", "time_limit", "soft_time_limit")
    )


def task_message(task: Task, args: tuple, queue: str) -> bytes:
    """The message Celery would publish for `task(*args)` to `queue`."""
    task_id = str(uuid.uuid4())
    body = json.dumps([list(args), {}, _EMBED]).encode()
    headers = {
        "lang": "py",
        "task": task.name,
        "id": task_id,
        "shadow": None,
        "eta": None,
        "expires": None,
        "group": None,
        "group_index": None,
        "retries": 0,
        "timelimit": [None, None],  # none given: the worker applies the task's own
        "root_id": task_id,
        "parent_id": None,
        "argsrepr": repr(args),
        "kwargsrepr": "{}",
        "origin": anon_nodename(),  # this process
        "ignore_result": task.ignore_result,
        "replaced_task_nesting": 0,
        "stamped_headers": None,
        "stamps": {},
    }
    request_id = request_id_var.get()
    if request_id:  # what config.logging's before_task_publish handler adds
        headers[REQUEST_ID_HEADER] = request_id
    return json.dumps(
        {
            "body": base64.b64encode(body).decode(),
            "content-encoding": "utf-8",
            "content-type": "application/json",
            "headers": headers,
            "properties": {
                "correlation_id": task_id,
                "reply_to": task.app.thread_oid,
                "delivery_mode": 2,
                "delivery_info": {"exchange": "", "routing_key": queue},
                "priority": 0,
                "body_encoding": "base64",
                "delivery_tag": str(uuid.uuid4()),
            },
        }
    ).encode()


@functools.cache
def _queue_of(app, task_name: str) -> str:
    """The queue CELERY_TASK_ROUTES sends the task to (the default queue otherwise)."""
    route = app.amqp.router.route({}, task_name)
    return route["queue"].name


def _client(url: str, options: dict) -> redis.Redis:
    """One client per broker URL, its pool shared by the process's requests; a pooled
    connection that a firewall dropped is found by the health check or tried once more,
    as Kombu's would be."""
    client = _clients.get(url)
    if client is None:
        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=options.get("socket_connect_timeout"),
            socket_timeout=options.get("socket_timeout"),
            socket_keepalive=True,
            health_check_interval=options.get("health_check_interval", 25),
            retry=Retry(NoBackoff(), 1),
        )
        _clients[url] = client
    return client
