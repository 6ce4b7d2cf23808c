from django.apps import AppConfig


class HarvestingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "harvesting"
