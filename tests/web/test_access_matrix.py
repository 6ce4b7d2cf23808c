"""Every URL × every persona → the status the policy (advisors/access.py) demands.

Unseen objects 404, seen but not changeable 403, anonymous → the login page. The guard
test fails when a URL name is added to the resolver without its rows here.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from harvesting.models import HarvestRun
from tests.support.personas import PERSONAS

LOGIN = "login"
P = 302  # redirect (action done, or a role's landing page)

# name: (method, kwargs(world), data, {persona: status}); "anonymous" → login redirect
# is implied for every row unless listed.
A_KEY = lambda w: {"key": w.a.key}  # noqa: E731
PROP = lambda w: {"pk": w.proposal.pk}  # noqa: E731
APPROVED = lambda w: {"pk": w.approved.pk}  # noqa: E731
LEG = lambda w: {"pk": w.proposal.pk, "leg_pk": w.leg.pk}  # noqa: E731
ALERT = lambda w: {"key": w.a.key, "pk": w.alert.pk}  # noqa: E731
RUN = lambda w: {"pk": w.run.pk}  # noqa: E731
PAIR = lambda w: {"pk": w.pair.pk}  # noqa: E731
GROUP = lambda w: {"pk": w.group.pk}  # noqa: E731
NONE = lambda w: {}  # noqa: E731
A_YEAR = lambda w: {"key": w.a.key, "year": w.as_of.year}  # noqa: E731


def row(alice, bob, charlie, dana, admin, anonymous=LOGIN):
    return {"anonymous": anonymous, "alice": alice, "bob": bob, "charlie": charlie,
            "dana": dana, "admin": admin}


#                    method, kwargs, data, expected per persona
MATRIX = {
    "home": ("get", NONE, {}, row(200, 200, P, P, 200)),
    "login": ("get", NONE, {}, row(P, P, P, P, P, anonymous=200)),
    "logout": ("post", NONE, {}, row(P, P, P, P, P, anonymous=P)),
    "password_change": ("get", NONE, {}, row(200, 200, 200, 200, 200)),
    "password_change_done": ("get", NONE, {}, row(200, 200, 200, 200, 200)),
    "household_list": ("get", NONE, {}, row(P, P, P, P, P)),
    "household_detail": ("get", A_KEY, {}, row(200, 404, 200, 404, 200)),
    "household_report": ("get", A_KEY, {}, row(200, 404, 200, 404, 200)),
    "portal": ("get", NONE, {}, row(404, 404, 200, 200, 404)),
    "household_policy": ("get", A_KEY, {}, row(200, 404, 403, 404, 403)),
    "wash_alert_acknowledge": ("post", ALERT, {}, row(P, 404, 403, 404, 403)),
    "proposal_list": ("get", NONE, {}, row(200, 200, 200, 200, 200)),
    "proposal_detail": ("get", PROP, {}, row(200, 404, 200, 404, 200)),
    "proposal_approve": ("post", PROP, {}, row(P, 404, 403, 404, 403)),
    "proposal_reject": ("post", PROP, {"comment": "no"}, row(P, 404, 403, 404, 403)),
    "proposal_leg_exclude": ("post", LEG, {"excluded": "on"}, row(P, 404, 403, 404, 403)),
    "proposal_orders": ("get", APPROVED, {}, row(200, 404, 403, 404, 403)),
    "proposal_fills": ("post", APPROVED, {}, row(P, 404, 403, 404, 403)),
    "proposal_bulk_approve": ("post", NONE, {}, row(P, P, P, P, P)),
    "run_latest": ("get", NONE, {}, row(200, 200, 403, 403, 200)),
    "run_start": ("post", NONE, {}, row(P, P, 403, 403, P)),
    "run_detail": ("get", RUN, {}, row(200, 200, 403, 403, 200)),
    "swaplist": ("get", NONE, {}, row(200, 200, 200, 200, 200)),
    "swaplist_export": ("get", NONE, {}, row(200, 200, 200, 200, 200)),
    "swaplist_import": ("get", NONE, {}, row(403, 403, 403, 403, 200)),
    "swap_pair_add": ("get", NONE, {}, row(403, 403, 403, 403, 200)),
    "swap_pair_edit": ("get", PAIR, {}, row(403, 403, 403, 403, 200)),
    "swap_pair_delete": ("post", PAIR, {}, row(403, 403, 403, 403, P)),
    "identical_group_add": ("get", NONE, {}, row(403, 403, 403, 403, 200)),
    "identical_group_edit": ("get", GROUP, {}, row(403, 403, 403, 403, 200)),
    "identical_group_delete": ("post", GROUP, {}, row(403, 403, 403, 403, P)),
    # reports/report_urls.py (tax alpha, tax forms, planning): read pages of a household
    "report_book": ("get", NONE, {}, row(200, 200, 403, 403, 200)),
    "report_tax_alpha": ("get", A_KEY, {}, row(200, 404, 200, 404, 200)),
    "report_tax_forms_latest": ("get", A_KEY, {}, row(200, 404, 200, 404, 200)),
    "report_tax_forms": ("get", A_YEAR, {}, row(200, 404, 200, 404, 200)),
    "report_form_8949_csv": ("get", A_YEAR, {}, row(200, 404, 200, 404, 200)),
    "report_schedule_d_csv": ("get", A_YEAR, {}, row(200, 404, 200, 404, 200)),
    "planning_index": ("get", A_KEY, {}, row(200, 404, 200, 404, 200)),
    "planning_raise_cash": ("get", A_KEY, {}, row(200, 404, 200, 404, 200)),
    "planning_charitable_gift": ("get", A_KEY, {}, row(200, 404, 200, 404, 200)),
    "planning_asset_location": ("get", A_KEY, {}, row(200, 404, 200, 404, 200)),
}
NOT_IN_MATRIX: set[str] = set()  # every page is here (the API: tests/api/test_access_matrix.py)

CASES = [(name, persona) for name in MATRIX for persona in PERSONAS]


def url_names(patterns, prefix="") -> set[str]:
    names = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith(("django-admin", "api/")):
                continue  # the Django admin checks staff itself; the API has its own matrix
            names |= url_names(p.url_patterns, prefix)
        elif isinstance(p, URLPattern) and p.name:
            names.add(p.name)
    return names


def test_every_url_name_has_matrix_rows():
    resolver_names = url_names(get_resolver().url_patterns)
    missing = resolver_names - set(MATRIX) - NOT_IN_MATRIX
    stale = set(MATRIX) - resolver_names
    assert not missing, f"add access-matrix rows for: {sorted(missing)}"
    assert not stale, f"matrix rows for URL names that no longer exist: {sorted(stale)}"


@pytest.fixture
def no_real_scan(monkeypatch):
    from harvesting import services

    def fake_start(*, as_of=None, household_keys=None, actor=None, trigger="web"):
        return HarvestRun.objects.create(as_of=as_of or services.latest_price_date(),
                                         trigger=trigger, started_by=actor)

    monkeypatch.setattr(services, "harvest_run_start", fake_start)


@pytest.mark.parametrize(("name", "persona"), CASES)
def test_access(name, persona, world, as_user, no_real_scan):
    method, kwargs, data, expected = MATRIX[name]
    url = reverse(name, kwargs=kwargs(world))
    response = getattr(as_user(persona), method)(url, data)
    want = expected[persona]
    if want == LOGIN:
        assert response.status_code == 302, (name, persona, response.status_code)
        assert response["Location"].startswith(reverse("login")), response["Location"]
    else:
        assert response.status_code == want, (name, persona, response.status_code)


@pytest.mark.parametrize("persona", ["bob", "dana", "charlie"])
def test_unseen_or_read_only_cannot_change_anything(persona, world, as_user):
    """After every refused command the proposal and alert are untouched."""
    client = as_user(persona)
    client.post(reverse("proposal_approve", kwargs={"pk": world.proposal.pk}))
    client.post(reverse("proposal_reject", kwargs={"pk": world.proposal.pk}), {"comment": "x"})
    client.post(reverse("proposal_leg_exclude", kwargs={"pk": world.proposal.pk,
                                                          "leg_pk": world.leg.pk}),
                {"excluded": "on"})
    client.post(reverse("wash_alert_acknowledge", kwargs={"key": world.a.key,
                                                            "pk": world.alert.pk}))
    client.post(reverse("proposal_bulk_approve"), {"ids": [world.proposal.pk]})
    world.proposal.refresh_from_db()
    world.leg.refresh_from_db()
    world.alert.refresh_from_db()
    assert world.proposal.status == "pending"
    assert not world.leg.excluded
    assert world.alert.acknowledged_at is None


@pytest.mark.parametrize(
    ("persona", "name", "kwargs"),
    [
        ("bob", "household_detail", A_KEY),
        ("dana", "household_detail", A_KEY),
        ("bob", "proposal_detail", PROP),
    ],
)
def test_404_pages_do_not_leak(persona, name, kwargs, world, as_user):
    body = as_user(persona).get(reverse(name, kwargs=kwargs(world))).content.decode()
    assert "Avery" not in body and "P-TAX" not in body
