"""Swap lists, harvest policies, runs, proposals, restrictions and wash-sale alerts.

Idempotency lives in the schema (DESIGN.md rule 4): one harvest proposal per household,
date and kind; one run item per run and household; one alert per wash sale. A re-run or
a redelivered task can only bump into these constraints, never duplicate.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from advisors.models import Household
from portfolios.models import MONEY, PRICE, QTY, RATE, Account, Security


class IdenticalGroup(models.Model):
    """Symbols treated as substantially identical for the wash-sale rule (R1.5)."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return " = ".join(self.symbols())

    def symbols(self) -> list[str]:
        return [m.symbol for m in self.members.all()]


class IdenticalMember(models.Model):
    group = models.ForeignKey(IdenticalGroup, on_delete=models.CASCADE, related_name="members")
    symbol = models.CharField(max_length=32, unique=True)  # a symbol belongs to one group

    class Meta:
        ordering = ["group", "symbol"]


class SwapPair(models.Model):
    """A ranked replacement candidate (FORMATS.md §2); its sides are never identical."""

    from_symbol = models.CharField(max_length=32)
    to_symbol = models.CharField(max_length=32)
    rank = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["from_symbol", "rank", "to_symbol"]
        constraints = [
            models.UniqueConstraint(fields=["from_symbol", "to_symbol"], name="swap_pair_unique"),
            models.CheckConstraint(
                condition=~Q(from_symbol=models.F("to_symbol")), name="swap_pair_distinct"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_symbol} → {self.to_symbol} (rank {self.rank})"


class HarvestPolicy(models.Model):
    """Thresholds and rules of a harvest; the row without household is the firm default."""

    household = models.OneToOneField(
        Household, null=True, blank=True, on_delete=models.CASCADE, related_name="policy"
    )
    min_loss_dollars = models.DecimalField(default=Decimal("2500"), **MONEY)
    min_loss_percent = models.DecimalField(default=Decimal("0.05"), **RATE)
    require_both = models.BooleanField(default=True)
    excluded_symbols = models.JSONField(default=list, blank=True)
    swap_back = models.BooleanField(default=False)
    stale_price_tolerance = models.DecimalField(default=Decimal("0.03"), **RATE)
    max_age_days = models.PositiveIntegerField(default=5)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "harvest policies"
        constraints = [
            models.UniqueConstraint(
                fields=["household"], name="policy_one_per_household"
            ),
            models.UniqueConstraint(
                fields=["min_loss_dollars"],
                condition=Q(household__isnull=True),
                name="policy_one_firm_default",
            ),
            models.CheckConstraint(
                condition=Q(min_loss_dollars__gte=0) & Q(min_loss_percent__gte=0),
                name="policy_thresholds_nonnegative",
            ),
        ]


class HarvestRunQuerySet(models.QuerySet):
    def latest_first(self):
        return self.order_by("-started_at", "-id")


class HarvestRun(models.Model):
    RUNNING, DONE, FAILED = "running", "done", "failed"
    as_of = models.DateField()
    status = models.CharField(max_length=16, default=RUNNING)
    households_total = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    trigger = models.CharField(max_length=32, default="command")  # beat, command, web, api

    objects = HarvestRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]


class HarvestRunItem(models.Model):
    """One household of a run; progress is the count of finished items (idempotent)."""

    PENDING, DONE, FAILED = "pending", "done", "failed"
    run = models.ForeignKey(HarvestRun, on_delete=models.CASCADE, related_name="items")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, default=PENDING)
    proposal_created = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "household"], name="run_item_unique")
        ]
        indexes = [models.Index(fields=["run", "status"])]


