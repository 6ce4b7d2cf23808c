"""Writes of the portfolios app (DESIGN.md rule 3): keyword-only, one transaction each.

Every write that changes a household's transactions re-projects its lots and realized
sales in the same database transaction (DESIGN.md rule 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F

from advisors.models import AuditEvent, Household, Member
from portfolios import ledger
from portfolios.bulk import insert_rows, upsert_rows
from portfolios.imports.household import HouseholdFile, parse_household
from portfolios.imports.tabular import read_prices, read_securities
from portfolios.models import (
    Account,
    Price,
    ScheduledPurchase,
    Security,
    TaxProfile,
    Transaction,
)


@dataclass
class ImportSummary:
    household: Household
    created: bool
    transactions: int
    open_lots: int
    realized_rows: int
    new_securities: list[str] = field(default_factory=list)
    new_advisor: str = ""


def securities_ensure(symbols) -> tuple[dict[str, Security], list[str]]:
    """Securities by symbol, creating the unknown ones (FORMATS §1: listed in the summary)."""
    existing = {s.symbol: s for s in Security.objects.filter(symbol__in=symbols)}
    new = sorted(set(symbols) - set(existing))
    if new:
        Security.objects.bulk_create([Security(symbol=s, name=s) for s in new])
        existing.update({s.symbol: s for s in Security.objects.filter(symbol__in=new)})
    return existing, new


def household_import(*, document, actor=None) -> ImportSummary:
    """Import (or replace, by key) a household file; refuse it whole on any bad row."""
    parsed = parse_household(document, ledger.identical_groups())
    return household_write(parsed=parsed, actor=actor)


@transaction.atomic
def household_write(*, parsed: HouseholdFile, actor=None) -> ImportSummary:
    User = get_user_model()
    new_advisor = ""
    advisor = None
    if parsed.advisor:
        advisor = User.objects.filter(username=parsed.advisor).first()
        if advisor is None:
            # An advisor named by operations staff before their login exists: create the
            # account without a usable password; staff set one later.
            advisor = User.objects.create_user(username=parsed.advisor, password=None)
            new_advisor = parsed.advisor

    household, created = Household.objects.select_for_update().get_or_create(
        key=parsed.key,
        defaults={"name": parsed.name, "filing_status": parsed.filing_status, "advisor": advisor},
    )
    if not created:
        household.name = parsed.name
        household.filing_status = parsed.filing_status
        if parsed.advisor:
            household.advisor = advisor
        household.save()
        # Replace members, accounts, transactions, schedules and profile in one go; the
        # member logins (clients) survive a re-import by role.
        logins = dict(household.members.exclude(user=None).values_list("role", "user_id"))
        household.accounts.all().delete()  # cascades transactions, lots, schedules, rows
        household.members.all().delete()
        TaxProfile.objects.filter(household=household).delete()
    else:
        logins = {}

    securities, new_symbols = securities_ensure(parsed.symbols)
    Member.objects.bulk_create(
        [
            Member(household=household, role=m.role, name=m.name, email=m.email,
                   user_id=logins.get(m.role))
            for m in parsed.members
        ]
    )
    accounts = {}
    for row in parsed.accounts:
        accounts[row.ref.id] = Account.objects.create(
            household=household,
            code=row.ref.id,
            owner=row.ref.owner,
            type=row.ref.type,
            name=row.name,
            custodian=row.custodian,
            lot_method=row.ref.lot_method,
        )
    insert_rows(
        Transaction,
        ["household", "seq", "account", "date", "action", "security", "quantity", "price",
         "fees", "lot_date", "cost_basis", "acquired", "source"],
        (
            (household.id, t.seq, accounts[t.account].id, t.date, t.action,
             securities[t.symbol].id, t.quantity,
             t.price if t.action != "TRANSFER_IN" else None, t.fees, t.lot, t.cost_basis,
             t.acquired, "import")
            for t in parsed.transactions
        ),
    )
    ScheduledPurchase.objects.bulk_create(
        [
            ScheduledPurchase(
                household=household,
                account=accounts[s.account],
                security=securities[s.symbol],
                kind=s.kind,
                next_date=s.next_date,
                every_days=s.every_days,
            )
            for s in parsed.schedules
        ]
    )
    if parsed.tax_profile is not None:
        TaxProfile.objects.create(household=household, **parsed.tax_profile)
    Household.objects.filter(pk=household.pk).update(ledger_version=F("ledger_version") + 1)
    household.refresh_from_db()
    groups = ledger.identical_groups()
    same_groups = parsed.replayed is not None and parsed.groups == groups
    result = ledger.household_project(
        household, groups, result=parsed.replayed if same_groups else None
    )
    AuditEvent.objects.create(
        actor=actor,
        household=household,
        verb="household.imported" if created else "household.replaced",
        object_type="household",
        object_id=household.key,
        message=f"{len(parsed.transactions)} transactions imported",
    )
    return ImportSummary(
        household=household,
        created=created,
        transactions=len(parsed.transactions),
        open_lots=len(result.open_lots),
        realized_rows=len(result.form_8949),
        new_securities=new_symbols,
        new_advisor=new_advisor,
    )


def household_reproject_all() -> int:
    """Re-project every household (the identical groups changed: R1.5 decides wash sales)."""
    groups = ledger.identical_groups()
    count = 0
    for household in Household.objects.all():
        ledger.household_project(household, groups)
        count += 1
    return count


@transaction.atomic
def prices_import(*, path: str | Path, use_adjusted: bool = False) -> dict[str, int]:
    """Upsert closes by (symbol, date) (FORMATS §3); unknown symbols become securities."""
    rows = read_prices(path, use_adjusted=use_adjusted)
    securities, new_symbols = securities_ensure({r.symbol for r in rows})
    upsert_rows(
        Price, ["security", "date", "close"],
        ((securities[r.symbol].id, r.day, r.close) for r in rows),
        conflict=["security", "date"], update=["close"],
    )
    return {"rows": len(rows), "new_securities": len(new_symbols)}


@transaction.atomic
def securities_import(*, path: str | Path) -> dict[str, int]:
    rows = read_securities(path)
    existing = {s.symbol: s for s in Security.objects.filter(symbol__in=[r.symbol for r in rows])}
    created = updated = 0
    for r in rows:
        values = {"name": r.name or r.symbol}
        for column, value in r.fields.items():
            if column == "dividend_yield":
                values[column] = value
            else:
                values[column] = value or ""
        sec = existing.get(r.symbol)
        if sec is None:
            Security.objects.create(symbol=r.symbol, **values)
            created += 1
        else:
            for k, v in values.items():
                setattr(sec, k, v)
            sec.save()
            updated += 1
    return {"rows": len(rows), "created": created, "updated": updated}
