"""Sessions (issue #11): a new key on login, an idle timeout refreshed by every
request (autosave included), an absolute lifetime, and a password change that
ends the other sessions. No sleeping: the stored timestamps are moved back."""

from __future__ import annotations

import time

from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.middleware import SESSION_SEEN, SESSION_STARTED
from tests.conftest import PASSWORD


def logged_in_by_form(username: str) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": username, "password": PASSWORD})
    assert response.status_code == 302, response
    return client


def shift(client: Client, key: str, seconds: float) -> None:
    session = client.session
    session[key] = session[key] - seconds
    session.save()


def test_logging_in_gives_a_new_session_key(bob) -> None:
    """Session fixation: a key planted before login is not the key after it."""
    client = Client()
    client.get(reverse("account_login"))
    session = client.session
    session["planted"] = "by an attacker"
    session.save()
    planted = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = planted
    client.post(reverse("account_login"), {"login": "bob", "password": PASSWORD})
    assert client.session.session_key != planted
    assert "_auth_user_id" in client.session
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = planted
    assert attacker.get(reverse("home")).status_code == 302


def test_an_idle_session_ends_after_the_timeout(bob) -> None:
    client = logged_in_by_form("bob")
    assert client.get(reverse("home")).status_code == 200
    shift(client, SESSION_SEEN, settings.SESSION_IDLE_TIMEOUT + 1)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_activity_keeps_the_session_alive(bob) -> None:
    client = logged_in_by_form("bob")
    for _ in range(3):
        shift(client, SESSION_SEEN, settings.SESSION_IDLE_TIMEOUT - 60)
        assert client.get(reverse("home")).status_code == 200


def test_an_autosave_refreshes_the_idle_timer(bob, assessment) -> None:
    from frameworks.models import Question

    client = logged_in_by_form("bob")
    question = Question.objects.get(framework=assessment.framework, code="GOV-01")
    url = reverse("autosave", args=[assessment.pk, question.pk])
    shift(client, SESSION_SEEN, settings.SESSION_IDLE_TIMEOUT - 60)
    response = client.post(
        url, {f"q{question.pk}-value": "3", f"q{question.pk}-version": "0"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert time.time() - client.session[SESSION_SEEN] < 5


def test_an_expired_autosave_gets_401_and_keeps_the_answer_on_the_page(bob, assessment) -> None:
    from frameworks.models import Question

    client = logged_in_by_form("bob")
    question = Question.objects.get(framework=assessment.framework, code="GOV-01")
    shift(client, SESSION_SEEN, settings.SESSION_IDLE_TIMEOUT + 1)
    response = client.post(
        reverse("autosave", args=[assessment.pk, question.pk]),
        {f"q{question.pk}-value": "3", f"q{question.pk}-version": "0"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 401
    assert "Your answer is kept on this page" in response.content.decode()


def test_a_session_ends_after_its_absolute_lifetime_despite_activity(bob) -> None:
    client = logged_in_by_form("bob")
    shift(client, SESSION_STARTED, settings.SESSION_ABSOLUTE_LIFETIME + 1)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_keepalive_refreshes_the_session(bob) -> None:
    client = logged_in_by_form("bob")
    shift(client, SESSION_SEEN, settings.SESSION_IDLE_TIMEOUT - 10)
    assert client.post(reverse("session_keepalive")).status_code == 204
    assert time.time() - client.session[SESSION_SEEN] < 5
    assert Client().post(reverse("session_keepalive")).status_code == 401


def test_a_password_change_ends_the_other_sessions_but_not_this_one(bob) -> None:
    laptop = logged_in_by_form("bob")
    phone = logged_in_by_form("bob")
    new = "a much longer passphrase 2026"
    response = laptop.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )
    assert response.status_code == 302
    assert laptop.get(reverse("home")).status_code == 200
    assert phone.get(reverse("home")).status_code == 302


def test_passwords_need_twelve_characters_and_not_a_common_one(bob) -> None:
    client = logged_in_by_form("bob")
    for weak in ("short-pw-1", "password1234", "123456789012"):
        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": weak, "password2": weak},
        )
        assert response.status_code == 200, weak


def test_argon2_hashes_new_passwords() -> None:
    from config import settings as production_settings

    assert production_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_logging_out_needs_a_post(bob) -> None:
    client = logged_in_by_form("bob")
    client.get(reverse("account_logout"))
    assert "_auth_user_id" in client.session
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session
