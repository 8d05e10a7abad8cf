"""A Redis cache that fails open: when Redis is unreachable, reads miss and writes are
dropped, with a warning in the log, instead of an error for the request.

The cache only holds what can be lost (throttling counters): a request must never fail
because of it. Readiness (config.health) asks Redis directly through `ping()`.
"""

import logging
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

CACHE_ERRORS = (RedisError, OSError)
WARN_EVERY_SECONDS = 10.0  # while Redis is down, say so now and then, not on every call

_last_warning = 0.0


def warn_cache_down(operation: str, exc: BaseException) -> None:
    """Log that the cache is unreachable, at most once every WARN_EVERY_SECONDS."""
    global _last_warning
    now = time.monotonic()
    if now - _last_warning < WARN_EVERY_SECONDS:
        return
    _last_warning = now
    logger.warning(
        "cache unavailable (%s failed: %s); going on without it", operation, type(exc).__name__
    )


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, keeping one redis.Redis per connection pool instead of
    making one for every cache call (setting one up costs more CPU than the call itself).
    redis.Redis is safe to share between threads; its pool starts afresh after a fork."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def ping(self) -> bool:
        """True when Redis answers; raises when it does not (for readiness checks)."""
        return bool(self._cache.get_client(write=True).ping())

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except CACHE_ERRORS as exc:
            warn_cache_down("get", exc)
            return default

    def get_many(self, keys, version: int | None = None) -> dict:
        try:
            return super().get_many(keys, version)
        except CACHE_ERRORS as exc:
            warn_cache_down("get_many", exc)
            return {}

    def has_key(self, key: str, version: int | None = None) -> bool:
        try:
            return super().has_key(key, version)
        except CACHE_ERRORS as exc:
            warn_cache_down("has_key", exc)
            return False

    def set(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        try:
            super().set(key, value, timeout, version)
        except CACHE_ERRORS as exc:
            warn_cache_down("set", exc)

    def set_many(
        self, data: dict, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list:
        try:
            return super().set_many(data, timeout, version)
        except CACHE_ERRORS as exc:
            warn_cache_down("set_many", exc)
            return list(data)  # the keys that were not stored

    def add(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        """False (nothing stored) when Redis is down."""
        try:
            return super().add(key, value, timeout, version)
        except CACHE_ERRORS as exc:
            warn_cache_down("add", exc)
            return False

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """`delta` when Redis is down, as for a counter that starts afresh."""
        try:
            return super().incr(key, delta, version)
        except CACHE_ERRORS as exc:
            warn_cache_down("incr", exc)
            return delta

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        try:
            return super().touch(key, timeout, version)
        except CACHE_ERRORS as exc:
            warn_cache_down("touch", exc)
            return False

    def delete(self, key: str, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except CACHE_ERRORS as exc:
            warn_cache_down("delete", exc)
            return False

    def delete_many(self, keys, version: int | None = None) -> None:
        try:
            super().delete_many(keys, version)
        except CACHE_ERRORS as exc:
            warn_cache_down("delete_many", exc)
