"""Invitations, an organisation's people, and the session keep-alive."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.forms import AcceptInvitationForm, InvitationForm
from accounts.invitations import (
    InvitationRefused,
    invitation_accept,
    invitation_create,
    invitation_for_token,
    membership_end,
    roles_user_may_invite,
)
from accounts.models import Invitation
from assessments.models import Membership, Organisation


def _managed_organisations(user: Any) -> QuerySet[Organisation]:
    """Organisations whose people this user manages: all for an administrator."""
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.COORDINATOR
    ).distinct()


@login_required
def people(request: HttpRequest) -> HttpResponse:
    organisations = _managed_organisations(request.user)
    selected = organisations.filter(pk=request.GET.get("organisation") or 0).first()
    if selected is None:
        selected = organisations.first()
    form = None
    members: list[Membership] = []
    invitations: list[Invitation] = []
    if selected is not None:
        roles = roles_user_may_invite(request.user, selected)
        form = InvitationForm(organisations=organisations.filter(pk=selected.pk), roles=roles)
        members = list(
            Membership.objects.filter(organisation=selected)
            .select_related("user")
            .order_by("user__username")
        )
        invitations = list(
            Invitation.objects.filter(organisation=selected, accepted_at__isnull=True)[:50]
        )
    return render(
        request,
        "accounts/people.html",
        {
            "organisations": organisations,
            "selected": selected,
            "form": form,
            "members": members,
            "invitations": invitations,
        },
    )


@require_POST
@login_required
def invite(request: HttpRequest) -> HttpResponse:
    organisations = _managed_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied(_("Only coordinators and administrators invite people."))
    organisation = organisations.filter(pk=request.POST.get("organisation") or 0).first()
    roles = roles_user_may_invite(request.user, organisation) if organisation else []
    form = InvitationForm(request.POST, organisations=organisations, roles=roles)
    if form.is_valid():
        try:
            invitation_create(
                request=request,
                inviter=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data["organisation"],
            )
        except InvitationRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            chosen = form.cleaned_data["organisation"]
            return redirect(f"{_people_url()}?organisation={chosen.pk}")
    else:
        messages.error(request, _("The invitation was not sent: check the address and role."))
    return render(
        request,
        "accounts/people.html",
        {
            "organisations": organisations,
            "selected": organisation,
            "form": form,
            "members": [],
            "invitations": [],
        },
        status=400,
    )


def _people_url() -> str:
    from django.urls import reverse

    return reverse("people")


@require_POST
@login_required
def membership_remove(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.select_related("user", "organisation").filter(
            organisation__in=_managed_organisations(request.user)
        ),
        pk=pk,
    )
    if membership.user_id == request.user.pk:
        messages.error(request, _("You cannot remove your own role."))
    else:
        name = membership.user.get_full_name() or membership.user.get_username()
        membership_end(request=request, membership=membership)
        messages.success(
            request, _("%(name)s no longer has access to this organisation.") % {"name": name}
        )
    return redirect(f"{_people_url()}?organisation={membership.organisation_id}")


@never_cache
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link: choose a username and password, then sign in."""
    invitation = invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    if request.user.is_authenticated:
        messages.error(request, _("Log out first to accept an invitation for someone else."))
        return redirect("home")
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                request=request,
                invitation=invitation,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except InvitationRefused as exc:
            messages.error(request, str(exc))
            return redirect("account_login")
        login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
        from allauth.account.internal.flows.login import record_authentication

        record_authentication(request, user, method="password", reauthenticated=False)
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect("home")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "invitation": invitation},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def session_keepalive(request: HttpRequest) -> HttpResponse:
    """Stay signed in: the request itself refreshes the idle timer (middleware)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    return HttpResponse(status=204)
