from django.apps import AppConfig


class AdvisorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "advisors"

    def ready(self) -> None:
        from advisors import signals  # noqa: F401  (connects the audit receivers)
