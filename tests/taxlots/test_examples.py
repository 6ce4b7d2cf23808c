"""The shared worked examples (../shared/examples/WS-*.json) through the pure replay.

`export_8949` and `export_lots` must equal the expected lists as multisets, field by field,
exact strings (examples/README.md); here the same comparison runs on the replay's values
formatted with `fmt_money` / `fmt_qty`, without a database.
"""

import json

import pytest

from portfolios.taxlots.replay import replay
from tests.taxlots.ledgertext import (
    EXAMPLES,
    form_8949_json,
    household_to_replay_input,
    lots_json,
)

CASES = sorted(EXAMPLES.glob("WS-*.household.json")) if EXAMPLES.is_dir() else []


def _multiset(items):
    return sorted(json.dumps(item, sort_keys=True) for item in items)


def check_example(name: str) -> None:
    household_file = EXAMPLES / f"{name}.household.json"
    if not household_file.exists():
        pytest.skip(f"{household_file} is not available")
    household = json.loads(household_file.read_text())
    expected = json.loads((EXAMPLES / f"{name}.expected.json").read_text())
    groups = []
    swaplist = EXAMPLES / f"{name}.swaplist.json"
    if swaplist.exists():
        groups = json.loads(swaplist.read_text()).get("identical_groups", [])
    accounts, txns = household_to_replay_input(household)
    result = replay(accounts, txns, groups)
    assert result.errors == ()
    assert _multiset(form_8949_json(result)) == _multiset(expected["form_8949"])
    assert _multiset(lots_json(result)) == _multiset(expected["open_lots"])


def test_ws01_pub550_example1_full_wash_sale():
    check_example("WS-01-pub550-basic")


def test_ws06_rev_rul_2008_5_ira_replacement():
    check_example("WS-06-revrul-2008-5-ira")


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name.removesuffix(".household.json"))
def test_every_shared_ws_example(path):
    check_example(path.name.removesuffix(".household.json"))
