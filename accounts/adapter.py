"""allauth adapter: no open sign-up (people join by invitation only), and a fresh
login may enrol its first second factor without typing the password again."""

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
            if _first_factor_right_after_login(request):
                return False
        return bool(super().is_reauthentication_required(app=app, **kwargs))

    def send_password_reset_mail(self, user: Any, email: str, context: dict[str, Any]) -> None:
        from accounts.security_log import security_log

        security_log("password_reset_requested", request=self.request, actor=None, target=user)
        super().send_password_reset_mail(user, email, context)


def _first_factor_right_after_login(request: HttpRequest) -> bool:
    """No authenticator yet, and the password was given moments ago in this session."""
    from allauth.account.internal.flows.login import get_authentication_records
    from allauth.mfa.models import Authenticator

    user = request.user
    if not user.is_authenticated or Authenticator.objects.filter(user=user).exists():
        return False
    records = get_authentication_records(request, user)
    return any(
        r.get("method") == "password"
        and time.time() - r.get("at", 0) < app_settings.REAUTHENTICATION_TIMEOUT
        for r in records
    )
