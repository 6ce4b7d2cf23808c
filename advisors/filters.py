"""Query filters of the household API (django-filter); invalid values answer 400 by field.

`WholeNumberFilter` replaces django-filter's `NumberFilter` for ids and years: that one is
a DecimalField bounded by a binary float (1e50), and floats stay away from the product's
Decimals (the tests trap them); out-of-range numbers answer 400 instead of reaching the
database.
"""

from __future__ import annotations

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from advisors.models import FILING_STATUSES, Household

BIGINT_MAX = 2**63 - 1


@extend_schema_field(OpenApiTypes.INT)
class WholeNumberFilter(django_filters.Filter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(*args, **kwargs)


class HouseholdFilter(django_filters.FilterSet):
    advisor = django_filters.CharFilter(field_name="advisor__username", help_text="Username.")
    filing_status = django_filters.ChoiceFilter(choices=FILING_STATUSES)

    class Meta:
        model = Household
        fields = ["advisor", "filing_status"]
