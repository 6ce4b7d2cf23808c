"""URL map: pages per app, the API under /api/v1/, the Django admin for staff."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("api/v1/", include("config.api")),
    path("", include("advisors.urls")),
    path("", include("portfolios.urls")),
    path("", include("harvesting.urls")),
    path("", include("reports.urls")),
    path("reports/", include("reports.report_urls")),
]

handler500 = "config.api.server_error"
