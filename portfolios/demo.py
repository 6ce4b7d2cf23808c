"""The demo loader: logins for every role, the swap list, real market data and households
that show every capability — through the same services and public formats as real imports,
so the demo is also a smoke test of them.

What `load_demo` builds (`portfolios/demo/README.md` says where each file comes from):

* **Holbrook** — the mission's worked example at 2026-10-15 (illustrative closes), scanned
  that day: a pending proposal harvesting $74,000 and saving an estimated $14,200.
* **Whitfield** — a direct-indexed S&P 500 household of about $2M: a couple with a joint
  taxable account (77 stocks, seven per GICS sector — the other shipped stocks of each
  sector serve as replacements — an international ETF and a bond fund),
  a traditional IRA, a Roth IRA and a 401(k) with payroll purchases every 14 days. Bought
  at the close of 2020-01-02, dividends of the income stocks reinvested (a schedule each,
  and a REINVEST on every real ex-date), then replayed on real closes through the March
  2020 crash to 2021-03-03: the nightly scan every trading day; each morning the advisor
  (reese) reviews the night's proposals before the open — approved and executed with the
  demo fills, or rejected when the wash-sale guard now fails (a dividend was reinvested
  overnight); swap backs come due on day 31 (policy `swap_back`, thresholds $1,000 / 5%)
  and expire when prices moved past the policy's tolerance. The last scans' proposals and
  the swap backs still to come are left pending.
* **Okafor** — a single filer with a large loss carryforward (short and long), holding ETFs
  bought in January 2019; scanned and harvested through the same replay: her harvests add
  to the carryforward and save nothing this year.

Time: the replay dominates (`Timer` lines on stderr say where it goes). `small=True` loads a
slice — a handful of stocks over a few weeks of the crash — for the test suite.

Every closing price is real (`close` as traded; the shipped stocks did not split in the
window, see `portfolios/demo/market/build.py`), except Holbrook's, which are illustrative.
"""

from __future__ import annotations

import csv
import gzip
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from advisors.models import Household, Member
from portfolios import services
from portfolios.imports.jsonfile import load_json_file

DEMO_DIR = Path(__file__).resolve().parent / "demo"
MARKET_DIR = DEMO_DIR / "market"
DEMO_PASSWORD = "taxalpha-demo"
DEMO_USERS = [
    # username, first name, last name, staff, what the login shows
    ("quinn", "Quinn", "Avery", False, "advisor of Holbrook"),
    ("reese", "Reese", "Morgan", False, "advisor of Whitfield and Okafor"),
    ("diana", "Diana", "Holbrook", False, "client: the Holbrook household (read-only)"),
    ("elena", "Elena", "Whitfield", False, "client: the Whitfield household (read-only)"),
    ("admin", "Ada", "Admin", True, "admin: every household, the swap list"),
]
HOLBROOK_AS_OF = date(2026, 10, 15)
WHITFIELD, OKAFOR, HOLBROOK = "whitfield", "okafor", "holbrook"
REPLAY_KEYS = (WHITFIELD, OKAFOR)

# Income-oriented sectors whose stocks reinvest their dividends (a schedule per holding).
DRIP_SECTORS = ("Consumer Staples", "Utilities", "Real Estate", "Energy")
PAYROLL_EVERY_DAYS = 14
PAYROLL_AMOUNT = Decimal(1000)
SHARE = Decimal("0.001")


@dataclass(frozen=True)
class Slice:
    """What to load: which stocks, which days, and the replay window."""

    name: str
    stocks_per_sector: int  # held in the taxable account; the rest of the sector is spare
    spare_per_sector: int
    sectors: tuple[str, ...] | None  # None: every sector shipped
    prices_from: date
    prices_to: date
    buy_day: date
    replay_from: date
    replay_to: date
    etfs: tuple[str, ...] = (
        "SPY", "VTI", "EFA", "VEU", "AGG", "BND", "VNQ", "IYR", "IWM", "IWN", "EEM", "TIP",
        "IEF", "LQD",
    )


FULL = Slice(
    name="full",
    stocks_per_sector=7,
    spare_per_sector=3,
    sectors=None,
    prices_from=date(2019, 1, 2),
    prices_to=date(2021, 4, 21),
    buy_day=date(2020, 1, 2),
    replay_from=date(2020, 1, 3),
    replay_to=date(2021, 3, 3),
)
SMALL = Slice(
    name="small",
    stocks_per_sector=2,
    spare_per_sector=1,
    sectors=("Information Technology", "Energy", "Financials"),
    prices_from=date(2020, 1, 2),
    prices_to=date(2020, 3, 31),
    buy_day=date(2020, 1, 2),
    replay_from=date(2020, 3, 2),
    replay_to=date(2020, 3, 20),
    etfs=("SPY", "VTI", "EFA", "VEU", "AGG", "BND", "VNQ", "IYR", "IWM", "IWN"),
)


