"""The Celery application.

With `REDIS_URL` set, tasks go to workers through Redis; without it (the embedded default
of `make run` and a bare `make test`) they run in process (`task_always_eager`), so one
command starts everything on a laptop.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("taxalpha")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
