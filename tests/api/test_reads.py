"""Reads: lots valued and filtered (term, gain/loss, account, symbol), realized sales by
year, harvest runs with their progress, pagination, and query counts that do not grow
with the number of rows."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from harvesting.models import HarvestRun
from portfolios.taxlots.holding import term as holding_term
from tests.support import holbrook
from tests.support.commands import run, write_json

pytestmark = pytest.mark.django_db


def mixed_household() -> dict:
    """Lots of every kind today: long and short, at a gain, at a loss, without any close."""
    recent = (timezone.localdate() - timedelta(days=10)).isoformat()
    return {
        "key": "mixed", "name": "Mixed household", "advisor": "quinn",
        "accounts": [{"id": "M-TAX", "owner": "primary", "type": "taxable"},
                     {"id": "M-IRA", "owner": "primary", "type": "roth_ira"}],
        "transactions": [
            {"date": "2020-01-06", "account": "M-TAX", "action": "BUY", "symbol": "VTI",
             "quantity": "10", "price": "100.00"},
            {"date": recent, "account": "M-TAX", "action": "BUY", "symbol": "XOM",
             "quantity": "5", "price": "150.00"},
            {"date": recent, "account": "M-IRA", "action": "BUY", "symbol": "NOPRICE",
             "quantity": "1.5", "price": "10.00"},
        ],
    }


@pytest.fixture
def api(tmp_path):
    holbrook.load(tmp_path)
    run("import_household", write_json(tmp_path, "mixed.json", mixed_household()))
    client = Client()
    client.force_login(get_user_model().objects.get(username="quinn"))
    return client


def lots(api, query: str = "") -> list[dict]:
    response = api.get(f"/api/v1/lots/?household=mixed&{query}")
    assert response.status_code == 200, response.content
    return response.json()["results"]


def symbols(rows) -> set[str]:
    return {r["symbol"] for r in rows}


def test_a_lot_is_valued_at_the_latest_close(api):
    [voo] = api.get("/api/v1/lots/?household=holbrook&symbol=voo").json()["results"]
    assert voo | {"id": 0, "account": 0} == {
        "id": 0, "household": "holbrook", "account": 0, "account_code": "P-TAX",
        "account_type": "taxable", "symbol": "VOO", "quantity": "1000",
        "cost_basis": "420000.00", "acquired": "2024-03-01", "purchase_date": "2024-03-01",
        "wash_adjustment": "0.00", "term": "long", "price": "385.00",
        "market_value": "385000.00", "unrealized": "-35000.00",
    }
    [noprice] = lots(api, "symbol=NOPRICE")
    assert (noprice["quantity"], noprice["price"], noprice["unrealized"]) == ("1.5", None, None)


def test_term_filter_follows_the_calendar_anniversary(api):
    today = timezone.localdate()
    every = lots(api)
    assert {r["symbol"]: r["term"] for r in every} == {
        r["symbol"]: holding_term(timezone.datetime.fromisoformat(r["acquired"]).date(), today)
        for r in every
    }
    assert symbols(lots(api, "term=long")) == {"VTI"}
    assert symbols(lots(api, "term=short")) == {"XOM", "NOPRICE"}


def test_gain_loss_filter_uses_the_latest_close(api):
    # VTI bought at 100 (close 291.33): a gain; XOM bought at 150 (close 110): a loss;
    # NOPRICE has no close: neither.
    assert symbols(lots(api, "gain_loss=gain")) == {"VTI"}
    assert symbols(lots(api, "gain_loss=loss")) == {"XOM"}
    assert symbols(lots(api, "gain_loss=loss&term=long")) == set()
    holbrook_losses = api.get("/api/v1/lots/?household=holbrook&gain_loss=loss").json()
    assert symbols(holbrook_losses["results"]) == {"VOO", "EFA", "ADBE"}


def test_account_and_symbol_filters(api):
    every = lots(api)
    ira = next(r["account"] for r in every if r["account_code"] == "M-IRA")
    assert symbols(lots(api, f"account={ira}")) == {"NOPRICE"}
    assert symbols(lots(api, "account_code=M-TAX")) == {"VTI", "XOM"}
    assert symbols(lots(api, "account_type=roth_ira")) == {"NOPRICE"}
    assert symbols(lots(api, "symbol=xom")) == {"XOM"}


@pytest.mark.parametrize("query,field", [
    ("term=forever", "term"), ("gain_loss=flat", "gain_loss"), ("account=abc", "account"),
    ("account=99999999999999999999999", "account"),
])
def test_a_bad_lot_filter_is_a_400_naming_it(api, query, field):
    response = api.get(f"/api/v1/lots/?{query}")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert response.json()["message"].startswith(f"{field}:")


def test_realized_sales_by_year(api, tmp_path):
    doc = holbrook.household()
    doc["transactions"].append({"date": "2025-06-02", "account": "P-TAX", "action": "SELL",
                                "symbol": "ADBE", "quantity": "10", "price": "500.00"})
    run("import_household", write_json(tmp_path, "h.json", doc))
    [row] = api.get("/api/v1/realized-sales/?year=2025").json()["results"]
    assert row | {"id": 0, "account": 0} == {
        "id": 0, "household": "holbrook", "account": 0, "account_code": "P-TAX",
        "symbol": "ADBE", "date_acquired": "2024-03-04", "date_sold": "2025-06-02",
        "purchase_date": "2024-03-04", "quantity": "10", "proceeds": "5000.00",
        "cost_basis": "6500.00", "adjustment_code": "", "adjustment_amount": "0.00",
        "gain_loss": "-1500.00", "term": "long", "broker_term": "long", "wash_matches": [],
    }
    assert api.get("/api/v1/realized-sales/?year=2024").json()["count"] == 0
    assert api.get("/api/v1/realized-sales/?washed=true").json()["count"] == 0
    response = api.get("/api/v1/realized-sales/?year=twenty")
    assert response.status_code == 400 and "year" in response.json()["fields"]


def test_lists_are_paginated(api):
    first = api.get("/api/v1/lots/?page_size=2").json()
    assert first["count"] == 6 and len(first["results"]) == 2
    assert "page=2" in first["next"] and first["previous"] is None
    last = api.get("/api/v1/lots/?page_size=2&page=3").json()
    assert last["next"] is None and len(last["results"]) == 2
    response = api.get("/api/v1/lots/?page=99")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_a_run_started_through_the_api_shows_its_progress(api, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # scan in process, even where Redis is set (CI)
    response = api.post("/api/v1/runs/", data=json.dumps({"as_of": "2026-10-15"}),
                        content_type="application/json")
    assert response.status_code == 201, response.content
    run_doc = response.json()
    assert (run_doc["trigger"], run_doc["started_by"], run_doc["status"]) == ("api", "quinn", "done")
    assert run_doc["progress"] == {"total": 2, "done": 2, "failed": 0, "pending": 0,
                                   "percent": 100, "proposals_created": 1}
    assert {i["household"] for i in run_doc["items"]} == {"holbrook", "mixed"}
    assert api.get(f"/api/v1/runs/{run_doc['id']}/").json() == run_doc
    listed = api.get("/api/v1/runs/").json()["results"]
    assert [r["id"] for r in listed] == [run_doc["id"]]
    assert HarvestRun.objects.get().started_by.username == "quinn"


@pytest.mark.parametrize("households,message", [
    (["holbrook", "nobody"], "not a household you may scan: nobody"),
])
def test_an_advisor_may_scan_only_their_households(api, households, message):
    response = api.post("/api/v1/runs/", data=json.dumps({"households": households}),
                        content_type="application/json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"households": [message]}
    assert not HarvestRun.objects.exists()


def test_a_run_without_prices_is_a_conflict(api):
    from portfolios.models import Price

    Price.objects.all().delete()
    response = api.post("/api/v1/runs/", data="{}", content_type="application/json")
    assert response.status_code == 409
    assert "no prices" in response.json()["message"]


@pytest.mark.parametrize("url", [
    "/api/v1/households/", "/api/v1/accounts/", "/api/v1/lots/", "/api/v1/realized-sales/",
    "/api/v1/proposals/", "/api/v1/runs/", "/api/v1/swap-pairs/",
])
def test_list_queries_do_not_grow_with_the_rows(api, tmp_path, url, django_assert_max_num_queries):
    from tests.support.commands import run_json

    run_json("harvest_scan", "--as-of", "2026-10-15")
    with django_assert_max_num_queries(12) as few:
        assert api.get(url).status_code == 200
    for n in range(3):
        doc = holbrook.household(key=f"copy{n}")
        run("import_household", write_json(tmp_path, f"c{n}.json", doc))
    run_json("harvest_scan", "--as-of", "2026-10-14")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get(url).status_code == 200