@dataclass
class Timer:
    """Wall-clock time per phase, for the report `load_demo` prints."""

    phases: list[tuple[str, float]] = field(default_factory=list)
    _start: float = field(default_factory=time.perf_counter)
    totals: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.phases.append((name, now - self._start))
        self._start = now

    def add(self, name: str, seconds: float) -> None:
        self.totals[name] += seconds

    def lines(self) -> list[str]:
        out = [f"  {name}: {seconds:.1f} s" for name, seconds in self.phases]
        out += [f"    replay {name}: {seconds:.1f} s" for name, seconds in self.totals.items()]
        return out


# --- market data ------------------------------------------------------------------------------


@dataclass
class Market:
    """The shipped closes and dividends of a slice, as exact values."""

    closes: dict[str, dict[date, Decimal]]
    dividends: dict[str, dict[date, Decimal]]
    sectors: dict[str, list[str]]  # sector → stocks, in the order stocks.txt lists them
    calendar: list[date]

    def close(self, symbol: str, day: date) -> Decimal:
        return self.closes[symbol][day]


def _read_closes(path: Path, symbols: set[str] | None, start: date, end: date):
    out: dict[str, dict[date, Decimal]] = defaultdict(dict)
    with gzip.open(path, "rt", newline="") as handle:
        for row in csv.DictReader(handle):
            if symbols is not None and row["symbol"] not in symbols:
                continue
            day = date.fromisoformat(row["date"])
            if start <= day <= end:
                out[row["symbol"]][day] = Decimal(row["close"])
    return out


