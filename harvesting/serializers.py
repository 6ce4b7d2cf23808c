"""API representations of proposals, harvest runs and swap lists, and the commands' inputs.

A proposal is the FORMATS §6 object of `harvesting.proposal_format.proposal_document` —
the same one `export_proposals` writes — extended only by optional fields: each leg's
`id` (for the exclude command), the legs left out (`excluded_legs`), the decision and the
run. The serializers below declare that shape for the OpenAPI schema.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from advisors.serializers import MoneyField, PriceField, QuantityField
from harvesting.models import HarvestRun, Proposal, SwapPair
from harvesting.proposal_format import proposal_document

MONEY_STRING = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "example": "750.00"}
PRICE_STRING = {"type": "string", "pattern": r"^(\d+\.\d{2})?$", "example": "291.33"}


# --- proposals (the FORMATS §6 document) ---------------------------------------------------------


class LegLotSerializer(serializers.Serializer):
    acquired = serializers.DateField()
    quantity = QuantityField()


class LegSellSerializer(serializers.Serializer):
    symbol = serializers.CharField()
    quantity = QuantityField()
    lots = LegLotSerializer(many=True)
    price = PriceField()


@extend_schema_field(PRICE_STRING)
class _BuyPrice(serializers.CharField):
    """The replacement's price, or "" when the leg has no replacement."""


class LegBuySerializer(serializers.Serializer):
    symbol = serializers.CharField(allow_blank=True, help_text='"" when there is no replacement.')
    quantity = QuantityField()
    price = _BuyPrice(allow_blank=True)


class ProposalLegSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="For the exclude command.")
    account = serializers.CharField()
    sell = LegSellSerializer()
    buy = LegBuySerializer()
    loss_st = MoneyField()
    loss_lt = MoneyField()
    replacement_reason = serializers.CharField(allow_blank=True)
    replacement_risk = serializers.CharField(allow_blank=True)


class ExcludedLegSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    account = serializers.CharField()
    symbol = serializers.CharField()


class SkippedSerializer(serializers.Serializer):
    account = serializers.CharField()
    symbol = serializers.CharField()
    reason = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)


class ProposalSerializer(serializers.Serializer):
    """FORMATS §6, plus optional fields. Losses are positive amounts."""

    id = serializers.IntegerField()
    household = serializers.CharField()
    as_of = serializers.DateField()
    kind = serializers.ChoiceField(choices=[Proposal.HARVEST, Proposal.SWAP_BACK])
    status = serializers.ChoiceField(choices=Proposal.STATUSES)
    legs = ProposalLegSerializer(many=True)
    harvested_loss_st = MoneyField()
    harvested_loss_lt = MoneyField()
    estimated_tax_savings = MoneyField()
    skipped = SkippedSerializer(many=True)
    warnings = serializers.ListField(child=serializers.CharField())
    excluded_legs = ExcludedLegSerializer(many=True)
    run = serializers.IntegerField(allow_null=True)
    comment = serializers.CharField(allow_blank=True)
    decided_by = serializers.CharField(allow_null=True, help_text="Username.")
    decided_at = serializers.DateTimeField(allow_null=True)
    executed_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, proposal):
        document = proposal_document(proposal)
        legs = sorted(proposal.legs.all(), key=lambda leg: leg.position)
        kept = [leg for leg in legs if not leg.excluded]
        for doc_leg, leg in zip(document["legs"], kept, strict=True):
            doc_leg["id"] = leg.id
        field = serializers.DateTimeField()
        return document | {
            "excluded_legs": [
                {"id": leg.id, "account": leg.account.code, "symbol": leg.sell_security.symbol}
                for leg in legs
                if leg.excluded
            ],
            "run": proposal.run_id,
            "comment": proposal.comment,
            "decided_by": proposal.decided_by.username if proposal.decided_by else None,
            "decided_at": field.to_representation(proposal.decided_at)
            if proposal.decided_at else None,
            "executed_at": field.to_representation(proposal.executed_at)
            if proposal.executed_at else None,
        }


class ApproveSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class RejectSerializer(serializers.Serializer):
    WHY = "Say why: a rejection needs a comment."
    comment = serializers.CharField(
        max_length=2000, error_messages={"required": WHY, "blank": WHY},
        help_text="Why the proposal is rejected (required, for the audit trail).",
    )


class LegExcludeSerializer(serializers.Serializer):
    excluded = serializers.BooleanField(
        required=False, default=True, help_text="false puts an excluded leg back."
    )


class FillsSerializer(serializers.Serializer):
    fills_csv = serializers.CharField(
        required=False, allow_null=True, default=None, trim_whitespace=False,
        help_text="The custodian's fills file (CSV: account,side,symbol,quantity,price[,date,"
        "lot,fees]). Omitted in demo mode: every order fills at the as-of close.",
    )


# --- harvest runs ----------------------------------------------------------------------------


class RunProgressSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    failed = serializers.IntegerField()
    pending = serializers.IntegerField()
    percent = serializers.IntegerField()
    proposals_created = serializers.IntegerField()


class RunItemSerializer(serializers.Serializer):
    household = serializers.CharField(source="household.key")
    status = serializers.CharField()
    proposal_created = serializers.BooleanField()
    error = serializers.CharField(allow_blank=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class RunSerializer(serializers.ModelSerializer):
    started_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    progress = serializers.SerializerMethodField()

    class Meta:
        model = HarvestRun
        fields = [
            "id", "as_of", "status", "trigger", "households_total", "started_at",
            "finished_at", "started_by", "progress",
        ]
        read_only_fields = fields

    @extend_schema_field(RunProgressSerializer)
    def get_progress(self, run) -> dict:
        """Counted from the run's items (annotated by the view): finished = done + failed."""
        total = max(run.households_total, run.n_items)
        finished = run.n_done + run.n_failed
        if total:
            percent = min(100, finished * 100 // total)
        else:
            percent = 0 if run.status == HarvestRun.RUNNING else 100
        return {
            "total": total, "done": run.n_done, "failed": run.n_failed,
            "pending": max(0, total - finished), "percent": percent,
            "proposals_created": run.n_proposals,
        }


class RunDetailSerializer(RunSerializer):
    items = serializers.SerializerMethodField()

    class Meta(RunSerializer.Meta):
        fields = [*RunSerializer.Meta.fields, "items"]
        read_only_fields = fields

    @extend_schema_field(RunItemSerializer(many=True))
    def get_items(self, run):
        """The items of households the user may see."""
        return RunItemSerializer(self.context["items"], many=True).data


class RunStartSerializer(serializers.Serializer):
    as_of = serializers.DateField(
        required=False, allow_null=True, default=None,
        help_text="Default: the latest date with prices.",
    )
    households = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, allow_empty=True,
        help_text="Household keys; default: every household you may scan (advisors: the "
        "ones they advise; admins: all).",
    )


# --- swap lists ------------------------------------------------------------------------------


class SwapListPairSerializer(serializers.Serializer):
    # "from" is a keyword in Python: the two symbol fields are added by name in get_fields.
    rank = serializers.IntegerField(min_value=1)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.CharField()
        fields["to"] = serializers.CharField()
        return fields


class SwapListSerializer(serializers.Serializer):
    """FORMATS.md §2: the firm-wide swap list. PUT replaces it whole, atomically."""

    identical_groups = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField())
    )
    swap_pairs = SwapListPairSerializer(many=True)


class SwapListImportSummarySerializer(serializers.Serializer):
    identical_groups = serializers.IntegerField()
    swap_pairs = serializers.IntegerField()
    households_reprojected = serializers.IntegerField()


class SwapPairSerializer(serializers.ModelSerializer):
    rank = serializers.IntegerField(min_value=1, max_value=1_000_000)
    from_symbol = serializers.CharField(max_length=32)
    to_symbol = serializers.CharField(max_length=32)

    class Meta:
        model = SwapPair
        fields = ["id", "from_symbol", "to_symbol", "rank", "created_at"]
        read_only_fields = ["id", "created_at"]
