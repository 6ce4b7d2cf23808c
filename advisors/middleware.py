"""htmx and an expired session.

An in-place action (approve, reject, the run panel's polling) is an XHR: when the session
has expired, the view's redirect to the login page would be followed inside the request
and the login form swapped into the panel. For an htmx request, that redirect becomes an
`HX-Redirect` to the login page instead, with `next` pointing at the page the advisor was
on (htmx's `HX-Current-URL`, reduced to its path so it cannot send anyone off-site), so
signing in again returns them to it.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import resolve_url


class HtmxLoginRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.headers.get("HX-Request") != "true" or response.status_code != 302:
            return response
        login = resolve_url(settings.LOGIN_URL)
        if urlsplit(response.get("Location", "")).path != login:
            return response
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        back = current.path or "/"
        if current.query:
            back += "?" + current.query
        redirect = HttpResponse(status=204)
        redirect["HX-Redirect"] = f"{login}?{urlencode({'next': back})}"
        return redirect
