"""Where a request's CPU goes: free registrations (the API's POST) or purchases (the five
pages), in this process, through the WSGI application gunicorn serves, under cProfile.

Prints the CPU per request (without the profiler, then with it), the SQL statements and
Redis commands each one sends, and the functions that cost most. Steady under load, unlike
wall clock: what it counts does not depend on the other processes of the machine.

    .venv/bin/python bench/profile_request.py [registration|purchase] [--requests 300]
        [--sort tottime|cumulative] [--limit 40] [--callgrind FILE] [--pstats FILE]
        [--templates] [--bound]

Uses BENCH_DATABASE_URL (default the `confreg_bench` database) and BENCH_REDIS_URL (default
redis://127.0.0.1:6379/4), with the settings of bench/server_cpu.py (DEBUG off, throttling
off). --callgrind writes the profile for kcachegrind/qcachegrind. --bound (registrations)
also times the registration service alone beside the floor's view alone: the least a
registration costs however cheap the request around it.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import subprocess
import sys
import time
from collections import Counter
from html import unescape
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _environ(method: str, path: str, body: bytes = b"", content_type: str = "", cookies=None):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT": "text/html" if content_type != "application/json" else "*/*",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "CONTENT_LENGTH": str(len(body)),
    }
    if content_type:
        environ["CONTENT_TYPE"] = content_type
    if cookies:
        environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    return environ


class Client:
    """Calls the WSGI application as gunicorn does, keeping cookies."""

    def __init__(self, application) -> None:
        self.application = application
        self.cookies: dict[str, str] = {}

    def call(self, method, path, body=b"", content_type=""):
        status_headers = {}

        def start_response(status, headers, exc_info=None):
            status_headers["status"] = int(status.split()[0])
            status_headers["headers"] = headers

        chunks = self.application(
            _environ(method, path, body, content_type, self.cookies), start_response
        )
        content = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        for name, value in status_headers["headers"]:
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return status_headers["status"], dict(status_headers["headers"]), content.decode()


# Stages of a request: (label, file ending, function); each one's share of the profile,
# applied to the CPU measured without the profiler. Nested stages are indented.
STAGES = {
    "registration": [
        ("whole request (WSGI handler)", "django/core/handlers/wsgi.py", "__call__"),
        (" view and DRF (middleware: the rest)", "django/core/handlers/base.py", "_get_response"),
        ("  the view", "registrations/api/views.py", "post"),
        ("   catalogue from the cache", "events/selectors.py", "event_catalogue_cached"),
        ("   input serializer", "rest_framework/serializers.py", "is_valid"),
        ("   registration_create", "registrations/services/registration.py", "registration_create"),
        ("    writes, lock, seats", "registrations/services/registration.py", "_register"),
        ("     save registration", "registrations/services/registration.py", "_save_registration"),
        ("     save attendees", "registrations/services/registration.py", "_save_attendees"),
        ("     outbox rows", "registrations/messaging/notify.py", "notify_registration_created"),
        ("     lock the event", "registrations/capacity.py", "lock_event"),
        ("     seat statement", "registrations/capacity.py", "seat_state"),
        ("     write the tally", "registrations/capacity.py", "seats_tally"),
        ("    commit (with the Celery publish)", "django/db/transaction.py", "__exit__"),
        ("     Celery publish", "registrations/messaging/tasks.py", "queue_delivery"),
        (
            "   payment (none by invoice)",
            "payments/services/checkout.py",
            "payment_for_registration",
        ),
        ("   output", "registrations/api/serializers.py", "registration_data"),
        ("  JSON rendering", "rest_framework/response.py", "rendered_content"),
    ],
    "purchase": [
        ("whole purchase (five requests)", "django/core/handlers/wsgi.py", "__call__"),
        (" views (middleware: the rest)", "django/core/handlers/base.py", "_get_response"),
        ("  event page", "events/views.py", "event_detail"),
        ("  registration form, review, confirm", "registrations/views.py", "register"),
        ("   registration_create", "registrations/services/registration.py", "registration_create"),
        ("  confirmation page", "registrations/views.py", "manage"),
        ("  Django templates rendered", "django/template/base.py", "render"),
        ("  Jinja2 templates rendered", "django/template/backends/jinja2.py", "render"),
        ("  form fields rendered", "config/forms.py", "render"),
        (" sessions", "django/contrib/sessions/middleware.py", "process_response"),
        (" CSRF", "django/middleware/csrf.py", "process_view"),
    ],
}


def _print_stages(stats: pstats.Stats, stages, cpu_ms: float) -> None:
    """Each stage's share of the profile (cumulative, outermost call) times `cpu_ms`."""
    total = max(ct for (_, _, name), (_, _, _, ct, _) in stats.stats.items() if name == "__call__")
    print(f"CPU by stage (of {cpu_ms:.2f} ms, shared out as the profile shares it):")
    for label, ending, function in stages:
        cumulative = sum(
            ct
            for (filename, _, name), (_, _, _, ct, _) in stats.stats.items()
            if name == function and filename.endswith(ending)
        )
        if function in ("render", "__exit__", "process_view", "process_response"):
            cumulative = max(
                (
                    ct
                    for (filename, _, name), (_, _, _, ct, _) in stats.stats.items()
                    if name == function and filename.endswith(ending)
                ),
                default=0.0,
            )
        print(f"  {label:<44} {cumulative / total * cpu_ms:6.2f} ms")


