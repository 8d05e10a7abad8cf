"""The register flow on a phone, and with the keyboard alone."""

import pytest

from registrations.models import Registration
from tests.browser.conftest import AXE_INSTALL, _skip_or_fail, axe_path
from tests.browser.helpers import CARD_OK, congress

# Without the package (an old virtualenv) these tests skip instead of breaking collection.
expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect

pytestmark = pytest.mark.django_db(transaction=True)

# What has keyboard focus: enough to find it, whether it is on screen, and how well its
# focus ring stands out from what is around it (WCAG 2.1, 1.4.11: at least 3:1).
FOCUSED = """() => {
  const luminance = (color) => {
    const [r, g, b] = color.match(/[\\d.]+/g).slice(0, 3).map((v) => {
      v = v / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const behind = (el) => {
    for (let node = el.parentElement; node; node = node.parentElement) {
      const color = getComputedStyle(node).backgroundColor;
      if (color !== "transparent" && !/rgba\\(.*,\\s*0\\)$/.test(color)) return color;
    }
    return "rgb(255, 255, 255)";
  };
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const drawn = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const [a, b] = [luminance(style.outlineColor), luminance(behind(el))];
  return {
    id: el.id, tag: el.tagName.toLowerCase(),
    text: (el.innerText || el.value || "").trim().slice(0, 60),
    visible: box.width > 1 && box.height > 1 && box.right > 0 && box.bottom > 0,
    ring: drawn ? (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) : 0,
  };
}"""


def tab_to(page, target, *, limit: int = 80) -> None:
    """Press Tab until `target` (a locator) has focus; every element passed on the way
    must be on screen and show a focus ring of at least 3:1 contrast."""
    for _ in range(limit):
        focused = page.evaluate(FOCUSED)
        if focused["tag"] != "body":
            where = focused["id"] or focused["text"] or focused["tag"]
            assert focused["visible"], f"focus went to something hidden: {where}"
            assert focused["ring"] >= 3, f"focus ring on {where}: contrast {focused['ring']:.2f}"
            if target.evaluate("el => el === document.activeElement"):
                return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target} in {limit} presses")


def no_sideways_scrolling(page) -> None:
    """Nothing on the page is wider than the screen (names what sticks out if it is)."""
    too_wide = page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          if (document.documentElement.scrollWidth <= width) return [];
          return [...document.querySelectorAll("body *")]
            .filter((el) => el.getBoundingClientRect().right > width + 1)
            .slice(0, 5)
            .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${Math.round(el.getBoundingClientRect().right)}px`);
        }"""
    )
    assert not too_wide, f"the page scrolls sideways on a phone: {too_wide}"


def test_event_page_register_form_and_review_fit_a_phone(phone_page, live_server, audit, shoot):
    page = phone_page
    c = congress()
    page.goto(live_server.url + c.event.get_absolute_url())
    no_sideways_scrolling(page)
    audit(page, "event page on a phone")
    shoot(page, "event-page")
    register = page.get_by_role("link", name="Register", exact=True)
    box = register.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44, f"small tap target: {box}"
    register.tap()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Register for")
    no_sideways_scrolling(page)
    audit(page, "register form on a phone")
    shoot(page, "register-form")
    details = page.get_by_role("group", name="Your details")
    details.get_by_label("First name").fill("Ada")
    details.get_by_label("Last name").fill("Ng")
    details.get_by_label("Email").fill("ada@example.org")
    block = page.locator("#attendee-1")
    block.get_by_label("Student or resident").tap()
    block.get_by_label("First name").fill("Ada")
    block.get_by_label("Last name").fill("Ng")
    block.get_by_label("Email").fill("ada@example.org")
    block.get_by_label("Workshop B").tap()
    page.get_by_role("button", name="Review price and details").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("Review your registration")
    expect(page.locator("tr.total")).to_contain_text("790.00 USD")
    no_sideways_scrolling(page)
    audit(page, "review page on a phone")
    shoot(page, "review")


def test_register_and_pay_with_the_keyboard_alone(page, live_server, audit, shoot):
    c = congress()
    page.goto(live_server.url + c.event.get_absolute_url())
    tab_to(page, page.get_by_role("link", name="Register", exact=True))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Register for")
    for field, value in [("buyer-first_name", "Ada"), ("buyer-last_name", "Ng"),
                         ("buyer-email", "ada@example.org")]:  # fmt: skip
        tab_to(page, page.locator(f"#id_{field}"))
        page.keyboard.type(value)
    # A radio group is one Tab stop; the arrow keys choose within it.
    block = page.locator("#attendee-1")
    tab_to(page, block.get_by_label("Full conference – member"))
    page.keyboard.press("ArrowDown")
    expect(block.get_by_label("Full conference – non-member")).to_be_checked()
    for field, value in [("first_name", "Ada"), ("last_name", "Ng"), ("email", "ada@example.org")]:
        tab_to(page, page.locator(f"#id_attendees-0-{field}"))
        page.keyboard.type(value)
    tab_to(page, block.get_by_label("Workshop A"))
    page.keyboard.press("Space")
    expect(block.get_by_label("Workshop A")).to_be_checked()
    shoot(page, "register-form-filled")
    tab_to(page, page.get_by_role("button", name="Review price and details"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Review your registration")
    expect(page.locator("tr.total")).to_contain_text("1,490.00 USD")
    tab_to(page, page.get_by_role("button", name="Confirm registration"))
    page.keyboard.press("Enter")

    expect(page.locator(".status")).to_have_text("Pending payment")
    tab_to(page, page.get_by_role("link", name="Pay now"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Pay by card")
    card = page.locator("#card-element")
    tab_to(page, card.get_by_label("Card number"))
    page.keyboard.type(CARD_OK.replace(" ", ""))
    # The card field moves the focus on by itself once a part is complete; Tab where not.
    for label, value in [("Expiry month", "12"), ("Expiry year", "34"), ("CVC", "123"),
                         ("Postal code", "32819")]:  # fmt: skip
        tab_to(page, card.get_by_label(label), limit=2)
        page.keyboard.type(value)
    shoot(page, "card-filled")
    page.keyboard.press("Enter")

    registration = Registration.objects.get()
    page.wait_for_url(live_server.url + registration.get_absolute_url())
    expect(page.locator(".status")).to_have_text("Confirmed")
    audit(page, "manage page after a keyboard payment")
    shoot(page, "confirmed")


def test_accessibility_checker_is_installed():
    """Stands for the audits: skipped, saying why, where axe-core is missing."""
    if not axe_path().is_file():
        _skip_or_fail(f"accessibility checks skipped: no axe-core at {axe_path()}; {AXE_INSTALL}")
