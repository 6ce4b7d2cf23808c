"""`import_prices` (FORMATS.md §3): closes upserted by (symbol, date), gzip accepted,
unknown symbols become securities, a bad row refuses the whole file."""

from __future__ import annotations

import gzip
from datetime import date
from decimal import Decimal

import pytest
from django.core.management.base import CommandError

from portfolios.models import Price, Security
from tests.support.commands import run_json

pytestmark = pytest.mark.django_db


def closes() -> dict[tuple[str, date], Decimal]:
    return {(s, d): c for s, d, c in Price.objects.values_list("security__symbol", "date", "close")}


def test_a_reimport_updates_the_close_of_the_same_day_and_adds_new_days(tmp_path):
    first = tmp_path / "first.csv"
    first.write_text("date,symbol,close\n2026-10-14,VOO,380.10\n2026-10-15,VOO,385.00\n")
    assert run_json("import_prices", str(first)) == {"rows": 2, "new_securities": 1}
    second = tmp_path / "second.csv"
    second.write_text("date,symbol,close,adj_close\n2026-10-15,VOO,385.25,380.00\n"
                      "2026-10-16,VOO,386.00,381.00\n")
    assert run_json("import_prices", str(second)) == {"rows": 2, "new_securities": 0}
    assert closes() == {
        ("VOO", date(2026, 10, 14)): Decimal("380.10"),
        ("VOO", date(2026, 10, 15)): Decimal("385.25"),  # replaced, not duplicated
        ("VOO", date(2026, 10, 16)): Decimal("386.00"),
    }
    assert Security.objects.filter(symbol="VOO").count() == 1


def test_a_gzip_file_and_the_adjusted_column(tmp_path):
    path = tmp_path / "prices.csv.gz"
    path.write_bytes(gzip.compress(b"date,symbol,close,adj_close\n2026-10-15,EFA,79.00,77.50\n"))
    run_json("import_prices", str(path), "--adjusted")
    assert closes() == {("EFA", date(2026, 10, 15)): Decimal("77.50")}


def test_a_bad_row_is_named_and_nothing_is_written(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("date,symbol,close\n2026-10-15,VOO,385.00\n2026-10-16,VOO,abc\n")
    with pytest.raises(CommandError) as refused:
        run_json("import_prices", str(path))
    assert "line 3: close: 'abc' is not a decimal number" in str(refused.value)
    assert closes() == {}
