"""Plotly figure dicts for the tax-alpha and planning pages: values in, JSON-ready dicts out.

Rule: amounts travel to the browser as decimal *strings* with two decimals ("12000.00");
plotly.js reads numeric strings on a linear axis, so no binary float ever carries money
(DESIGN.md rule 7). The dicts follow Plotly's figure schema ({"data": [...], "layout":
{...}}) and are drawn by the vendored `static/vendor/plotly.min.js` (never a CDN).

    >>> fig = usage(offset=Decimal(55000), deducted=Decimal(3000), carried=Decimal(16000),
    ...             disallowed=Decimal(0))
    >>> fig["data"][0]["y"]
    ['55000.00', '3000.00', '16000.00', '0.00']
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from portfolios.taxlots.money import fmt_money

FONT = "Inter, system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
ST, LT, SAVED, VALUE = "#d97706", "#1d4ed8", "#0f766e", "#6b7280"


def _layout(**extra) -> dict:
    layout = {
        "font": {"family": FONT, "size": 12, "color": "#1f2937"},
        "margin": {"l": 72, "r": 72, "t": 16, "b": 48},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "height": 320,
        "legend": {"orientation": "h", "y": -0.2},
        "xaxis": {"type": "category"},
        "yaxis": {"type": "linear", "tickprefix": "$", "separatethousands": True,
                  "gridcolor": "#e5e7eb", "zerolinecolor": "#9ca3af", "rangemode": "tozero"},
    }
    layout.update(extra)
    return layout


def _money(values: Sequence[Decimal | None]) -> list[str | None]:
    return [None if v is None else fmt_money(v) for v in values]


def monthly(labels: Sequence[str], st: Sequence[Decimal], lt: Sequence[Decimal],
            saved: Sequence[Decimal]) -> dict:
    """Losses harvested per month (stacked ST/LT bars) and the tax saved to date (line)."""
    return {
        "data": [
            {"type": "bar", "name": "Short-term harvested", "x": list(labels),
             "y": _money(st), "marker": {"color": ST},
             "hovertemplate": "%{x}: $%{y:,.2f}<extra>short-term</extra>"},
            {"type": "bar", "name": "Long-term harvested", "x": list(labels),
             "y": _money(lt), "marker": {"color": LT},
             "hovertemplate": "%{x}: $%{y:,.2f}<extra>long-term</extra>"},
            {"type": "scatter", "mode": "lines+markers", "name": "Tax saved to date",
             "x": list(labels), "y": _money(saved), "yaxis": "y2",
             "line": {"color": SAVED, "width": 2},
             "hovertemplate": "%{x}: $%{y:,.2f}<extra>tax saved to date</extra>"},
        ],
        "layout": _layout(
            barmode="stack",
            yaxis2={"type": "linear", "overlaying": "y", "side": "right", "tickprefix": "$",
                    "separatethousands": True, "showgrid": False, "rangemode": "tozero"},
        ),
    }


def usage(*, offset: Decimal, deducted: Decimal, carried: Decimal, disallowed: Decimal) -> dict:
    """Where the harvested losses went this year."""
    labels = ["Offset gains", "Deducted", "Carried forward", "Disallowed"]
    values = [offset, deducted, carried, disallowed]
    return {
        "data": [{
            "type": "bar", "x": labels, "y": _money(values),
            "marker": {"color": [SAVED, LT, "#7c3aed", "#b91c1c"]},
            "text": ["$" + f"{v:,.0f}" for v in values], "textposition": "outside",
            "cliponaxis": False, "hovertemplate": "%{x}: $%{y:,.2f}<extra></extra>",
        }],
        "layout": _layout(showlegend=False, xaxis={"type": "category", "tickangle": 0,
                                                    "automargin": True}),
    }


def values(labels: Sequence[str], amounts: Sequence[Decimal | None]) -> dict:
    """Month-end market value of the taxable accounts."""
    return {
        "data": [{"type": "scatter", "mode": "lines+markers", "name": "Taxable value",
                  "x": list(labels), "y": _money(amounts), "line": {"color": VALUE},
                  "connectgaps": False,
                  "hovertemplate": "%{x}: $%{y:,.2f}<extra>month-end value</extra>"}],
        "layout": _layout(showlegend=False, yaxis={
            "type": "linear", "tickprefix": "$", "separatethousands": True,
            "gridcolor": "#e5e7eb"}),
    }


def by_household(labels: Sequence[str], saved: Sequence[Decimal],
                 harvested: Sequence[Decimal]) -> dict:
    """An advisor's book: harvested losses and tax saved per household."""
    return {
        "data": [
            {"type": "bar", "name": "Losses harvested", "x": list(labels),
             "y": _money(harvested), "marker": {"color": LT}},
            {"type": "bar", "name": "Tax saved", "x": list(labels), "y": _money(saved),
             "marker": {"color": SAVED}},
        ],
        "layout": _layout(barmode="group"),
    }


def choice_vs_fifo(choice_tax: Decimal, fifo_tax: Decimal) -> dict:
    """Raise cash: this year's tax of the tax-aware choice against FIFO."""
    return {
        "data": [{"type": "bar", "x": ["Tax-aware choice", "FIFO"],
                  "y": _money([choice_tax, fifo_tax]), "marker": {"color": [SAVED, VALUE]},
                  "hovertemplate": "%{x}: $%{y:,.2f}<extra>tax this year</extra>"}],
        "layout": _layout(showlegend=False, height=240, yaxis={
            "type": "linear", "tickprefix": "$", "separatethousands": True,
            "gridcolor": "#e5e7eb", "zerolinecolor": "#9ca3af"}),
    }
