"""Invitations: who may invite whom, the one-time link, and accepting it.

- an administrator invites coordinators and advisors (and respondents) of any
  organisation;
- a coordinator invites respondents or coordinators to their own organisation;
- the link carries a random token; only its SHA-256 is stored, it works once
  and expires after INVITATION_MAX_AGE_HOURS.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Invitation
from accounts.security_log import security_log
from assessments.models import AdvisorAssignment, Membership, Organisation


class InvitationRefused(ValueError):
    pass


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def roles_user_may_invite(user: Any, organisation: Organisation) -> list[str]:
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return [Invitation.Role.COORDINATOR, Invitation.Role.RESPONDENT, Invitation.Role.ADVISOR]
    if Membership.objects.filter(
        user=user, organisation=organisation, role=Membership.Role.COORDINATOR
    ).exists():
        return [Invitation.Role.RESPONDENT, Invitation.Role.COORDINATOR]
    return []


def invitation_create(
    *, request: HttpRequest, inviter: Any, email: str, role: str, organisation: Organisation
) -> Invitation:
    """Store an invitation and e-mail its link. Refuses a role the inviter cannot give."""
    email = email.strip().lower()
    if role not in roles_user_may_invite(inviter, organisation):
        raise InvitationRefused(_("You cannot invite people with this role here."))
    if get_user_model().objects.filter(email__iexact=email).exists():
        raise InvitationRefused(
            _(
                "Someone already has an account with this address; "
                "an administrator can add the role."
            )
        )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email,
            role=role,
            organisation=organisation,
            invited_by=inviter,
            invited_by_username=inviter.get_username(),
            token_hash=_hash(token),
            created_at=now,
            expires_at=now + dt.timedelta(hours=settings.INVITATION_MAX_AGE_HOURS),
        )
        security_log(
            "invited",
            request=request,
            actor=inviter,
            target_username=email,
            obj=organisation,
            role=role,
        )
    link = request.build_absolute_uri(reverse("invitation_accept", args=[token]))
    context = {
        "invitation": invitation,
        "link": link,
        "inviter": inviter.get_full_name() or inviter.get_username(),
        "hours": settings.INVITATION_MAX_AGE_HOURS,
        "role": invitation.get_role_display(),
    }
    send_mail(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
        + _("You are invited to %(organisation)s") % {"organisation": organisation.name},
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[email],
    )
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation if the token is one of ours and still usable."""
    invitation = (
        Invitation.objects.select_related("organisation").filter(token_hash=_hash(token)).first()
    )
    return invitation if invitation is not None and invitation.is_usable else None


def invitation_accept(
    *,
    request: HttpRequest,
    invitation: Invitation,
    username: str,
    password: str,
    first_name: str,
    last_name: str,
) -> Any:
    """Create the account with its role; the invitation is spent at once."""
    User = get_user_model()
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_usable:
            raise InvitationRefused(_("This invitation has already been used or has expired."))
        user = User.objects.create_user(
            username=username,
            email=locked.email,
            password=password,
            first_name=first_name,
            last_name=last_name,
        )
        # The link reached this address: it is verified.
        EmailAddress.objects.create(user=user, email=locked.email, verified=True, primary=True)
        if locked.role == Invitation.Role.ADVISOR:
            AdvisorAssignment.objects.create(advisor=user, organisation=locked.organisation)
        else:
            Membership.objects.create(user=user, organisation=locked.organisation, role=locked.role)
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
        security_log(
            "invitation_accepted",
            request=request,
            actor=user,
            target=user,
            obj=locked.organisation,
            role=locked.role,
            invited_by=locked.invited_by_username,
        )
    return user


def membership_end(*, request: HttpRequest, membership: Membership) -> None:
    """End a person's role in an organisation; their next request no longer sees it."""
    with transaction.atomic():
        membership.delete()
