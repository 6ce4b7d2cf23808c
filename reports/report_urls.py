"""URLs of the tax-alpha report, the tax forms and the planning tools (under /reports/)."""

from django.urls import path

from reports import report_views as views

urlpatterns = [
    path("", views.book, name="report_book"),
    path("households/<slug:key>/tax-alpha/", views.household_tax_alpha,
         name="report_tax_alpha"),
    path("households/<slug:key>/tax-forms/", views.tax_forms, name="report_tax_forms_latest"),
    path("households/<slug:key>/tax-forms/<int:year>/", views.tax_forms,
         name="report_tax_forms"),
    path("households/<slug:key>/tax-forms/<int:year>/form-8949.csv", views.form_8949_csv,
         name="report_form_8949_csv"),
    path("households/<slug:key>/tax-forms/<int:year>/schedule-d.csv", views.schedule_d_csv,
         name="report_schedule_d_csv"),
    path("households/<slug:key>/planning/", views.planning_index, name="planning_index"),
    path("households/<slug:key>/planning/raise-cash/", views.raise_cash,
         name="planning_raise_cash"),
    path("households/<slug:key>/planning/charitable-gift/", views.charitable_gift,
         name="planning_charitable_gift"),
    path("households/<slug:key>/planning/asset-location/", views.asset_location,
         name="planning_asset_location"),
]
