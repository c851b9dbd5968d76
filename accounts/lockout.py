"""Glue between django-axes and the allauth login form.

Axes locks a username together with the client address. The username is taken
from what was typed (username or e-mail, case-folded; an e-mail of a known
account maps to its username, so switching between the two does not double the
attempts). The lockout page says the same for an existing and an unknown
username.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def username_from_request(request: HttpRequest, credentials: dict | None = None) -> str:
    credentials = credentials or {}
    login = (
        credentials.get("login")
        or credentials.get("username")
        or credentials.get("email")
        or request.POST.get("login")
        or request.POST.get("username")
        or ""
    )
    # Capped: axes stores it in a 255-character column (a longer one cannot be a
    # username or an e-mail address anyway).
    login = str(login).strip().casefold()[:254]
    if "@" in login:
        user = get_user_model().objects.filter(email__iexact=login).only("username").first()
        if user is not None:
            return user.get_username().casefold()
    return login


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: dict | None = None
) -> HttpResponse:
    from accounts.security_log import security_log

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    security_log(
        "locked_out",
        request=request,
        target_username=username_from_request(request, credentials),
    )
    return render(request, "account/lockout.html", {"minutes": minutes}, status=429)
