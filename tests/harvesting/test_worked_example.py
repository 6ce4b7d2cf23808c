"""The mission's worked example end to end through the commands (issue 3, FORMATS §6).

$74,000 of long-term losses harvested (VOO 35,000 + EFA 22,000 + ADBE 17,000) against
$55,000 of long-term gains: 55,000 × 23.8% + 3,000 × 37% = $14,200.00 saved this year.
"""

from __future__ import annotations

import pytest

from harvesting.models import Proposal
from tests.support import holbrook
from tests.support.commands import run_json

pytestmark = pytest.mark.django_db


def scan(*args):
    return run_json("harvest_scan", "--as-of", holbrook.AS_OF.isoformat(), *args)


def test_one_proposal_harvests_74000_and_saves_14200(tmp_path):
    holbrook.load(tmp_path)
    summary = scan()
    assert summary["as_of"] == "2026-10-15"
    assert summary["households"] == 1
    assert summary["proposals_created"] == 1
    assert summary["errors"] == []

    (proposal,) = run_json("export_proposals", "holbrook")
    assert proposal["household"] == "holbrook"
    assert proposal["status"] == "pending"
    assert proposal["harvested_loss_st"] == "0.00"
    assert proposal["harvested_loss_lt"] == "74000.00"
    assert proposal["estimated_tax_savings"] == "14200.00"
    assert proposal["skipped"] == []
    legs = {leg["sell"]["symbol"]: leg for leg in proposal["legs"]}
    assert {s: leg["loss_lt"] for s, leg in legs.items()} == {
        "VOO": "35000.00", "EFA": "22000.00", "ADBE": "17000.00"
    }
    assert legs["VOO"]["sell"] == {
        "symbol": "VOO", "quantity": "1000",
        "lots": [{"acquired": "2024-03-01", "quantity": "1000"}], "price": "385.00",
    }
    # VOO → VTI, a low-risk pair (different index); never IVV/SPY (identical group).
    assert legs["VOO"]["buy"] == {"symbol": "VTI", "quantity": "1321.5", "price": "291.33"}
    assert legs["VOO"]["replacement_risk"] == "low"
    assert legs["EFA"]["buy"]["symbol"] == "IEFA"
    # The stock is replaced by the most correlated stock of its sub-industry.
    assert legs["ADBE"]["buy"]["symbol"] == "CRM"
    assert "Application Software" in legs["ADBE"]["replacement_reason"]


def test_scanning_the_same_date_twice_creates_nothing_new(tmp_path):
    holbrook.load(tmp_path)
    first = scan()
    second = scan()
    assert first["proposals_created"] == 1
    assert second["proposals_created"] == 0
    assert second["run"] != first["run"]
    assert Proposal.objects.count() == 1


def test_the_scan_is_limited_to_named_households(tmp_path):
    holbrook.load(tmp_path)
    summary = scan("--household", "holbrook")
    assert summary["households"] == 1


def test_the_proposal_explains_its_wash_sale_checks(tmp_path):
    holbrook.load(tmp_path)
    scan()
    proposal = Proposal.objects.get()
    evidence = " ".join(e for leg in proposal.legs.all() for e in leg.evidence)
    assert "2026-09-15" in evidence and "2026-10-15" in evidence  # the 30-day look-back
    assert proposal.assumptions["lt_rate"] == "0.238"
    assert proposal.assumptions["outside_lt_gains"] == "55000.00"
