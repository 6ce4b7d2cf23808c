"""The nightly scan on a synthetic book, against a bare SQL aggregate (issue 3).

Builds on PostgreSQL: N households (default 1,000) × 4 accounts, ~1,000 open lots each over
500 securities, a year of daily prices and recent trades; then runs a full scan in one
process (one worker: chunks run one after another) and prints lots per second next to the
time of a bare aggregate (count and sum of unrealized loss joined to the latest prices),
and their ratio. Run at two sizes to see the growth (`--households 250` and 1,000).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/scan.py
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH_DB = "taxalpha_bench"
AS_OF = date(2026, 10, 15)


def bench_url(base: str) -> str:
    head = base.rsplit("/", 1)[0]
    return f"{head}/{BENCH_DB}"


def ensure_database(base: str) -> None:
    import psycopg

    with psycopg.connect(base.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (BENCH_DB,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def setup_django(url: str, redis_url: str = "") -> None:
    """Django on the bench database; with `redis_url`, tasks go to Celery workers."""
    os.environ["DATABASE_URL"] = url
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
    else:
        os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def trading_days(end: date, count: int) -> list[date]:
    days, day = [], end
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return sorted(days)


def copy_rows(cursor, table: str, columns: list[str], rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def build(households: int, lots_per_household: int, securities: int, seed: int = 7) -> None:
    from django.db import connection, transaction

    from advisors.models import Household
    from harvesting.models import IdenticalGroup, IdenticalMember, SwapPair
    from portfolios.models import Security

    rng = random.Random(seed)
    sectors = [f"Sector {i}" for i in range(11)]
    with transaction.atomic():
        for model in ("harvesting_proposalleg", "harvesting_proposal", "harvesting_harvestrunitem",
                      "harvesting_harvestrun", "portfolios_lot", "portfolios_realizedsale",
                      "portfolios_transaction", "portfolios_scheduledpurchase",
                      "portfolios_taxprofile", "portfolios_account", "advisors_member",
                      "advisors_auditevent", "advisors_household", "portfolios_price",
                      "portfolios_security", "harvesting_swappair",
                      "harvesting_identicalmember", "harvesting_identicalgroup"):
            connection.cursor().execute(f"TRUNCATE {model} RESTART IDENTITY CASCADE")
        symbols = [f"S{i:03d}" for i in range(securities - 10)] + [f"ETF{i}" for i in range(10)]
        Security.objects.bulk_create([
            Security(symbol=s, name=s, asset_class="US equity",
                     sector=sectors[i % 11] if s.startswith("S") else "",
                     sub_industry=f"Sub {i % 60}" if s.startswith("S") else "",
                     tracked_index=f"Index {i % 5}" if s.startswith("E") else "")
            for i, s in enumerate(symbols)
        ])
        ids = dict(Security.objects.values_list("symbol", "id"))
        group = IdenticalGroup.objects.create()
        IdenticalMember.objects.bulk_create([IdenticalMember(group=group, symbol="ETF0"),
                                             IdenticalMember(group=group, symbol="ETF1")])
        SwapPair.objects.bulk_create([SwapPair(from_symbol=f"ETF{i}", to_symbol=f"ETF{(i + 2) % 10}", rank=1)
                                      for i in range(10)])
        days = trading_days(AS_OF, 252)
        last_close = {}
        with connection.cursor() as cur:
            def prices():
                for s in symbols:
                    price = Decimal(rng.randint(20, 400))
                    for d in days:
                        price = (price * (1 + Decimal(rng.randint(-25, 24)) / 1000)).quantize(Decimal("0.0001"))
                        yield (ids[s], d, price)
                    last_close[s] = price
            copy_rows(cur, "portfolios_price", ["security_id", "date", "close"], prices())
        Household.objects.bulk_create([
            Household(key=f"hh{h:05d}", name=f"Household {h}") for h in range(households)
        ])
        hh_ids = list(Household.objects.order_by("id").values_list("id", flat=True))
        with connection.cursor() as cur:
            copy_rows(cur, "portfolios_account", ["household_id", "code", "owner", "type", "name", "custodian", "lot_method"],
                      ((hid, code, owner, type_, "", "", "fifo") for hid in hh_ids
                       for code, owner, type_ in (("P-TAX", "primary", "taxable"), ("S-TAX", "spouse", "taxable"),
                                                  ("P-IRA", "primary", "traditional_ira"), ("S-401K", "spouse", "401k"))))
            accounts = {}
            cur.execute("SELECT id, household_id, code FROM portfolios_account")
            for aid, hid, code in cur.fetchall():
                accounts[(hid, code)] = aid
            codes = ["P-TAX", "S-TAX", "P-IRA", "S-401K"]

            def lots():
                for hid in hh_ids:
                    held = rng.sample(symbols, 100)
                    for k in range(lots_per_household):
                        s = held[k % 100]
                        code = codes[k % 4] if k % 10 else "P-TAX"
                        qty = Decimal(rng.randint(5, 200))
                        basis = (last_close[s] * Decimal(rng.randint(80, 125)) / 100 * qty).quantize(Decimal("0.01"))
                        acquired = AS_OF - timedelta(days=rng.randint(40, 1500))
                        yield (hid, accounts[(hid, code)], ids[s], qty, basis, acquired, acquired, k, Decimal(0))
            copy_rows(cur, "portfolios_lot", ["household_id", "account_id", "security_id", "quantity", "cost_basis",
                                              "acquired", "purchase_date", "purchase_seq", "wash_adjustment"], lots())

            def trades():
                for hid in hh_ids:
                    for k in range(5):
                        s = rng.choice(symbols)
                        d = AS_OF - timedelta(days=rng.randint(0, 29))
                        yield (hid, 100000 + k, accounts[(hid, rng.choice(codes))], d, "BUY", ids[s],
                               Decimal(10), last_close[s], Decimal(0), "import")
            copy_rows(cur, "portfolios_transaction", ["household_id", "seq", "account_id", "date", "action",
                                                      "security_id", "quantity", "price", "fees", "source"], trades())
            cur.execute("ANALYZE")


def bare_aggregate() -> tuple[float, int, Decimal]:
    from django.db import connection

    sql = """
        SELECT count(*), sum(least(0, l.quantity * p.close - l.cost_basis))
        FROM portfolios_lot l
        JOIN (SELECT DISTINCT ON (security_id) security_id, close FROM portfolios_price
              WHERE date <= %s ORDER BY security_id, date DESC) p
          ON p.security_id = l.security_id
    """
    best = None
    for _ in range(3):
        start = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(sql, [AS_OF])
            count, total = cur.fetchone()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, count, total


def _fresh_tables() -> None:
    from django.db import connection

    from harvesting.models import Proposal

    Proposal.objects.all().delete()
    # A production server vacuums and analyzes behind the nightly writes (autovacuum);
    # some machines run PostgreSQL without it, so the bench does it once here.
    with connection.cursor() as cursor:
        for table in ("harvesting_proposalleg", "harvesting_proposal", "advisors_auditevent",
                      "harvesting_harvestrunitem", "harvesting_harvestrun"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def report(label: str, seconds: float, summary: dict, lots: int, aggregate: float) -> None:
    print(f"full scan ({label}): {seconds:.1f} s, {lots / seconds:,.0f} lots/s, "
          f"{summary['proposals_created']} proposals, {len(summary['errors'])} failed households")
    print(f"ratio scan / aggregate ({label}): {seconds / aggregate:.1f}x (target ≤ 20x)")


def scan() -> tuple[float, dict]:
    """The whole run in this process, chunk after chunk (one worker, one process)."""
    from harvesting import services

    _fresh_tables()
    start = time.perf_counter()
    run = services.harvest_run_start(as_of=AS_OF, trigger="bench", inline=True)
    elapsed = time.perf_counter() - start
    return elapsed, services.run_summary(run)


def scan_celery(url: str, redis_url: str, concurrency: int) -> tuple[float, dict]:
    """The whole run through one Celery worker, started as docker-compose.yml starts it
    (prefork, `concurrency` processes), timed from the run's start to its last chunk."""
    import subprocess

    from config.celery import app
    from harvesting import services
    from harvesting.models import HarvestRun

    env = dict(os.environ, DATABASE_URL=url, REDIS_URL=redis_url, DEBUG="0",
               SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-secret-key"))
    app.control.purge()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=WARNING",
         f"--concurrency={concurrency}", "-n", f"bench-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,  # its banner; warnings still show
    )
    try:
        for _ in range(120):
            if app.control.ping(timeout=0.5):
                break
        else:
            sys.exit("the Celery worker did not answer within a minute")
        _fresh_tables()
        start = time.perf_counter()
        run = services.harvest_run_start(as_of=AS_OF, trigger="bench", inline=False)
        while True:
            run.refresh_from_db()
            if run.status != HarvestRun.RUNNING:
                break
            if time.perf_counter() - start > 1800:
                sys.exit(f"run {run.id} unfinished after 30 minutes: see the worker's log")
            time.sleep(0.02)
        elapsed = time.perf_counter() - start
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    return elapsed, services.run_summary(run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=1000)
    parser.add_argument("--lots", type=int, default=1000, help="open lots per household")
    parser.add_argument("--securities", type=int, default=500)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--celery", action="store_true",
                        help="also run the scan through one Celery worker (needs REDIS_URL)")
    parser.add_argument("--concurrency", type=int, default=2,
                        help="the worker's processes (docker-compose.yml's default: 2)")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/scan.py needs DATABASE_URL=postgres://… (PostgreSQL)")
    redis_url = os.environ.get("REDIS_URL", "") if args.celery else ""
    if args.celery and not redis_url:
        sys.exit("--celery needs REDIS_URL=redis://… (a Redis the worker and the bench share)")
    ensure_database(base)
    setup_django(bench_url(base), redis_url)
    from portfolios.models import Lot

    expected = args.households * args.lots
    if args.rebuild or Lot.objects.count() != expected:
        start = time.perf_counter()
        build(args.households, args.lots, args.securities)
        print(f"built {args.households} households, {expected:,} lots in {time.perf_counter() - start:.1f} s")
    agg_time, count, total = bare_aggregate()
    print(f"bare aggregate: {count:,} lots, unrealized loss {total:,.2f} in {agg_time:.3f} s")
    report("one process", *scan(), count, agg_time)
    if args.celery:
        report(f"one Celery worker, {args.concurrency} processes",
               *scan_celery(bench_url(base), redis_url, args.concurrency), count, agg_time)


if __name__ == "__main__":
    main()
