"""The personas and their world (healthchecks-style Alice/Bob/Charlie), built with the
factories: every web and browser test starts from the same firm.

* alice   — advisor of the Avery household (A)
* bob     — advisor of the Brooks household (B)
* charlie — client: member of A with a login
* dana    — client: member of B with a login
* admin   — staff: manages the swap lists, sees every household, advises none

A holds a taxable and an IRA account with long- and short-term lots at a loss, realized
sales this year (one washed, one whose broker term differs), a pending harvest proposal
(VOO → VTI, EFA → IEFA) sized on the as-of closes so it can be approved, an approved one,
a restriction, a scheduled purchase and an open wash-sale alert. B has a pending proposal
and an alert of its own. The last harvest run scanned both; B's item failed with an error
only B's viewers may read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from tests.support import factories as f

D = Decimal
PERSONAS = ("anonymous", "alice", "bob", "charlie", "dana", "admin")
B_SECRET = "brooks-secret-failure"


@dataclass
class World:
    alice: object
    bob: object
    charlie: object
    dana: object
    admin: object
    a: object
    b: object
    a_tax: object
    a_ira: object
    proposal: object
    leg: object
    approved: object
    b_proposal: object
    alert: object
    b_alert: object
    run: object
    pair: object
    group: object
    as_of: date

    def user(self, persona: str):
        return None if persona == "anonymous" else getattr(self, persona)


PRICES = {
    "VOO": ("385.00", "S&P 500"),
    "IVV": ("705.00", "S&P 500"),
    "VTI": ("291.33", "CRSP US Total Market"),
    "EFA": ("79.00", "MSCI EAFE"),
    "IEFA": ("72.50", "MSCI EAFE IMI"),
    "ADBE": ("480.00", ""),
    "AGG": ("98.50", "Bloomberg US Aggregate"),
}


def build_world() -> World:
    as_of = f.as_of_day()
    year = f.today().year
    for symbol, (close, index) in PRICES.items():
        f.priced(symbol, close, as_of, tracked_index=index, name=f"{symbol} fund")

    alice = f.UserFactory(username="alice", first_name="Alice", last_name="Advisor")
    bob = f.UserFactory(username="bob", first_name="Bob", last_name="Advisor")
    charlie = f.UserFactory(username="charlie", first_name="Charlie", last_name="Client")
    dana = f.UserFactory(username="dana", first_name="Dana", last_name="Client")
    admin = f.UserFactory(username="admin", first_name="Ada", last_name="Admin",
                          is_staff=True, is_superuser=True)

    a = f.HouseholdFactory(key="avery", name="Avery household", advisor=alice)
    b = f.HouseholdFactory(key="brooks", name="Brooks household", advisor=bob)
    f.MemberFactory(household=a, role="primary", name="Charlie Avery", user=charlie)
    f.MemberFactory(household=a, role="spouse", name="Casey Avery")
    f.MemberFactory(household=b, role="primary", name="Dana Brooks", user=dana)

    a_tax = f.AccountFactory(household=a, code="P-TAX", name="Joint brokerage")
    a_ira = f.AccountFactory(household=a, code="P-IRA", type="traditional_ira", name="IRA")
    b_tax = f.AccountFactory(household=b, code="B-TAX", name="Brooks brokerage")

    long_ago = as_of - timedelta(days=600)
    recent = as_of - timedelta(days=100)
    sec = {s: f.SecurityFactory(symbol=s) for s in PRICES}
    f.LotFactory(account=a_tax, security=sec["VOO"], quantity=D("1000"),
                 cost_basis=D("420000.00"), acquired=long_ago, purchase_seq=0)
    f.LotFactory(account=a_tax, security=sec["EFA"], quantity=D("2000"),
                 cost_basis=D("180000.00"), acquired=long_ago, purchase_seq=1)
    f.LotFactory(account=a_tax, security=sec["ADBE"], quantity=D("100"),
                 cost_basis=D("65000.00"), acquired=recent, purchase_seq=2,
                 wash_adjustment=D("250.00"))
    f.LotFactory(account=a_ira, security=sec["AGG"], quantity=D("800"),
                 cost_basis=D("78400.00"), acquired=long_ago, purchase_seq=3)
    f.LotFactory(account=b_tax, security=sec["VOO"], quantity=D("10"),
                 cost_basis=D("4500.00"), acquired=long_ago, purchase_seq=0)

    # The transactions the lots project from (the truth, DESIGN rule 2): fills append to them.
    for seq, (symbol, qty, price) in enumerate([("VOO", "1000", "420.00"),
                                                ("EFA", "2000", "90.00")]):
        f.TransactionFactory(account=a_tax, seq=seq, security=sec[symbol], quantity=D(qty),
                             price=D(price), date=long_ago)
    f.TransactionFactory(account=a_ira, seq=2, security=sec["AGG"], action="TRANSFER_IN",
                         quantity=D("800"), price=None, cost_basis=D("78400.00"),
                         acquired=long_ago, date=long_ago)
    f.TransactionFactory(account=a_tax, seq=3, security=sec["ADBE"], quantity=D("100"),
                         price=D("650.00"), date=recent)
    f.TransactionFactory(account=b_tax, seq=0, security=sec["VOO"], quantity=D("10"),
                         price=D("450.00"), date=long_ago)

    f.RealizedSaleFactory(account=a_tax, security=sec["ADBE"], sale_seq=9000,
                          date_acquired=date(year - 1, 6, 1), date_sold=date(year, 1, 2),
                          quantity=D("10"), proceeds=D("4000.00"), cost_basis=D("5000.00"),
                          adjustment_code="W", adjustment_amount=D("250.00"), term="short",
                          broker_term="long")
    f.RealizedSaleFactory(account=a_tax, security=sec["AGG"], sale_seq=9001,
                          date_acquired=date(year - 3, 6, 1), date_sold=date(year, 1, 2),
                          quantity=D("10"), proceeds=D("1200.00"), cost_basis=D("1000.00"),
                          term="long")
    f.TaxProfileFactory(household=a)
    f.ScheduledPurchaseFactory(account=a_ira, security=sec["AGG"])
    f.RestrictionFactory(household=a, symbol="QQQ")

    proposal = f.ProposalFactory(
        household=a, as_of=as_of, harvested_loss_lt=D("57000.00"),
        estimated_tax_savings=D("13830.00"),
        assumptions={
            **f.default_assumptions(),
            "prices": {s: PRICES[s][0] for s in ("VOO", "VTI", "EFA", "IEFA")},
        },
    )
    leg = f.ProposalLegFactory(proposal=proposal, position=0, account=a_tax,
                               sell_security=sec["VOO"], buy_security=sec["VTI"])
    f.ProposalLegFactory(
        proposal=proposal, position=1, account=a_tax, sell_security=sec["EFA"],
        sell_quantity=D("2000"), sell_price=D("79.00"), buy_security=sec["IEFA"],
        buy_quantity=D("2179.3"), buy_price=D("72.50"), loss_lt=D("22000.00"),
        lots=[{"acquired": long_ago.isoformat(), "purchase_date": long_ago.isoformat(),
               "quantity": "2000", "cost_basis": "180000.00", "loss": "22000.00",
               "term": "long"}],
        replacement_reason="swap pair EFA→IEFA rank 1 (low risk)",
        evidence=["wash-sale look-back: purchases of EFA in P-IRA, P-TAX: none"],
    )
    f.AuditEventFactory(household=a, verb="proposal.created", object_type="proposal",
                        object_id=str(proposal.pk), message="2 legs, 1 skipped")
    approved = f.ProposalFactory(household=a, as_of=as_of - timedelta(days=1),
                                 status="approved", decided_by=alice)
    f.ProposalLegFactory(proposal=approved, position=0, account=a_tax,
                         sell_security=sec["VOO"], buy_security=sec["VTI"],
                         lots=[{"acquired": long_ago.isoformat(),
                                "purchase_date": long_ago.isoformat(), "quantity": "1000",
                                "cost_basis": "420000.00", "loss": "35000.00", "term": "long"}])
    b_proposal = f.ProposalFactory(household=b, as_of=as_of, harvested_loss_lt=D("650.00"))
    f.ProposalLegFactory(proposal=b_proposal, position=0, account=b_tax,
                         sell_security=sec["VOO"], sell_quantity=D("10"),
                         buy_security=sec["VTI"], loss_lt=D("650.00"))

    alert = f.WashAlertFactory(household=a)
    b_alert = f.WashAlertFactory(household=b, symbol="VOO", replacement_symbol="IVV")

    run = f.HarvestRunFactory(as_of=as_of, households_total=2)
    f.HarvestRunItemFactory(run=run, household=a, proposal_created=True)
    f.HarvestRunItemFactory(run=run, household=b, status="failed",
                            error=f"ValueError: {B_SECRET}")

    pair = f.SwapPairFactory(from_symbol="VOO", to_symbol="VTI", rank=1)
    f.SwapPairFactory(from_symbol="EFA", to_symbol="IEFA", rank=1)
    group = f.identical_group("IVV", "VOO")
    return World(
        alice=alice, bob=bob, charlie=charlie, dana=dana, admin=admin, a=a, b=b,
        a_tax=a_tax, a_ira=a_ira, proposal=proposal, leg=leg, approved=approved,
        b_proposal=b_proposal, alert=alert, b_alert=b_alert, run=run, pair=pair,
        group=group, as_of=as_of,
    )
