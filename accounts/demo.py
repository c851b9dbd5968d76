"""The demo's second factor: TOTP for the demo administrator, advisor and official.

The secret is stored by allauth.mfa like any other; `manage.py demo_totp NAME`
prints the current code, so that a newcomer can try every role without an
authenticator app. Both refuse to touch anyone but seed_demo's own users and
refuse to run in production.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from allauth.mfa.utils import decrypt
from django.conf import settings


def enrol_totp(user: Any) -> bool:
    """Give a demo user TOTP and recovery codes unless they have them; True if enrolled now."""
    if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        return False
    TOTP.activate(user, generate_totp_secret())
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists():
        RecoveryCodes.activate(user)
    return True


def current_code(user: Any, *, at: float | None = None) -> str:
    import time

    from allauth.mfa import app_settings

    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    counter = int(at if at is not None else time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def demo_allowed() -> bool:
    return not getattr(settings, "PRODUCTION", False)
