"""The bridge between stored rows and the pure core: load a household's ledger as values,
replay it, and write the projection back (DESIGN.md rule 2).

Kept apart from services so both imports and fills use the one projection path.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from advisors.models import Household
from portfolios.bulk import insert_rows
from portfolios.models import Account, Lot, RealizedSale, Security, Transaction
from portfolios.taxlots.money import cents
from portfolios.taxlots.replay import replay
from portfolios.taxlots.values import AccountRef, ReplayResult, Txn


def identical_groups() -> tuple[tuple[str, ...], ...]:
    """The firm's substantially-identical groups (R1.5), as tuples of symbols."""
    from harvesting.models import IdenticalMember

    groups: dict[int, list[str]] = {}
    for group_id, symbol in IdenticalMember.objects.values_list("group_id", "symbol"):
        groups.setdefault(group_id, []).append(symbol)
    return tuple(tuple(sorted(s)) for _, s in sorted(groups.items()))


def account_refs(household: Household) -> list[AccountRef]:
    return [
        AccountRef(id=a.code, owner=a.owner, type=a.type, lot_method=a.lot_method)
        for a in household.accounts.all()
    ]


def ledger_transactions(household: Household) -> list[Txn]:
    rows = (
        Transaction.objects.filter(household=household)
        .order_by("seq")
        .values_list(
            "seq", "date", "account__code", "action", "security__symbol", "quantity",
            "price", "fees", "lot_date", "cost_basis", "acquired",
        )
    )
    return [
        Txn(
            seq=seq, date=day, account=acct, action=action, symbol=symbol,
            quantity=qty.normalize() if qty else qty, price=price if price is not None else 0,
            fees=fees, lot=lot, cost_basis=basis, acquired=acquired,
        )
        for (seq, day, acct, action, symbol, qty, price, fees, lot, basis, acquired) in rows
    ]


def replay_household(household: Household, groups: Iterable[Iterable[str]] | None = None) -> ReplayResult:
    groups = identical_groups() if groups is None else groups
    return replay(account_refs(household), ledger_transactions(household), groups)


@transaction.atomic
def write_projection(household: Household, result: ReplayResult) -> None:
    """Replace the household's stored lots and 8949 rows with a replay's result."""
    accounts = {a.code: a.id for a in household.accounts.all()}
    symbols = {lot.symbol for lot in result.open_lots} | {s.symbol for s in result.sales}
    securities = dict(Security.objects.filter(symbol__in=symbols).values_list("symbol", "id"))
    Lot.objects.filter(household=household).delete()
    RealizedSale.objects.filter(household=household).delete()
    insert_rows(
        Lot,
        ["household", "account", "security", "quantity", "cost_basis", "acquired",
         "purchase_date", "purchase_seq", "wash_adjustment"],
        (
            (household.id, accounts[lot.account], securities[lot.symbol], lot.quantity,
             cents(lot.cost_basis), lot.acquired, lot.purchase_date, lot.purchase_seq,
             cents(lot.wash_adjustment))
            for lot in result.open_lots
        ),
    )
    insert_rows(
        RealizedSale,
        ["household", "account", "security", "sale_seq", "piece", "date_acquired", "date_sold",
         "purchase_date", "quantity", "proceeds", "cost_basis", "adjustment_code",
         "adjustment_amount", "gain_loss", "term", "broker_term", "wash_matches"],
        _realized_rows(household, result, accounts, securities),
    )


def _realized_rows(household, result: ReplayResult, accounts, securities):
    pieces: dict[int, int] = {}
    for sale in result.form_8949:
        piece = pieces.get(sale.sale_seq, 0)
        pieces[sale.sale_seq] = piece + 1
        proceeds, basis, adjustment = (
            cents(sale.proceeds), cents(sale.cost_basis), cents(sale.adjustment_amount)
        )
        yield (
            household.id, accounts[sale.account], securities[sale.symbol], sale.sale_seq, piece,
            sale.date_acquired, sale.date_sold, sale.purchase_date, sale.quantity, proceeds,
            basis, sale.adjustment_code, adjustment, proceeds - basis + adjustment, sale.term,
            sale.broker_term or "",
            [
                {
                    "account": m.replacement_account,
                    "symbol": m.replacement_symbol,
                    "date": m.replacement_date.isoformat(),
                    "seq": m.replacement_seq,
                    "quantity": str(m.quantity),
                    "disallowed": str(cents(m.disallowed)),
                    "basis_added": m.basis_added,
                }
                for m in sale.matches
            ],
        )


def household_project(
    household: Household,
    groups: Iterable[Iterable[str]] | None = None,
    *,
    result: ReplayResult | None = None,
) -> ReplayResult:
    """Recompute lots and realized sales from the transactions (same DB transaction).

    `result` is a replay of exactly the stored transactions made moments ago (an import
    validates by replaying), so it need not be computed twice.
    """
    result = result if result is not None else replay_household(household, groups)
    if result.errors:
        first = result.errors[0]
        raise ValueError(f"transactions[{first.seq}]: {first.field}: {first.message}")
    write_projection(household, result)
    return result


def accounts_by_code(household: Household) -> dict[str, Account]:
    return {a.code: a for a in household.accounts.all()}
