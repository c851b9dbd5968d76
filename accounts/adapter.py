"""allauth adapter: no open sign-up (people join by invitation only), and the
minutes right after a login count as a recent authentication for the MFA pages,
so that a person enrols their first factor and sees their recovery codes without
typing the password again (later, allauth asks again as usual)."""

from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        request = getattr(self, "request", None)
        if app == "allauth.mfa" and request is not None:
            if _password_given_moments_ago(request):
                return False
        return bool(super().is_reauthentication_required(app=app, **kwargs))

    def send_password_reset_mail(self, user: Any, email: str, context: dict[str, Any]) -> None:
        from accounts.security_log import security_log

        security_log("password_reset_requested", request=self.request, actor=None, target=user)
        super().send_password_reset_mail(user, email, context)


def _password_given_moments_ago(request: HttpRequest) -> bool:
    """The password was given in this session less than REAUTHENTICATION_TIMEOUT ago."""
    from allauth.account.internal.flows.login import get_authentication_records

    user = request.user
    if not user.is_authenticated:
        return False
    records = get_authentication_records(request, user)
    return any(
        r.get("method") == "password"
        and time.time() - r.get("at", 0) < app_settings.REAUTHENTICATION_TIMEOUT
        for r in records
    )
