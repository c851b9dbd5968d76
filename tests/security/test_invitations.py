"""Account lifecycle (issue #11): invitations by e-mail with a one-time link that
expires, who may invite whom, and ending a person's access at once."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, SecurityEvent
from assessments.models import AdvisorAssignment, Membership
from tests.conftest import logged_in

NEW_PASSWORD = "a long and private passphrase"


def invite(client: Client, org, email: str = "dana@example.org", role: str = "respondent"):
    return client.post(
        reverse("people_invite"), {"email": email, "organisation": org.pk, "role": role}
    )


def link_in_mail() -> str:
    body = mail.outbox[-1].body
    return re.search(r"https?://\S+/accounts/invitation/\S+/", body).group(0)


def accept(link: str, username: str = "dana", password: str = NEW_PASSWORD):
    client = Client()
    response = client.post(
        link.replace("http://testserver", ""),
        {"username": username, "password1": password, "password2": password},
    )
    return client, response


def test_a_coordinator_invites_a_respondent_who_sets_a_password(alice, org_a) -> None:
    response = invite(logged_in(alice), org_a)
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["dana@example.org"]
    assert "Alpha Agency" in mail.outbox[-1].subject
    client, response = accept(link_in_mail())
    assert response.status_code == 302
    dana = get_user_model().objects.get(username="dana")
    assert dana.email == "dana@example.org" and dana.check_password(NEW_PASSWORD)
    assert Membership.objects.get(user=dana).role == "respondent"
    assert client.get(reverse("home")).status_code == 200
    actions = set(SecurityEvent.objects.values_list("action", flat=True))
    assert {"invited", "invitation_accepted", "role_granted"} <= actions


def test_the_link_works_once(alice, org_a) -> None:
    invite(logged_in(alice), org_a)
    link = link_in_mail()
    accept(link)
    _client, response = accept(link, username="mallory")
    assert response.status_code == 404
    assert not get_user_model().objects.filter(username="mallory").exists()


def test_the_link_expires(alice, org_a) -> None:
    invite(logged_in(alice), org_a)
    Invitation.objects.update(
        created_at=timezone.now() - dt.timedelta(days=10),
        expires_at=timezone.now() - dt.timedelta(seconds=1),
    )
    _client, response = accept(link_in_mail())
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_only_a_hash_of_the_token_is_stored(alice, org_a) -> None:
    invite(logged_in(alice), org_a)
    token = link_in_mail().rstrip("/").rsplit("/", 1)[-1]
    assert token not in str(list(Invitation.objects.values()))


def test_a_weak_password_is_refused_and_the_link_still_works(alice, org_a) -> None:
    invite(logged_in(alice), org_a)
    _client, response = accept(link_in_mail(), password="dana12345")
    assert response.status_code == 400
    assert not get_user_model().objects.filter(username="dana").exists()
    _client, response = accept(link_in_mail())
    assert response.status_code == 302


def test_a_respondent_cannot_invite(bob, org_a) -> None:
    response = invite(logged_in(bob), org_a)
    assert response.status_code == 403
    assert mail.outbox == []


def test_a_coordinator_cannot_invite_an_advisor_or_to_another_organisation(
    alice, org_a, org_b
) -> None:
    client = logged_in(alice)
    assert invite(client, org_a, role="advisor").status_code == 400
    assert invite(client, org_b).status_code == 400
    assert mail.outbox == [] and not Invitation.objects.exists()


def test_the_administrator_invites_an_advisor(root, org_a) -> None:
    response = invite(logged_in(root), org_a, email="adam@example.org", role="advisor")
    assert response.status_code == 302
    client, _response = accept(link_in_mail(), username="adam")
    adam = get_user_model().objects.get(username="adam")
    assert AdvisorAssignment.objects.filter(advisor=adam, organisation=org_a).exists()
    # An advisor must enrol a second factor before anything else.
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


@pytest.mark.real_mfa
def test_removing_a_membership_ends_access_at_once(alice, bob, assessment) -> None:
    bobs = Client()
    bobs.force_login(bob)
    url = reverse("results", args=[assessment.pk])
    assert bobs.get(url).status_code == 200
    membership = Membership.objects.get(user=bob)
    response = logged_in(alice).post(reverse("membership_remove", args=[membership.pk]))
    assert response.status_code == 302
    assert bobs.get(url).status_code == 404
    event = SecurityEvent.objects.get(action="role_revoked")
    assert event.actor_username == "alice" and event.target_username == "bob"


def test_deactivating_an_account_ends_its_sessions(bob, root) -> None:
    bobs = logged_in(bob)
    assert bobs.get(reverse("home")).status_code == 200
    admin = logged_in(root)
    admin.post(
        reverse("admin:auth_user_changelist"),
        {"action": "deactivate", "_selected_action": [bob.pk]},
    )
    bob.refresh_from_db()
    assert not bob.is_active
    assert bobs.get(reverse("home")).status_code == 302
    assert SecurityEvent.objects.filter(action="account_deactivated").exists()


def test_people_cannot_sign_up_on_their_own(db) -> None:
    response = Client().get(reverse("account_signup"))
    assert "closed" in response.content.decode().lower()


def test_a_forgotten_password_is_reset_by_e_mail(bob) -> None:
    bob.email = "bob@example.org"
    bob.save()
    client = Client()
    client.post(reverse("account_reset_password"), {"email": "bob@example.org"})
    link = re.search(r"http://testserver(\S+/password/reset/key/\S+/)", mail.outbox[-1].body)
    response = client.get(link.group(1))
    assert response.status_code == 302  # allauth moves the key into the session
    response = client.post(
        response["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.check_password(NEW_PASSWORD)
    actions = set(SecurityEvent.objects.values_list("action", flat=True))
    assert {"password_reset_requested", "password_reset"} <= actions


def test_a_reset_for_an_unknown_address_says_the_same(bob) -> None:
    known = Client().post(reverse("account_reset_password"), {"email": "bob@example.org"})
    unknown = Client().post(reverse("account_reset_password"), {"email": "x@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
