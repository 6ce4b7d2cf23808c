"""Template filters: exact money, quantities and rates."""

from decimal import Decimal

from advisors.templatetags.taxalpha import money, money0, pct, qty, signed


def test_money():
    assert money(Decimal("1234.5")) == "$1,234.50"
    assert money(Decimal("-74000")) == "\u2212$74,000.00"
    assert money(Decimal("-0.001")) == "$0.00"
    assert money(None) == "—"
    assert money("55000.00") == "$55,000.00"
    assert money0(Decimal("669800.49")) == "$669,800"


def test_qty_pct_signed():
    assert qty(Decimal("1321.50")) == "1321.5" and qty(Decimal("100.00000000")) == "100"
    assert pct(Decimal("0.238")) == "23.8%" and pct("0.05") == "5%"
    assert signed(Decimal("-1")) == "neg" and signed(Decimal("0.001")) == ""
