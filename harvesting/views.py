"""Pages of the harvesting app: the proposal queue and page, harvest runs, policies, wash
alerts and the swap lists. Each view: selector → form → service → render (DESIGN.md rule 5).

In-place actions (htmx) answer with the page's named partial; a refused action answers
409 with the reason in the partial, so the page shows why in place. Without htmx the same
URLs redirect back with a message.
"""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from advisors import access
from harvesting import forms, selectors, services
from portfolios.imports.errors import FileErrors


def _htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _back(request, fallback: str):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect(fallback)


# --- proposals -------------------------------------------------------------------------------


@login_required
@require_GET
def proposal_list(request):
    form = forms.ProposalFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.proposal_queue(
        request.user, status=filters.get("status", ""), household_key=filters.get("household", "")
    )
    return render(request, "harvesting/proposal_list.html", {
        "rows": rows, "form": form, "households": selectors.queue_households(request.user),
        "filters": filters,
    })


def _proposal_context(request, pk, **extra):
    page = selectors.proposal_page(request.user, pk)
    return {"page": page, "p": page.proposal, "approve_form": forms.ApproveForm(),
            "reject_form": forms.RejectForm(), "fills_form": forms.FillsForm(),
            "demo": settings.TAXALPHA_DEMO, **extra}


@login_required
@require_GET
def proposal_detail(request, pk):
    return render(request, "harvesting/proposal_detail.html", _proposal_context(request, pk))


def _after_action(request, pk, *, ok: str = "", error: str = "", status: int = 200, **extra):
    """Answer a proposal action: the body partial (htmx) or a redirect with a message."""
    if _htmx(request):
        context = _proposal_context(request, pk, notice=ok, error=error, **extra)
        return render(request, "harvesting/_proposal_body.html", context,
                      status=409 if error and status == 200 else status)
    if error:
        messages.error(request, error)
    elif ok:
        messages.success(request, ok)
    return redirect("proposal_detail", pk=pk)


def _acting_on(request, pk):
    proposal = access.proposal_for_view(request.user, pk)
    access.require_act(request.user, proposal.household)
    return proposal


@login_required
@require_POST
def proposal_approve(request, pk):
    proposal = _acting_on(request, pk)
    form = forms.ApproveForm(request.POST)
    if not form.is_valid():
        return _after_action(request, pk, error="The comment is too long.", status=422)
    try:
        services.proposal_approve(
            proposal=proposal, actor=request.user, comment=form.cleaned_data["comment"]
        )
    except services.ProposalRefused as exc:
        return _after_action(request, pk, error=f"Not approved: {exc}")
    return _after_action(request, pk, ok="Proposal approved.")


@login_required
@require_POST
def proposal_reject(request, pk):
    proposal = _acting_on(request, pk)
    form = forms.RejectForm(request.POST)
    if not form.is_valid():
        error = "; ".join(form.errors.get("comment", ["Invalid comment."]))
        return _after_action(request, pk, error=error, status=422, reject_form_errors=form)
    try:
        services.proposal_reject(
            proposal=proposal, actor=request.user, comment=form.cleaned_data["comment"]
        )
    except services.ProposalRefused as exc:
        return _after_action(request, pk, error=f"Not rejected: {exc}")
    return _after_action(request, pk, ok="Proposal rejected.")


@login_required
@require_POST
def proposal_leg_exclude(request, pk, leg_pk):
    leg = access.leg_for_view(request.user, pk, leg_pk)
    access.require_act(request.user, leg.proposal.household)
    form = forms.LegExcludeForm(request.POST)
    form.is_valid()
    excluded = form.cleaned_data.get("excluded", False)
    try:
        services.proposal_leg_exclude(leg=leg, actor=request.user, excluded=excluded)
    except services.ProposalRefused as exc:
        return _after_action(request, pk, error=f"Leg unchanged: {exc}")
    symbol = leg.sell_security.symbol
    return _after_action(
        request, pk, ok=f"{symbol} leg {'excluded' if excluded else 'included again'}."
    )


