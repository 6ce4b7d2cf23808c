"""Forms of the advisors app: sign-in with a small brute-force limiter.

`LoginThrottle` counts failed sign-ins per (username, client address) in Django's cache
(locmem by default, Redis when configured): after `LIMIT` failures within `WINDOW`
seconds that pair is refused — even with the right password — until the window ends.
A successful sign-in clears the count.
"""

from __future__ import annotations

import hashlib

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache

LIMIT = 5
WINDOW = 15 * 60  # seconds


def client_address(request) -> str:
    if request is None:
        return "-"
    return request.META.get("REMOTE_ADDR", "") or "-"


class LoginThrottle:
    def __init__(self, username: str, address: str) -> None:
        digest = hashlib.sha256(f"{username.strip().lower()}|{address}".encode()).hexdigest()
        self.key = f"taxalpha:login-failures:{digest}"

    def failures(self) -> int:
        return int(cache.get(self.key, 0))

    def blocked(self) -> bool:
        return self.failures() >= LIMIT

    def fail(self) -> None:
        if cache.add(self.key, 1, WINDOW):
            return
        try:
            cache.incr(self.key)
        except ValueError:  # expired between add and incr
            cache.add(self.key, 1, WINDOW)

    def clear(self) -> None:
        cache.delete(self.key)


THROTTLED = (
    "Too many failed sign-in attempts for this username from your address. "
    "Sign-in is locked for 15 minutes; try again later or ask an administrator."
)


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": THROTTLED,
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        throttle = LoginThrottle(username, client_address(self.request))
        if throttle.blocked():
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.fail()
            raise
        throttle.clear()
        return cleaned
