"""The questionnaire warns before the idle timeout and keeps what was typed
(issue #11). Playwright's clock moves the page's timers on; the server's idle
timer is moved back in the session store. Nothing sleeps."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import Page, expect

from accounts.middleware import SESSION_SEEN

pytestmark = pytest.mark.browser


def expire_server_session(page: Page) -> None:
    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    store = SessionStore(session_key=cookie["value"])
    store[SESSION_SEEN] = store[SESSION_SEEN] - settings.SESSION_IDLE_TIMEOUT - 1
    store.save()


def test_the_questionnaire_warns_before_the_timeout_and_keeps_the_typed_text(
    new_page, questionnaire_url, questions
) -> None:
    page = new_page("respondent")
    page.clock.install()
    page.goto(questionnaire_url("OPS"))
    warning = page.locator("#session-warning")
    expect(warning).to_be_hidden()

    # Two minutes before the idle timeout the page warns.
    page.clock.run_for((settings.SESSION_IDLE_TIMEOUT - 110) * 1000)
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("You will soon be signed out")
    page.screenshot(path="/tmp/shots/session-warning.png")

    # "Stay signed in" refreshes the session and hides the warning.
    with page.expect_response(lambda r: "keepalive" in r.url) as keepalive:
        warning.get_by_role("button", name="Stay signed in").click()
    assert keepalive.value.status == 204
    expect(warning).to_be_hidden()

    # Now the session ends on the server while the person types.
    expire_server_session(page)
    card = page.locator(f"#q-{questions['OPS-03'].pk}")
    text = card.locator("textarea").first
    text.fill("A long answer typed after the session ended.")
    with page.expect_response(lambda r: "/save/" in r.url) as save:
        text.blur()
        page.clock.run_for(3000)
    assert save.value.status == 401
    expect(warning).to_contain_text("Your session has ended")
    expect(text).to_have_value("A long answer typed after the session ended.")
    page.screenshot(path="/tmp/shots/session-ended.png")
