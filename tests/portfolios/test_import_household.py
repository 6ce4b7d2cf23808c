"""The household file (FORMATS.md §1): atomic, idempotent, refusing bad rows by name."""

from __future__ import annotations

import copy

import pytest
from django.core.management.base import CommandError

from advisors.models import Household, Member
from portfolios.models import (
    Account,
    Lot,
    RealizedSale,
    ScheduledPurchase,
    Security,
    TaxProfile,
    Transaction,
)
from tests.support.commands import EXAMPLES, run, run_json, write_json

pytestmark = pytest.mark.django_db

BASE = {
    "key": "holbrook",
    "name": "Holbrook household",
    "filing_status": "married_filing_jointly",
    "advisor": "quinn",
    "members": [
        {"role": "primary", "name": "Diana Holbrook", "email": "diana@example.com"},
        {"role": "spouse", "name": "Sam Holbrook"},
    ],
    "accounts": [
        {"id": "P-TAX", "owner": "primary", "type": "taxable", "name": "Joint brokerage",
         "custodian": "Schwab", "lot_method": "fifo"},
        {"id": "P-IRA", "owner": "primary", "type": "traditional_ira"},
        {"id": "S-IRA", "owner": "spouse", "type": "roth_ira"},
    ],
    "transactions": [
        {"date": "2025-01-06", "account": "P-TAX", "action": "BUY", "symbol": "VOO",
         "quantity": "100", "price": "420.00"},
        {"date": "2025-03-10", "account": "P-TAX", "action": "SELL", "symbol": "VOO",
         "quantity": "40", "price": "385.00", "lot": "2025-01-06"},
        {"date": "2025-03-12", "account": "P-IRA", "action": "TRANSFER_IN", "symbol": "VNQ",
         "quantity": "50", "cost_basis": "4100.00", "acquired": "2019-02-11"},
    ],
    "scheduled_purchases": [
        {"account": "P-TAX", "symbol": "VOO", "kind": "dividend_reinvestment",
         "next_date": "2025-03-28", "every_days": "91"}
    ],
    "tax_profile": {
        "ordinary_rate": "0.37", "st_rate": "0.408", "lt_rate": "0.238",
        "outside_st_gains": "0", "outside_lt_gains": "55000",
        "carryforward_st": "0", "carryforward_lt": "0",
    },
}


def snapshot():
    """Everything an import may touch, to prove a refused file changed nothing."""
    return (
        list(Household.objects.values_list("key", "name", "filing_status", "ledger_version")),
        list(Member.objects.values_list("household__key", "role", "name")),
        list(Account.objects.values_list("code", "type", "owner")),
        list(Transaction.objects.values_list("seq", "date", "action", "quantity")),
        list(Lot.objects.values_list("quantity", "cost_basis", "acquired")),
        list(RealizedSale.objects.values_list("quantity", "gain_loss")),
        list(ScheduledPurchase.objects.values_list("next_date", "every_days")),
        list(TaxProfile.objects.values_list("lt_rate", "outside_lt_gains")),
        sorted(Security.objects.values_list("symbol", flat=True)),
    )


def import_doc(tmp_path, doc):
    return run("import_household", write_json(tmp_path, "h.json", doc))


def test_import_creates_the_household_its_accounts_and_projection(tmp_path):
    _, err = import_doc(tmp_path, BASE)
    household = Household.objects.get(key="holbrook")
    assert household.advisor.username == "quinn"
    assert set(household.members.values_list("role", flat=True)) == {"primary", "spouse"}
    assert household.accounts.count() == 3
    assert household.transactions.count() == 3
    assert household.scheduled_purchases.get().every_days == 91
    assert str(household.tax_profile.outside_lt_gains) == "55000.00"
    lots = run_json("export_lots", "holbrook")
    assert {(r["account"], r["symbol"], r["quantity"], r["cost_basis"]) for r in lots} == {
        ("P-TAX", "VOO", "60", "25200.00"),
        ("P-IRA", "VNQ", "50", "4100.00"),
    }
    rows = run_json("export_8949", "holbrook")
    assert rows == [
        {"account": "P-TAX", "symbol": "VOO", "date_acquired": "2025-01-06",
         "date_sold": "2025-03-10", "quantity": "40", "proceeds": "15400.00",
         "cost_basis": "16800.00", "adjustment_code": "", "adjustment_amount": "0.00",
         "gain_loss": "-1400.00", "term": "short"}
    ]
    assert "new securities: VNQ, VOO" in err


def test_reimport_replaces_the_household_instead_of_duplicating(tmp_path):
    import_doc(tmp_path, BASE)
    changed = copy.deepcopy(BASE)
    changed["name"] = "Holbrook family"
    changed["transactions"] = changed["transactions"][:1]
    import_doc(tmp_path, changed)
    assert Household.objects.count() == 1
    household = Household.objects.get()
    assert household.name == "Holbrook family"
    assert household.transactions.count() == 1
    assert run_json("export_8949", "holbrook") == []
    assert Lot.objects.count() == 1


