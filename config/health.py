"""Health endpoints for load balancers and orchestrators (no auth, plain HTTP allowed).

- `GET /healthz`: the process is up and serving. Touches nothing else.
- `GET /readyz`: the database, the Redis cache and the Celery broker answer, each within
  HEALTH_CHECK_TIMEOUT seconds: 200 with the status of each part, or 503 naming the parts
  that are down. A process that is not ready should get no traffic, not be restarted.

Answers name the failing exception class, never its message (which may hold a URL with
a password).
"""

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# Checks that talk to the network run here, side by side, so a hanging part costs one
# timeout, not one per part. Shared by the requests of a process.
_executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="readyz")


def _timeout() -> float:
    return float(getattr(settings, "HEALTH_CHECK_TIMEOUT", 2.0))


def check_database() -> None:
    """A round trip on this thread's own connection (the one requests use)."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    cache = caches["default"]
    ping = getattr(cache, "ping", None)  # config.cache.FailOpenRedisCache hides errors
    if ping is not None:
        ping()
        return
    client = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client is not None:  # Django's own RedisCache
        client(write=True).ping()
        return
    cache.set("readyz", "1", 10)  # local memory in development: always there


def check_broker() -> None:
    from kombu import Connection

    timeout = _timeout()
    url = settings.CELERY_BROKER_URL
    options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {})
    if not url.startswith("filesystem://"):
        options.update({"socket_connect_timeout": timeout, "socket_timeout": timeout})
    with Connection(url, connect_timeout=timeout, transport_options=options) as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)


NETWORK_CHECKS: dict[str, Callable[[], None]] = {"cache": check_cache, "broker": check_broker}


def _describe(exc: BaseException) -> str:
    return f"down: {type(exc).__name__}"


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    started = time.monotonic()
    futures = {name: _executor.submit(check) for name, check in NETWORK_CHECKS.items()}
    checks: dict[str, str] = {}
    try:
        check_database()
        checks["database"] = "ok"
    except Exception as exc:  # any failure means "not ready", never a 500
        checks["database"] = _describe(exc)
    for name, future in futures.items():
        remaining = max(0.0, _timeout() - (time.monotonic() - started))
        try:
            future.result(timeout=remaining)
            checks[name] = "ok"
        except FutureTimeout:
            future.cancel()
            checks[name] = "down: timeout"
        except Exception as exc:
            checks[name] = _describe(exc)
    down = [name for name, state in checks.items() if state != "ok"]
    if down:
        logger.warning("not ready: %s", ", ".join(f"{n} {checks[n]}" for n in down))
        return JsonResponse({"status": "unavailable", "down": down, "checks": checks}, status=503)
    return JsonResponse({"status": "ok", "checks": checks})
