"""Query filters of the proposals, runs and swap-pairs API (django-filter)."""

from __future__ import annotations

import django_filters

from harvesting.models import HarvestRun, Proposal, SwapPair


class ProposalFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Proposal.STATUSES)
    household = django_filters.CharFilter(field_name="household__key", help_text="Household key.")
    as_of = django_filters.DateFilter()
    as_of_after = django_filters.DateFilter(field_name="as_of", lookup_expr="gte")
    as_of_before = django_filters.DateFilter(field_name="as_of", lookup_expr="lte")
    kind = django_filters.ChoiceFilter(
        choices=[(Proposal.HARVEST, Proposal.HARVEST), (Proposal.SWAP_BACK, Proposal.SWAP_BACK)]
    )

    class Meta:
        model = Proposal
        fields = ["status", "household", "as_of", "kind"]


class RunFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=[(s, s) for s in (HarvestRun.RUNNING, HarvestRun.DONE, HarvestRun.FAILED)]
    )
    as_of = django_filters.DateFilter()
    trigger = django_filters.CharFilter()

    class Meta:
        model = HarvestRun
        fields = ["status", "as_of", "trigger"]


class SwapPairFilter(django_filters.FilterSet):
    from_symbol = django_filters.CharFilter(lookup_expr="iexact")
    to_symbol = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = SwapPair
        fields = ["from_symbol", "to_symbol"]
