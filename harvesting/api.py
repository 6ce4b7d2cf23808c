"""API of the harvesting app: proposals and their commands, harvest runs, swap lists.

Reads and object commands are scoped by `advisors.api.ScopedAPIMixin` (404 outside the
user's households, 403 on a household the user reads but does not act on). Each command
is one small view calling one service; refusals map to statuses in `advisors.api`:
`ProposalRefused` → 409, `SwapListRefused` and refused files → 400.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView

from advisors import access
from advisors.api import ExactJSONParser, ScopedAPIMixin
from harvesting import selectors, services
from harvesting.filters import ProposalFilter, RunFilter, SwapPairFilter
from harvesting.models import HarvestRun, HarvestRunItem, Proposal, ProposalLeg, SwapPair
from harvesting.serializers import (
    ApproveSerializer,
    FillsSerializer,
    LegExcludeSerializer,
    ProposalSerializer,
    RejectSerializer,
    RunDetailSerializer,
    RunSerializer,
    RunStartSerializer,
    SwapListImportSummarySerializer,
    SwapListSerializer,
    SwapPairSerializer,
)

# --- proposals -------------------------------------------------------------------------------


def proposals_for_read():
    legs = ProposalLeg.objects.select_related("account", "sell_security", "buy_security")
    return (
        Proposal.objects.select_related("household", "decided_by")
        .prefetch_related(Prefetch("legs", queryset=legs.order_by("position")))
        .order_by("-as_of", "household__key", "-id")
    )


class ProposalViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Harvest proposals in the FORMATS §6 form (the `export_proposals` object)."""

    queryset = proposals_for_read()
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilter

    @extend_schema(
        responses={(200, "text/csv"): OpenApiTypes.STR},
        description="The order file of the proposal: one SELL row per lot (specific "
        "identification), one BUY row per replacement. For the household's advisor.",
    )
    @action(detail=True, methods=["get"], url_path="orders", filter_backends=[],
            pagination_class=None)
    def orders(self, request, pk=None):
        proposal = self.get_object()
        if not access.can_act_on_household(request.user, proposal.household):
            raise exceptions.PermissionDenied("Only the household's advisor downloads orders.")
        response = HttpResponse(services.proposal_order_file(proposal=proposal),
                                content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="proposal-{proposal.id}-orders.csv"'
        return response


class _ProposalCommand(ScopedAPIMixin, GenericAPIView):
    """POST: the proposal (404 unseen, 403 read-only), the validated body, one service."""

    queryset = Proposal.objects.select_related("household")
    serializer_class = ApproveSerializer

    def post(self, request, pk):
        proposal = self.get_object()
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        self.perform(proposal, body.validated_data)
        return Response(ProposalSerializer(self.scope(proposals_for_read()).get(pk=pk)).data)

    def perform(self, proposal, data) -> None:
        raise NotImplementedError


@extend_schema_view(post=extend_schema(responses={200: ProposalSerializer}))
class ProposalApproveView(_ProposalCommand):
    """Approve a pending proposal; staleness and the wash-sale guard are re-checked (409)."""

    serializer_class = ApproveSerializer

    def perform(self, proposal, data) -> None:
        services.proposal_approve(proposal=proposal, actor=self.request.user,
                                  comment=data["comment"])


@extend_schema_view(post=extend_schema(responses={200: ProposalSerializer}))
class ProposalRejectView(_ProposalCommand):
    serializer_class = RejectSerializer

    def perform(self, proposal, data) -> None:
        services.proposal_reject(proposal=proposal, actor=self.request.user,
                                 comment=data["comment"])


@extend_schema_view(post=extend_schema(responses={200: ProposalSerializer}))
class ProposalFillsView(_ProposalCommand):
    """Record the fills of an approved proposal: transactions, re-projection, restrictions."""

    serializer_class = FillsSerializer

    def perform(self, proposal, data) -> None:
        services.proposal_execute(proposal=proposal, actor=self.request.user,
                                  fills_csv=data["fills_csv"])


@extend_schema_view(post=extend_schema(responses={200: ProposalSerializer}))
class ProposalLegExcludeView(ScopedAPIMixin, GenericAPIView):
    """Leave one leg of a pending proposal out (or put it back with `excluded: false`)."""

    household_path = "proposal__household"
    queryset = ProposalLeg.objects.select_related("proposal__household", "account",
                                                  "sell_security")
    serializer_class = LegExcludeSerializer
    lookup_url_kwarg = "leg_pk"

    def get_queryset(self):
        return super().get_queryset().filter(proposal_id=self.kwargs.get("pk"))

    def post(self, request, pk, leg_pk):
        leg = self.get_object()
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.proposal_leg_exclude(leg=leg, actor=request.user,
                                      excluded=body.validated_data["excluded"])
        return Response(ProposalSerializer(self.scope_proposal(pk)).data)

    def scope_proposal(self, pk):
        visible = access.visible_households(self.request.user).values("id")
        return proposals_for_read().filter(household__in=visible).get(pk=pk)


# --- harvest runs ----------------------------------------------------------------------------


class RunViewSet(
    ScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Harvest runs (advisors and admins) with their progress; POST starts one."""

    household_path = None
    queryset = (
        HarvestRun.objects.select_related("started_by")
        .annotate(
            n_items=Count("items"),
            n_done=Count("items", filter=Q(items__status=HarvestRunItem.DONE)),
            n_failed=Count("items", filter=Q(items__status=HarvestRunItem.FAILED)),
            n_proposals=Count("items", filter=Q(items__proposal_created=True)),
        )
        .order_by("-started_at", "-id")
    )
    filterset_class = RunFilter

    def check_role(self, request) -> None:
        if self.action == "create":
            access.require_run_starter(request.user)
        else:
            access.require_run_viewer(request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return RunStartSerializer
        return RunDetailSerializer if self.action == "retrieve" else RunSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action in ("retrieve", "create") and getattr(self, "run", None) is not None:
            context["items"] = selectors.run_items(self.request.user, self.run)
        return context

    def retrieve(self, request, *args, **kwargs):
        self.run = self.get_object()
        return Response(self.get_serializer(self.run).data)

    @extend_schema(request=RunStartSerializer, responses={201: RunDetailSerializer})
    def create(self, request, *args, **kwargs):
        body = RunStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        keys = self._household_keys(body.validated_data.get("households") or None)
        run = services.harvest_run_start(
            as_of=body.validated_data["as_of"], household_keys=keys,
            actor=request.user, trigger="api",
        )
        self.run = self.get_queryset().get(pk=run.pk)
        data = RunDetailSerializer(self.run, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    def _household_keys(self, requested):
        """The keys to scan: the requested ones, each one the user may scan, or all of those."""
        allowed = access.run_household_keys(self.request.user)
        if allowed is None:  # admins: every household
            if requested:
                allowed = list(
                    access.visible_households(self.request.user)
                    .filter(key__in=requested).values_list("key", flat=True)
                )
            else:
                return None
        if not allowed:
            raise exceptions.ValidationError(
                {"households": ["You advise no households: nothing to scan."]}
            )
        if requested:
            unknown = sorted(set(requested) - set(allowed))
            if unknown:
                raise exceptions.ValidationError({"households": [
                    f"not a household you may scan: {', '.join(unknown)}"
                ]})
            return sorted(set(requested))
        return allowed


# --- swap lists ------------------------------------------------------------------------------


class SwapListView(ScopedAPIMixin, APIView):
    """The firm-wide swap list (FORMATS.md §2): advisors and admins read, admins replace."""

    household_path = None
    parser_classes = [ExactJSONParser]

    def check_role(self, request) -> None:
        if request.method in SAFE_METHODS:
            access.require_swap_reader(request.user)
        else:
            access.require_swap_admin(request.user)

    @extend_schema(responses={200: SwapListSerializer}, operation_id="swap_list_read")
    def get(self, request):
        return Response(services.swap_list_export())

    @extend_schema(
        request=SwapListSerializer,
        responses={200: SwapListImportSummarySerializer},
        operation_id="swap_list_replace",
        description="Replaces the whole list atomically; a refused file (400) lists every "
        "problem and changes nothing.",
    )
    def put(self, request):
        return Response(services.swap_list_import(document=request.data, actor=request.user))


class SwapPairViewSet(
    ScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Ranked replacement candidates: advisors and admins read, admins add and remove."""

    household_path = None
    queryset = SwapPair.objects.order_by("from_symbol", "rank", "to_symbol", "id")
    serializer_class = SwapPairSerializer
    filterset_class = SwapPairFilter

    def check_role(self, request) -> None:
        if request.method in SAFE_METHODS:
            access.require_swap_reader(request.user)
        else:
            access.require_swap_admin(request.user)

    def perform_create(self, serializer):
        serializer.instance = services.swap_pair_save(actor=self.request.user,
                                                      **serializer.validated_data)

    def perform_destroy(self, instance):
        services.swap_pair_delete(actor=self.request.user, pair=instance)