class Proposal(models.Model):
    PENDING, APPROVED, REJECTED, EXECUTED, EXPIRED = (
        "pending",
        "approved",
        "rejected",
        "executed",
        "expired",
    )
    STATUSES = [(s, s.capitalize()) for s in (PENDING, APPROVED, REJECTED, EXECUTED, EXPIRED)]
    OPEN = (PENDING, APPROVED)
    HARVEST, SWAP_BACK = "harvest", "swap_back"

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="proposals")
    as_of = models.DateField()
    kind = models.CharField(max_length=16, default=HARVEST)
    run = models.ForeignKey(
        HarvestRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    status = models.CharField(max_length=16, choices=STATUSES, default=PENDING)
    harvested_loss_st = models.DecimalField(default=Decimal(0), **MONEY)
    harvested_loss_lt = models.DecimalField(default=Decimal(0), **MONEY)
    estimated_tax_savings = models.DecimalField(default=Decimal(0), **MONEY)
    skipped = models.JSONField(default=list, blank=True)
    assumptions = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(blank=True)
    executed_at = models.DateTimeField(null=True, blank=True)
    source_proposal = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="swap_backs"
    )

    class Meta:
        ordering = ["-as_of", "-id"]
        constraints = [
            # A re-run or a redelivered task can never write a second proposal.
            models.UniqueConstraint(
                fields=["household", "as_of", "kind"], name="proposal_one_per_household_day"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected", "executed", "expired"]),
                name="proposal_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "household"])]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class ProposalLeg(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="legs")
    position = models.PositiveIntegerField()
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    sell_security = models.ForeignKey(Security, on_delete=models.PROTECT, related_name="+")
    sell_quantity = models.DecimalField(**QTY)
    sell_price = models.DecimalField(**PRICE)
    lots = models.JSONField(default=list)  # [{acquired, purchase_date, quantity, cost_basis, loss}]
    buy_security = models.ForeignKey(
        Security, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    buy_quantity = models.DecimalField(default=Decimal(0), **QTY)
    buy_price = models.DecimalField(null=True, blank=True, **PRICE)
    loss_st = models.DecimalField(default=Decimal(0), **MONEY)
    loss_lt = models.DecimalField(default=Decimal(0), **MONEY)
    replacement_reason = models.TextField(blank=True)
    replacement_risk = models.CharField(max_length=16, blank=True)
    evidence = models.JSONField(default=list, blank=True)
    excluded = models.BooleanField(default=False)

    class Meta:
        ordering = ["proposal", "position"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "position"], name="leg_position_unique"),
            models.CheckConstraint(condition=Q(sell_quantity__gt=0), name="leg_quantity_positive"),
        ]


class RestrictionQuerySet(models.QuerySet):
    def active_on(self, day):
        return self.filter(until__gte=day, starts__lte=day)


class Restriction(models.Model):
    """No purchase (or sale back) of a symbol in any household account until `until`."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="restrictions"
    )
    symbol = models.CharField(max_length=32)
    starts = models.DateField()
    until = models.DateField()
    reason = models.CharField(max_length=200)
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.CASCADE, related_name="restrictions"
    )

    objects = RestrictionQuerySet.as_manager()

    class Meta:
        ordering = ["household", "until", "symbol"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "symbol", "proposal"], name="restriction_unique"
            )
        ]


class WashAlert(models.Model):
    """A wash sale that appeared after the loss was taken (the post-trade monitor)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="wash_alerts")
    fingerprint = models.CharField(max_length=200)
    sale_date = models.DateField()
    sale_account = models.CharField(max_length=64)
    symbol = models.CharField(max_length=32)
    replacement_account = models.CharField(max_length=64)
    replacement_symbol = models.CharField(max_length=32)
    replacement_date = models.DateField()
    quantity = models.DecimalField(**QTY)
    disallowed = models.DecimalField(**MONEY)
    permanent = models.BooleanField(default=False)  # retirement-account replacement (R3.2)
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "fingerprint"], name="wash_alert_once"
            )
        ]


class MonitorState(models.Model):
    """The ledger version of a household the wash-sale monitor last checked."""

    household = models.OneToOneField(
        Household, on_delete=models.CASCADE, related_name="monitor_state"
    )
    checked_version = models.PositiveIntegerField(default=0)
    checked_at = models.DateTimeField(auto_now=True)
