"""The household page: members, positions with lots, realized sales, restrictions,
schedules, tax profile, policy, wash alerts, proposals — and its query count."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from advisors.models import AuditEvent
from harvesting.models import HarvestPolicy
from portfolios.models import Price
from portfolios.selectors import closes_on
from tests.support import bulk
from tests.support import factories as f
from tests.web.conftest import HTMX


def page(client, world):
    return client.get(reverse("household_detail", kwargs={"key": world.a.key}))


def test_household_page_shows_everything(world, as_user):
    body = page(as_user("alice"), world).content.decode()
    for text in [
        "Avery household", "Charlie Avery", "Casey Avery", "login <b>charlie</b>",
        "P-TAX", "P-IRA", "Traditional IRA",
        "VOO", "$420,000.00", "$385,000.00", "−$35,000.00",  # position basis, value, loss
        "$420.00/sh",  # lot per-share basis
        "+$250.00",  # the ADBE lot's wash-sale adjustment
        'class="badge long"', 'class="badge short"',  # terms by anniversary
        "Realized this year (Form 8949)", 'title="Wash sale: loss disallowed">W<', "broker: long",
        "Restriction calendar", "QQQ",
        "Scheduled purchases", "every 91d",
        "Tax profile", "37% / 40.8% / 23.8%", "$55,000.00",
        "Harvest policy", "firm default", 'id="policy-form"',
        "Wash-sale alerts", "Acknowledge", "$550.00 disallowed",
        f"#{world.proposal.pk}",
        "Activity", "proposal.created",
    ]:
        assert text in body, text


def test_clients_read_their_household_without_forms(world, as_user):
    body = page(as_user("charlie"), world).content.decode()
    assert "Avery household" in body and "P-TAX" in body
    main = body.split('id="main"', 1)[1]
    assert "<form" not in main and "Acknowledge" not in main


def test_acknowledge_a_wash_alert_in_place(world, as_user):
    url = reverse("wash_alert_acknowledge", kwargs={"key": world.a.key, "pk": world.alert.pk})
    response = as_user("alice").post(url, **HTMX)
    assert response.status_code == 200
    assert response.content.decode().startswith(f'<tr id="alert-{world.alert.pk}">')
    assert b"acknowledged by alice" in response.content
    world.alert.refresh_from_db()
    assert world.alert.acknowledged_by == world.alice
    assert AuditEvent.objects.filter(verb="wash_alert.acknowledged").exists()


def test_another_households_alert_is_not_found(world, as_user):
    url = reverse("wash_alert_acknowledge", kwargs={"key": world.a.key, "pk": world.b_alert.pk})
    assert as_user("alice").post(url).status_code == 404


def test_policy_override_saved_by_the_advisor(world, as_user):
    client = as_user("alice")
    response = client.post(reverse("household_policy", kwargs={"key": world.a.key}), {
        "min_loss_dollars": "5000", "min_loss_percent": "0.1", "require_both": "on",
        "excluded_symbols": "adbe, tsla", "stale_price_tolerance": "0.02", "max_age_days": "3",
    })
    assert response.status_code == 302
    policy = HarvestPolicy.objects.get(household=world.a)
    assert policy.min_loss_dollars == Decimal("5000") and policy.excluded_symbols == ["ADBE", "TSLA"]
    assert not policy.swap_back
    body = page(client, world).content.decode()
    assert "household override" in body and "Harvest policy saved" in body
    assert AuditEvent.objects.filter(verb="policy.updated", actor=world.alice).exists()


def test_policy_form_errors_are_shown(world, as_user):
    response = as_user("alice").post(reverse("household_policy", kwargs={"key": world.a.key}), {
        "min_loss_dollars": "-1", "min_loss_percent": "2", "stale_price_tolerance": "0.03",
        "max_age_days": "5", "excluded_symbols": "not a symbol!",
    })
    assert response.status_code == 422
    assert b"greater than or equal to 0" in response.content
    assert not HarvestPolicy.objects.filter(household=world.a).exists()


def test_household_page_query_count_is_flat_in_lots(world, as_user, django_assert_max_num_queries):
    secs = bulk.securities(40)
    bulk.household_with_lots("wide", world.alice, 600, secs)
    client = as_user("alice")
    with django_assert_max_num_queries(24):
        response = client.get(reverse("household_detail", kwargs={"key": "wide"}))
    assert response.status_code == 200 and response.content.count(b'class="lot"') == 600


def test_closes_on_takes_the_last_close_on_or_before_the_day(world):
    voo = f.SecurityFactory(symbol="VOO")
    f.PriceFactory(security=voo, date=world.as_of.replace(day=1) if world.as_of.day > 1
                   else world.as_of, close="1.00")
    ids = list(Price.objects.values_list("security_id", flat=True).distinct())
    for day in (world.as_of, world.as_of.replace(day=1)):
        expected = {}
        for security_id, _, close in sorted(
            Price.objects.filter(date__lte=day).values_list("security_id", "date", "close")
        ):
            expected[security_id] = close  # sorted by date: the last one wins
        assert closes_on(day, ids) == {k: v for k, v in expected.items() if k in ids}
