"""Proposals through the API: the FORMATS §6 document, the commands, refusals and audit.

The commands call the same services as the pages, so a refusal is the service's reason:
409 for a state conflict (already decided, stale, the guard now fails), 400 for a bad
body or fills file (row-level problems), 403/404 by the access policy.
"""

from __future__ import annotations

import json
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.test import Client

from advisors.models import AuditEvent
from harvesting.models import Proposal
from tests.support import holbrook
from tests.support.commands import run_json
from tests.support.components import require

pytestmark = pytest.mark.django_db
API_ONLY_FIELDS = {"excluded_legs", "run", "comment", "decided_by", "decided_at", "executed_at"}


@pytest.fixture
def proposal(tmp_path):
    holbrook.load(tmp_path)
    run_json("harvest_scan", "--as-of", holbrook.AS_OF.isoformat())
    return Proposal.objects.get()


@pytest.fixture
def quinn():
    return get_user_model().objects.get(username="quinn")


@pytest.fixture
def api(quinn):
    client = Client()
    client.force_login(quinn)
    return client


def post(client, url, body=None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def without_api_fields(document: dict) -> dict:
    document = {k: v for k, v in document.items() if k not in API_ONLY_FIELDS}
    document["legs"] = [{k: v for k, v in leg.items() if k != "id"} for leg in document["legs"]]
    return document


def test_the_proposal_is_the_export_proposals_document(proposal, api):
    exported = run_json("export_proposals", "holbrook")
    detail = api.get(f"/api/v1/proposals/{proposal.id}/").json()
    assert without_api_fields(detail) == exported[0]
    listed = api.get("/api/v1/proposals/").json()["results"]
    assert [without_api_fields(d) for d in listed] == exported
    assert detail["estimated_tax_savings"] == "14200.00"  # the worked example
    assert detail["legs"][0]["id"] == proposal.legs.order_by("position").first().id


@pytest.mark.parametrize(
    "query,count",
    [("status=pending", 1), ("status=approved", 0), ("household=holbrook", 1),
     ("household=nobody", 0), ("as_of=2026-10-15", 1), ("as_of=2026-10-14", 0),
     ("as_of_after=2026-10-01&as_of_before=2026-10-31", 1), ("kind=swap_back", 0)],
)
def test_proposal_filters(proposal, api, query, count):
    assert api.get(f"/api/v1/proposals/?{query}").json()["count"] == count


@pytest.mark.parametrize("query,field", [("status=maybe", "status"), ("as_of=yesterday", "as_of")])
def test_a_bad_filter_is_a_400_naming_it(proposal, api, query, field):
    response = api.get(f"/api/v1/proposals/?{query}")
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_approve_then_approve_again_is_a_conflict(proposal, api, quinn):
    response = post(api, f"/api/v1/proposals/{proposal.id}/approve/", {"comment": "go"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["decided_by"], body["comment"]) == ("approved", "quinn", "go")
    event = AuditEvent.objects.get(verb="proposal.approved")
    assert (event.actor, event.message) == (quinn, "go")
    again = post(api, f"/api/v1/proposals/{proposal.id}/approve/")
    assert again.status_code == 409
    assert again.json() == {"code": "conflict",
                            "message": f"proposal {proposal.id} is already approved"}


def test_reject_needs_a_comment(proposal, api):
    response = post(api, f"/api/v1/proposals/{proposal.id}/reject/", {"comment": "  "})
    assert response.status_code == 400
    assert response.json()["fields"] == {"comment": ["Say why: a rejection needs a comment."]}
    assert post(api, f"/api/v1/proposals/{proposal.id}/reject/", {}).status_code == 400
    response = post(api, f"/api/v1/proposals/{proposal.id}/reject/", {"comment": "wait"})
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert AuditEvent.objects.filter(verb="proposal.rejected").count() == 1


def test_excluding_a_leg_and_putting_it_back(proposal, api):
    leg = proposal.legs.get(sell_security__symbol="VOO")
    url = f"/api/v1/proposals/{proposal.id}/legs/{leg.id}/exclude/"
    body = post(api, url).json()
    assert [x["sell"]["symbol"] for x in body["legs"]] == ["ADBE", "EFA"]
    assert body["excluded_legs"] == [{"id": leg.id, "account": "P-TAX", "symbol": "VOO"}]
    # 39,000 harvested against 55,000 of LT gains: 39,000 × 0.238 = 9,282.
    assert (body["harvested_loss_lt"], body["estimated_tax_savings"]) == ("39000.00", "9282.00")
    body = post(api, url, {"excluded": False}).json()
    assert (body["excluded_legs"], body["estimated_tax_savings"]) == ([], "14200.00")


def test_a_leg_of_another_proposal_is_a_404(proposal, api):
    leg = proposal.legs.first()
    response = post(api, f"/api/v1/proposals/{proposal.id + 1}/legs/{leg.id}/exclude/")
    assert response.status_code == 404


def test_fills_of_a_pending_proposal_are_a_conflict(proposal, api):
    response = post(api, f"/api/v1/proposals/{proposal.id}/fills/")
    assert response.status_code == 409
    assert "only an approved proposal executes" in response.json()["message"]


def test_recording_fills_executes_the_proposal(proposal, api):
    for leg in proposal.legs.exclude(sell_security__symbol="VOO"):
        post(api, f"/api/v1/proposals/{proposal.id}/legs/{leg.id}/exclude/")
    post(api, f"/api/v1/proposals/{proposal.id}/approve/")
    fills = ("account,side,symbol,quantity,price,lot\n"
             "P-TAX,SELL,VOO,1000,384.50,2024-03-01\nP-TAX,BUY,VTI,1320,291.00,\n")
    response = post(api, f"/api/v1/proposals/{proposal.id}/fills/", {"fills_csv": fills})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "executed"
    assert response.json()["executed_at"]
    rows = api.get("/api/v1/realized-sales/?household=holbrook&year=2026").json()["results"]
    assert [(r["symbol"], r["proceeds"], r["gain_loss"], r["term"]) for r in rows] == [
        ("VOO", "384500.00", "-35500.00", "long")
    ]
    assert AuditEvent.objects.filter(verb="proposal.executed", actor__username="quinn").exists()


def test_a_bad_fills_file_is_refused_by_line_and_column(proposal, api):
    post(api, f"/api/v1/proposals/{proposal.id}/approve/")
    bad = "account,side,symbol,quantity,price\nP-TAX,SELL,VOO,1000,385.00\nP-TAX,BUY,IVV,5,7.5x\n"
    response = post(api, f"/api/v1/proposals/{proposal.id}/fills/", {"fills_csv": bad})
    assert response.status_code == 400
    problems = {(p["row"], p["field"]) for p in response.json()["problems"]}
    assert {("line 3", "price"), ("line 3", "symbol")} <= problems
    assert Proposal.objects.get().status == "approved"


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_one_succeeds_the_other_is_a_conflict(tmp_path):
    require(connection.vendor == "postgresql", "PostgreSQL for concurrent connections",
            "install postgresql and set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test")
    holbrook.load(tmp_path)
    run_json("harvest_scan", "--as-of", holbrook.AS_OF.isoformat())
    proposal = Proposal.objects.get()
    quinn = get_user_model().objects.get(username="quinn")
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(quinn)
        clients.append(client)
    statuses: list[int] = []
    barrier = threading.Barrier(2)

    def approve(client):
        try:
            barrier.wait()
            statuses.append(post(client, f"/api/v1/proposals/{proposal.id}/approve/").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 409]
    assert AuditEvent.objects.filter(verb="proposal.approved").count() == 1
    assert Proposal.objects.get().status == "approved"


def test_the_order_file_is_the_pages_order_file(proposal, api):
    from harvesting import services

    response = api.get(f"/api/v1/proposals/{proposal.id}/orders/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    text = response.content.decode()
    assert text == services.proposal_order_file(proposal=proposal)
    assert f"{proposal.id},P-TAX,SELL,VOO,1000,2024-03-01,385.00" in text.splitlines()
