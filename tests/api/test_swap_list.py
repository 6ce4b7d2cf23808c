"""The swap list through the API (FORMATS §2): advisors read it, admins replace it whole
or add and remove pairs; refusals name what is wrong and change nothing."""

from __future__ import annotations

import copy
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from advisors.models import AuditEvent
from harvesting.models import SwapPair
from tests.support import holbrook
from tests.support.commands import run, write_json

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(tmp_path):
    run("import_swap_list", write_json(tmp_path, "swaplist.json", holbrook.SWAP_LIST))
    client = Client()
    client.force_login(get_user_model().objects.create_user("root", password="x", is_staff=True))
    return client


def put(client, document):
    return client.put("/api/v1/swap-list/", data=json.dumps(document),
                      content_type="application/json")


def test_the_swap_list_reads_as_the_file_format(admin):
    document = admin.get("/api/v1/swap-list/").json()
    assert document["identical_groups"] == [["IVV", "SPY", "VOO"]]
    assert {"from": "VOO", "to": "VTI", "rank": 1} in document["swap_pairs"]


def test_put_replaces_the_list_whole(admin):
    document = {"identical_groups": [["AAA", "AAA.B"]],
                "swap_pairs": [{"from": "VOO", "to": "IVV", "rank": 1}]}
    response = put(admin, document)
    assert response.status_code == 200, response.content
    assert response.json()["identical_groups"] == 1
    assert admin.get("/api/v1/swap-list/").json() == document
    assert AuditEvent.objects.filter(verb="swap_list.imported").exists()


def test_a_bad_list_is_refused_by_row_and_changes_nothing(admin):
    before = admin.get("/api/v1/swap-list/").json()
    bad = copy.deepcopy(before)
    bad["swap_pairs"].append({"from": "VOO", "to": "SPY", "rank": 1})  # identical sides
    bad["swap_pairs"].append({"from": "VOO", "to": "VTI", "rank": 1.5})  # a float
    response = put(admin, bad)
    assert response.status_code == 400
    problems = response.json()["problems"]
    assert {p["row"] for p in problems} == {"swap_pairs[4]", "swap_pairs[5]"}
    assert admin.get("/api/v1/swap-list/").json() == before


def test_pairs_are_added_and_removed_with_an_audit_trail(admin):
    response = admin.post("/api/v1/swap-pairs/", data=json.dumps(
        {"from_symbol": "efa", "to_symbol": "vea", "rank": 2}), content_type="application/json")
    assert response.status_code == 201, response.content
    pair = response.json()
    assert (pair["from_symbol"], pair["to_symbol"], pair["rank"]) == ("EFA", "VEA", 2)
    assert admin.delete(f"/api/v1/swap-pairs/{pair['id']}/").status_code == 204
    assert not SwapPair.objects.filter(pk=pair["id"]).exists()
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"swap_pair.added", "swap_pair.removed"} <= verbs


def test_a_pair_inside_an_identical_group_is_refused_saying_why(admin):
    response = admin.post("/api/v1/swap-pairs/", data=json.dumps(
        {"from_symbol": "VOO", "to_symbol": "IVV", "rank": 1}), content_type="application/json")
    assert response.status_code == 400
    assert "substantially identical" in response.json()["message"]
    response = admin.post("/api/v1/swap-pairs/", data=json.dumps(
        {"from_symbol": "VOO", "to_symbol": "VTI", "rank": 0}), content_type="application/json")
    assert response.status_code == 400
    assert "rank" in response.json()["fields"]
