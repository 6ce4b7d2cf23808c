"""factory-boy factories for the web tests: users, households, ledgers' projections,
proposals with their legs, runs, alerts and swap lists — written straight to the ORM so
page tests never depend on the scan.

Money and quantities are Decimal strings; dates are fixed relative to `today()` so the
"this year" figures stay in the current tax year whenever the suite runs.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from advisors.models import AuditEvent, Household, Member
from harvesting.models import (
    HarvestPolicy,
    HarvestRun,
    HarvestRunItem,
    IdenticalGroup,
    IdenticalMember,
    Proposal,
    ProposalLeg,
    Restriction,
    SwapPair,
    WashAlert,
)
from portfolios.models import (
    Account,
    Lot,
    Price,
    RealizedSale,
    ScheduledPurchase,
    Security,
    TaxProfile,
    Transaction,
)

PASSWORD = "correct-horse-battery-9"
D = Decimal


def today() -> date:
    return timezone.localdate()


def as_of_day() -> date:
    """A recent trading day in this tax year (the proposals' as-of date)."""
    t = today()
    return max(t - timedelta(days=3), date(t.year, 1, 2))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.LazyAttribute(lambda o: o.username.capitalize())
    last_name = "Tester"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password(PASSWORD)
    is_staff = False


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    key = factory.Sequence(lambda n: f"household-{n}")
    name = factory.LazyAttribute(lambda o: f"{o.key.replace('-', ' ').title()} household")
    filing_status = "married_filing_jointly"
    advisor = None


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    household = factory.SubFactory(HouseholdFactory)
    role = "primary"
    name = factory.Sequence(lambda n: f"Member {n}")
    email = factory.LazyAttribute(lambda o: f"{o.name.lower().replace(' ', '.')}@example.com")
    user = None


class SecurityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Security
        django_get_or_create = ["symbol"]

    symbol = factory.Sequence(lambda n: f"S{n:04d}")
    name = factory.LazyAttribute(lambda o: f"{o.symbol} Fund")
    asset_class = "equity"
    tracked_index = ""


class PriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Price

    security = factory.SubFactory(SecurityFactory)
    date = factory.LazyFunction(as_of_day)
    close = D("100.00")


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    household = factory.SubFactory(HouseholdFactory)
    code = factory.Sequence(lambda n: f"TAX-{n}")
    owner = "primary"
    type = "taxable"
    name = "Joint brokerage"
    custodian = "Schwab"
    lot_method = "fifo"


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lot

    account = factory.SubFactory(AccountFactory)
    household = factory.LazyAttribute(lambda o: o.account.household)
    security = factory.SubFactory(SecurityFactory)
    quantity = D("100")
    cost_basis = D("10000.00")
    acquired = factory.LazyFunction(lambda: as_of_day() - timedelta(days=600))
    purchase_date = factory.LazyAttribute(lambda o: o.acquired)
    purchase_seq = factory.Sequence(lambda n: n)
    wash_adjustment = D("0")


class TransactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transaction

    account = factory.SubFactory(AccountFactory)
    household = factory.LazyAttribute(lambda o: o.account.household)
    seq = factory.Sequence(lambda n: n)
    date = factory.LazyFunction(lambda: as_of_day() - timedelta(days=600))
    action = "BUY"
    security = factory.SubFactory(SecurityFactory)
    quantity = D("100")
    price = D("100.00")


class RealizedSaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RealizedSale

    account = factory.SubFactory(AccountFactory)
    household = factory.LazyAttribute(lambda o: o.account.household)
    security = factory.SubFactory(SecurityFactory)
    sale_seq = factory.Sequence(lambda n: n)
    piece = 0
    date_acquired = factory.LazyFunction(lambda: date(today().year - 2, 3, 1))
    date_sold = factory.LazyFunction(lambda: date(today().year, 1, 2))
    purchase_date = factory.LazyAttribute(lambda o: o.date_acquired)
    quantity = D("10")
    proceeds = D("1200.00")
    cost_basis = D("1000.00")
    adjustment_code = ""
    adjustment_amount = D("0")
    gain_loss = factory.LazyAttribute(lambda o: o.proceeds - o.cost_basis + o.adjustment_amount)
    term = "long"
    broker_term = ""


class TaxProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaxProfile

    household = factory.SubFactory(HouseholdFactory)
    ordinary_rate = D("0.37")
    st_rate = D("0.408")
    lt_rate = D("0.238")
    outside_st_gains = D("0")
    outside_lt_gains = D("55000")
    carryforward_st = D("0")
    carryforward_lt = D("0")


class ScheduledPurchaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScheduledPurchase

    account = factory.SubFactory(AccountFactory)
    household = factory.LazyAttribute(lambda o: o.account.household)
    security = factory.SubFactory(SecurityFactory)
    kind = "dividend_reinvestment"
    next_date = factory.LazyFunction(lambda: today() + timedelta(days=40))
    every_days = 91


class HarvestPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HarvestPolicy

    household = None


def default_assumptions() -> dict:
    """What the scan writes (harvesting.services._proposal_write), as strings."""
    return {
        "model": "marginal saving this year, flat rates (TAX_RULES R7.5 / C9)",
        "filing_status": "married_filing_jointly",
        "ordinary_rate": "0.37", "st_rate": "0.408", "lt_rate": "0.238",
        "realized_st_gains": "0.00", "realized_st_losses": "0.00",
        "realized_lt_gains": "0.00", "realized_lt_losses": "0.00",
        "outside_st_gains": "0.00", "outside_lt_gains": "55000.00",
        "st_gains": "0.00", "st_losses": "0.00", "lt_gains": "55000.00", "lt_losses": "0.00",
        "carryforward_st": "0.00", "carryforward_lt": "0.00",
        "rate_source": "tax profile rates",
    }


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    household = factory.SubFactory(HouseholdFactory)
    as_of = factory.LazyFunction(as_of_day)
    kind = Proposal.HARVEST
    status = Proposal.PENDING
    harvested_loss_st = D("0.00")
    harvested_loss_lt = D("35000.00")
    estimated_tax_savings = D("8330.00")
    skipped = factory.LazyFunction(lambda: [
        {"account": "P-TAX", "symbol": "EFA", "reason": "wash_sale_lookback",
         "detail": "S-IRA bought EFA on 2026-10-03"},
    ])
    assumptions = factory.LazyFunction(lambda: default_assumptions())
    warnings = factory.LazyFunction(list)


class ProposalLegFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposalLeg

    proposal = factory.SubFactory(ProposalFactory)
    position = factory.Sequence(lambda n: n)
    account = factory.SubFactory(
        AccountFactory, household=factory.SelfAttribute("..proposal.household")
    )
    sell_security = factory.SubFactory(SecurityFactory, symbol="VOO")
    sell_quantity = D("1000")
    sell_price = D("385.00")
    lots = factory.LazyAttribute(lambda o: [{
        "acquired": (o.proposal.as_of - timedelta(days=600)).isoformat(),
        "purchase_date": (o.proposal.as_of - timedelta(days=600)).isoformat(),
        "quantity": "1000", "cost_basis": "420000.00", "loss": "35000.00", "term": "long",
    }])
    buy_security = factory.SubFactory(SecurityFactory, symbol="VTI")
    buy_quantity = D("1321.5")
    buy_price = D("291.33")
    loss_st = D("0.00")
    loss_lt = D("35000.00")
    replacement_reason = "swap pair VOO→VTI rank 1, tracked index not recorded (low risk)"
    replacement_risk = "low"
    evidence = factory.LazyAttribute(lambda o: [
        f"wash-sale look-back {(o.proposal.as_of - timedelta(days=30)).isoformat()}…"
        f"{o.proposal.as_of.isoformat()} (R1.1, R1.4): purchases of IVV/SPY/VFIAX/VOO in "
        "P-IRA, P-TAX, S-IRA: none",
        "wash-sale look-ahead (R1.1): scheduled and planned purchases of IVV/SPY/VFIAX/VOO "
        "in every household account: none",
        "replacement VTI at 291.33: not substantially identical to VOO (R1.5)",
    ])
    excluded = False


class HarvestRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HarvestRun

    as_of = factory.LazyFunction(as_of_day)
    status = HarvestRun.DONE
    households_total = 0
    trigger = "beat"


class HarvestRunItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HarvestRunItem

    run = factory.SubFactory(HarvestRunFactory)
    household = factory.SubFactory(HouseholdFactory)
    status = HarvestRunItem.DONE


class RestrictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Restriction

    household = factory.SubFactory(HouseholdFactory)
    symbol = "EFA"
    starts = factory.LazyFunction(lambda: today() - timedelta(days=5))
    until = factory.LazyFunction(lambda: today() + timedelta(days=25))
    reason = "harvested EFA: no purchase of it or anything identical (R1.1)"


class WashAlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WashAlert

    household = factory.SubFactory(HouseholdFactory)
    fingerprint = factory.Sequence(lambda n: f"fp-{n}")
    sale_date = factory.LazyFunction(lambda: today() - timedelta(days=20))
    sale_account = "P-TAX"
    symbol = "EFA"
    replacement_account = "S-IRA"
    replacement_symbol = "EFA"
    replacement_date = factory.LazyFunction(lambda: today() - timedelta(days=10))
    quantity = D("50")
    disallowed = D("550.00")
    permanent = True


class SwapPairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SwapPair
        django_get_or_create = ["from_symbol", "to_symbol"]

    from_symbol = "VOO"
    to_symbol = "VTI"
    rank = 1


class AuditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEvent

    verb = "test.event"


def identical_group(*symbols: str) -> IdenticalGroup:
    group = IdenticalGroup.objects.create()
    IdenticalMember.objects.bulk_create([IdenticalMember(group=group, symbol=s) for s in symbols])
    return group


def priced(symbol: str, close: str, day: date | None = None, **fields) -> Security:
    """A security with a close on `day` (default: the as-of day)."""
    security = SecurityFactory(symbol=symbol, **fields)
    PriceFactory(security=security, date=day or as_of_day(), close=D(close))
    return security


def harvest_sale(*, leg, date_sold, proceeds, cost_basis, term="long", **extra):
    """A Form 8949 row that came from the fill of an executed harvest leg: the SELL
    transaction `proposal_execute` records (source "fill", linked to the leg) and the row
    it produced (same seq)."""
    account, security = leg.account, leg.sell_security
    sell = TransactionFactory(account=account, security=security, date=date_sold,
                              action="SELL", source="fill", quantity=D("10"),
                              price=proceeds / 10, proposal_leg=leg)
    return RealizedSaleFactory(account=account, security=security, sale_seq=sell.seq,
                               date_sold=date_sold, proceeds=proceeds, cost_basis=cost_basis,
                               term=term, **extra)