def market_for(slice_: Slice) -> Market:
    sectors: dict[str, list[str]] = {}
    for line in (MARKET_DIR / "stocks.txt").read_text().splitlines():
        sector, _, names = line.partition(": ")
        if slice_.sectors is None or sector in slice_.sectors:
            wanted = slice_.stocks_per_sector + slice_.spare_per_sector
            sectors[sector] = names.split()[:wanted]
    stocks = {s for names in sectors.values() for s in names}
    closes = _read_closes(MARKET_DIR / "prices_stocks.csv.gz", stocks, slice_.prices_from,
                          slice_.prices_to)
    closes.update(_read_closes(MARKET_DIR / "prices_etfs.csv.gz", set(slice_.etfs),
                               slice_.prices_from, slice_.prices_to))
    dividends: dict[str, dict[date, Decimal]] = defaultdict(dict)
    with open(MARKET_DIR / "dividends.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            day = date.fromisoformat(row["date"])
            if row["symbol"] in stocks and slice_.prices_from <= day <= slice_.prices_to:
                dividends[row["symbol"]][day] = Decimal(row["dividend"])
    calendar = sorted(closes["SPY"])
    return Market(dict(closes), dict(dividends), sectors, calendar)


def _price_file(market: Market, directory: Path) -> Path:
    """The slice's closes as a FORMATS.md §3 file, for `prices_import`."""
    path = directory / "prices.csv"
    with open(path, "w", newline="") as handle:
        handle.write("date,symbol,close\n")
        for symbol in sorted(market.closes):
            for day, close in sorted(market.closes[symbol].items()):
                handle.write(f"{day.isoformat()},{symbol},{close}\n")
    return path


# --- households ---------------------------------------------------------------------------------


def _shares(amount: Decimal, price: Decimal) -> Decimal:
    return (amount / price).to_integral_value(rounding=ROUND_DOWN)


def _buy(day: date, account: str, symbol: str, quantity: Decimal, price: Decimal) -> dict:
    return {"date": day.isoformat(), "account": account, "action": "BUY", "symbol": symbol,
            "quantity": str(quantity), "price": str(price)}


def held_stocks(market: Market, slice_: Slice) -> list[str]:
    return [s for names in market.sectors.values() for s in names[: slice_.stocks_per_sector]]


def whitfield_document(market: Market, slice_: Slice) -> dict:
    """The direct-indexed household, bought at the close of `slice_.buy_day` (FORMATS §1)."""
    day = slice_.buy_day
    stocks = held_stocks(market, slice_)
    per_stock = (Decimal(1_080_000) / len(stocks)).quantize(Decimal(1))
    transactions = [
        _buy(day, "JT-TAX", s, _shares(per_stock, market.close(s, day)), market.close(s, day))
        for s in stocks
    ]
    sleeves = [
        ("JT-TAX", "EFA", Decimal(120_000)), ("JT-TAX", "BND", Decimal(100_000)),
        ("P-IRA", "VTI", Decimal(150_000)), ("P-IRA", "AGG", Decimal(100_000)),
        ("S-ROTH", "VNQ", Decimal(80_000)), ("S-ROTH", "IWM", Decimal(70_000)),
        ("S-401K", "SPY", Decimal(250_000)),
    ]
    for account, symbol, amount in sleeves:
        price = market.close(symbol, day)
        transactions.append(_buy(day, account, symbol, _shares(amount, price), price))
    sector_of = {s: sector for sector, names in market.sectors.items() for s in names}
    schedules = []
    for symbol in stocks:
        coming = sorted(d for d in market.dividends.get(symbol, {}) if d > day)
        if sector_of[symbol] in DRIP_SECTORS and coming:
            schedules.append({"account": "JT-TAX", "symbol": symbol,
                              "kind": "dividend_reinvestment",
                              "next_date": coming[0].isoformat(), "every_days": "91"})
    schedules.append({"account": "S-401K", "symbol": "SPY", "kind": "recurring",
                      "next_date": (day + timedelta(days=PAYROLL_EVERY_DAYS)).isoformat(),
                      "every_days": str(PAYROLL_EVERY_DAYS)})
    return {
        "key": WHITFIELD,
        "name": "Whitfield household",
        "filing_status": "married_filing_jointly",
        "advisor": "reese",
        "members": [
            {"role": "primary", "name": "Elena Whitfield", "email": "elena@example.com"},
            {"role": "spouse", "name": "Marcus Whitfield", "email": "marcus@example.com"},
        ],
        "accounts": [
            {"id": "JT-TAX", "owner": "primary", "type": "taxable",
             "name": "Joint brokerage (direct-indexed S&P 500)", "custodian": "Schwab",
             "lot_method": "hifo"},
            {"id": "P-IRA", "owner": "primary", "type": "traditional_ira",
             "name": "Elena's IRA", "custodian": "Schwab"},
            {"id": "S-ROTH", "owner": "spouse", "type": "roth_ira",
             "name": "Marcus's Roth IRA", "custodian": "Fidelity"},
            {"id": "S-401K", "owner": "spouse", "type": "401k",
             "name": "Marcus's 401(k)", "custodian": "Fidelity"},
        ],
        "transactions": transactions,
        "scheduled_purchases": schedules,
        "tax_profile": {
            "ordinary_rate": "0.37", "st_rate": "0.408", "lt_rate": "0.238",
            "outside_st_gains": "0", "outside_lt_gains": "60000",
            "carryforward_st": "0", "carryforward_lt": "0",
        },
    }


def okafor_document(market: Market, slice_: Slice) -> dict:
    """A single filer carrying large losses forward, holding ETFs bought a year earlier."""
    first = market.calendar[0]
    holdings = [("IWM", Decimal(90_000)), ("EFA", Decimal(110_000)), ("VNQ", Decimal(60_000)),
                ("AGG", Decimal(80_000))]
    return {
        "key": OKAFOR,
        "name": "Okafor household",
        "filing_status": "single",
        "advisor": "reese",
        "members": [{"role": "primary", "name": "Grace Okafor", "email": "grace@example.com"}],
        "accounts": [
            {"id": "G-TAX", "owner": "primary", "type": "taxable", "name": "Brokerage",
             "custodian": "Vanguard"},
            {"id": "G-IRA", "owner": "primary", "type": "traditional_ira",
             "name": "Rollover IRA", "custodian": "Vanguard"},
        ],
        "transactions": [
            _buy(first, "G-TAX" if symbol != "AGG" else "G-IRA", symbol,
                 _shares(amount, market.close(symbol, first)), market.close(symbol, first))
            for symbol, amount in holdings
        ],
        "tax_profile": {
            "ordinary_rate": "0.35", "st_rate": "0.388", "lt_rate": "0.188",
            "outside_st_gains": "12000", "outside_lt_gains": "0",
            "carryforward_st": "85000", "carryforward_lt": "140000",
        },
    }


# --- the replay ----------------------------------------------------------------------------------


@dataclass
class ReplayStats:
    days: int = 0
    proposals: int = 0
    executed: int = 0
    expired: int = 0
    refused: int = 0
    swap_backs_executed: int = 0
    reinvestments: int = 0
    payroll_buys: int = 0
    alerts: int = 0


def _pending(day: date):
    from harvesting.models import Proposal

    # Harvests are decided the next trading day; a swap back on (or after) its date.
    return list(
        Proposal.objects.filter(household__key__in=REPLAY_KEYS, status=Proposal.PENDING)
        .filter(as_of__lte=day)
        .exclude(kind=Proposal.HARVEST, as_of=day)
        .select_related("household")
        .order_by("as_of", "id")
    )


def _held(household: Household, account: str) -> dict[str, Decimal]:
    from django.db.models import Sum

    from portfolios.models import Lot

    return dict(
        Lot.objects.filter(household=household, account__code=account)
        .values("security__symbol").annotate(q=Sum("quantity"))
        .values_list("security__symbol", "q")
    )


def _decide(proposal, actor, day: date, stats: ReplayStats) -> None:
    """The advisor's morning review on `day`: approve, then execute with demo fills.

    A harvest is reviewed the morning after its scan, before the open, so the latest closes
    are still those of its as-of date; a swap back on (or after) its own date, against that
    day's closes. A proposal that is stale expires; one the wash-sale guard now refuses is
    rejected with the guard's reason. Proposals with skips only are left to expire.
    """
    from harvesting import services as harvesting

    if not proposal.legs.filter(excluded=False).exists():
        return
    today = proposal.as_of if proposal.kind == proposal.HARVEST else day
    try:
        harvesting.proposal_approve(proposal=proposal, actor=actor, today=today,
                                    comment="approved in the demo replay")
    except harvesting.ProposalRefused as exc:
        proposal.refresh_from_db()
        if proposal.status == proposal.EXPIRED:
            stats.expired += 1
        else:
            harvesting.proposal_reject(proposal=proposal, actor=actor, comment=str(exc)[:500])
            stats.refused += 1
        return
    harvesting.proposal_execute(proposal=proposal, actor=actor)
    stats.executed += 1
    stats.swap_backs_executed += proposal.kind == proposal.SWAP_BACK


def replay(market: Market, slice_: Slice, timer: Timer, progress: Callable[[str], None]) -> ReplayStats:
    """Replay the trading days of the slice: reinvest, decide yesterday's proposals, scan."""
    from harvesting import services as harvesting
    from harvesting.snapshots import price_history_shared

    actor = get_user_model().objects.get(username="reese")
    whitfield = Household.objects.get(key=WHITFIELD)
    drip = {
        s.security.symbol
        for s in whitfield.scheduled_purchases.filter(kind="dividend_reinvestment")
        .select_related("security")
    }
    stats = ReplayStats()
    payday = slice_.buy_day + timedelta(days=PAYROLL_EVERY_DAYS)
    days = [d for d in market.calendar if slice_.replay_from <= d <= slice_.replay_to]
    # No price changes during the replay: every day's scan slices one copy of the prices.
    with price_history_shared():
        for day in days:
            stats.days += 1
            started = time.perf_counter()
            rows = []
            held = _held(whitfield, "JT-TAX") if any(day in market.dividends.get(s, {}) for s in drip) else {}
            for symbol in sorted(drip):
                dividend = market.dividends.get(symbol, {}).get(day)
                if dividend and held.get(symbol):
                    price = market.close(symbol, day)
                    quantity = (held[symbol] * dividend / price).quantize(SHARE, rounding=ROUND_DOWN)
                    if quantity > 0:
                        rows.append({"account": "JT-TAX", "action": "REINVEST", "symbol": symbol,
                                     "quantity": quantity, "price": price, "day": day,
                                     "source": "demo"})
                        stats.reinvestments += 1
            while payday <= day:
                price = market.close("SPY", day)
                rows.append({"account": "S-401K", "action": "BUY", "symbol": "SPY",
                             "quantity": (PAYROLL_AMOUNT / price).quantize(SHARE, rounding=ROUND_DOWN),
                             "price": price, "day": day, "source": "demo"})
                stats.payroll_buys += 1
                payday += timedelta(days=PAYROLL_EVERY_DAYS)
            if rows:
                harvesting.transactions_record(household=whitfield, actor=actor, rows=rows)
            timer.add("reinvestments and payroll", time.perf_counter() - started)

            started = time.perf_counter()
            for proposal in _pending(day):
                _decide(proposal, actor, day, stats)
            timer.add("approve and execute", time.perf_counter() - started)

            started = time.perf_counter()
            run = harvesting.harvest_run_start(as_of=day, household_keys=REPLAY_KEYS, inline=True)
            stats.proposals += harvesting.run_summary(run)["proposals_created"]
            timer.add("nightly scan", time.perf_counter() - started)

            started = time.perf_counter()
            stats.alerts += harvesting.wash_monitor_run()["alerts_created"]
            timer.add("wash-sale monitor", time.perf_counter() - started)
            if stats.days % 20 == 0:
                progress(f"  replayed {day.isoformat()} ({stats.days}/{len(days)} trading days)")
    return stats


# --- the loader ----------------------------------------------------------------------------------


def users_ensure() -> dict[str, object]:
    """The demo's users, all with DEMO_PASSWORD: hashed once (a hash takes a second or
    more by design, and `make run` should not spend five of them)."""
    User = get_user_model()
    users = {}
    hashed = None
    for username, first, last, staff, _ in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        if created or not user.has_usable_password():
            hashed = hashed or make_password(DEMO_PASSWORD)
            user.password = hashed
        user.first_name, user.last_name = first, last
        user.is_staff = user.is_superuser = staff
        user.save()
        users[username] = user
    return users


def _client(household: Household, user) -> None:
    Member.objects.filter(user=user).exclude(household=household).update(user=None)
    Member.objects.filter(household=household, role="primary").update(user=user)


@transaction.atomic
def load_demo(*, small: bool = False, progress: Callable[[str], None] = lambda _: None) -> list[str]:
    """Load (or reload: the demo households are replaced) the whole demo; the report lines."""
    from harvesting import services as harvesting
    from harvesting.models import HarvestRun, Proposal

    slice_ = SMALL if small else FULL
    timer = Timer()
    users = users_ensure()
    # Reloading starts the demo households' history afresh (proposals, runs, restrictions).
    Household.objects.filter(key__in=(HOLBROOK, WHITFIELD, OKAFOR)).delete()
    HarvestRun.objects.filter(items__isnull=True).delete()
    harvesting.swap_list_import(document=load_json_file(DEMO_DIR / "swaplist.json"))
    services.securities_import(path=MARKET_DIR / "securities.csv")
    timer.lap("users, swap list, securities")

    market = market_for(slice_)
    with tempfile.TemporaryDirectory() as tmp:
        services.prices_import(path=_price_file(market, Path(tmp)))
    services.prices_import(path=DEMO_DIR / "holbrook_prices.csv")
    timer.lap(f"prices ({sum(len(c) for c in market.closes.values()) + 18} closes)")

    holbrook = services.household_import(document=load_json_file(DEMO_DIR / "holbrook.household.json"))
    _client(holbrook.household, users["diana"])
    whitfield = services.household_import(document=whitfield_document(market, slice_))
    _client(whitfield.household, users["elena"])
    services.household_import(document=okafor_document(market, slice_))
    harvesting.policy_update(
        household=whitfield.household, actor=users["reese"], swap_back=True,
        min_loss_dollars=Decimal(1000), min_loss_percent=Decimal("0.05"),
    )
    timer.lap("households")

    stats = replay(market, slice_, timer, progress)
    timer.lap(f"replay ({stats.days} trading days)")

    harvesting.harvest_run_start(as_of=HOLBROOK_AS_OF, household_keys=[HOLBROOK], inline=True)
    timer.lap("Holbrook scan")

    by_status: dict[str, int] = defaultdict(int)
    for kind, status in Proposal.objects.filter(household__key__in=REPLAY_KEYS).values_list(
        "kind", "status"
    ):
        by_status[f"{kind.replace('_', ' ')} {status}"] += 1
    report = [
        f"demo ({slice_.name}): {Household.objects.count()} households, "
        f"{len(held_stocks(market, slice_))} stocks held by Whitfield, "
        f"replay {slice_.replay_from.isoformat()} → {slice_.replay_to.isoformat()}",
        f"  replay: {stats.proposals} harvest proposals from the nightly scans; proposals by "
        f"kind and status: {', '.join(f'{n} {s}' for s, n in sorted(by_status.items()))}",
        f"  {stats.reinvestments} dividend reinvestments, {stats.payroll_buys} 401(k) payroll "
        f"buys, {stats.alerts} wash-sale alerts",
        "time:",
        *timer.lines(),
        f"demo logins (password {DEMO_PASSWORD!r}):",
        *(f"  {username:<6} {note}" for username, _, _, _, note in DEMO_USERS),
    ]
    return report
