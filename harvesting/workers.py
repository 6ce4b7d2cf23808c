"""Are Celery workers listening? The scan command runs in process when none answer."""

from __future__ import annotations

from django.conf import settings


def workers_available(timeout: float | None = None) -> bool:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return False
    from config.celery import app

    try:
        wait = timeout if timeout is not None else getattr(settings, "CELERY_WORKER_PING_TIMEOUT", 1.5)
        return bool(app.control.ping(timeout=wait))
    except Exception:  # broker down: nobody to send work to
        return False
