"""Django admin (/django-admin/, staff only) for households, members and the audit trail.

Members are where a client's login is linked to a household (`Member.user`). The audit
trail is read-only: it is written by the services alone.
"""

from django.contrib import admin

from advisors.models import AuditEvent, Household, Member


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "advisor", "filing_status", "updated_at"]
    list_filter = ["filing_status"]
    search_fields = ["name", "key", "advisor__username"]
    list_select_related = ["advisor"]
    readonly_fields = ["ledger_version", "created_at", "updated_at"]
    inlines = [MemberInline]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "household", "email", "user"]
    list_select_related = ["household", "user"]
    search_fields = ["name", "email", "household__name", "user__username"]
    autocomplete_fields = ["user", "household"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "verb", "actor", "household", "object_type", "object_id", "message"]
    list_filter = ["verb", "object_type"]
    search_fields = ["verb", "message", "object_id", "actor__username", "household__name"]
    list_select_related = ["actor", "household"]
    date_hierarchy = "at"
