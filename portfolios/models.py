"""Securities, prices, accounts, transactions — and the lot projection.

Transactions are the truth; `Lot` and `RealizedSale` are a cache rebuilt by replaying a
household's transactions through the pure core (DESIGN.md rule 2,
`portfolios.services.household_project`). Money is persisted to the cent, quantities to
1e-8 shares; the computation in between is exact.
"""

from decimal import Decimal

from django.db import models
from django.db.models import Q, Sum

from advisors.models import ROLES, Household

MONEY = {"max_digits": 18, "decimal_places": 2}
QTY = {"max_digits": 24, "decimal_places": 8}
PRICE = {"max_digits": 18, "decimal_places": 6}
RATE = {"max_digits": 7, "decimal_places": 5}

ACCOUNT_TYPES = [
    ("taxable", "Taxable"),
    ("traditional_ira", "Traditional IRA"),
    ("roth_ira", "Roth IRA"),
    ("401k", "401(k)"),
]
LOT_METHODS = [("fifo", "FIFO"), ("hifo", "HIFO"), ("specific", "Specific identification")]
ACTIONS = [("BUY", "Buy"), ("SELL", "Sell"), ("REINVEST", "Reinvest"), ("TRANSFER_IN", "Transfer in")]
TERMS = [("short", "Short-term"), ("long", "Long-term")]
SCHEDULE_KINDS = [("dividend_reinvestment", "Dividend reinvestment"), ("recurring", "Recurring")]


class Security(models.Model):
    symbol = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200, blank=True)
    asset_class = models.CharField(max_length=64, blank=True)
    sector = models.CharField(max_length=100, blank=True)
    sub_industry = models.CharField(max_length=150, blank=True)
    tracked_index = models.CharField(max_length=150, blank=True)
    dividend_yield = models.DecimalField(null=True, blank=True, **RATE)
    tax_efficiency = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["symbol"]
        verbose_name_plural = "securities"

    def __str__(self) -> str:
        return self.symbol


class PriceQuerySet(models.QuerySet):
    def latest_date(self):
        return self.aggregate(d=models.Max("date"))["d"]

    def closes_on(self, day, security_ids=None) -> dict[int, Decimal]:
        """{security_id: close} of the last close on or before `day`, per security.

        One query: a correlated subquery on the (security, date) unique index.
        """
        latest = (
            Price.objects.filter(security_id=models.OuterRef("security_id"), date__lte=day)
            .order_by("-date")
            .values("date")[:1]
        )
        qs = self.filter(date=models.Subquery(latest))
        if security_ids is not None:
            ids = sorted(set(security_ids))
            if not ids:
                return {}
            qs = qs.filter(security_id__in=ids)
        return dict(qs.values_list("security_id", "close"))


class Price(models.Model):
    security = models.ForeignKey(Security, on_delete=models.CASCADE, related_name="prices")
    date = models.DateField()
    close = models.DecimalField(**PRICE)

    objects = PriceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["security", "date"], name="price_one_per_day"),
            models.CheckConstraint(condition=Q(close__gt=0), name="price_positive"),
        ]
        indexes = [models.Index(fields=["date", "security"])]


class Account(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="accounts")
    code = models.CharField(max_length=64)  # the household file's account "id"
    owner = models.CharField(max_length=16, choices=ROLES)
    type = models.CharField(max_length=32, choices=ACCOUNT_TYPES)
    name = models.CharField(max_length=200, blank=True)
    custodian = models.CharField(max_length=100, blank=True)
    lot_method = models.CharField(max_length=16, choices=LOT_METHODS, default="fifo")

    class Meta:
        ordering = ["household", "code"]
        constraints = [
            models.UniqueConstraint(fields=["household", "code"], name="account_code_unique"),
            models.CheckConstraint(
                condition=Q(type__in=[t for t, _ in ACCOUNT_TYPES]), name="account_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(owner__in=["primary", "spouse"]), name="account_owner_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_taxable(self) -> bool:
        return self.type == "taxable"


class Transaction(models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="transactions"
    )
    seq = models.PositiveIntegerField()  # position in the household's list (same-date order)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="transactions")
    date = models.DateField()
    action = models.CharField(max_length=16, choices=ACTIONS)
    security = models.ForeignKey(Security, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**QTY)
    price = models.DecimalField(null=True, blank=True, **PRICE)
    fees = models.DecimalField(default=Decimal(0), **MONEY)
    lot_date = models.DateField(null=True, blank=True)
    cost_basis = models.DecimalField(null=True, blank=True, **MONEY)
    acquired = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=32, default="import")  # import, fill, manual, demo
    # The proposal leg a fill executed: ties a harvest's 8949 rows to its proposal.
    proposal_leg = models.ForeignKey(
        "harvesting.ProposalLeg", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="fills",
    )

    class Meta:
        ordering = ["household", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["household", "seq"], name="transaction_seq_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="transaction_quantity_positive"),
            models.CheckConstraint(condition=Q(fees__gte=0), name="transaction_fees_nonnegative"),
            models.CheckConstraint(
                condition=Q(action__in=[a for a, _ in ACTIONS]), name="transaction_action_valid"
            ),
        ]
        indexes = [models.Index(fields=["household", "date"])]


class ScheduledPurchase(models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="scheduled_purchases"
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    security = models.ForeignKey(Security, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32, choices=SCHEDULE_KINDS)
    next_date = models.DateField()
    every_days = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["household", "next_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(every_days__isnull=True) | Q(every_days__gt=0),
                name="schedule_every_days_positive",
            )
        ]


class TaxProfile(models.Model):
    household = models.OneToOneField(
        Household, on_delete=models.CASCADE, related_name="tax_profile"
    )
    ordinary_rate = models.DecimalField(null=True, blank=True, **RATE)
    st_rate = models.DecimalField(null=True, blank=True, **RATE)
    lt_rate = models.DecimalField(null=True, blank=True, **RATE)
    taxable_income = models.DecimalField(null=True, blank=True, **MONEY)
    magi = models.DecimalField(null=True, blank=True, **MONEY)
    outside_st_gains = models.DecimalField(default=Decimal(0), **MONEY)
    outside_lt_gains = models.DecimalField(default=Decimal(0), **MONEY)
    carryforward_st = models.DecimalField(default=Decimal(0), **MONEY)
    carryforward_lt = models.DecimalField(default=Decimal(0), **MONEY)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(carryforward_st__gte=0) & Q(carryforward_lt__gte=0),
                name="taxprofile_carryforward_nonnegative",
            )
        ]


