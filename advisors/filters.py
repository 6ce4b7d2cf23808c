"""Query filters of the household API (django-filter); invalid values answer 400 by field."""

from __future__ import annotations

import django_filters

from advisors.models import FILING_STATUSES, Household


class HouseholdFilter(django_filters.FilterSet):
    advisor = django_filters.CharFilter(field_name="advisor__username", help_text="Username.")
    filing_status = django_filters.ChoiceFilter(choices=FILING_STATUSES)

    class Meta:
        model = Household
        fields = ["advisor", "filing_status"]
