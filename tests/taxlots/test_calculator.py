"""The tax calculator's JSON contract (FORMATS §5): every example exactly, validation, extras."""

import json
import os
import re
from decimal import Decimal, FloatOperation
from pathlib import Path

import pytest

from portfolios.taxlots.calculator import KINDS, calculate
from portfolios.taxlots.money import InputError

MONEY = re.compile(r"-?\d+\.\d\d")
REPO = Path(__file__).resolve().parents[2]


def examples_dir() -> Path | None:
    """The worked examples: $TAXALPHA_EXAMPLES_DIR, a copy in the repo, or the shared specs."""
    candidates = [
        os.environ.get("TAXALPHA_EXAMPLES_DIR"),
        REPO / "examples",
        REPO / "docs" / "examples",
        "/work/shared/examples",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


EXAMPLES = sorted(examples_dir().glob("*.tax_calc.json")) if examples_dir() else []

YR_01 = {
    "filing_status": "married_filing_jointly",
    "st_gains": "0",
    "st_losses": "74000",
    "lt_gains": "55000",
    "lt_losses": "0",
    "carryforward_st": "0",
    "carryforward_lt": "0",
    "ordinary_rate": "0.37",
    "lt_rate": "0.238",
    "st_rate": "0.408",
}
YR_01_EXPECTED = {
    "net_st": "-74000.00",
    "net_lt": "55000.00",
    "deduction_against_ordinary": "3000.00",
    "carryforward_st": "16000.00",
    "carryforward_lt": "0.00",
    "tax_savings": "14200.00",
}


def error_field(kind, payload) -> str:
    with pytest.raises(InputError) as err:
        calculate(kind, payload)
    assert err.value.field in str(err.value)
    return err.value.field


# --- the worked examples ----------------------------------------------------------------------


def test_the_shared_examples_are_all_found():
    names = {p.name.split("-")[0] for p in EXAMPLES}
    assert {"LTCG26", "NIIT", "TAX26", "YR"} <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_gives_the_expected_answer_exactly(path):
    example = json.loads(path.read_text())
    result = calculate(example["calc"], example["input"])
    assert {k: result.get(k) for k in example["expected"]} == example["expected"]


def test_formats_5_worked_example_netting():
    """FORMATS §5 / R7.5: 74,000 ST losses, 55,000 LT gains → 14,200 saved, 16,000 ST carry."""
    result = calculate("netting", YR_01)
    assert {k: result[k] for k in YR_01_EXPECTED} == YR_01_EXPECTED
    assert result["combined"] == "-19000.00"
    assert result["tax_without"] == "13090.00"
    assert result["tax_with"] == "-1110.00"
    assert (result["st_gain_taxed"], result["lt_gain_taxed"]) == ("0.00", "0.00")
    assert result["worksheet_l8"] == "16000.00"
    assert "worksheet_l13" not in result  # line 15 is a gain: worksheet lines 9-13 skipped


def test_r7_5_lt_character_variant():
    payload = YR_01 | {"st_losses": "0", "lt_losses": "74000"}
    result = calculate("netting", payload)
    assert result["net_st"] == "0.00" and result["net_lt"] == "-19000.00"
    assert (result["carryforward_st"], result["carryforward_lt"]) == ("0.00", "16000.00")
    assert result["tax_savings"] == "14200.00"


@pytest.mark.parametrize(
    ("kind", "payload"),
    [
        ("netting", YR_01),
        ("niit", {"magi": "400000", "net_investment_income": "125000"}),
        ("ordinary", {"taxable_income": "250000"}),
        ("ltcg", {"ordinary_taxable_income": "70000", "lt_gain": "40000"}),
    ],
)
def test_every_output_is_a_money_string_with_two_decimals(kind, payload):
    result = calculate(kind, payload)
    assert result and all(isinstance(v, str) and MONEY.fullmatch(v) for v in result.values())


def test_output_rounds_only_at_the_end_half_up():
    # 24,800.01 MFJ: 2,480.0012 → "2480.00"; 100.005 of LT gain at 15% → cents half up
    assert calculate("ordinary", {"taxable_income": "24800.01"}) == {"tax": "2480.00"}
    out = calculate("ltcg", {"ordinary_taxable_income": "98900", "lt_gain": "100.10"})
    assert out["tax_on_gain"] == "15.02"  # 100.10 × 15% = 15.015 → 15.02
    assert calculate("ordinary", {"taxable_income": "0"}) == {"tax": "0.00"}


# --- the other kinds --------------------------------------------------------------------------


def test_r8_1_niit_kind_mfs_and_single():
    out = calculate(
        "niit",
        {
            "filing_status": "married_filing_separately",
            "magi": "150000",
            "net_investment_income": "100000",
        },
    )
    assert out["niit"] == "950.00" and out["threshold"] == "125000.00"
    out = calculate(
        "niit", {"filing_status": "single", "magi": "230000", "net_investment_income": "80000"}
    )
    assert out["niit"] == "1140.00"


def test_ltcg_kind_straddles_15_20():
    out = calculate(
        "ltcg",
        {"filing_status": "single", "ordinary_taxable_income": "500000", "lt_gain": "100000"},
    )
    assert out == {
        "at_0": "0.00",
        "at_15": "45500.00",
        "at_20": "54500.00",
        "tax_on_gain": "17725.00",
    }


def test_r7_3_mfs_via_calculator():
    out = calculate(
        "netting",
        YR_01
        | {"filing_status": "married_filing_separately", "lt_gains": "0", "st_losses": "10000"},
    )
    assert out["deduction_against_ordinary"] == "1500.00"
    assert out["carryforward_st"] == "8500.00"
    assert out["tax_savings"] == "555.00"  # 1,500 × 37%


def test_netting_taxable_income_is_worksheet_l1():
    out = calculate(
        "netting", YR_01 | {"lt_gains": "0", "st_losses": "10000", "taxable_income": "-2000"}
    )
    assert out["worksheet_l1"] == "-2000.00" and out["worksheet_l4"] == "1000.00"
    assert out["carryforward_st"] == "9000.00"
    assert out["deduction_against_ordinary"] == "3000.00"


def test_netting_rates_derived_from_taxable_income_and_magi():
    """FORMATS §1 allows taxable_income + magi instead of rates: MFJ 900,000 → 37/40.8/23.8%."""
    payload = {k: v for k, v in YR_01.items() if not k.endswith("_rate")}
    out = calculate("netting", payload | {"taxable_income": "900000", "magi": "900000"})
    assert {k: out[k] for k in YR_01_EXPECTED} == YR_01_EXPECTED
    assert (out["ordinary_rate"], out["st_rate"], out["lt_rate"]) == ("0.37", "0.408", "0.238")


def test_defaults_mfj_and_zero_amounts():
    assert calculate("ordinary", {"taxable_income": 250000}) == {"tax": "45196.00"}
    out = calculate(
        "netting",
        {
            "st_losses": "74000",
            "lt_gains": "55000",
            "ordinary_rate": "0.37",
            "lt_rate": "0.238",
            "st_rate": "0.408",
        },
    )
    assert {k: out[k] for k in YR_01_EXPECTED} == YR_01_EXPECTED


def test_json_integers_are_accepted():
    payload = {k: int(v) if k.endswith(("gains", "losses")) else v for k, v in YR_01.items()}
    assert calculate("netting", payload)["tax_savings"] == "14200.00"


def test_year_optional_string_or_int():
    for year in (2026, "2026"):
        assert (
            calculate("ordinary", {"taxable_income": "250000", "year": year})["tax"] == "45196.00"
        )


# --- refusals name the field ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "payload", "field"),
    [
        ("netting", YR_01 | {"st_losses": 74000.0}, "st_losses"),
        ("netting", YR_01 | {"lt_rate": 0.238}, "lt_rate"),
        ("niit", {"magi": 400000.5, "net_investment_income": "1"}, "magi"),
        ("ordinary", {"taxable_income": 1e6}, "taxable_income"),
        ("ltcg", {"ordinary_taxable_income": "1", "lt_gain": float("nan")}, "lt_gain"),
        ("ordinary", {"taxable_income": "1", "year": 2026.0}, "year"),
    ],
)
def test_floats_refused_naming_the_field(kind, payload, field):
    assert error_field(kind, payload) == field


