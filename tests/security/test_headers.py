"""Security headers: the Content-Security-Policy (Django's own, SECURE_CSP) and the rest."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from config.settings import content_security_policy
from tests.factories import EventFactory, TicketTypeFactory
from tests.registrations.helpers import attendee, body, register

pytestmark = pytest.mark.django_db

ROOT = Path(django_settings.BASE_DIR)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


@pytest.fixture
def event():
    return EventFactory()


def test_pages_carry_the_content_security_policy(client, event):
    TicketTypeFactory(event=event)
    for url in ("/", f"/events/{event.slug}/", f"/registrations/register/{event.slug}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        csp = policy(response)
        assert csp["default-src"] == ["'self'"]
        assert csp["style-src"] == ["'self'"]  # no 'unsafe-inline'
        assert csp["script-src"][0] == "'self'" and "'unsafe-inline'" not in csp["script-src"]
        assert csp["img-src"] == ["'self'", "data:"]
        assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
        assert csp["form-action"] == ["'self'"] and csp["base-uri"] == ["'self'"]


def test_the_payment_page_may_load_stripe_js_and_talk_to_stripe(client, api, event, stripe):
    ticket = TicketTypeFactory(event=event, price=Decimal("250.00"))
    made = register(api, event, body(attendee(ticket))).json()
    page = client.get(f"/payments/{made['token']}/pay/")
    assert page.status_code == 200
    assert f'<script src="{stripe}/js.stripe.com/v3/"></script>' in page.content.decode()
    csp = policy(page)
    assert stripe in csp["script-src"]  # the origin of STRIPE_JS_URL, wherever it points
    assert stripe in csp["frame-src"]
    assert csp["connect-src"] == ["'self'", stripe]  # STRIPE_API_BASE's origin


def test_with_real_stripe_the_policy_names_stripes_hosts():
    csp = content_security_policy("https://js.stripe.com/v3/", "https://api.stripe.com")
    assert csp["script-src"][:1] == ["'self'"] and "https://js.stripe.com" in csp["script-src"]
    assert {"https://js.stripe.com", "https://hooks.stripe.com"} <= set(csp["frame-src"])
    assert csp["connect-src"] == ["'self'", "https://api.stripe.com"]


def test_other_security_headers(client):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Permissions-Policy"] == "camera=(self), microphone=(), geolocation=()"


def test_the_admin_and_the_api_docs_are_served_under_the_policy(client):
    assert "Content-Security-Policy" in client.get("/admin/login/")
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and "Content-Security-Policy" in docs
    html = docs.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script in the docs"
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()


# The policy allows no inline script (without the page's nonce), no style attribute and
# no event-handler attribute: a template that has one does not work in the browser.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src|nonce)=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle=", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]+=", re.IGNORECASE)


def page_templates() -> list[Path]:
    """The project's HTML templates, Django's and Jinja2's, emails excepted (mail clients
    ignore the policy)."""
    found = [
        *ROOT.glob("templates/**/*.html"),
        *ROOT.glob("*/templates/**/*.html"),
        *ROOT.glob("*/jinja2/**/*.html"),
    ]
    return sorted(path for path in found if "emails" not in path.relative_to(ROOT).parts)


@pytest.mark.parametrize("template", page_templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_page_templates_work_under_the_policy(template):
    html = template.read_text(encoding="utf-8")
    problems = [
        f"{what} at line {html.count(chr(10), 0, match.start()) + 1}"
        for what, pattern in (
            ("inline <script> without nonce", INLINE_SCRIPT),
            ("style attribute", STYLE_ATTRIBUTE),
            ("event handler attribute", HANDLER_ATTRIBUTE),
        )
        for match in pattern.finditer(html)
    ]
    assert not problems, (
        f"{template.relative_to(ROOT)}: {', '.join(problems)}. Move the script to static/js/ "
        '(or give it nonce="{{ csp_nonce }}") and the style to static/css/.'
    )
