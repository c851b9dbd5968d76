"""Second factor (issue #11): TOTP through allauth.mfa, required for administrators
(the Django admin included), advisors and officials, optional for the others,
required for everyone when MFA_REQUIRED_FOR_EVERYONE is on.

These tests are marked `real_mfa`: `force_login` then stands for a login that
did not pass a second factor, which is what the enforcement must catch.
"""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from accounts.demo import current_code, enrol_totp
from accounts.models import SecurityEvent
from tests.conftest import PASSWORD, mark_mfa_passed

pytestmark = pytest.mark.real_mfa

REQUIRED = ("root", "carol", "olivia")


def forced(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("actor", REQUIRED)
def test_a_required_role_without_a_factor_is_sent_to_enrol(cast, actor: str) -> None:
    response = forced(cast[actor]).get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


@pytest.mark.parametrize("actor", REQUIRED)
def test_a_required_role_with_a_factor_must_use_it_in_this_session(cast, actor: str) -> None:
    enrol_totp(cast[actor])
    response = forced(cast[actor]).get(reverse("assessment_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))


@pytest.mark.parametrize("actor", REQUIRED)
def test_a_required_role_that_passed_the_factor_gets_in(cast, actor: str) -> None:
    client = forced(cast[actor])
    mark_mfa_passed(client, cast[actor])
    assert client.get(reverse("home")).status_code == 200


def test_the_django_admin_requires_the_factor(root) -> None:
    client = forced(root)
    for url in (reverse("admin:index"), reverse("admin:auth_user_changelist")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("mfa_activate_totp"))
    mark_mfa_passed(client, root)
    assert client.get(reverse("admin:index")).status_code == 200


def test_an_htmx_request_is_not_redirected_but_told_where_to_go(carol, assessment) -> None:
    response = forced(carol).get(reverse("results", args=[assessment.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 401
    assert response["HX-Redirect"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("actor", ["alice", "bob", "charlie"])
def test_members_may_work_without_a_factor(cast, actor: str) -> None:
    assert forced(cast[actor]).get(reverse("home")).status_code == 200


def test_a_setting_requires_the_factor_for_everyone(bob, settings) -> None:
    settings.MFA_REQUIRED_FOR_EVERYONE = True
    response = forced(bob).get(reverse("home"))
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_logging_in_with_a_password_and_a_code(carol) -> None:
    enrol_totp(carol)
    client = Client()
    response = client.post(reverse("account_login"), {"login": "carol", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # Not logged in before the code.
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home"))["Location"].startswith(reverse("account_login"))
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(carol)})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_recovery_code_works_once_in_place_of_the_code(carol) -> None:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    enrol_totp(carol)
    codes = RecoveryCodes(
        Authenticator.objects.get(user=carol, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()
    client = Client()
    client.post(reverse("account_login"), {"login": "carol", "password": PASSWORD})
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    again = Client()
    again.post(reverse("account_login"), {"login": "carol", "password": PASSWORD})
    assert again.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_enrolling_totp_is_logged_and_counts_for_this_session(carol) -> None:
    """A real commit: allauth announces the new factor once the transaction commits,
    inside the request."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    client = Client()
    client.post(reverse("account_login"), {"login": "carol", "password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=carol, type="totp").exists()
    assert SecurityEvent.objects.filter(action="mfa_enrolled", target_username="carol").exists()
    assert client.get(reverse("home")).status_code == 200


def test_an_administrator_resets_a_lost_factor_and_it_is_logged(carol, root) -> None:
    enrol_totp(carol)
    admin = forced(root)
    mark_mfa_passed(admin, root)
    response = admin.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [carol.pk]},
    )
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=carol).exists()
    event = SecurityEvent.objects.get(action="mfa_reset")
    assert event.actor == root and event.target_username == "carol"
    # carol enrols again at her next login.
    assert forced(carol).get(reverse("home"))["Location"].startswith(reverse("mfa_activate_totp"))
