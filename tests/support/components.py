"""Real components for tests: skip on a bare machine, fail under CI=true.

Tests needing a real component (PostgreSQL, Redis with a Celery worker, Chromium) call
`require(...)`: on a bare machine they skip saying what to install; under `CI=true` the
same condition fails the test, so CI can never go green by skipping.
"""

from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require(available: bool, what: str, install_hint: str) -> None:
    """Skip (bare machine) or fail (CI) when a real component is missing."""
    if available:
        return
    message = f"needs {what}: {install_hint}"
    if in_ci():
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)
