"""The questionnaire in a real browser (issue #3): autosave, conflicts between two
editors, submitting and the read-only page after it, the plain form without
JavaScript, and screenshots at desktop and phone widths for review.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote_plus

import pytest
from playwright.sync_api import Dialog, Page, expect

from assessments.models import Assessment, Response
from frameworks.models import Question
from tests.conftest import answer, answer_all

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")
SAVED = re.compile(r"Saved at \d\d:\d\d")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def card(page: Page, question: Question):
    return page.locator(f"#q-{question.pk}")


def status(page: Page, question: Question):
    return page.locator(f"#status-{question.pk}")


def choose(page: Page, question: Question, label: str) -> None:
    """Click the label of one answer option, as a user does."""
    card(page, question).locator("label.level-option", has_text=label).click()


def option(page: Page, question: Question, label: str):
    return card(page, question).get_by_label(label)


def test_answers_and_a_comment_are_saved_automatically_and_survive_a_reload(
    new_page: Callable[..., Page], questionnaire_url, questions, assessment: Assessment
) -> None:
    gov_01, gov_02 = questions["GOV-01"], questions["GOV-02"]
    page = new_page("respondent")
    page.goto(questionnaire_url("GOV"))

    choose(page, gov_01, "Established: Adopted")
    expect(status(page, gov_01)).to_contain_text(SAVED)
    choose(page, gov_02, "Largely implemented")
    expect(status(page, gov_02)).to_contain_text(SAVED)

    # Typing (no change event yet) is saved after a pause in keystrokes.
    card(page, gov_02).get_by_text("Comment and evidence").click()
    with page.expect_response(
        lambda r: (
            r.url.endswith(f"/questions/{gov_02.pk}/save/")
            and "2024 act." in unquote_plus(r.request.post_data or "")
        )
    ) as comment_saved:
        card(page, gov_02).get_by_label("Comment").press_sequentially("Mandate in the 2024 act.")
    assert comment_saved.value.status == 200
    expect(status(page, gov_02)).to_contain_text(SAVED)

    page.reload()
    expect(option(page, gov_01, "Established: Adopted")).to_be_checked()
    expect(option(page, gov_02, "Largely implemented")).to_be_checked()
    expect(card(page, gov_02).get_by_label("Comment")).to_have_value("Mandate in the 2024 act.")
    stored = Response.objects.get(assessment=assessment, question=gov_02)
    assert (stored.value, stored.comment) == ("largely", "Mandate in the 2024 act.")


def test_a_conflicting_answer_shows_the_stored_one_and_can_be_kept(
    new_page: Callable[..., Page], questionnaire_url, questions, assessment: Assessment
) -> None:
    gov_02 = questions["GOV-02"]
    first = new_page("respondent")
    second = new_page("coordinator", viewport=PHONE)  # also gives the lead a picture
    first.goto(questionnaire_url("GOV"))
    second.goto(questionnaire_url("GOV"))

    choose(first, gov_02, "Largely implemented")
    expect(status(first, gov_02)).to_contain_text(SAVED)

    choose(second, gov_02, "Partially implemented")
    conflict = status(second, gov_02).locator("[data-state=conflict]")
    expect(conflict).to_contain_text("Someone else saved this answer")
    expect(conflict).to_contain_text("Stored answer: Largely implemented")
    expect(conflict).to_contain_text("by Respondent")
    SHOTS.mkdir(parents=True, exist_ok=True)
    second.screenshot(path=SHOTS / "browser-conflict-phone.png", full_page=True)

    conflict.get_by_role("button", name="Keep my answer").click()
    expect(status(second, gov_02)).to_contain_text(SAVED)
    stored = Response.objects.get(assessment=assessment, question=gov_02)
    assert (stored.value, stored.version, stored.updated_by.username) == (
        "partial",
        2,
        "coordinator",
    )

    first.reload()
    expect(option(first, gov_02, "Partially implemented")).to_be_checked()
    expect(option(first, gov_02, "Largely implemented")).not_to_be_checked()


def test_the_coordinator_submits_and_the_questionnaire_becomes_read_only(
    new_page: Callable[..., Page],
    questionnaire_url,
    questions,
    assessment: Assessment,
    respondent,
) -> None:
    # Everything but GOV-01 through the services, for speed; GOV-01 through the page.
    answer_all(
        assessment,
        respondent,
        {"GOV-02": "fully", "OPS-01": "yes", "OPS-02": "7", "OPS-03": "-"},
    )
    gov_01 = questions["GOV-01"]
    page = new_page("coordinator")
    page.goto(questionnaire_url("GOV"))
    choose(page, gov_01, "Strategic: Funded")
    expect(status(page, gov_01)).to_contain_text(SAVED)

    page.get_by_role("link", name="Review and submit").first.click()
    expect(page.get_by_text("Every required question is answered")).to_be_visible()
    page.get_by_role("button", name="Submit the assessment").click()
    expect(page.get_by_role("alert").filter(has_text="Submitted.")).to_be_visible()
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED

    page.goto(questionnaire_url("GOV"))
    expect(page.get_by_text("This assessment is submitted and read-only.")).to_be_visible()
    expect(option(page, gov_01, "Strategic: Funded")).to_be_checked()
    form = page.locator("#questionnaire-form")
    for field in form.locator("input:not([type=hidden]), textarea").all():
        expect(field).to_be_disabled()
    expect(page.locator("[hx-post]")).to_have_count(0)
    expect(page.get_by_role("button", name="Save", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Review and submit")).to_have_count(0)


def test_without_javascript_the_save_button_stores_the_answers(
    new_page: Callable[..., Page], questionnaire_url, questions, assessment: Assessment
) -> None:
    gov_02 = questions["GOV-02"]
    page = new_page("respondent", java_script_enabled=False)
    page.goto(questionnaire_url("GOV"))

    choose(page, gov_02, "Fully implemented")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="Your answers are saved.")).to_be_visible()

    stored = Response.objects.get(assessment=assessment, question=gov_02)
    assert (stored.value, stored.version) == ("fully", 1)
    assert not Response.objects.filter(assessment=assessment, question=questions["GOV-01"])
    page.reload()
    expect(option(page, gov_02, "Fully implemented")).to_be_checked()


def test_screenshots_of_the_questionnaire_for_review(
    new_page: Callable[..., Page],
    questionnaire_url,
    questions,
    assessment: Assessment,
    respondent,
) -> None:
    """Not asserted beyond the pages loading: the lead looks at the pictures."""
    answer(
        assessment,
        respondent,
        "OPS-02",
        "7",
        comment="Two of them part-time.",
        evidence_link="https://intranet.example.org/staffing",
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = new_page("respondent")
    page.goto(questionnaire_url("GOV"))
    choose(page, questions["GOV-01"], "Established: Adopted")
    expect(status(page, questions["GOV-01"])).to_contain_text(SAVED)

    for name, viewport in [("desktop", DESKTOP), ("phone", PHONE)]:
        page.set_viewport_size(viewport)
        page.goto(questionnaire_url("GOV"))
        expect(status(page, questions["GOV-01"])).to_contain_text("Last saved")
        page.screenshot(path=SHOTS / f"browser-questionnaire-gov-{name}.png", full_page=True)
        page.goto(questionnaire_url("OPS"))
        expect(page.get_by_role("heading", name="OPS · Operations")).to_be_visible()
        page.screenshot(path=SHOTS / f"browser-questionnaire-ops-{name}.png", full_page=True)


def test_using_the_stored_answer_after_a_conflict_reloads_without_a_leave_warning(
    new_page: Callable[..., Page], questionnaire_url, questions, assessment: Assessment
) -> None:
    gov_02 = questions["GOV-02"]
    first = new_page("respondent")
    second = new_page("coordinator")
    first.goto(questionnaire_url("GOV"))
    second.goto(questionnaire_url("GOV"))
    choose(first, gov_02, "Largely implemented")
    expect(status(first, gov_02)).to_contain_text(SAVED)
    choose(second, gov_02, "Partially implemented")
    conflict = status(second, gov_02).locator("[data-state=conflict]")
    expect(conflict).to_be_visible()

    prompts: list[str] = []

    def leave_anyway(dialog: Dialog) -> None:
        prompts.append(dialog.type)
        dialog.accept()

    second.on("dialog", leave_anyway)
    conflict.get_by_role("link", name="Use the stored answer").click()
    expect(option(second, gov_02, "Largely implemented")).to_be_checked()
    assert prompts == [], "the user chose to drop their answer, yet was asked to confirm leaving"


def test_a_refused_answer_and_a_saved_one_are_told_apart_by_colour(
    new_page: Callable[..., Page], questionnaire_url, questions, assessment: Assessment
) -> None:
    ops_02 = questions["OPS-02"]
    page = new_page("respondent")
    page.goto(questionnaire_url("OPS"))
    body_colour = page.locator("body").evaluate("e => getComputedStyle(e).color")
    value = card(page, ops_02).get_by_label("Value (FTE)")

    value.fill("a dozen")
    value.blur()
    refused = status(page, ops_02).locator("[data-state=invalid]")
    expect(refused).to_contain_text("Not saved")
    # The reason is told at the field itself (issue 16).
    expect(page.locator(f"#err-{ops_02.pk}")).to_contain_text("Enter a number")
    value.fill("12")
    value.blur()
    saved = status(page, ops_02).locator("[data-state=saved]")
    expect(saved).to_contain_text(SAVED)
    saved_colour = saved.evaluate("e => getComputedStyle(e).color")

    value.fill("-1")
    value.blur()
    expect(refused).to_contain_text("Not saved")
    refused_colour = refused.evaluate("e => getComputedStyle(e).color")
    assert body_colour not in {saved_colour, refused_colour}
