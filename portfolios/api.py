"""API of the portfolios app: accounts, lots, realized sales, household import, tax calculator.

Reads are scoped by `advisors.api.ScopedAPIMixin`. The household import is the command's
service (`household_import`): same validation, same atomicity, same row-level problems.
Who may import: admins any household; an advisor a household whose `advisor` is
themself or empty (then set to themself), and replace only a household they advise;
clients never (403).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import exceptions, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from advisors import access
from advisors.api import ExactJSONParser, ScopedAPIMixin
from advisors.models import Household
from portfolios import services
from portfolios.filters import AccountFilter, LotFilter, RealizedSaleFilter
from portfolios.models import Account, Lot, RealizedSale
from portfolios.selectors import closes_on
from portfolios.serializers import (
    HOUSEHOLD_FILE_EXAMPLE,
    HOUSEHOLD_FILE_SCHEMA,
    NETTING_EXAMPLE,
    TAX_CALC_INPUT_SCHEMA,
    TAX_CALC_OUTPUT_SCHEMA,
    AccountSerializer,
    ImportSummarySerializer,
    LotSerializer,
    RealizedSaleSerializer,
)
from portfolios.taxlots.calculator import KINDS, calculate


class AccountViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Accounts of the households the user may see."""

    queryset = Account.objects.select_related("household").order_by("household__key", "code")
    serializer_class = AccountSerializer
    filterset_class = AccountFilter


class LotViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Open lots, valued at the latest close on or before today."""

    queryset = Lot.objects.select_related("household", "account", "security").order_by(
        "household__key", "account__code", "security__symbol", "purchase_seq", "acquired", "id"
    )
    serializer_class = LotSerializer
    filterset_class = LotFilter

    def get_serializer(self, *args, **kwargs):
        if args:
            lots = args[0] if kwargs.get("many") else [args[0]]
            today = timezone.localdate()
            kwargs["context"] = {
                **self.get_serializer_context(),
                "today": today,
                "prices": closes_on(today, {lot.security_id for lot in lots}),
            }
        return super().get_serializer(*args, **kwargs)


class RealizedSaleViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Form 8949 rows: one per SELL in a taxable account × lot piece it closed."""

    queryset = RealizedSale.objects.select_related("household", "account", "security").order_by(
        "household__key", "date_sold", "sale_seq", "piece"
    )
    serializer_class = RealizedSaleSerializer
    filterset_class = RealizedSaleFilter


# --- household import ---------------------------------------------------------------------


def import_document_for(user, document):
    """The document `user` may import (advisor filled in), or PermissionDenied (403)."""
    role = access.role_of(user)
    if role == access.ADMIN:
        return document
    if role != access.ADVISOR:
        raise PermissionDenied("Only advisors and administrators import households.")
    if not isinstance(document, dict):
        return document  # the validator refuses it, naming the problem
    named = document.get("advisor")
    if named in (None, ""):
        document = {**document, "advisor": user.username}
    elif isinstance(named, str) and named != user.username:
        raise PermissionDenied(
            'An advisor imports only households they advise: set "advisor" to your '
            "username or leave it out."
        )
    key = document.get("key")
    if isinstance(key, str):
        existing = Household.objects.filter(key=key).first()
        if existing is not None and not access.can_act_on_household(user, existing):
            raise PermissionDenied(
                f"Household {key!r} is not one you advise: you may not replace it."
            )
    return document


class HouseholdImportView(ScopedAPIMixin, APIView):
    """Import (or replace, by key) a household file (FORMATS.md §1), atomically."""

    household_path = None
    parser_classes = [ExactJSONParser]

    @extend_schema(
        request={"application/json": HOUSEHOLD_FILE_SCHEMA},
        responses={201: ImportSummarySerializer, 200: ImportSummarySerializer},
        examples=[OpenApiExample("A household file", value=HOUSEHOLD_FILE_EXAMPLE,
                                 request_only=True)],
        description="201: a new household; 200: an existing one replaced. A refused file "
        "(400) lists every problem by row and field and changes nothing.",
    )
    def post(self, request):
        document = import_document_for(request.user, request.data)
        summary = services.household_import(document=document, actor=request.user)
        body = {
            "household": summary.household.key,
            "created": summary.created,
            "transactions": summary.transactions,
            "open_lots": summary.open_lots,
            "form_8949_rows": summary.realized_rows,
            "new_securities": summary.new_securities,
        }
        code = status.HTTP_201_CREATED if summary.created else status.HTTP_200_OK
        return Response(ImportSummarySerializer(body).data, status=code)


# --- tax calculator -------------------------------------------------------------------------


class TaxCalcView(ScopedAPIMixin, APIView):
    """The tax calculator (FORMATS.md §5): the same calculation as `tax_calc KIND`."""

    household_path = None
    parser_classes = [ExactJSONParser]

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(KINDS))
        ],
        request={"application/json": TAX_CALC_INPUT_SCHEMA},
        responses={200: OpenApiResponse(response=TAX_CALC_OUTPUT_SCHEMA)},
        examples=[OpenApiExample("The worked example (netting)", value=NETTING_EXAMPLE,
                                 request_only=True)],
        operation_id="tax_calc",
    )
    def post(self, request, kind: str):
        if kind not in KINDS:
            raise exceptions.NotFound(f"No calculation {kind!r}; one of {', '.join(KINDS)}.")
        return Response(calculate(kind, request.data))
