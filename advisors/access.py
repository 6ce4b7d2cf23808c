"""THE permission policy (DESIGN.md rule 6). Every view, API class and service asks here.

* Admins (staff) see every household and manage the swap lists; they do not act on
  proposals of households they do not advise unless they advise them.
* Advisors see and act on the households they advise.
* Clients (a `Member` with a login) see their own household, read-only.
* Anyone else sees nothing.

Objects a user may not see answer 404; objects a user may see but not change answer 403.

    visible_households(user)          -> QuerySet of households the user may read
    can_view_household(user, h)       -> bool
    can_act_on_household(user, h)     -> bool   (approve, reject, edit policy, record fills)
    can_manage_swap_lists(user)       -> bool
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from advisors.models import Household

ADVISOR, CLIENT, ADMIN, NONE = "advisor", "client", "admin", "none"


def role_of(user) -> str:
    if user is None or not user.is_authenticated or not user.is_active:
        return NONE
    if user.is_staff:
        return ADMIN
    if Household.objects.filter(advisor=user).exists() or user.groups.filter(
        name="advisors"
    ).exists():
        return ADVISOR
    if getattr(user, "membership", None) is not None:
        return CLIENT
    return NONE


def visible_households(user):
    if user is None or not user.is_authenticated or not user.is_active:
        return Household.objects.none()
    if user.is_staff:
        return Household.objects.all()
    return Household.objects.filter(Q(advisor=user) | Q(members__user=user)).distinct()


def can_view_household(user, household: Household) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff or household.advisor_id == user.id:
        return True
    return household.members.filter(user=user).exists()


def can_act_on_household(user, household: Household) -> bool:
    """Acting (approve, reject, execute, edit policy) is the household's advisor's job."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return household.advisor_id == user.id or (
        user.is_staff and household.advisor_id is None
    )


def can_manage_swap_lists(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def household_for_view(user, **lookup) -> Household:
    """The household by lookup if the user may see it, else 404 (never leak existence)."""
    household = visible_households(user).filter(**lookup).first()
    if household is None:
        raise Http404("No such household")
    return household


def require_act(user, household: Household) -> None:
    """Services call this: a task or command cannot bypass the policy (403 if visible)."""
    if not can_act_on_household(user, household):
        if can_view_household(user, household):
            raise PermissionDenied("You may read this household but not act on it.")
        raise Http404("No such household")


def require_swap_admin(user) -> None:
    if not can_manage_swap_lists(user):
        raise PermissionDenied("Only administrators manage the swap lists.")
