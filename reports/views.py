"""Pages of the reports app: the client's tax report (read-only, for every viewer)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from advisors import access
from reports import charts, selectors


def _report(request, household, *, portal: bool):
    report = selectors.tax_report(household, timezone.localdate())
    f = report.figures
    return render(request, "reports/tax_report.html", {
        "report": report, "f": f, "household": household, "portal": portal,
        "chart_months": charts.losses_by_month((m.month, m.st, m.lt) for m in report.months),
        "chart_usage": charts.loss_usage(
            gains_offset=f.gains_offset, deduction=f.deduction, carryforward=f.carryforward_out
        ),
    })


@login_required
@require_GET
def portal(request):
    """A client's landing page: their household's tax report."""
    return _report(request, access.client_household(request.user), portal=True)


@login_required
@require_GET
def household_report(request, key):
    return _report(request, access.household_for_view(request.user, key=key), portal=False)
