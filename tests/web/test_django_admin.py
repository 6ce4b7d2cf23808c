"""The Django admin at /django-admin/: staff only; every registered model's list opens."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

MODELS = [
    f"{model._meta.app_label}_{model._meta.model_name}"
    for model in admin.site._registry
    if model._meta.app_label in {"advisors", "portfolios", "harvesting"}
]


def test_our_models_are_registered():
    assert {"advisors_household", "advisors_member", "advisors_auditevent",
            "portfolios_security", "portfolios_lot", "harvesting_proposal",
            "harvesting_swappair", "harvesting_identicalgroup"} <= set(MODELS)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_changelists_open_for_staff(name, world, as_user):
    url = reverse(f"admin:{name}_changelist")
    assert as_user("admin").get(url).status_code == 200
    response = as_user("alice").get(url)
    assert response.status_code == 302 and "/django-admin/login/" in response["Location"]


def test_audit_trail_is_read_only_in_the_admin(world, as_user):
    response = as_user("admin").get(reverse("admin:advisors_auditevent_add"))
    assert response.status_code == 403
