"""Rebuild the demo's market-data subset from the project's offline data set.

    python portfolios/demo/market/build.py /path/to/shared/data

Not run by the app: it writes the small files `load_demo` reads (see README.md here) from
the full files described in the data set's README. Deterministic: the same inputs give
byte-identical outputs (gzip mtime 0, sorted rows).

Choice of stocks: a hand-written list of well-known S&P 500 members per GICS sector,
kept only if the stock (a) is still in the index (current sector and sub-industry known),
(b) has a close on every trading day of the window, (c) did not split in the window —
`close` is as traded, so a split would show as a crash — and (d) has no daily close move
beyond ±45% (a vendor quirk screen). The first `PER_SECTOR` survivors of each sector ship.
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

START, END = "2019-01-02", "2021-04-21"
PER_SECTOR = 10
HERE = Path(__file__).resolve().parent

CANDIDATES = {
    "Information Technology": "MSFT ADBE CRM INTU ORCL CSCO ACN TXN QCOM IBM ADI AMAT INTC",
    "Health Care": "JNJ UNH MRK ABT TMO DHR AMGN MDT BMY LLY GILD CVS",
    "Financials": "JPM BAC WFC GS MS BLK SCHW AXP USB PNC MMC CB C",
    "Consumer Discretionary": "AMZN HD MCD NKE LOW SBUX TJX BKNG ROST MAR GM F",
    "Communication Services": "GOOGL NFLX DIS CMCSA VZ T CHTR EA OMC IPG TMUS",
    "Industrials": "HON UNP UPS CAT DE LMT GD MMM ETN EMR ITW CSX NSC",
    "Consumer Staples": "PG KO PEP WMT COST PM MO MDLZ CL KMB GIS TGT",
    "Energy": "XOM CVX COP EOG SLB PSX MPC VLO OXY KMI WMB",
    "Utilities": "DUK SO D AEP EXC SRE XEL PEG ED WEC",
    "Real Estate": "AMT PLD CCI EQIX SPG PSA O WELL AVB EQR",
    "Materials": "LIN ECL APD NEM FCX NUE PPG IP VMC MLM DD",
}
ETFS = ["SPY", "VTI", "EFA", "VEU", "AGG", "BND", "VNQ", "IYR", "IWM", "IWN", "EEM", "TIP",
        "IEF", "LQD"]

# Tax character of what a fund pays (asset-location advice, FORMATS.md §3b): written by
# hand from the funds' asset classes. Bonds pay interest taxed as ordinary income; REITs
# pay mostly non-qualified dividends; broad equity index funds pay qualified dividends and
# rarely distribute gains.
ETF_TAX_EFFICIENCY = {
    "AGG": "inefficient", "BND": "inefficient", "TIP": "inefficient", "IEF": "inefficient",
    "LQD": "inefficient", "VNQ": "inefficient", "IYR": "inefficient",
    "SPY": "efficient", "VTI": "efficient", "EFA": "efficient", "VEU": "efficient",
    "IWM": "moderate", "IWN": "moderate", "EEM": "moderate",
}

# Tracked indexes of the shipped ETFs that etf_metadata.csv does not describe (fund facts).
EXTRA_INDEXES = {
    "IWN": "Russell 2000 Value Index",
    "TIP": "ICE US Treasury Inflation Linked Bond Index",
    "IEF": "ICE US Treasury 7-10 Year Bond Index",
    "LQD": "Markit iBoxx USD Liquid Investment Grade Index",
}


def gz_write(path: Path, text: str) -> None:
    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as z:
        z.write(text.encode())
    path.write_bytes(raw.getvalue())


def read_prices(path: Path, symbols: set[str]) -> dict[str, list[tuple[str, str, str]]]:
    out: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    with gzip.open(path, "rt", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["symbol"] in symbols and START <= row["date"] <= END:
                out[row["symbol"]].append((row["date"], row["close"], row["adj_close"]))
    return out


def trailing_yield_stock(dividends: list[tuple[str, Decimal]], close: Decimal) -> Decimal:
    """Dividends paid in 2019 over the last close of 2019."""
    paid = sum((d for day, d in dividends if "2019-01-01" <= day <= "2019-12-31"), Decimal(0))
    return (paid / close).quantize(Decimal("0.0001"))


def trailing_yield_etf(series: list[tuple[str, str, str]]) -> Decimal:
    """2019's total return over its price return, minus one: the distribution yield."""
    year = [r for r in series if "2019-01-01" <= r[0] <= "2019-12-31"]
    first, last = year[0], year[-1]
    total = Decimal(last[2]) / Decimal(first[2])
    price = Decimal(last[1]) / Decimal(first[1])
    return max(Decimal(0), (total / price - 1)).quantize(Decimal("0.0001"))


