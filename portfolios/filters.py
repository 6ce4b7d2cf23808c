"""Query filters of the accounts, lots and realized-sales API (django-filter).

`term` and `gain_loss` are the lot's state today: its term by calendar anniversary from
its holding-period start (R4.1, `holding.term`), its sign at the latest close on or before
today, computed in Decimal (SQLite stores decimals as binary floats, so the comparison is
not left to the database). A lot without any close is neither a gain nor a loss.

    >>> long_term_cutoff(date(2026, 3, 15))   # started on or before it: long-term today
    datetime.date(2025, 3, 14)
    >>> long_term_cutoff(date(2025, 3, 1))    # the Feb 29, 2024 start turns long on Mar 1
    datetime.date(2024, 2, 29)
"""

from __future__ import annotations

from datetime import date, timedelta

import django_filters
from django.utils import timezone

from advisors.filters import WholeNumberFilter
from portfolios.models import ACCOUNT_TYPES, TERMS, Account, Lot, RealizedSale
from portfolios.selectors import closes_on
from portfolios.taxlots.holding import term as holding_term
from portfolios.taxlots.values import LONG

SIGNS = [("gain", "gain"), ("loss", "loss")]


def long_term_cutoff(today: date) -> date:
    """The last holding-period start that is long-term on `today`.

    `holding.term` is monotonic in the start date, so the long-term starts are every date
    up to this one; found by asking `holding.term` itself, from a start surely long-term.
    """
    day = today - timedelta(days=367)
    while holding_term(day + timedelta(days=1), today) == LONG:
        day += timedelta(days=1)
    return day


def lots_by_sign(queryset, sign: str, today: date):
    """The lots of `queryset` whose market value is above (gain) or below (loss) basis."""
    rows = list(queryset.order_by().values_list("id", "security_id", "quantity", "cost_basis"))
    prices = closes_on(today, {security_id for _, security_id, _, _ in rows})
    wanted = []
    for pk, security_id, quantity, basis in rows:
        price = prices.get(security_id)
        if price is None:
            continue
        value = quantity * price
        if (sign == "gain" and value > basis) or (sign == "loss" and value < basis):
            wanted.append(pk)
    return queryset.filter(pk__in=wanted)


class AccountFilter(django_filters.FilterSet):
    household = django_filters.CharFilter(field_name="household__key", help_text="Household key.")
    type = django_filters.ChoiceFilter(choices=ACCOUNT_TYPES)
    owner = django_filters.ChoiceFilter(choices=[("primary", "primary"), ("spouse", "spouse")])

    class Meta:
        model = Account
        fields = ["household", "type", "owner"]


class LotFilter(django_filters.FilterSet):
    household = django_filters.CharFilter(field_name="household__key", help_text="Household key.")
    account = WholeNumberFilter(field_name="account_id", help_text="Account id.")
    account_code = django_filters.CharFilter(
        field_name="account__code", help_text="The household file's account id."
    )
    account_type = django_filters.ChoiceFilter(field_name="account__type", choices=ACCOUNT_TYPES)
    security = WholeNumberFilter(field_name="security_id", help_text="Security id.")
    symbol = django_filters.CharFilter(field_name="security__symbol", lookup_expr="iexact")
    term = django_filters.ChoiceFilter(
        choices=TERMS, method="filter_term", help_text="The lot's term today (R4.1)."
    )
    gain_loss = django_filters.ChoiceFilter(
        choices=SIGNS, method="filter_gain_loss",
        help_text="Unrealized gain or loss at the latest close on or before today.",
    )

    class Meta:
        model = Lot
        fields = ["household", "account", "account_code", "account_type", "security", "symbol"]

    def filter_term(self, queryset, name, value):
        cutoff = long_term_cutoff(timezone.localdate())
        if value == LONG:
            return queryset.filter(acquired__lte=cutoff)
        return queryset.filter(acquired__gt=cutoff)

    def filter_gain_loss(self, queryset, name, value):
        return lots_by_sign(queryset, value, timezone.localdate())


class RealizedSaleFilter(django_filters.FilterSet):
    household = django_filters.CharFilter(field_name="household__key", help_text="Household key.")
    year = WholeNumberFilter(
        method="filter_year", min_value=1, max_value=9999, help_text="Tax year sold."
    )
    account = WholeNumberFilter(field_name="account_id", help_text="Account id.")
    symbol = django_filters.CharFilter(field_name="security__symbol", lookup_expr="iexact")
    term = django_filters.ChoiceFilter(choices=TERMS)
    washed = django_filters.BooleanFilter(
        method="filter_washed", help_text="Only rows with (true) or without (false) code W."
    )

    class Meta:
        model = RealizedSale
        fields = ["household", "year", "account", "symbol", "term"]

    def filter_year(self, queryset, name, value):
        return queryset.in_year(value)

    def filter_washed(self, queryset, name, value):
        return queryset.filter(adjustment_code="W") if value else queryset.exclude(adjustment_code="W")
