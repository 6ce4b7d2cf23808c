"""API representations of accounts, lots, realized sales, imports and the tax calculator.

A lot is valued at the latest close on or before today (the view passes `prices` and
`today` in the serializer context); its term is counted by calendar anniversary from its
holding-period start (R4.1, `portfolios.taxlots.holding.term`). A lot without any close has
no price, market value or unrealized gain (null).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from advisors.serializers import MoneyField, PriceField, QuantityField
from portfolios.models import ACCOUNT_TYPES, TERMS, Account, Lot, RealizedSale
from portfolios.taxlots.holding import term as holding_term
from portfolios.taxlots.money import fmt_money


class AccountSerializer(serializers.ModelSerializer):
    household = serializers.CharField(source="household.key", read_only=True)
    code = serializers.CharField(read_only=True, help_text="The household file's account id.")

    class Meta:
        model = Account
        fields = ["id", "household", "code", "owner", "type", "name", "custodian", "lot_method"]
        read_only_fields = fields


class LotSerializer(serializers.ModelSerializer):
    household = serializers.CharField(source="household.key", read_only=True)
    account = serializers.IntegerField(source="account_id", read_only=True)
    account_code = serializers.CharField(source="account.code", read_only=True)
    account_type = serializers.ChoiceField(
        source="account.type", choices=ACCOUNT_TYPES, read_only=True
    )
    symbol = serializers.CharField(source="security.symbol", read_only=True)
    quantity = QuantityField()
    cost_basis = MoneyField(help_text="Total adjusted basis (wash-sale adjustments included).")
    wash_adjustment = MoneyField()
    term = serializers.SerializerMethodField()
    price = serializers.SerializerMethodField()
    market_value = serializers.SerializerMethodField()
    unrealized = serializers.SerializerMethodField()

    class Meta:
        model = Lot
        fields = [
            "id", "household", "account", "account_code", "account_type", "symbol",
            "quantity", "cost_basis", "acquired", "purchase_date", "wash_adjustment",
            "term", "price", "market_value", "unrealized",
        ]
        read_only_fields = fields

    def _price(self, lot):
        return self.context.get("prices", {}).get(lot.security_id)

    @extend_schema_field(serializers.ChoiceField(choices=TERMS))
    def get_term(self, lot) -> str:
        return holding_term(lot.acquired, self.context["today"])

    @extend_schema_field(PriceField(allow_null=True))
    def get_price(self, lot):
        price = self._price(lot)
        return None if price is None else PriceField().to_representation(price)

    @extend_schema_field(MoneyField(allow_null=True))
    def get_market_value(self, lot):
        price = self._price(lot)
        return None if price is None else fmt_money(lot.quantity * price)

    @extend_schema_field(MoneyField(allow_null=True))
    def get_unrealized(self, lot):
        price = self._price(lot)
        return None if price is None else fmt_money(lot.quantity * price - lot.cost_basis)


class WashMatchSerializer(serializers.Serializer):
    account = serializers.CharField()
    symbol = serializers.CharField()
    date = serializers.DateField()
    quantity = QuantityField()
    disallowed = MoneyField()
    basis_added = serializers.BooleanField(
        help_text="False: the replacement is in a retirement account, the loss is lost (R3.2)."
    )


class RealizedSaleSerializer(serializers.ModelSerializer):
    """One Form 8949 row (FORMATS §4) with the evidence of its wash-sale adjustment."""

    household = serializers.CharField(source="household.key", read_only=True)
    account = serializers.IntegerField(source="account_id", read_only=True)
    account_code = serializers.CharField(source="account.code", read_only=True)
    symbol = serializers.CharField(source="security.symbol", read_only=True)
    quantity = QuantityField()
    proceeds = MoneyField()
    cost_basis = MoneyField()
    adjustment_amount = MoneyField()
    gain_loss = MoneyField()
    wash_matches = WashMatchSerializer(many=True, read_only=True)

    class Meta:
        model = RealizedSale
        fields = [
            "id", "household", "account", "account_code", "symbol", "date_acquired",
            "date_sold", "purchase_date", "quantity", "proceeds", "cost_basis",
            "adjustment_code", "adjustment_amount", "gain_loss", "term", "broker_term",
            "wash_matches",
        ]
        read_only_fields = fields


class ImportSummarySerializer(serializers.Serializer):
    """The summary `import_household --format json` prints."""

    household = serializers.CharField()
    created = serializers.BooleanField()
    transactions = serializers.IntegerField()
    open_lots = serializers.IntegerField()
    form_8949_rows = serializers.IntegerField()
    new_securities = serializers.ListField(child=serializers.CharField())


DECIMAL_INPUT = {
    "oneOf": [
        {"type": "string", "pattern": r"^\s*-?\d+(\.\d+)?\s*$", "example": "55000"},
        {"type": "integer"},
    ],
    "description": "A decimal string or a JSON integer; a JSON float is refused.",
}

HOUSEHOLD_FILE_SCHEMA = {
    "type": "object",
    "description": (
        "A household file (FORMATS.md §1). Money, quantities, prices and rates are decimal "
        "strings (JSON integers accepted); a JSON float is refused naming its field. A file "
        "with any bad row changes nothing; the answer lists every problem by row and field."
    ),
    "required": ["key", "accounts"],
    "properties": {
        "key": {"type": "string", "pattern": r"^[A-Za-z0-9_-]{1,64}$"},
        "name": {"type": "string"},
        "filing_status": {
            "type": "string",
            "enum": ["single", "married_filing_jointly", "married_filing_separately",
                     "head_of_household"],
        },
        "advisor": {"type": "string", "description": "Username; advisors may name only themselves."},
        "members": {"type": "array", "items": {"type": "object"}},
        "accounts": {"type": "array", "items": {"type": "object"}},
        "transactions": {"type": "array", "items": {"type": "object"}},
        "scheduled_purchases": {"type": "array", "items": {"type": "object"}},
        "tax_profile": {"type": "object"},
    },
}

HOUSEHOLD_FILE_EXAMPLE = {
    "key": "example",
    "name": "Example household",
    "filing_status": "married_filing_jointly",
    "members": [{"role": "primary", "name": "Pat Example"}],
    "accounts": [{"id": "P-TAX", "owner": "primary", "type": "taxable", "lot_method": "fifo"}],
    "transactions": [
        {"date": "2025-01-06", "account": "P-TAX", "action": "BUY", "symbol": "VOO",
         "quantity": "100", "price": "420.00"},
        {"date": "2025-03-10", "account": "P-TAX", "action": "SELL", "symbol": "VOO",
         "quantity": "40", "price": "385.00", "lot": "2025-01-06"},
    ],
    "tax_profile": {"ordinary_rate": "0.37", "st_rate": "0.408", "lt_rate": "0.238"},
}

NETTING_EXAMPLE = {
    "filing_status": "married_filing_jointly", "st_gains": "0", "st_losses": "74000",
    "lt_gains": "55000", "lt_losses": "0", "carryforward_st": "0", "carryforward_lt": "0",
    "ordinary_rate": "0.37", "lt_rate": "0.238", "st_rate": "0.408",
}

TAX_CALC_INPUT_SCHEMA = {
    "type": "object",
    "description": (
        "The calculation's inputs (FORMATS.md §5): decimal strings or JSON integers; a JSON "
        "float is refused naming its field. Fields a calculation does not read are ignored."
    ),
    "properties": {
        "filing_status": {
            "type": "string",
            "enum": ["single", "married_filing_jointly", "married_filing_separately",
                     "head_of_household"],
        },
        "year": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
        **dict.fromkeys(
            (
                "st_gains", "st_losses", "lt_gains", "lt_losses", "carryforward_st",
                "carryforward_lt", "ordinary_rate", "lt_rate", "st_rate", "taxable_income",
                "magi", "net_investment_income", "ordinary_taxable_income", "lt_gain",
            ),
            DECIMAL_INPUT,
        ),
    },
}

TAX_CALC_OUTPUT_SCHEMA = {
    "type": "object",
    "description": "Money strings with two decimals (derived rates as plain decimals).",
    "additionalProperties": {"type": "string"},
}