@login_required
@require_GET
def proposal_orders(request, pk):
    proposal = _acting_on(request, pk)
    try:
        text = services.proposal_order_file(proposal=proposal)
    except services.ProposalRefused as exc:
        messages.error(request, f"No order file: {exc}")
        return redirect("proposal_detail", pk=pk)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    filename = f"orders-{proposal.household.key}-{proposal.as_of.isoformat()}-{proposal.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def proposal_fills(request, pk):
    proposal = _acting_on(request, pk)
    form = forms.FillsForm(request.POST, request.FILES, demo=settings.TAXALPHA_DEMO)
    if not form.is_valid():
        messages.error(request, " ".join(form.non_field_errors() or ["Invalid fills file."]))
        return redirect("proposal_detail", pk=pk)
    try:
        services.proposal_execute(
            proposal=proposal, actor=request.user, fills_csv=form.cleaned_data["fills_csv"]
        )
    except (services.ProposalRefused, FileErrors) as exc:
        messages.error(request, f"Fills not recorded: {exc}")
        return redirect("proposal_detail", pk=pk)
    messages.success(request, "Fills recorded; the household's lots are updated.")
    return redirect("proposal_detail", pk=pk)


@login_required
@require_POST
def proposal_bulk_approve(request):
    pending = access.visible_proposals(request.user).filter(status="pending")
    form = forms.BulkApproveForm(
        request.POST, proposal_ids=pending.values_list("id", flat=True)
    )
    if not form.is_valid():
        messages.error(request, "Select at least one pending proposal you can see.")
        return _back(request, "proposal_list")
    approved, refused = [], []
    for proposal in pending.filter(id__in=form.cleaned_data["ids"]).select_related("household"):
        if not access.can_act_on_household(request.user, proposal.household):
            refused.append(f"#{proposal.pk} {proposal.household.name}: not your household")
            continue
        try:
            services.proposal_approve(proposal=proposal, actor=request.user)
        except services.ProposalRefused as exc:
            refused.append(f"#{proposal.pk} {proposal.household.name}: {exc}")
        else:
            approved.append(proposal.pk)
    if approved:
        messages.success(request, f"Approved {len(approved)} proposal(s).")
    for line in refused:
        messages.error(request, f"Not approved — {line}")
    return _back(request, "proposal_list")


# --- harvest runs ----------------------------------------------------------------------------


def _run_partial(request):
    return render(request, "harvesting/_run_status.html", {
        "run": selectors.latest_run_status(request.user),
        "can_start_run": access.can_start_run(request.user),
    })


@login_required
@require_GET
def run_latest(request):
    access.require_run_viewer(request.user)
    return _run_partial(request)


@login_required
@require_POST
def run_start(request):
    access.require_run_starter(request.user)
    form = forms.RunStartForm(request.POST)
    keys = access.run_household_keys(request.user)
    if not form.is_valid():
        messages.error(request, "Invalid date.")
    elif keys == []:
        messages.error(request, "You advise no households: nothing to scan.")
    else:
        try:
            services.harvest_run_start(
                as_of=form.cleaned_data.get("as_of"), household_keys=keys,
                actor=request.user, trigger="web",
            )
        except services.HarvestError as exc:
            messages.error(request, f"Run not started: {exc}")
    if _htmx(request):
        return _run_partial(request)
    return redirect("home")


@login_required
@require_GET
def run_detail(request, pk):
    run = selectors.run_for_view(request.user, pk)
    return render(request, "harvesting/run_detail.html", {
        "run": run, "status": selectors.run_status(request.user, run),
        "items": selectors.run_items(request.user, run),
        "recent": selectors.recent_runs(),
    })


# --- household policy and wash alerts ---------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def household_policy(request, key):
    household = access.household_for_view(request.user, key=key)
    access.require_act(request.user, household)
    policy, own = selectors.effective_policy(household)
    form = forms.PolicyForm(request.POST or None, initial=forms.PolicyForm.initial_from(policy))
    if request.method == "POST" and form.is_valid():
        services.policy_update(household=household, actor=request.user, **form.cleaned_data)
        messages.success(request, "Harvest policy saved for this household.")
        return redirect("household_detail", key=key)
    return render(request, "harvesting/policy_form.html", {
        "household": household, "form": form, "own": own,
    }, status=422 if form.errors else 200)


