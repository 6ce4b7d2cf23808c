"""The API rows of the access matrix: every endpoint × every persona (DESIGN.md rule 6).

Objects a persona may not see answer 404, objects it sees but may not change 403, and the
anonymous 401; lists show only the households in the persona's scope. The guard test at
the bottom fails when an API URL (or a method on one) is added without its rows here.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import resolve
from rest_framework.authtoken.models import Token

from advisors.models import AuditEvent
from harvesting.models import HarvestRun
from tests.api import world as W
from tests.support import holbrook

pytestmark = pytest.mark.django_db

A, ADV, OADV, CL, OCL, ADM = W.PERSONAS


def statuses(anonymous, advisor, other_advisor, client, other_client, admin) -> dict[str, int]:
    return dict(zip(W.PERSONAS, (anonymous, advisor, other_advisor, client, other_client, admin),
                    strict=True))


def read_own() -> dict[str, int]:
    """A holbrook object: its advisor, its client and admins read it; the others 404."""
    return statuses(401, 200, 404, 200, 404, 200)


def act_own(ok: int) -> dict[str, int]:
    """Acting on a holbrook object: only its advisor; its client and admins read (403)."""
    return statuses(401, ok, 404, 403, 404, 403)


def signed_in(ok: int) -> dict[str, int]:
    return statuses(401, ok, ok, ok, ok, ok)


def advisors_and_admins(ok: int) -> dict[str, int]:
    return statuses(401, ok, ok, 403, 403, ok)


def admins_only(ok: int) -> dict[str, int]:
    return statuses(401, 403, 403, 403, 403, ok)


def public(ok: int) -> dict[str, int]:
    return statuses(ok, ok, ok, ok, ok, ok)


# The households each persona's lists may show.
SCOPE = {
    ADV: {"holbrook"}, OADV: {"other"}, CL: {"holbrook"}, OCL: {"other"},
    ADM: {"holbrook", "other"},
}


def approve_first(world) -> None:
    from harvesting import services
    from harvesting.models import Proposal

    services.proposal_approve(proposal=Proposal.objects.get(pk=world.proposal),
                              actor=W.user(ADV), today=holbrook.AS_OF)


@dataclass(frozen=True)
class Row:
    method: str
    url: str  # formatted with the world's fields
    expect: dict[str, int]
    body: object = None
    scoped_list: bool = False  # results carry households: check them against SCOPE
    prepare: Callable | None = None
    audit: str | None = None  # writes: the audit verb a success records ("-": not a write)
    note: str = field(default="", compare=False)

    @property
    def id(self) -> str:
        return f"{self.method} {self.url}"


NETTING = {"filing_status": "married_filing_jointly", "st_losses": "74000",
           "lt_gains": "55000", "ordinary_rate": "0.37", "lt_rate": "0.238", "st_rate": "0.408"}

ROWS = [
    Row("GET", "/api/v1/schema/", public(200)),
    Row("GET", "/api/v1/docs/", public(200)),
    Row("GET", "/api/v1/households/", signed_in(200), scoped_list=True),
    Row("GET", "/api/v1/households/{household}/", read_own()),
    Row("POST", "/api/v1/household-imports/", statuses(401, 200, 403, 403, 403, 200),
        body=W.HOLBROOK, audit="household.replaced",
        note="replaces holbrook: its advisor and admins only"),
    Row("GET", "/api/v1/accounts/", signed_in(200), scoped_list=True),
    Row("GET", "/api/v1/accounts/{account}/", read_own()),
    Row("GET", "/api/v1/lots/", signed_in(200), scoped_list=True),
    Row("GET", "/api/v1/lots/{lot}/", read_own()),
    Row("GET", "/api/v1/realized-sales/", signed_in(200), scoped_list=True),
    Row("GET", "/api/v1/realized-sales/{realized}/", read_own()),
    Row("GET", "/api/v1/proposals/", signed_in(200), scoped_list=True),
    Row("GET", "/api/v1/proposals/{proposal}/", read_own()),
    Row("POST", "/api/v1/proposals/{proposal}/approve/", act_own(200), body={},
        audit="proposal.approved"),
    Row("POST", "/api/v1/proposals/{proposal}/reject/", act_own(200), body={"comment": "wait"},
        audit="proposal.rejected"),
    Row("POST", "/api/v1/proposals/{proposal}/legs/{leg}/exclude/", act_own(200),
        body={"excluded": True}, audit="proposal.leg_excluded"),
    Row("GET", "/api/v1/proposals/{proposal}/orders/", act_own(200)),
    Row("POST", "/api/v1/proposals/{proposal}/fills/", act_own(200), body={},
        prepare=approve_first, audit="proposal.executed",
        note="demo fills of the approved proposal"),
    Row("GET", "/api/v1/runs/", advisors_and_admins(200)),
    Row("GET", "/api/v1/runs/{run}/", advisors_and_admins(200)),
    Row("POST", "/api/v1/runs/", advisors_and_admins(201), body={"as_of": "2026-10-15"},
        audit="-", note="recorded as the run itself: started_by, trigger=api (checked)"),
    Row("GET", "/api/v1/swap-list/", signed_in(200)),
    Row("PUT", "/api/v1/swap-list/", admins_only(200), body=holbrook.SWAP_LIST,
        audit="swap_list.imported"),
    Row("GET", "/api/v1/swap-pairs/", signed_in(200)),
    Row("POST", "/api/v1/swap-pairs/", admins_only(201),
        body={"from_symbol": "EFA", "to_symbol": "VEA", "rank": 2}, audit="swap_pair.added"),
    Row("GET", "/api/v1/swap-pairs/{pair}/", signed_in(200)),
    Row("DELETE", "/api/v1/swap-pairs/{pair}/", admins_only(204), audit="swap_pair.removed"),
    Row("POST", "/api/v1/tax-calc/netting/", signed_in(200), body=NETTING, audit="-",
        note="a calculation: writes nothing"),
    Row("POST", "/api/v1/tokens/quinn/", admins_only(201), audit="api_token.issued"),
    Row("DELETE", "/api/v1/tokens/quinn/", admins_only(204), audit="api_token.revoked",
        prepare=lambda world: Token.objects.create(user=W.user(ADV))),
]
CASES = [(row, persona) for row in ROWS for persona in W.PERSONAS]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module (committed); every test's changes are rolled back."""
    with django_db_blocker.unblock():
        built = W.build(tmp_path_factory.mktemp("world"))
    yield built
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def client_for(persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(W.user(persona))
    return client


def request(client: Client, row: Row, world) -> object:
    url = row.url.format(**dataclasses.asdict(world))
    kwargs = {}
    if row.body is not None:
        kwargs = {"data": json.dumps(row.body), "content_type": "application/json"}
    return getattr(client, row.method.lower())(url, **kwargs)


@pytest.mark.parametrize("row,persona", CASES, ids=[f"{r.id}-{p}" for r, p in CASES])
def test_api_access(world, row, persona):
    if row.prepare is not None:
        row.prepare(world)
    response = request(client_for(persona), row, world)
    expected = row.expect[persona]
    body = response.content.decode()
    assert response.status_code == expected, (row.id, persona, body[:500])
    if expected >= 400:
        assert response["Content-Type"].startswith("application/json")
        assert json.loads(body)["message"]
    if row.audit not in (None, "-") and expected < 300:
        assert AuditEvent.objects.filter(verb=row.audit, actor=W.user(persona)).exists()
    if row.method == "POST" and row.url == "/api/v1/runs/" and expected == 201:
        run = HarvestRun.objects.get(pk=response.json()["id"])
        assert (run.started_by, run.trigger) == (W.user(persona), "api")
    if row.scoped_list and expected == 200:
        results = response.json()["results"]
        seen = {r.get("household", r.get("key")) for r in results}
        assert seen <= SCOPE[persona], (persona, seen)
        assert ("holbrook" in seen) == ("holbrook" in SCOPE[persona]), (persona, seen)


def api_routes() -> set[tuple[str, str]]:
    """(url name, method) of every API endpoint in the URL configuration."""
    from config import api

    routes = set()
    for pattern in api.urlpatterns:
        if pattern.name == "api-not-found":
            continue
        actions = getattr(pattern.callback, "actions", None)
        if actions:
            methods = set(actions)
        else:
            view = pattern.callback.view_class
            methods = {m for m in view.http_method_names if hasattr(view, m)}
        routes |= {(pattern.name, m.upper()) for m in methods - {"head", "options"}}
    return routes


def test_every_api_endpoint_has_rows_for_every_persona():
    fake = {f.name: 1 for f in dataclasses.fields(W.World)} | {"household": "holbrook",
                                                               "other_household": "other"}
    covered = {(resolve(row.url.format(**fake)).url_name, row.method) for row in ROWS}
    missing = api_routes() - covered
    assert not missing, f"API endpoints without access-matrix rows: {sorted(missing)}"
    assert covered <= api_routes(), sorted(covered - api_routes())
    assert all(set(row.expect) == set(W.PERSONAS) for row in ROWS)
    unaudited = [row.id for row in ROWS if row.method != "GET" and row.audit is None]
    assert not unaudited, f"say which audit verb these writes record: {unaudited}"


def test_an_unknown_api_path_is_a_json_404(world):
    response = client_for(ADV).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
