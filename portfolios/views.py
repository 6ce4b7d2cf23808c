"""Pages of the portfolios app: the household page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from advisors import access
from harvesting.forms import PolicyForm
from portfolios.selectors import household_page


@login_required
def household_list(request):
    """The household list is the dashboard (advisors, admins) or the portal (clients)."""
    return redirect("home")


@login_required
@require_GET
def household_detail(request, key):
    household = access.household_for_view(request.user, key=key)
    page = household_page(household, timezone.localdate())
    return render(request, "portfolios/household_detail.html", {
        "page": page, "household": household,
        "can_act": access.can_act_on_household(request.user, household),
        "policy_form": PolicyForm(initial=PolicyForm.initial_from(page.harvest.policy)),
    })
