"""Plotly figures for the reports, built by pure functions: rows in, figure dict out.

Money goes to the browser as decimal *strings* ("12000.00"): plotly.js reads numeric
strings on a linear axis, so no binary float ever carries an amount (DESIGN.md rule 7).
The figures are rendered by the vendored `static/vendor/plotly.min.js`.

    >>> fig = losses_by_month([("Jan", Decimal("0"), Decimal("1200.5"))])
    >>> fig["data"][1]["y"], fig["layout"]["barmode"]
    (['1200.50'], 'stack')
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import plotly.graph_objects as go

from portfolios.taxlots.money import fmt_money

FONT = "Inter, system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
ST_COLOR = "#d97706"
LT_COLOR = "#1d4ed8"
COLORS = {"offset": "#0f766e", "deduction": "#1d4ed8", "carryforward": "#7c3aed"}


def _layout(**extra) -> dict:
    layout = {
        "font": {"family": FONT, "size": 12, "color": "#1f2937"},
        "margin": {"l": 64, "r": 16, "t": 16, "b": 40},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "height": 300,
        "legend": {"orientation": "h", "y": -0.18},
        "yaxis": {"type": "linear", "tickprefix": "$", "separatethousands": True,
                  "gridcolor": "#e5e7eb", "zerolinecolor": "#9ca3af", "rangemode": "tozero"},
        "xaxis": {"type": "category"},
    }
    layout.update(extra)
    return layout


def _figure(fig: go.Figure) -> dict:
    figure = fig.to_plotly_json()
    figure["layout"].pop("template", None)  # our layout is the whole style; keep pages light
    return figure


def losses_by_month(rows: Iterable[tuple[str, Decimal, Decimal]]) -> dict:
    """Stacked bars of harvested losses per month: (month label, ST, LT), positive amounts."""
    rows = list(rows)
    months = tuple(m for m, _, _ in rows)
    fig = go.Figure(
        data=[
            go.Bar(name="Short-term", x=months, y=tuple(fmt_money(st) for _, st, _ in rows),
                   marker_color=ST_COLOR, hovertemplate="%{x}: $%{y:,.2f}<extra>Short-term</extra>"),
            go.Bar(name="Long-term", x=months, y=tuple(fmt_money(lt) for _, _, lt in rows),
                   marker_color=LT_COLOR, hovertemplate="%{x}: $%{y:,.2f}<extra>Long-term</extra>"),
        ],
        layout=_layout(barmode="stack"),
    )
    return _figure(fig)


def loss_usage(*, gains_offset: Decimal, deduction: Decimal, carryforward: Decimal) -> dict:
    """Where this year's losses go: gains offset, the ordinary-income deduction, carried over."""
    labels = ("Gains offset", "Deducted from income", "Carried forward")
    values = (gains_offset, deduction, carryforward)
    fig = go.Figure(
        data=[
            go.Bar(
                x=labels,
                y=tuple(fmt_money(v) for v in values),
                marker_color=[COLORS["offset"], COLORS["deduction"], COLORS["carryforward"]],
                text=tuple("$" + f"{v:,.0f}" for v in values),
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{x}: $%{y:,.2f}<extra></extra>",
            )
        ],
        layout=_layout(showlegend=False),
    )
    return _figure(fig)
