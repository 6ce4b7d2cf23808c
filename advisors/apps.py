from django.apps import AppConfig


class AdvisorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "advisors"
