"""Issue 16 in a real browser: errors that keep every card, the review journey, and
the assignment journey with a discussion on one question."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from assessments.models import AdvisorAssignment, Assessment, Assignment, QuestionComment, Response
from assessments.review.services import assessment_submit
from tests.conftest import _user, answer_all

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")
PHONE = {"width": 390, "height": 844}
ANSWERS = {"GOV-01": "3", "GOV-02": "fully", "OPS-01": "yes", "OPS-02": "7"}


@pytest.fixture
def advisor(org_a):
    user = _user("advisor")
    AdvisorAssignment.objects.create(advisor=user, organisation=org_a)
    return user


def _cards(page: Page) -> int:
    return page.locator(".card-question").count()


def test_an_invalid_number_is_told_at_the_field_and_every_card_stays(
    new_page: Callable[..., Page], questionnaire_url, questions
) -> None:
    ops_02 = questions["OPS-02"]
    page = new_page("respondent")
    page.goto(questionnaire_url("OPS"))
    before = _cards(page)
    field = page.locator(f"#id_q{ops_02.pk}-value")
    field.fill("about twenty")
    with page.expect_response(lambda r: r.url.endswith(f"/questions/{ops_02.pk}/save/")) as saved:
        field.press("Tab")
    assert saved.value.status == 400
    error = page.locator(f"#err-{ops_02.pk}")
    expect(error).to_contain_text("number")
    expect(field).to_have_attribute("aria-invalid", "true")
    assert _cards(page) == before  # the page was not replaced
    expect(page.get_by_role("heading", name="OPS · ")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "issue16-invalid-number.png", full_page=True)
    # Correcting it clears the message and the mark.
    field.fill("12")
    field.press("Tab")
    expect(page.locator(f"#status-{ops_02.pk}")).to_contain_text("Saved at")
    expect(field).not_to_have_attribute("aria-invalid", "true")


def test_an_answer_after_submission_says_who_submitted_and_keeps_the_text(
    new_page: Callable[..., Page], questionnaire_url, questions, assessment, coordinator
) -> None:
    gov_02 = questions["GOV-02"]
    page = new_page("respondent")
    page.goto(questionnaire_url("GOV"))
    before = _cards(page)
    answer_all(assessment, coordinator, ANSWERS)
    assessment_submit(assessment=assessment, user=coordinator)
    card = page.locator(f"#q-{gov_02.pk}")
    card.get_by_text("Comment and evidence").click()
    card.get_by_label("Comment").fill("Only the ministry applies it")
    card.get_by_label("Comment").press("Tab")
    locked = page.locator(f"#status-{gov_02.pk} [data-state=locked]")
    expect(locked).to_contain_text("submitted by Coordinator on")
    # The page was loaded before the coordinator's answers: only the comment is typed.
    expect(locked.locator("textarea")).to_have_value("GOV-02: Only the ministry applies it")
    expect(locked.get_by_role("button", name="Copy my answer")).to_be_visible()
    assert _cards(page) == before
    page.screenshot(path=SHOTS / "issue16-locked.png", full_page=True)
    assert Response.objects.get(assessment=assessment, question=gov_02).comment == ""


def test_the_review_keeps_the_advisors_validated_answers_through_a_decision(
    new_page: Callable[..., Page], live_server, assessment, coordinator, advisor, questions
) -> None:
    answer_all(assessment, coordinator, ANSWERS)
    assessment_submit(assessment=assessment, user=coordinator)
    ops_01 = questions["OPS-01"]
    page = new_page("advisor")
    page.goto(live_server.url + reverse("review", args=[assessment.pk]))
    page.get_by_label("Validated answer for OPS-01").select_option("no")
    page.get_by_label("Reason for OPS-01").fill("No 24/7 rota was shown.")
    page.get_by_label("Validate and lock").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("heading", name="Validate and lock this assessment?")).to_be_visible()
    page.screenshot(path=SHOTS / "issue16-review-confirm.png", full_page=True)
    stored = Response.objects.get(assessment=assessment, question=ops_01)
    assert (stored.moderated_value, stored.moderation_reason) == ("no", "No 24/7 rota was shown.")
    assert Assessment.objects.get(pk=assessment.pk).status == "submitted"
    page.get_by_role("button", name="Yes, validate and lock").click()
    expect(page.get_by_text("Validated. The scores are frozen.")).to_be_visible()
    assert Assessment.objects.get(pk=assessment.pk).status == "validated"
    assert Response.objects.get(pk=stored.pk).moderated_value == "no"


def test_coordinator_assigns_respondent_sees_it_first_answers_and_discusses(
    new_page: Callable[..., Page], live_server, assessment, questions, advisor
) -> None:
    coordinator = new_page("coordinator")
    coordinator.goto(live_server.url + reverse("assignments", args=[assessment.pk]))
    coordinator.get_by_label("Domain or question").select_option(label="OPS · Operations")
    coordinator.get_by_label("Assign to").select_option(label="Respondent")
    coordinator.get_by_role("button", name="Assign").click()
    expect(coordinator.get_by_text("OPS assigned to Respondent.")).to_be_visible()
    assert Assignment.objects.get(assessment=assessment).assignee.username == "respondent"

    respondent = new_page("respondent", viewport=PHONE)
    mine = respondent.get_by_role("region", name="Assigned to you")
    expect(mine).to_contain_text("OPS · Operations")
    respondent.screenshot(path=SHOTS / "issue16-home-assigned-phone.png", full_page=True)
    mine.get_by_role("link", name="OPS · Operations").click()
    ops_01, ops_02 = questions["OPS-01"], questions["OPS-02"]
    expect(respondent.locator(f"#q-{ops_01.pk}")).to_contain_text("Assigned to you")
    respondent.locator(f"#q-{ops_01.pk} label.level-option", has_text="Yes").click()
    expect(respondent.locator(f"#status-{ops_01.pk}")).to_contain_text("Saved at")
    respondent.locator(f"#id_q{ops_02.pk}-value").fill("4")
    respondent.locator(f"#id_q{ops_02.pk}-value").press("Tab")
    expect(respondent.locator(f"#status-{ops_02.pk}")).to_contain_text("Saved at")

    respondent.locator(f"#q-{ops_01.pk}").get_by_role("link", name="Discussion").click()
    respondent.get_by_label("Your message").fill("Does the rota need to be signed?")
    respondent.get_by_role("button", name="Post message").click()
    expect(respondent.locator("#thread")).to_contain_text("Does the rota need to be signed?")

    adviser = new_page("advisor")
    adviser.goto(live_server.url + reverse("discussion", args=[assessment.pk, ops_01.pk]))
    expect(adviser.locator("#thread")).to_contain_text("Does the rota need to be signed?")
    adviser.get_by_label("Your message").fill("Yes, by the head of the CERT.")
    adviser.get_by_role("button", name="Post message").click()
    expect(adviser.locator("#thread")).to_contain_text("Yes, by the head of the CERT.")
    adviser.screenshot(path=SHOTS / "issue16-discussion.png", full_page=True)
    assert QuestionComment.objects.filter(assessment=assessment).count() == 2
    assert assessment.audit.filter(action="comment_posted").count() == 2


def test_the_language_menu_changes_only_with_its_button(
    new_page: Callable[..., Page], live_server, respondent
) -> None:
    page = new_page("respondent")
    page.evaluate("window.stillHere = true")  # a reload would forget it
    menu = page.get_by_label("Language")
    menu.focus()
    menu.press("ArrowDown")  # a keyboard user moving through the options
    menu.press("ArrowUp")
    assert page.evaluate("window.stillHere === true")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    menu.select_option("fr")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
