"""Pages of the tax-alpha report, Form 8949 / Schedule D and the planning tools.

Each view: the household through `advisors.access` (unseen → 404), a form for the query
string, one computation from `reports.taxalpha` / `schedule_d` / `planning`, render
(DESIGN.md rule 5). Nothing here writes: the planning tools propose, they never trade.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from advisors import access
from reports import figures, planning, schedule_d, taxalpha
from reports.report_forms import AmountForm, AsOfForm, TaxAlphaForm, YearForm


def _assumptions(form: TaxAlphaForm) -> taxalpha.Assumptions:
    data = form.cleaned_data if form.is_valid() else {}
    rate = data.get("discount_rate")
    horizon = data.get("horizon_years")
    return taxalpha.Assumptions(
        taxalpha.DEFAULT_DISCOUNT_RATE if rate is None else rate,
        taxalpha.DEFAULT_HORIZON_YEARS if horizon is None else horizon,
    )


def _year(form, household_ids, today) -> int:
    year = form.cleaned_data.get("year") if form.is_valid() else None
    return year or taxalpha.default_year(household_ids, today)


def _alpha_figures(alpha: taxalpha.TaxAlpha) -> dict:
    labels = [m.label for m in alpha.months]
    return {
        "fig_monthly": figures.monthly(labels, [m.harvested_st for m in alpha.months],
                                       [m.harvested_lt for m in alpha.months],
                                       [m.tax_saved_to_date for m in alpha.months]),
        "fig_usage": figures.usage(offset=alpha.offset_gains, deducted=alpha.deducted,
                                   carried=alpha.carried_forward, disallowed=alpha.disallowed),
        "fig_values": figures.values(labels, [m.taxable_value for m in alpha.months]),
    }


@login_required
@require_GET
def book(request):
    """The advisor's book (admins: every household) for a year."""
    if not access.can_view_runs(request.user):  # advisors and admins
        raise PermissionDenied("The book is for advisors and administrators.")
    households = list(access.dashboard_households(request.user).order_by("name"))
    today = timezone.localdate()
    form = TaxAlphaForm(request.GET or None)
    year = _year(form, [h.id for h in households], today)
    result = taxalpha.book_tax_alpha(households, year, today,
                                     request.user.get_full_name() or request.user.username,
                                     _assumptions(form))
    return render(request, "reports/report_book.html", {
        "book": result, "rows": list(zip(households, result.households, strict=True)),
        "form": form, "year": year,
        "fig_households": figures.by_household(
            [h.label for h in result.households], [h.tax_saved for h in result.households],
            [h.harvested for h in result.households]),
    })


@login_required
@require_GET
def household_tax_alpha(request, key):
    household = access.household_for_view(request.user, key=key)
    today = timezone.localdate()
    form = TaxAlphaForm(request.GET or None)
    year = _year(form, [household.id], today)
    (alpha,) = taxalpha.households_tax_alpha([household], year, today, _assumptions(form))
    return render(request, "reports/report_tax_alpha.html", {
        "household": household, "a": alpha, "form": form, "year": year,
        **_alpha_figures(alpha),
    })


def _forms_for(request, key, year):
    household = access.household_for_view(request.user, key=key)
    return household, schedule_d.household_forms(household, year)


@login_required
@require_GET
def tax_forms(request, key, year=None):
    household = access.household_for_view(request.user, key=key)
    if year is None:
        form = YearForm(request.GET or None)
        year = _year(form, [household.id], timezone.localdate())
    forms = schedule_d.household_forms(household, year)
    return render(request, "reports/report_tax_forms.html", {
        "household": household, "forms": forms, "year": year, "box_note": schedule_d.BOX_NOTE,
        "lines": schedule_d.schedule_d_lines(forms),
        "worksheet": schedule_d.worksheet_rows(forms),
    })


def _csv(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def form_8949_csv(request, key, year):
    household, forms = _forms_for(request, key, year)
    return _csv(schedule_d.form_8949_csv(forms), f"{household.key}-{year}-form-8949.csv")


@login_required
@require_GET
def schedule_d_csv(request, key, year):
    household, forms = _forms_for(request, key, year)
    return _csv(schedule_d.schedule_d_csv(forms), f"{household.key}-{year}-schedule-d.csv")


# --- planning --------------------------------------------------------------------------------


def _as_of(form, household):
    value = form.cleaned_data.get("as_of") if form.is_bound and form.is_valid() else None
    return value or planning.default_as_of(household) or timezone.localdate()


@login_required
@require_GET
def planning_index(request, key):
    household = access.household_for_view(request.user, key=key)
    return render(request, "reports/planning_index.html", {
        "household": household, "as_of": planning.default_as_of(household),
    })


@login_required
@require_GET
def raise_cash(request, key):
    household = access.household_for_view(request.user, key=key)
    form = AmountForm(request.GET or None)
    context = {"household": household, "form": form, "result": None}
    if form.is_bound and form.is_valid():
        as_of = _as_of(form, household)
        result, ctx = planning.household_raise_cash(household, form.cleaned_data["amount"], as_of)
        context.update(result=result, rate_source=ctx.rate_source,
                       fig=figures.choice_vs_fifo(result.choice.tax, result.fifo.tax))
    else:
        context["as_of"] = planning.default_as_of(household)
    return render(request, "reports/planning_raise_cash.html", context)


@login_required
@require_GET
def charitable_gift(request, key):
    household = access.household_for_view(request.user, key=key)
    form = AmountForm(request.GET or None)
    context = {"household": household, "form": form, "result": None}
    if form.is_bound and form.is_valid():
        as_of = _as_of(form, household)
        result, ctx = planning.household_charitable_gift(
            household, form.cleaned_data["amount"], as_of)
        context.update(result=result, rate_source=ctx.rate_source)
    else:
        context["as_of"] = planning.default_as_of(household)
    return render(request, "reports/planning_charitable_gift.html", context)


@login_required
@require_GET
def asset_location(request, key):
    household = access.household_for_view(request.user, key=key)
    form = AsOfForm(request.GET or None)
    as_of = _as_of(form, household)
    result, ctx = planning.household_asset_location(household, as_of)
    return render(request, "reports/planning_asset_location.html", {
        "household": household, "form": form, "result": result, "rate_source": ctx.rate_source,
    })
