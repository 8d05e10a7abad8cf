"""The pages work in Chromium under the Content-Security-Policy: no violation reported,
and what depends on scripts (the card payment, the admin's widgets, the API docs) works.

Needs Chromium at /usr/bin/chromium (or $CHROMIUM_PATH); skipped without it.
"""

import os
from collections.abc import Iterator
from decimal import Decimal

import pytest

from registrations.models import Registration
from tests.factories import EventFactory, TicketTypeFactory, UserFactory
from tests.registrations.helpers import attendee, body, register

pytestmark = pytest.mark.django_db(transaction=True)

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def chromium() -> Iterator:
    path = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    if not os.access(path, os.X_OK):
        pytest.skip(f"Chromium not found at {path} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an asyncio loop on this thread; the test's ORM calls are
    # plain blocking ones.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Page:
    """A browser page that records what the policy blocked and the scripts' errors."""

    def __init__(self, browser, base_url: str) -> None:
        self.context = browser.new_context()
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.base_url = base_url
        self.violations: list[str] = []
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.violations.append(f"{self.page.url}: {message.text}")

    def open(self, path: str):
        self.response = response = self.page.goto(self.base_url + path)
        assert response.status == 200, (path, response.status)
        self.page.wait_for_load_state("networkidle")
        return self.page


@pytest.fixture
def browser_page(chromium, live_server) -> Iterator[Page]:
    page = Page(chromium, live_server.url)
    yield page
    page.context.close()


def assert_clean(page: Page) -> None:
    assert not page.violations, "blocked by the policy:\n" + "\n".join(page.violations)
    assert not page.errors, f"script errors: {page.errors}"


def test_attendee_pages_and_the_card_payment_work_under_the_policy(browser_page, api, stripe):
    event = EventFactory()
    ticket = TicketTypeFactory(event=event, price=Decimal("250.00"))
    for path in ("/", f"/events/{event.slug}/", f"/registrations/register/{event.slug}/"):
        browser_page.open(path)
    made = register(api, event, body(attendee(ticket))).json()
    registration = Registration.objects.get(token=made["token"])

    page = browser_page.open(f"/payments/{made['token']}/pay/")
    card = page.locator("#card-element")  # Stripe.js (here its local stand-in) mounts it
    card.get_by_label("Card number").fill("4242424242424242")
    card.get_by_label("Expiry month").fill("12")
    card.get_by_label("Expiry year").fill("34")
    card.get_by_label("CVC").fill("123")
    card.get_by_label("Postal code").fill("02110")
    page.get_by_role("button", name="Pay 250.00 USD").click()
    page.wait_for_url(browser_page.base_url + registration.get_absolute_url())

    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert_clean(browser_page)


def test_the_admin_works_under_the_policy(browser_page, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    user.set_password("a good long password")
    user.save()
    page = browser_page.open("/admin/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("a good long password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(browser_page.base_url + "/admin/")

    page = browser_page.open("/admin/events/event/add/")
    page.get_by_role("button", name="Today").first.click()  # the date widget's script runs
    assert page.locator("#id_starts_at_0").input_value()
    browser_page.open("/admin/events/event/")
    # The organizer's check-in page keeps an inline script, allowed by the page's nonce.
    event = EventFactory()
    page = browser_page.open(f"/organizer/events/{event.slug}/check-in/")
    nonce = page.locator("script[nonce]").first.evaluate("script => script.nonce")
    assert nonce and f"'nonce-{nonce}'" in browser_page.response.headers["content-security-policy"]
    assert_clean(browser_page)


def test_the_api_docs_render_under_the_policy(browser_page):
    page = browser_page.open("/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Conference registration API" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock").count() > 10  # the operations, from /api/schema/
    assert_clean(browser_page)