def _backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "what", nargs="?", choices=["registration", "purchase"], default="registration"
    )
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--limit", type=int, default=40)
    parser.add_argument(
        "--templates", action="store_true", help="CPU inside each template, per request"
    )
    parser.add_argument("--callgrind", help="write the profile in callgrind format to this file")
    parser.add_argument("--callees", help="print what functions matching this call")
    parser.add_argument("--pstats", help="write the profile for pstats (python -m pstats FILE)")
    parser.add_argument(
        "--bound",
        action="store_true",
        help="registration: also time the service alone beside the floor's view alone",
    )
    args = parser.parse_args()
    env = {
        "DATABASE_URL": os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/confreg_bench"
        ),
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": "bench-" + "c" * 50,
        "LOG_LEVEL": "WARNING",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "THROTTLE_ENABLED": "0",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4"),
    }
    os.environ.update(env)
    os.environ.pop("CELERY_BROKER_URL", None)
    from bench.server_cpu import BILLING_FORM, _create_database

    _create_database(env["DATABASE_URL"])  # created if missing, as server_cpu.py does
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):  # DEBUG off
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, check=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from decimal import Decimal

    from django.db import connection

    from config.wsgi import application  # django.setup(), as gunicorn's worker does
    from tests.factories import EventFactory, SessionFactory, TicketTypeFactory

    price = Decimal("0.00") if args.what == "registration" else Decimal("450.00")
    event = EventFactory(slug=f"profile-{time.time_ns()}", venue=None)
    ticket = TicketTypeFactory(event=event, price=price, capacity=100000)
    if args.what == "purchase":
        for _ in range(10):
            SessionFactory(event=event, capacity=None)
    connection.close()
    stamp = time.time_ns()

    def registration(n: int) -> None:
        body = json.dumps(
            {
                "buyer": {"first_name": "B", "last_name": str(n), "email": f"b{n}@example.org"},
                "attendees": [
                    {
                        "ticket_type": ticket.id,
                        "first_name": "A",
                        "last_name": str(n),
                        "email": f"a{n}-{stamp}@example.org",
                    }
                ],
                "payment_method": "card",  # nothing to pay: confirmed at once
            }
        ).encode()
        status, _, content = Client(application).call(
            "POST", f"/api/v1/events/{event.slug}/registrations/", body, "application/json"
        )
        assert status == 201, (status, content[:500])

    def purchase(n: int) -> None:
        client = Client(application)
        status, _, _ = client.call("GET", f"/events/{event.slug}/")
        assert status == 200, status
        url = f"/registrations/register/{event.slug}/"
        status, _, page = client.call("GET", url)
        form = {
            "csrfmiddlewaretoken": dict(HIDDEN.findall(page)).get("csrfmiddlewaretoken", ""),
            "action": "review",
            "buyer-first_name": "Ada",
            "buyer-last_name": "Ng",
            "buyer-email": f"buyer{n}@example.org",
            "attendees-TOTAL_FORMS": "1",
            "attendees-INITIAL_FORMS": "1",
            "attendees-MIN_NUM_FORMS": "1",
            "attendees-MAX_NUM_FORMS": "50",
            "order-promo_code": "",
            "order-payment_method": "invoice",
            "order-waitlist_offer": "",
            "attendees-0-ticket_type": str(ticket.id),
            "attendees-0-first_name": "Ada",
            "attendees-0-last_name": "Ng",
            "attendees-0-email": f"a{n}-{stamp}@example.org",
        } | BILLING_FORM
        form_type = "application/x-www-form-urlencoded"
        status, _, review = client.call("POST", url, urlencode(form).encode(), form_type)
        assert status == 200, status
        hidden = {k: unescape(v) for k, v in HIDDEN.findall(review)} | {"action": "confirm"}
        status, headers, _ = client.call("POST", url, urlencode(hidden).encode(), form_type)
        assert status == 302, status
        status, _, _ = client.call("GET", urlsplit(headers["Location"]).path)
        assert status == 200, status

    one = registration if args.what == "registration" else purchase
    for n in range(20):  # warm: imports, connections, compiled templates
        one(-n - 1)

    statements: Counter[str] = Counter()

    def count(execute, sql, params, many, context):
        statements[" ".join(sql.split())[:90]] += 1
        return execute(sql, params, many, context)

    redis_commands: Counter[str] = Counter()
    from redis.client import Redis

    original = Redis.execute_command

    def counted(self, *command, **options):
        redis_commands[str(command[0])] += 1
        return original(self, *command, **options)

    Redis.execute_command = counted
    try:
        with connection.execute_wrapper(count):
            one(0)
            one(1)
    finally:
        Redis.execute_command = original
    print(f"per {args.what}: {sum(statements.values()) / 2:g} SQL statements")
    for sql, n in statements.most_common():
        print(f"  {n / 2:g}x {sql}")
    print(f"  Redis: {dict((k, v / 2) for k, v in redis_commands.items())} (publishes excluded)")

    backend = connection.connection.info.backend_pid
    started, backend_started = time.process_time(), _backend_cpu(backend)
    for n in range(args.requests):
        one(n + 2)
    cpu = (time.process_time() - started) / args.requests
    backend_cpu = (_backend_cpu(backend) - backend_started) / args.requests
    print(
        f"CPU per {args.what} (no profiler): this process {cpu * 1000:.2f} ms, its PostgreSQL "
        f"backend {backend_cpu * 1000:.2f} ms"
    )

    if args.templates:
        _print_templates(one, args.requests)
    if args.bound and args.what == "registration":
        _print_bound(event.slug, ticket.id, stamp, args.requests)

    profiler = cProfile.Profile(time.process_time)  # CPU, not waiting for PostgreSQL
    profiler.enable()
    for n in range(args.requests):
        one(n + 2 + args.requests)
    profiler.disable()
    stats = pstats.Stats(profiler)
    if args.limit:
        stats.sort_stats(args.sort).print_stats(args.limit)
    if args.callees:
        stats.sort_stats("cumulative").print_callees(args.callees)
    calls = sum(nc for _, nc, _, _, _ in stats.stats.values()) / args.requests
    print(f"{calls:,.0f} Python function calls per {args.what}")
    _print_stages(stats, STAGES[args.what], cpu * 1000)
    if args.pstats:
        stats.dump_stats(args.pstats)
    if args.callgrind:
        from pyprof2calltree import convert  # noqa: PLC0415 - optional

        convert(stats, args.callgrind)


