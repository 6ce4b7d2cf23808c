"""`manage.py tax_calc KIND [FILE|-]` (FORMATS §5): the worked examples through the real command.

No database: the calculator is pure (DESIGN.md rule 1).
"""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

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

NETTING_IN = {
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


def run(*args, stdin_text: str = "") -> dict:
    out = io.StringIO()
    call_command("tax_calc", *args, stdin=io.StringIO(stdin_text), stdout=out)
    return json.loads(out.getvalue())


def test_examples_are_found():
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_through_stdin(path):
    """`tax_calc CALC -` fed the example's `input` prints its `expected` (extras allowed)."""
    example = json.loads(path.read_text())
    result = run(example["calc"], "-", stdin_text=json.dumps(example["input"]))
    assert {k: result.get(k) for k in example["expected"]} == example["expected"]


def test_stdin_when_file_omitted():
    result = run("ordinary", stdin_text='{"taxable_income": "250000"}')
    assert result["tax"] == "45196.00"


def test_reads_a_file(tmp_path):
    path = tmp_path / "in.json"
    path.write_text(json.dumps(NETTING_IN))
    result = run("netting", str(path))
    assert result["tax_savings"] == "14200.00"
    assert result["carryforward_st"] == "16000.00"


@pytest.mark.parametrize(
    ("kind", "text", "names"),
    [
        ("netting", json.dumps(NETTING_IN | {"st_losses": 74000.0}), "st_losses"),
        ("netting", '{"st_losses": 7.4e4, "ordinary_rate": "0.37"}', "st_losses"),
        ("niit", '{"magi": NaN, "net_investment_income": "1"}', "magi"),
        ("ordinary", '{"taxable_income": "1", "filing_status": "joint"}', "filing_status"),
        ("ordinary", "{}", "taxable_income"),
        ("ordinary", '{"taxable_income": "-1"}', "taxable_income"),
        ("capital", "{}", "kind"),
        ("ordinary", "{not json", "JSON"),
        ("ordinary", '["250000"]', "input"),
    ],
)
def test_bad_input_is_a_command_error_naming_the_field(kind, text, names):
    with pytest.raises(CommandError) as err:
        run(kind, "-", stdin_text=text)
    assert names in str(err.value)


def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run("ordinary", str(tmp_path / "missing.json"))


def test_exit_status_and_stderr_from_the_shell():
    """The real process: JSON on stdout and status 0; a float → non-zero, field on stderr."""
    manage = [sys.executable, str(REPO / "manage.py"), "tax_calc"]
    ok = subprocess.run(
        [*manage, "netting", "-"],
        input=json.dumps(NETTING_IN),
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["tax_savings"] == "14200.00"
    bad = subprocess.run(
        [*manage, "netting", "-"],
        input='{"st_losses": 74000.5}',
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert bad.returncode != 0
    assert "st_losses" in bad.stderr and bad.stdout == ""
