"""Writes of the advisors app (DESIGN.md rule 3): API tokens, audited."""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from advisors import access
from advisors.models import AuditEvent


@transaction.atomic
def token_issue(*, user, actor) -> Token:
    """A new token for `user` (any previous one stops working), audited."""
    access.require_token_admin(actor)
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    AuditEvent.objects.create(
        actor=actor, verb="api_token.issued", object_type="user", object_id=user.username,
        message=f"API token issued for {user.username}",
    )
    return token


@transaction.atomic
def token_revoke(*, user, actor) -> bool:
    access.require_token_admin(actor)
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        AuditEvent.objects.create(
            actor=actor, verb="api_token.revoked", object_type="user", object_id=user.username,
            message=f"API token revoked for {user.username}",
        )
    return bool(deleted)
