"""Are Celery workers listening? The scan command runs in process when none answer."""

from __future__ import annotations

from django.conf import settings


def workers_available(timeout: float = 1.5) -> bool:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return False
    from config.celery import app

    try:
        return bool(app.control.ping(timeout=timeout))
    except Exception:  # broker down: nobody to send work to
        return False
