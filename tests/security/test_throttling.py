"""Rate limits per client address: 429 with Retry-After, and never an error when the
cache behind them is down."""

from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token

from registrations.models import PromoCode, Registration
from tests.factories import EventFactory, OrganizerFactory, TicketTypeFactory
from tests.registrations.helpers import attendee, body

pytestmark = pytest.mark.django_db

UNKNOWN = "x" * 43  # shaped like a token, matching no registration


@pytest.fixture
def free_ticket():
    return TicketTypeFactory(event=EventFactory(capacity=100), price=Decimal("0.00"))


def post_registration(api, ticket, ip, **overrides):
    return api.post(
        f"/api/v1/events/{ticket.event.slug}/registrations/",
        body(attendee(ticket), **overrides),
        format="json",
        REMOTE_ADDR=ip,
    )


def assert_throttled(response) -> int:
    assert response.status_code == 429, response.content
    assert response.json()["code"] == "throttled"
    assert response.json()["detail"]
    wait = int(response["Retry-After"])
    assert 1 <= wait <= 60
    return wait


def test_registrations_from_one_address_are_throttled_and_others_are_not(
    api, settings, free_ticket, ip, other_ip
):
    settings.THROTTLE_RATES = {"register": "3/minute"}
    for _ in range(3):
        assert post_registration(api, free_ticket, ip).status_code == 201
    assert_throttled(post_registration(api, free_ticket, ip))
    assert Registration.objects.count() == 3
    assert post_registration(api, free_ticket, other_ip).status_code == 201


def test_the_client_behind_the_proxy_is_the_one_throttled(api, settings, free_ticket, ip):
    settings.THROTTLE_RATES = {"register": "1/minute"}
    settings.NUM_PROXIES = 1
    proxy = {"REMOTE_ADDR": "192.0.2.10"}
    url = f"/api/v1/events/{free_ticket.event.slug}/registrations/"

    def post(forwarded_for):
        return api.post(
            url,
            body(attendee(free_ticket)),
            format="json",
            HTTP_X_FORWARDED_FOR=forwarded_for,
            **proxy,
        )

    assert post(ip).status_code == 201
    # A client cannot pass for another by sending its own X-Forwarded-For first.
    assert_throttled(post(f"203.0.113.7, {ip}"))
    assert post(f"{ip}, 10.255.255.254").status_code == 201


def test_token_lookups_are_throttled_per_address(api, settings, free_ticket, ip):
    settings.THROTTLE_RATES = {"token_lookup": "3/minute"}
    token = post_registration(api, free_ticket, ip).json()["token"]
    for _ in range(3):
        assert api.get(f"/api/v1/registrations/{token}/", REMOTE_ADDR=ip).status_code == 200
    assert_throttled(api.get(f"/api/v1/registrations/{token}/", REMOTE_ADDR=ip))


def test_guessing_tokens_is_throttled_but_known_tokens_do_not_count(
    api, settings, free_ticket, ip, other_ip
):
    settings.THROTTLE_RATES = {"token_miss": "3/minute"}
    token = post_registration(api, free_ticket, ip).json()["token"]
    for _ in range(5):  # lookups that succeed never count
        assert api.get(f"/api/v1/registrations/{token}/", REMOTE_ADDR=ip).status_code == 200
    for n in range(3):
        miss = api.get(f"/api/v1/registrations/{UNKNOWN[:-1]}{n}/", REMOTE_ADDR=ip)
        assert miss.status_code == 404
    assert_throttled(api.get(f"/api/v1/registrations/{UNKNOWN}/", REMOTE_ADDR=ip))
    # Once guessing is throttled, the address waits, even for a token it knows.
    assert_throttled(api.get(f"/api/v1/registrations/{token}/", REMOTE_ADDR=ip))
    assert api.get(f"/api/v1/registrations/{token}/", REMOTE_ADDR=other_ip).status_code == 200


