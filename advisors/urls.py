from django.urls import path

from advisors import views

urlpatterns = [
    path("", views.home, name="home"),
]
