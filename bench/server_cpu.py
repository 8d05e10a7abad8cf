"""Server CPU per request, beside the floor, in one run: what issue 18 measures.

Starts two gunicorns (this project, and the floor of bench/floor_app.py) and, in rounds
that alternate between them, sends

- the free-registration rush: `--requests` JSON POSTs from `--clients` clients, to this
  project and to the floor (one conditional UPDATE and one INSERT per request);
- a browser-style purchase (event page, form, review, confirm by invoice, confirmation
  page), `--purchases` buyers, `--buyers` at a time, with their cookies and CSRF tokens.

The CPU counted is the server's: user + system time, from /proc/<pid>/stat, of the
gunicorn master and its workers, plus the PostgreSQL backends serving that gunicorn's
database (found by their process title, sampled while the load runs so that a backend
which exits is counted too). The load generator (this process) is left out, and so is
Redis. Prints each round and the medians; never pass/fail, except a non-zero exit on
oversell or on any request that was not answered as a registration (201, or 200 for a
purchase's last page).

    .venv/bin/python bench/server_cpu.py [--rounds 3] [--requests 2000] [--clients 32]
        [--purchases 60] [--buyers 4] [--workers 4] [--port 8765]
        [--pretix [--pretix-purchases 20]]

Databases (created if missing): BENCH_DATABASE_URL (default the `confreg_bench` database
on 127.0.0.1:5432, user postgres) for this project and BENCH_FLOOR_DATABASE_URL (default
`confreg_floor`) for the floor; they must differ, since backends are told apart by their
database. Cache and broker: BENCH_REDIS_URL (default redis://127.0.0.1:6379/4), emptied
first. gunicorn listens on --port (floor) and --port + 1 (this project).

With `--pretix`, each round also measures pretix's own shop the same way (gunicorn,
`--workers` workers, on --port + 2, and the backends of its database): `--pretix-purchases`
purchases (event page, cart, contact and attendee, bank transfer, confirm, order page)
through bench/pretix_shop.py, which must have installed and seeded it first. Without it,
a purchase is compared with the 0.87 CPU-s measured for pretix 2026.8 when issue 18 was
written (on a faster day of this machine: compare within a run when you can).
"""

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PRETIX_PURCHASE_CPU_SECONDS = 0.87  # issue 18: pretix 2026.8's shop, measured on this machine
TICKS = os.sysconf("SC_CLK_TCK")


# --- CPU from /proc ----------------------------------------------------------------------


