"""The tax calculator through the API: the command's calculation, inputs and refusals.

`POST /api/v1/tax-calc/<kind>/` with the FORMATS §5 inputs answers what
`tax_calc KIND -` prints; a JSON float (or NaN) is refused naming its field.
"""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from tests.support.commands import EXAMPLES

pytestmark = pytest.mark.django_db
CALC_EXAMPLES = sorted(EXAMPLES.glob("*.tax_calc.json"))


@pytest.fixture
def api():
    client = Client()
    client.force_login(get_user_model().objects.create_user("diana", password="x"))
    return client


def calc(api, kind: str, text: str):
    return api.post(f"/api/v1/tax-calc/{kind}/", data=text, content_type="application/json")


def command(kind: str, text: str) -> dict:
    out = io.StringIO()
    call_command("tax_calc", kind, "-", stdin=io.StringIO(text), stdout=out)
    return json.loads(out.getvalue())


def test_the_examples_are_found():
    assert len(CALC_EXAMPLES) >= 4


@pytest.mark.parametrize("path", CALC_EXAMPLES, ids=lambda p: p.name)
def test_the_api_answers_what_the_command_prints(api, path):
    example = json.loads(path.read_text())
    text = json.dumps(example["input"])
    response = calc(api, example["calc"], text)
    assert response.status_code == 200, response.content
    assert response.json() == command(example["calc"], text)
    assert {k: response.json()[k] for k in example["expected"]} == example["expected"]


@pytest.mark.parametrize(
    ("kind", "text", "field"),
    [
        ("netting", '{"st_losses": 74000.0, "ordinary_rate": "0.37"}', "st_losses"),
        ("netting", '{"st_losses": 7.4e4}', "st_losses"),
        ("niit", '{"magi": NaN, "net_investment_income": "1"}', "magi"),
        ("ordinary", '{"taxable_income": 7.5}', "taxable_income"),
        ("ordinary", '{"taxable_income": "1", "filing_status": "joint"}', "filing_status"),
        ("ordinary", "{}", "taxable_income"),
        ("ordinary", '{"taxable_income": "-1"}', "taxable_income"),
        ("ordinary", '{"taxable_income": "1", "year": 1999}', "year"),
        ("ordinary", '["250000"]', "input"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, kind, text, field):
    response = calc(api, kind, text)
    assert response.status_code == 400, response.content
    body = response.json()
    assert list(body["fields"]) == [field]
    assert body["message"].startswith(f"{field}: ")


def test_a_float_is_refused_as_a_float(api):
    body = calc(api, "ordinary", '{"taxable_income": 7.5}').json()
    assert "floating-point" in body["fields"]["taxable_income"][0]


def test_invalid_json_is_a_400(api):
    response = calc(api, "ordinary", "{not json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_an_unknown_calculation_is_a_404(api):
    response = calc(api, "capital", "{}")
    assert response.status_code == 404
    assert "netting" in response.json()["message"]
