"""Writes of the harvesting app (DESIGN.md rule 3): keyword-only, one transaction each."""

from __future__ import annotations

from django.db import transaction

from advisors.models import AuditEvent
from harvesting.models import IdenticalGroup, IdenticalMember, SwapPair
from harvesting.swaplist import SwapListFile, parse_swap_list
from portfolios import services as portfolio_services


@transaction.atomic
def swap_list_import(*, document, actor=None) -> dict[str, int]:
    """Replace the firm's swap list atomically; re-project every household (R1.5)."""
    parsed: SwapListFile = parse_swap_list(document)
    old_groups = sorted(
        tuple(sorted(g.symbols())) for g in IdenticalGroup.objects.prefetch_related("members")
    )
    SwapPair.objects.all().delete()
    IdenticalGroup.objects.all().delete()
    for symbols in parsed.groups:
        group = IdenticalGroup.objects.create()
        IdenticalMember.objects.bulk_create(
            [IdenticalMember(group=group, symbol=s) for s in symbols]
        )
    SwapPair.objects.bulk_create(
        [SwapPair(from_symbol=a, to_symbol=b, rank=rank) for a, b, rank in parsed.pairs]
    )
    reprojected = 0
    if sorted(tuple(sorted(g)) for g in parsed.groups) != old_groups:
        reprojected = portfolio_services.household_reproject_all()
    AuditEvent.objects.create(
        actor=actor,
        verb="swap_list.imported",
        object_type="swap_list",
        message=f"{len(parsed.groups)} identical groups, {len(parsed.pairs)} swap pairs",
    )
    return {
        "identical_groups": len(parsed.groups),
        "swap_pairs": len(parsed.pairs),
        "households_reprojected": reprojected,
    }
