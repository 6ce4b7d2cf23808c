"""API representations of households, and the value fields every API module shares.

Money, quantities, prices and rates leave the API as decimal strings in the product's
output formats (FORMATS.md general rules): money with exactly two decimals (`"750.00"`),
quantities without trailing zeros (`"2.5"`), rates as plain decimals (`"0.238"`); dates
are ISO. The OpenAPI schema states each as a string with its pattern.

    >>> MoneyField().to_representation(Decimal("-74000"))
    '-74000.00'
    >>> QuantityField().to_representation(Decimal("1321.50000000"))
    '1321.5'
    >>> PriceField().to_representation(Decimal("79.001200"))
    '79.0012'
"""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from advisors.models import Household, Member
from portfolios.taxlots.money import fmt_money, fmt_qty

MONEY_PATTERN = r"^-?\d+\.\d{2}$"
QUANTITY_PATTERN = r"^\d+(\.\d+)?$"
PRICE_PATTERN = r"^\d+\.\d{2,}$"
RATE_PATTERN = r"^-?\d+(\.\d+)?$"


def fmt_price(value: Decimal) -> str:
    """A per-share price: at least two decimals, no trailing zeros beyond them."""
    text = f"{value.normalize():f}"
    if "." not in text or len(text.split(".")[1]) < 2:
        return fmt_money(value)
    return text


def fmt_rate(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return "0" if Decimal(text) == 0 else text


class _DecimalString(serializers.Field):
    """A read-only Decimal written as a string by `fmt` (None stays null)."""

    fmt = staticmethod(str)

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return self.fmt(value if isinstance(value, Decimal) else Decimal(str(value)))


@extend_schema_field(
    {"type": "string", "format": "decimal", "pattern": MONEY_PATTERN, "example": "750.00"}
)
class MoneyField(_DecimalString):
    fmt = staticmethod(fmt_money)


@extend_schema_field(
    {"type": "string", "format": "decimal", "pattern": QUANTITY_PATTERN, "example": "1321.5"}
)
class QuantityField(_DecimalString):
    fmt = staticmethod(fmt_qty)


@extend_schema_field(
    {"type": "string", "format": "decimal", "pattern": PRICE_PATTERN, "example": "291.33"}
)
class PriceField(_DecimalString):
    fmt = staticmethod(fmt_price)


@extend_schema_field(
    {"type": "string", "format": "decimal", "pattern": RATE_PATTERN, "example": "0.238"}
)
class RateField(_DecimalString):
    fmt = staticmethod(fmt_rate)


# --- errors (documentation of the exception handler's body) ----------------------------------


class ProblemSerializer(serializers.Serializer):
    row = serializers.CharField(help_text="Where in the file: `transactions[3]`, `line 12`.")
    field = serializers.CharField()
    message = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """Every error answer: a message; validation errors add the offending fields."""

    message = serializers.CharField()
    code = serializers.CharField()
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Validation errors: {field: [messages]}.",
    )
    problems = ProblemSerializer(
        many=True, required=False, help_text="A refused file: every bad row, nothing written."
    )


# --- households ------------------------------------------------------------------------------


class HouseholdSerializer(serializers.ModelSerializer):
    advisor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Household
        fields = ["key", "name", "filing_status", "advisor", "ledger_version", "updated_at"]
        read_only_fields = fields


class MemberSerializer(serializers.ModelSerializer):
    email = serializers.CharField(read_only=True, help_text='An email address, or "".')

    class Meta:
        model = Member
        fields = ["role", "name", "email"]
        read_only_fields = fields


class HouseholdAccountSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True, help_text="The household file's account id.")
    owner = serializers.CharField(read_only=True)
    type = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    custodian = serializers.CharField(read_only=True)
    lot_method = serializers.CharField(read_only=True)


class TaxProfileSerializer(serializers.Serializer):
    ordinary_rate = RateField(allow_null=True)
    st_rate = RateField(allow_null=True)
    lt_rate = RateField(allow_null=True)
    taxable_income = MoneyField(allow_null=True)
    magi = MoneyField(allow_null=True)
    outside_st_gains = MoneyField()
    outside_lt_gains = MoneyField()
    carryforward_st = MoneyField()
    carryforward_lt = MoneyField()


class HouseholdDetailSerializer(HouseholdSerializer):
    members = MemberSerializer(many=True, read_only=True)
    accounts = HouseholdAccountSerializer(many=True, read_only=True)
    tax_profile = serializers.SerializerMethodField()

    class Meta(HouseholdSerializer.Meta):
        fields = [*HouseholdSerializer.Meta.fields, "members", "accounts", "tax_profile"]
        read_only_fields = fields

    @extend_schema_field(TaxProfileSerializer(allow_null=True))
    def get_tax_profile(self, household):
        profile = getattr(household, "tax_profile", None)
        return None if profile is None else TaxProfileSerializer(profile).data


# --- tokens ----------------------------------------------------------------------------------


class TokenSerializer(serializers.Serializer):
    username = serializers.CharField(read_only=True)
    token = serializers.CharField(read_only=True, help_text="Send as `Authorization: Token <token>`.")
    created = serializers.DateTimeField(read_only=True)
