"""The REST API under /api/v1/ (issue 5): routes, the OpenAPI schema and its Swagger UI.

Every endpoint's view mixes in `advisors.api.ScopedAPIMixin` (the access policy, errors,
paging, token throttle). The schema (`/api/v1/schema/`) and the Swagger UI
(`/api/v1/docs/`, served from the vendored sidecar: no CDN) are public: they describe the
contract, not any data. Any other path under /api/v1/ answers a JSON 404.
"""

from django.http import JsonResponse
from django.urls import path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from advisors.api import HouseholdViewSet, TokenView
from harvesting.api import (
    ProposalApproveView,
    ProposalFillsView,
    ProposalLegExcludeView,
    ProposalRejectView,
    ProposalViewSet,
    RunViewSet,
    SwapListView,
    SwapPairViewSet,
)
from portfolios.api import (
    AccountViewSet,
    HouseholdImportView,
    LotViewSet,
    RealizedSaleViewSet,
    TaxCalcView,
)


class IdConverter:
    """A database id: at most 18 digits, so a longer number is a JSON 404, not an overflow."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")

router = SimpleRouter()
router.register("households", HouseholdViewSet, basename="api-household")
router.register("accounts", AccountViewSet, basename="api-account")
router.register("lots", LotViewSet, basename="api-lot")
router.register("realized-sales", RealizedSaleViewSet, basename="api-realized-sale")
router.register("proposals", ProposalViewSet, basename="api-proposal")
router.register("runs", RunViewSet, basename="api-run")
router.register("swap-pairs", SwapPairViewSet, basename="api-swap-pair")


def not_found(request, *args, **kwargs):
    return JsonResponse(
        {"message": f"No API endpoint at {request.path}.", "code": "not_found"}, status=404
    )


def server_error(request, *args, **kwargs):
    """500 handler: JSON under /api/ (integrations parse errors), Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"message": "Internal error; it has been logged.", "code": "server_error"},
            status=500,
        )
    from django.views.defaults import server_error as page

    return page(request, *args, **kwargs)


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("household-imports/", HouseholdImportView.as_view(), name="api-household-import"),
    path("proposals/<id:pk>/approve/", ProposalApproveView.as_view(), name="api-proposal-approve"),
    path("proposals/<id:pk>/reject/", ProposalRejectView.as_view(), name="api-proposal-reject"),
    path("proposals/<id:pk>/legs/<id:leg_pk>/exclude/", ProposalLegExcludeView.as_view(),
         name="api-proposal-leg-exclude"),
    path("proposals/<id:pk>/fills/", ProposalFillsView.as_view(), name="api-proposal-fills"),
    path("swap-list/", SwapListView.as_view(), name="api-swap-list"),
    path("tax-calc/<str:kind>/", TaxCalcView.as_view(), name="api-tax-calc"),
    path("tokens/<str:username>/", TokenView.as_view(), name="api-token"),
    *router.urls,
    re_path(r"^.*$", not_found, name="api-not-found"),
]
