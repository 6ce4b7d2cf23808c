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
    can_view_swap_lists(user)         -> bool   (advisors read the list their proposals use)
    can_start_run(user)               -> bool   (advisors: their households; admins: all)
    run_household_keys(user)          -> None (every household) or the keys a run may scan
    visible_proposals(user)           -> QuerySet of proposals of visible households
    household_for_view / proposal_for_view / leg_for_view / alert_for_view -> object or 404
    require_act / require_swap_admin / require_swap_reader / require_run_starter -> or 403
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from advisors.models import Household

ADVISOR, CLIENT, ADMIN, NONE = "advisor", "client", "admin", "none"


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def role_of(user) -> str:
    """The user's role; computed once per user object (a request reuses it)."""
    if not _active(user):
        return NONE
    cached = getattr(user, "_taxalpha_role", None)
    if cached is not None:
        return cached
    if user.is_staff:
        role = ADMIN
    elif Household.objects.filter(advisor=user).exists() or user.groups.filter(
        name="advisors"
    ).exists():
        role = ADVISOR
    elif Household.objects.filter(members__user=user).exists():
        role = CLIENT
    else:
        role = NONE
    user._taxalpha_role = role
    return role


def visible_households(user):
    if not _active(user):
        return Household.objects.none()
    if user.is_staff:
        return Household.objects.all()
    return Household.objects.filter(Q(advisor=user) | Q(members__user=user)).distinct()


def dashboard_households(user):
    """The households on a user's dashboard: all for admins, the advised ones for advisors."""
    if not _active(user):
        return Household.objects.none()
    if user.is_staff:
        return Household.objects.all()
    return Household.objects.filter(advisor=user)


def can_view_household(user, household: Household) -> bool:
    if not _active(user):
        return False
    if user.is_staff or household.advisor_id == user.id:
        return True
    return household.members.filter(user=user).exists()


def can_act_on_household(user, household: Household) -> bool:
    """Acting (approve, reject, execute, edit policy) is the household's advisor's job."""
    if not _active(user):
        return False
    return household.advisor_id == user.id or (
        user.is_staff and household.advisor_id is None
    )


def can_manage_swap_lists(user) -> bool:
    return bool(_active(user) and user.is_staff)


def can_view_swap_lists(user) -> bool:
    """The firm's swap list is no secret: everyone signed in reads it (issue 5)."""
    return _active(user)


def can_manage_tokens(user) -> bool:
    return bool(_active(user) and user.is_staff)


def can_start_run(user) -> bool:
    return role_of(user) in (ADMIN, ADVISOR)


def can_view_runs(user) -> bool:
    return role_of(user) in (ADMIN, ADVISOR)


def run_household_keys(user) -> list[str] | None:
    """What a scan started by `user` may cover: None = every household (admins)."""
    if can_manage_swap_lists(user):
        return None
    return list(dashboard_households(user).values_list("key", flat=True))


def household_for_view(user, **lookup) -> Household:
    """The household by lookup if the user may see it, else 404 (never leak existence)."""
    household = visible_households(user).filter(**lookup).first()
    if household is None:
        raise Http404("No such household")
    return household


def client_household(user) -> Household:
    """The household a client belongs to (the portal), else 404."""
    if not _active(user):
        raise Http404("No household")
    household = Household.objects.filter(members__user=user).first()
    if household is None:
        raise Http404("No household")
    return household


def visible_proposals(user):
    from harvesting.models import Proposal

    if not _active(user):
        return Proposal.objects.none()
    if user.is_staff:
        return Proposal.objects.all()
    return Proposal.objects.filter(household_id__in=visible_households(user).values("id"))


def proposal_for_view(user, pk):
    proposal = visible_proposals(user).select_related("household").filter(pk=pk).first()
    if proposal is None:
        raise Http404("No such proposal")
    return proposal


def leg_for_view(user, proposal_pk, leg_pk):
    from harvesting.models import ProposalLeg

    proposal = proposal_for_view(user, proposal_pk)
    leg = ProposalLeg.objects.filter(proposal=proposal, pk=leg_pk).first()
    if leg is None:
        raise Http404("No such leg")
    leg.proposal = proposal
    return leg


def alert_for_view(user, household: Household, pk):
    from harvesting.models import WashAlert

    alert = WashAlert.objects.filter(household=household, pk=pk).first()
    if alert is None:
        raise Http404("No such alert")
    return alert


def require_act(user, household: Household) -> None:
    """Services call this: a task or command cannot bypass the policy (403 if visible)."""
    if not can_act_on_household(user, household):
        if can_view_household(user, household):
            raise PermissionDenied("You may read this household but not act on it.")
        raise Http404("No such household")


def require_token_admin(user) -> None:
    if not can_manage_tokens(user):
        raise PermissionDenied("Only administrators issue and revoke API tokens.")


def require_swap_admin(user) -> None:
    if not can_manage_swap_lists(user):
        raise PermissionDenied("Only administrators manage the swap lists.")


def require_swap_reader(user) -> None:
    if not can_view_swap_lists(user):
        raise PermissionDenied("The swap list is for advisors and administrators.")


def require_run_starter(user) -> None:
    if not can_start_run(user):
        raise PermissionDenied("Only advisors and administrators start harvest runs.")


def require_run_viewer(user) -> None:
    if not can_view_runs(user):
        raise PermissionDenied("Harvest runs are for advisors and administrators.")
