"""/healthz and /readyz, as a load balancer calls them."""

import os
import time

import pytest
import redis

CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: a database query here would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_reports_each_part(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
    }


@pytest.mark.django_db
def test_readyz_is_503_naming_the_broker_when_it_is_down(client, settings):
    settings.CELERY_BROKER_URL = CLOSED
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    started = time.monotonic()
    response = client.get("/readyz")
    assert time.monotonic() - started < settings.HEALTH_CHECK_TIMEOUT + 1
    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "unavailable" and data["down"] == ["broker"]
    assert data["checks"]["database"] == "ok" and data["checks"]["broker"].startswith("down")
    assert "127.0.0.1:1" not in response.content.decode()  # URLs (and passwords) stay out


@pytest.mark.django_db
def test_readyz_is_503_naming_the_cache_when_redis_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FailOpenRedisCache",
            "LOCATION": CLOSED,
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["down"] == ["cache"]


@pytest.mark.django_db
def test_readyz_with_redis_as_cache_and_broker(client, settings):
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("needs Redis (REDIS_URL)")
    settings.CACHES = {"default": {"BACKEND": "config.cache.FailOpenRedisCache", "LOCATION": url}}
    settings.CELERY_BROKER_URL = url
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()


@pytest.mark.django_db
def test_health_endpoints_answer_plain_http_and_any_host(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301  # everything else goes to HTTPS
    for path in ("/healthz", "/readyz"):
        # A load balancer calls over HTTP, by the machine's address.
        response = client.get(path, HTTP_HOST="10.0.3.7:8000")
        assert response.status_code == 200, path
    assert client.get("/", HTTP_HOST="10.0.3.7:8000", secure=True).status_code == 400


def test_health_endpoints_only_answer_reads(client):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200
