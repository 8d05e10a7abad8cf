"""A local pretix shop, to compare a browser-style purchase with pretix's own (issue 18).

pretix (the open-source ticket shop, on PyPI as `pretix`) lives in its own venv and data
folder, outside this project; this script (stdlib only) drives it through that venv.

    .venv/bin/python bench/pretix_shop.py install [--version 2026.8.0]
    .venv/bin/python bench/pretix_shop.py seed
    .venv/bin/python bench/pretix_shop.py serve [--workers 4] [--port 8790]
    .venv/bin/python bench/pretix_shop.py purchase [--count 20] [--buyers 1] [--port 8790]

- install: venv at PRETIX_VENV (default /work/pretix-venv) from the pyenv Python 3.12,
  `pip install pretix gunicorn`, config at PRETIX_DATA/pretix.cfg (default
  /work/pretix-data): PostgreSQL database `pretix_bench` on 127.0.0.1:5432 (user postgres,
  created if missing), Redis db 7 for cache and sessions, no Celery (tasks, order placement
  and its e-mail included, run inside the web request, so gunicorn's CPU holds them), debug
  off, url http://127.0.0.1:8790. pretix hard-codes Django's SMTP backend, so a settings
  module beside the config (pretix_bench_settings) swaps in the dummy one: mails are
  rendered but never sent. Then `migrate` and `rebuild` (compilemessages, collectstatic,
  compress: gettext's msgfmt, no node).
- seed: organizer `bench`, live event `shop` (presale open now), one product at 450.00 EUR
  with a quota of 100000, bank transfer on (plugin on for organizer and event), attendee
  name (required) and e-mail (optional) asked, no invoice address. Idempotent.
- serve: `gunicorn pretix.wsgi`, sync workers, in the foreground; prints the gunicorn
  master's pid (read its CPU and its workers' from /proc); SIGTERM stops it all. Static
  files are not served: the purchase reads HTML only, as bench/server_cpu.py's does.
- purchase: `--count` purchases, `--buyers` at a time, each a new visitor with one
  keep-alive connection and its cookies: event page, add to cart, contact and attendee
  name, bank transfer, confirm, order page. Exits non-zero if any did not end in an order.

From Python: `gunicorn(port, workers)` starts the server (a Popen whose pid is the
master); `purchase_one(port, event_path, n)` does one purchase, returns the order page's
path and raises PurchaseFailed (OSError or HTTPException when the connection fails) on
anything else; `order_count()` counts the orders in pretix's database.
"""

import argparse
import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import server_cpu  # noqa: E402  (stdlib only at import)

VENV = Path(os.environ.get("PRETIX_VENV", "/work/pretix-venv"))
DATA = Path(os.environ.get("PRETIX_DATA", "/work/pretix-data"))
DATABASE = os.environ.get("PRETIX_DATABASE", "pretix_bench")
REDIS_URL = os.environ.get("PRETIX_REDIS_URL", "redis://127.0.0.1:6379/7")
PORT = int(os.environ.get("PRETIX_PORT", "8790"))
VERSION = "2026.8.0"  # the release issue 18 measured
ORGANIZER, EVENT = "bench", "shop"
EVENT_PATH = f"/{ORGANIZER}/{EVENT}/"
PYTHON = VENV / "bin" / "python"


# --- install -----------------------------------------------------------------------------