class LotQuerySet(models.QuerySet):
    def open(self):
        return self.filter(quantity__gt=0)

    def taxable(self):
        return self.filter(account__type="taxable")

    def for_household(self, household):
        return self.filter(household=household)

    def totals(self):
        return self.aggregate(basis=Sum("cost_basis"), quantity=Sum("quantity"))


class Lot(models.Model):
    """An open lot as reported (C7): adjusted basis and holding-period start."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="lots")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="lots")
    security = models.ForeignKey(Security, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**QTY)
    cost_basis = models.DecimalField(**MONEY)
    acquired = models.DateField()  # holding-period start after tacking (R4.3)
    purchase_date = models.DateField()
    purchase_seq = models.PositiveIntegerField()
    wash_adjustment = models.DecimalField(default=Decimal(0), **MONEY)

    objects = LotQuerySet.as_manager()

    class Meta:
        ordering = ["household", "account", "security", "purchase_seq", "acquired"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="lot_quantity_positive"),
            models.CheckConstraint(condition=Q(cost_basis__gte=0), name="lot_basis_nonnegative"),
        ]
        indexes = [
            models.Index(fields=["household", "security"]),
            models.Index(fields=["security"]),
        ]

    @property
    def per_share_basis(self) -> Decimal:
        return self.cost_basis / self.quantity


class RealizedSaleQuerySet(models.QuerySet):
    def in_year(self, year: int):
        return self.filter(date_sold__year=year)

    def washed(self):
        return self.filter(adjustment_code="W")

    def totals(self):
        return self.aggregate(
            st=Sum("gain_loss", filter=Q(term="short")),
            lt=Sum("gain_loss", filter=Q(term="long")),
            disallowed=Sum("adjustment_amount"),
        )


class RealizedSale(models.Model):
    """One Form 8949 row: a SELL in a taxable account × one lot piece it closed."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="realized_sales"
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    security = models.ForeignKey(Security, on_delete=models.PROTECT, related_name="+")
    sale_seq = models.PositiveIntegerField()
    piece = models.PositiveIntegerField()  # order of the piece within its sale (R2.1)
    date_acquired = models.DateField()
    date_sold = models.DateField()
    purchase_date = models.DateField()
    quantity = models.DecimalField(**QTY)
    proceeds = models.DecimalField(**MONEY)
    cost_basis = models.DecimalField(**MONEY)
    adjustment_code = models.CharField(max_length=1, blank=True)
    adjustment_amount = models.DecimalField(default=Decimal(0), **MONEY)
    gain_loss = models.DecimalField(**MONEY)
    term = models.CharField(max_length=8, choices=TERMS)
    broker_term = models.CharField(max_length=8, blank=True)  # §10.1 pure tacking method
    # The replacements that washed it: [{account, symbol, date, quantity, disallowed,
    # basis_added}], strings — the evidence a proposal and the monitor show.
    wash_matches = models.JSONField(default=list, blank=True)

    objects = RealizedSaleQuerySet.as_manager()

    class Meta:
        ordering = ["household", "date_sold", "sale_seq", "piece"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "sale_seq", "piece"], name="realized_piece_unique"
            ),
            models.CheckConstraint(
                condition=Q(adjustment_amount__gte=0), name="realized_adjustment_nonnegative"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="realized_quantity_positive"),
        ]
        indexes = [models.Index(fields=["household", "date_sold"])]

    @property
    def differs_from_broker(self) -> bool:
        return bool(self.broker_term) and self.broker_term != self.term