def _process_cpu(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS


def _gunicorn_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    pids = [master]
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    return pids


def _backend_pids(database: str) -> list[int]:
    """PostgreSQL backends connected to `database`: their title is
    `postgres: <user> <database> <host>(<port>) <state>`."""
    marker = f" {database} ".encode()
    pids = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            cmdline = Path(entry.path, "cmdline").read_bytes()
        except OSError:
            continue
        if cmdline.startswith(b"postgres: ") and marker in cmdline.replace(b"\0", b" "):
            pids.append(int(entry.name))
    return pids


class ServerCpu:
    """CPU seconds of one gunicorn and its database's backends, between start() and stop().

    Backends are sampled every `every` seconds: one that exits keeps its last reading
    (at most `every` seconds of its CPU are lost); one that starts counts from zero."""

    def __init__(self, master: int, database: str, every: float = 0.2) -> None:
        self.master, self.database, self.every = master, database, every
        self._stop = threading.Event()

    def _read(self, pids: list[int], into: dict[int, float]) -> None:
        for pid in pids:
            cpu = _process_cpu(pid)
            if cpu is not None:
                into[pid] = cpu

    def start(self) -> None:
        self.web_before: dict[int, float] = {}
        self.db_before: dict[int, float] = {}
        self._read(_gunicorn_pids(self.master), self.web_before)
        self._read(_backend_pids(self.database), self.db_before)
        self.db_last = dict(self.db_before)
        self._stop.clear()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(self.every):
            self._read(_backend_pids(self.database), self.db_last)

    def stop(self) -> tuple[float, float]:
        """(gunicorn, PostgreSQL) CPU seconds since start()."""
        self._stop.set()
        self._thread.join()
        self._read(_backend_pids(self.database), self.db_last)
        web_after: dict[int, float] = {}
        self._read(_gunicorn_pids(self.master), web_after)
        web = sum(cpu - self.web_before.get(pid, 0.0) for pid, cpu in web_after.items())
        db = sum(cpu - self.db_before.get(pid, 0.0) for pid, cpu in self.db_last.items())
        return web, db


# --- Servers -----------------------------------------------------------------------------


def _database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _create_database(url: str) -> None:
    parts = urlsplit(url)
    subprocess.run(
        [
            "psql",
            "-h",
            parts.hostname or "127.0.0.1",
            "-p",
            str(parts.port or 5432),
            "-U",
            parts.username or "postgres",
            "-d",
            "postgres",
            "-qc",
            f'CREATE DATABASE "{_database_name(url)}"',
        ],
        capture_output=True,
        check=False,
    )


def start_gunicorn(
    app: str,
    port: int,
    workers: int,
    *,
    env: dict,
    cwd: Path = ROOT,
    python: str = sys.executable,
    probe: str = "/api/v1/events/",
    options: tuple[str, ...] = (),
    tries: int = 150,
) -> subprocess.Popen:
    """gunicorn serving `app` with `workers` sync workers on `port`; returns once `probe`
    answers (this project, the floor, and pretix's shop in bench/pretix_shop.py)."""
    server = subprocess.Popen(
        [python, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}"]
        + ["--workers", str(workers), "--log-level", "warning", *options],
        cwd=cwd,
        env=env,
    )
    for _ in range(tries):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn {app} exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", probe)
            conn.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    server.wait(timeout=30)
    raise SystemExit(f"gunicorn {app} did not answer on port {port}")


def _warm(port: int, workers: int) -> None:
    """Every worker has imported and connected before anything is measured."""
    for _ in range(workers * 8):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/api/v1/events/")
        conn.getresponse().read()
        conn.close()


# --- Loads -------------------------------------------------------------------------------


@dataclass
class Measure:
    label: str
    count: int
    elapsed: float
    web_cpu: float
    db_cpu: float
    latencies: list[float]
    statuses: dict[int, int]

    @property
    def cpu_ms(self) -> float:
        return (self.web_cpu + self.db_cpu) / self.count * 1000

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.latencies) or [float("nan")]
        return ordered[max(int(len(ordered) * 0.95) - 1, 0)] * 1000

    def all_answered(self, status: int) -> bool:
        """Every request got `status` (201 registered, 200 purchased): else the figures
        are of something else, such as refusals."""
        return set(self.statuses) == {status}

    def line(self) -> str:
        if not self.latencies:  # nothing answered as asked: the statuses say what did
            return f"  {self.label:<9} no request succeeded; statuses {self.statuses}"
        return (
            f"  {self.label:<9} server CPU {self.cpu_ms:6.2f} ms/request "
            f"(gunicorn {self.web_cpu / self.count * 1000:5.2f}, PostgreSQL "
            f"{self.db_cpu / self.count * 1000:5.2f})  {self.count / self.elapsed:6.1f} req/s  "
            f"median {statistics.median(self.latencies) * 1000:6.1f} ms  p95 {self.p95_ms:6.1f} ms"
            f"  statuses {dict(sorted(self.statuses.items()))}"
        )


def _measured(label, cpu: ServerCpu, count: int, run) -> Measure:
    cpu.start()
    started = time.perf_counter()
    latencies, statuses = run()
    elapsed = time.perf_counter() - started
    web, db = cpu.stop()
    return Measure(label, count, elapsed, web, db, latencies, statuses)


