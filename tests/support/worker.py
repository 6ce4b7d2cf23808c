"""A real Celery worker process for tests, on the test database and Redis.

Needs PostgreSQL (a SQLite test database lives in this process's memory) and `REDIS_URL`.
The worker runs the project's tasks with the test settings; tests using it must commit
their data (`transactional_db`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.db import connection

from tests.support.components import require

ROOT = Path(__file__).resolve().parents[2]


def require_worker_components() -> str:
    redis_url = os.environ.get("REDIS_URL", "")
    require(bool(redis_url), "Redis for a real Celery worker",
            "install redis-server and set REDIS_URL=redis://127.0.0.1:6379/15")
    require(connection.vendor == "postgresql", "PostgreSQL for a worker sharing the test database",
            "install postgresql and set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test")
    return redis_url


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    def __init__(self, redis_url: str) -> None:
        self.name = f"test-{uuid.uuid4().hex[:8]}@%h"
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings_test",
            DATABASE_URL=database_url(),
            REDIS_URL=redis_url,
            PYTHONPATH=str(ROOT),
        )
        self.log = open(ROOT / "artifacts" / "celery-worker.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
             "--loglevel=INFO", "-n", self.name, "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        from config.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the Celery worker exited; see artifacts/celery-worker.log")
            if app.control.ping(timeout=0.5):
                return
        raise RuntimeError("the Celery worker did not answer in time")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def start_worker(redis_url: str) -> Worker:
    (ROOT / "artifacts").mkdir(exist_ok=True)
    from config.celery import app

    app.control.purge()
    worker = Worker(redis_url)
    worker.wait_ready()
    return worker
