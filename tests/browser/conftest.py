"""Fixtures for the browser journeys: the demo's `respondent` and `coordinator`, both
members of org A, an assessment of the mini framework, and a way to log in through
the real login form.

The Chromium path and DJANGO_ALLOW_ASYNC_UNSAFE come from `tests/conftest.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page, expect

from assessments.models import Assessment, Cycle, Membership, Organisation
from assessments.services import assessment_start
from frameworks.models import Domain, Framework, Question
from tests.conftest import PASSWORD, member


@pytest.fixture
def respondent(org_a):
    return member("respondent", org_a, Membership.Role.RESPONDENT)


@pytest.fixture
def coordinator(org_a):
    return member("coordinator", org_a, Membership.Role.COORDINATOR)


@pytest.fixture
def assessment(
    framework: Framework, cycle: Cycle, org_a: Organisation, coordinator, respondent
) -> Assessment:
    return assessment_start(organisation=org_a, framework=framework, cycle=cycle, user=coordinator)


@pytest.fixture
def questions(framework: Framework) -> dict[str, Question]:
    """The mini framework's questions by code (GOV-01 maturity, GOV-02 practice, OPS-0x)."""
    return {q.code: q for q in Question.objects.filter(framework=framework)}


@pytest.fixture
def questionnaire_url(live_server, assessment: Assessment) -> Callable[[str], str]:
    """The absolute address of one domain's questionnaire page, by domain code."""

    def url(domain_code: str) -> str:
        domain = Domain.objects.get(
            framework_id=assessment.framework_id, code=domain_code, parent__isnull=True
        )
        return live_server.url + reverse("questionnaire", args=[assessment.pk, domain.pk])

    return url


def log_in(page: Page, live_server, username: str) -> None:
    """Log in through the real form and wait until the home page is shown.

    Advisors and officials must use a second factor: they get TOTP before logging in
    and type the current code when asked.
    """
    user = _enrolled_if_required(username)
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if user is not None:
        from django.core.cache import cache

        from accounts.demo import current_code

        # A code is accepted once per period, and one typed at the very end of a
        # period may arrive in the next: one more try with the next code.
        for _attempt in range(2):
            cache.clear()
            page.locator("#id_code").fill(current_code(user))
            page.get_by_role("button", name="Sign In").click()
            page.wait_for_load_state()
            if "/2fa/authenticate/" not in page.url:
                break
    # The home page, not the login form again; the navbar may be collapsed on a phone.
    expect(page).to_have_url(live_server.url + reverse("home"))


def _enrolled_if_required(username: str):
    """The user, given TOTP, when they must use a second factor; None otherwise."""
    from django.contrib.auth import get_user_model

    from accounts.demo import enrol_totp
    from accounts.mfa import mfa_required

    user = get_user_model().objects.get(username=username)
    if not mfa_required(user):
        return None
    enrol_totp(user)
    return user


@pytest.fixture
def new_page(browser: Browser, live_server) -> Iterator[Callable[..., Page]]:
    """A page in a fresh browser context, logged in as `username`; closed after the test."""
    contexts: list[BrowserContext] = []

    def make(username: str, **context_args: object) -> Page:
        context = browser.new_context(**context_args)
        contexts.append(context)
        page = context.new_page()
        log_in(page, live_server, username)
        return page

    yield make
    for context in contexts:
        context.close()