def _print_bound(slug: str, ticket_id: int, stamp: int, requests: int) -> None:
    """The least a registration can cost with this service: `registration_create` alone
    (the catalogue from the cache, input checks, price, writes, lock, seats, tally,
    commit, the emails' publish), called as the API's view calls it but with no HTTP,
    middleware, DRF or answer; beside the floor's view alone (bench/floor_app.py: one
    UPDATE, one INSERT, its JSON), in this process and its PostgreSQL backend.

    Whatever the request path around it costs, a registration costs at least the first
    plus what gunicorn and Django's handler add to any request, and the floor the second
    plus the same: bench/server_cpu.py's floor, less its view here, is that addition."""
    from types import SimpleNamespace

    from django.db import connection

    from bench import floor_app
    from events.selectors import event_catalogue_cached_or_404
    from finance.billing import BillingInput
    from registrations.services.inputs import AttendeeInput, BuyerInput
    from registrations.services.registration import registration_create

    def service(n: int) -> None:
        registration_create(
            event=event_catalogue_cached_or_404(slug=slug).event,
            buyer=BuyerInput(
                first_name="B",
                last_name=str(n),
                email=f"b{n}@example.org",
                billing=BillingInput.from_dict(None),
            ),
            attendees=[
                AttendeeInput(
                    ticket_type=ticket_id,
                    first_name="A",
                    last_name=str(n),
                    email=f"s{n}-{stamp}@example.org",
                )
            ],
            payment_method="card",
        )

    def floor(n: int) -> None:
        body = json.dumps({"buyer": {"last_name": str(n)}}).encode()
        response = floor_app.register(SimpleNamespace(body=body), slug)
        assert response.status_code == 201, response.content

    floor_app.reset(capacity=10**9)  # its own two tables, in this database
    print("The service alone, and the floor's view alone (no HTTP, middleware, DRF, answer):")
    backend = connection.connection.info.backend_pid
    for label, call in (("registration_create", service), ("the floor's view", floor)):
        for n in range(20):
            call(-n - 1)
        started, backend_started = time.process_time(), _backend_cpu(backend)
        for n in range(requests):
            call(n)
        cpu = (time.process_time() - started) / requests * 1000
        backend_cpu = (_backend_cpu(backend) - backend_started) / requests * 1000
        print(
            f"  {label:<20} this process {cpu:.2f} ms, PostgreSQL {backend_cpu:.2f} ms: "
            f"{cpu + backend_cpu:.2f} ms"
        )


