"""Django admin for securities, prices and the household ledgers.

Lots and realized sales are a projection of the transactions (DESIGN.md rule 2): read-only
here. Transactions change through imports and fills (services), so they are read-only too.
"""

from django.contrib import admin

from advisors.admin import ReadOnlyAdmin
from portfolios.models import (
    Account,
    Lot,
    Price,
    RealizedSale,
    ScheduledPurchase,
    Security,
    TaxProfile,
    Transaction,
)


@admin.register(Security)
class SecurityAdmin(admin.ModelAdmin):
    list_display = ["symbol", "name", "asset_class", "sector", "tracked_index"]
    list_filter = ["asset_class", "sector"]
    search_fields = ["symbol", "name", "tracked_index"]


@admin.register(Price)
class PriceAdmin(admin.ModelAdmin):
    list_display = ["security", "date", "close"]
    list_select_related = ["security"]
    search_fields = ["security__symbol"]
    date_hierarchy = "date"
    raw_id_fields = ["security"]


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["code", "household", "owner", "type", "custodian", "lot_method"]
    list_filter = ["type", "lot_method"]
    list_select_related = ["household"]
    search_fields = ["code", "household__name", "household__key"]


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = ["household", "seq", "date", "account", "action", "security", "quantity",
                    "price", "source"]
    list_filter = ["action", "source"]
    list_select_related = ["household", "account", "security"]
    search_fields = ["household__key", "security__symbol"]


@admin.register(Lot)
class LotAdmin(ReadOnlyAdmin):
    list_display = ["household", "account", "security", "quantity", "cost_basis", "acquired",
                    "wash_adjustment"]
    list_select_related = ["household", "account", "security"]
    search_fields = ["household__key", "security__symbol"]


@admin.register(RealizedSale)
class RealizedSaleAdmin(ReadOnlyAdmin):
    list_display = ["household", "account", "security", "date_acquired", "date_sold",
                    "quantity", "proceeds", "cost_basis", "adjustment_code",
                    "adjustment_amount", "gain_loss", "term"]
    list_filter = ["term", "adjustment_code"]
    list_select_related = ["household", "account", "security"]
    search_fields = ["household__key", "security__symbol"]


@admin.register(ScheduledPurchase)
class ScheduledPurchaseAdmin(ReadOnlyAdmin):
    list_display = ["household", "account", "security", "kind", "next_date", "every_days"]
    list_select_related = ["household", "account", "security"]


@admin.register(TaxProfile)
class TaxProfileAdmin(ReadOnlyAdmin):
    list_display = ["household", "ordinary_rate", "st_rate", "lt_rate", "outside_st_gains",
                    "outside_lt_gains", "carryforward_st", "carryforward_lt"]
    list_select_related = ["household"]