def test_unknown_tokens_on_the_pages_count_with_the_api(client, api, settings, ip):
    settings.THROTTLE_RATES = {"token_miss": "3/minute"}
    assert client.get(f"/registrations/{UNKNOWN}/", REMOTE_ADDR=ip).status_code == 404
    assert client.get(f"/payments/{UNKNOWN}/pay/", REMOTE_ADDR=ip).status_code == 404
    assert api.get(f"/api/v1/registrations/{UNKNOWN}/", REMOTE_ADDR=ip).status_code == 404
    page = client.get(f"/registrations/{UNKNOWN}/calendar.ics", REMOTE_ADDR=ip)
    assert page.status_code == 429
    assert 1 <= int(page["Retry-After"]) <= 60
    assert "Please wait" in page.content.decode()
    assert_throttled(api.get(f"/api/v1/registrations/{UNKNOWN}/", REMOTE_ADDR=ip))


def test_wrong_promo_codes_are_throttled_and_registering_without_one_still_works(
    api, settings, free_ticket, ip
):
    settings.THROTTLE_RATES = {"promo_miss": "3/minute"}
    event = free_ticket.event
    PromoCode.objects.create(event=event, code="MEMBER10", percent_off=Decimal("10"))
    for code in ("AAAA1", "AAAA2", "AAAA3"):
        refused = post_registration(api, free_ticket, ip, promo_code=code)
        assert refused.status_code == 400
        assert "promo_code" in refused.json()["errors"]
    # Even the right code waits now: guessing must not pay off.
    assert_throttled(post_registration(api, free_ticket, ip, promo_code="MEMBER10"))
    assert post_registration(api, free_ticket, ip).status_code == 201


def test_other_validation_errors_do_not_count_as_promo_attempts(api, settings, free_ticket, ip):
    settings.THROTTLE_RATES = {"promo_miss": "1/minute"}
    PromoCode.objects.create(event=free_ticket.event, code="MEMBER10", percent_off=10)
    for _ in range(3):
        bad = post_registration(
            api, free_ticket, ip, promo_code="MEMBER10", buyer={"first_name": "A"}
        )
        assert bad.status_code == 400 and "promo_code" not in bad.json()["errors"]
    assert post_registration(api, free_ticket, ip, promo_code="MEMBER10").status_code == 201


def test_wrong_organizer_tokens_are_throttled(api, settings, ip):
    settings.THROTTLE_RATES = {"auth_failure": "3/minute"}
    organizer = OrganizerFactory()
    good = Token.objects.create(user=organizer).key
    url = "/api/v1/organizer/events/"
    for n in range(3):
        wrong = api.get(url, HTTP_AUTHORIZATION=f"Token wrong{n}", REMOTE_ADDR=ip)
        assert wrong.status_code == 401
    assert_throttled(api.get(url, HTTP_AUTHORIZATION="Token wrong9", REMOTE_ADDR=ip))
    assert_throttled(api.get(url, HTTP_AUTHORIZATION=f"Token {good}", REMOTE_ADDR=ip))
    # Requests without a token are not affected, nor the organizer elsewhere.
    assert api.get("/api/v1/events/", REMOTE_ADDR=ip).status_code == 200
    ok = api.get(url, HTTP_AUTHORIZATION=f"Token {good}", REMOTE_ADDR="192.0.2.99")
    assert ok.status_code == 200


# --- The registration form (HTML) ----------------------------------------------------------


def form_post(client, event, ip, **fields):
    data = {"action": "review", "attendees-TOTAL_FORMS": "1", "order-promo_code": ""} | fields
    return client.post(f"/registrations/register/{event.slug}/", data, REMOTE_ADDR=ip)


def test_registration_form_posts_are_throttled_with_a_friendly_page(
    client, settings, free_ticket, ip, other_ip
):
    settings.THROTTLE_RATES = {"register_page": "2/minute"}
    event = free_ticket.event
    for _ in range(2):
        assert form_post(client, event, ip).status_code in (200, 400)
    page = form_post(client, event, ip)
    assert page.status_code == 429
    assert 1 <= int(page["Retry-After"]) <= 60
    html = page.content.decode()
    assert "Please wait" in html and "<h1>" in html and 'class="site-header"' in html
    assert client.get(f"/registrations/register/{event.slug}/", REMOTE_ADDR=ip).status_code == 200
    assert form_post(client, event, other_ip).status_code in (200, 400)


