"""Named reads for screens, APIs and services (DESIGN.md rule 3)."""

from advisors.models import Household


def household_list_rows():
    return Household.objects.prefetch_related("lots__security", "lots__account").order_by("name")
