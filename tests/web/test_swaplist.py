"""Admin pages for the swap list: identical groups and pairs, import/export (FORMATS §2),
risk grade and correlation — every change audited with who and when."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from advisors.models import AuditEvent
from harvesting.models import IdenticalGroup, SwapPair
from harvesting.selectors import correlations, daily_returns, pair_risk, pearson
from tests.support import factories as f


def test_swaplist_page_shows_groups_pairs_risk_and_correlation(world, as_user):
    voo, vti = f.SecurityFactory(symbol="VOO"), f.SecurityFactory(symbol="VTI")
    f.SwapPairFactory(from_symbol="IVV", to_symbol="SPLG")
    f.SecurityFactory(symbol="SPLG", tracked_index="S&P 500")
    day = world.as_of - timedelta(days=60)
    for i in range(40):
        day += timedelta(days=1)
        close = Decimal(100 + (i * 7) % 13)
        f.PriceFactory(security=voo, date=day, close=close)
        f.PriceFactory(security=vti, date=day, close=close * 2)
    body = as_user("admin").get(reverse("swaplist")).content.decode()
    assert '<span class="tag">IVV</span> <span class="tag">VOO</span>' in body
    assert 'data-pair="VOO-VTI"' in body and 'data-pair="IVV-SPLG"' in body
    assert 'class="badge high">high<' in body  # IVV and SPLG both track the S&P 500
    assert 'class="badge low">low<' in body
    assert "Add pair" in body and "Import…" in body
    voo_vti = body.split('data-pair="VOO-VTI"', 1)[1].split("</tr>", 1)[0]
    assert re.search(r'<td class="num">-?[01]\.\d\d</td>', voo_vti)  # 40 shared days


def test_advisors_read_the_swaplist_without_controls(world, as_user):
    body = as_user("alice").get(reverse("swaplist")).content.decode()
    assert "read-only" in body and "Add pair" not in body and "Remove" not in body


def test_admin_adds_a_pair_and_it_is_audited(world, as_user):
    client = as_user("admin")
    response = client.post(reverse("swap_pair_add"),
                           {"from_symbol": "efa", "to_symbol": "vea", "rank": "2"}, follow=True)
    assert response.status_code == 200 and b"Swap pair EFA \xe2\x86\x92 VEA added." in response.content
    assert SwapPair.objects.filter(from_symbol="EFA", to_symbol="VEA", rank=2).exists()
    event = AuditEvent.objects.get(verb="swap_pair.added")
    assert event.actor == world.admin and event.at is not None
    assert b"swap_pair.added" in response.content  # the changes list on the page


def test_a_pair_inside_one_identical_group_is_refused(world, as_user):
    response = as_user("admin").post(reverse("swap_pair_add"),
                                      {"from_symbol": "VOO", "to_symbol": "IVV", "rank": "1"})
    assert response.status_code == 422
    assert b"substantially identical" in response.content
    assert not SwapPair.objects.filter(from_symbol="VOO", to_symbol="IVV").exists()


def test_edit_and_remove_a_pair(world, as_user):
    client = as_user("admin")
    url = reverse("swap_pair_edit", kwargs={"pk": world.pair.pk})
    assert b'value="VOO"' in client.get(url).content
    assert client.post(url, {"from_symbol": "VOO", "to_symbol": "SCHX", "rank": "3"}).status_code == 302
    world.pair.refresh_from_db()
    assert (world.pair.to_symbol, world.pair.rank) == ("SCHX", 3)
    client.post(reverse("swap_pair_delete", kwargs={"pk": world.pair.pk}))
    assert not SwapPair.objects.filter(pk=world.pair.pk).exists()
    assert list(AuditEvent.objects.filter(verb__startswith="swap_pair.")
                .values_list("verb", flat=True)) == ["swap_pair.removed", "swap_pair.changed"]


def test_identical_groups_add_edit_remove(world, as_user):
    client = as_user("admin")
    assert client.post(reverse("identical_group_add"), {"symbols": "vti, vtsax"}).status_code == 302
    group = IdenticalGroup.objects.latest("id")
    assert sorted(group.symbols()) == ["VTI", "VTSAX"]
    refused = client.post(reverse("identical_group_add"), {"symbols": "VOO VTI"})
    assert refused.status_code == 422  # VOO → VTI is a swap pair; both already grouped too
    edit = reverse("identical_group_edit", kwargs={"pk": group.pk})
    assert client.post(edit, {"symbols": "VTI VTSAX ITOT"}).status_code == 302
    assert sorted(group.symbols()) == ["ITOT", "VTI", "VTSAX"]
    client.post(reverse("identical_group_delete", kwargs={"pk": group.pk}))
    assert not IdenticalGroup.objects.filter(pk=group.pk).exists()
    assert AuditEvent.objects.filter(verb="identical_group.removed", actor=world.admin).exists()


def test_export_then_import_round_trip(world, as_user):
    client = as_user("admin")
    exported = client.get(reverse("swaplist_export"))
    assert exported["Content-Disposition"].startswith("attachment")
    document = json.loads(exported.content)
    assert document["identical_groups"] == [["IVV", "VOO"]]
    assert {"from": "VOO", "to": "VTI", "rank": 1} in document["swap_pairs"]
    document["swap_pairs"].append({"from": "VTI", "to": "VOO", "rank": 1})
    upload = SimpleUploadedFile("swaplist.json", json.dumps(document).encode(), "application/json")
    response = client.post(reverse("swaplist_import"), {"file": upload}, follow=True)
    assert b"Swap list replaced: 1 identical groups, 3 swap pairs." in response.content
    assert AuditEvent.objects.filter(verb="swap_list.imported", actor=world.admin).exists()


def test_import_refuses_a_bad_file_and_changes_nothing(world, as_user):
    bad = {"identical_groups": [["VOO", "IVV"]],
           "swap_pairs": [{"from": "VOO", "to": "IVV", "rank": 1}, {"from": "A", "to": "B",
                                                                   "rank": 1.5}]}
    upload = SimpleUploadedFile("bad.json", json.dumps(bad).encode(), "application/json")
    response = as_user("admin").post(reverse("swaplist_import"), {"file": upload})
    assert response.status_code == 422
    assert b"swap_pairs[0]" in response.content and b"swap_pairs[1]" in response.content
    assert SwapPair.objects.count() == 2
    junk = SimpleUploadedFile("junk.json", b"{nope", "application/json")
    response = as_user("admin").post(reverse("swaplist_import"), {"file": junk})
    assert response.status_code == 422 and b"Not a JSON file" in response.content


def test_swaplist_query_count(world, as_user, django_assert_max_num_queries):
    SwapPair.objects.bulk_create(
        [SwapPair(from_symbol=f"X{i}", to_symbol=f"Y{i}", rank=1) for i in range(200)]
    )
    for i in range(30):
        f.identical_group(f"G{i}A", f"G{i}B")
    client = as_user("admin")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("swaplist"))
    assert response.content.count(b"data-pair=") == 202


def test_risk_and_correlation_arithmetic():
    assert pair_risk("S&P 500", "s&p 500 ") == "high"
    assert pair_risk("", "") == "low" and pair_risk("S&P 500", "") == "low"
    assert pearson([1.0, 2.0, 3.0], [3.0, 2.0, 1.0]) == -1.0
    assert pearson([1.0, 1.0], [1.0, 2.0]) is None
    from datetime import date

    returns = daily_returns({date(2026, 1, 2): Decimal("100"), date(2026, 1, 5): Decimal("110")})
    assert returns == {date(2026, 1, 5): 0.1}


def test_correlation_needs_enough_common_days(world):
    assert correlations([("VOO", "VTI")], world.as_of) == {("VOO", "VTI"): None}
