"""The production stack as files (DESIGN.md "Runtime", docs/DEPLOY.md): docker-compose.yml
parsed with PyYAML — services, health checks, dependencies, environment — the Dockerfile,
and `check --deploy` with production settings. No Docker engine is needed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def command(service: dict) -> str:
    value = service["command"]
    return " ".join(value) if isinstance(value, list) else value


def test_the_stack_has_its_services(compose):
    assert set(compose["services"]) == {"db", "redis", "migrate", "web", "worker", "beat"}
    assert compose["services"]["db"]["image"].startswith("postgres:")
    assert compose["services"]["redis"]["image"].startswith("redis:")


@pytest.mark.parametrize(("name", "probe"), [("db", "pg_isready"), ("redis", "redis-cli")])
def test_db_and_redis_have_health_checks(compose, name, probe):
    check = compose["services"][name]["healthcheck"]
    assert probe in " ".join(check["test"])
    assert check["retries"] >= 3 and check["interval"]


def test_migrate_runs_once_after_the_database_is_healthy(compose):
    migrate = compose["services"]["migrate"]
    assert "manage.py migrate" in command(migrate)
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {"db": {"condition": "service_healthy"}}


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_migrate_and_healthy_backends(compose, name):
    assert compose["services"][name]["depends_on"] == {
        "migrate": {"condition": "service_completed_successfully"},
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }


@pytest.mark.parametrize("name", ("migrate", *APP_SERVICES))
def test_app_services_are_configured_by_environment(compose, name):
    env = compose["services"][name]["environment"]
    assert env["DEBUG"] == "0"
    assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:6379")
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")  # compose refuses to start without it
    assert "ALLOWED_HOSTS" in env
    assert compose["services"][name]["build"] == "."


def test_web_worker_and_beat_commands(compose):
    services = compose["services"]
    assert command(services["web"]).startswith("gunicorn config.wsgi:application")
    assert "healthcheck" in services["web"] and "8000" in services["web"]["ports"][0]
    assert command(services["worker"]).startswith("celery -A config worker")
    assert command(services["beat"]).startswith("celery -A config beat")
    assert "deploy" not in services["beat"]  # one beat: never replicated


def test_the_dockerfile_collects_static_files_and_runs_gunicorn_unprivileged():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "collectstatic --noinput" in dockerfile
    assert "gunicorn" in dockerfile and "config.wsgi:application" in dockerfile
    assert "USER " in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    for path in (".git", ".venv", "db.sqlite3", ".env"):
        assert path in ignored


def test_whitenoise_serves_the_static_files():
    from django.conf import settings

    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE


def test_deploy_docs_say_how_to_run_and_scale():
    docs = (ROOT / "docs" / "DEPLOY.md").read_text()
    for text in ("docker compose up", "--scale worker=", "REDIS_URL", "DATABASE_URL",
                 "SECRET_KEY", "check --deploy", "one `beat`"):
        assert text in docs, text


def test_check_deploy_finds_no_security_issue_with_production_settings():
    # A clean environment: only what production sets (other tests set e.g.
    # DJANGO_ALLOW_ASYNC_UNSAFE in this process, which check --deploy rightly refuses).
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
    env.update(DEBUG="0", ALLOWED_HOSTS="taxalpha.example.com",
               SECRET_KEY="k3Qx-not-a-real-secret-but-long-and-random-enough-7f2a9c0e5b1d8e4a",
               DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL="sqlite:///:memory:")
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "security." not in output, output
