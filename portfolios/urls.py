from django.urls import path

from portfolios import views

urlpatterns = [
    path("households/", views.household_list, name="household_list"),
    path("households/<slug:key>/", views.household_detail, name="household_detail"),
]
