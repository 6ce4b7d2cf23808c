"""The household file (FORMATS.md §1): parse and validate, then replay before anything is written.

A file is accepted only whole: every row is checked, and the transactions are replayed
through the pure core so that an impossible history (selling shares never held) is refused
with its row and field too. The result is a `HouseholdFile` of plain values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from portfolios.imports.errors import FileErrors, Problem
from portfolios.imports.fields import RowReader
from portfolios.taxlots.replay import replay
from portfolios.taxlots.values import (
    ACCOUNT_TYPES,
    ACTIONS,
    LOT_METHODS,
    OWNERS,
    SELL,
    TRANSFER_IN,
    AccountRef,
    ReplayResult,
    Txn,
)

KEY_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
FILING_STATUSES = (
    "single",
    "married_filing_jointly",
    "married_filing_separately",
    "head_of_household",
)
SCHEDULE_KINDS = ("dividend_reinvestment", "recurring")
PROFILE_DECIMALS = (
    "ordinary_rate",
    "st_rate",
    "lt_rate",
    "taxable_income",
    "magi",
    "outside_st_gains",
    "outside_lt_gains",
    "carryforward_st",
    "carryforward_lt",
)


@dataclass(frozen=True)
class MemberRow:
    role: str
    name: str
    email: str = ""


@dataclass(frozen=True)
class AccountRow:
    ref: AccountRef
    name: str = ""
    custodian: str = ""


@dataclass(frozen=True)
class ScheduleRow:
    account: str
    symbol: str
    kind: str
    next_date: date
    every_days: int | None


@dataclass(frozen=True)
class HouseholdFile:
    key: str
    name: str
    filing_status: str
    advisor: str
    members: tuple[MemberRow, ...]
    accounts: tuple[AccountRow, ...]
    transactions: tuple[Txn, ...]
    schedules: tuple[ScheduleRow, ...]
    tax_profile: dict[str, Decimal] | None
    symbols: frozenset[str] = field(default=frozenset())
    replayed: ReplayResult | None = None  # the validating replay, reused by the projection
    groups: tuple[tuple[str, ...], ...] = ()  # the identical groups it was replayed with


def _list(doc: dict[str, Any], name: str, problems: list[Problem], *, required: bool) -> list[Any]:
    value = doc.get(name)
    if value is None:
        if required:
            problems.append(Problem("", name, "is required"))
        return []
    if not isinstance(value, list):
        problems.append(Problem("", name, "must be a list"))
        return []
    return value


def parse_household(doc: Any, identical_groups: tuple[tuple[str, ...], ...] = ()) -> HouseholdFile:
    """Validate a parsed household document; raise FileErrors naming every bad row and field."""
    problems: list[Problem] = []
    top = RowReader("", doc, problems)
    key = top.text("key", required=True)
    if key and not KEY_RE.match(key):
        top.fail("key", f"{key!r} may contain only letters, digits, '-' and '_'")
    name = top.text("name", default=key)
    filing_status = top.choice("filing_status", FILING_STATUSES, default="married_filing_jointly")
    advisor = top.text("advisor")

    members: list[MemberRow] = []
    seen_roles: set[str] = set()
    for i, raw in enumerate(_list(top.row, "members", problems, required=False)):
        r = RowReader(f"members[{i}]", raw, problems)
        role = r.choice("role", OWNERS)
        if role in seen_roles:
            r.fail("role", f"a household has at most one {role}")
        seen_roles.add(role)
        members.append(MemberRow(role=role, name=r.text("name", required=True), email=r.text("email")))

    accounts: list[AccountRow] = []
    account_ids: set[str] = set()
    for i, raw in enumerate(_list(top.row, "accounts", problems, required=True)):
        r = RowReader(f"accounts[{i}]", raw, problems)
        acc_id = r.text("id", required=True)
        if acc_id in account_ids:
            r.fail("id", f"account id {acc_id!r} is used twice")
        account_ids.add(acc_id)
        ref = AccountRef(
            id=acc_id,
            owner=r.choice("owner", OWNERS),
            type=r.choice("type", ACCOUNT_TYPES),
            lot_method=r.choice("lot_method", LOT_METHODS, default="fifo"),
        )
        accounts.append(AccountRow(ref=ref, name=r.text("name"), custodian=r.text("custodian")))
    for role in sorted({a.ref.owner for a in accounts} - seen_roles):
        if role:  # FORMATS §1: missing members are created from the owners accounts use
            members.append(MemberRow(role=role, name=f"{name} ({role})"))

    rows: list[Txn] = []
    symbols: set[str] = set()
    for i, raw in enumerate(_list(top.row, "transactions", problems, required=False)):
        r = RowReader(f"transactions[{i}]", raw, problems)
        day = r.day("date")
        account = r.text("account", required=True)
        if account and account not in account_ids:
            r.fail("account", f"no account {account!r} in this household")
        action = r.choice("action", ACTIONS)
        symbol = r.symbol()
        symbols.add(symbol)
        quantity = r.decimal("quantity", positive=True)
        price = fees = cost_basis = None
        acquired = lot = None
        if action == TRANSFER_IN:
            cost_basis = r.decimal("cost_basis", nonnegative=True)
            acquired = r.day("acquired")
            if acquired and day and acquired > day:
                r.fail("acquired", f"{acquired} is after the transfer date {day}")
        elif action:
            price = r.decimal("price", nonnegative=True)
            fees = r.decimal("fees", required=False, nonnegative=True, default=Decimal(0))
            if action == SELL:
                lot = r.day("lot", required=False)
            elif r.has("lot"):
                r.fail("lot", "only a SELL names a lot")
        if day and action and symbol and quantity is not None:
            rows.append(
                Txn(
                    seq=i,
                    date=day,
                    account=account,
                    action=action,
                    symbol=symbol,
                    quantity=quantity,
                    price=price or Decimal(0),
                    fees=fees or Decimal(0),
                    lot=lot,
                    cost_basis=cost_basis,
                    acquired=acquired,
                )
            )

    # The format asks for date order; a file listing a row out of order (FORMATS.md's own
    # example does) is read in date order, keeping the listed order within a date, which
    # is what decides same-day sequence. `seq` is the chronological position; errors name
    # the row as it was listed.
    rows.sort(key=lambda t: t.date)
    listed = {k: t.seq for k, t in enumerate(rows)}
    txns = [replace(t, seq=k) for k, t in enumerate(rows)]

    schedules: list[ScheduleRow] = []
    for i, raw in enumerate(_list(top.row, "scheduled_purchases", problems, required=False)):
        r = RowReader(f"scheduled_purchases[{i}]", raw, problems)
        account = r.text("account", required=True)
        if account and account not in account_ids:
            r.fail("account", f"no account {account!r} in this household")
        symbol = r.symbol()
        symbols.add(symbol)
        kind = r.choice("kind", SCHEDULE_KINDS)
        next_date = r.day("next_date")
        every = r.whole("every_days")
        if next_date:
            schedules.append(ScheduleRow(account, symbol, kind, next_date, every))

    profile: dict[str, Decimal] | None = None
    if top.row.get("tax_profile") is not None:
        r = RowReader("tax_profile", top.row["tax_profile"], problems)
        profile = {}
        for name_ in PROFILE_DECIMALS:
            nonneg = name_ not in ("outside_st_gains", "outside_lt_gains", "taxable_income")
            value = r.decimal(name_, required=False, nonnegative=nonneg)
            if value is not None:
                profile[name_] = value
        for rate in ("ordinary_rate", "st_rate", "lt_rate"):
            if rate in profile and profile[rate] > 1:
                r.fail(rate, f"a rate is a decimal fraction such as 0.37, got {profile[rate]}")

    if problems:
        raise FileErrors(problems)

    refs = [a.ref for a in accounts]
    result = replay(refs, txns, identical_groups)
    if result.errors:
        raise FileErrors(
            [
                Problem(f"transactions[{listed.get(e.seq, e.seq)}]", e.field, e.message)
                for e in result.errors
            ]
        )
    return HouseholdFile(
        key=key,
        name=name or key,
        filing_status=filing_status,
        advisor=advisor,
        members=tuple(members),
        accounts=tuple(accounts),
        transactions=tuple(txns),
        schedules=tuple(schedules),
        tax_profile=profile,
        symbols=frozenset(symbols),
        replayed=result,
        groups=tuple(tuple(g) for g in identical_groups),
    )