def rush(port: int, slug: str, ticket_id: int, requests: int, clients: int):
    """`requests` free registrations by JSON POST, from `clients` keep-alive clients."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    counter = iter(range(requests))
    stamp = time.time_ns()

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for n in counter:
            body = json.dumps(
                {
                    "buyer": {"first_name": "B", "last_name": str(n), "email": f"b{n}@example.org"},
                    "attendees": [
                        {
                            "ticket_type": ticket_id,
                            "first_name": "A",
                            "last_name": str(n),
                            "email": f"a{n}-{stamp}@example.org",
                        }
                    ],
                    # Nothing to pay: confirmed at once (invoice would need billing details).
                    "payment_method": "card",
                }
            )
            start = time.perf_counter()
            conn.request(
                "POST",
                f"/api/v1/events/{slug}/registrations/",
                body,
                {"Content-Type": "application/json"},
            )
            response = conn.getresponse()
            response.read()
            took = time.perf_counter() - start
            with lock:
                latencies.append(took)
                statuses[response.status] = statuses.get(response.status, 0) + 1

    in_threads(client, clients)
    return latencies, statuses


def in_threads(target, count: int) -> None:
    """`target` run in `count` threads at once; returns when all are done."""
    threads = [threading.Thread(target=target) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


class Browser:
    """A visitor: one keep-alive connection, cookies kept (Secure ones too: plain HTTP
    here stands for the TLS proxy), forms posted as a browser posts them."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {"Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body, headers)
        response = self.conn.getresponse()
        content = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response, content


