"""Pages of the portfolios app."""

from django.shortcuts import render

from portfolios.selectors import household_list_rows


def household_list(request):
    return render(request, "portfolios/household_list.html", {"rows": household_list_rows()})