def test_unknown_kind():
    assert error_field("capital_gains", {"x": "1"}) == "kind"


@pytest.mark.parametrize(
    ("kind", "payload", "field"),
    [
        ("ordinary", {}, "taxable_income"),
        ("niit", {"net_investment_income": "1"}, "magi"),
        ("niit", {"magi": "1"}, "net_investment_income"),
        ("ltcg", {"lt_gain": "1"}, "ordinary_taxable_income"),
        ("ltcg", {"ordinary_taxable_income": "1"}, "lt_gain"),
        ("netting", {k: v for k, v in YR_01.items() if k != "ordinary_rate"}, "ordinary_rate"),
        ("netting", {k: v for k, v in YR_01.items() if k != "st_rate"}, "st_rate"),
    ],
)
def test_missing_required_field(kind, payload, field):
    assert error_field(kind, payload) == field


@pytest.mark.parametrize(
    ("kind", "payload", "field"),
    [
        ("netting", YR_01 | {"st_losses": "-74000"}, "st_losses"),
        ("netting", YR_01 | {"lt_gains": "-1"}, "lt_gains"),
        ("netting", YR_01 | {"carryforward_lt": "-1"}, "carryforward_lt"),
        ("netting", YR_01 | {"ordinary_rate": "-0.37"}, "ordinary_rate"),
        ("netting", YR_01 | {"ordinary_rate": "37"}, "ordinary_rate"),
        ("niit", {"magi": "1", "net_investment_income": "-1"}, "net_investment_income"),
        ("ordinary", {"taxable_income": "-1"}, "taxable_income"),
        ("ltcg", {"ordinary_taxable_income": "-1", "lt_gain": "1"}, "ordinary_taxable_income"),
        ("ltcg", {"ordinary_taxable_income": "1", "lt_gain": "-1"}, "lt_gain"),
    ],
)
def test_negative_amounts_refused(kind, payload, field):
    assert error_field(kind, payload) == field


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"taxable_income": "1", "filing_status": "joint"}, "filing_status"),
        ({"taxable_income": "1", "filing_status": None}, "filing_status"),
        ({"taxable_income": "1", "year": 2019}, "year"),
        ({"taxable_income": "1", "year": "20x6"}, "year"),
        ({"taxable_income": "abc"}, "taxable_income"),
        ({"taxable_income": True}, "taxable_income"),
    ],
)
def test_bad_values_name_the_field(payload, field):
    assert error_field("ordinary", payload) == field


def test_fields_a_calculation_does_not_read_are_ignored():
    """FORMATS.md: formats grow only by optional fields, so readers tolerate extra ones."""
    assert calculate("ordinary", {"taxable_income": "250000", "note": "x"})["tax"] == "45196.00"


def test_input_must_be_an_object():
    assert error_field("ordinary", ["250000"]) == "input"


def test_kinds():
    assert set(KINDS) == {"netting", "niit", "ordinary", "ltcg"}


def test_no_float_reaches_the_books():
    """The autouse FloatOperation trap is on: a Decimal/float mix anywhere would raise."""
    with pytest.raises(FloatOperation):
        _ = Decimal(1) < 1.5
