"""The real market data shipped for the demo: small, licensed, and safe to trade on
(`close` as traded, no split inside the window) — portfolios/demo/README.md."""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[2] / "portfolios" / "demo"
MARKET = DEMO / "market"


def closes(name: str) -> dict[str, list[tuple[str, Decimal]]]:
    out: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    with gzip.open(MARKET / name, "rt", newline="") as handle:
        for row in csv.DictReader(handle):
            out[row["symbol"]].append((row["date"], Decimal(row["close"])))
    return out


def test_the_shipped_subset_is_small():
    total = sum(p.stat().st_size for p in DEMO.rglob("*") if p.is_file())
    assert total < 3_000_000


def test_every_source_has_its_license_and_the_readme_names_them():
    licenses = {p.name for p in (MARKET / "LICENSES").iterdir()}
    assert licenses == {"AssetAllocation-GPL-3.0.md", "Pooksoft-SP500-MIT.txt",
                        "s-and-p-500-companies-PDDL.txt"}
    readme = (DEMO / "README.md").read_text()
    for text in ["MIT", "GPL-3.0-or-later", "ODC-PDDL-1.0", "Pooksoft", "AssetAllocation",
                 "s-and-p-500-companies", "illustrative"]:
        assert text in readme, text


@pytest.mark.parametrize("name", ["prices_stocks.csv.gz", "prices_etfs.csv.gz"])
def test_prices_share_one_calendar_and_never_jump_like_a_split(name):
    series = closes(name)
    calendars = {tuple(d for d, _ in rows) for rows in series.values()}
    assert len(calendars) == 1
    (calendar,) = calendars
    assert calendar[0] == "2019-01-02" and calendar[-1] == "2021-04-21"
    for symbol, rows in series.items():
        for (_, a), (_, b) in zip(rows, rows[1:], strict=False):
            assert abs(b / a - 1) < Decimal("0.45"), symbol


def test_the_securities_file_lists_the_sp500_and_the_funds():
    with open(MARKET / "securities.csv", newline="") as handle:
        rows = {r["symbol"]: r for r in csv.DictReader(handle)}
    sectors = {r["sector"] for r in rows.values() if r["sector"]}
    assert len(sectors) == 11
    assert sum(1 for r in rows.values() if r["sector"]) == 503
    stocks = closes("prices_stocks.csv.gz")
    assert all(rows[s]["sub_industry"] for s in stocks)
    assert rows["AGG"]["tax_efficiency"] == "inefficient" and rows["VTI"]["tax_efficiency"] == "efficient"
