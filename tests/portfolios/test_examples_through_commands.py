"""Every worked example in shared/examples passes through the real commands (issue 2).

`import_household` then `export_8949` / `export_lots` must equal the expected lists,
compared as multisets of exact strings (examples/README.md).
"""

from __future__ import annotations

import json

import pytest

from tests.support.commands import EXAMPLES, run, run_json

HOUSEHOLD_EXAMPLES = sorted(EXAMPLES.glob("*.household.json"))


def as_multiset(rows):
    return sorted(json.dumps(r, sort_keys=True) for r in rows)


@pytest.mark.django_db
@pytest.mark.parametrize("path", HOUSEHOLD_EXAMPLES, ids=lambda p: p.name.split(".")[0])
def test_household_example_exports_match(path):
    expected = json.loads(path.with_name(path.name.replace(".household.", ".expected.")).read_text())
    swaplist = path.with_name(path.name.replace(".household.", ".swaplist."))
    if swaplist.exists():
        run("import_swap_list", str(swaplist))
    run("import_household", str(path))
    key = json.loads(path.read_text())["key"]

    assert as_multiset(run_json("export_8949", key, "--format", "json")) == as_multiset(
        expected["form_8949"]
    )
    assert as_multiset(run_json("export_lots", key, "--format", "json")) == as_multiset(
        expected["open_lots"]
    )


def test_there_are_household_examples():
    assert len(HOUSEHOLD_EXAMPLES) >= 2
