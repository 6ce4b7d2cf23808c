"""The scan reads only the lots a harvest can use, and that changes no plan (issue 3).

`snapshots_for(harvest_only=True)` keeps (harvesting/snapshots.py): every lot bought in
the wash-sale look-back or later in any account (R1.1, C1–C3), every lot of an eligible
account without an as-of close, and the lots at a loss of the eligible positions whose
losses pass the household's thresholds. The household below has a lot of every other
kind too — a gain lot in a harvested position, a loss below the thresholds, a loss in an
IRA — and the plan must be the same whether the engine sees all lots or the reduced set,
under each way of setting the thresholds. On PostgreSQL (CI) part of the filter runs as
SQL, so this test checks the SQL against the engine's own rules.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from advisors.models import Household
from harvesting.engine.plan import plan_harvest
from harvesting.models import HarvestPolicy
from harvesting.snapshots import ScanContext, snapshots_for
from tests.support import holbrook

pytestmark = pytest.mark.django_db
AS_OF = holbrook.AS_OF
D = Decimal


def rich_household() -> dict:
    recent = (AS_OF - timedelta(days=10)).isoformat()
    doc = holbrook.household()
    doc["transactions"] = doc["transactions"] + [
        # a gain lot in the harvested VOO position, bought long ago: never sold
        {"date": "2025-06-02", "account": "P-TAX", "action": "BUY", "symbol": "VOO",
         "quantity": "100", "price": "350.00"},
        # a recent purchase of VOO in the same account at a small gain: the lot choice
        # sells it along (C2), so it must be read although it is at a gain
        {"date": recent, "account": "P-TAX", "action": "BUY", "symbol": "VOO",
         "quantity": "5", "price": "380.00"},
        # a loss far below the thresholds: not a candidate
        {"date": "2025-01-02", "account": "P-TAX", "action": "BUY", "symbol": "XOM",
         "quantity": "10", "price": "112.00"},
        # a loss inside an IRA: not eligible (R1.6)
        {"date": "2024-05-01", "account": "P-IRA", "action": "BUY", "symbol": "EFA",
         "quantity": "100", "price": "95.00"},
        # a recent IRA purchase of INTU: read for the guard's look-back
        {"date": recent, "account": "S-IRA", "action": "BUY", "symbol": "INTU",
         "quantity": "3", "price": "590.00"},
        # a security without any price: reported unpriced, not evaluated
        {"date": "2025-02-03", "account": "P-TAX", "action": "BUY", "symbol": "NOPX",
         "quantity": "10", "price": "20.00"},
    ]
    return doc


POLICIES = {
    "firm default (both tests)": {},
    "either test, dollars out of reach": {"require_both": False, "min_loss_dollars": D("1e9")},
    "either test, percent out of reach": {"require_both": False, "min_loss_percent": D("0.99")},
    "nothing passes": {"min_loss_dollars": D("1e9")},
}


@pytest.mark.parametrize("policy", POLICIES, ids=list(POLICIES))
def test_the_reduced_lot_set_gives_the_same_plan(tmp_path, policy):
    holbrook.load(tmp_path, rich_household())
    household = Household.objects.get(key="holbrook")
    if POLICIES[policy]:
        HarvestPolicy.objects.create(household=household, **POLICIES[policy])
    context = ScanContext.load(AS_OF)
    full, rules, _ = snapshots_for([household], context)[household.id]
    reduced, _, _ = snapshots_for([household], context, harvest_only=True)[household.id]

    assert plan_harvest(reduced, rules, context.swap_list) == plan_harvest(
        full, rules, context.swap_list
    )
    assert len(reduced.lots) < len(full.lots)


def kept(lots) -> set[tuple[str, str, str]]:
    return {(lot.account, lot.symbol, lot.purchase_date.isoformat()) for lot in lots}


def test_which_lots_a_harvest_reads(tmp_path):
    holbrook.load(tmp_path, rich_household())
    household = Household.objects.get(key="holbrook")
    context = ScanContext.load(AS_OF)
    reduced, _, _ = snapshots_for([household], context, harvest_only=True)[household.id]
    recent = (AS_OF - timedelta(days=10)).isoformat()

    assert kept(reduced.lots) == {
        ("P-TAX", "VOO", "2024-03-01"),  # candidates' loss lots
        ("P-TAX", "EFA", "2024-03-01"),
        ("P-TAX", "ADBE", "2024-03-04"),
        ("P-TAX", "VOO", recent),  # bought in the look-back (at a gain)
        ("S-IRA", "INTU", recent),  # bought in the look-back, in an IRA
        ("P-TAX", "NOPX", "2025-02-03"),  # no as-of close
    }
    # left out: the old VOO gain lot, the XOM loss below the thresholds, the IRA's EFA loss


def test_a_chunk_whose_batch_write_collides_is_written_household_by_household(
    tmp_path, monkeypatch
):
    """A concurrent scan writes one household's proposal between this chunk's reads and
    its batched write: the batch hits the unique constraint, is rolled back whole, and the
    chunk is written one household at a time — one proposal each, every item done."""
    import copy
    import json

    from harvesting import services
    from harvesting.models import HarvestRunItem, Proposal
    from tests.support.commands import run

    holbrook.load(tmp_path)
    for key in ("avery", "castillo"):
        doc = copy.deepcopy(holbrook.HOUSEHOLD)
        doc["key"], doc["name"] = key, f"{key.title()} household"
        (tmp_path / f"{key}.json").write_text(json.dumps(doc))
        run("import_household", str(tmp_path / f"{key}.json"))
    batched = services._ChunkScan.write_all

    def concurrent_scan_first(chunk):
        avery = next(h for h in chunk.households if h.key == "avery")
        services._proposal_write(household=avery, run=None, plan=chunk.plans[avery.id],
                                 rate_source="a concurrent scan")
        return batched(chunk)

    monkeypatch.setattr(services._ChunkScan, "write_all", concurrent_scan_first)
    run_row = services.harvest_run_start(as_of=AS_OF, trigger="test", inline=True)

    by_key = dict(Proposal.objects.values_list("household__key", "assumptions__rate_source"))
    assert sorted(by_key) == ["avery", "castillo", "holbrook"]
    assert by_key["avery"] == "a concurrent scan"  # the first writer's proposal stays
    items = {i.household.key: i for i in run_row.items.select_related("household")}
    assert {i.status for i in items.values()} == {HarvestRunItem.DONE}
    assert [k for k, i in sorted(items.items()) if i.proposal_created] == ["castillo", "holbrook"]
