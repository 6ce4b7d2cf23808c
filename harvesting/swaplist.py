"""The swap-list file (FORMATS.md §2): identical groups and ranked swap pairs.

Rules checked before anything is written: a symbol belongs to one group; a pair's sides
are never in the same identical group (nor the same symbol); ranks are whole numbers ≥ 1;
a pair appears once.

    {"identical_groups": [["VOO", "IVV"]], "swap_pairs": [{"from": "VOO", "to": "VTI", "rank": 1}]}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portfolios.imports.errors import FileErrors, Problem
from portfolios.imports.fields import SYMBOL_RE, RowReader


@dataclass(frozen=True)
class SwapListFile:
    groups: tuple[tuple[str, ...], ...]
    pairs: tuple[tuple[str, str, int], ...]


def group_index(groups) -> dict[str, int]:
    return {symbol: i for i, group in enumerate(groups) for symbol in group}


def same_group(index: dict[str, int], a: str, b: str) -> bool:
    return a == b or (a in index and index.get(a) == index.get(b))


def parse_swap_list(doc: Any) -> SwapListFile:
    problems: list[Problem] = []
    top = RowReader("", doc, problems)
    groups: list[tuple[str, ...]] = []
    owner: dict[str, int] = {}
    raw_groups = top.row.get("identical_groups", [])
    if not isinstance(raw_groups, list):
        problems.append(Problem("", "identical_groups", "must be a list of lists of symbols"))
        raw_groups = []
    for i, raw in enumerate(raw_groups):
        where = f"identical_groups[{i}]"
        if not isinstance(raw, list) or not raw:
            problems.append(Problem(where, "symbols", "must be a non-empty list of symbols"))
            continue
        members: list[str] = []
        for j, sym in enumerate(raw):
            if not isinstance(sym, str) or not SYMBOL_RE.match(sym.strip()):
                problems.append(Problem(where, f"[{j}]", f"{sym!r} is not a valid symbol"))
                continue
            sym = sym.strip().upper()
            if sym in owner and owner[sym] != i:
                problems.append(
                    Problem(where, f"[{j}]", f"{sym} is already in identical_groups[{owner[sym]}]")
                )
                continue
            owner[sym] = i
            if sym not in members:
                members.append(sym)
        groups.append(tuple(members))
    index = group_index(groups)

    pairs: list[tuple[str, str, int]] = []
    seen: set[tuple[str, str]] = set()
    raw_pairs = top.row.get("swap_pairs", [])
    if not isinstance(raw_pairs, list):
        problems.append(Problem("", "swap_pairs", "must be a list"))
        raw_pairs = []
    for i, raw in enumerate(raw_pairs):
        r = RowReader(f"swap_pairs[{i}]", raw, problems)
        a = r.symbol("from")
        b = r.symbol("to")
        rank = r.whole("rank", required=False) or 1
        if a and b:
            if same_group(index, a, b):
                r.fail("to", f"{a} and {b} are substantially identical (same identical group); "
                             "a swap into an identical security washes the loss")
            elif (a, b) in seen:
                r.fail("to", f"the pair {a} → {b} is listed twice")
            else:
                seen.add((a, b))
                pairs.append((a, b, rank))
    if problems:
        raise FileErrors(problems)
    return SwapListFile(groups=tuple(g for g in groups if g), pairs=tuple(pairs))
