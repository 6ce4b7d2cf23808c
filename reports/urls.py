from django.urls import path

from reports import views

urlpatterns = [
    path("portal/", views.portal, name="portal"),
    path("households/<slug:key>/report/", views.household_report, name="household_report"),
]
