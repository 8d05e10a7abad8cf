"""Logs: one JSON object per line, a request id that follows a request into its tasks,
and no tokens, email addresses or secrets."""

import logging
import re
from decimal import Decimal

import pytest
from kombu import Connection, Exchange, Queue

from config.celery import app
from config.logging import redact, request_id_var
from tests.factories import EventFactory, TicketTypeFactory
from tests.registrations.helpers import attendee, body, register

TOKEN = "Zr4kq0r1l5h0Fq2b9WnXo8c3VbY7uTd6sA1eG2iJ3kL"  # shaped like a registration token


@app.task(name="tests.ops.request_id_seen")
def request_id_seen() -> str | None:
    """A task that tells which request id its logs would carry."""
    return request_id_var.get()


# --- Request ids -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_request_gets_an_id_in_its_response_and_its_log_line(client, log_lines):
    response = client.get("/api/v1/events/")
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    [line] = log_lines.of("config.access")
    assert line["request_id"] == request_id
    assert line["method"] == "GET" and line["path"] == "/api/v1/events/"
    assert line["status"] == 200 and line["duration_ms"] >= 0
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")
    assert client.get("/api/v1/events/")["X-Request-ID"] != request_id


@pytest.mark.django_db
def test_the_proxys_request_id_is_kept_when_it_is_a_safe_token(client, log_lines):
    response = client.get("/api/v1/events/", HTTP_X_REQUEST_ID="lb-7f3a.2026:42")
    assert response["X-Request-ID"] == "lb-7f3a.2026:42"
    assert log_lines.of("config.access")[0]["request_id"] == "lb-7f3a.2026:42"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "unsafe", ["two words", "x" * 101, '"><script>', "line\nbreak", "-starts-with-dash"]
)
def test_an_unsafe_request_id_is_replaced(client, unsafe):
    response = client.get("/api/v1/events/", HTTP_X_REQUEST_ID=unsafe)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


# --- Redaction ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unknown_token_is_not_logged_by_the_access_line_nor_by_django(
    client, log_lines, records
):
    response = client.get(f"/api/v1/registrations/{TOKEN}/")
    assert response.status_code == 404
    # Django logs the 404 itself, with the full path among its arguments.
    [not_found] = [r for r in records if r.name == "django.request"]
    assert not_found.levelno == logging.WARNING
    assert TOKEN not in log_lines.text
    access, django_line = log_lines.of("config.access")[0], log_lines.of("django.request")[0]
    assert access["path"] == "/api/v1/registrations/[token]/" and access["status"] == 404
    assert django_line["message"] == "Not Found: /api/v1/registrations/[token]/"
    assert django_line["path"] == "/api/v1/registrations/[token]/"
    # That line too carries the request's id, though Django writes it after the middleware.
    assert django_line["request_id"] == response["X-Request-ID"]


@pytest.mark.django_db
def test_a_registrations_own_pages_are_logged_without_its_token(client, api, log_lines):
    ticket = TicketTypeFactory(event=EventFactory(), price=Decimal("0.00"))
    made = register(api, ticket.event, body(attendee(ticket, email="grace@example.org")))
    token = made.json()["token"]
    assert client.get(f"/registrations/{token}/").status_code == 200
    assert client.get(f"/registrations/{token}/calendar.ics").status_code == 200
    assert token not in log_lines.text and "grace@example.org" not in log_lines.text
    paths = [line["path"] for line in log_lines.of("config.access")]
    assert "/registrations/[token]/" in paths and "/registrations/[token]/calendar.ics" in paths


def test_email_addresses_and_secrets_in_messages_are_redacted(log_lines):
    logger = logging.getLogger("registrations.messaging")
    logger.warning("could not deliver to %s", "Ada.Ng+forum@mercy.example.org")
    logger.error("stripe said %s", "pi_3Nx_secret_a1B2c3 for whsec_abc123")
    try:
        raise ValueError(f"no registration /registrations/{TOKEN}/ for ada@example.org")
    except ValueError:
        logger.exception("lookup failed")
    text = log_lines.text
    assert "mercy.example.org" not in text and "ada@example.org" not in text
    assert "_secret_" not in text and "whsec_" not in text and TOKEN not in text
    lines = log_lines.all()
    assert lines[0]["message"] == "could not deliver to [email]"
    assert lines[1]["message"] == "stripe said [secret] for [secret]"
    assert "/registrations/[token]/ for [email]" in lines[2]["exception"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"/registrations/{TOKEN}/", "/registrations/[token]/"),
        (f"/registrations/{TOKEN}/cancel/", "/registrations/[token]/cancel/"),
        (
            f"/api/v1/registrations/{TOKEN}/attendees/3/",
            "/api/v1/registrations/[token]/attendees/3/",
        ),
        (f"/payments/{TOKEN}/pay/", "/payments/[token]/pay/"),
        (f"/registrations/waitlist/{TOKEN}/", "/registrations/waitlist/[token]/"),
        (f"/registrations/waitlist/sessions/{TOKEN}/", "/registrations/waitlist/sessions/[token]/"),
        (f"https://example.org/registrations/{TOKEN}", "https://example.org/registrations/[token]"),
        (
            f"/registrations/register/forum/?offer={TOKEN}",
            "/registrations/register/forum/?offer=[token]",
        ),
        ("/registrations/register/forum-2026/", "/registrations/register/forum-2026/"),
        ("/payments/stripe/webhook/", "/payments/stripe/webhook/"),
        (
            "/api/v1/organizer/registrations/PSC27-7KQ2M/refund/",
            "/api/v1/organizer/registrations/PSC27-7KQ2M/refund/",
        ),
        (
            "/organizer/events/forum/registrations/PSC27-7KQ2M/",
            "/organizer/events/forum/registrations/PSC27-7KQ2M/",
        ),
        (
            "/admin/registrations/registration/12/change/",
            "/admin/registrations/registration/12/change/",
        ),
        ("/admin/payments/payment/", "/admin/payments/payment/"),
        ("mail to o'brien@example.org failed", "mail to [email] failed"),
        ("/api/v1/events/?q=ada%40example.org", "/api/v1/events/?q=[email]"),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected
    assert redact(redact(text)) == expected


# --- Celery: the request id travels with the task ---------------------------------------------


def test_a_task_runs_under_the_request_id_of_the_request_that_queued_it():
    app.conf.task_always_eager = False  # published, not run here (tests/conftest.py restores)
    queue = Queue("ops-request-id", Exchange("ops-request-id"), routing_key="ops-request-id")
    with Connection("memory://") as connection:
        queue(connection.default_channel).declare()
        context = request_id_var.set("req-42")
        try:
            app.send_task(
                request_id_seen.name,
                connection=connection,
                exchange=queue.exchange,
                routing_key=queue.routing_key,
            )
        finally:
            request_id_var.reset(context)
        message = connection.SimpleQueue(queue).get(timeout=2)
        message.ack()
    assert message.headers["request_id"] == "req-42"

    # In the worker: it runs the task from the message's headers, as celery worker does.
    from celery.app.trace import build_tracer

    trace = build_tracer(request_id_seen.name, request_id_seen, app=app)
    result = trace(message.headers["id"], [], {}, dict(message.headers))
    assert result.retval == "req-42"
    assert request_id_var.get() is None  # cleared when the task is done


def test_a_task_run_in_process_keeps_the_callers_request_id():
    context = request_id_var.set("req-7")
    try:
        assert request_id_seen.apply().get() == "req-7"
        assert request_id_var.get() == "req-7"
    finally:
        request_id_var.reset(context)
