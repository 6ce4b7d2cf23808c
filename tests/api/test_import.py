"""Household import through the API: the command's service, validation and atomicity.

The same file imported through the API and through `import_household` gives the same
open lots and Form 8949 rows (`export_lots`, `export_8949`); a bad file is refused with
the same row-level problems and changes nothing. Who may import is decided by the access
policy: admins any household, advisors their own (an empty `advisor` becomes them).
"""

from __future__ import annotations

import copy
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import CommandError
from django.test import Client

from advisors.models import AuditEvent, Household
from tests.portfolios.test_import_household import BAD_FILES, BASE, snapshot
from tests.support import holbrook
from tests.support.commands import EXAMPLES, run, run_json, write_json

pytestmark = pytest.mark.django_db
URL = "/api/v1/household-imports/"


@pytest.fixture
def users():
    """Advisors are in the "advisors" group (their role before they advise anyone)."""
    User = get_user_model()
    advisors = Group.objects.create(name="advisors")
    quinn = User.objects.create_user("quinn", password="x")
    quinn.groups.add(advisors)
    User.objects.create_user("olive", password="x").groups.add(advisors)
    root = User.objects.create_user("root", password="x", is_staff=True)
    return {"quinn": quinn, "root": root}


def post(user, document, raw: str | None = None):
    client = Client()
    if user is not None:
        client.force_login(user)
    body = raw if raw is not None else json.dumps(document)
    return client.post(URL, data=body, content_type="application/json")


def exports(key: str) -> tuple[object, object]:
    return run_json("export_lots", key, "--format", "json"), run_json(
        "export_8949", key, "--format", "json"
    )


def as_advisor_file(document: dict, key: str) -> dict:
    return copy.deepcopy(document) | {"key": key, "advisor": "quinn"}


DOCUMENTS = {
    "holbrook": holbrook.HOUSEHOLD,
    "base": BASE,
    **{
        path.name.removesuffix(".household.json"): json.loads(path.read_text())
        for path in sorted(EXAMPLES.glob("*.household.json"))
    },
}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_api_and_command_imports_give_identical_lots_and_8949_rows(tmp_path, users, name):
    holbrook.load(tmp_path)  # securities, swap list (identical groups) and prices
    document = DOCUMENTS[name]
    run("import_household", write_json(tmp_path, "cmd.json", as_advisor_file(document, "by-cmd")))
    response = post(users["quinn"], as_advisor_file(document, "by-api"))
    assert response.status_code == 201, response.content
    summary = response.json()
    assert summary["household"] == "by-api" and summary["created"] is True
    assert exports("by-api") == exports("by-cmd")
    lots, rows = exports("by-api")
    assert (summary["open_lots"], summary["form_8949_rows"]) == (len(lots), len(rows))


def test_reimporting_through_the_api_replaces_the_household(users):
    assert post(users["quinn"], BASE).status_code == 201
    changed = copy.deepcopy(BASE) | {"name": "Holbrook family"}
    changed["transactions"] = changed["transactions"][:1]
    response = post(users["quinn"], changed)
    assert response.status_code == 200 and response.json()["created"] is False
    household = Household.objects.get()
    assert (household.name, household.transactions.count()) == ("Holbrook family", 1)


@pytest.mark.parametrize("label,mutate,needles", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_file_is_refused_with_the_commands_problems_and_changes_nothing(
    tmp_path, users, label, mutate, needles
):
    assert post(users["quinn"], BASE).status_code == 201
    before = snapshot()
    bad = copy.deepcopy(BASE)
    mutate(bad)
    with pytest.raises(CommandError) as excinfo:
        run("import_household", write_json(tmp_path, "bad.json", bad))
    command_lines = str(excinfo.value).splitlines()[1:]  # after "refused, nothing was changed:"
    response = post(users["quinn"], bad)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "file_refused"
    api_lines = [
        f"{p['row']}: {p['field']}: {p['message']}" if p["row"] else f"{p['field']}: {p['message']}"
        for p in body["problems"]
    ]
    assert api_lines == command_lines
    for needle in needles:
        assert needle in body["message"], (needle, body["message"])
    assert snapshot() == before


def test_a_float_is_refused_naming_its_row_and_field(users):
    bad = copy.deepcopy(BASE)
    bad["transactions"][0]["price"] = 420.5
    response = post(users["quinn"], bad)
    assert response.status_code == 400
    [problem] = response.json()["problems"]
    assert (problem["row"], problem["field"]) == ("transactions[0]", "price")
    assert "float" in problem["message"]
    assert not Household.objects.exists()


def test_invalid_json_is_a_400_with_a_message(users):
    response = post(users["quinn"], None, raw='{"key": "x",\n "accounts": [}')
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert "JSON" in response.json()["message"]


def test_an_advisor_becomes_the_advisor_of_a_household_imported_without_one(users):
    document = copy.deepcopy(BASE)
    del document["advisor"]
    assert post(users["quinn"], document).status_code == 201
    assert Household.objects.get().advisor == users["quinn"]
    event = AuditEvent.objects.get(verb="household.imported")
    assert event.actor == users["quinn"]


def test_an_advisor_may_not_import_a_household_for_another_advisor(users):
    document = copy.deepcopy(BASE) | {"advisor": "olive"}
    response = post(users["quinn"], document)
    assert response.status_code == 403
    assert "advisor" in response.json()["message"]
    assert not Household.objects.exists()


def test_an_advisor_may_not_replace_another_advisors_household(users):
    assert post(users["root"], copy.deepcopy(BASE) | {"advisor": "olive"}).status_code == 201
    before = snapshot()
    for document in (BASE, {k: v for k, v in BASE.items() if k != "advisor"}):
        response = post(users["quinn"], document)
        assert response.status_code == 403, response.content
    assert snapshot() == before


def test_an_advisor_may_not_replace_an_unassigned_household(users):
    unassigned = {k: v for k, v in BASE.items() if k != "advisor"}
    assert post(users["root"], unassigned).status_code == 201
    assert Household.objects.get().advisor is None
    assert post(users["quinn"], unassigned).status_code == 403


def test_an_admin_imports_any_household_and_may_name_a_new_advisor(users):
    response = post(users["root"], copy.deepcopy(BASE) | {"advisor": "newbie"})
    assert response.status_code == 201
    assert Household.objects.get().advisor.username == "newbie"


def test_clients_and_anonymous_may_not_import(users):
    assert post(None, BASE).status_code == 401
    client = get_user_model().objects.create_user("diana", password="x")
    assert post(client, BASE).status_code == 403
    assert not Household.objects.exists()
