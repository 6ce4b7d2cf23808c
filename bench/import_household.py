"""Importing and projecting a 20,000-transaction household file on SQLite (issue 2).

Writes a synthetic household file (4 accounts of both spouses, 50 securities, buys,
reinvestments and sells dense with wash sales), imports it into a fresh SQLite database
through the real command and prints the wall time. Target: under 10 seconds.

    .venv/bin/python bench/import_household.py [--transactions 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def household_document(n: int, seed: int = 11) -> dict:
    rng = random.Random(seed)
    accounts = [("P-TAX", "primary", "taxable"), ("S-TAX", "spouse", "taxable"),
                ("P-IRA", "primary", "traditional_ira"), ("S-ROTH", "spouse", "roth_ira")]
    symbols = [f"SYM{i:02d}" for i in range(50)]
    held: dict[tuple[str, str], int] = {}
    day = date(2018, 1, 2)
    rows = []
    while len(rows) < n:
        day += timedelta(days=rng.choice((0, 0, 1, 1, 2)))
        account = rng.choice(accounts)[0]
        symbol = rng.choice(symbols)
        price = f"{rng.randint(2000, 20000) / 100:.2f}"
        position = held.get((account, symbol), 0)
        if position >= 10 and rng.random() < 0.45:
            qty = rng.randint(1, position)
            held[(account, symbol)] = position - qty
            rows.append({"date": day.isoformat(), "account": account, "action": "SELL",
                         "symbol": symbol, "quantity": str(qty), "price": price})
        else:
            qty = rng.randint(5, 100)
            held[(account, symbol)] = position + qty
            action = "REINVEST" if rng.random() < 0.15 else "BUY"
            rows.append({"date": day.isoformat(), "account": account, "action": action,
                         "symbol": symbol, "quantity": str(qty), "price": price})
    return {
        "key": "bench", "name": "Benchmark household",
        "accounts": [{"id": a, "owner": o, "type": t} for a, o, t in accounts],
        "transactions": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--transactions", type=int, default=20_000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="taxalpha-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    path = workdir / "household.json"
    path.write_text(json.dumps(household_document(args.transactions)))
    start = time.perf_counter()
    call_command("import_household", str(path))
    elapsed = time.perf_counter() - start
    from portfolios.models import Lot, RealizedSale

    print(f"imported and projected {args.transactions:,} transactions in {elapsed:.2f} s "
          f"({Lot.objects.count():,} open lots, {RealizedSale.objects.count():,} Form 8949 rows, "
          f"{RealizedSale.objects.filter(adjustment_code='W').count():,} with code W); target < 10 s")


if __name__ == "__main__":
    main()
