"""Households and their members.

A household is the unit of the wash-sale rule (TAX_RULES R1.4): the taxpayer, the spouse
and every account either of them holds. Its advisor acts on it; a member with a login is
its client and reads it.
"""

from django.conf import settings
from django.db import models

FILING_STATUSES = [
    ("single", "Single"),
    ("married_filing_jointly", "Married filing jointly"),
    ("married_filing_separately", "Married filing separately"),
    ("head_of_household", "Head of household"),
]
ROLES = [("primary", "Primary"), ("spouse", "Spouse")]


class HouseholdQuerySet(models.QuerySet):
    def advised_by(self, user):
        return self.filter(advisor=user)


class Household(models.Model):
    key = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    filing_status = models.CharField(
        max_length=32, choices=FILING_STATUSES, default="married_filing_jointly"
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="advised_households",
    )
    # Bumped whenever its transactions change; the wash-sale monitor compares it.
    ledger_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(filing_status__in=[f for f, _ in FILING_STATUSES]),
                name="household_filing_status_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=16, choices=ROLES)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="membership",
    )

    class Meta:
        ordering = ["household", "role"]
        constraints = [
            # At most one primary and one spouse per household.
            models.UniqueConstraint(fields=["household", "role"], name="member_one_per_role"),
            models.CheckConstraint(
                condition=models.Q(role__in=["primary", "spouse"]), name="member_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


class AuditEvent(models.Model):
    """Who did what, when and why: every state change of a proposal, swap list or policy."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.CASCADE, related_name="audit_events"
    )
    verb = models.CharField(max_length=64)  # e.g. proposal.approved, swap_pair.added
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb}"
