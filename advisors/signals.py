"""Sign-ins in the audit trail: who signed in, and which attempts failed (and from where)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from advisors.models import AuditEvent


def _address(request) -> str:
    return (request.META.get("REMOTE_ADDR", "") if request is not None else "") or ""


@receiver(user_logged_in)
def audit_sign_in(sender, request, user, **kwargs) -> None:
    AuditEvent.objects.create(actor=user, verb="auth.signed_in", object_type="user",
                              object_id=user.username, data={"ip": _address(request)})


@receiver(user_login_failed)
def audit_failed_sign_in(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username", ""))[:150]
    AuditEvent.objects.create(verb="auth.sign_in_failed", object_type="user",
                              object_id=username, data={"ip": _address(request)})
