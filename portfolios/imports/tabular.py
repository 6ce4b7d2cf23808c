"""Prices and securities CSV files (FORMATS.md §3, §3b), gzip or plain.

Rows are validated whole before anything is written; an error names the line number
(the header is line 1), the column and what is wrong.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from portfolios.imports.errors import FileErrors, Problem
from portfolios.imports.fields import RowReader

SECURITY_COLUMNS = (
    "asset_class",
    "sector",
    "sub_industry",
    "tracked_index",
    "dividend_yield",
    "tax_efficiency",
)


def open_text(path: str | Path) -> io.TextIOBase:
    path = Path(path)
    try:
        with open(path, "rb") as probe:
            magic = probe.read(2)
        if magic == b"\x1f\x8b":
            return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
        return open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
    except OSError as exc:
        raise FileErrors([Problem("", "file", f"cannot read {path}: {exc.strerror}")]) from None


def _reader(handle: io.TextIOBase, required: tuple[str, ...]) -> csv.DictReader:
    reader = csv.DictReader(handle)
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [c for c in required if c not in header]
    if missing:
        raise FileErrors([Problem("line 1", c, "missing column in the header") for c in missing])
    return reader


@dataclass(frozen=True)
class PriceRow:
    day: date
    symbol: str
    close: Decimal


def read_prices(path: str | Path, *, use_adjusted: bool = False) -> list[PriceRow]:
    problems: list[Problem] = []
    rows: dict[tuple[str, date], PriceRow] = {}
    column = "adj_close" if use_adjusted else "close"
    with open_text(path) as handle:
        reader = _reader(handle, ("date", "symbol", column))
        for line, raw in enumerate(reader, start=2):
            r = RowReader(f"line {line}", raw, problems)
            day = r.day("date")
            symbol = r.symbol()
            close = r.decimal(column, positive=True)
            if day and symbol and close is not None:
                rows[(symbol, day)] = PriceRow(day, symbol, close)
            if len(problems) > 200:
                break
    if problems:
        raise FileErrors(problems)
    return list(rows.values())


@dataclass(frozen=True)
class SecurityRow:
    symbol: str
    name: str
    fields: dict[str, object]


def read_securities(path: str | Path) -> list[SecurityRow]:
    problems: list[Problem] = []
    out: dict[str, SecurityRow] = {}
    with open_text(path) as handle:
        reader = _reader(handle, ("symbol", "name"))
        present = [c for c in SECURITY_COLUMNS if c in (reader.fieldnames or [])]
        for line, raw in enumerate(reader, start=2):
            r = RowReader(f"line {line}", raw, problems)
            symbol = r.symbol()
            fields: dict[str, object] = {}
            for column in present:
                if column == "dividend_yield":
                    value = r.decimal(column, required=False, nonnegative=True)
                    if value is not None and value > 1:
                        r.fail(column, f"a yield is a decimal fraction such as 0.031, got {value}")
                    fields[column] = value
                else:
                    fields[column] = r.text(column)
            if symbol:
                out[symbol] = SecurityRow(symbol, r.text("name"), fields)
    if problems:
        raise FileErrors(problems)
    return list(out.values())
