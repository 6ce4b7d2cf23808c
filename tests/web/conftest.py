"""Web-test fixtures: the personas' world, logged-in clients, a clean cache (the login
limiter lives there) and htmx requests."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from tests.support.personas import build_world


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def as_user(world):
    """as_user("alice") → a test client logged in as that persona (anonymous: none)."""

    def make(persona: str) -> Client:
        client = Client()
        user = world.user(persona)
        if user is not None:
            client.force_login(user)
        return client

    return make


HTMX = {"HTTP_HX_REQUEST": "true"}
