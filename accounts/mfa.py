"""Who must use a second factor, and whether this session has passed it.

Required for administrators and staff (the Django admin), advisors and
officials, and for everyone when `MFA_REQUIRED_FOR_EVERYONE` is on. A session
has passed it when allauth recorded an "mfa" authentication in it (the code at
login, or a re-authentication with a code), or when the person enrolled their
first factor in it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def mfa_required(user: Any) -> bool:
    from assessments.models import AdvisorAssignment, OfficialScope

    if not user.is_authenticated:
        return False
    if getattr(settings, "MFA_REQUIRED_FOR_EVERYONE", False):
        return True
    if user.is_superuser or user.is_staff:
        return True
    return (
        AdvisorAssignment.objects.filter(advisor=user).exists()
        or OfficialScope.objects.filter(user=user).exists()
    )


def has_authenticator(user: Any) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def session_passed_mfa(request: HttpRequest) -> bool:
    from allauth.account.internal.flows.login import get_authentication_records

    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def mark_session_passed_mfa(request: HttpRequest, *, kind: str = "totp") -> None:
    """Record a second factor in this session (after a first enrolment)."""
    from allauth.account.internal.flows.login import record_authentication

    record_authentication(request, request.user, method="mfa", type=kind)


def mark_client_passed_mfa(client: Any, user: Any) -> None:
    """Record in a test client's session that `user` passed a second factor, as
    allauth does after a correct code. For the test suite and `manage.py bench`
    only (a `django.test.Client`): production never skips the code step."""
    import time

    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )
    from allauth.account.internal.userkit import user_id_to_str

    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "username": user.get_username()},
        {"method": "mfa", "at": time.time(), "type": "totp"},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()
