"""Playwright (sync API) in Debian's Chromium against pytest-django's live server.

What a machine needs, and what happens without it:
- Chromium at /usr/bin/chromium, or wherever CHROMIUM_PATH says; without it every browser
  test is skipped, saying so. Playwright's own browser download is never used.
- axe-core (npm) at .cache/npm/node_modules/axe-core/axe.min.js, or where AXE_CORE_PATH
  says; without it the pages are still driven, but not audited (a warning says so, and
  test_accessibility_checker_is_installed is skipped with the reason).
- REQUIRE_BROWSER_TESTS=1 (set by .ci/run) turns both skips into failures, so CI cannot
  pass by silently testing nothing.
"""

import os
import re
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # This machine's network is closed: without these Chromium keeps dialling Google.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_DEFAULT = Path(settings.BASE_DIR) / ".cache/npm/node_modules/axe-core/axe.min.js"
AXE_INSTALL = "npm install --prefix .cache/npm axe-core@4"
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
# Impacts that fail a page; "moderate" and "minor" ones are printed, not failed.
BLOCKING_IMPACTS = {"serious", "critical"}


def _required() -> bool:
    return os.environ.get("REQUIRE_BROWSER_TESTS", "").lower() in {"1", "true", "yes"}


def _skip_or_fail(reason: str) -> None:
    if _required():
        pytest.fail(f"{reason} (REQUIRE_BROWSER_TESTS is set)", pytrace=False)
    pytest.skip(reason)


def chromium_path() -> str | None:
    path = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    return path if os.access(path, os.X_OK) else None


def axe_path() -> Path:
    return Path(os.environ.get("AXE_CORE_PATH") or AXE_DEFAULT)


@pytest.fixture(scope="package")
def browser() -> Iterator:
    """One Chromium for the browser tests (package scope: it is gone before other tests)."""
    path = chromium_path()
    if path is None:
        _skip_or_fail(
            "Chromium not found at /usr/bin/chromium or $CHROMIUM_PATH: "
            "install it (apt-get install chromium) to run the browser tests"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("the playwright package is not installed (pip install -e '.[dev]')")
    # Playwright's sync API keeps an asyncio loop on this thread, and Django refuses ORM
    # calls where a loop runs. The tests' own ORM calls are plain blocking calls, so allow
    # them while the browser is up (and only then: other packages keep the check).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _open_page(browser, viewport: dict, **options) -> tuple:
    context = browser.new_context(viewport=viewport, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # What the Content-Security-Policy blocks shows only as a console message.
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    return context, page, errors


@pytest.fixture
def page(browser, live_server, stripe) -> Iterator:
    """A desktop-sized page (fresh cookies) whose scripts must not throw, nor be blocked."""
    context, page, errors = _open_page(browser, DESKTOP, accept_downloads=True)
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the pages: {errors}"


@pytest.fixture
def phone_page(browser, live_server, stripe) -> Iterator:
    """A phone-sized page, as a phone reports itself (touch, device scale)."""
    context, page, errors = _open_page(
        browser, PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the pages: {errors}"


# Screenshots ----------------------------------------------------------------------------


@pytest.fixture
def shoot(request) -> Callable:
    """shoot(page, "step") saves artifacts/screenshots/<test>-<nn>-<step>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test = re.sub(r"[^\w-]+", "-", request.node.name.removeprefix("test_")).strip("-")
    for stale in SCREENSHOTS.glob(f"{test}-*.png"):
        stale.unlink()
    counter = iter(range(1, 100))

    def shoot(page, step: str) -> Path:
        path = SCREENSHOTS / f"{test}-{next(counter):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot


# Accessibility (axe-core) -----------------------------------------------------------------


@pytest.fixture(scope="session")
def axe_source() -> str | None:
    path = axe_path()
    return path.read_text(encoding="utf-8") if path.is_file() else None


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"][:8]:
            lines.append(f"    at {', '.join(map(str, node['target']))}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n       ")
            if summary:
                lines.append(f"       {summary}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    … and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


@pytest.fixture
def audit(axe_source) -> Callable:
    """audit(page, "what") runs axe-core on the page as it is now; fails on serious or
    critical violations, prints the rest. Without axe-core it warns once and does nothing."""
    if axe_source is None:
        if _required():
            pytest.fail(f"axe-core not found at {axe_path()}: {AXE_INSTALL}", pytrace=False)
        warnings.warn(
            f"accessibility checks skipped: axe-core not found at {axe_path()} ({AXE_INSTALL})",
            stacklevel=2,
        )

    def audit(page, what: str) -> list[dict]:
        if axe_source is None:
            return []
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol, which the pages' Content-Security-
            # Policy (no inline scripts) does not govern; a <script> tag would be refused.
            page.evaluate(axe_source)
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        violations = result["violations"]
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        others = [v for v in violations if v["impact"] not in BLOCKING_IMPACTS]
        if others:
            print(f"\naxe, {what} ({page.url}), not failing:\n{describe_violations(others)}")
        if blocking:
            pytest.fail(
                f"axe found serious or critical problems on {what} ({page.url}):\n"
                + describe_violations(blocking),
                pytrace=False,
            )
        return violations

    return audit
