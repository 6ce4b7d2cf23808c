from django.urls import path

from portfolios import views

urlpatterns = [
    path("households/", views.household_list, name="household_list"),
]
