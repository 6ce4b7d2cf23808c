"""Big households for query-count and timing tests, written with bulk_create."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from advisors.models import Household
from harvesting.models import Proposal, ProposalLeg
from portfolios.models import Account, Lot, Price, Security
from tests.support.factories import as_of_day

D = Decimal


def securities(n: int, prefix: str = "B") -> list[Security]:
    day = as_of_day()
    Security.objects.bulk_create(
        [Security(symbol=f"{prefix}{i:04d}", name=f"Bulk {i}") for i in range(n)],
        ignore_conflicts=True,
    )
    secs = list(Security.objects.filter(symbol__startswith=prefix).order_by("symbol")[:n])
    Price.objects.bulk_create(
        [Price(security=s, date=day, close=D("50.00") + i % 40) for i, s in enumerate(secs)],
        ignore_conflicts=True,
    )
    return secs


def household_with_lots(key: str, advisor, n_lots: int, secs: list[Security]) -> Household:
    """A household with `n_lots` lots spread over two taxable accounts and an IRA."""
    household = Household.objects.create(key=key, name=f"{key.title()} household",
                                         advisor=advisor)
    accounts = [
        Account.objects.create(household=household, code=code, owner="primary", type=kind)
        for code, kind in (("T1", "taxable"), ("T2", "taxable"), ("IRA", "traditional_ira"))
    ]
    day = as_of_day()
    lots = []
    for i in range(n_lots):
        acquired = day - timedelta(days=30 + (i * 7) % 900)
        lots.append(Lot(
            household=household, account=accounts[i % 3], security=secs[i % len(secs)],
            quantity=D(10 + i % 50), cost_basis=D(500 + (i * 37) % 3000) + D("0.25"),
            acquired=acquired, purchase_date=acquired, purchase_seq=i,
            wash_adjustment=D("12.50") if i % 97 == 0 else D(0),
        ))
    Lot.objects.bulk_create(lots, batch_size=1000)
    return household


def proposals(household: Household, n: int, account: Account, sell, buy) -> list[Proposal]:
    start = as_of_day()
    rows = Proposal.objects.bulk_create([
        Proposal(household=household, as_of=start - timedelta(days=i + 10),
                 status=("pending", "rejected", "expired")[i % 3],
                 harvested_loss_lt=D("1000.00") + i)
        for i in range(n)
    ])
    ProposalLeg.objects.bulk_create([
        ProposalLeg(proposal=p, position=0, account=account, sell_security=sell,
                    sell_quantity=D(10), sell_price=D("10.00"), buy_security=buy,
                    buy_quantity=D(10), buy_price=D("10.00"), loss_lt=D("100.00"))
        for p in rows
    ])
    return rows
