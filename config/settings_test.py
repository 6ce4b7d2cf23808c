"""Test settings: the same configuration, made fast.

Database and Redis still come from `DATABASE_URL` / `REDIS_URL` (CI sets both, so tests
run on PostgreSQL and a real Celery worker); without them, SQLite and in-process tasks.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key")

from config.settings import *  # noqa: E402,F403
from config.settings import DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False
TAXALPHA_DEMO = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["*"]
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_SQLITE_NAME", "")}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# With REDIS_URL set (CI), the scan command asks whether workers answer; most tests run
# none, so keep the question short. The worker tests start a real one.
CELERY_WORKER_PING_TIMEOUT = 0.5
WHITENOISE_AUTOREFRESH = True  # tests serve static files from the finders, not collectstatic