def main(source: Path) -> None:
    with open(source / "stock_universe_2021.csv", newline="") as handle:
        universe = {r["symbol"]: r for r in csv.DictReader(handle)}
    with open(source / "corporate_actions_sp500_alphavantage.csv", newline="") as handle:
        actions = list(csv.DictReader(handle))
    splits = {a["symbol"] for a in actions
              if START <= a["date"] <= END and Decimal(a["split_ratio"]) != 1}
    wanted = {s for names in CANDIDATES.values() for s in names.split()}
    stock_prices = read_prices(source / "prices_sp500_stocks_alphavantage.csv.gz", wanted)
    etf_prices = read_prices(source / "prices_etfs_assetallocation.csv.gz", set(ETFS))
    # The trading calendar: days on which most stocks traded. The ETF file also carries
    # rows on exchange holidays (repeated closes); those are dropped.
    counts: dict[str, int] = defaultdict(int)
    for series in stock_prices.values():
        for d, _, _ in series:
            counts[d] += 1
    calendar = sorted(d for d, n in counts.items() if n * 2 > len(stock_prices))
    trading = set(calendar)
    etf_prices = {s: [r for r in rows if r[0] in trading] for s, rows in etf_prices.items()}

    chosen: list[str] = []
    dropped: list[str] = []
    for sector, names in CANDIDATES.items():
        kept = 0
        for symbol in names.split():
            info = universe.get(symbol)
            series = stock_prices.get(symbol, [])
            closes = [Decimal(c) for _, c, _ in series]
            moves = [abs(b / a - 1) for a, b in zip(closes, closes[1:], strict=False)]
            why = (
                "not in the index now" if not info or info["in_sp500_current"] != "Y"
                else "sector differs" if info["gics_sector_current"] != sector
                else "split in the window" if symbol in splits
                else "missing days" if [d for d, _, _ in series] != calendar
                else "suspicious move" if moves and max(moves) > Decimal("0.45")
                else ""
            )
            if why or kept >= PER_SECTOR:
                dropped.append(f"{symbol} ({why or 'enough in sector'})")
                continue
            chosen.append(symbol)
            kept += 1
    for symbol in ETFS:
        assert [d for d, _, _ in etf_prices[symbol]] == calendar, symbol

    def price_text(prices, symbols) -> str:
        lines = ["date,symbol,close"]
        for symbol in sorted(symbols):
            lines += [f"{d},{symbol},{c}" for d, c, _ in prices[symbol]]
        return "\n".join(lines) + "\n"

    gz_write(HERE / "prices_stocks.csv.gz", price_text(stock_prices, chosen))
    gz_write(HERE / "prices_etfs.csv.gz", price_text(etf_prices, ETFS))

    dividends: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    lines = ["date,symbol,dividend"]
    for a in sorted(actions, key=lambda a: (a["symbol"], a["date"])):
        if a["symbol"] in chosen and Decimal(a["dividend"]) > 0 and "2019-01-01" <= a["date"] <= END:
            dividends[a["symbol"]].append((a["date"], Decimal(a["dividend"])))
            lines.append(f"{a['date']},{a['symbol']},{a['dividend']}")
    (HERE / "dividends.csv").write_text("\n".join(lines) + "\n")

    # Securities (FORMATS.md §3b): every current S&P 500 member, the shipped ETFs and the
    # ETFs the swap list names.
    close_2019 = {
        s: Decimal([c for d, c, _ in stock_prices[s] if d <= "2019-12-31"][-1]) for s in chosen
    }
    rows = []
    with open(source / "sp500_constituents.csv", newline="") as handle:
        for r in csv.DictReader(handle):
            symbol = r["Symbol"]
            yield_ = trailing_yield_stock(dividends[symbol], close_2019[symbol]) if symbol in chosen else ""
            # REITs pay mostly non-qualified dividends (taxed as ordinary income).
            efficiency = "inefficient" if r["GICS Sector"] == "Real Estate" else "efficient"
            rows.append([symbol, r["Security"], "US equity", r["GICS Sector"],
                         r["GICS Sub-Industry"], "", str(yield_), efficiency])
    with open(source / "etf_metadata.csv", newline="") as handle:
        for r in csv.DictReader(handle):
            symbol = r["symbol"]
            yield_ = trailing_yield_etf(etf_prices[symbol]) if symbol in ETFS else ""
            efficiency = ETF_TAX_EFFICIENCY.get(symbol, "")
            if not efficiency:
                efficiency = ("inefficient" if r["asset_class"] in ("US fixed income", "US real estate")
                              else "efficient")
            rows.append([symbol, r["name"], r["asset_class"], "", "", r["tracked_index"],
                         str(yield_), efficiency])
    with open(source / "etfs_assetallocation_desc.csv", newline="") as handle:
        known = {row[0] for row in rows}
        for r in csv.DictReader(handle):
            symbol = r["Ticker"]
            if symbol in ETFS and symbol not in known:
                asset_class = "US fixed income" if r["Fund Type"] == "Bond" else "US equity"
                rows.append([symbol, r["Fund Name"], asset_class, "", "", EXTRA_INDEXES[symbol],
                             str(trailing_yield_etf(etf_prices[symbol])),
                             ETF_TAX_EFFICIENCY[symbol]])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["symbol", "name", "asset_class", "sector", "sub_industry", "tracked_index",
                     "dividend_yield", "tax_efficiency"])
    writer.writerows(sorted(rows))
    (HERE / "securities.csv").write_text(out.getvalue())

    by_sector = defaultdict(list)
    for s in chosen:
        by_sector[universe[s]["gics_sector_current"]].append(s)
    (HERE / "stocks.txt").write_text(
        "".join(f"{sector}: {' '.join(names)}\n" for sector, names in sorted(by_sector.items()))
    )
    print(f"{len(chosen)} stocks, {len(ETFS)} ETFs, {len(calendar)} trading days", file=sys.stderr)
    print("dropped: " + ", ".join(dropped), file=sys.stderr)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data"))