def test_promo_codes_refused_on_the_form_are_throttled(client, settings, free_ticket, ip):
    settings.THROTTLE_RATES = {"promo_miss": "2/minute"}
    event = free_ticket.event
    person = {
        "attendees-INITIAL_FORMS": "1",
        "attendees-MIN_NUM_FORMS": "1",
        "attendees-MAX_NUM_FORMS": "50",
        "buyer-first_name": "Ada",
        "buyer-last_name": "Ng",
        "buyer-email": "ada@example.org",
        "attendees-0-ticket_type": str(free_ticket.id),
        "attendees-0-first_name": "Grace",
        "attendees-0-last_name": "Hopper",
        "attendees-0-email": "grace@example.org",
        "attendees-0-profession": "nurse",
        "order-payment_method": "card",
    }
    for code in ("NOPE1", "NOPE2"):
        refused = form_post(client, event, ip, **person, **{"order-promo_code": code})
        assert refused.status_code == 400
        assert 'id="id_order-promo_code_error"' in refused.content.decode()
    page = form_post(client, event, ip, **person, **{"order-promo_code": "NOPE3"})
    assert page.status_code == 429
    assert "without a promo code" in page.content.decode()
    assert form_post(client, event, ip, **person).status_code == 200  # the review page


# --- Failing open ----------------------------------------------------------------------------

UNREACHABLE = "redis://127.0.0.1:1/0"


@pytest.mark.parametrize(
    "backend",
    ["config.cache.FailOpenRedisCache", "django.core.cache.backends.redis.RedisCache"],
    ids=["project-cache", "django-redis-cache"],
)
def test_requests_go_through_when_the_throttling_cache_is_down(
    api, client, settings, free_ticket, ip, backend, records, monkeypatch
):
    import config.cache

    monkeypatch.setattr(config.cache, "_last_warning", 0.0)
    token = post_registration(api, free_ticket, ip).json()["token"]
    settings.CACHES = {
        "default": {
            "BACKEND": backend,
            "LOCATION": UNREACHABLE,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.THROTTLE_RATES = {scope: "1/minute" for scope in ("token_lookup", "token_miss")}
    for _ in range(3):
        assert api.get(f"/api/v1/registrations/{token}/", REMOTE_ADDR=ip).status_code == 200
        assert api.get(f"/api/v1/registrations/{UNKNOWN}/", REMOTE_ADDR=ip).status_code == 404
        assert client.get(f"/registrations/{UNKNOWN}/", REMOTE_ADDR=ip).status_code == 404
    warnings = records.messages("config.cache")
    assert warnings and all("cache unavailable" in message for message in warnings)
    assert len(warnings) == 1  # said once, not on every request


def test_the_cache_itself_never_raises_when_redis_is_down(settings):
    from django.core.cache import cache

    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FailOpenRedisCache",
            "LOCATION": UNREACHABLE,
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    assert cache.get("k", "fallback") == "fallback"
    assert cache.set("k", 1) is None
    assert cache.add("k", 1) is False
    assert cache.incr("k") == 1
    assert cache.delete("k") is False
    assert cache.get_many(["a", "b"]) == {}
    with pytest.raises(Exception, match="Connection refused|Error"):
        cache.ping()  # readiness still sees the outage


def test_the_throttling_error_handler_keeps_other_answers_as_they_are(ip):
    """Answers that are not DRF Responses (503 for a lost database) pass unchanged."""
    from django.db import OperationalError
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from config.throttling import exception_handler

    request = Request(APIRequestFactory().get("/api/v1/events/", REMOTE_ADDR=ip))
    response = exception_handler(
        OperationalError("server closed the connection"), {"request": request}
    )
    assert response.status_code == 503
    assert response["Retry-After"]
