"""Creating, revoking and checking personal API tokens (services)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from interchange.models import ApiToken, new_token, token_digest

MAX_ACTIVE_TOKENS = 10
LIFETIMES = (30, 90, 365)


class TokenRefused(ValueError):
    pass


def token_create(*, user, name: str, days: int) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the token text, shown only once."""
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise TokenRefused(_("Give the token a name of at most 80 characters."))
    if days not in LIFETIMES:
        raise TokenRefused(_("Choose how long the token stays valid."))
    with transaction.atomic():
        if ApiToken.objects.active().filter(user=user).count() >= MAX_ACTIVE_TOKENS:
            raise TokenRefused(
                _("You already have %(n)d active tokens; revoke one first.")
                % {"n": MAX_ACTIVE_TOKENS}
            )
        text = new_token()
        token = ApiToken.objects.create(
            user=user,
            name=name,
            digest=token_digest(text),
            hint=text[:8],
            expires_at=timezone.now() + timedelta(days=days),
        )
    return token, text


def token_revoke(*, user, token_id: int) -> None:
    """Revoke one of the user's own tokens (someone else's is not found)."""
    updated = ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise TokenRefused(_("No such active token."))


def token_user(text: str):
    """The user a presented token stands for, or None."""
    if not text or len(text) > 200:
        return None
    token = (
        ApiToken.objects.active().select_related("user").filter(digest=token_digest(text)).first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
