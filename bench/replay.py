"""Benchmark: the pure tax-lot replay (portfolios/taxlots/replay.py) on a synthetic household.

Run from the repository root:

    .venv/bin/python bench/replay.py            # N = 5,000 10,000 20,000 40,000
    .venv/bin/python bench/replay.py 1000 2000  # other sizes

The household has four accounts (primary taxable FIFO, spouse taxable HIFO, primary
traditional IRA, spouse Roth IRA) and 50 securities, 20 of them in identical groups of
four (R1.5). Transactions are random buys, dividend reinvestments and sells of held
shares, a few per security per week and prices drifting randomly, so most sells are
losses with replacements in the window: dense in wash sales, partial matches, chains and
lot splits. The generator is seeded, so every run replays the same ledgers.

It prints, per N: the best CPU time of a few runs (the replay is single-threaded, so this
is its time on one core, steady on a busy machine) and the best wall time, transactions
per CPU second, the number of Form 8949 rows / wash-sale rows / open lots, and the growth
of the time relative to n log n from the smallest N (1.0 = exactly n log n; below 1 =
slower growth). Target: at least 20,000 tx/s at N = 40,000.
"""

from __future__ import annotations

import math
import random
import sys
import time
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from portfolios.taxlots.replay import replay  # noqa: E402
from portfolios.taxlots.values import (  # noqa: E402
    BUY,
    REINVEST,
    SELL,
    AccountRef,
    Txn,
)

ACCOUNTS = (
    AccountRef("P-TAX", "primary", "taxable", "fifo"),
    AccountRef("S-TAX", "spouse", "taxable", "hifo"),
    AccountRef("P-IRA", "primary", "traditional_ira", "fifo"),
    AccountRef("S-ROTH", "spouse", "roth_ira", "fifo"),
)
SYMBOLS = [f"S{i:02d}" for i in range(50)]
GROUPS = [SYMBOLS[i : i + 4] for i in range(0, 20, 4)]  # five groups of four identical
MILLI = Decimal("0.001")
TX_PER_DAY = 12  # across the household: ~1.7 per security per week


def household(n: int, seed: int = 2026) -> list[Txn]:
    """n valid transactions over n / TX_PER_DAY days, dense in wash sales."""
    rnd = random.Random(seed)
    cents = {s: rnd.randint(2_000, 30_000) for s in SYMBOLS}
    held: dict[tuple[str, str], Decimal] = {}
    day = date(2020, 1, 2)
    txns: list[Txn] = []
    taxable = ("P-TAX", "S-TAX")
    while len(txns) < n:
        if len(txns) % TX_PER_DAY == 0:
            day += timedelta(days=1)
        symbol = rnd.choice(SYMBOLS)
        cents[symbol] = max(100, cents[symbol] + rnd.randint(-150, 140))
        price = Decimal(cents[symbol]) / 100
        roll = rnd.random()
        account = rnd.choice(taxable) if roll < 0.7 else rnd.choice(("P-IRA", "S-ROTH"))
        key = (account, symbol)
        have = held.get(key, Decimal(0))
        if roll < 0.45 and have > 0:  # sell part or all of the position
            part = (have * rnd.randint(1, 7) / 8).quantize(MILLI, rounding=ROUND_DOWN)
            qty = have if rnd.random() < 0.3 or not part else part
            fees = Decimal(rnd.choice((0, 0, 0, 495))) / 100
            txns.append(Txn(len(txns), day, account, SELL, symbol, qty, price, fees))
            held[key] = have - qty
        elif roll < 0.55:  # dividend reinvestment: a fractional purchase
            qty = Decimal(rnd.randint(1, 5_000)) / 1000
            txns.append(Txn(len(txns), day, account, REINVEST, symbol, qty, price))
            held[key] = have + qty
        else:
            qty = Decimal(rnd.randint(1, 40) * 5)
            fees = Decimal(rnd.choice((0, 0, 100))) / 100
            txns.append(Txn(len(txns), day, account, BUY, symbol, qty, price, fees))
            held[key] = have + qty
    return txns


def best_time(txns: list[Txn], runs: int) -> tuple[float, float, object]:
    """Best CPU seconds (time on the one core the replay runs on) and best wall seconds."""
    cpu = wall = math.inf
    result = None
    for _ in range(runs):
        wall0, cpu0 = time.perf_counter(), time.process_time()
        result = replay(ACCOUNTS, txns, GROUPS)
        cpu = min(cpu, time.process_time() - cpu0)
        wall = min(wall, time.perf_counter() - wall0)
    return cpu, wall, result


def main(sizes: list[int]) -> None:
    print(f"pure replay, {len(ACCOUNTS)} accounts, {len(SYMBOLS)} securities, "
          f"{len(GROUPS)} identical groups of 4; best of 5 runs (3 at the largest N)")
    print(f"{'N':>8} {'CPU s':>7} {'wall s':>7} {'tx/s':>8} {'8949 rows':>10} {'W rows':>8} "
          f"{'open lots':>10} {'time/(n log n) vs first':>24}")
    base = None
    for n in sizes:
        txns = household(n)
        seconds, wall, result = best_time(txns, runs=5 if n < max(sizes) else 3)
        assert not result.errors, result.errors[:3]
        rows = result.form_8949
        washed = sum(1 for s in rows if s.adjustment_code == "W")
        per_nlogn = seconds / (n * math.log(n))
        base = base or per_nlogn
        print(f"{n:>8,} {seconds:>7.3f} {wall:>7.3f} {n / seconds:>8,.0f} {len(rows):>10,} "
              f"{washed:>8,} {len(result.open_lots):>10,} {per_nlogn / base:>24.2f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [5_000, 10_000, 20_000, 40_000])