def _base_python() -> str:
    """A pyenv Python 3.12 (pretix 2026.x supports 3.10 to 3.13), else this one."""
    try:
        prefix = subprocess.run(
            ["pyenv", "prefix", "3.12"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        versions = sorted(Path(os.path.expanduser("~/.pyenv/versions")).glob("3.12*"))
        prefix = str(versions[-1]) if versions else ""
    return f"{prefix}/bin/python3" if prefix else sys.executable


def _config(port: int) -> str:
    return f"""[pretix]
instance_name=pretix bench
url=http://127.0.0.1:{port}
currency=EUR
datadir={DATA}
trust_x_forwarded_for=off
ecb_rates=off
loglevel=WARNING

[locale]
default=en
timezone=UTC

[django]
debug=off
secret=bench-{"p" * 50}

[database]
backend=postgresql
name={DATABASE}
user=postgres
host=127.0.0.1
port=5432

[mail]
from=shop@example.org

[redis]
location={REDIS_URL}
sessions=true
"""


# pretix.settings sets EMAIL_BACKEND to SMTP with no option to change it.
SETTINGS_MODULE = '''"""pretix's settings, with mail rendered but never sent (bench/pretix_shop.py)."""
from pretix.settings import *  # noqa: F401,F403

EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
'''


def pretix_env() -> dict:
    """The environment every pretix command and the server run in."""
    return os.environ | {
        "PRETIX_CONFIG_FILE": str(DATA / "pretix.cfg"),
        "DJANGO_SETTINGS_MODULE": "pretix_bench_settings",
        "PYTHONPATH": str(DATA),
    }


def _pretix(*args: str) -> None:
    subprocess.run([str(PYTHON), "-m", "pretix", *args], env=pretix_env(), cwd=DATA, check=True)


def install(version: str, port: int) -> None:
    started = time.perf_counter()
    if not PYTHON.exists():
        subprocess.run([_base_python(), "-m", "venv", str(VENV)], check=True)
    pip = [str(PYTHON), "-m", "pip", "install", "-q"]
    subprocess.run(pip + ["-U", "pip", "wheel"], check=True)
    subprocess.run(pip + [f"pretix=={version}", "gunicorn"], check=True)
    print(f"pip install: {time.perf_counter() - started:.0f} s")
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / "pretix.cfg").write_text(_config(port))
    (DATA / "pretix_bench_settings.py").write_text(SETTINGS_MODULE)
    subprocess.run(  # fails harmlessly when the database exists
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], capture_output=True
    )
    _pretix("migrate", "-v0")
    _pretix("rebuild")
    print(f"installed pretix {_pretix_version()} in {time.perf_counter() - started:.0f} s")


