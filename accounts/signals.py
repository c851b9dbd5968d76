"""The security log's receivers: logins, failures, MFA, passwords, roles.

Signals are used here (and only here) because the events are raised by Django,
allauth and the admin, far from any view of ours.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.account.signals import password_changed, password_reset
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from accounts import mfa
from accounts.lockout import username_from_request
from accounts.middleware import SESSION_SEEN, SESSION_STARTED
from accounts.security_log import security_log
from assessments.models import AdvisorAssignment, Membership, OfficialScope

User = get_user_model()


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is None:
        return
    now = time.time()
    request.session[SESSION_STARTED] = now
    request.session[SESSION_SEEN] = now
    security_log("login", request=request, actor=user, target=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and user is not None:
        security_log("logout", request=request, actor=user, target=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    # The password is never stored; Django already masks it in `credentials`.
    typed = username_from_request(request, credentials) if request is not None else ""
    security_log("login_failed", request=request, actor=None, target_username=typed)


@receiver(authenticator_added)
def _mfa_added(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    security_log("mfa_enrolled", request=request, actor=user, target=user, kind=authenticator.type)
    if request is not None and getattr(request, "user", None) == user:
        # Enrolling the first factor in this session counts as having used it.
        mfa.mark_session_passed_mfa(request, kind=authenticator.type)


@receiver(authenticator_removed)
def _mfa_removed(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    security_log("mfa_removed", request=request, actor=user, target=user, kind=authenticator.type)


@receiver(authenticator_reset)
def _mfa_reset(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    security_log("mfa_removed", request=request, actor=user, target=user, kind="recovery_codes")


@receiver(password_changed)
def _password_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    security_log("password_changed", request=request, actor=user, target=user)


@receiver(password_reset)
def _password_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    security_log("password_reset", request=request, actor=user, target=user)


# --- roles --------------------------------------------------------------------


@receiver(post_save, sender=Membership)
def _membership_saved(sender: Any, instance: Membership, created: bool, **kwargs: Any) -> None:
    security_log(
        "role_granted",
        target=instance.user,
        obj=instance.organisation,
        role=instance.role,
        change="granted" if created else "changed",
    )


@receiver(post_delete, sender=Membership)
def _membership_deleted(sender: Any, instance: Membership, **kwargs: Any) -> None:
    security_log(
        "role_revoked",
        target_username=_username_of(instance.user_id),
        organisation=str(instance.organisation_id),
        role=instance.role,
    )


@receiver(post_save, sender=AdvisorAssignment)
def _advisor_saved(sender: Any, instance: AdvisorAssignment, created: bool, **kwargs: Any) -> None:
    if created:
        security_log(
            "role_granted", target=instance.advisor, obj=instance.organisation, role="advisor"
        )


@receiver(post_delete, sender=AdvisorAssignment)
def _advisor_deleted(sender: Any, instance: AdvisorAssignment, **kwargs: Any) -> None:
    security_log(
        "role_revoked",
        target_username=_username_of(instance.advisor_id),
        organisation=str(instance.organisation_id),
        role="advisor",
    )


@receiver(post_save, sender=OfficialScope)
def _official_saved(sender: Any, instance: OfficialScope, created: bool, **kwargs: Any) -> None:
    security_log(
        "role_granted",
        target=instance.user,
        role="official",
        all_organisations=instance.all_organisations,
        change="granted" if created else "changed",
    )


@receiver(m2m_changed, sender=OfficialScope.organisations.through)
def _official_scope_changed(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, OfficialScope):
        security_log(
            "role_granted" if action == "post_add" else "role_revoked",
            target=instance.user,
            role="official",
            organisations=sorted(kwargs.get("pk_set") or []),
        )


@receiver(post_delete, sender=OfficialScope)
def _official_deleted(sender: Any, instance: OfficialScope, **kwargs: Any) -> None:
    security_log("role_revoked", target_username=_username_of(instance.user_id), role="official")


@receiver(pre_save, sender=User)
def _user_privileges(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Log a change of is_active, is_staff or is_superuser (not the creation)."""
    if instance.pk is None:
        return
    before = sender.objects.filter(pk=instance.pk).values("is_active", "is_staff", "is_superuser")
    before = before.first()
    if before is None:
        return
    changed = {
        field: getattr(instance, field)
        for field in ("is_active", "is_staff", "is_superuser")
        if before[field] != getattr(instance, field)
    }
    if not changed:
        return
    action = "account_deactivated" if changed.get("is_active") is False else "account_changed"
    security_log(action, target=instance, **changed)


def _username_of(user_id: int | None) -> str:
    if user_id is None:
        return ""
    return User.objects.filter(pk=user_id).values_list("username", flat=True).first() or ""