@login_required
@require_POST
def wash_alert_acknowledge(request, key, pk):
    household = access.household_for_view(request.user, key=key)
    alert = access.alert_for_view(request.user, household, pk)
    access.require_act(request.user, household)
    alert = services.wash_alert_acknowledge(alert=alert, actor=request.user)
    if _htmx(request):
        return render(request, "harvesting/_wash_alert_row.html",
                      {"alert": alert, "household": household, "can_act": True})
    messages.success(request, "Wash-sale alert acknowledged.")
    return redirect("household_detail", key=key)


# --- swap lists ------------------------------------------------------------------------------


def _swaplist(request, *, status=200, **extra):
    page = selectors.swap_list_page(request.user, timezone.localdate())
    context = {"page": page, "can_manage": access.can_manage_swap_lists(request.user), **extra}
    return render(request, "harvesting/swaplist.html", context, status=status)


@login_required
@require_GET
def swaplist(request):
    return _swaplist(request)


def _pair_form_page(request, form, pair=None, status=200):
    return render(request, "harvesting/swap_pair_form.html",
                  {"form": form, "pair": pair}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def swap_pair_add(request):
    access.require_swap_admin(request.user)
    form = forms.SwapPairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pair = services.swap_pair_save(actor=request.user, **form.cleaned_data)
        except services.SwapListRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Swap pair {pair.from_symbol} → {pair.to_symbol} added.")
            return redirect("swaplist")
    return _pair_form_page(request, form, status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def swap_pair_edit(request, pk):
    pair = selectors.pair_for_edit(request.user, pk)
    initial = {"from_symbol": pair.from_symbol, "to_symbol": pair.to_symbol, "rank": pair.rank}
    form = forms.SwapPairForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.swap_pair_save(actor=request.user, pair=pair, **form.cleaned_data)
        except services.SwapListRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Swap pair saved.")
            return redirect("swaplist")
    return _pair_form_page(request, form, pair, status=422 if form.errors else 200)


@login_required
@require_POST
def swap_pair_delete(request, pk):
    pair = selectors.pair_for_edit(request.user, pk)
    label = f"{pair.from_symbol} → {pair.to_symbol}"
    services.swap_pair_delete(actor=request.user, pair=pair)
    messages.success(request, f"Swap pair {label} removed.")
    return redirect("swaplist")


def _group_form_page(request, form, group=None, status=200):
    return render(request, "harvesting/identical_group_form.html",
                  {"form": form, "group": group}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def identical_group_add(request):
    access.require_swap_admin(request.user)
    form = forms.IdenticalGroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.identical_group_save(actor=request.user, symbols=form.cleaned_data["symbols"])
        except services.SwapListRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Identical group added; households are re-projected.")
            return redirect("swaplist")
    return _group_form_page(request, form, status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def identical_group_edit(request, pk):
    group = selectors.group_for_edit(request.user, pk)
    form = forms.IdenticalGroupForm(
        request.POST or None, initial={"symbols": ", ".join(group.symbols())}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.identical_group_save(
                actor=request.user, symbols=form.cleaned_data["symbols"], group=group
            )
        except services.SwapListRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Identical group saved; households are re-projected.")
            return redirect("swaplist")
    return _group_form_page(request, form, group, status=422 if form.errors else 200)


@login_required
@require_POST
def identical_group_delete(request, pk):
    group = selectors.group_for_edit(request.user, pk)
    services.identical_group_delete(actor=request.user, group=group)
    messages.success(request, "Identical group removed; households are re-projected.")
    return redirect("swaplist")


@login_required
@require_http_methods(["GET", "POST"])
def swaplist_import(request):
    access.require_swap_admin(request.user)
    form = forms.SwapListImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            summary = services.swap_list_import(
                document=form.cleaned_data["file"], actor=request.user
            )
        except FileErrors as exc:
            for problem in exc.problems[:20]:
                form.add_error(None, str(problem))
        else:
            messages.success(
                request,
                f"Swap list replaced: {summary['identical_groups']} identical groups, "
                f"{summary['swap_pairs']} swap pairs.",
            )
            return redirect("swaplist")
    return render(request, "harvesting/swaplist_import.html", {"form": form},
                  status=422 if form.errors else 200)


@login_required
@require_GET
def swaplist_export(request):
    access.require_swap_reader(request.user)
    document = services.swap_list_export()
    response = HttpResponse(json.dumps(document, indent=2) + "\n",
                            content_type="application/json")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="swaplist-{stamp}.json"'
    return response