def _pretix_version() -> str:
    return subprocess.run(
        [str(PYTHON), "-c", "import pretix; print(pretix.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


# --- seed --------------------------------------------------------------------------------

# Run by pretix's Python: what the control panel's event wizard does, then the product,
# its quota, bank transfer and the shop's going live.
SEED = f"""
import datetime
from decimal import Decimal

import django
django.setup()
from django.conf import settings
from django.utils.timezone import now
from django_scopes import scopes_disabled

from pretix.base.models import Event, Item, Organizer, Quota

with scopes_disabled():
    organizer, _ = Organizer.objects.get_or_create(slug="{ORGANIZER}", defaults={{"name": "Bench"}})
    # Bank transfer is an event-and-organizer plugin: on for both, or offered by neither.
    organizer.enable_plugin("pretix.plugins.banktransfer")
    organizer.save()
    event = Event.objects.filter(organizer=organizer, slug="{EVENT}").first()
    if event is None:
        event = Event.objects.create(
            organizer=organizer,
            slug="{EVENT}",
            name="Bench Conference",
            currency="EUR",
            date_from=now() + datetime.timedelta(days=90),
            presale_start=now() - datetime.timedelta(days=1),
            presale_end=now() + datetime.timedelta(days=80),
        )
        event.checkin_lists.create(name="Default", all_products=True)
        event.set_defaults()
    plugins = settings.PRETIX_PLUGINS_DEFAULT.split(",") + ["pretix.plugins.banktransfer"]
    event.set_active_plugins(plugins, allow_restricted=plugins)
    event.live = True
    event.testmode = False
    # Open now, however long ago it was seeded.
    event.date_from = now() + datetime.timedelta(days=90)
    event.presale_start = now() - datetime.timedelta(days=1)
    event.presale_end = now() + datetime.timedelta(days=80)
    event.save()
    item, _ = Item.objects.get_or_create(
        event=event,
        name="Conference ticket",
        defaults={{"default_price": Decimal("450.00"), "admission": True, "active": True}},
    )
    item.personalized = True  # attendee name (and e-mail) asked for this ticket
    item.save()
    quota, _ = Quota.objects.get_or_create(event=event, name="Tickets", defaults={{"size": 100000}})
    quota.items.add(item)
    s = event.settings
    s.payment_banktransfer__enabled = True
    s.payment_banktransfer_bank_details_type = "other"
    s.payment_banktransfer_bank_details = "Bench Bank, IBAN DE00 0000 0000 0000 0000 00"
    s.attendee_names_asked = True
    s.attendee_names_required = True
    s.attendee_emails_asked = True
    s.invoice_address_asked = False
    s.order_email_asked_twice = False
    s.cookie_consent = False
"""


def seed(port: int) -> None:
    subprocess.run([str(PYTHON), "-c", SEED], env=pretix_env(), cwd=DATA, check=True)
    print(f"event: http://127.0.0.1:{port}{EVENT_PATH}")


def order_count() -> int:
    """Orders in pretix's database (any status: bank transfer leaves them pending)."""
    out = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            DATABASE,
            "-Atc",
            "SELECT count(*) FROM pretixbase_order",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(out.strip())


# --- serve -------------------------------------------------------------------------------


def gunicorn(port: int, workers: int) -> subprocess.Popen:
    """gunicorn serving pretix on `port`, `workers` sync workers; returns once it answers."""
    return server_cpu.start_gunicorn(
        "pretix.wsgi",
        port,
        workers,
        env=pretix_env(),
        cwd=DATA,
        python=str(PYTHON),
        probe=EVENT_PATH,
        options=("--timeout", "120"),
        tries=300,
    )


def serve(port: int, workers: int) -> int:
    server = gunicorn(port, workers)
    print(
        f"pretix on http://127.0.0.1:{port}{EVENT_PATH}, gunicorn master pid {server.pid}",
        flush=True,
    )
    # Ctrl-C or SIGTERM to this script stops gunicorn (master and workers) too.
    signal.signal(signal.SIGTERM, lambda *_: server.terminate())
    try:
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        return server.wait()


# --- purchase ----------------------------------------------------------------------------


class PurchaseFailed(Exception):
    pass


class Forms(HTMLParser):
    """The forms of a page as a browser would submit them: action, method, and the fields
    with their current values (checked boxes and radios, selected options, hidden inputs)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "action": a.get("action") or "",
                    "method": (a.get("method") or "get").lower(),
                    "fields": {},
                }
            )
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    fields[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "image", "file"):
                fields[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            fields[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1]["fields"][self._textarea] += data

    def find(self, action_part: str) -> dict:
        """The first POST form whose action contains `action_part` ("": posts to the page)."""
        for form in self.forms:
            if form["method"] == "post" and (
                action_part in form["action"] if action_part else not form["action"]
            ):
                return form
        raise PurchaseFailed(f"no form posting to *{action_part or 'the page'}* on the page")


class Browser(server_cpu.Browser):
    """bench/server_cpu.py's visitor (one keep-alive connection, cookies kept), which
    also follows redirects as a browser does."""

    def follow(self, method: str, path: str, form: dict | None = None) -> tuple[str, str]:
        """Request, then follow redirects; (final path, page). Anything but 200 raises."""
        response, page = self.request(method, path, form)
        for _ in range(10):
            if response.status not in (301, 302, 303):
                break
            path = urljoin(path, response.getheader("Location"))
            path = urlsplit(path)._replace(scheme="", netloc="").geturl()
            response, page = self.request("GET", path)
        if response.status != 200:
            raise PurchaseFailed(f"{method} {path}: {response.status}")
        return path, page


ERROR = re.compile(r'class="[^"]*alert-danger[^"]*"[^>]*>(.*?)</div>', re.S)


def _post(browser: Browser, page_path: str, page: str, action: str, values: dict):
    """Submit the form of `page` whose action contains `action`, with `values` over its own."""
    form = Forms(page).find(action)
    target = urljoin(page_path, form["action"] or page_path)
    return browser.follow("POST", target, form["fields"] | values)


def _step(path: str) -> str:
    match = re.search(r"/checkout/([^/]+)/", path)
    return match.group(1) if match else path


def purchase_one(port: int, event_path: str = EVENT_PATH, n: int | str = 0) -> str:
    """One purchase by a new visitor; the order page's path. Raises PurchaseFailed."""
    browser = Browser(port)
    try:
        path, page = browser.follow("GET", event_path)
        item = re.search(r'name="item_(\d+)"', page)
        if not item:
            raise PurchaseFailed("no product on the event page")
        path, page = _post(browser, path, page, "cart/add", {f"item_{item.group(1)}": "1"})
        if _step(path) == path:  # still on the event page: go to the checkout
            path, page = browser.follow("GET", urljoin(event_path, "checkout/start"))
        # Walk the steps the shop asks for, until it shows the order.
        for _ in range(6):
            step = _step(path)
            if "/order/" in path:
                break
            if step == path:
                raise PurchaseFailed(f"unexpected page {path}")
            values: dict = {}
            if step == "questions":
                for name in Forms(page).find("")["fields"]:
                    if name == "email":
                        values[name] = f"buyer{n}@example.org"
                    elif name.endswith("-attendee_email"):
                        values[name] = f"attendee{n}@example.org"
                    elif name.endswith("attendee_name_parts_0"):  # given name
                        values[name] = "Ada"
                    elif "attendee_name_parts_" in name:  # family name
                        values[name] = "Ng"
            elif step == "payment":
                values["payment"] = "banktransfer"
            before = path
            path, page = _post(browser, path, page, "", values)  # each step posts to itself
            if path == before:  # the same step again: the shop refused the form
                errors = [re.sub(r"<[^>]+>|\s+", " ", e).strip() for e in ERROR.findall(page)]
                raise PurchaseFailed(f"step {step} refused: {errors or 'no message'}")
        if "/order/" not in path:
            raise PurchaseFailed(f"no order at the end, last page {path}")
        if "your order has been placed successfully" not in unescape(page).lower():
            raise PurchaseFailed(f"order page {path} does not say the order was placed")
        return path
    finally:
        browser.conn.close()


def purchases(port: int, event_path: str, count: int, buyers: int = 1):
    """`count` purchases, `buyers` at a time; (latencies, failures)."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    counter = iter(range(count))
    stamp = time.time_ns()

    def buyer() -> None:
        for n in counter:
            start = time.perf_counter()
            try:
                purchase_one(port, event_path, f"{n}-{stamp}")
            except (PurchaseFailed, OSError, http.client.HTTPException) as exc:
                with lock:
                    failures.append(f"{n}: {exc}")
                continue
            with lock:
                latencies.append(time.perf_counter() - start)

    server_cpu.in_threads(buyer, buyers)
    return latencies, failures


def purchase(port: int, count: int, buyers: int) -> int:
    before = order_count()
    started = time.perf_counter()
    latencies, failures = purchases(port, EVENT_PATH, count, buyers)
    elapsed = time.perf_counter() - started
    placed = order_count() - before
    for failure in failures[:10]:
        print(f"  failed {failure}")
    median = sorted(latencies)[len(latencies) // 2] * 1000 if latencies else 0
    print(
        f"{len(latencies)} of {count} purchases ended on an order page, {placed} new orders in "
        f"pretix's database; {elapsed:.1f} s, median {median:.0f} ms per purchase"
    )
    return 0 if not failures and placed == count else 1


# --- The run -----------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("install")
    p.add_argument("--version", default=VERSION)
    p.add_argument("--port", type=int, default=PORT, help="the url in pretix.cfg")
    p = sub.add_parser("seed")
    p.add_argument("--port", type=int, default=PORT)
    p = sub.add_parser("serve")
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--port", type=int, default=PORT)
    p = sub.add_parser("purchase")
    p.add_argument("--count", type=int, default=20)
    p.add_argument("--buyers", type=int, default=1, help="purchases at a time")
    p.add_argument("--port", type=int, default=PORT)
    args = parser.parse_args()
    if args.command == "install":
        install(args.version, args.port)
    elif args.command == "seed":
        seed(args.port)
    elif args.command == "serve":
        return serve(args.port, args.workers)
    elif args.command == "purchase":
        return purchase(args.port, args.count, args.buyers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
