"""Forms of the report and planning pages: they validate the query string, nothing more.

Amounts and rates are read as decimal strings (FORMATS.md: never a binary float).
"""

from __future__ import annotations

from decimal import Decimal

from django import forms


class YearForm(forms.Form):
    year = forms.IntegerField(required=False, min_value=1990, max_value=2100)


class TaxAlphaForm(YearForm):
    discount_rate = forms.DecimalField(
        required=False, min_value=Decimal(0), max_value=Decimal("0.5"), decimal_places=4,
        help_text="a decimal fraction: 0.05 = 5% a year")
    horizon_years = forms.IntegerField(required=False, min_value=0, max_value=60)


class AmountForm(forms.Form):
    amount = forms.DecimalField(min_value=Decimal("0.01"), max_digits=16, decimal_places=2,
                                error_messages={"required": "Enter an amount."})
    as_of = forms.DateField(required=False, help_text="prices of this date (default: latest)")


class AsOfForm(forms.Form):
    as_of = forms.DateField(required=False)
