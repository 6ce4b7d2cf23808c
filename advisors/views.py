"""Pages of the advisors app."""

from django.shortcuts import redirect


def home(request):
    return redirect("household_list")
