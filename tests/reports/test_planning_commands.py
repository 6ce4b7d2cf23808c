"""The planning commands on the worked example's household (FORMATS.md: JSON to stdout).

Holbrook on 2026-10-15: VOO 1,000 sh (basis 420,000, at 385), EFA 2,000 sh (180,000, at
79), ADBE 100 sh (65,000, at 480), all long-term; $55,000 of LT gains realized elsewhere.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from advisors.models import Household
from harvesting import services
from tests.support import holbrook
from tests.support.commands import run, run_json

pytestmark = pytest.mark.django_db
D = Decimal


def test_raise_cash_json_sells_the_biggest_loss_per_dollar_and_skips_the_washed_lot(tmp_path):
    """EFA (13.9% loss per dollar) is blocked by the spouse's IRA purchase 10 days ago;
    ADBE (35.4%) is sold whole ($48,000), then 6 VOO (9.1%): 2,000 / 385 = 5.2 → 6 shares.
    Loss 17,000 + 210 = 17,210 LT against the $55,000 gain: 17,210 × 23.8% = $4,095.98.
    FIFO sells 130 VOO (the oldest purchase): loss 4,550 → $1,082.90."""
    holbrook.load(tmp_path)
    household = Household.objects.get(key="holbrook")
    services.transactions_record(
        household=household, actor=get_user_model().objects.get(username="quinn"),
        rows=[{"account": "S-IRA", "action": "BUY", "symbol": "EFA", "quantity": D(10),
               "price": D("79.40"), "day": holbrook.AS_OF - timedelta(days=10)}])
    doc = run_json("raise_cash", "holbrook", "50000", "--as-of", "2026-10-15", "--format", "json")
    assert [(lot["symbol"], lot["quantity"], lot["gain"]) for lot in doc["choice"]["lots"]] == [
        ("ADBE", "100", "-17000.00"), ("VOO", "6", "-210.00")]
    assert doc["choice"]["proceeds"] == "50310.00"
    assert doc["choice"]["tax"] == "-4095.98"
    assert [(lot["symbol"], lot["quantity"]) for lot in doc["fifo"]["lots"]] == [("VOO", "130")]
    assert doc["fifo"]["tax"] == "-1082.90"
    assert doc["saved_vs_fifo"] == "3013.08"
    assert [(e["symbol"], e["reason"]) for e in doc["excluded"]] == [("EFA", "wash_sale_lookback")]
    assert doc["rates"] == {"ordinary": "0.37", "st": "0.408", "lt": "0.238", "source": "tax profile rates"}
    text, _ = run("raise_cash", "holbrook", "50000", "--as-of", "2026-10-15")
    assert "saved vs FIFO: 3013.08" in text


def test_charitable_gift_json_ranks_by_gain_per_dollar(tmp_path):
    """XOM bought at 60 (now 110, 45% gain per dollar) before CRM at 200 (now 250, 20%):
    $60,000 = all 500 XOM ($55,000) + 20 CRM ($5,000); gain given 25,000 + 1,000 =
    26,000 at 23.8% = $6,188 of tax avoided."""
    doc = holbrook.household(transactions=[
        {"date": "2024-05-01", "account": "P-TAX", "action": "BUY", "symbol": "CRM",
         "quantity": "100", "price": "200.00"},
        {"date": "2024-05-01", "account": "P-TAX", "action": "BUY", "symbol": "XOM",
         "quantity": "500", "price": "60.00"},
        {"date": "2026-09-01", "account": "P-TAX", "action": "BUY", "symbol": "INTU",
         "quantity": "10", "price": "500.00"},
    ])
    holbrook.load(tmp_path, doc)
    out = run_json("charitable_gift", "holbrook", "60000", "--as-of", "2026-10-15", "--format", "json")
    assert [(p["symbol"], p["quantity"]) for p in out["gift"]] == [("XOM", "500"), ("CRM", "20")]
    assert [p["symbol"] for p in out["ranked"]] == ["XOM", "CRM"]
    assert out["deduction"] == "60000.00"
    assert out["gain_avoided"] == "26000.00"
    assert out["tax_avoided"] == "6188.00"
    assert [(e["symbol"], e["reason"]) for e in out["not_ranked"]] == [("INTU", "short_term")]


def test_asset_location_command_runs(tmp_path):
    holbrook.load(tmp_path)
    out = run_json("asset_location", "holbrook", "--as-of", "2026-10-15", "--format", "json")
    assert out["household"] == "holbrook" and out["as_of"] == "2026-10-15"
    assert isinstance(out["flags"], list) and isinstance(out["moves"], list)


def test_commands_refuse_bad_input(tmp_path):
    holbrook.load(tmp_path)
    with pytest.raises(CommandError, match="no household"):
        run("raise_cash", "nobody", "100")
    with pytest.raises(CommandError, match="AMOUNT"):
        run("raise_cash", "holbrook", "1e3x")
    with pytest.raises(CommandError, match="positive"):
        run("charitable_gift", "holbrook", "-5")
    with pytest.raises(CommandError, match="one of them"):
        run("tax_alpha", "--year", "2026")
