"""A new person's account journey in Chromium (issue #11): the administrator logs
in with a password and a TOTP code and invites an advisor; the advisor opens the
link from the e-mail (Django's locmem backend in tests, the console in
development), chooses a password, must enrol TOTP, logs out and in again with a
code, then forgets the password and resets it by e-mail. Screenshots go to
/tmp/shots/account-*.png for review.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from accounts.demo import current_code, enrol_totp
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")
ADVISOR_PASSWORD = "river stone lantern 2026"
NEW_PASSWORD = "a fresh and longer passphrase"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"account-{name}.png"), full_page=True)


def totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def log_in(page: Page, base: str, login: str, password: str) -> None:
    page.goto(base + reverse("account_login"))
    page.get_by_label("Username or e-mail").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def enter_code(page: Page, code: str) -> None:
    # A code is accepted once per period; a new step in the same period needs the
    # cache of used codes emptied (test-only: in real life a new period comes).
    cache.clear()
    page.locator("#id_code").fill(code)
    page.get_by_role("button", name="Sign In").click()


def link_from_last_mail(pattern: str) -> str:
    match = re.search(pattern, mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0)


def test_an_invited_advisor_sets_a_password_enrols_totp_and_resets_the_password(
    browser: Browser, live_server, root, org_a
) -> None:
    base = live_server.url
    root.email = "root@example.org"
    root.save()
    enrol_totp(root)

    # The administrator: password, then the second factor, then the People page.
    admin = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(admin, base, "root", PASSWORD)
    expect(admin.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    shot(admin, "1-admin-code")
    enter_code(admin, current_code(root))
    expect(admin).to_have_url(base + reverse("home"))
    admin.goto(base + reverse("people"))
    admin.get_by_label("E-mail address").fill("dana@example.org")
    admin.get_by_label("Role").select_option("advisor")
    shot(admin, "2-invite")
    admin.get_by_role("button", name="Send invitation").click()
    expect(admin.get_by_text("Invitation sent to dana@example.org")).to_be_visible()
    admin.context.close()

    # The advisor: the link from the e-mail, a username and a password.
    link = link_from_last_mail(r"http://\S+/accounts/invitation/\S+/")
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(link)
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    page.get_by_label("Username").fill("dana")
    page.locator("#id_password1").fill(ADVISOR_PASSWORD)
    page.locator("#id_password2").fill(ADVISOR_PASSWORD)
    shot(page, "3-accept")
    page.get_by_role("button", name="Create my account").click()

    # An advisor must enrol a second factor before anything else.
    expect(page.get_by_role("heading", name="Activate Authenticator App")).to_be_visible()
    shot(page, "4-enrol")
    secret = page.locator("#authenticator_secret").input_value()
    cache.clear()
    page.locator("#id_code").fill(totp_now(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("Recovery Codes").first).to_be_visible()
    shot(page, "5-recovery-codes")
    page.goto(base + reverse("home"))
    expect(page).to_have_url(base + reverse("home"))

    # Log out, then in again with the password and a code.
    page.get_by_role("button", name="Log out").click()
    log_in(page, base, "dana@example.org", ADVISOR_PASSWORD)
    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    enter_code(page, totp_now(secret))
    expect(page).to_have_url(base + reverse("home"))
    shot(page, "6-home")
    page.goto(base + reverse("mfa_index"))
    expect(page.get_by_role("link", name="Two-factor authentication")).to_be_visible()
    shot(page, "6b-account-2fa")
    page.get_by_role("button", name="Log out").click()

    # A forgotten password: reset by e-mail.
    page.goto(base + reverse("account_login"))
    page.get_by_role("link", name="Forgot your password?").click()
    page.locator("#id_email").fill("dana@example.org")
    page.get_by_role("button", name="Reset My Password").click()
    shot(page, "7-reset-sent")
    reset = link_from_last_mail(r"http://\S+/accounts/password/reset/key/\S+/")
    page.goto(reset)
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    shot(page, "8-new-password")
    page.get_by_role("button", name="Change Password").click()
    log_in(page, base, "dana", NEW_PASSWORD)
    enter_code(page, totp_now(secret))
    expect(page).to_have_url(base + reverse("home"))
    page.context.close()


def test_five_wrong_passwords_show_the_lockout_page(browser: Browser, live_server, bob) -> None:
    from django.conf import settings

    page = browser.new_context().new_page()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(page, live_server.url, "bob", "not the password")
    expect(page.get_by_role("heading", name="Too many failed attempts")).to_be_visible()
    shot(page, "9-lockout")
    page.context.close()