def test_importing_the_same_file_twice_gives_the_same_result(tmp_path):
    import_doc(tmp_path, BASE)
    first = snapshot()
    import_doc(tmp_path, BASE)
    again = snapshot()
    assert first[1:] == again[1:]


def test_members_missing_from_the_file_are_created_from_account_owners(tmp_path):
    doc = copy.deepcopy(BASE)
    del doc["members"]
    import_doc(tmp_path, doc)
    assert set(Member.objects.values_list("role", flat=True)) == {"primary", "spouse"}


def _bad(path_fn):
    doc = copy.deepcopy(BASE)
    path_fn(doc)
    return doc


BAD_FILES = [
    ("float price", lambda d: d["transactions"][0].update(price=420.5),
     ["transactions[0]", "price", "float"]),
    ("float quantity", lambda d: d["transactions"][1].update(quantity=40.0),
     ["transactions[1]", "quantity", "float"]),
    ("float rate", lambda d: d["tax_profile"].update(lt_rate=0.238),
     ["tax_profile", "lt_rate", "float"]),
    ("missing key", lambda d: d.pop("key"), ["key", "required"]),
    ("bad key", lambda d: d.update(key="hol brook"), ["key"]),
    ("bad filing status", lambda d: d.update(filing_status="joint"), ["filing_status", "joint"]),
    ("two primaries", lambda d: d["members"][1].update(role="primary"),
     ["members[1]", "role", "at most one primary"]),
    ("duplicate account id", lambda d: d["accounts"][1].update(id="P-TAX"),
     ["accounts[1]", "id", "P-TAX"]),
    ("bad account type", lambda d: d["accounts"][1].update(type="hsa"),
     ["accounts[1]", "type", "hsa"]),
    ("bad lot method", lambda d: d["accounts"][0].update(lot_method="lifo"),
     ["accounts[0]", "lot_method"]),
    ("unknown account", lambda d: d["transactions"][0].update(account="X-TAX"),
     ["transactions[0]", "account", "X-TAX"]),
    ("bad action", lambda d: d["transactions"][0].update(action="SHORT"),
     ["transactions[0]", "action", "SHORT"]),
    ("zero quantity", lambda d: d["transactions"][0].update(quantity="0"),
     ["transactions[0]", "quantity", "positive"]),
    ("negative price", lambda d: d["transactions"][0].update(price="-1"),
     ["transactions[0]", "price"]),
    ("bad date", lambda d: d["transactions"][0].update(date="2025-02-30"),
     ["transactions[0]", "date", "2025-02-30"]),
    ("sell before its buy", lambda d: d["transactions"][1].update(date="2024-12-01"),
     ["transactions[1]", "quantity"]),
    ("sell more than held", lambda d: d["transactions"][1].update(quantity="140"),
     ["transactions[1]", "quantity"]),
    ("sell of a lot never bought", lambda d: d["transactions"][1].update(lot="2025-01-07"),
     ["transactions[1]", "lot"]),
    ("transfer without basis", lambda d: d["transactions"][2].pop("cost_basis"),
     ["transactions[2]", "cost_basis", "required"]),
    ("schedule every_days not whole", lambda d: d["scheduled_purchases"][0].update(every_days="9.5"),
     ["scheduled_purchases[0]", "every_days"]),
    ("schedule bad kind", lambda d: d["scheduled_purchases"][0].update(kind="monthly"),
     ["scheduled_purchases[0]", "kind"]),
    ("negative carryforward", lambda d: d["tax_profile"].update(carryforward_st="-5"),
     ["tax_profile", "carryforward_st"]),
]


@pytest.mark.parametrize("label,mutate,needles", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_row_is_refused_by_row_and_field_and_nothing_changes(tmp_path, label, mutate, needles):
    import_doc(tmp_path, BASE)  # an existing household must survive a refused re-import
    before = snapshot()
    with pytest.raises(CommandError) as excinfo:
        import_doc(tmp_path, _bad(mutate))
    message = str(excinfo.value)
    for needle in needles:
        assert needle in message, (needle, message)
    assert snapshot() == before


def test_a_refused_new_household_writes_nothing(tmp_path):
    doc = _bad(lambda d: d["transactions"][1].update(quantity="140"))
    with pytest.raises(CommandError):
        import_doc(tmp_path, doc)
    assert Household.objects.count() == 0
    assert Security.objects.count() == 0


def test_invalid_json_is_refused_with_its_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"key": "x",\n "accounts": [}')
    with pytest.raises(CommandError, match="line 2"):
        run("import_household", str(path))


def test_rows_listed_out_of_date_order_are_read_in_date_order(tmp_path):
    """FORMATS.md §1's own example lists a 2024 transfer after a 2025 sale."""
    doc = copy.deepcopy(BASE)
    doc["transactions"][2]["date"] = "2024-05-01"
    import_doc(tmp_path, doc)
    household = Household.objects.get()
    assert list(household.transactions.values_list("action", flat=True)) == [
        "TRANSFER_IN", "BUY", "SELL"
    ]


def test_examples_dir_is_present():
    assert EXAMPLES.is_dir()
