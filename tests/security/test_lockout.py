"""Brute force (issue #11): django-axes locks a username from one address after
AXES_FAILURE_LIMIT failures, for AXES_COOLOFF_TIME, on the allauth login that the
admin uses too, and the page says the same for a username that does not exist."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import SecurityEvent
from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"


def attempt(client: Client, login: str, password: str, ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"login": login, "password": password}, REMOTE_ADDR=ip)


def fail(client: Client, login: str, times: int, ip: str = "10.0.0.1") -> list:
    return [attempt(client, login, "wrong password!", ip) for _ in range(times)]


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_a_wrong_password_is_answered_with_the_form_again(bob) -> None:
    response = attempt(Client(), "bob", "wrong password!")
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_it_locks_after_five_failures_and_refuses_even_the_right_password(bob) -> None:
    client = Client()
    responses = fail(client, "bob", settings.AXES_FAILURE_LIMIT)
    assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert responses[-1].status_code == 429
    response = attempt(client, "bob", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert not is_logged_in(client)


def test_the_lockout_page_is_the_same_for_an_unknown_username(bob) -> None:
    known = fail(Client(), "bob", settings.AXES_FAILURE_LIMIT)[-1]
    unknown = fail(Client(), "nobody-here", settings.AXES_FAILURE_LIMIT)[-1]
    assert known.status_code == unknown.status_code == 429

    def text(response) -> str:
        # The CSRF token differs per client; everything else must be the same.
        return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", response.content.decode())

    assert "bob" not in text(known) and "nobody-here" not in text(unknown)
    assert text(known) == text(unknown)


def test_a_failed_login_does_not_say_whether_the_username_exists(bob) -> None:
    known = attempt(Client(), "bob", "wrong password!").content.decode()
    unknown = attempt(Client(), "nobody-here", "wrong password!").content.decode()
    message = "The username and/or password you specified are not correct."
    assert message in known and message in unknown


def test_the_lock_is_per_username_and_address(bob, alice) -> None:
    fail(Client(), "bob", settings.AXES_FAILURE_LIMIT, ip="10.0.0.1")
    # bob from another address, and alice from the same address, still get in.
    other_address = Client()
    assert attempt(other_address, "bob", PASSWORD, ip="10.0.0.2").status_code == 302
    same_address = Client()
    assert attempt(same_address, "alice", PASSWORD, ip="10.0.0.1").status_code == 302


def test_an_e_mail_and_a_username_count_as_the_same_account(bob) -> None:
    bob.email = "bob@example.org"
    bob.save()
    client = Client()
    fail(client, "bob", settings.AXES_FAILURE_LIMIT - 1)
    assert attempt(client, "BOB@example.org", "wrong password!").status_code == 429


def test_the_lock_ends_after_the_cool_off(bob) -> None:
    client = Client()
    fail(client, "bob", settings.AXES_FAILURE_LIMIT)
    assert attempt(client, "bob", PASSWORD).status_code == 429
    # The cool-off has passed: move the stored attempts back in time.
    earlier = settings.AXES_COOLOFF_TIME + dt.timedelta(seconds=1)
    for row in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=row.pk).update(attempt_time=row.attempt_time - earlier)
    response = attempt(client, "bob", PASSWORD)
    assert response.status_code == 302
    assert is_logged_in(client)


def test_the_lockout_is_stored_in_the_database_for_every_process(bob) -> None:
    fail(Client(), "bob", settings.AXES_FAILURE_LIMIT)
    row = AccessAttempt.objects.get()
    assert row.username == "bob" and row.failures_since_start >= settings.AXES_FAILURE_LIMIT


def test_failures_and_the_lockout_are_in_the_security_log(bob) -> None:
    fail(Client(), "bob", settings.AXES_FAILURE_LIMIT)
    actions = list(
        SecurityEvent.objects.filter(target_username="bob").values_list("action", flat=True)
    )
    assert actions.count("login_failed") == settings.AXES_FAILURE_LIMIT
    assert "locked_out" in actions
    event = SecurityEvent.objects.filter(action="login_failed").first()
    assert event.ip_address == "10.0.0.1" and event.actor is None


@pytest.mark.real_mfa
def test_the_admin_login_goes_through_the_same_login(root) -> None:
    response = Client().get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    # The admin's own form cannot be used to try passwords either.
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("admin:login"), {"username": "root", "password": "x"}, REMOTE_ADDR="10.0.0.9"
        )
    assert not is_logged_in(client)
