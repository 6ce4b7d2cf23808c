"""Django admin for the harvesting models, read-only.

Every change of a swap list, policy or proposal goes through `harvesting.services` so it is
checked (a pair inside one identical group is refused) and audited: the app's own pages
(/swap-list/, the household and proposal pages) are where staff change them.
"""

from django.contrib import admin

from advisors.admin import ReadOnlyAdmin
from harvesting.models import (
    HarvestPolicy,
    HarvestRun,
    HarvestRunItem,
    IdenticalGroup,
    IdenticalMember,
    MonitorState,
    Proposal,
    ProposalLeg,
    Restriction,
    SwapPair,
    WashAlert,
)


class IdenticalMemberInline(admin.TabularInline):
    model = IdenticalMember
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IdenticalGroup)
class IdenticalGroupAdmin(ReadOnlyAdmin):
    list_display = ["id", "__str__", "created_at"]
    inlines = [IdenticalMemberInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("members")


@admin.register(SwapPair)
class SwapPairAdmin(ReadOnlyAdmin):
    list_display = ["from_symbol", "to_symbol", "rank", "created_at"]
    search_fields = ["from_symbol", "to_symbol"]


@admin.register(HarvestPolicy)
class HarvestPolicyAdmin(ReadOnlyAdmin):
    list_display = ["household", "min_loss_dollars", "min_loss_percent", "require_both",
                    "swap_back", "stale_price_tolerance", "max_age_days", "updated_at"]
    list_select_related = ["household"]


class HarvestRunItemInline(admin.TabularInline):
    model = HarvestRunItem
    extra = 0
    fields = ["household", "status", "proposal_created", "error", "finished_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(HarvestRun)
class HarvestRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "as_of", "status", "households_total", "trigger", "started_by",
                    "started_at", "finished_at"]
    list_filter = ["status", "trigger"]
    inlines = [HarvestRunItemInline]


class ProposalLegInline(admin.StackedInline):
    model = ProposalLeg
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ["id", "household", "as_of", "kind", "status", "harvested_loss_st",
                    "harvested_loss_lt", "estimated_tax_savings", "decided_by"]
    list_filter = ["status", "kind"]
    list_select_related = ["household", "decided_by"]
    search_fields = ["household__key", "household__name"]
    inlines = [ProposalLegInline]


@admin.register(Restriction)
class RestrictionAdmin(ReadOnlyAdmin):
    list_display = ["household", "symbol", "starts", "until", "reason"]
    list_select_related = ["household"]
    search_fields = ["household__key", "symbol"]


@admin.register(WashAlert)
class WashAlertAdmin(ReadOnlyAdmin):
    list_display = ["household", "sale_date", "symbol", "replacement_symbol",
                    "replacement_date", "disallowed", "permanent", "acknowledged_at"]
    list_select_related = ["household"]


@admin.register(MonitorState)
class MonitorStateAdmin(ReadOnlyAdmin):
    list_display = ["household", "checked_version", "checked_at"]
    list_select_related = ["household"]