def purchases(port: int, slug: str, ticket_id: int, count: int, buyers: int):
    """`count` purchases, `buyers` at a time: event page, form, review, confirm by
    invoice, confirmation page. One latency per purchase (all five pages)."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    counter = iter(range(count))
    stamp = time.time_ns()

    def buyer() -> None:
        for n in counter:
            browser = Browser(port)
            start = time.perf_counter()
            ok = _purchase(browser, slug, ticket_id, f"{n}-{stamp}")
            took = time.perf_counter() - start
            browser.conn.close()
            with lock:
                latencies.append(took)
                statuses[ok] = statuses.get(ok, 0) + 1

    in_threads(buyer, buyers)
    return latencies, statuses


# What an invoice needs (API.md), as a buyer paying by invoice fills it in.
BILLING_FORM = {
    "billing-organization": "Mercy General",
    "billing-email": "ap@mercy.example.org",
    "billing-address_line1": "1 Main St",
    "billing-city": "Boston",
    "billing-country": "US",
}


def _purchase(browser: Browser, slug: str, ticket_id: int, n: str) -> int:
    """The status of the confirmation page (200), or of the step that went wrong."""
    response, _ = browser.request("GET", f"/events/{slug}/")
    if response.status != 200:
        return response.status
    url = f"/registrations/register/{slug}/"
    response, page = browser.request("GET", url)
    if response.status != 200:
        return response.status
    csrf = dict(HIDDEN.findall(page)).get("csrfmiddlewaretoken", "")
    form = {
        "csrfmiddlewaretoken": csrf,
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
        "attendees-0-ticket_type": str(ticket_id),
        "attendees-0-first_name": "Ada",
        "attendees-0-last_name": "Ng",
        "attendees-0-email": f"a{n}@example.org",
    } | BILLING_FORM
    response, review = browser.request("POST", url, form)
    if response.status != 200:
        return response.status
    hidden = {name: unescape(value) for name, value in HIDDEN.findall(review)}
    response, _ = browser.request("POST", url, hidden | {"action": "confirm"})
    if response.status != 302:
        return response.status
    response, _ = browser.request("GET", urlsplit(response.getheader("Location")).path)
    return response.status


# --- The run -----------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--purchases", type=int, default=60)
    parser.add_argument("--buyers", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers, each server")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8765")))
    parser.add_argument("--no-purchase", action="store_true")
    parser.add_argument(
        "--pretix", action="store_true", help="measure pretix's purchase in the same rounds"
    )
    parser.add_argument("--pretix-purchases", type=int, default=20)
    args = parser.parse_args()
    if args.pretix and args.no_purchase:
        raise SystemExit("--pretix compares purchases: drop --no-purchase")

    app_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/confreg_bench"
    )
    floor_url = os.environ.get(
        "BENCH_FLOOR_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/confreg_floor"
    )
    if _database_name(app_url) == _database_name(floor_url):
        raise SystemExit("BENCH_DATABASE_URL and BENCH_FLOOR_DATABASE_URL must name two databases")
    for url in (app_url, floor_url):
        _create_database(url)
    env = os.environ | {
        "DATABASE_URL": app_url,
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": "bench-" + "c" * 50,
        "LOG_LEVEL": "WARNING",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "THROTTLE_ENABLED": "0",  # every request comes from one address
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4"),
    }
    env.pop("CELERY_BROKER_URL", None)
    floor_env = env | {"DATABASE_URL": floor_url}
    os.environ.update(env)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from decimal import Decimal

    from django.db import connection

    from registrations.models import Attendee, Registration
    from tests.factories import EventFactory, SessionFactory, TicketTypeFactory

    print(
        f"{args.rounds} rounds; rush: {args.requests} free registrations, {args.clients} "
        f"clients; purchase: {args.purchases} buyers, {args.buyers} at a time; gunicorn "
        f"{args.workers} workers each; CPU = gunicorn + PostgreSQL backends, from /proc"
    )
    floor_port, app_port = args.port, args.port + 1
    if args.pretix:
        from bench import pretix_shop

        if not pretix_shop.PYTHON.exists():
            raise SystemExit("no local pretix: bench/pretix_shop.py install, then seed")
    floor_server = start_gunicorn(
        "bench.floor_app:application", floor_port, args.workers, env=floor_env
    )
    app_server = start_gunicorn("config.wsgi:application", app_port, args.workers, env=env)
    results: dict[str, list[Measure]] = {"floor": [], "app": [], "purchase": [], "pretix": []}
    oversold = failed = False
    pretix_port = args.port + 2
    pretix_server = pretix_cpu = None
    try:
        if args.pretix:
            pretix_shop.seed(pretix_port)  # its shop open now, however long ago it was made
            pretix_server = pretix_shop.gunicorn(pretix_port, args.workers)
            pretix_cpu = ServerCpu(pretix_server.pid, pretix_shop.DATABASE)
        _warm(floor_port, args.workers)
        _warm(app_port, args.workers)
        if args.pretix:  # every worker has rendered the shop's pages once
            _pretix_purchases(pretix_port, args.workers * 2, args.buyers)
        floor_cpu = ServerCpu(floor_server.pid, _database_name(floor_url))
        app_cpu = ServerCpu(app_server.pid, _database_name(app_url))
        shop = EventFactory(slug=f"shop-{int(time.time())}", venue=None)
        shop_ticket = TicketTypeFactory(event=shop, price=Decimal("450.00"), capacity=100000)
        for _ in range(10):
            SessionFactory(event=shop, capacity=None)
        if not args.no_purchase:  # warm the pages: every worker has compiled every template
            # (a Jinja2 page costs 6-32 ms to compile, some 130 ms a worker for the five)
            purchases(app_port, shop.slug, shop_ticket.id, args.workers * 6, args.buyers)
        for round_no in range(1, args.rounds + 1):
            print(f"round {round_no}")
            subprocess.run(
                [sys.executable, "-c", f"import bench.floor_app as f; f.reset({args.requests})"],
                cwd=ROOT,
                env=floor_env,
                check=True,
            )
            floor = _measured(
                "floor",
                floor_cpu,
                args.requests,
                lambda: rush(floor_port, "floor", 0, args.requests, args.clients),
            )
            print(floor.line())
            failed |= not floor.all_answered(201)
            event = EventFactory(slug=f"cpu-{round_no}-{int(time.time())}", venue=None)
            ticket = TicketTypeFactory(event=event, capacity=args.requests, price=Decimal("0.00"))
            connection.close()  # no idle backend of this process is counted as the app's
            app = _measured(
                "app",
                app_cpu,
                args.requests,
                lambda slug=event.slug, ticket_id=ticket.id: rush(
                    app_port, slug, ticket_id, args.requests, args.clients
                ),
            )
            print(app.line())
            failed |= not app.all_answered(201)
            taken = Attendee.objects.filter(ticket_type=ticket).count()
            confirmed = Registration.objects.filter(event=event, status="confirmed").count()
            connection.close()
            oversold |= taken > args.requests
            print(
                f"  seats taken {taken} of {args.requests}, {confirmed} confirmed: "
                f"{'OVERSOLD' if taken > args.requests else 'no oversell'}; "
                f"app/floor CPU {app.cpu_ms / floor.cpu_ms:.2f}"
            )
            results["floor"].append(floor)
            results["app"].append(app)
            if not args.no_purchase:
                purchase = _measured(
                    "purchase",
                    app_cpu,
                    args.purchases,
                    lambda: purchases(
                        app_port, shop.slug, shop_ticket.id, args.purchases, args.buyers
                    ),
                )
                print(purchase.line().replace("/request", "/purchase").replace("req/s", "buy/s "))
                results["purchase"].append(purchase)
                failed |= not purchase.all_answered(200)
            if args.pretix:
                pretix = _measured(
                    "pretix",
                    pretix_cpu,
                    args.pretix_purchases,
                    lambda: _pretix_purchases(pretix_port, args.pretix_purchases, args.buyers),
                )
                print(pretix.line().replace("/request", "/purchase").replace("req/s", "buy/s "))
                print(
                    f"  pretix/this project, CPU a purchase: {pretix.cpu_ms / purchase.cpu_ms:.1f}"
                )
                results["pretix"].append(pretix)
                failed |= not pretix.all_answered(200)
    finally:
        for server in (floor_server, app_server, pretix_server):
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
    _summary(results)
    if failed:
        print("SOME REQUESTS FAILED: their figures are not those of registrations")
    return 1 if oversold or failed else 0


def _pretix_purchases(port: int, count: int, buyers: int):
    """pretix's shop, as `purchases` measures this project's: (latencies, statuses), 200
    for a purchase that ended in an order, 0 for one that did not."""
    from bench import pretix_shop

    latencies, failures = pretix_shop.purchases(port, pretix_shop.EVENT_PATH, count, buyers)
    for failure in failures[:5]:
        print(f"  pretix purchase failed: {failure}")
    statuses = {200: len(latencies)} if latencies else {}
    if failures:
        statuses[0] = len(failures)
    return latencies, statuses


def _summary(results: dict[str, list[Measure]]) -> None:
    floor = statistics.median(m.cpu_ms for m in results["floor"])
    app = statistics.median(m.cpu_ms for m in results["app"])
    ratios = [a.cpu_ms / f.cpu_ms for a, f in zip(results["app"], results["floor"], strict=True)]
    print("medians")
    print(
        f"  free registration: {app:.2f} ms server CPU, floor {floor:.2f} ms: "
        f"{statistics.median(ratios):.2f}x the floor (rounds: "
        f"{', '.join(f'{r:.2f}' for r in ratios)})"
    )
    print(
        "  p95 at the rush: "
        + ", ".join(f"{m.p95_ms:.0f}" for m in results["app"])
        + " ms (floor "
        + ", ".join(f"{m.p95_ms:.0f}" for m in results["floor"])
        + " ms)"
    )
    if results["pretix"]:
        cpu = statistics.median(m.cpu_ms / 1000 for m in results["purchase"])
        pretix = statistics.median(m.cpu_ms / 1000 for m in results["pretix"])
        ratios = [
            p.cpu_ms / a.cpu_ms for p, a in zip(results["pretix"], results["purchase"], strict=True)
        ]
        print(
            f"  purchase: {cpu:.4f} CPU-s, pretix {pretix:.3f} CPU-s in the same rounds: "
            f"{statistics.median(ratios):.1f}x cheaper (rounds: "
            f"{', '.join(f'{r:.1f}' for r in ratios)})"
        )
    elif results["purchase"]:
        cpu = statistics.median(m.cpu_ms / 1000 for m in results["purchase"])
        print(
            f"  purchase: {cpu:.4f} CPU-s, {PRETIX_PURCHASE_CPU_SECONDS / cpu:.1f}x cheaper than "
            f"pretix's {PRETIX_PURCHASE_CPU_SECONDS} CPU-s (issue 18, no local pretix)"
        )


if __name__ == "__main__":
    sys.exit(main())
