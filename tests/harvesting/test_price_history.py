"""The trailing year of closes the direct-index ranking reads (issue 3), alone or shared.

Inside `price_history_shared()` (the demo's replay of 2020) every date slices one copy of
the price table; it must give exactly the closes a run reads on its own.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from harvesting.snapshots import HISTORY_DAYS, PriceHistory, closes_as_of, price_history_shared
from portfolios.models import Price
from tests.support import holbrook

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("days_back", [0, 1, 45, 200])
def test_a_shared_history_gives_each_date_the_same_closes(tmp_path, days_back):
    holbrook.load(tmp_path)
    as_of = holbrook.AS_OF - timedelta(days=days_back)
    symbols = ["ADBE", "CRM", "INTU", "VOO"]
    alone = PriceHistory(as_of, symbols)
    own = {s: alone[s] for s in symbols}
    with price_history_shared():
        shared = PriceHistory(as_of, symbols)
        assert {s: shared[s] for s in symbols} == own
    first = as_of - timedelta(days=HISTORY_DAYS)
    assert own["ADBE"][-1][0] <= as_of and own["ADBE"][0][0] >= first
    assert len(own["ADBE"]) == Price.objects.filter(
        security__symbol="ADBE", date__range=(first, as_of)
    ).count()


def test_outside_the_block_a_price_import_is_seen(tmp_path):
    holbrook.load(tmp_path)
    with price_history_shared():
        before = PriceHistory(holbrook.AS_OF, ["ADBE"])["ADBE"][-1]
    Price.objects.filter(security__symbol="ADBE", date=holbrook.AS_OF).update(close="1.2345")
    after = PriceHistory(holbrook.AS_OF, ["ADBE"])["ADBE"][-1]
    assert before[1] == Decimal("480") and after[1] == Decimal("1.2345")


@pytest.mark.parametrize("days_back", [0, 1, 2, 3, 30])  # the as-of date may be a weekend
def test_a_shared_history_gives_the_same_closes_as_of_a_date(tmp_path, days_back):
    holbrook.load(tmp_path)
    day = holbrook.AS_OF - timedelta(days=days_back)
    alone = closes_as_of(day), closes_as_of(day, ["VOO", "EFA"])
    with price_history_shared():
        shared = closes_as_of(day), closes_as_of(day, ["VOO", "EFA"])
    assert shared == alone
    assert set(alone[1]) == {"VOO", "EFA"} and len(alone[0]) == len(holbrook.LAST_CLOSE)
    assert closes_as_of(day + timedelta(days=400)) == {}  # nothing within the look-back
