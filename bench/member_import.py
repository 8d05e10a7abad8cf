"""Member-list import: time and peak memory of importing 10,000 and 100,000 members
from CSV (members.importer), once into an empty list and once again over it (every row
an update), with ?replace semantics on the second run.

A benchmark, never a test: it prints figures and exits 0.

    .venv/bin/python bench/member_import.py [--sizes 10000 100000]

Uses the PostgreSQL database `confreg_bench_members` on 127.0.0.1:5432 (user postgres),
created with psql and migrated when missing. The CSV is written to a temporary file
first (about 6 MB at 100,000 rows). Each measurement runs in a fresh process, so that
its peak resident memory (ru_maxrss) is its own; the same import again under
tracemalloc gives the peak of Python allocations.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
DATABASE = "confreg_bench_members"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"


def bench_env() -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": DATABASE_URL,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "k" * 50,
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "0",
    }


def ensure_database() -> None:
    exists = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc",
         f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"],  # noqa: S608 - a constant
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    if exists != "1":
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {DATABASE}"],
            check=True,
        )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=bench_env(), check=True
    )


def write_csv(path: Path, size: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("member_number,email,last_name,valid_until\n")
        for n in range(size):
            if n % 1000 == 999:  # a rejected row now and then
                out.write(f"IHI-{n:07d},not-an-email,Ng,2027-12-31\n")
            else:
                out.write(f"IHI-{n:07d},member{n}@example.org,Surname{n % 977},2027-12-31\n")


def measure(path: str, replace: bool, trace: bool) -> dict:
    os.environ.update(bench_env())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import tracemalloc

    from members.importer import members_import

    baseline_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    with open(path, "rb") as source:
        report = members_import(source=source, replace=replace)
    seconds = time.perf_counter() - started
    result = {
        "seconds": round(seconds, 2),
        "created": report.created,
        "updated": report.updated,
        "removed": report.removed,
        "rejected": report.rejected_count,
        "rss_growth_mb": round(
            (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - baseline_rss) / 1024, 1
        ),
    }
    if trace:
        result["python_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
    return result


def run(path: Path, replace: bool, trace: bool) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--measure", str(path)]
        + (["--replace"] if replace else [])
        + (["--trace"] if trace else []),
        cwd=ROOT,
        env=bench_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--measure")
    parser.add_argument("--replace", action="store_true")
    parser.add_argument("--trace", action="store_true")
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.replace, args.trace)))
        return
    ensure_database()
    print(f"{'rows':>8} {'run':<22} {'seconds':>8} {'RSS +MB':>8} {'py peak MB':>10}  result")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "members.csv"
            write_csv(path, size)
            for label, replace in (("replace (empty list)", True), ("merge (all updates)", False)):
                if label.startswith("replace"):
                    subprocess.run(
                        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", DATABASE, "-qc",
                         "TRUNCATE members_member"],
                        check=True,
                    )  # fmt: skip
                plain = run(path, replace, trace=False)
                traced = run(path, replace, trace=True)
                print(
                    f"{size:>8} {label:<22} {plain['seconds']:>8} {plain['rss_growth_mb']:>8} "
                    f"{traced['python_peak_mb']:>10}  {plain['created']} created, "
                    f"{plain['updated']} updated, {plain['rejected']} rejected"
                )


if __name__ == "__main__":
    main()
