"""Pages of the advisors app: sign-in, and the home page each role lands on."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from advisors import access, selectors
from advisors.forms import ThrottledAuthenticationForm
from harvesting.selectors import latest_run_status

login = auth_views.LoginView.as_view(
    authentication_form=ThrottledAuthenticationForm, redirect_authenticated_user=True
)
logout = auth_views.LogoutView.as_view()
password_change = auth_views.PasswordChangeView.as_view()
password_change_done = auth_views.PasswordChangeDoneView.as_view()


@login_required
def home(request):
    """Advisors and admins: the dashboard. Clients: their portal."""
    role = access.role_of(request.user)
    if role == access.CLIENT:
        return redirect("portal")
    if role == access.NONE:
        return render(request, "advisors/no_role.html")
    board = selectors.dashboard(request.user, timezone.localdate())
    return render(request, "advisors/dashboard.html", {
        "board": board, "run": latest_run_status(request.user),
        "can_start_run": access.can_start_run(request.user),
    })