def _print_templates(one, requests: int) -> None:
    """CPU per request inside each template and each included one (inclusive, so a
    page's time holds its includes'), without the profiler: Django templates, and the
    Jinja2 ones (whose includes are part of the page's render)."""
    from django.template.backends import jinja2
    from django.template.base import Template

    spent: Counter[str] = Counter()
    renders: Counter[str] = Counter()
    originals = {Template: Template.render, jinja2.Template: jinja2.Template.render}

    def timed(cls, name_of):
        original = originals[cls]

        def render(self, *args, **kwargs):
            started = time.process_time()
            try:
                return original(self, *args, **kwargs)
            finally:
                spent[name_of(self)] += time.process_time() - started
                renders[name_of(self)] += 1

        return render

    Template.render = timed(Template, lambda t: t.origin.template_name)
    jinja2.Template.render = timed(jinja2.Template, lambda t: f"{t.template.name} (Jinja2)")
    try:
        for n in range(requests):
            one(10**6 + n)
    finally:
        for cls, original in originals.items():
            cls.render = original
    print("CPU inside templates, per request (inclusive):")
    for name, seconds in spent.most_common(25):
        print(f"  {seconds / requests * 1000:7.2f} ms  {renders[name] / requests:5.1f}x  {name}")


if __name__ == "__main__":
    main()
